/* train-rnn: a recurrent sequence tagger (the assignment's NER model):
 * embedding (optionally from word vectors, frozen or trained) -> dropout
 * -> recurrent layers (rnn/lstm/gru, bidirectional) -> dense softmax over
 * the tags at every step, trained with masked sparse categorical
 * cross-entropy by the shared loop (lib/nn/train.h).  The model file
 * keeps the vocabulary, the tag list and the normalization so that
 * `predict --text` can tag raw text. */
#include "core/cli.h"
#include "core/mem.h"
#include "io/npy.h"
#include "io/safetensors.h"
#include "nn/losses.h"
#include "nn/model.h"
#include "nn/optim.h"
#include "nn/rnn.h"
#include "nn/train_run.h"
#include "text/normalize.h"
#include "text/vocabfile.h"
#include "text/wordvec.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *x_path, *y_path, *vx_path, *vy_path, *vocab_path, *tags_path, *vectors_path, *out_path;
static const char *history_path, *ckpt_path, *cell_name = "lstm", *merge_name = "concat", *optim_name = "adam";
static const char *norm_name = "lower";
static double val_frac = 0, dropout = 0.2, lr = 1e-3, clipnorm = 0;
static int freeze = 0, units = 100, layers = 1, bidir = 0, epochs = 15, batch = 128, patience = 0;
static int mask_padding = 1, count_padding = 0, summary = 0, resume = 0, emb_dim = 0;
static int64_t seed = 1;

static const nn_option opts[] = {
    {"x", 0, NN_OPT_STRING, &x_path, "FILE", "training token ids (N, T), from pad / train-test-split", NULL},
    {"y", 0, NN_OPT_STRING, &y_path, "FILE", "training tag ids (N, T)", NULL},
    {"val-x", 0, NN_OPT_STRING, &vx_path, "FILE", "validation token ids", NULL},
    {"val-y", 0, NN_OPT_STRING, &vy_path, "FILE", "validation tag ids", NULL},
    {"val", 0, NN_OPT_DOUBLE, &val_frac, "F", "hold out the last F of the training rows for validation (as Keras)", NULL},
    {"vocab", 0, NN_OPT_STRING, &vocab_path, "FILE", "vocab.tsv of the token ids (required)", NULL},
    {"tags", 0, NN_OPT_STRING, &tags_path, "FILE", "vocab.tsv of the tag ids (required)", NULL},
    {"vectors", 0, NN_OPT_STRING, &vectors_path, "FILE", "initial embedding: word2vec/GloVe vectors (zeros for missing words)", NULL},
    {"embedding-dim", 0, NN_OPT_INT, &emb_dim, "N", "embedding width (0: the vectors' width, else 100)", NULL},
    {"freeze-embedding", 0, NN_OPT_FLAG, &freeze, NULL, "do not train the embedding", NULL},
    {"normalize", 0, NN_OPT_CHOICE, &norm_name, "MODE", "the normalization the vocabulary was built with (for predict --text)", "none|lower|stem"},
    {"cell", 0, NN_OPT_CHOICE, &cell_name, "C", "recurrent cell", "lstm|gru|rnn"},
    {"units", 'u', NN_OPT_INT, &units, "N", "units per recurrent layer (and direction)", NULL},
    {"layers", 0, NN_OPT_INT, &layers, "N", "stacked recurrent layers", NULL},
    {"bidirectional", 0, NN_OPT_FLAG, &bidir, NULL, "read the sentence in both directions", NULL},
    {"merge", 0, NN_OPT_CHOICE, &merge_name, "M", "how the two directions are combined", "concat|sum|mul|ave"},
    {"dropout", 0, NN_OPT_DOUBLE, &dropout, "R", "dropout after the embedding and between recurrent layers", NULL},
    {"epochs", 'e', NN_OPT_INT, &epochs, "N", "training epochs", NULL},
    {"batch", 'b', NN_OPT_INT, &batch, "N", "batch size", NULL},
    {"optimizer", 0, NN_OPT_CHOICE, &optim_name, "O", "optimizer (Keras defaults)", "adam|rmsprop|sgd"},
    {"lr", 0, NN_OPT_DOUBLE, &lr, "LR", "learning rate", NULL},
    {"clipnorm", 0, NN_OPT_DOUBLE, &clipnorm, "C", "clip each gradient tensor to this norm (0: off)", NULL},
    {"seed", 's', NN_OPT_INT64, &seed, "N", "random seed (init, shuffles, dropout)", NULL},
    {"patience", 0, NN_OPT_INT, &patience, "N", "stop after N epochs without a better val_loss (0: off)", NULL},
    {"mask-padding", 0, NN_OPT_FLAG, &mask_padding, NULL, "padding (id 0) is masked: not scored, state carried (Keras mask_zero)", NULL},
    {"count-padding", 0, NN_OPT_FLAG, &count_padding, NULL, "no mask: padding is a class like any other (the assignment's Keras code)", NULL},
    {"summary", 0, NN_OPT_FLAG, &summary, NULL, "print the model summary (Keras-like) on stdout and exit", NULL},
    NN_TRAIN_RUN_OPTIONS(out_path, history_path, ckpt_path, resume),
    {"quiet", 'q', NN_OPT_FLAG, &nn_quiet, NULL, "no progress lines or messages on stderr", NULL},
    {0}};

