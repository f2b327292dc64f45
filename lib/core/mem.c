#include "core/mem.h"

#include "core/error.h"

#include <stdlib.h>
#include <string.h>

static size_t alloc_limit = (size_t)16 << 30;

void nn_set_alloc_limit(size_t bytes) { alloc_limit = bytes; }
size_t nn_alloc_limit(void) { return alloc_limit; }

int nn_mul_size(size_t a, size_t b, size_t *out)
{
    if (a != 0 && b > SIZE_MAX / a)
        return nn_set_error("size overflow (%zu x %zu)", a, b);
    *out = a * b;
    return 0;
}

int nn_shape_count(const int64_t *dims, int n, size_t *out)
{
    size_t count = 1;
    for (int i = 0; i < n; i++) {
        if (dims[i] < 0)
            return nn_set_error("negative dimension %lld", (long long)dims[i]);
        if ((uint64_t)dims[i] > SIZE_MAX || nn_mul_size(count, (size_t)dims[i], &count))
            return nn_set_error("element count overflows");
    }
    *out = count;
    return 0;
}

static int checked_bytes(size_t count, size_t size, size_t *bytes)
{
    if (nn_mul_size(count, size, bytes))
        return -1;
    if (*bytes > alloc_limit)
        return nn_set_error("allocation of %zu bytes exceeds the limit of %zu", *bytes, alloc_limit);
    return 0;
}

void *nn_alloc(size_t count, size_t size)
{
    size_t bytes = 0;
    if (checked_bytes(count, size, &bytes))
        return NULL;
    void *p = malloc(bytes ? bytes : 1);
    if (!p)
        nn_set_error("out of memory (%zu bytes)", bytes);
    return p;
}

void *nn_calloc(size_t count, size_t size)
{
    size_t bytes = 0;
    if (checked_bytes(count, size, &bytes))
        return NULL;
    void *p = calloc(bytes ? bytes : 1, 1);
    if (!p)
        nn_set_error("out of memory (%zu bytes)", bytes);
    return p;
}

void *nn_realloc(void *old, size_t count, size_t size)
{
    size_t bytes = 0;
    if (checked_bytes(count, size, &bytes))
        return NULL;
    void *p = realloc(old, bytes ? bytes : 1);
    if (!p)
        nn_set_error("out of memory (%zu bytes)", bytes);
    return p;
}

void *nn_alloc_aligned(size_t count, size_t size)
{
    size_t bytes = 0;
    if (checked_bytes(count, size, &bytes))
        return NULL;
    /* aligned_alloc wants a multiple of the alignment. */
    size_t rounded = (bytes + 63) & ~(size_t)63;
    if (rounded < bytes)
        return nn_set_error("size overflow"), NULL;
    void *p = aligned_alloc(64, rounded ? rounded : 64);
    if (!p)
        nn_set_error("out of memory (%zu bytes)", bytes);
    return p;
}

void nn_free_aligned(void *p) { free(p); }
