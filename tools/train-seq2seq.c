/* train-seq2seq: the speech section's attention encoder-decoder.
 *   train-seq2seq [options] --feats X.npy --lengths L.npy --text T.tsv -o MODEL
 *   train-seq2seq decode --model MODEL --feats X.npy --lengths L.npy [-o pred.tsv]
 *   train-seq2seq transcribe --model MODEL WAV... [-o out.tsv]
 * Features come from audio-features (N, T, F) with their lengths, the
 * transcripts from make-utterances's TSV (or any TSV with a text column).
 * The model (lib/nn/seq2seq.h) keeps its token list and the feature
 * normalization, so decode needs only the features; given audio-features's
 * settings (--audio-settings) it keeps those too, and transcribe reads
 * recordings. */
#include "audio/features.h"
#include "core/cli.h"
#include "core/file.h"
#include "core/mem.h"
#include "io/npy.h"
#include "io/safetensors.h"
#include "nn/model.h"
#include "nn/optim.h"
#include "nn/seq2seq.h"
#include "nn/train_run.h"
#include "text/textcolumn.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- inputs shared by both modes ---- */

typedef struct {
    nn_array x;      /* (n, T, F) float32 */
    int64_t *len;    /* (n) */
    char **text;     /* (n) or NULL */
    int64_t n, T, F;
    char *text_buf;
} dataset;

static void load_feats(const char *xp, const char *lp, dataset *d)
{
    memset(d, 0, sizeof *d);
    if (nn_npy_load(xp, &d->x) < 0)
        nn_die_lib(xp);
    if (d->x.ndim != 3 || d->x.shape[0] < 1 || d->x.shape[1] < 1 || d->x.shape[2] < 1) {
        char b[64];
        nn_shape_format(&d->x, b, sizeof b);
        nn_die(xp, "expected features of shape (N, T, F), got %s", b);
    }
    if (!nn_dtype_is_float(d->x.dtype))
        nn_die(xp, "features must be float32 or float64, not %s", nn_dtype_name(d->x.dtype));
    if (nn_array_convert_inplace(&d->x, NN_F32) < 0)
        nn_die_lib(xp);
    d->n = d->x.shape[0];
    d->T = d->x.shape[1];
    d->F = d->x.shape[2];
    nn_array l;
    if (nn_npy_load(lp, &l) < 0)
        nn_die_lib(lp);
    if (l.ndim != 1 || nn_dtype_is_float(l.dtype))
        nn_die(lp, "expected integer lengths of shape (N,)");
    if (l.shape[0] != d->n)
        nn_die(lp, "%" PRId64 " lengths for %" PRId64 " utterances in %s", l.shape[0], d->n, xp);
    if (nn_array_convert_inplace(&l, NN_I64) < 0)
        nn_die_lib(lp);
    d->len = l.data;
    for (int64_t i = 0; i < d->n; i++)
        if (d->len[i] < 1 || d->len[i] > d->T)
            nn_die(lp, "utterance %" PRId64 " has length %" PRId64 ", outside 1..%" PRId64, i, d->len[i], d->T);
    const float *x = d->x.data;
    for (size_t i = 0; i < nn_array_count(&d->x); i++)
        if (!isfinite(x[i]))
            nn_die(xp, "value %zu is not finite", i);
}

/* Column `col` (1-based) of every row of a TSV, one transcript per
 * utterance; a first row whose column reads "text" is a header. */
static void load_text(const char *path, int col, dataset *d)
{
    uint8_t *buf;
    size_t len, n;
    if (nn_read_all(path, &buf, &len) < 0 || nn_text_column((char *)buf, len, col, "text", &d->text, &n) < 0)
        nn_die_lib(path);
    d->text_buf = (char *)buf;
    if ((int64_t)n > d->n)
        nn_die(path, "more transcripts than the %" PRId64 " utterances of the features", d->n);
    if ((int64_t)n < d->n)
        nn_die(path, "%zu transcripts for %" PRId64 " utterances of the features", n, d->n);
}

static void dataset_free(dataset *d)
{
    nn_array_free(&d->x);
    free(d->len);
    free(d->text);
    free(d->text_buf);
}

