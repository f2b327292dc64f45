/* predict: the forward pass of any saved nnpipe model (rebuilt from the
 * architecture in the file): train-rnn taggers, train-vae encoders and
 * decoders, classifiers.  Writes probabilities (or --argmax class ids),
 * shows a tagged test sentence, or tags raw text with the vocabulary and
 * normalization the tagger was trained with. */
#include "core/cli.h"
#include "core/mem.h"
#include "io/npy.h"
#include "io/safetensors.h"
#include "nn/model.h"
#include "nn/rnn.h"
#include "text/normalize.h"
#include "text/strmap.h"
#include "text/vocabfile.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *model_path, *out_path = "-", *part_name, *y_path, *vocab_path, *tags_path;
static int argmax = 0, text = 0, batch = 256;
static int64_t show = -1;
static double scale = 0;

static const nn_option opts[] = {
    {"model", 'm', NN_OPT_STRING, &model_path, "FILE", "the model (.safetensors from train-rnn, train-vae, ...)", NULL},
    {"part", 0, NN_OPT_STRING, &part_name, "NAME", "model part to run (default: \"model\", else the first: encoder)", NULL},
    {"output", 'o', NN_OPT_STRING, &out_path, "FILE", "where to write the outputs (.npy)", NULL},
    {"argmax", 'a', NN_OPT_FLAG, &argmax, NULL, "write the class id (int32) of the largest output over the last axis", NULL},
    {"batch", 'b', NN_OPT_INT, &batch, "N", "samples per forward pass", NULL},
    {"scale", 0, NN_OPT_DOUBLE, &scale, "S", "multiply the input by S (0: 1/255 for uint8 images, else 1)", NULL},
    {"show", 0, NN_OPT_INT64, &show, "N", "print sentence N (from 0) as token, true tag, predicted tag (needs --y)", NULL},
    {"y", 0, NN_OPT_STRING, &y_path, "FILE", "true tag ids for --show", NULL},
    {"vocab", 0, NN_OPT_STRING, &vocab_path, "FILE", "vocab.tsv (default: the one saved in the model)", NULL},
    {"tags", 0, NN_OPT_STRING, &tags_path, "FILE", "tag vocab.tsv (default: the one saved in the model)", NULL},
    {"text", 't', NN_OPT_FLAG, &text, NULL, "tag raw text from stdin, one sentence a line: token TAB tag lines out", NULL},
    {0}};

static const nn_cli cli = {"predict", "[options] -m MODEL [INPUT.npy]",
                           "Run a saved model forward on INPUT.npy (samples along the first axis) and write its\n"
                           "outputs, or with --text tag sentences from stdin (train-rnn models).",
                           opts, 0, 1};

/* ---- word lists: a vocab.tsv or the model's metadata ---- */

static void words_from_meta(const nn_safetensors *st, const char *key, nn_strmap *m)
{
    const char *s = nn_st_meta(st, key);
    if (!s)
        nn_die(model_path, "no %s in the model: give the file with --%s", key, strstr(key, "tags") ? "tags" : "vocab");
    nn_strmap_init(m);
    for (;;) {
        const char *e = strchr(s, '\n');
        size_t len = e ? (size_t)(e - s) : strlen(s);
        if (nn_strmap_add(m, s, len) < 0)
            nn_die_lib(NULL);
        if (!e)
            break;
        s = e + 1;
    }
}

static void get_words(const char *path, const nn_safetensors *st, const char *key, nn_strmap *m)
{
    if (path) {
        if (nn_vocab_load(path, m) < 0)
            nn_die_lib(path);
    } else {
        words_from_meta(st, key, m);
    }
}

static void set_mask(nn_model *m, const float *x, int64_t count, uint8_t **mask)
{
    if (!nn_model_uses_mask(m))
        return;
    uint8_t *k = nn_alloc((size_t)count, 1);
    if (!k)
        nn_die_lib(NULL);
    nn_mask_from_ids(x, count, k);
    free(*mask);
    *mask = k;
    nn_model_set_mask(m, k);
}

/* the index of the largest of k values */
static int32_t arg_max(const float *p, int64_t k)
{
    int32_t b = 0;
    for (int64_t j = 1; j < k; j++)
        if (p[j] > p[b])
            b = (int32_t)j;
    return b;
}

/* ---- --text ---- */

/* split a line into tokens: spaces separate, and punctuation at the end of
 * a word (as in "Paris.") is a token of its own, as in the corpus */
