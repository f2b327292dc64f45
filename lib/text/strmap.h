/* A hash table from byte strings to dense ids 0, 1, 2, ... in insertion
 * order, with a count per id: the vocabulary of vocab, pad and word2vec.
 * Open addressing with linear probing, FNV-1a hashes; keys are copied. */
#ifndef NN_TEXT_STRMAP_H
#define NN_TEXT_STRMAP_H

#include <stddef.h>
#include <stdint.h>

typedef struct {
    char **keys;      /* keys[id], NUL-terminated */
    uint32_t *lens;   /* key lengths */
    int64_t *counts;  /* counts[id] */
    int64_t n, cap;   /* ids used / allocated */
    int64_t *slots;   /* -1 empty, else an id */
    size_t nslots;    /* a power of two, at least 2 * cap */
} nn_strmap;

void nn_strmap_init(nn_strmap *m);
void nn_strmap_free(nn_strmap *m);

/* The id of key (len bytes), or -1 if absent. */
int64_t nn_strmap_find(const nn_strmap *m, const char *key, size_t len);
/* The id of key, added with count 0 if absent; -1 on out of memory. */
int64_t nn_strmap_add(nn_strmap *m, const char *key, size_t len);

/* Ids ordered by count (descending), ties by key bytes (ascending):
 * a new malloc'd array of m->n ids, or NULL. */
int64_t *nn_strmap_sorted(const nn_strmap *m);

#endif
