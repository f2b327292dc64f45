/* t-SNE: perplexity calibration, kNN, affinities, gradient against finite
 * differences, Barnes-Hut against exact forces, whole runs. */
#include "check.h"

#include "core/error.h"
#include "core/parallel.h"
#include "math/rng.h"
#include "ml/tsne.h"
#include "ml/tsne_bh.h"

#include <math.h>
#include <stdint.h>
#include <string.h>

static double entropy(const double *p, int k)
{
    double h = 0.0;
    for (int j = 0; j < k; j++)
        if (p[j] > 0)
            h -= p[j] * log(p[j]);
    return h;
}

static void test_calibrate_entropy(void)
{
    nn_rng r;
    nn_rng_seed(&r, 1);
    enum { K = 91 };
    double d[K], p[K];
    const double scales[3] = {1.0, 1e-3, 4e6}; /* unit, tiny and raw-pixel-like distances */
    const double perps[3] = {5.0, 30.0, 80.0};
    for (int s = 0; s < 3; s++)
        for (int q = 0; q < 3; q++) {
            for (int j = 0; j < K; j++)
                d[j] = scales[s] * (1.0 + 10.0 * nn_rng_uniform(&r));
            double beta = nn_tsne_calibrate(d, K, perps[q], p);
            double sum = 0.0;
            for (int j = 0; j < K; j++)
                sum += p[j];
            CHECK_NEAR(sum, 1.0, 1e-12);
            CHECK_NEAR(entropy(p, K), log(perps[q]), 1e-4);
            CHECK(beta > 0);
            /* p follows exp(-beta d) */
            CHECK_NEAR(p[0] / p[1], exp(-beta * (d[0] - d[1])), 1e-6 * (p[0] / p[1]));
        }
    /* Unreachable (perplexity above k): uniform, no NaN. */
    double dd[4] = {1, 2, 3, 4}, pp[4];
    nn_tsne_calibrate(dd, 4, 10.0, pp);
    for (int j = 0; j < 4; j++)
        CHECK(pp[j] > 0.2 && pp[j] < 0.3);
}

static void random_points(float *x, int64_t n, int64_t d, uint64_t seed, double scale)
{
    nn_rng r;
    nn_rng_seed(&r, seed);
    for (int64_t m = 0; m < n * d; m++)
        x[m] = (float)(scale * nn_rng_normal(&r));
}

static void test_knn_brute_force(void)
{
    enum { N = 300, D = 7, K = 12 };
    static float x[N * D];
    static int32_t idx[N * K];
    static double d2[N * K];
    random_points(x, N, D, 2, 1.0);
    CHECK(nn_tsne_knn(x, N, D, K, idx, d2) == 0);
    int bad = 0;
    for (int i = 0; i < N; i++) {
        /* the k-th distance bounds every non-neighbour from below */
        double kth = d2[i * K + K - 1];
        int count_closer = 0;
        for (int j = 0; j < N; j++) {
            if (j == i)
                continue;
            double s = 0.0;
            for (int a = 0; a < D; a++) {
                double t = (double)x[i * D + a] - x[j * D + a];
                s += t * t;
            }
            if (s < kth - 1e-9)
                count_closer++;
        }
        if (count_closer != K - 1)
            bad++;
        for (int m = 0; m < K; m++) {
            if (idx[i * K + m] == i)
                bad++;
            if (m > 0 && d2[i * K + m] < d2[i * K + m - 1])
                bad++;
        }
    }
    CHECK(bad == 0);
    CHECK(nn_tsne_knn(x, N, D, N, idx, d2) == -1);
}

static void test_affinities_symmetric(void)
{
    enum { N = 200, D = 5 };
    static float x[N * D];
    random_points(x, N, D, 3, 2.0);
    nn_tsne_sparse p;
    CHECK(nn_tsne_affinities(x, N, D, 10.0, 31, &p) == 0);
    double sum = 0.0;
    int asym = 0;
    for (int64_t i = 0; i < N; i++)
        for (int64_t m = p.row[i]; m < p.row[i + 1]; m++) {
            sum += p.val[m];
            int64_t j = p.col[m];
            if (j == i || (m > p.row[i] && p.col[m] <= p.col[m - 1]))
                asym++;
            /* find (j, i) */
            int found = 0;
            for (int64_t q = p.row[j]; q < p.row[j + 1]; q++)
                if (p.col[q] == i)
                    found = fabs(p.val[q] - p.val[m]) < 1e-15;
            asym += !found;
        }
    CHECK_NEAR(sum, 1.0, 1e-9);
    CHECK(asym == 0);
    nn_tsne_sparse_free(&p);
}

