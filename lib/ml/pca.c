#include "ml/pca.h"

#include "core/error.h"
#include "core/mem.h"
#include "core/progress.h"
#include "math/eigen.h"
#include "math/gemm.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Rows per block of the scatter-matrix pass: large enough for an
 * efficient GEMM (K = block rows), small enough that the float partial
 * sums stay accurate before they are added into double. */
#define FIT_BLOCK_ROWS 2048
/* Feature panels of the upper-triangle product (see scatter_block). */
#define PANEL 128
/* Rows per block in transform / inverse (bounds the float copy). */
#define APPLY_BLOCK_ROWS 4096

void nn_pca_free(nn_pca *p)
{
    free(p->mean);
    free(p->components);
    free(p->explained_variance);
    free(p->explained_variance_ratio);
    free(p->singular_values);
    memset(p, 0, sizeof *p);
}

int nn_rows_to_float(const nn_array *x, int64_t r0, int64_t n, float *out)
{
    int64_t f = nn_array_row_size(x);
    size_t off = (size_t)(r0 * f), cnt = (size_t)(n * f);
    switch (x->dtype) {
    case NN_U8: {
        const uint8_t *s = (const uint8_t *)x->data + off;
        for (size_t i = 0; i < cnt; i++)
            out[i] = (float)s[i];
        return 0;
    }
    case NN_I32: {
        const int32_t *s = (const int32_t *)x->data + off;
        for (size_t i = 0; i < cnt; i++)
            out[i] = (float)s[i];
        return 0;
    }
    case NN_I64: {
        const int64_t *s = (const int64_t *)x->data + off;
        for (size_t i = 0; i < cnt; i++)
            out[i] = (float)s[i];
        return 0;
    }
    case NN_F32: {
        const float *s = (const float *)x->data + off;
        memcpy(out, s, cnt * sizeof *out);
        break;
    }
    case NN_F64: {
        const double *s = (const double *)x->data + off;
        for (size_t i = 0; i < cnt; i++)
            out[i] = (float)s[i]; /* out-of-range values become inf: caught below */
        break;
    }
    default: return nn_set_error("unsupported dtype");
    }
    /* Float input: one pass for NaN / infinity (x - x is 0 only if finite). */
    float acc = 0;
    for (size_t i = 0; i < cnt; i++)
        acc += out[i] - out[i];
    if (acc != 0 || acc != acc) {
        for (size_t i = 0; i < cnt; i++)
            if (!isfinite(out[i]))
                return nn_set_error("non-finite value (NaN or infinity) in row %lld",
                                    (long long)(r0 + (int64_t)(i / (size_t)f)));
    }
    return 0;
}

/* Column sums of rows [r0, r0 + n) in double, read straight from the
 * source type (no float copy).  A NaN or infinity makes its column's sum
 * non-finite, which the caller checks once at the end. */
#define SUM_ROWS(T)                                                                                           \
    do {                                                                                                      \
        const T *src = (const T *)x->data + r0 * f;                                                           \
        for (int64_t i = 0; i < n; i++)                                                                       \
            for (int64_t j = 0; j < f; j++)                                                                   \
                sum[j] += (double)src[i * f + j];                                                             \
    } while (0)

static void column_sums(const nn_array *x, int64_t r0, int64_t n, int64_t f, double *sum)
{
    switch (x->dtype) {
    case NN_U8: SUM_ROWS(uint8_t); break;
    case NN_I32: SUM_ROWS(int32_t); break;
    case NN_I64: SUM_ROWS(int64_t); break;
    case NN_F32: SUM_ROWS(float); break;
    case NN_F64: SUM_ROWS(double); break;
    default: break;
    }
}

/* out (n x f float) = rows [r0, r0 + n) - mean, converted in the same pass. */
#define CENTER_ROWS(T)                                                                                        \
    do {                                                                                                      \
        const T *src = (const T *)x->data + r0 * f;                                                           \
        for (int64_t i = 0; i < n; i++)                                                                       \
            for (int64_t j = 0; j < f; j++)                                                                   \
                out[i * f + j] = (float)src[i * f + j] - mean[j];                                             \
    } while (0)

static void center_rows(const nn_array *x, int64_t r0, int64_t n, int64_t f, const float *mean, float *out)
{
    switch (x->dtype) {
    case NN_U8: CENTER_ROWS(uint8_t); break;
    case NN_I32: CENTER_ROWS(int32_t); break;
    case NN_I64: CENTER_ROWS(int64_t); break;
    case NN_F32: CENTER_ROWS(float); break;
    case NN_F64: CENTER_ROWS(double); break;
    default: break;
    }
}

/* Accumulate the upper triangle of xc^T xc (xc: rows x f, float) into s
 * (f x f, double).  Each panel of PANEL features multiplies against the
 * features from its own start onwards, so about half of the full product
 * is computed.  g is f x f float scratch. */
