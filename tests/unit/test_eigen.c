/* Symmetric eigensolver: small problems worked by hand, then random
 * matrices checked through A = V^T diag(w) V and V V^T = I. */
#include "check.h"

#include "core/parallel.h"
#include "math/eigen.h"
#include "math/rng.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static void test_2x2(void)
{
    /* [[2,1],[1,2]]: eigenvalues 3 and 1, vectors (1,1)/sqrt2, (1,-1)/sqrt2. */
    double a[4] = {2, 1, 1, 2}, w[2], v[4];
    CHECK(nn_eigen_sym(2, a, w, v) == 0);
    CHECK_NEAR(w[0], 3, 1e-14);
    CHECK_NEAR(w[1], 1, 1e-14);
    nn_eigen_fix_signs(2, 2, v);
    double r = sqrt(0.5);
    CHECK_NEAR(fabs(v[0]), r, 1e-14);
    CHECK_NEAR(v[0], v[1], 1e-14); /* equal magnitudes: first entry wins, positive */
    CHECK(v[0] > 0);
    CHECK_NEAR(v[2], -v[3], 1e-14);
    CHECK(v[2] > 0);
}

static void test_3x3(void)
{
    /* [[2,0,0],[0,3,4],[0,4,9]]: the 2x2 block has trace 12, determinant
     * 11, so eigenvalues 6 +- 5; with the isolated 2: {11, 2, 1}.
     * For 11: (9-11) y... -> (0, 1, 2)/sqrt5; for 1: (0, 2, -1)/sqrt5. */
    double a[9] = {2, 0, 0, 0, 3, 4, 0, 4, 9}, w[3], v[9];
    CHECK(nn_eigen_sym(3, a, w, v) == 0);
    CHECK_NEAR(w[0], 11, 1e-13);
    CHECK_NEAR(w[1], 2, 1e-13);
    CHECK_NEAR(w[2], 1, 1e-13);
    nn_eigen_fix_signs(3, 3, v);
    double s5 = sqrt(5.0);
    CHECK_NEAR(v[0], 0, 1e-13);
    CHECK_NEAR(v[1], 1 / s5, 1e-13);
    CHECK_NEAR(v[2], 2 / s5, 1e-13);
    CHECK_NEAR(v[3], 1, 1e-13);
    CHECK_NEAR(v[7], 2 / s5, 1e-13);
    CHECK_NEAR(v[8], -1 / s5, 1e-13);
    /* Eigenvalues only. */
    double w2[3];
    CHECK(nn_eigen_sym(3, a, w2, NULL) == 0);
    CHECK_NEAR(w2[0], 11, 1e-13);
    CHECK_NEAR(w2[2], 1, 1e-13);
}

static void test_dense_3x3(void)
{
    /* [[4,1,1],[1,4,1],[1,1,4]] = 3 I + J: eigenvalues 6 (vector
     * (1,1,1)/sqrt3) and 3 twice. */
    double a[9] = {4, 1, 1, 1, 4, 1, 1, 1, 4}, w[3], v[9];
    CHECK(nn_eigen_sym(3, a, w, v) == 0);
    CHECK_NEAR(w[0], 6, 1e-13);
    CHECK_NEAR(w[1], 3, 1e-13);
    CHECK_NEAR(w[2], 3, 1e-13);
    for (int j = 0; j < 3; j++)
        CHECK_NEAR(fabs(v[j]), 1 / sqrt(3.0), 1e-13);
}

static void test_trivial(void)
{
    double a1 = -2.5, w1, v1;
    CHECK(nn_eigen_sym(1, &a1, &w1, &v1) == 0);
    CHECK(w1 == -2.5 && fabs(v1) == 1);
    double z[4] = {0, 0, 0, 0}, w[2], v[4];
    CHECK(nn_eigen_sym(2, z, w, v) == 0);
    CHECK(w[0] == 0 && w[1] == 0);
    double bad[4] = {1, NAN, NAN, 1};
    CHECK(nn_eigen_sym(2, bad, w, v) == -1);
    CHECK(nn_eigen_sym(0, bad, w, v) == -1);
}

