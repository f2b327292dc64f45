/* Whole-array operations (see arrayops.h). */
#include "math/arrayops.h"

#include "core/error.h"
#include "core/mem.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static inline double load(const void *p, nn_dtype t, size_t i)
{
    switch (t) {
    case NN_U8: return ((const uint8_t *)p)[i];
    case NN_I32: return ((const int32_t *)p)[i];
    case NN_I64: return (double)((const int64_t *)p)[i];
    case NN_F32: return ((const float *)p)[i];
    case NN_F64: return ((const double *)p)[i];
    default: return 0;
    }
}

static inline int64_t load_int(const void *p, nn_dtype t, size_t i)
{
    switch (t) {
    case NN_U8: return ((const uint8_t *)p)[i];
    case NN_I32: return ((const int32_t *)p)[i];
    default: return ((const int64_t *)p)[i];
    }
}

/* ---- statistics ------------------------------------------------------------ */
void nn_stats_init(nn_stats *s)
{
    memset(s, 0, sizeof *s);
    s->min = NAN;
    s->max = NAN;
}

static inline void kahan_add(double *sum, double *c, double v)
{
    double y = v - *c;
    double t = *sum + y;
    *c = isfinite(t) ? (t - *sum) - y : 0; /* inf - inf would poison c */
    *sum = t;
}

void nn_stats_update(nn_stats *s, const void *data, nn_dtype t, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        double v = load(data, t, i);
        if (isnan(v)) {
            s->nan_count++;
            continue;
        }
        if (isnan(s->min)) { /* the first value */
            s->min = s->max = v;
            s->shift = isfinite(v) ? v : 0;
        }
        if (v < s->min)
            s->min = v;
        if (v > s->max)
            s->max = v;
        double d = v - s->shift;
        kahan_add(&s->sum, &s->sum_c, d);
        kahan_add(&s->sum2, &s->sum2_c, d * d);
    }
    s->count += n;
}

double nn_stats_mean(const nn_stats *s)
{
    size_t k = s->count - s->nan_count;
    return k ? s->shift + s->sum / (double)k : NAN;
}

double nn_stats_std(const nn_stats *s)
{
    size_t k = s->count - s->nan_count;
    if (!k)
        return NAN;
    double m = s->sum / (double)k;
    double var = s->sum2 / (double)k - m * m;
    if (isnan(var)) /* infinities */
        return NAN;
    return var > 0 ? sqrt(var) : 0; /* rounding may leave a tiny negative */
}

/* ---- conversion -------------------------------------------------------------- */
static void int_range(nn_dtype t, int64_t *lo, int64_t *hi)
{
    *lo = t == NN_U8 ? 0 : t == NN_I32 ? INT32_MIN : INT64_MIN;
    *hi = t == NN_U8 ? 255 : t == NN_I32 ? INT32_MAX : INT64_MAX;
}

static void store_int(void *p, nn_dtype t, size_t i, int64_t v)
{
    switch (t) {
    case NN_U8: ((uint8_t *)p)[i] = (uint8_t)v; break;
    case NN_I32: ((int32_t *)p)[i] = (int32_t)v; break;
    default: ((int64_t *)p)[i] = v; break;
    }
}

int nn_values_transform(const void *src, nn_dtype st, void *dst, nn_dtype dt, size_t n, double mul, double add,
                        size_t first_index)
{
    int identity = mul == 1 && add == 0;
    if (identity && st == dt) {
        if (n)
            memmove(dst, src, n * nn_dtype_size(st));
        return 0;
    }
    if (identity && !nn_dtype_is_float(st) && !nn_dtype_is_float(dt)) {
        int64_t lo, hi;
        int_range(dt, &lo, &hi);
        for (size_t i = 0; i < n; i++) {
            int64_t v = load_int(src, st, i);
            if (v < lo || v > hi)
                return nn_set_error("element %zu (%lld) is out of range for %s", first_index + i, (long long)v,
                                    nn_dtype_name(dt));
            store_int(dst, dt, i, v);
        }
        return 0;
    }
    if (dt == NN_F32) {
        float *d = dst;
        for (size_t i = 0; i < n; i++)
            d[i] = (float)(load(src, st, i) * mul + add);
        return 0;
    }
    if (dt == NN_F64) {
        double *d = dst;
        for (size_t i = 0; i < n; i++)
            d[i] = load(src, st, i) * mul + add;
        return 0;
    }
    /* Into an integer type: whole numbers in range only.  The upper bound
     * is exclusive (2^31, 2^63) so the cast is always defined. */
    double lo = dt == NN_U8 ? 0 : dt == NN_I32 ? -2147483648.0 : -9223372036854775808.0;
    double hi = dt == NN_U8 ? 256 : dt == NN_I32 ? 2147483648.0 : 9223372036854775808.0;
    for (size_t i = 0; i < n; i++) {
        double v = load(src, st, i) * mul + add;
        if (isnan(v) || v != floor(v))
            return nn_set_error("element %zu (%g) is not a whole number, cannot convert to %s", first_index + i, v,
                                nn_dtype_name(dt));
        if (v < lo || v >= hi)
            return nn_set_error("element %zu (%g) is out of range for %s", first_index + i, v, nn_dtype_name(dt));
        store_int(dst, dt, i, (int64_t)v);
    }
    return 0;
}