static const nn_cli cli = {
    "train-rnn", "[options] --x X.npy --y Y.npy --vocab vocab.tsv --tags tags.tsv -o MODEL",
    "Train a recurrent tagger: embedding -> dropout -> rnn/lstm/gru layers -> softmax over the tags at every step.\n"
    "Loss: sparse categorical cross-entropy averaged over the scored steps.  The model file keeps the\n"
    "vocabulary, tags and normalization, so predict can tag raw text.\n"
    "Ctrl-C stops at the end of the current batch and keeps the last checkpoint.",
    opts, 0, 0};

/* ---- data ---- */

typedef struct {
    nn_array x, y; /* x float32 ids, y int32 tags, (n, T) */
} tagset;

static void load_ids(const char *path, nn_array *a, nn_dtype want)
{
    if (nn_npy_load(path, a) < 0)
        nn_die_lib(path);
    if (a->ndim != 2 || a->shape[0] < 1 || a->shape[1] < 1) {
        char buf[64];
        nn_shape_format(a, buf, sizeof buf);
        nn_die(path, "expected ids of shape (N, T), got %s", buf);
    }
    if (nn_dtype_is_float(a->dtype))
        nn_die(path, "ids must be integers, not %s", nn_dtype_name(a->dtype));
    if (nn_array_convert_inplace(a, want) < 0)
        nn_die_lib(path);
}

static void load_set(const char *xp, const char *yp, int64_t vocab, int64_t ntags, tagset *s)
{
    nn_array xi;
    load_ids(xp, &xi, NN_I64);
    load_ids(yp, &s->y, NN_I32);
    if (xi.shape[0] != s->y.shape[0] || xi.shape[1] != s->y.shape[1])
        nn_die(yp, "shape (%" PRId64 ", %" PRId64 ") does not match %s (%" PRId64 ", %" PRId64 ")", s->y.shape[0],
               s->y.shape[1], xp, xi.shape[0], xi.shape[1]);
    const int64_t *xv = xi.data;
    const int32_t *yv = s->y.data;
    size_t n = nn_array_count(&xi);
    for (size_t i = 0; i < n; i++) {
        if (xv[i] < 0 || xv[i] >= vocab)
            nn_die(xp, "id %" PRId64 " at row %zu is outside the vocabulary (%" PRId64 " words)", xv[i],
                   i / (size_t)xi.shape[1], vocab);
        if (yv[i] < 0 || yv[i] >= ntags)
            nn_die(yp, "tag %d at row %zu is outside the tag list (%" PRId64 " tags)", yv[i],
                   i / (size_t)xi.shape[1], ntags);
    }
    if (nn_array_convert(&xi, NN_F32, &s->x) < 0)
        nn_die_lib(xp);
    nn_array_free(&xi);
}