/* ids of every transcript: (n, L) and lengths */
static void make_targets(const nn_s2s_config *c, const dataset *d, const char *path, int32_t **y, int64_t **ylen,
                         int64_t *L)
{
    int64_t cap = 1;
    for (int64_t i = 0; i < d->n; i++)
        if ((int64_t)strlen(d->text[i]) + 1 > cap)
            cap = (int64_t)strlen(d->text[i]) + 1;
    *y = nn_calloc((size_t)(d->n * cap), sizeof(int32_t));
    *ylen = nn_alloc((size_t)d->n, sizeof(int64_t));
    if (!*y || !*ylen)
        nn_die_lib(path);
    int64_t mx = 1;
    for (int64_t i = 0; i < d->n; i++) {
        if (nn_s2s_text_to_ids(c, d->text[i], *y + i * cap, cap, *ylen + i) < 0)
            nn_die(path, "transcript %" PRId64 ": %s", i + 1, nn_last_error());
        if ((*ylen)[i] > mx)
            mx = (*ylen)[i];
    }
    *L = cap;
    (void)mx;
}

/* The settings file of audio-features --settings, checked against the
 * features it is said to have made; the canonical text (malloc'd). */
static char *load_audio_settings(const char *path, int64_t F)
{
    uint8_t *buf;
    size_t len;
    if (nn_read_all(path, &buf, &len) < 0)
        nn_die_lib(path);
    if (memchr(buf, 0, len))
        nn_die(path, "a NUL byte in the settings");
    char *text = nn_alloc(len + 1, 1);
    if (!text)
        nn_die_lib(NULL);
    memcpy(text, buf, len);
    text[len] = 0;
    free(buf);
    nn_audio_settings as;
    nn_mel_config mc;
    if (nn_audio_settings_parse(text, &as) < 0 || nn_audio_settings_mel(&as, &mc) < 0)
        nn_die_lib(path);
    nn_mel *mel = nn_mel_new(&mc);
    if (!mel)
        nn_die_lib(path);
    if (nn_mel_dim(mel) != F)
        nn_die(path, "these settings give %d features per frame, the training features have %" PRId64,
               nn_mel_dim(mel), F);
    nn_mel_free(mel);
    free(text);
    char *canon = nn_audio_settings_format(&as);
    if (!canon)
        nn_die_lib(NULL);
    return canon;
}

/* ---- train ---- */

static const char *feats_path, *len_path, *text_path, *vfeats_path, *vlen_path, *vtext_path, *out_path;
static const char *audio_path, *history_path, *ckpt_path, *cell_name = "gru", *att_name = "bahdanau", *text_mode = "words";
static int text_col = 2, stack = 3, enc_units = 64, dec_units = 64, emb = 16, att_units = 64, epochs = 10;
static int batch = 32, patience = 0, resume = 0, max_out = 0;
static double lr = 2e-3, clipnorm = 5;
static int64_t seed = 1;

static const nn_option train_opts[] = {
    {"feats", 0, NN_OPT_STRING, &feats_path, "FILE", "training features (N, T, F) from audio-features", NULL},
    {"lengths", 0, NN_OPT_STRING, &len_path, "FILE", "frames per utterance (N)", NULL},
    {"text", 0, NN_OPT_STRING, &text_path, "FILE", "TSV of the transcripts, one row per utterance", NULL},
    {"text-column", 0, NN_OPT_INT, &text_col, "N", "column of the transcript in the TSVs (1-based)", NULL},
    {"audio-settings", 0, NN_OPT_STRING, &audio_path, "FILE",
     "audio-features's settings of the features (its --settings): kept in the model for transcribe", NULL},
    {"val-feats", 0, NN_OPT_STRING, &vfeats_path, "FILE", "validation features", NULL},
    {"val-lengths", 0, NN_OPT_STRING, &vlen_path, "FILE", "validation lengths", NULL},
    {"val-text", 0, NN_OPT_STRING, &vtext_path, "FILE", "validation transcripts", NULL},
    {"tokens", 0, NN_OPT_CHOICE, &text_mode, "HOW", "output tokens: words or characters", "words|chars"},
    {"cell", 0, NN_OPT_CHOICE, &cell_name, "C", "encoder and decoder cell", "gru|lstm"},
    {"attention", 0, NN_OPT_CHOICE, &att_name, "A", "attention (none: the encoder's last states only)",
     "bahdanau|luong|none"},
    {"stack", 0, NN_OPT_INT, &stack, "K", "frames stacked into one encoder step (time downsampling)", NULL},
    {"enc-units", 0, NN_OPT_INT, &enc_units, "N", "encoder units per direction", NULL},
    {"dec-units", 0, NN_OPT_INT, &dec_units, "N", "decoder units", NULL},
    {"embedding", 0, NN_OPT_INT, &emb, "N", "token embedding width", NULL},
    {"att-units", 0, NN_OPT_INT, &att_units, "N", "bahdanau attention width", NULL},
    {"max-out", 0, NN_OPT_INT, &max_out, "N", "longest output when decoding (0: 2 x longest transcript + 2)", NULL},
    {"epochs", 'e', NN_OPT_INT, &epochs, "N", "training epochs", NULL},
    {"batch", 'b', NN_OPT_INT, &batch, "N", "batch size", NULL},
    {"lr", 0, NN_OPT_DOUBLE, &lr, "LR", "Adam learning rate", NULL},
    {"clipnorm", 0, NN_OPT_DOUBLE, &clipnorm, "C", "clip each gradient tensor to this norm (0: off)", NULL},
    {"seed", 's', NN_OPT_INT64, &seed, "N", "random seed (init, shuffles)", NULL},
    {"patience", 0, NN_OPT_INT, &patience, "N", "stop after N epochs without a better val_loss (0: off)", NULL},
    NN_TRAIN_RUN_OPTIONS(out_path, history_path, ckpt_path, resume),
    {"quiet", 'q', NN_OPT_FLAG, &nn_quiet, NULL, "no progress on stderr", NULL},
    {0}};

