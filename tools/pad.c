/* pad: tokens.tsv + vocab.tsv + tags.tsv -> X.npy, Y.npy (int32 (N, T),
 * 0-padded) and the lengths (int32 (N,)). */
#include "core/array.h"
#include "core/cli.h"
#include "core/file.h"
#include "core/mem.h"
#include "io/npy.h"
#include "text/strmap.h"
#include "text/tokfile.h"
#include "text/vocabfile.h"

#include <stdlib.h>
#include <string.h>

static const char *column = "norm", *tag_column = "tag", *padding = "post", *truncating = "post";
static const char *x_path = "X.npy", *y_path = "Y.npy", *len_path = "len.npy";
static int maxlen = 0;

static const nn_option options[] = {
    {"maxlen", 't', NN_OPT_INT, &maxlen, "T", "columns of the output (0: the longest sentence)", NULL},
    {"padding", 'p', NN_OPT_CHOICE, &padding, "WHERE", "where padding goes (Keras's default is pre)", "pre|post"},
    {"truncating", 0, NN_OPT_CHOICE, &truncating, "WHERE",
     "which end of a longer sentence is cut (Keras's default is pre)", "pre|post"},
    {"column", 'c', NN_OPT_STRING, &column, "COL", "token column of tokens.tsv (as given to vocab)", NULL},
    {"tag-column", 0, NN_OPT_STRING, &tag_column, "COL", "tag column of tokens.tsv", NULL},
    {"x", 'x', NN_OPT_STRING, &x_path, "FILE", "token ids out", NULL},
    {"y", 'y', NN_OPT_STRING, &y_path, "FILE", "tag ids out", NULL},
    {"lengths", 'l', NN_OPT_STRING, &len_path, "FILE", "sentence lengths out (after truncation)", NULL},
    {0}};

static const nn_cli cli = {
    "pad", "[options] TOKENS.tsv VOCAB.tsv TAGS.tsv",
    "Turn tokens.tsv into padded id matrices: X (token ids) and Y (tag ids), int32\n"
    "of shape (sentences, T), with 0 (<PAD>) in the padding, plus the lengths\n"
    "(int32, one per sentence, after truncation). Tokens missing from VOCAB get id 1\n"
    "(<UNK>); a tag missing from TAGS is an error (the tag set is closed), and so\n"
    "is a vocabulary that matches no token at all (the wrong file or column).",
    options, 3, 3};

typedef struct {
    int32_t *v;
    int64_t n, cap;
} ivec;

static void push(ivec *a, int32_t x, const char *path)
{
    if (a->n == a->cap) {
        int64_t cap = a->cap ? a->cap * 2 : 4096;
        int32_t *nv = nn_realloc(a->v, (size_t)cap, sizeof *nv);
        if (!nv)
            nn_die_lib(path);
        a->v = nv;
        a->cap = cap;
    }
    a->v[a->n++] = x;
}

static void load_vocab(const char *path, nn_strmap *m)
{
    if (nn_vocab_load(path, m) < 0)
        nn_die_lib(path);
}

