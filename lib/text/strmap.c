#include "text/strmap.h"

#include "core/error.h"
#include "core/mem.h"

#include <stdlib.h>
#include <string.h>

static uint64_t hash_bytes(const char *s, size_t n)
{
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)s[i];
        h *= 1099511628211ull;
    }
    return h ^ (h >> 29);
}

void nn_strmap_init(nn_strmap *m) { memset(m, 0, sizeof *m); }

void nn_strmap_free(nn_strmap *m)
{
    for (int64_t i = 0; i < m->n; i++)
        free(m->keys[i]);
    free(m->keys);
    free(m->lens);
    free(m->counts);
    free(m->slots);
    memset(m, 0, sizeof *m);
}

int64_t nn_strmap_find(const nn_strmap *m, const char *key, size_t len)
{
    if (!m->nslots)
        return -1;
    size_t mask = m->nslots - 1, i = (size_t)hash_bytes(key, len) & mask;
    for (;;) {
        int64_t id = m->slots[i];
        if (id < 0)
            return -1;
        if (m->lens[id] == len && memcmp(m->keys[id], key, len) == 0)
            return id;
        i = (i + 1) & mask;
    }
}

static int rehash(nn_strmap *m, size_t nslots)
{
    int64_t *slots = nn_alloc(nslots, sizeof *slots);
    if (!slots)
        return -1;
    for (size_t i = 0; i < nslots; i++)
        slots[i] = -1;
    size_t mask = nslots - 1;
    for (int64_t id = 0; id < m->n; id++) {
        size_t i = (size_t)hash_bytes(m->keys[id], m->lens[id]) & mask;
        while (slots[i] >= 0)
            i = (i + 1) & mask;
        slots[i] = id;
    }
    free(m->slots);
    m->slots = slots;
    m->nslots = nslots;
    return 0;
}

int64_t nn_strmap_add(nn_strmap *m, const char *key, size_t len)
{
    int64_t id = nn_strmap_find(m, key, len);
    if (id >= 0)
        return id;
    if (len > UINT32_MAX)
        return nn_set_error("token too long");
    if (m->n == m->cap) {
        int64_t cap = m->cap ? m->cap * 2 : 1024;
        char **k = nn_realloc(m->keys, (size_t)cap, sizeof *k);
        if (!k)
            return -1;
        m->keys = k;
        uint32_t *l = nn_realloc(m->lens, (size_t)cap, sizeof *l);
        if (!l)
            return -1;
        m->lens = l;
        int64_t *c = nn_realloc(m->counts, (size_t)cap, sizeof *c);
        if (!c)
            return -1;
        m->counts = c;
        m->cap = cap;
    }
    if ((size_t)(m->n + 1) * 2 > m->nslots && rehash(m, m->nslots ? m->nslots * 2 : 2048) < 0)
        return -1;
    char *copy = nn_alloc(len + 1, 1);
    if (!copy)
        return -1;
    memcpy(copy, key, len);
    copy[len] = 0;
    id = m->n++;
    m->keys[id] = copy;
    m->lens[id] = (uint32_t)len;
    m->counts[id] = 0;
    size_t mask = m->nslots - 1, i = (size_t)hash_bytes(key, len) & mask;
    while (m->slots[i] >= 0)
        i = (i + 1) & mask;
    m->slots[i] = id;
    return id;
}

static const nn_strmap *sort_map; /* qsort has no context argument in C11 */

static int by_count_then_bytes(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    int64_t cx = sort_map->counts[x], cy = sort_map->counts[y];
    if (cx != cy)
        return cx > cy ? -1 : 1;
    uint32_t lx = sort_map->lens[x], ly = sort_map->lens[y];
    int c = memcmp(sort_map->keys[x], sort_map->keys[y], lx < ly ? lx : ly);
    if (c)
        return c;
    return lx < ly ? -1 : lx > ly ? 1 : 0;
}

int64_t *nn_strmap_sorted(const nn_strmap *m)
{
    int64_t *ids = nn_alloc((size_t)m->n, sizeof *ids);
    if (!ids)
        return NULL;
    for (int64_t i = 0; i < m->n; i++)
        ids[i] = i;
    sort_map = m;
    qsort(ids, (size_t)m->n, sizeof *ids, by_count_then_bytes);
    sort_map = NULL;
    return ids;
}
