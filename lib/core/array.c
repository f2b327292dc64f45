#include "core/array.h"

#include "core/error.h"
#include "core/mem.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const dtype_names[NN_DTYPE_COUNT] = {"uint8", "int32", "int64", "float32", "float64"};
static const size_t dtype_sizes[NN_DTYPE_COUNT] = {1, 4, 8, 4, 8};

size_t nn_dtype_size(nn_dtype t) { return (unsigned)t < NN_DTYPE_COUNT ? dtype_sizes[t] : 0; }
const char *nn_dtype_name(nn_dtype t) { return (unsigned)t < NN_DTYPE_COUNT ? dtype_names[t] : "unknown"; }
int nn_dtype_is_float(nn_dtype t) { return t == NN_F32 || t == NN_F64; }

int nn_dtype_parse(const char *name)
{
    for (int i = 0; i < NN_DTYPE_COUNT; i++)
        if (strcmp(name, dtype_names[i]) == 0)
            return i;
    return -1;
}

int nn_array_alloc(nn_array *a, nn_dtype t, int ndim, const int64_t *shape)
{
    memset(a, 0, sizeof *a);
    if (ndim < 0 || ndim > NN_MAX_DIMS)
        return nn_set_error("arrays of %d dimensions are not supported (at most %d)", ndim, NN_MAX_DIMS);
    size_t count;
    if (nn_shape_count(shape, ndim, &count))
        return -1;
    a->data = nn_calloc(count, nn_dtype_size(t));
    if (!a->data)
        return -1;
    a->dtype = t;
    a->ndim = ndim;
    for (int i = 0; i < ndim; i++)
        a->shape[i] = shape[i];
    return 0;
}

void nn_array_free(nn_array *a)
{
    free(a->data);
    memset(a, 0, sizeof *a);
}

size_t nn_array_count(const nn_array *a)
{
    size_t n = 1;
    for (int i = 0; i < a->ndim; i++)
        n *= (size_t)a->shape[i];
    return n;
}

size_t nn_array_bytes(const nn_array *a) { return nn_array_count(a) * nn_dtype_size(a->dtype); }

int64_t nn_array_rows(const nn_array *a) { return a->ndim == 0 ? 1 : a->shape[0]; }

int64_t nn_array_row_size(const nn_array *a)
{
    int64_t n = 1;
    for (int i = 1; i < a->ndim; i++)
        n *= a->shape[i];
    return n;
}

void nn_shape_format(const nn_array *a, char *buf, size_t size)
{
    size_t used = 0;
    int n = snprintf(buf, size, "(");
    used = n > 0 ? (size_t)n : 0;
    for (int i = 0; i < a->ndim && used < size; i++) {
        n = snprintf(buf + used, size - used, "%s%lld", i ? ", " : "", (long long)a->shape[i]);
        used += n > 0 ? (size_t)n : 0;
    }
    if (used < size)
        snprintf(buf + used, size - used, a->ndim == 1 ? ",)" : ")");
}

double nn_array_get(const nn_array *a, size_t i)
{
    switch (a->dtype) {
    case NN_U8: return ((const uint8_t *)a->data)[i];
    case NN_I32: return ((const int32_t *)a->data)[i];
    case NN_I64: return (double)((const int64_t *)a->data)[i];
    case NN_F32: return ((const float *)a->data)[i];
    case NN_F64: return ((const double *)a->data)[i];
    default: return 0;
    }
}

void nn_array_set(nn_array *a, size_t i, double v)
{
    switch (a->dtype) {
    case NN_U8: ((uint8_t *)a->data)[i] = (uint8_t)v; break;
    case NN_I32: ((int32_t *)a->data)[i] = (int32_t)v; break;
    case NN_I64: ((int64_t *)a->data)[i] = (int64_t)v; break;
    case NN_F32: ((float *)a->data)[i] = (float)v; break;
    case NN_F64: ((double *)a->data)[i] = v; break;
    default: break;
    }
}

static int check_fits(double v, nn_dtype t, size_t i)
{
    if (nn_dtype_is_float(t))
        return 0;
    if (isnan(v) || v != floor(v))
        return nn_set_error("element %zu (%g) is not a whole number, cannot convert to %s", i, v, nn_dtype_name(t));
    /* Exclusive upper bounds: 2^63 is exactly representable as a double
     * but not as an int64, so "v > INT64_MAX" would let it through. */
    double lo = t == NN_U8 ? 0 : t == NN_I32 ? -2147483648.0 : -9223372036854775808.0;
    double hi = t == NN_U8 ? 256.0 : t == NN_I32 ? 2147483648.0 : 9223372036854775808.0;
    if (v < lo || v >= hi)
        return nn_set_error("element %zu (%g) is out of range for %s", i, v, nn_dtype_name(t));
    return 0;
}

int nn_array_convert(const nn_array *src, nn_dtype t, nn_array *dst)
{
    if (nn_array_alloc(dst, t, src->ndim, src->shape))
        return -1;
    size_t n = nn_array_count(src);
    if (src->dtype == t) {
        memcpy(dst->data, src->data, n * nn_dtype_size(t));
        return 0;
    }
    /* Fast paths for the common widenings. */
    if (t == NN_F32 && src->dtype == NN_U8) {
        const uint8_t *s = src->data;
        float *d = dst->data;
        for (size_t i = 0; i < n; i++)
            d[i] = s[i];
        return 0;
    }
    if (t == NN_F32 && src->dtype == NN_F64) {
        const double *s = src->data;
        float *d = dst->data;
        for (size_t i = 0; i < n; i++)
            d[i] = (float)s[i];
        return 0;
    }
    for (size_t i = 0; i < n; i++) {
        double v = nn_array_get(src, i);
        if (src->dtype == NN_I64 && !nn_dtype_is_float(t)) {
            /* int64 into a narrower int: compare as integers. */
            int64_t iv = ((const int64_t *)src->data)[i];
            if ((t == NN_U8 && (iv < 0 || iv > 255)) || (t == NN_I32 && (iv < INT32_MIN || iv > INT32_MAX))) {
                nn_array_free(dst);
                return nn_set_error("element %zu (%lld) is out of range for %s", i, (long long)iv, nn_dtype_name(t));
            }
            if (t == NN_I64)
                ((int64_t *)dst->data)[i] = iv;
            else
                nn_array_set(dst, i, (double)iv);
            continue;
        }
        if (check_fits(v, t, i)) {
            nn_array_free(dst);
            return -1;
        }
        nn_array_set(dst, i, v);
    }
    return 0;
}

int nn_array_convert_inplace(nn_array *a, nn_dtype t)
{
    if (a->dtype == t)
        return 0;
    nn_array tmp;
    if (nn_array_convert(a, t, &tmp))
        return -1;
    nn_array_free(a);
    *a = tmp;
    return 0;
}