/* the last `rows` rows of a into b (a keeps the others) */
static void split_tail(nn_array *a, nn_array *b, int64_t rows)
{
    int64_t keep = a->shape[0] - rows, rs = nn_array_row_size(a);
    size_t es = nn_dtype_size(a->dtype);
    if (nn_array_alloc(b, a->dtype, 2, (int64_t[]){rows, a->shape[1]}) < 0)
        nn_die_lib(NULL);
    memcpy(b->data, (char *)a->data + (size_t)(keep * rs) * es, (size_t)(rows * rs) * es);
    a->shape[0] = keep;
}

/* ---- the batch ---- */

typedef struct {
    nn_model *m;
    nn_seq *s;
    const tagset *train, *val;
    int64_t T, k;
    int masked;
    float *xb, *wb;   /* (bs, T) ids, loss weights */
    uint8_t *mb;      /* (bs, T) recurrent mask */
    int32_t *lb;      /* (bs, T) labels */
    float *grad;      /* (bs, T, k) */
    int64_t *order;   /* (bs) the batch's samples, longest first */
    int64_t *len;     /* (bs) their lengths */
} tagger;

/* With padding masked, the steps before the batch's first real token and
 * after its last one change nothing: the state stays zero before, nothing
 * is scored after (Keras's masking carries the state through).  So the
 * part runs on steps [t0, t1) only (GMB: the longest of 128 random
 * sentences is about half the padded length), and is set back to the full
 * length after the batch, the shape the model file records. */
static void batch_steps(const tagger *g, const float *x, const int64_t *idx, int64_t n, int64_t *t0, int64_t *t1)
{
    int64_t T = g->T, lo = T, hi = 0;
    if (!g->masked) {
        *t0 = 0, *t1 = T;
        return;
    }
    for (int64_t i = 0; i < n; i++) {
        const float *row = x + idx[i] * T;
        int64_t a = 0, b = T;
        while (a < lo && row[a] == 0)
            a++;
        while (b > hi && b > a && row[b - 1] == 0)
            b--;
        lo = a < lo ? a : lo;
        hi = b > hi ? b : hi;
    }
    if (hi <= lo) /* no real token at all: one (masked) step */
        lo = 0, hi = 1;
    *t0 = lo, *t1 = hi;
}

/* The batch's samples longest first (ties in the loop's order): the
 * recurrent layers then multiply only the rows still inside their
 * sentence at each step (nn/rnn.c).  The same samples in another order:
 * the loss and gradients are sums over them. */
static void order_by_length(const tagger *g, const float *x, const int64_t *idx, int64_t n, int64_t *out)
{
    int64_t T = g->T;
    for (int64_t i = 0; i < n; i++) {
        const float *row = x + idx[i] * T;
        int64_t len = 0;
        for (int64_t t = 0; t < T; t++)
            len += row[t] != 0;
        g->len[i] = len;
        /* insertion sort, stable: n is a batch */
        int64_t j = i;
        for (; j > 0 && g->len[out[j - 1]] < len; j--)
            out[j] = out[j - 1];
        out[j] = i;
    }
    for (int64_t i = 0; i < n; i++)
        out[i] = idx[out[i]];
}

