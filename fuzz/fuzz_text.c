/* The small text readers: tokens.tsv lines (nn_tokfile), cp1252 to UTF-8
 * (nn_cp1252_to_utf8), the UTF-8 checkers (nn_utf8_get / nn_utf8_check
 * and JSON's nn_utf8_valid must agree), token normalisation and the
 * Porter stemmer (nn_normalize into exactly-sized buffers), and vocab.tsv
 * (nn_vocab_load, through a temporary file).  The first byte picks which. */
#include "fuzz.h"
#include "io/json.h"
#include "text/encoding.h"
#include "text/normalize.h"
#include "text/tokfile.h"
#include "text/vocabfile.h"

#include <string.h>
#include <unistd.h>

static void tokfile(const char *text, size_t len)
{
    nn_tokfile t;
    nn_tokfile_init(&t, text, len);
    int rc;
    int64_t prev = 0;
    while ((rc = nn_tokfile_next(&t)) != 0) {
        FUZZ_ASSERT(t.line == prev + 1);
        prev = t.line;
        if (rc == 1) {
            FUZZ_ASSERT(t.nf >= 1 && t.nf <= NN_TOK_MAX_FIELDS);
            for (int i = 0; i < t.nf; i++)
                FUZZ_ASSERT(t.f[i] >= text && t.f[i] + t.fl[i] <= text + len);
        }
    }
    /* Column names are NUL-terminated strings. */
    char name[8];
    size_t n = len < sizeof name - 1 ? len : sizeof name - 1;
    memcpy(name, text, n);
    name[n] = '\0';
    int col = nn_tok_column_parse(name);
    FUZZ_ASSERT(col >= -1 && col < NN_TOK_MAX_FIELDS);
}

static void cp1252(const uint8_t *in, size_t len, int replace)
{
    char *out = NULL;
    size_t out_len = 0, n_rep = 0;
    if (nn_cp1252_to_utf8(in, len, replace, &out, &out_len, &n_rep) < 0) {
        FUZZ_CHECK_ERROR();
        FUZZ_ASSERT(!replace);
        return;
    }
    FUZZ_ASSERT(out[out_len] == '\0');
    FUZZ_ASSERT(nn_utf8_check((const uint8_t *)out, out_len) == out_len);
    FUZZ_ASSERT(replace || n_rep == 0);
    free(out);
}

static void utf8(const uint8_t *s, size_t n)
{
    size_t bad = nn_utf8_check(s, n);
    FUZZ_ASSERT(bad <= n);
    FUZZ_ASSERT((bad == n) == (nn_utf8_valid((const char *)s, n) != 0));
    size_t i = 0;
    while (i < n) {
        uint32_t cp;
        int k = nn_utf8_get(s + i, n - i, &cp);
        if (k == 0)
            break;
        FUZZ_ASSERT(k >= 1 && k <= 4 && (size_t)k <= n - i);
        char buf[4];
        FUZZ_ASSERT(nn_utf8_put(cp, buf) == k && memcmp(buf, s + i, (size_t)k) == 0);
        i += (size_t)k;
    }
    FUZZ_ASSERT(i == bad);
}

static void normalize(int mode, const char *w, size_t len)
{
    size_t size = len + 5; /* "len + 5 bytes always suffice" */
    char *out = malloc(size);
    if (!out)
        return;
    int k = nn_normalize((nn_norm_mode)mode, w, len, out, size);
    FUZZ_ASSERT(k >= 0 && (size_t)k < size && out[k] == '\0');
    free(out);
    /* Too small a buffer: -1, and nothing written past it (ASan). */
    size = len / 2 + 1;
    out = malloc(size);
    if (!out)
        return;
    k = nn_normalize((nn_norm_mode)mode, w, len, out, size);
    FUZZ_ASSERT(k == -1 || ((size_t)k < size && out[k] == '\0'));
    free(out);
}

static char path[64];

static void remove_tmp(void)
{
    if (path[0])
        unlink(path);
}

static void vocab(const uint8_t *data, size_t len)
{
    if (!path[0]) {
        const char *dir = getenv("TMPDIR");
        snprintf(path, sizeof path, "%s/nnfuzzXXXXXX", dir && strlen(dir) < 40 ? dir : "/tmp");
        int fd = mkstemp(path);
        if (fd < 0) {
            path[0] = '\0';
            return;
        }
        close(fd);
        atexit(remove_tmp);
    }
    FILE *fp = fopen(path, "wb");
    if (!fp)
        return;
    size_t w = fwrite(data, 1, len, fp);
    if (fclose(fp) != 0 || w != len)
        return;
    nn_strmap m;
    if (nn_vocab_load(path, &m) < 0) {
        FUZZ_CHECK_ERROR();
        return;
    }
    FUZZ_ASSERT(m.n >= 2);
    for (int64_t i = 0; i < m.n; i++)
        FUZZ_ASSERT(nn_strmap_find(&m, m.keys[i], m.lens[i]) == i);
    nn_strmap_free(&m);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_setup();
    if (size < 1)
        return 0;
    int mode = data[0] % 8;
    const uint8_t *s = data + 1;
    size_t n = size - 1;
    switch (mode) {
    case 0: tokfile((const char *)s, n); break;
    case 1: cp1252(s, n, 0); break;
    case 2: cp1252(s, n, 1); break;
    case 3: utf8(s, n); break;
    case 4: case 5: case 6: normalize(mode - 4, (const char *)s, n); break;
    default: vocab(s, n); break;
    }
    return 0;
}
