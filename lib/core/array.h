/* nn_array: an n-dimensional array in C order, the in-memory form of an
 * .npy file and of a safetensors tensor.
 *
 * Tools compute in one type (float32 mostly) and widen what they read:
 * nn_array_convert() turns uint8 pixels or int labels into float32, and
 * refuses what has no meaning (float values that are not whole numbers
 * into an integer type, values out of range). */
#ifndef NN_CORE_ARRAY_H
#define NN_CORE_ARRAY_H

#include <stddef.h>
#include <stdint.h>

#define NN_MAX_DIMS 8

typedef enum {
    NN_U8,
    NN_I32,
    NN_I64,
    NN_F32,
    NN_F64,
    NN_DTYPE_COUNT
} nn_dtype;

typedef struct {
    nn_dtype dtype;
    int ndim;                   /* 0 for a scalar */
    int64_t shape[NN_MAX_DIMS];
    void *data;                 /* malloc'd, C order, host byte order */
} nn_array;

size_t nn_dtype_size(nn_dtype t);
/* "uint8", "int32", "int64", "float32", "float64" */
const char *nn_dtype_name(nn_dtype t);
/* Parse the names above; -1 if unknown. */
int nn_dtype_parse(const char *name);
int nn_dtype_is_float(nn_dtype t);

/* Allocate (zeroed) data for the given shape, with overflow checks. */
int nn_array_alloc(nn_array *a, nn_dtype t, int ndim, const int64_t *shape);
void nn_array_free(nn_array *a);
size_t nn_array_count(const nn_array *a);
size_t nn_array_bytes(const nn_array *a);
/* An (N, ...) array seen as N rows: rows = shape[0], row_size = the
 * product of the other dimensions (a 1-D array is N rows of 1). */
int64_t nn_array_rows(const nn_array *a);
int64_t nn_array_row_size(const nn_array *a);
/* "(60000, 28, 28)" into buf. */
void nn_shape_format(const nn_array *a, char *buf, size_t size);

/* Element i as a double, and set element i from a double (no checks). */
double nn_array_get(const nn_array *a, size_t i);
void nn_array_set(nn_array *a, size_t i, double v);

/* dst = src converted to type t (a new array; src untouched).  Errors:
 * NaN or non-whole floats into integers, values out of the target range. */
int nn_array_convert(const nn_array *src, nn_dtype t, nn_array *dst);
/* Convert in place (replaces a->data). */
int nn_array_convert_inplace(nn_array *a, nn_dtype t);

#endif