static void scatter_block(const float *xc, int64_t rows, int64_t f, float *g, double *s)
{
    for (int64_t p0 = 0; p0 < f; p0 += PANEL) {
        int64_t pw = f - p0 < PANEL ? f - p0 : PANEL;
        /* g[p0:p0+pw, p0:f] = xc[:, p0:p0+pw]^T xc[:, p0:f] */
        nn_sgemm(1, 0, pw, f - p0, rows, 1.0f, xc + p0, f, xc + p0, f, 0.0f, g + p0 * f + p0, f);
        for (int64_t i = p0; i < p0 + pw; i++) {
            const float *gr = g + i * f;
            double *sr = s + i * f;
            for (int64_t j = i; j < f; j++)
                sr[j] += gr[j];
        }
    }
}

static int check_samples(const nn_array *x, const char *what)
{
    if (x->ndim < 1)
        return nn_set_error("%s must have at least one dimension (rows = samples), not a scalar", what);
    return 0;
}

int nn_pca_fit(nn_pca *p, const nn_array *x, int64_t d, int progress)
{
    memset(p, 0, sizeof *p);
    if (check_samples(x, "the data") < 0)
        return -1;
    int64_t n = nn_array_rows(x), f = nn_array_row_size(x);
    if (n < 2)
        return nn_set_error("PCA needs at least 2 samples, the data has %lld", (long long)n);
    if (f < 1)
        return nn_set_error("the samples have no features");
    int64_t dmax = n < f ? n : f;
    if (d < 1 || d > dmax)
        return nn_set_error("n_components must be between 1 and min(samples, features) = %lld, not %lld",
                            (long long)dmax, (long long)d);
    size_t ff;
    if (nn_mul_size((size_t)f, (size_t)f, &ff) < 0)
        return -1;
    int64_t br = n < FIT_BLOCK_ROWS ? n : FIT_BLOCK_ROWS;
    double *sum = nn_calloc((size_t)f, sizeof *sum);
    double *s = nn_calloc(ff, sizeof *s);
    float *g = nn_alloc(ff, sizeof *g);
    float *buf = nn_alloc((size_t)br * (size_t)f, sizeof *buf);
    float *meanf = nn_alloc((size_t)f, sizeof *meanf);
    double *w = nn_alloc((size_t)f, sizeof *w);
    double *v = nn_alloc(ff, sizeof *v);
    int rc = -1;
    if (!sum || !s || !g || !buf || !meanf || !w || !v)
        goto done;

    if (x->dtype != NN_U8 && x->dtype != NN_I32 && x->dtype != NN_I64 && x->dtype != NN_F32 &&
        x->dtype != NN_F64) {
        nn_set_error("unsupported dtype");
        goto done;
    }
    /* Pass 1: the mean, summed in double. */
    for (int64_t r0 = 0; r0 < n; r0 += br) {
        int64_t nr = n - r0 < br ? n - r0 : br;
        column_sums(x, r0, nr, f, sum);
    }
    for (int64_t j = 0; j < f; j++) {
        if (!isfinite(sum[j]) || !isfinite((float)(sum[j] / (double)n))) {
            /* Find the row to report (float conversion catches doubles
             * beyond float range too). */
            for (int64_t r0 = 0; r0 < n; r0 += br) {
                int64_t nr = n - r0 < br ? n - r0 : br;
                if (nn_rows_to_float(x, r0, nr, buf) < 0)
                    goto done;
            }
            nn_set_error("the data's sums overflow (values too large)");
            goto done;
        }
        meanf[j] = (float)(sum[j] / (double)n);
    }

    /* Pass 2: centred scatter matrix. */
    nn_progress pr;
    if (progress)
        nn_progress_start(&pr, "pca fit: covariance", n, "samples");
    for (int64_t r0 = 0; r0 < n; r0 += br) {
        int64_t nr = n - r0 < br ? n - r0 : br;
        center_rows(x, r0, nr, f, meanf, buf);
        scatter_block(buf, nr, f, g, s);
        if (progress)
            nn_progress_update(&pr, r0 + nr);
    }
    if (progress)
        nn_progress_finish(&pr, n);
    double total = 0;
    for (int64_t j = 0; j < f; j++) {
        for (int64_t k = j; k < f; k++)
            s[j * f + k] /= (double)(n - 1);
        total += s[j * f + j];
    }

    if (nn_eigen_sym_top(f, s, d, w, v) < 0)
        goto done;
    nn_eigen_fix_signs(d, f, v);

    p->n_samples = n;
    p->n_features = f;
    p->n_components = d;
    p->feature_ndim = x->ndim - 1;
    for (int i = 1; i < x->ndim; i++)
        p->feature_shape[i - 1] = x->shape[i];
    if (x->ndim == 1) { /* a 1-D array: N samples of one feature */
        p->feature_ndim = 1;
        p->feature_shape[0] = 1;
    }
    p->total_variance = total;
    p->mean = meanf;
    meanf = NULL;
    p->components = nn_alloc((size_t)d * (size_t)f, sizeof *p->components);
    p->explained_variance = nn_alloc((size_t)d, sizeof(double));
    p->explained_variance_ratio = nn_alloc((size_t)d, sizeof(double));
    p->singular_values = nn_alloc((size_t)d, sizeof(double));
    if (!p->components || !p->explained_variance || !p->explained_variance_ratio || !p->singular_values) {
        nn_pca_free(p);
        goto done;
    }
    for (int64_t i = 0; i < d; i++) {
        double ev = w[i] > 0 ? w[i] : 0; /* rounding can leave -1e-17 for a zero direction */
        p->explained_variance[i] = ev;
        p->explained_variance_ratio[i] = total > 0 ? ev / total : 0;
        p->singular_values[i] = sqrt(ev * (double)(n - 1));
        for (int64_t j = 0; j < f; j++)
            p->components[i * f + j] = (float)v[i * f + j];
    }
    rc = 0;
done:
    free(sum);
    free(s);
    free(g);
    free(buf);
    free(meanf);
    free(w);
    free(v);
    return rc;
}