static int split_tokens(char *line, char **tok, char *marks, int max)
{
    int n = 0;
    for (char *p = strtok(line, " \t\r\n"); p && n < max; p = strtok(NULL, " \t\r\n")) {
        size_t len = strlen(p);
        if (len > 1 && strchr(".,;:!?\"')", p[len - 1])) {
            marks[2 * n] = p[len - 1]; /* the mark, NUL-terminated in marks */
            marks[2 * n + 1] = 0;
            p[len - 1] = 0;
            tok[n++] = p;
            if (n < max) {
                tok[n] = marks + 2 * (n - 1);
                n++;
            }
        } else {
            tok[n++] = p;
        }
    }
    return n;
}

static void tag_text(nn_model *m, nn_seq *s, const nn_safetensors *st)
{
    nn_strmap vocab, tags;
    get_words(vocab_path, st, "text.vocab", &vocab);
    get_words(tags_path, st, "text.tags", &tags);
    const char *nn = nn_st_meta(st, "text.normalize");
    int norm = nn ? nn_norm_parse(nn) : NN_NORM_LOWER;
    if (norm < 0)
        nn_die(model_path, "unknown normalization \"%s\"", nn);
    if (s->in.ndim != 1)
        nn_die(model_path, "not a sequence tagger (input shape is not (T))");
    int64_t T = s->in.d[0], k = nn_seq_out(s)->d[nn_seq_out(s)->ndim - 1];
    if (nn_seq_out(s)->ndim != 2 || k != tags.n)
        nn_die(model_path, "the model's output does not match the %" PRId64 " tags", tags.n);
    float *x = nn_alloc((size_t)T, sizeof(float));
    char **tok = nn_alloc((size_t)T, sizeof(char *)), *marks = nn_alloc((size_t)T, 2);
    uint8_t *mask = NULL;
    char *line = NULL, norm_buf[1024];
    size_t cap = 0;
    ssize_t len;
    if (!x || !tok || !marks)
        nn_die_lib(NULL);
    while ((len = getline(&line, &cap, stdin)) >= 0) {
        int n = split_tokens(line, tok, marks, (int)T);
        if (n == 0)
            continue;
        if (n == (int)T && strtok(NULL, " \t\r\n"))
            nn_warn(NULL, "a sentence longer than the model's %" PRId64 " steps: the rest is not tagged", T);
        for (int64_t t = 0; t < T; t++) {
            x[t] = 0;
            if (t < n) {
                int l = nn_normalize((nn_norm_mode)norm, tok[t], strlen(tok[t]), norm_buf, sizeof norm_buf);
                int64_t id = l >= 0 ? nn_strmap_find(&vocab, norm_buf, (size_t)l) : -1;
                x[t] = id > 1 ? (float)id : 1.0f; /* <UNK> */
            }
        }
        set_mask(m, x, T, &mask);
        const float *p = nn_seq_forward(s, x, 1, 0, 0);
        if (!p)
            nn_die_lib(model_path);
        for (int t = 0; t < n; t++)
            printf("%s\t%s\n", tok[t], tags.keys[arg_max(p + t * k, k)]);
        printf("\n");
    }
    free(line);
    free(x);
    free(tok);
    free(marks);
    free(mask);
    nn_strmap_free(&vocab);
    nn_strmap_free(&tags);
}

