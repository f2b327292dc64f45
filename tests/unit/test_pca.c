/* PCA: hand-worked small cases, then a larger random one (several row
 * blocks and feature panels) against a direct double computation. */
#include "check.h"

#include "core/array.h"
#include "core/error.h"
#include "math/eigen.h"
#include "math/rng.h"
#include "ml/pca.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static nn_array make_f32(int64_t rows, int64_t cols, const float *v)
{
    nn_array a;
    int64_t shape[2] = {rows, cols};
    nn_array_alloc(&a, NN_F32, 2, shape);
    memcpy(a.data, v, sizeof(float) * (size_t)(rows * cols));
    return a;
}

static void test_points_on_a_line(void)
{
    /* (1,2), (3,4), (5,6): centred (-2,-2), (0,0), (2,2); all variance on
     * (1,1)/sqrt2: (8 + 0 + 8) / (3 - 1) = 8; the second direction 0. */
    float v[6] = {1, 2, 3, 4, 5, 6};
    nn_array x = make_f32(3, 2, v);
    nn_pca p;
    CHECK(nn_pca_fit(&p, &x, 2, 0) == 0);
    CHECK_NEAR(p.mean[0], 3, 1e-6);
    CHECK_NEAR(p.mean[1], 4, 1e-6);
    CHECK_NEAR(p.explained_variance[0], 8, 1e-5);
    CHECK_NEAR(p.explained_variance[1], 0, 1e-5);
    CHECK_NEAR(p.explained_variance_ratio[0], 1, 1e-6);
    CHECK_NEAR(p.singular_values[0], 4, 1e-5); /* sqrt(8 * 2) */
    CHECK_NEAR(p.total_variance, 8, 1e-5);
    CHECK_NEAR(p.components[0], sqrt(0.5), 1e-6);
    CHECK_NEAR(p.components[1], sqrt(0.5), 1e-6);
    /* Scores along the line: -2 sqrt2, 0, 2 sqrt2. */
    nn_array c, xh;
    CHECK(nn_pca_transform(&p, &x, &c) == 0);
    CHECK(c.ndim == 2 && c.shape[0] == 3 && c.shape[1] == 2);
    float *cv = c.data;
    CHECK_NEAR(cv[0], -2 * sqrt(2.0), 1e-5);
    CHECK_NEAR(cv[2], 0, 1e-5);
    CHECK_NEAR(cv[4], 2 * sqrt(2.0), 1e-5);
    CHECK_NEAR(cv[1], 0, 1e-5);
    CHECK(nn_pca_inverse(&p, &c, &xh) == 0);
    for (int i = 0; i < 6; i++)
        CHECK_NEAR(((float *)xh.data)[i], v[i], 1e-5);
    nn_array_free(&c);
    nn_array_free(&xh);
    nn_pca_free(&p);
    nn_array_free(&x);
}

static void test_axes(void)
{
    /* (2,0), (-2,0), (0,1), (0,-1): covariance diag(8/3, 2/3); components
     * e1 and e2; ratios 0.8 and 0.2.  As uint8 with an offset (the mean
     * must not matter), shaped (4, 1, 2) to check the feature shape. */
    nn_array x;
    int64_t shape[3] = {4, 1, 2};
    nn_array_alloc(&x, NN_U8, 3, shape);
    uint8_t v[8] = {12, 10, 8, 10, 10, 11, 10, 9};
    memcpy(x.data, v, 8);
    nn_pca p;
    CHECK(nn_pca_fit(&p, &x, 2, 0) == 0);
    CHECK_NEAR(p.explained_variance[0], 8.0 / 3, 1e-5);
    CHECK_NEAR(p.explained_variance[1], 2.0 / 3, 1e-5);
    CHECK_NEAR(p.explained_variance_ratio[0], 0.8, 1e-6);
    CHECK_NEAR(p.explained_variance_ratio[1], 0.2, 1e-6);
    CHECK_NEAR(p.components[0], 1, 1e-6);
    CHECK_NEAR(p.components[3], 1, 1e-6);
    CHECK(p.feature_ndim == 2 && p.feature_shape[0] == 1 && p.feature_shape[1] == 2);
    /* One component: reconstruction keeps x, drops y. */
    nn_pca p1;
    CHECK(nn_pca_fit(&p1, &x, 1, 0) == 0);
    nn_array c, xh;
    CHECK(nn_pca_transform(&p1, &x, &c) == 0);
    CHECK(nn_pca_inverse(&p1, &c, &xh) == 0);
    CHECK(xh.ndim == 3 && xh.shape[0] == 4 && xh.shape[1] == 1 && xh.shape[2] == 2);
    float *h = xh.data;
    CHECK_NEAR(h[0], 12, 1e-5);
    CHECK_NEAR(h[1], 10, 1e-5);
    CHECK_NEAR(h[4], 10, 1e-5);
    CHECK_NEAR(h[5], 10, 1e-5);
    nn_array_free(&c);
    nn_array_free(&xh);
    nn_pca_free(&p);
    nn_pca_free(&p1);
    nn_array_free(&x);
}