static int tag_batch(void *ctx, const int64_t *batch_idx, int64_t n, int train, int val, uint64_t step,
                     double *loss)
{
    tagger *g = ctx;
    const tagset *d = val ? g->val : g->train;
    int64_t T = g->T, t0, t1, *idx = g->order;
    if (g->masked)
        order_by_length(g, (const float *)d->x.data, batch_idx, n, idx);
    else
        memcpy(idx, batch_idx, sizeof(int64_t) * (size_t)n);
    batch_steps(g, (const float *)d->x.data, idx, n, &t0, &t1);
    int64_t Tb = t1 - t0; /* the batch: (n, Tb) */
    nn_shape in = {1, {Tb}}, full = {1, {T}};
    if (Tb != T && nn_seq_set_input(g->s, &in) < 0)
        return -1;
    double count = 0;
    for (int64_t i = 0; i < n; i++) {
        memcpy(g->xb + i * Tb, (const float *)d->x.data + idx[i] * T + t0, sizeof(float) * (size_t)Tb);
        memcpy(g->lb + i * Tb, (const int32_t *)d->y.data + idx[i] * T + t0, sizeof(int32_t) * (size_t)Tb);
    }
    for (int64_t i = 0; i < n * Tb; i++) {
        g->mb[i] = g->xb[i] != 0;
        g->wb[i] = g->masked ? (float)g->mb[i] : 1.0f;
        count += g->wb[i];
    }
    nn_model_set_mask(g->m, g->masked ? g->mb : NULL);
    int rc = -1;
    const float *p = nn_seq_forward(g->s, g->xb, n, train, step);
    if (!p)
        goto done;
    nn_set_error("%s", ""); /* a bad label leaves a message; an overflow does not */
    double l = nn_loss_sparse_cce(p, 0, g->lb, g->wb, -1, NULL, n * Tb, g->k, count > 0 ? 1.0 / count : 0.0,
                                  train ? g->grad : NULL);
    /* a NaN of the numbers goes to the loop, which names the epoch and batch */
    if (isnan(l) && *nn_last_error())
        goto done;
    *loss = l;
    if (train && nn_seq_backward(g->s, g->grad, NULL, n) < 0)
        goto done;
    rc = 0;
done:
    if (Tb != T && nn_seq_set_input(g->s, &full) < 0)
        rc = -1;
    return rc;
}

/* ---- the model ---- */

static nn_model *build(int64_t T, int64_t vocab, int64_t ntags, int64_t dim)
{
    nn_model *m = nn_model_new("tagger");
    nn_shape in = {1, {T}};
    nn_seq *s = m ? nn_model_add_part(m, "model", &in) : NULL;
    if (!s || nn_seq_add(s, nn_embedding(vocab, dim)) < 0)
        goto fail;
    if (dropout > 0 && nn_seq_add(s, nn_dropout((float)dropout, (uint64_t)seed + 1)) < 0)
        goto fail;
    for (int i = 0; i < layers; i++) {
        nn_cell_kind c = (nn_cell_kind)nn_cell_parse(cell_name);
        nn_layer *l = bidir ? nn_bidirectional(c, units, 1, (nn_merge_mode)nn_merge_parse(merge_name))
                            : nn_recurrent(c, units, 1);
        if (l)
            l->masking = mask_padding;
        if (nn_seq_add(s, l) < 0)
            goto fail;
        if (dropout > 0 && i + 1 < layers && nn_seq_add(s, nn_dropout((float)dropout, (uint64_t)seed + 2 + i)) < 0)
            goto fail;
    }
    if (nn_seq_add(s, nn_dense(ntags, NN_ACT_SOFTMAX)) < 0)
        goto fail;
    return m;
fail:
    nn_model_free(m);
    return NULL;
}

/* word list as one metadata string: the words in id order, '\n' between */
static char *join_words(const nn_strmap *m)
{
    size_t len = 1;
    for (int64_t i = 0; i < m->n; i++)
        len += m->lens[i] + 1;
    char *s = nn_alloc(len, 1), *p = s;
    if (!s)
        return NULL;
    for (int64_t i = 0; i < m->n; i++) {
        memcpy(p, m->keys[i], m->lens[i]);
        p += m->lens[i];
        if (i + 1 < m->n)
            *p++ = '\n';
    }
    *p = 0;
    return s;
}

/* what the model file keeps for predict --text, besides the weights */
typedef struct {
    const char *words, *tags; /* join_words of the vocabulary and the tag list */
    int64_t T;
} text_meta;

/* settings as metadata, for the model file and the checkpoints
 * (run->ctx is a text_meta) */
