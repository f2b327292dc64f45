/* Whole-array operations behind the `npy` tool, usable by any tool:
 * summary statistics, element conversion with an affine map, argmax along
 * an axis, Python-style row slicing and reshape specifications.
 * Errors: -1 and a message via nn_set_error(). */
#ifndef NN_MATH_ARRAYOPS_H
#define NN_MATH_ARRAYOPS_H

#include "core/array.h"

#include <stddef.h>
#include <stdint.h>

/* Running statistics over any number of chunks.  NaNs are counted and
 * left out of min/max/mean/std; infinities are included.  Sums are of
 * x - shift (shift = the first value seen, which avoids the cancellation
 * of sum(x^2)/n - mean^2 when the mean is large against the spread) and
 * Kahan-compensated, so 47 million pixels keep every digit. */
typedef struct {
    size_t count;      /* elements seen, NaNs included */
    size_t nan_count;
    double min, max;   /* over non-NaN values; NaN if there are none */
    double shift;      /* first non-NaN value */
    double sum, sum_c;   /* sum of (x - shift), and its compensation */
    double sum2, sum2_c; /* sum of (x - shift)^2, and its compensation */
} nn_stats;

void nn_stats_init(nn_stats *s);
void nn_stats_update(nn_stats *s, const void *data, nn_dtype t, size_t n);
/* Mean and population standard deviation of the non-NaN values (NaN if
 * there are none). */
double nn_stats_mean(const nn_stats *s);
double nn_stats_std(const nn_stats *s);

/* dst[i] = src[i] * mul + add, converted from type st to dt.  Into an
 * integer type the result must be a whole number in range, else an error
 * naming element first_index + i.  With mul = 1, add = 0 integer-to-integer
 * conversion is exact (no trip through double). */
int nn_values_transform(const void *src, nn_dtype st, void *dst, nn_dtype dt, size_t n, double mul, double add,
                        size_t first_index);

/* Index of the largest value along `axis` (negative counts from the end),
 * as an int32 array with that axis removed.  Like numpy: the first
 * maximum wins and a NaN counts as the maximum.  A 0-D input gives 0. */
int nn_argmax(const nn_array *a, int axis, nn_array *out);

/* Python slice "start:stop[:step]" of a sequence of length n (any part may
 * be empty; negative values count from the end; "i" alone is the single
 * row i).  *first is the first index, *step the step, *count how many.
 * Errors: step 0, malformed text, a single index out of range. */
int nn_slice_parse(const char *spec, int64_t n, int64_t *first, int64_t *step, int64_t *count);
/* out = rows first, first + step, ... (count of them) of a (along axis 0). */
int nn_take_rows(const nn_array *a, int64_t first, int64_t step, int64_t count, nn_array *out);

/* A shape "a,b,-1" (also with 'x' or spaces as separators, "()" or ""
 * for a scalar) for `count` elements: at most one -1, inferred. */
int nn_shape_parse(const char *spec, size_t count, int *ndim, int64_t *shape);

#endif