static void test_errors(void)
{
    float v[6] = {1, 2, 3, 4, 5, 6};
    nn_array x = make_f32(3, 2, v);
    nn_pca p;
    CHECK(nn_pca_fit(&p, &x, 3, 0) == -1); /* more than min(3, 2) */
    CHECK(strstr(nn_last_error(), "n_components") != NULL);
    CHECK(nn_pca_fit(&p, &x, 0, 0) == -1);
    nn_array one = make_f32(1, 2, v);
    CHECK(nn_pca_fit(&p, &one, 1, 0) == -1);
    nn_array_free(&one);
    ((float *)x.data)[3] = NAN;
    CHECK(nn_pca_fit(&p, &x, 1, 0) == -1);
    CHECK(strstr(nn_last_error(), "row 1") != NULL);
    ((float *)x.data)[3] = INFINITY;
    CHECK(nn_pca_fit(&p, &x, 1, 0) == -1);
    ((float *)x.data)[3] = 4;
    CHECK(nn_pca_fit(&p, &x, 1, 0) == 0);
    nn_array bad = make_f32(2, 3, v), c;
    CHECK(nn_pca_transform(&p, &bad, &c) == -1); /* 3 features, model 2 */
    CHECK(nn_pca_inverse(&p, &bad, &c) == -1);   /* 3 codes, model 1 */
    nn_array_free(&bad);
    nn_pca_free(&p);
    nn_array_free(&x);
}

static void test_random_against_direct(void)
{
    /* 3000 x 150 correlated data: two row blocks, two feature panels. */
    int64_t n = 3000, f = 150, d = 10;
    nn_rng r;
    nn_rng_seed(&r, 7);
    float *v = malloc(sizeof(float) * (size_t)(n * f));
    double *basis = malloc(sizeof(double) * 20 * (size_t)f);
    for (int64_t i = 0; i < 20 * f; i++)
        basis[i] = nn_rng_normal(&r);
    for (int64_t i = 0; i < n; i++)
        for (int64_t j = 0; j < f; j++) {
            double s = 5.0 + 0.01 * nn_rng_normal(&r);
            for (int t = 0; t < 20; t++)
                s += basis[t * f + j] * (20 - t) * 0.1 * sin((double)(i * (t + 1)));
            v[i * f + j] = (float)s;
        }
    nn_array x = make_f32(n, f, v);
    nn_pca p;
    CHECK(nn_pca_fit(&p, &x, d, 0) == 0);
    /* Direct: double covariance, eigensolver. */
    double *mean = calloc((size_t)f, sizeof(double)), *cov = calloc((size_t)(f * f), sizeof(double));
    double *w = malloc(sizeof(double) * (size_t)f), *vec = malloc(sizeof(double) * (size_t)(f * f));
    for (int64_t i = 0; i < n; i++)
        for (int64_t j = 0; j < f; j++)
            mean[j] += v[i * f + j];
    for (int64_t j = 0; j < f; j++)
        mean[j] /= (double)n;
    for (int64_t i = 0; i < n; i++)
        for (int64_t j = 0; j < f; j++)
            for (int64_t k = j; k < f; k++)
                cov[j * f + k] += (v[i * f + j] - mean[j]) * (v[i * f + k] - mean[k]);
    double total = 0;
    for (int64_t j = 0; j < f; j++) {
        for (int64_t k = j; k < f; k++)
            cov[j * f + k] /= (double)(n - 1);
        total += cov[j * f + j];
    }
    CHECK(nn_eigen_sym(f, cov, w, vec) == 0);
    nn_eigen_fix_signs(d, f, vec);
    CHECK_NEAR(p.total_variance, total, 1e-5 * total);
    for (int64_t i = 0; i < d; i++) {
        CHECK_NEAR(p.explained_variance[i], w[i], 1e-4 * w[0]);
        CHECK_NEAR(p.explained_variance_ratio[i], w[i] / total, 1e-6);
        double dot = 0;
        for (int64_t j = 0; j < f; j++)
            dot += p.components[i * f + j] * vec[i * f + j];
        CHECK_NEAR(dot, 1, 1e-4); /* same direction and same sign */
    }
    nn_pca_free(&p);
    nn_array_free(&x);
    free(v);
    free(basis);
    free(mean);
    free(cov);
    free(w);
    free(vec);
}

int main(void)
{
    RUN(test_points_on_a_line);
    RUN(test_axes);
    RUN(test_errors);
    RUN(test_random_against_direct);
    return check_summary();
}