static const nn_cli train_cli = {
    "train-seq2seq", "[options] --feats X.npy --lengths L.npy --text T.tsv -o MODEL\n"
                     "   or: train-seq2seq decode --help\n"
                     "   or: train-seq2seq transcribe --help",
    "Train an attention encoder-decoder that transcribes utterances: stacked frames -> bidirectional\n"
    "GRU/LSTM encoder -> GRU/LSTM decoder with Bahdanau (additive) or Luong (dot-product) attention,\n"
    "teacher forcing, cross-entropy per token.  Tokens are the words (or characters) of the training\n"
    "transcripts plus <pad> <s> </s>.  Features are normalized per band with the training set's mean\n"
    "and standard deviation (kept in the model).  Ctrl-C stops at the end of the current batch.",
    train_opts, 0, 0};

/* settings as metadata, for the model file and the checkpoints: the
 * config with its token list and feature normalization (run->ctx) */
static int settings_meta(const nn_train_run *run, const nn_optim *o, nn_safetensors *st)
{
    char clip[32], pat[32];
    snprintf(clip, sizeof clip, "%.17g", o->clipnorm);
    snprintf(pat, sizeof pat, "%d", run->patience);
    if (nn_s2s_config_to_st(run->ctx, st) < 0 || nn_train_run_meta(run, "train-seq2seq", o->lr, st) < 0 ||
        nn_st_set_meta(st, "train.optimizer", "adam") < 0 || nn_st_set_meta(st, "train.clipnorm", clip) < 0 ||
        nn_st_set_meta(st, "train.patience", pat) < 0)
        return -1;
    return 0;
}