int main(int argc, char **argv)
{
    char **args;
    nn_cli_parse(&cli, argc, argv, &args);
    const char *tok_path = args[0], *voc_path = args[1], *tag_path = args[2];
    int col = nn_tok_column_parse(column), tcol = nn_tok_column_parse(tag_column);
    if (col < 0 || tcol < 0)
        nn_usage("columns are word, norm, pos, tag or a number from 1");
    if (maxlen < 0)
        nn_usage("--maxlen takes 0 (the longest) or more");

    nn_strmap vocab, tags;
    load_vocab(voc_path, &vocab);
    load_vocab(tag_path, &tags);
    uint8_t *data;
    size_t len;
    if (nn_read_all(tok_path, &data, &len) < 0)
        nn_die_lib(tok_path);

    /* All ids back to back; sentence s is [starts[s], starts[s+1]). */
    ivec words = {0}, tagids = {0}, starts = {0};
    nn_tokfile t;
    nn_tokfile_init(&t, (const char *)data, len);
    int rc, in_sentence = 0;
    int64_t known = 0;
    while ((rc = nn_tokfile_next(&t)) != 0) {
        if (rc == 2) {
            in_sentence = 0;
            continue;
        }
        int need = (col > tcol ? col : tcol) + 1;
        if (t.nf < need)
            nn_die(tok_path, "line %lld: %d field%s, column %d is needed (is this a tokens.tsv from tokenize?)",
                   (long long)t.line, t.nf, t.nf == 1 ? "" : "s", need);
        if (!in_sentence) {
            if (words.n > INT32_MAX)
                nn_die(tok_path, "too many tokens for int32 offsets");
            push(&starts, (int32_t)words.n, tok_path);
            in_sentence = 1;
        }
        int64_t id = nn_strmap_find(&vocab, t.f[col], t.fl[col]);
        if (id >= 2)
            known++;
        if (id < 0)
            id = 1;
        if (id > INT32_MAX)
            nn_die(voc_path, "too many entries for int32 ids");
        int64_t tid = nn_strmap_find(&tags, t.f[tcol], t.fl[tcol]);
        if (tid < 2)
            nn_die(tag_path, "line %lld of %s: tag '%.*s' is not in the tag vocabulary (does it belong to this data?)",
                   (long long)t.line, nn_is_stdio(tok_path) ? "(stdin)" : tok_path, (int)t.fl[tcol], t.f[tcol]);
        push(&words, (int32_t)id, tok_path);
        push(&tagids, (int32_t)tid, tok_path);
    }
    if (words.n == 0)
        nn_die(tok_path, "no tokens: empty input");
    if (known == 0)
        nn_die(voc_path, "no token of %s is in this vocabulary (the wrong file, or built from another column?)",
               nn_is_stdio(tok_path) ? "(stdin)" : tok_path);
    if (known * 2 < words.n)
        nn_warn(voc_path, "%.0f%% of the tokens are not in this vocabulary (built from another column or data?)",
                100.0 * (double)(words.n - known) / (double)words.n);
    int64_t n = starts.n;
    push(&starts, (int32_t)words.n, tok_path);
    int64_t longest = 0;
    for (int64_t s = 0; s < n; s++)
        if (starts.v[s + 1] - starts.v[s] > longest)
            longest = starts.v[s + 1] - starts.v[s];
    int64_t T = maxlen > 0 ? maxlen : longest;

    nn_array X, Y, L;
    int64_t shape[2] = {n, T};
    if (nn_array_alloc(&X, NN_I32, 2, shape) < 0 || nn_array_alloc(&Y, NN_I32, 2, shape) < 0 ||
        nn_array_alloc(&L, NN_I32, 1, shape))
        nn_die_lib(tok_path);
    int pad_pre = strcmp(padding, "pre") == 0, cut_pre = strcmp(truncating, "pre") == 0;
    for (int64_t s = 0; s < n; s++) {
        int64_t b = starts.v[s], l = starts.v[s + 1] - b;
        if (l > T) {
            if (cut_pre)
                b += l - T;
            l = T;
        }
        int64_t off = pad_pre ? T - l : 0;
        int32_t *xr = (int32_t *)X.data + s * T + off, *yr = (int32_t *)Y.data + s * T + off;
        memcpy(xr, words.v + b, (size_t)l * sizeof(int32_t));
        memcpy(yr, tagids.v + b, (size_t)l * sizeof(int32_t));
        ((int32_t *)L.data)[s] = (int32_t)l;
    }
    if (nn_npy_save(x_path, &X) < 0)
        nn_die_lib(x_path);
    if (nn_npy_save(y_path, &Y) < 0)
        nn_die_lib(y_path);
    if (nn_npy_save(len_path, &L) < 0)
        nn_die_lib(len_path);
    nn_array_free(&X);
    nn_array_free(&Y);
    nn_array_free(&L);
    free(words.v);
    free(tagids.v);
    free(starts.v);
    free(data);
    nn_strmap_free(&vocab);
    nn_strmap_free(&tags);
    free(args);
    return 0;
}