int main(int argc, char **argv)
{
    char **args;
    int nargs = nn_cli_parse(&cli, argc, argv, &args);
    if (!model_path)
        nn_usage("-m MODEL is required");
    if (batch < 1)
        nn_usage("--batch must be positive");
    if (text && (nargs || show >= 0))
        nn_usage("--text reads stdin: no INPUT or --show");
    if (!text && nargs != 1)
        nn_usage("an INPUT.npy is required");
    if (show >= 0 && !y_path)
        nn_usage("--show needs --y (the true tags)");

    nn_model *m;
    nn_safetensors st;
    if (nn_model_load(model_path, &m, &st) < 0)
        nn_die_lib(model_path);
    nn_seq *s = part_name ? nn_model_part(m, part_name) : nn_model_part(m, "model");
    if (!s && part_name)
        nn_die(model_path, "no part \"%s\" in the model", part_name);
    /* Models whose parts form a graph (skip connections, an attention
     * decoder) are not a chain this tool can run part by part: say which
     * tool runs them instead of writing the first part's features. */
    if (!s && (strcmp(m->kind, "fcn-unet") == 0 || strcmp(m->kind, "seq2seq") == 0))
        nn_die(model_path, "a %s model is not one chain of layers: run it with %s (or pick a part with --part)",
               m->kind, strcmp(m->kind, "seq2seq") == 0 ? "train-seq2seq decode" : "train-fcn predict");
    if (!s)
        s = m->parts[0];

    if (text) {
        tag_text(m, s, &st);
        nn_model_free(m);
        nn_st_free(&st);
        free(args);
        return 0;
    }

    const char *in_path = args[0];
    nn_array a;
    if (nn_npy_load(in_path, &a) < 0)
        nn_die_lib(in_path);
    int64_t per = nn_shape_size(&s->in);
    if (a.ndim < 1 || a.shape[0] < 1 || nn_array_row_size(&a) != per) {
        char buf[64], want[64];
        nn_shape_format(&a, buf, sizeof buf);
        nn_shape_str(&s->in, want, sizeof want);
        nn_die(in_path, "shape %s does not match the model's input %s", buf, want);
    }
    double sc = scale ? scale : a.dtype == NN_U8 && !(s->n && !strcmp(s->layers[0]->ops->type, "embedding")) ? 1.0 / 255 : 1;
    if (nn_array_convert_inplace(&a, NN_F32) < 0)
        nn_die_lib(in_path);
    int64_t n = a.shape[0];
    float *x = a.data;
    if (sc != 1)
        for (int64_t i = 0; i < n * per; i++)
            x[i] = (float)(x[i] * sc);

    const nn_shape *os = nn_seq_out(s);
    int64_t outsz = nn_shape_size(os), k = os->d[os->ndim - 1];
    int64_t shape[NN_MAX_DIMS] = {n};
    int ndim = 1;
    for (int i = 0; i < os->ndim - (argmax ? 1 : 0); i++)
        shape[ndim++] = os->d[i];

    int show_only = show >= 0;
    if (show_only && show >= n)
        nn_die(in_path, "--show %" PRId64 ": there are %" PRId64 " samples", show, n);
    nn_npy_writer w;
    if (!show_only && nn_npy_writer_open(&w, out_path, argmax ? NN_I32 : NN_F32, ndim, shape) < 0)
        nn_die_lib(out_path);
    int32_t *ids = argmax || show_only ? nn_alloc((size_t)batch, (size_t)(outsz / k) * sizeof(int32_t)) : NULL;
    if ((argmax || show_only) && !ids)
        nn_die_lib(NULL);
    uint8_t *mask = NULL;
    int64_t first = show_only ? show : 0, last = show_only ? show + 1 : n;
    for (int64_t b0 = first; b0 < last; b0 += batch) {
        int64_t cnt = last - b0 < batch ? last - b0 : batch;
        set_mask(m, x + b0 * per, cnt * per, &mask);
        const float *y = nn_seq_forward(s, x + b0 * per, cnt, 0, 0);
        if (!y) {
            if (!show_only)
                nn_npy_writer_abort(&w);
            nn_die_lib(in_path);
        }
        if (argmax || show_only)
            for (int64_t r = 0; r < cnt * (outsz / k); r++)
                ids[r] = arg_max(y + r * k, k);
        if (show_only)
            break;
        if (nn_npy_writer_write_rows(&w, argmax ? (const void *)ids : (const void *)y, cnt) < 0) {
            nn_npy_writer_abort(&w);
            nn_die_lib(out_path);
        }
    }
    if (show_only) {
        nn_array ya;
        if (nn_npy_load_as(y_path, NN_I32, &ya) < 0)
            nn_die_lib(y_path);
        if (ya.ndim != 2 || ya.shape[0] != n || ya.shape[1] != per)
            nn_die(y_path, "shape does not match %s", in_path);
        nn_strmap vocab, tags;
        get_words(vocab_path, &st, "text.vocab", &vocab);
        get_words(tags_path, &st, "text.tags", &tags);
        const int32_t *yt = (const int32_t *)ya.data + show * per;
        const float *xs = x + show * per;
        printf("token\ttrue\tpredicted\n");
        for (int64_t t = 0; t < per; t++) {
            int64_t id = (int64_t)xs[t];
            if (id == 0)
                continue;
            const char *word = id < vocab.n ? vocab.keys[id] : "?";
            const char *tt = yt[t] >= 0 && yt[t] < tags.n ? tags.keys[yt[t]] : "?";
            const char *pt = ids[t] < tags.n ? tags.keys[ids[t]] : "?";
            printf("%s\t%s\t%s\n", word, tt, pt);
        }
        nn_array_free(&ya);
        nn_strmap_free(&vocab);
        nn_strmap_free(&tags);
    } else if (nn_npy_writer_close(&w) < 0) {
        nn_die_lib(out_path);
    }
    free(ids);
    free(mask);
    nn_array_free(&a);
    nn_model_free(m);
    nn_st_free(&st);
    free(args);
    return 0;
}