static int train_main(int argc, char **argv)
{
    char **args;
    nn_cli_parse(&train_cli, argc, argv, &args);
    free(args);
    if (!feats_path || !len_path || !text_path || !out_path)
        nn_usage("--feats, --lengths, --text and -o are required");
    if ((vfeats_path || vlen_path || vtext_path) && !(vfeats_path && vlen_path && vtext_path))
        nn_usage("--val-feats, --val-lengths and --val-text go together");
    if (stack < 1 || stack > 64 || enc_units < 1 || dec_units < 1 || emb < 1 || att_units < 1 || epochs < 0 ||
        batch < 1 || patience < 0 || max_out < 0 || text_col < 1 || !(lr > 0) || !(clipnorm >= 0))
        nn_usage("sizes must be positive (--stack at most 64), --lr > 0");
    if (resume && !ckpt_path)
        nn_usage("--resume needs --checkpoint FILE");

    dataset tr, va = {0};
    load_feats(feats_path, len_path, &tr);
    load_text(text_path, text_col, &tr);
    nn_s2s_config c;
    nn_s2s_defaults(&c);
    c.cell = (nn_cell_kind)nn_cell_parse(cell_name);
    c.att = (nn_att_kind)nn_att_parse(att_name);
    c.feat = tr.F;
    c.stack = stack;
    c.enc_units = enc_units;
    c.dec_units = dec_units;
    c.emb = emb;
    c.att_units = att_units;
    c.chars = strcmp(text_mode, "chars") == 0;
    if (audio_path)
        c.audio = load_audio_settings(audio_path, tr.F);
    if (nn_s2s_vocab_from_texts(&c, tr.text, tr.n) < 0)
        nn_die_lib(text_path);
    if (nn_s2s_fit_norm(&c, tr.x.data, tr.len, tr.n, tr.T) < 0)
        nn_die_lib(NULL);
    nn_s2s_apply_norm(&c, tr.x.data, tr.len, tr.n, tr.T);
    int32_t *y, *vy = NULL;
    int64_t *ylen, *vylen = NULL, L, vL = 0;
    make_targets(&c, &tr, text_path, &y, &ylen, &L);
    int64_t longest = 0;
    for (int64_t i = 0; i < tr.n; i++)
        if (ylen[i] > longest)
            longest = ylen[i];
    c.max_out = max_out ? max_out : 2 * longest + 2;
    if (vfeats_path) {
        load_feats(vfeats_path, vlen_path, &va);
        if (va.F != tr.F)
            nn_die(vfeats_path, "%" PRId64 " features per frame, the training set has %" PRId64, va.F, tr.F);
        load_text(vtext_path, text_col, &va);
        make_targets(&c, &va, vtext_path, &vy, &vylen, &vL);
        nn_s2s_apply_norm(&c, va.x.data, va.len, va.n, va.T);
    }
    if (!nn_quiet)
        fprintf(stderr, "train-seq2seq: %" PRId64 " utterances, %" PRId64 " tokens + 3 specials, longest %" PRId64
                    " tokens, %" PRId64 " frames -> %" PRId64 " encoder steps\n",
            tr.n, c.vocab - 3, longest, tr.T, nn_s2s_enc_len(&c, tr.T));

    nn_model *m;
    if (nn_s2s_build(&c, (uint64_t)seed, &m) < 0)
        nn_die_lib(NULL);
    nn_s2s s;
    if (nn_s2s_init(&s, m, &c) < 0)
        nn_die_lib(NULL);
    nn_s2s_data dtr = {tr.x.data, tr.len, tr.n, tr.T, y, ylen, L};
    nn_s2s_data dva = {va.x.data, va.len, va.n, va.T, vy, vylen, vL};
    s.train = &dtr;
    s.val = vfeats_path ? &dva : NULL;

    nn_optim o;
    nn_optim_init(&o, NN_ADAM);
    o.lr = lr;
    o.clipnorm = clipnorm;
    nn_train_task task = {&s, tr.n, vfeats_path ? va.n : 0, nn_s2s_batch};
    nn_train_run run = {.epochs = epochs, .batch = batch, .patience = patience, .resume = resume, .seed = seed,
                        .input = feats_path, .output = out_path, .history = history_path, .checkpoint = ckpt_path,
                        .settings = settings_meta, .ctx = &c};
    nn_train_result res;
    if (nn_train_run_model(&run, m, &o, &task, &res) < 0)
        nn_die_lib(run.failed);
    if (!nn_quiet)
        fprintf(stderr, "train-seq2seq: %" PRId64 " trainable parameters\n", nn_model_param_count(m, 1));
    nn_optim_free(&o);
    nn_model_free(m);
    nn_s2s_config_free(&c);
    free(y);
    free(ylen);
    free(vy);
    free(vylen);
    dataset_free(&tr);
    dataset_free(&va);
    return 0;
}

/* ---- decode ---- */

/* A trained model with its settings (the decode and transcribe modes). */
static void load_model(const char *path, nn_model **m, nn_s2s_config *c)
{
    nn_safetensors st;
    if (nn_model_load(path, m, &st) < 0)
        nn_die_lib(path);
    if (nn_s2s_config_from_st(&st, c) < 0)
        nn_die_lib(path);
    nn_st_free(&st);
}

/* Greedy (bw 1) or beam decoding of every utterance of d (normalized):
 * out (n, M) ids, olen (n), att (n, M, T') or NULL. */