static int settings_meta(const nn_train_run *run, const nn_optim *o, nn_safetensors *st)
{
    (void)o; /* train.lr is the --lr option, as given */
    const text_meta *t = run->ctx;
    char b[2][64];
    snprintf(b[0], 64, "%" PRId64, t->T);
    snprintf(b[1], 64, "%.17g", dropout);
    if (nn_train_run_meta(run, "train-rnn", lr, st) < 0 || nn_st_set_meta(st, "train.optimizer", optim_name) < 0 ||
        nn_st_set_meta(st, "train.dropout", b[1]) < 0 || nn_st_set_meta(st, "text.maxlen", b[0]) < 0 ||
        nn_st_set_meta(st, "text.normalize", norm_name) < 0 ||
        nn_st_set_meta(st, "text.mask_padding", mask_padding ? "1" : "0") < 0 ||
        nn_st_set_meta(st, "text.vocab", t->words) < 0 || nn_st_set_meta(st, "text.tags", t->tags) < 0)
        return -1;
    return 0;
}

/* Train m on the sets and write the model file with the vocabulary and
 * the tags (exits on errors). */
static void train_model(nn_model *m, const tagset *train, const tagset *val, const nn_strmap *vocab,
                        const nn_strmap *tags, int64_t T)
{
    nn_optim o;
    nn_optim_init(&o, (nn_optim_kind)nn_optim_parse(optim_name));
    if (lr > 0)
        o.lr = lr;
    o.clipnorm = clipnorm;

    char *words = join_words(vocab), *tagw = join_words(tags);
    if (!words || !tagw)
        nn_die_lib(NULL);
    text_meta tm = {words, tagw, T};

    tagger g = {m, m->parts[0], train, val, T, tags->n, mask_padding, NULL, NULL, NULL, NULL, NULL, NULL, NULL};
    g.order = nn_alloc((size_t)batch, sizeof(int64_t));
    g.len = nn_alloc((size_t)batch, sizeof(int64_t));
    g.xb = nn_alloc((size_t)batch, (size_t)T * sizeof(float));
    g.wb = nn_alloc((size_t)batch, (size_t)T * sizeof(float));
    g.mb = nn_alloc((size_t)batch, (size_t)T);
    g.lb = nn_alloc((size_t)batch, (size_t)T * sizeof(int32_t));
    g.grad = nn_alloc((size_t)batch, (size_t)(T * tags->n) * sizeof(float));
    if (!g.xb || !g.wb || !g.mb || !g.lb || !g.grad || !g.order || !g.len)
        nn_die_lib(NULL);

    nn_train_task task = {&g, train->x.shape[0], val->x.data ? val->x.shape[0] : 0, tag_batch};
    nn_train_run run = {.epochs = epochs, .batch = batch, .patience = patience, .resume = resume, .seed = seed,
                        .input = x_path, .output = out_path, .history = history_path, .checkpoint = ckpt_path,
                        .settings = settings_meta, .ctx = &tm};
    nn_train_result res;
    if (nn_train_run_model(&run, m, &o, &task, &res) < 0)
        nn_die_lib(run.failed);
    if (!nn_quiet)
        fprintf(stderr, "train-rnn: params trainable %" PRId64 ", non-trainable %" PRId64 "\n",
                nn_model_param_count(m, 1), nn_model_param_count(m, 0));
    free(words);
    free(tagw);
    free(g.xb);
    free(g.wb);
    free(g.mb);
    free(g.lb);
    free(g.grad);
    free(g.order);
    free(g.len);
    nn_optim_free(&o);
}

