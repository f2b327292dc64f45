/* Allocation with overflow checks.  Every size that comes from a file
 * header goes through these, so a hostile header gives an error instead
 * of a wrapped-around allocation. */
#ifndef NN_CORE_MEM_H
#define NN_CORE_MEM_H

#include <stddef.h>
#include <stdint.h>

/* The largest single allocation a header may ask for (bytes).  Tools may
 * raise it with nn_set_alloc_limit(); default 16 GiB. */
void nn_set_alloc_limit(size_t bytes);
size_t nn_alloc_limit(void);

/* *out = a * b; returns 0, or -1 (with nn_set_error) on overflow. */
int nn_mul_size(size_t a, size_t b, size_t *out);

/* Product of n dimensions (each >= 0) with overflow check. */
int nn_shape_count(const int64_t *dims, int n, size_t *out);

/* malloc(count * size) with overflow and limit checks; NULL and an error
 * message on failure.  Zero bytes gives a valid unique pointer. */
void *nn_alloc(size_t count, size_t size);
void *nn_calloc(size_t count, size_t size);
void *nn_realloc(void *p, size_t count, size_t size);

/* Aligned to 64 bytes (cache line / AVX-512), free with nn_free_aligned. */
void *nn_alloc_aligned(size_t count, size_t size);
void nn_free_aligned(void *p);

#endif