static void decode_all(nn_s2s *s, const dataset *d, int bw, int batch, int32_t *out, int64_t *olen, float *att,
                       int64_t M, int64_t Ta, const char *what)
{
    int64_t *idx = nn_alloc((size_t)d->n, sizeof(int64_t));
    if (!idx)
        nn_die_lib(NULL);
    for (int64_t i = 0; i < d->n; i++)
        idx[i] = i;
    nn_s2s_data dd = {d->x.data, d->len, d->n, d->T, NULL, NULL, 0};
    for (int64_t i = 0; i < d->n; i += batch) {
        int64_t k = d->n - i < batch ? d->n - i : batch;
        if (nn_s2s_decode(s, &dd, idx + i, k, bw, out + i * M, olen + i, att ? att + i * M * Ta : NULL) < 0)
            nn_die_lib(what);
    }
    free(idx);
}

static const char *model_path, *search = "greedy", *att_out, *examples = "0";
static int beam = 4, dbatch = 64;

/* The hypotheses kept per step from --search and --beam (decode and
 * transcribe share these options); checks --batch too. */
static int search_width(void)
{
    if (beam < 1 || beam > 64 || dbatch < 1)
        nn_usage("--beam must be in 1..64, --batch positive");
    return strcmp(search, "beam") == 0 ? beam : 1;
}

static const nn_option decode_opts[] = {
    {"model", 'm', NN_OPT_STRING, &model_path, "FILE", "a model from train-seq2seq (required)", NULL},
    {"feats", 0, NN_OPT_STRING, &feats_path, "FILE", "features (N, T, F) (required)", NULL},
    {"lengths", 0, NN_OPT_STRING, &len_path, "FILE", "frames per utterance (N) (required)", NULL},
    {"search", 0, NN_OPT_CHOICE, &search, "HOW", "greedy, or beam search of --beam hypotheses", "greedy|beam"},
    {"beam", 0, NN_OPT_INT, &beam, "N", "beam width for --search beam", NULL},
    {"batch", 'b', NN_OPT_INT, &dbatch, "N", "utterances per encoder batch", NULL},
    {"output", 'o', NN_OPT_STRING, &out_path, "FILE", "TSV of id (row, from 0) and text, header row", NULL},
    {"attention-out", 0, NN_OPT_STRING, &att_out, "FILE",
     "attention weights of the --examples as .npy (N, max_out, T') (T' = encoder steps)", NULL},
    {"examples", 0, NN_OPT_STRING, &examples, "LIST", "comma-separated rows for --attention-out", NULL},
    {"quiet", 'q', NN_OPT_FLAG, &nn_quiet, NULL, "no messages on stderr", NULL},
    {0}};

static const nn_cli decode_cli = {
    "train-seq2seq decode", "--model MODEL --feats X.npy --lengths L.npy [-o pred.tsv]",
    "Transcribe utterances with a trained model (greedy or beam search) into a TSV of id and text.",
    decode_opts, 0, 0};

static int decode_main(int argc, char **argv)
{
    char **args;
    out_path = "-";
    nn_cli_parse(&decode_cli, argc, argv, &args);
    free(args);
    if (!model_path || !feats_path || !len_path)
        nn_usage("--model, --feats and --lengths are required");
    int bw = search_width();
    nn_model *m;
    nn_s2s_config c;
    load_model(model_path, &m, &c);
    nn_s2s s;
    if (nn_s2s_init(&s, m, &c) < 0)
        nn_die_lib(model_path);
    dataset d;
    load_feats(feats_path, len_path, &d);
    if (d.F != c.feat)
        nn_die(feats_path, "%" PRId64 " features per frame, the model takes %" PRId64, d.F, c.feat);
    nn_s2s_apply_norm(&c, d.x.data, d.len, d.n, d.T);

    /* attention examples */
    int64_t nex = 0, *ex = NULL;
    if (att_out) {
        ex = nn_alloc(strlen(examples) + 1, sizeof(int64_t));
        if (!ex)
            nn_die_lib(NULL);
        const char *p = examples;
        while (*p) {
            char *e;
            long long v = strtoll(p, &e, 10);
            if (e == p || v < 0 || v >= d.n || (*e && *e != ','))
                nn_usage("--examples: '%s' is not a list of rows in 0..%" PRId64, examples, d.n - 1);
            ex[nex++] = v;
            p = *e ? e + 1 : e;
        }
        if (!nex)
            nn_usage("--examples is empty");
    }
    int64_t M = c.max_out, Ta = nn_s2s_enc_len(&c, d.T);
    int32_t *out = nn_alloc((size_t)(d.n * M), sizeof(int32_t));
    int64_t *olen = nn_alloc((size_t)d.n, sizeof(int64_t));
    float *att = att_out ? nn_alloc((size_t)(d.n * M), (size_t)Ta * sizeof(float)) : NULL;
    if (!out || !olen || (att_out && !att))
        nn_die_lib(NULL);
    decode_all(&s, &d, bw, dbatch, out, olen, att, M, Ta, feats_path);
    nn_output o;
    if (nn_output_open(&o, out_path) < 0)
        nn_die_lib(out_path);
    fprintf(o.fp, "id\ttext\n");
    for (int64_t i = 0; i < d.n; i++) {
        char *t = nn_s2s_ids_to_text(&c, out + i * M, olen[i]);
        if (!t)
            nn_die_lib(NULL);
        fprintf(o.fp, "%" PRId64 "\t%s\n", i, t);
        free(t);
    }
    if (att_out) {
        nn_array a;
        if (nn_array_alloc(&a, NN_F32, 3, (int64_t[]){nex, M, Ta}) < 0)
            nn_die_lib(att_out);
        for (int64_t k = 0; k < nex; k++)
            memcpy((float *)a.data + k * M * Ta, att + ex[k] * M * Ta, sizeof(float) * (size_t)(M * Ta));
        if (nn_npy_save(att_out, &a) < 0)
            nn_die_lib(att_out);
        nn_array_free(&a);
    }
    if (nn_output_commit(&o) < 0)
        nn_die_lib(out_path);
    free(out);
    free(olen);
    free(att);
    free(ex);
    dataset_free(&d);
    nn_s2s_config_free(&c);
    nn_model_free(m);
    return 0;
}