/* ---- argmax ------------------------------------------------------------------- */
int nn_argmax(const nn_array *a, int axis, nn_array *out)
{
    memset(out, 0, sizeof *out);
    if (a->ndim == 0) {
        if (nn_array_alloc(out, NN_I32, 0, NULL))
            return -1;
        return 0;
    }
    int ax = axis < 0 ? axis + a->ndim : axis;
    if (ax < 0 || ax >= a->ndim)
        return nn_set_error("axis %d is out of range for an array of %d dimension%s", axis, a->ndim,
                            a->ndim == 1 ? "" : "s");
    int64_t n = a->shape[ax];
    if (n > INT32_MAX)
        return nn_set_error("axis %d is too long for int32 indices", axis);
    size_t outer = 1, inner = 1;
    int64_t shape[NN_MAX_DIMS];
    int k = 0;
    for (int i = 0; i < a->ndim; i++) {
        if (i < ax)
            outer *= (size_t)a->shape[i];
        else if (i > ax)
            inner *= (size_t)a->shape[i];
        if (i != ax)
            shape[k++] = a->shape[i];
    }
    if (nn_array_alloc(out, NN_I32, a->ndim - 1, shape))
        return -1;
    if (n == 0) {
        if (outer * inner == 0)
            return 0; /* nothing to compute */
        nn_array_free(out);
        return nn_set_error("argmax of an empty axis (axis %d has length 0)", axis);
    }
    int32_t *o = out->data;
    int is_i64 = a->dtype == NN_I64;
    for (size_t p = 0; p < outer; p++)
        for (size_t q = 0; q < inner; q++) {
            size_t base = p * (size_t)n * inner + q;
            int32_t best = 0;
            if (is_i64) {
                const int64_t *d = a->data;
                int64_t bv = d[base];
                for (int64_t j = 1; j < n; j++)
                    if (d[base + (size_t)j * inner] > bv) {
                        bv = d[base + (size_t)j * inner];
                        best = (int32_t)j;
                    }
            } else {
                double bv = load(a->data, a->dtype, base);
                if (!isnan(bv))
                    for (int64_t j = 1; j < n; j++) {
                        double v = load(a->data, a->dtype, base + (size_t)j * inner);
                        if (v > bv || isnan(v)) {
                            bv = v;
                            best = (int32_t)j;
                            if (isnan(v))
                                break;
                        }
                    }
            }
            o[p * inner + q] = best;
        }
    return 0;
}

/* ---- slicing ------------------------------------------------------------------- */
/* An optional signed integer; *present = 0 for empty text. */
static int parse_opt_int(const char *s, size_t len, int64_t *v, int *present)
{
    while (len && isspace((unsigned char)*s)) {
        s++;
        len--;
    }
    while (len && isspace((unsigned char)s[len - 1]))
        len--;
    *present = len > 0;
    if (!len)
        return 0;
    char buf[32];
    if (len >= sizeof buf)
        return nn_set_error("number too long in slice");
    memcpy(buf, s, len);
    buf[len] = 0;
    char *end;
    errno = 0;
    long long x = strtoll(buf, &end, 10);
    if (*end || errno || !(isdigit((unsigned char)buf[0]) || ((buf[0] == '-' || buf[0] == '+') && isdigit((unsigned char)buf[1]))))
        return nn_set_error("'%s' is not a whole number", buf);
    *v = x;
    return 0;
}

static int64_t clamp_index(int64_t i, int64_t n, int64_t step)
{
    if (i < 0) {
        i += n;
        if (i < 0)
            i = step < 0 ? -1 : 0;
    } else if (i >= n) {
        i = step < 0 ? n - 1 : n;
    }
    return i;
}

