#include "text/vocabfile.h"

#include "core/error.h"
#include "core/file.h"
#include "text/tokfile.h"

#include <stdlib.h>
#include <string.h>

static int parse_i64(const char *s, size_t n, int64_t *v)
{
    if (n == 0 || n > 18)
        return -1;
    int64_t x = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        x = x * 10 + (s[i] - '0');
    }
    *v = x;
    return 0;
}

int nn_vocab_load(const char *path, nn_strmap *m)
{
    uint8_t *data;
    size_t len;
    if (nn_read_all(path, &data, &len) < 0)
        return -1;
    nn_strmap_init(m);
    nn_tokfile t;
    nn_tokfile_init(&t, (const char *)data, len);
    int rc, err = 0;
    while ((rc = nn_tokfile_next(&t)) != 0) {
        if (rc == 2)
            continue;
        int64_t id, count;
        if (t.nf != 3 || parse_i64(t.f[0], t.fl[0], &id) < 0 || parse_i64(t.f[2], t.fl[2], &count) < 0) {
            err = nn_set_error("line %lld: not a vocabulary line (id TAB token TAB count)", (long long)t.line);
            break;
        }
        if (id != m->n) {
            err = nn_set_error("line %lld: id %lld out of order (expected %lld)", (long long)t.line, (long long)id,
                               (long long)m->n);
            break;
        }
        if (nn_strmap_find(m, t.f[1], t.fl[1]) >= 0) {
            err = nn_set_error("line %lld: token '%.*s' listed twice", (long long)t.line, (int)t.fl[1], t.f[1]);
            break;
        }
        int64_t got = nn_strmap_add(m, t.f[1], t.fl[1]);
        if (got < 0) {
            err = -1;
            break;
        }
        m->counts[got] = count;
    }
    free(data);
    if (!err && m->n < 2)
        err = nn_set_error("fewer than 2 entries: not a vocabulary (ids 0 %s and 1 %s are needed)", NN_VOCAB_PAD,
                           NN_VOCAB_UNK);
    if (!err && (strcmp(m->keys[0], NN_VOCAB_PAD) != 0 || strcmp(m->keys[1], NN_VOCAB_UNK) != 0))
        err = nn_set_error("ids 0 and 1 must be %s and %s", NN_VOCAB_PAD, NN_VOCAB_UNK);
    if (err) {
        nn_strmap_free(m);
        return -1;
    }
    return 0;
}