/* KL(P || Q) as a function of y, through the library's own cost. */
static double kl_at(const nn_tsne_sparse *p, const double *y, int64_t n, int dims)
{
    double g[64 * 3], kl = 0.0;
    nn_tsne_gradient(p, y, n, dims, 0.0, 1.0, g, &kl);
    return kl;
}

static void test_gradient_finite_differences(void)
{
    enum { N = 9, D = 4 };
    float x[N * D];
    random_points(x, N, D, 4, 1.0);
    nn_tsne_sparse p;
    CHECK(nn_tsne_affinities(x, N, D, 3.0, N - 1, &p) == 0);
    for (int dims = 2; dims <= 3; dims++) {
        double y[N * 3], g[N * 3], kl;
        nn_rng r;
        nn_rng_seed(&r, 5);
        for (int m = 0; m < N * dims; m++)
            y[m] = nn_rng_normal(&r);
        CHECK(nn_tsne_gradient(&p, y, N, dims, 0.0, 1.0, g, &kl) == 0);
        CHECK(kl > 0);
        double worst = 0.0;
        for (int m = 0; m < N * dims; m++) {
            const double h = 1e-5;
            double keep = y[m];
            y[m] = keep + h;
            double up = kl_at(&p, y, N, dims);
            y[m] = keep - h;
            double down = kl_at(&p, y, N, dims);
            y[m] = keep;
            double fd = (up - down) / (2 * h);
            double err = fabs(fd - g[m]) / (fabs(g[m]) + 1e-3);
            worst = err > worst ? err : worst;
        }
        CHECK(worst < 1e-5);
    }
    nn_tsne_sparse_free(&p);
}

/* Barnes-Hut with a small theta gives (almost) the exact gradient; with
 * the default 0.5 it stays within a few per cent. */
static void test_barnes_hut_close_to_exact(void)
{
    enum { N = 600, D = 6 };
    static float x[N * D];
    static double y[N * 3], ge[N * 3], gb[N * 3], gm[N * 3];
    random_points(x, N, D, 6, 1.0);
    nn_tsne_sparse p;
    CHECK(nn_tsne_affinities(x, N, D, 20.0, 61, &p) == 0);
    for (int dims = 2; dims <= 3; dims++) {
        nn_rng r;
        nn_rng_seed(&r, 7);
        for (int m = 0; m < N * dims; m++) /* a few clumps, as in a real embedding */
            y[m] = 5.0 * (double)(m / dims % 4) + nn_rng_normal(&r);
        double kle, klb;
        CHECK(nn_tsne_gradient(&p, y, N, dims, 0.0, 1.0, ge, &kle) == 0);
        CHECK(nn_tsne_gradient(&p, y, N, dims, 0.1, 1.0, gb, &klb) == 0);
        CHECK(nn_tsne_gradient(&p, y, N, dims, 0.5, 1.0, gm, NULL) == 0);
        double num = 0.0, num5 = 0.0, den = 0.0;
        for (int m = 0; m < N * dims; m++) {
            num += (gb[m] - ge[m]) * (gb[m] - ge[m]);
            num5 += (gm[m] - ge[m]) * (gm[m] - ge[m]);
            den += ge[m] * ge[m];
        }
        CHECK(sqrt(num / den) < 1e-3);
        CHECK(sqrt(num5 / den) < 5e-2);
        CHECK_NEAR(klb, kle, 1e-3 * kle);
    }
    nn_tsne_sparse_free(&p);
}

/* Repulsion sums of the tree against the direct sums, with coinciding
 * points (several per leaf) and theta = 0 (nothing summarised). */