int nn_pca_transform(const nn_pca *p, const nn_array *x, nn_array *codes)
{
    memset(codes, 0, sizeof *codes);
    if (check_samples(x, "the data") < 0)
        return -1;
    int64_t n = nn_array_rows(x), f = nn_array_row_size(x), d = p->n_components;
    if (f != p->n_features) {
        char buf[96];
        nn_shape_format(x, buf, sizeof buf);
        return nn_set_error("the data has %lld features per row (shape %s), the model %lld", (long long)f, buf,
                            (long long)p->n_features);
    }
    int64_t shape[2] = {n, d};
    if (nn_array_alloc(codes, NN_F32, 2, shape) < 0)
        return -1;
    int64_t br = n < APPLY_BLOCK_ROWS ? n : APPLY_BLOCK_ROWS;
    float *buf = nn_alloc((size_t)(br > 0 ? br : 1) * (size_t)f, sizeof *buf);
    if (!buf) {
        nn_array_free(codes);
        return -1;
    }
    float *out = codes->data;
    for (int64_t r0 = 0; r0 < n; r0 += br) {
        int64_t nr = n - r0 < br ? n - r0 : br;
        if (nn_rows_to_float(x, r0, nr, buf) < 0) {
            free(buf);
            nn_array_free(codes);
            return -1;
        }
        for (int64_t i = 0; i < nr; i++)
            for (int64_t j = 0; j < f; j++)
                buf[i * f + j] -= p->mean[j];
        /* out[r0:r0+nr] (nr x d) = buf (nr x f) components^T (f x d) */
        nn_sgemm(0, 1, nr, d, f, 1.0f, buf, f, p->components, f, 0.0f, out + r0 * d, d);
    }
    free(buf);
    return 0;
}

int nn_pca_inverse(const nn_pca *p, const nn_array *codes, nn_array *xhat)
{
    memset(xhat, 0, sizeof *xhat);
    int64_t d = p->n_components, f = p->n_features;
    if (codes->ndim != 2 || codes->shape[1] != d) {
        char buf[96];
        nn_shape_format(codes, buf, sizeof buf);
        return nn_set_error("codes must have shape (N, %lld) for this model, not %s", (long long)d, buf);
    }
    int64_t n = codes->shape[0];
    int64_t shape[NN_MAX_DIMS];
    shape[0] = n;
    for (int i = 0; i < p->feature_ndim; i++)
        shape[i + 1] = p->feature_shape[i];
    if (nn_array_alloc(xhat, NN_F32, p->feature_ndim + 1, shape) < 0)
        return -1;
    int64_t br = n < APPLY_BLOCK_ROWS ? n : APPLY_BLOCK_ROWS;
    float *buf = nn_alloc((size_t)(br > 0 ? br : 1) * (size_t)d, sizeof *buf);
    if (!buf) {
        nn_array_free(xhat);
        return -1;
    }
    float *out = xhat->data;
    for (int64_t r0 = 0; r0 < n; r0 += br) {
        int64_t nr = n - r0 < br ? n - r0 : br;
        if (nn_rows_to_float(codes, r0, nr, buf) < 0) {
            free(buf);
            nn_array_free(xhat);
            return -1;
        }
        float *o = out + r0 * f;
        for (int64_t i = 0; i < nr; i++)
            memcpy(o + i * f, p->mean, (size_t)f * sizeof *o);
        /* o (nr x f) += buf (nr x d) components (d x f) */
        nn_sgemm(0, 0, nr, f, d, 1.0f, buf, d, p->components, f, 1.0f, o, f);
    }
    free(buf);
    return 0;
}