/* Reconstruction and orthogonality errors relative to the matrix norm. */
static void check_random(int n, int rank, uint64_t seed)
{
    nn_rng r;
    nn_rng_seed(&r, seed);
    double *b = malloc(sizeof(double) * (size_t)(n * n));
    double *a = calloc((size_t)(n * n), sizeof(double));
    double *w = malloc(sizeof(double) * (size_t)n);
    double *v = malloc(sizeof(double) * (size_t)(n * n));
    for (int i = 0; i < n * n; i++)
        b[i] = nn_rng_normal(&r);
    /* A = B_k^T B_k: positive semidefinite of the given rank (like a
     * covariance matrix with zero-variance directions). */
    for (int i = 0; i < n; i++)
        for (int j = 0; j < n; j++) {
            double s = 0;
            for (int t = 0; t < rank; t++)
                s += b[t * n + i] * b[t * n + j];
            a[i * n + j] = s;
        }
    double norm = 0;
    for (int i = 0; i < n * n; i++)
        norm = fmax(norm, fabs(a[i]));
    CHECK(nn_eigen_sym(n, a, w, v) == 0);
    double err = 0, orth = 0;
    for (int i = 0; i < n; i++)
        for (int j = 0; j < n; j++) {
            double s = 0, o = 0;
            for (int t = 0; t < n; t++) {
                s += w[t] * v[t * n + i] * v[t * n + j];
                o += v[i * n + t] * v[j * n + t];
            }
            err = fmax(err, fabs(s - a[i * n + j]));
            orth = fmax(orth, fabs(o - (i == j)));
        }
    CHECK(err < 1e-11 * norm * n);
    CHECK(orth < 1e-12 * n);
    for (int i = 1; i < n; i++)
        CHECK(w[i] <= w[i - 1]);
    for (int i = rank; i < n; i++)
        CHECK(fabs(w[i]) < 1e-12 * norm * n);
    free(b);
    free(a);
    free(w);
    free(v);
}

static void test_random(void)
{
    check_random(5, 5, 1);
    check_random(40, 40, 2);
    check_random(120, 30, 3);
    check_random(200, 200, 4);
}

/* The parallel steps split rows / columns only: bit-identical results
 * for any thread count. */
static void test_threads(void)
{
    int n = 300;
    nn_rng r;
    nn_rng_seed(&r, 11);
    double *a = malloc(sizeof(double) * (size_t)(n * n));
    double *w1 = malloc(sizeof(double) * (size_t)n), *w2 = malloc(sizeof(double) * (size_t)n);
    double *v1 = malloc(sizeof(double) * (size_t)(n * n)), *v2 = malloc(sizeof(double) * (size_t)(n * n));
    for (int i = 0; i < n; i++)
        for (int j = i; j < n; j++)
            a[i * n + j] = a[j * n + i] = nn_rng_normal(&r);
    nn_set_threads(1);
    CHECK(nn_eigen_sym(n, a, w1, v1) == 0);
    nn_set_threads(3);
    CHECK(nn_eigen_sym(n, a, w2, v2) == 0);
    nn_set_threads(0);
    CHECK(memcmp(w1, w2, sizeof(double) * (size_t)n) == 0);
    CHECK(memcmp(v1, v2, sizeof(double) * (size_t)(n * n)) == 0);
    free(a);
    free(w1);
    free(w2);
    free(v1);
    free(v2);
}