static void test_tree_duplicates(void)
{
    enum { N = 50 };
    double y[N * 2];
    for (int i = 0; i < N; i++) {
        y[2 * i] = i < 20 ? 1.0 : (double)i; /* 20 copies of (1, 2) */
        y[2 * i + 1] = i < 20 ? 2.0 : 0.5 * i;
    }
    nn_bh_tree t = {0};
    CHECK(nn_bh_build(&t, y, N, 2) == 0);
    double worst = 0.0;
    for (int i = 0; i < N; i++) {
        double neg[3], ref[2] = {0, 0}, zref = 0.0;
        double z = nn_bh_repulsion(&t, i, 0.0, neg);
        for (int j = 0; j < N; j++) {
            if (j == i)
                continue;
            double dx = y[2 * i] - y[2 * j], dy = y[2 * i + 1] - y[2 * j + 1];
            double w = 1.0 / (1.0 + dx * dx + dy * dy);
            zref += w;
            ref[0] += w * w * dx;
            ref[1] += w * w * dy;
        }
        worst = fmax(worst, fabs(z - zref) + fabs(neg[0] - ref[0]) + fabs(neg[1] - ref[1]));
    }
    CHECK(worst < 1e-12);
    nn_bh_free(&t);
}

/* Three tight, far-apart Gaussian clusters in 10-D must come out as three
 * separate groups: every point's nearest embedded neighbour is from its
 * own cluster, and the clusters' spreads are small next to their gaps. */
static void check_separated(const float *y, int64_t n, int dims, int per)
{
    int wrong = 0;
    double spread = 0.0, gap = INFINITY, c[3][3] = {{0}};
    for (int64_t i = 0; i < n; i++)
        for (int a = 0; a < dims; a++)
            c[i / per][a] += y[i * dims + a] / per;
    for (int64_t i = 0; i < n; i++) {
        double best = INFINITY;
        int64_t arg = -1;
        for (int64_t j = 0; j < n; j++) {
            if (j == i)
                continue;
            double s = 0.0;
            for (int a = 0; a < dims; a++)
                s += (y[i * dims + a] - y[j * dims + a]) * (y[i * dims + a] - y[j * dims + a]);
            if (s < best)
                best = s, arg = j;
        }
        wrong += arg / per != i / per;
        double s = 0.0;
        for (int a = 0; a < dims; a++)
            s += (y[i * dims + a] - c[i / per][a]) * (y[i * dims + a] - c[i / per][a]);
        spread = fmax(spread, sqrt(s));
    }
    for (int u = 0; u < 3; u++)
        for (int v = u + 1; v < 3; v++) {
            double s = 0.0;
            for (int a = 0; a < dims; a++)
                s += (c[u][a] - c[v][a]) * (c[u][a] - c[v][a]);
            gap = fmin(gap, sqrt(s));
        }
    CHECK(wrong == 0);
    CHECK(gap > 2.0 * spread);
}

static void make_clusters(float *x, int per, int d)
{
    nn_rng r;
    nn_rng_seed(&r, 8);
    for (int i = 0; i < 3 * per; i++)
        for (int a = 0; a < d; a++)
            x[i * d + a] = (float)((a == i / per ? 20.0 : 0.0) + nn_rng_normal(&r));
}

static void test_clusters_stay_separated(void)
{
    enum { PER = 150, D = 10, N = 3 * PER };
    static float x[N * D], y[N * 3];
    make_clusters(x, PER, D);
    nn_tsne_options o;
    nn_tsne_defaults(&o);
    o.n_iter = 400;
    o.auto_exact_below = 0; /* force Barnes-Hut */
    nn_tsne_info info;
    CHECK(nn_tsne(x, N, D, &o, y, &info) == 0);
    CHECK(info.method == NN_TSNE_BARNES_HUT && info.neighbours == 91);
    check_separated(y, N, 2, PER);
    o.method = NN_TSNE_EXACT;
    o.dims = 3;
    o.init = NN_TSNE_INIT_RANDOM;
    CHECK(nn_tsne(x, N, D, &o, y, &info) == 0);
    CHECK(info.method == NN_TSNE_EXACT && info.neighbours == N - 1);
    check_separated(y, N, 3, PER);
}