int nn_slice_parse(const char *spec, int64_t n, int64_t *first, int64_t *step, int64_t *count)
{
    const char *c1 = strchr(spec, ':');
    if (!c1) {
        int64_t i;
        int present;
        if (parse_opt_int(spec, strlen(spec), &i, &present))
            return -1;
        if (!present)
            return nn_set_error("empty slice");
        if (i < -n || i >= n)
            return nn_set_error("index %lld is out of range for %lld rows", (long long)i, (long long)n);
        *first = i < 0 ? i + n : i;
        *step = 1;
        *count = 1;
        return 0;
    }
    const char *c2 = strchr(c1 + 1, ':');
    if (c2 && strchr(c2 + 1, ':'))
        return nn_set_error("a slice has at most three parts (start:stop:step)");
    int64_t a = 0, b = 0, s = 1;
    int ha, hb, hs = 0;
    if (parse_opt_int(spec, (size_t)(c1 - spec), &a, &ha) ||
        parse_opt_int(c1 + 1, c2 ? (size_t)(c2 - c1 - 1) : strlen(c1 + 1), &b, &hb) ||
        (c2 && parse_opt_int(c2 + 1, strlen(c2 + 1), &s, &hs)))
        return -1;
    if (!hs)
        s = 1;
    if (s == 0)
        return nn_set_error("slice step cannot be zero");
    if (s == INT64_MIN)
        return nn_set_error("slice step too large");
    if (ha)
        a = clamp_index(a, n, s);
    else
        a = s > 0 ? 0 : n - 1;
    if (hb)
        b = clamp_index(b, n, s);
    else
        b = s > 0 ? n : -1;
    int64_t k;
    if (s > 0)
        k = b > a ? (b - a - 1) / s + 1 : 0;
    else
        k = a > b ? (a - b - 1) / -s + 1 : 0;
    *first = a;
    *step = s;
    *count = k;
    return 0;
}

int nn_take_rows(const nn_array *a, int64_t first, int64_t step, int64_t count, nn_array *out)
{
    memset(out, 0, sizeof *out);
    if (a->ndim == 0)
        return nn_set_error("cannot take rows of a 0-dimensional array");
    if (count < 0 || (count > 0 && (first < 0 || first >= a->shape[0] || first + (count - 1) * step < 0 ||
                                    first + (count - 1) * step >= a->shape[0])))
        return nn_set_error("rows out of range");
    int64_t shape[NN_MAX_DIMS];
    memcpy(shape, a->shape, sizeof shape);
    shape[0] = count;
    if (nn_array_alloc(out, a->dtype, a->ndim, shape))
        return -1;
    size_t row_bytes = (size_t)nn_array_row_size(a) * nn_dtype_size(a->dtype);
    for (int64_t i = 0; i < count; i++)
        memcpy((uint8_t *)out->data + (size_t)i * row_bytes,
               (const uint8_t *)a->data + (size_t)(first + i * step) * row_bytes, row_bytes);
    return 0;
}

/* ---- reshape ---------------------------------------------------------------------- */
int nn_shape_parse(const char *spec, size_t count, int *ndim, int64_t *shape)
{
    const char *p = spec;
    while (isspace((unsigned char)*p))
        p++;
    int paren = *p == '(' || *p == '[';
    if (paren)
        p++;
    int n = 0, infer = -1;
    for (;;) {
        while (isspace((unsigned char)*p) || *p == ',' || *p == 'x')
            p++;
        if (!*p || *p == ')' || *p == ']')
            break;
        char *end;
        errno = 0;
        long long v = strtoll(p, &end, 10);
        if (end == p || errno || v < -1)
            return nn_set_error("bad shape '%s': dimensions are whole numbers >= 0, or one -1", spec);
        if (n >= NN_MAX_DIMS)
            return nn_set_error("bad shape '%s': more than %d dimensions", spec, NN_MAX_DIMS);
        if (v == -1) {
            if (infer >= 0)
                return nn_set_error("bad shape '%s': only one dimension can be -1", spec);
            infer = n;
        }
        shape[n++] = v;
        p = end;
    }
    if (*p == ')' || *p == ']') {
        if (!paren)
            return nn_set_error("bad shape '%s'", spec);
        p++;
    }
    while (isspace((unsigned char)*p))
        p++;
    if (*p)
        return nn_set_error("bad shape '%s'", spec);
    size_t known = 1;
    for (int i = 0; i < n; i++)
        if (i != infer && nn_mul_size(known, (size_t)shape[i], &known))
            return -1;
    if (infer >= 0) {
        if (known == 0 || count % known)
            return nn_set_error("cannot reshape %zu elements into '%s'", count, spec);
        shape[infer] = (int64_t)(count / known);
    } else if (known != count) {
        return nn_set_error("cannot reshape %zu elements into '%s' (%zu elements)", count, spec, known);
    }
    *ndim = n;
    return 0;
}