/* Residual |A x - w x| and orthonormality of k rows of v. */
static void check_pairs(int n, const double *a, int k, const double *w, const double *v, double tol)
{
    double worst = 0, orth = 0;
    for (int r = 0; r < k; r++) {
        const double *x = v + r * n;
        for (int i = 0; i < n; i++) {
            double s = -w[r] * x[i];
            for (int j = 0; j < n; j++)
                s += a[i * n + j] * x[j];
            worst = fmax(worst, fabs(s));
        }
        for (int q = 0; q <= r; q++) {
            double dot = 0;
            for (int i = 0; i < n; i++)
                dot += x[i] * v[q * n + i];
            orth = fmax(orth, fabs(dot - (q == r)));
        }
    }
    CHECK(worst < tol);
    CHECK(orth < 1e-10);
}

/* The top-k path (inverse iteration) against the full decomposition:
 * a covariance-like matrix, then one whose top eigenvalue is repeated. */
static void test_top(void)
{
    int n = 160, k = 12;
    nn_rng r;
    nn_rng_seed(&r, 5);
    double *b = malloc(sizeof(double) * (size_t)(n * n)), *a = calloc((size_t)(n * n), sizeof(double));
    double *w = malloc(sizeof(double) * (size_t)n), *wt = malloc(sizeof(double) * (size_t)n);
    double *v = malloc(sizeof(double) * (size_t)(n * n)), *vt = malloc(sizeof(double) * (size_t)(k * n));
    for (int i = 0; i < n * n; i++)
        b[i] = nn_rng_normal(&r);
    for (int i = 0; i < n; i++)
        for (int j = 0; j < n; j++) {
            double s = 0;
            for (int t = 0; t < 60; t++) /* rank 60, decaying scales */
                s += b[t * n + i] * b[t * n + j] / (1.0 + t);
            a[i * n + j] = s;
        }
    CHECK(nn_eigen_sym(n, a, w, v) == 0);
    CHECK(nn_eigen_sym_top(n, a, k, wt, vt) == 0);
    for (int i = 0; i < n; i++)
        CHECK_NEAR(wt[i], w[i], 1e-11 * w[0]);
    for (int q = 0; q < k; q++) {
        double dot = 0;
        for (int i = 0; i < n; i++)
            dot += v[q * n + i] * vt[q * n + i];
        CHECK_NEAR(fabs(dot), 1, 1e-9);
    }
    check_pairs(n, a, k, wt, vt, 1e-10 * w[0]);
    /* A = Q diag(7, 7, 7, 3, 2, 1, 1, ...) Q^T with Q from the eigenvectors
     * above: a triple top eigenvalue. */
    for (int i = 0; i < n; i++)
        for (int j = 0; j < n; j++) {
            double s = 0;
            for (int t = 0; t < n; t++) {
                double l = t < 3 ? 7 : t == 3 ? 3 : t == 4 ? 2 : 1;
                s += l * v[t * n + i] * v[t * n + j];
            }
            a[i * n + j] = s;
        }
    CHECK(nn_eigen_sym_top(n, a, 5, wt, vt) == 0);
    CHECK_NEAR(wt[0], 7, 1e-12);
    CHECK_NEAR(wt[2], 7, 1e-12);
    CHECK_NEAR(wt[3], 3, 1e-12);
    CHECK_NEAR(wt[5], 1, 1e-12);
    check_pairs(n, a, 5, wt, vt, 1e-10);
    /* k > n/4 takes the full path; k = 0 gives values only. */
    CHECK(nn_eigen_sym_top(n, a, n / 2, wt, v) == 0);
    check_pairs(n, a, n / 2, wt, v, 1e-10);
    CHECK(nn_eigen_sym_top(n, a, 0, wt, vt) == 0);
    CHECK_NEAR(wt[0], 7, 1e-12);
    CHECK(nn_eigen_sym_top(n, a, n + 1, wt, vt) == -1);
    free(b);
    free(a);
    free(w);
    free(wt);
    free(v);
    free(vt);
}

int main(void)
{
    RUN(test_2x2);
    RUN(test_3x3);
    RUN(test_dense_3x3);
    RUN(test_trivial);
    RUN(test_random);
    RUN(test_threads);
    RUN(test_top);
    return check_summary();
}