static void test_threads_do_not_change_result(void)
{
    enum { PER = 200, D = 10, N = 3 * PER };
    static float x[N * D], y1[N * 2], y2[N * 2];
    make_clusters(x, PER, D);
    nn_tsne_options o;
    nn_tsne_defaults(&o);
    o.n_iter = 100;
    o.exaggeration_iter = 50;
    nn_set_threads(1);
    CHECK(nn_tsne(x, N, D, &o, y1, NULL) == 0);
    nn_set_threads(2);
    CHECK(nn_tsne(x, N, D, &o, y2, NULL) == 0);
    nn_set_threads(0);
    CHECK(memcmp(y1, y2, sizeof y1) == 0);
}

static void test_pca_init(void)
{
    enum { N = 400, D = 600 }; /* D > 512: the subspace-iteration path */
    static float x[N * D];
    static double y[N * 2];
    nn_rng r;
    nn_rng_seed(&r, 9);
    /* points along direction u (large spread) plus small noise */
    for (int i = 0; i < N; i++) {
        double t = 10.0 * nn_rng_normal(&r);
        for (int a = 0; a < D; a++)
            x[i * D + a] = (float)(t * (a % 3 == 0 ? 0.1 : 0.0) + 0.01 * nn_rng_normal(&r));
    }
    for (int small = 0; small < 2; small++) {
        int64_t d = small ? 60 : D; /* 60 features: the covariance path */
        float *xs = x;
        static float xc[N * 60];
        if (small) {
            for (int i = 0; i < N; i++)
                memcpy(xc + i * 60, x + i * D, 60 * sizeof(float));
            xs = xc;
        }
        CHECK(nn_tsne_pca_init(xs, N, d, 2, y) == 0);
        double m = 0, v = 0, cov = 0, tm = 0, tv = 0;
        for (int i = 0; i < N; i++)
            m += y[2 * i] / N, tm += xs[i * d] / N;
        for (int i = 0; i < N; i++) {
            v += (y[2 * i] - m) * (y[2 * i] - m) / N;
            tv += (xs[i * d] - tm) * (xs[i * d] - tm) / N;
            cov += (y[2 * i] - m) * (xs[i * d] - tm) / N;
        }
        CHECK_NEAR(sqrt(v), 1e-4, 1e-9);
        CHECK(fabs(cov / sqrt(v * tv)) > 0.999); /* first component follows the line */
    }
    CHECK(nn_tsne_pca_init(x, N, 1, 2, y) == -1);
}

static void test_errors(void)
{
    float x[20 * 3] = {0};
    float y[20 * 3];
    for (int i = 0; i < 60; i++)
        x[i] = (float)i;
    nn_tsne_options o;
    nn_tsne_defaults(&o);
    CHECK(nn_tsne(x, 20, 3, &o, y, NULL) == -1); /* perplexity 30 >= 20 points */
    CHECK(strstr(nn_last_error(), "perplexity") != NULL);
    o.perplexity = 5;
    CHECK(nn_tsne(x, 1, 3, &o, y, NULL) == -1);
    o.dims = 4;
    CHECK(nn_tsne(x, 20, 3, &o, y, NULL) == -1);
    o.dims = 2;
    x[7] = NAN;
    CHECK(nn_tsne(x, 20, 3, &o, y, NULL) == -1);
    CHECK(strstr(nn_last_error(), "not finite") != NULL);
    x[7] = 7;
    o.n_iter = 60;
    CHECK(nn_tsne(x, 20, 3, &o, y, NULL) == 0);
    for (int i = 0; i < 40; i++)
        CHECK(isfinite(y[i]));
    /* identical points: no NaN (PCA falls back to a random start) */
    float same[10 * 2];
    for (int i = 0; i < 20; i++)
        same[i] = 1.0f;
    o.perplexity = 3;
    CHECK(nn_tsne(same, 10, 2, &o, y, NULL) == 0);
    for (int i = 0; i < 20; i++)
        CHECK(isfinite(y[i]));
}

int main(void)
{
    RUN(test_calibrate_entropy);
    RUN(test_knn_brute_force);
    RUN(test_affinities_symmetric);
    RUN(test_gradient_finite_differences);
    RUN(test_barnes_hut_close_to_exact);
    RUN(test_tree_duplicates);
    RUN(test_clusters_stay_separated);
    RUN(test_threads_do_not_change_result);
    RUN(test_pca_init);
    RUN(test_errors);
    return check_summary();
}