/* ---- transcribe: WAV files straight to text ---- */

static const nn_option transcribe_opts[] = {
    {"model", 'm', NN_OPT_STRING, &model_path, "FILE",
     "a model trained with --audio-settings (required)", NULL},
    {"search", 0, NN_OPT_CHOICE, &search, "HOW", "greedy, or beam search of --beam hypotheses", "greedy|beam"},
    {"beam", 0, NN_OPT_INT, &beam, "N", "beam width for --search beam", NULL},
    {"batch", 'b', NN_OPT_INT, &dbatch, "N", "utterances per encoder batch", NULL},
    {"output", 'o', NN_OPT_STRING, &out_path, "FILE", "TSV of path and text, header row", NULL},
    {"quiet", 'q', NN_OPT_FLAG, &nn_quiet, NULL, "no messages on stderr", NULL},
    {0}};

static const nn_cli transcribe_cli = {
    "train-seq2seq transcribe", "--model MODEL [options] WAV... | -",
    "Transcribe recordings: each WAV file (or, with '-', each path on a line of stdin) goes through\n"
    "the audio front end whose settings the model keeps (audio-features --settings, given to the\n"
    "trainer as --audio-settings), then the model's normalization and decoder.  The same text as\n"
    "audio-features followed by decode.",
    transcribe_opts, 1, -1};

/* Paths from the arguments; '-' (once) adds stdin's non-empty lines, which
 * live in *stdin_buf.  A tab or newline in a path could not go into the TSV. */
static char **wav_paths(char **args, int nargs, int64_t *n, uint8_t **stdin_buf)
{
    size_t len = 0, cap = (size_t)nargs;
    *stdin_buf = NULL;
    for (int i = 0; i < nargs; i++)
        if (strcmp(args[i], "-") == 0) {
            if (*stdin_buf)
                nn_usage("'-' (paths from stdin) given twice");
            if (nn_read_all("-", stdin_buf, &len) < 0)
                nn_die_lib("-");
            uint8_t *b = nn_realloc(*stdin_buf, len + 1, 1);
            if (!b)
                nn_die_lib(NULL);
            b[len] = 0;
            if (memchr(b, 0, len))
                nn_die("-", "a NUL byte in the list of paths");
            *stdin_buf = b;
            for (size_t k = 0; k < len; k++)
                cap += b[k] == '\n';
            cap++;
        }
    char **p = nn_alloc(cap ? cap : 1, sizeof *p);
    if (!p)
        nn_die_lib(NULL);
    *n = 0;
    for (int i = 0; i < nargs; i++) {
        if (strcmp(args[i], "-") != 0) {
            p[(*n)++] = args[i];
            continue;
        }
        for (char *line = (char *)*stdin_buf; line && *line;) {
            char *e = strchr(line, '\n');
            if (e)
                *e = 0;
            size_t l = strlen(line);
            if (l && line[l - 1] == '\r')
                line[--l] = 0;
            if (l)
                p[(*n)++] = line;
            line = e ? e + 1 : NULL;
        }
    }
    for (int64_t i = 0; i < *n; i++)
        if (strpbrk(p[i], "\t\n"))
            nn_die(p[i], "a tab or newline in the path cannot go into the output TSV");
    return p;
}