int main(int argc, char **argv)
{
    char **args;
    nn_cli_parse(&cli, argc, argv, &args);
    if (count_padding)
        mask_padding = 0;
    if (units < 1 || layers < 1 || epochs < 0 || batch < 1 || patience < 0 || !(lr >= 0) || emb_dim < 0 ||
        !(dropout >= 0 && dropout < 1) || !(val_frac >= 0 && val_frac < 1) || !(clipnorm >= 0))
        nn_usage("--units, --layers, --batch must be positive; --dropout and --val in [0, 1)");
    if (!x_path || !y_path || !vocab_path || !tags_path)
        nn_usage("--x, --y, --vocab and --tags are required");
    if (!summary && !out_path)
        nn_usage("-o MODEL.safetensors is required");
    if (resume && !ckpt_path)
        nn_usage("--resume needs --checkpoint FILE");
    if ((vx_path != NULL) != (vy_path != NULL))
        nn_usage("--val-x and --val-y go together");
    if (vx_path && val_frac > 0)
        nn_usage("give --val-x/--val-y or --val, not both");

    nn_strmap vocab, tags;
    if (nn_vocab_load(vocab_path, &vocab) < 0)
        nn_die_lib(vocab_path);
    if (nn_vocab_load(tags_path, &tags) < 0)
        nn_die_lib(tags_path);

    nn_wordvec wv = {0};
    int64_t dim = emb_dim;
    if (vectors_path) {
        if (nn_wordvec_load(vectors_path, NN_WV_AUTO, &wv) < 0)
            nn_die_lib(vectors_path);
        if (emb_dim && wv.dim != emb_dim)
            nn_die(vectors_path, "vectors have %d values, --embedding-dim is %d", wv.dim, emb_dim);
        dim = wv.dim;
    } else if (freeze) {
        nn_usage("--freeze-embedding needs --vectors (a frozen random embedding learns nothing)");
    }
    if (!dim)
        dim = 100;

    tagset train = {{0}, {0}}, val = {{0}, {0}};
    load_set(x_path, y_path, vocab.n, tags.n, &train);
    int64_t T = train.x.shape[1];
    if (vx_path) {
        load_set(vx_path, vy_path, vocab.n, tags.n, &val);
        if (val.x.shape[1] != T)
            nn_die(vx_path, "sequences of %" PRId64 " steps, the training ones %" PRId64, val.x.shape[1], T);
    } else if (val_frac > 0) {
        int64_t nv = (int64_t)((double)train.x.shape[0] * val_frac);
        if (nv < 1 || nv >= train.x.shape[0])
            nn_die(x_path, "--val %g leaves no validation or no training rows", val_frac);
        split_tail(&train.x, &val.x, nv);
        split_tail(&train.y, &val.y, nv);
    }

    nn_model *m = build(T, vocab.n, tags.n, dim);
    if (!m || nn_model_init(m, (uint64_t)seed) < 0 || nn_rnn_model_init(m, (uint64_t)seed) < 0)
        nn_die_lib(NULL);
    nn_seq *s = m->parts[0];
    nn_param *emb = &s->layers[0]->p[0];
    if (vectors_path) { /* by vocabulary lookup, zeros for missing words */
        int64_t found = 0;
        for (int64_t i = 0; i < vocab.n; i++) {
            int64_t r = i == 0 ? -1 : nn_wordvec_find(&wv, vocab.keys[i], vocab.lens[i]);
            float *row = emb->w + i * dim;
            if (r >= 0) {
                memcpy(row, wv.vec + r * dim, sizeof(float) * (size_t)dim);
                found++;
            } else {
                memset(row, 0, sizeof(float) * (size_t)dim);
            }
        }
        if (!nn_quiet)
            fprintf(stderr, "train-rnn: %s: vectors for %" PRId64 " of %" PRId64 " vocabulary words\n",
                    vectors_path, found, vocab.n);
        nn_wordvec_free(&wv);
    }
    /* frozen: the gradient buffer stays (the embedding's backward writes
     * it) but the optimizer never sees it and summaries count it apart */
    emb->trainable = !freeze;

    if (summary)
        nn_model_summary(m, stdout);
    else
        train_model(m, &train, &val, &vocab, &tags, T);
    nn_model_free(m);
    nn_array_free(&train.x);
    nn_array_free(&train.y);
    nn_array_free(&val.x);
    nn_array_free(&val.y);
    nn_strmap_free(&vocab);
    nn_strmap_free(&tags);
    free(args);
    return 0;
}