static int transcribe_main(int argc, char **argv)
{
    char **args;
    out_path = "-";
    int nargs = nn_cli_parse(&transcribe_cli, argc, argv, &args);
    if (!model_path)
        nn_usage("--model is required");
    int bw = search_width();
    nn_model *m;
    nn_s2s_config c;
    load_model(model_path, &m, &c);
    if (!c.audio)
        nn_die(model_path, "the model keeps no audio settings: train it with --audio-settings FILE "
                           "(written by audio-features --settings)");
    nn_audio_settings as;
    nn_mel_config mc;
    nn_mel *mel = NULL;
    if (nn_audio_settings_parse(c.audio, &as) < 0 || nn_audio_settings_mel(&as, &mc) < 0 || !(mel = nn_mel_new(&mc)))
        nn_die_lib(model_path);
    if (nn_mel_dim(mel) != c.feat)
        nn_die(model_path, "its audio settings give %d features per frame, the model takes %" PRId64,
               nn_mel_dim(mel), c.feat);
    nn_s2s s;
    if (nn_s2s_init(&s, m, &c) < 0)
        nn_die_lib(model_path);

    uint8_t *stdin_buf;
    int64_t n;
    char **paths = wav_paths(args, nargs, &n, &stdin_buf);
    if (n == 0)
        nn_usage("no WAV files given");
    /* features of every file, then one zero-padded (n, T, F) batch */
    float **f = nn_calloc((size_t)n, sizeof *f);
    dataset d;
    memset(&d, 0, sizeof d);
    d.len = nn_alloc((size_t)n, sizeof(int64_t));
    if (!f || !d.len)
        nn_die_lib(NULL);
    d.n = n;
    d.F = c.feat;
    d.T = 1;
    for (int64_t i = 0; i < n; i++) {
        if (nn_audio_features_file(mel, as.rate, paths[i], &f[i], &d.len[i]) < 0)
            nn_die_lib(paths[i]);
        if (d.len[i] > d.T)
            d.T = d.len[i];
    }
    if (nn_array_alloc(&d.x, NN_F32, 3, (int64_t[]){n, d.T, d.F}) < 0)
        nn_die_lib(NULL);
    for (int64_t i = 0; i < n; i++) {
        memcpy((float *)d.x.data + i * d.T * d.F, f[i], sizeof(float) * (size_t)(d.len[i] * d.F));
        free(f[i]);
    }
    free(f);
    nn_s2s_apply_norm(&c, d.x.data, d.len, d.n, d.T);

    int64_t M = c.max_out;
    int32_t *out = nn_alloc((size_t)(n * M), sizeof(int32_t));
    int64_t *olen = nn_alloc((size_t)n, sizeof(int64_t));
    if (!out || !olen)
        nn_die_lib(NULL);
    decode_all(&s, &d, bw, dbatch, out, olen, NULL, M, 0, model_path);
    nn_output o;
    if (nn_output_open(&o, out_path) < 0)
        nn_die_lib(out_path);
    fprintf(o.fp, "path\ttext\n");
    for (int64_t i = 0; i < n; i++) {
        char *t = nn_s2s_ids_to_text(&c, out + i * M, olen[i]);
        if (!t)
            nn_die_lib(NULL);
        fprintf(o.fp, "%s\t%s\n", paths[i], t);
        free(t);
    }
    if (nn_output_commit(&o) < 0)
        nn_die_lib(out_path);
    free(out);
    free(olen);
    free(paths);
    free(stdin_buf);
    free(args);
    dataset_free(&d);
    nn_mel_free(mel);
    nn_s2s_config_free(&c);
    nn_model_free(m);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "decode") == 0)
        return decode_main(argc - 1, argv + 1);
    if (argc > 1 && strcmp(argv[1], "transcribe") == 0)
        return transcribe_main(argc - 1, argv + 1);
    return train_main(argc, argv);
}
