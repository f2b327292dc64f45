/* k-nearest neighbours: hand-made cases for distances, ties and votes,
 * then random data against a plain double-precision sort. */
#include "check.h"

#include "core/error.h"
#include "core/parallel.h"
#include "math/rng.h"
#include "ml/knn.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static void test_line(void)
{
    /* Training points on a line: 0, 1, 3, 6, 10.  Query 2 is 1 from both
     * index 1 and index 2 (a tie: smaller index first), then 2 from 0. */
    float train[5] = {0, 1, 3, 6, 10}, query[3] = {2, 4.5f, 11};
    int64_t idx[9];
    float dist[9];
    CHECK(nn_knn_search(train, 5, query, 3, 1, 3, NN_KNN_EUCLIDEAN, 0, idx, dist, 0) == 0);
    CHECK(idx[0] == 1 && idx[1] == 2 && idx[2] == 0);
    CHECK_NEAR(dist[0], 1, 1e-6);
    CHECK_NEAR(dist[1], 1, 1e-6);
    CHECK_NEAR(dist[2], 2, 1e-6);
    /* 4.5: 3 (1.5) and 6 (1.5) tie, then 1 (3.5). */
    CHECK(idx[3] == 2 && idx[4] == 3 && idx[5] == 1);
    CHECK(idx[6] == 4 && idx[7] == 3 && idx[8] == 2);
    CHECK_NEAR(dist[8], 8, 1e-6);
}

static void test_duplicates_and_self(void)
{
    /* Rows 0, 2 and 3 are the same point: equal distances, index order. */
    float train[8] = {1, 1, 5, 5, 1, 1, 1, 1};
    float q[2] = {1, 1};
    int64_t idx[4];
    CHECK(nn_knn_search(train, 4, q, 1, 2, 4, NN_KNN_EUCLIDEAN, 0, idx, NULL, 0) == 0);
    CHECK(idx[0] == 0 && idx[1] == 2 && idx[2] == 3 && idx[3] == 1);
    /* Leave-one-out: row 0 finds 2 and 3 but not itself. */
    int64_t li[4 * 2];
    float ld[4 * 2];
    CHECK(nn_knn_search(train, 4, train, 4, 2, 2, NN_KNN_EUCLIDEAN, 1, li, ld, 0) == 0);
    CHECK(li[0] == 2 && li[1] == 3);
    CHECK(li[2] == 0 && li[3] == 2); /* row 1 (5,5): the three copies, lowest indices */
    CHECK(li[4] == 0 && li[5] == 3);
    CHECK(ld[0] == 0 && ld[1] == 0);
    /* k bounds: 4 rows, 3 available without self. */
    int64_t big[5 * 4];
    CHECK(nn_knn_search(train, 4, train, 4, 2, 4, NN_KNN_EUCLIDEAN, 1, big, NULL, 0) == -1);
    CHECK(strstr(nn_last_error(), "k = 4") != NULL);
    CHECK(nn_knn_search(train, 4, q, 1, 2, 5, NN_KNN_EUCLIDEAN, 0, big, NULL, 0) == -1);
    CHECK(nn_knn_search(train, 4, q, 1, 2, 0, NN_KNN_EUCLIDEAN, 0, big, NULL, 0) == -1);
    q[1] = NAN;
    CHECK(nn_knn_search(train, 4, q, 1, 2, 1, NN_KNN_EUCLIDEAN, 0, big, NULL, 0) == -1);
    CHECK(strstr(nn_last_error(), "query row 0") != NULL);
}

static void test_cosine(void)
{
    /* Directions matter, lengths do not: (10,0) is at distance 0 from
     * (1,0); (0,3) at 1; (-1,0) at 2; the zero vector at 1. */
    float train[8] = {0, 3, -1, 0, 10, 0, 0, 0};
    float q[2] = {1, 0};
    int64_t idx[4];
    float d[4];
    CHECK(nn_knn_search(train, 4, q, 1, 2, 4, NN_KNN_COSINE, 0, idx, d, 0) == 0);
    CHECK(idx[0] == 2 && idx[1] == 0 && idx[2] == 3 && idx[3] == 1);
    CHECK_NEAR(d[0], 0, 1e-7);
    CHECK_NEAR(d[1], 1, 1e-7);
    CHECK_NEAR(d[2], 1, 1e-7);
    CHECK_NEAR(d[3], 2, 1e-7);
    CHECK(nn_knn_metric_parse("cosine") == NN_KNN_COSINE && nn_knn_metric_parse("manhattan") == -1);
}

static void test_vote(void)
{
    int64_t labels[6] = {7, 3, 3, 9, 9, -2};
    /* k = 4: {3,3,9,9} ties between 3 and 9: the smaller, 3.  Then a
     * clear majority of 9, and k = 1. */
    int64_t idx[12] = {1, 2, 3, 4, 3, 4, 0, 5, 5, 1, 0, 4}, pred[3];
    CHECK(nn_knn_vote(labels, 6, idx, 3, 4, pred) == 0);
    CHECK(pred[0] == 3);
    CHECK(pred[1] == 9);
    CHECK(pred[2] == -2); /* all different: the smallest label */
    int64_t one[2] = {0, 3}, p1[2];
    CHECK(nn_knn_vote(labels, 6, one, 2, 1, p1) == 0);
    CHECK(p1[0] == 7 && p1[1] == 9);
    int64_t bad[1] = {6};
    CHECK(nn_knn_vote(labels, 6, bad, 1, 1, p1) == -1);
    int64_t truth[3] = {3, 0, -2};
    CHECK_NEAR(nn_knn_accuracy(pred, truth, 3), 2.0 / 3, 1e-12);
}

static int cmp_pair(const void *pa, const void *pb)
{
    const double *a = pa, *b = pb;
    if (a[0] != b[0])
        return a[0] < b[0] ? -1 : 1;
    return a[1] < b[1] ? -1 : a[1] > b[1];
}

/* 2500 training rows (several chunks), 600 queries (several tasks). */
static void check_random(int64_t dim, nn_knn_metric metric)
{
    int64_t nt = 2500, nq = 600, k = 10;
    nn_rng r;
    nn_rng_seed(&r, (uint64_t)(dim * 10 + metric));
    float *train = malloc(sizeof(float) * (size_t)(nt * dim));
    float *q = malloc(sizeof(float) * (size_t)(nq * dim));
    for (int64_t i = 0; i < nt * dim; i++)
        train[i] = (float)(nn_rng_uniform(&r) + (metric == NN_KNN_COSINE ? -0.5 : 0));
    for (int64_t i = 0; i < nq * dim; i++)
        q[i] = (float)(nn_rng_uniform(&r) + (metric == NN_KNN_COSINE ? -0.5 : 0));
    int64_t *idx = malloc(sizeof(int64_t) * (size_t)(nq * k)), *idx1 = malloc(sizeof(int64_t) * (size_t)(nq * k));
    float *dist = malloc(sizeof(float) * (size_t)(nq * k));
    CHECK(nn_knn_search(train, nt, q, nq, dim, k, metric, 0, idx, dist, 0) == 0);
    nn_set_threads(1);
    CHECK(nn_knn_search(train, nt, q, nq, dim, k, metric, 0, idx1, NULL, 0) == 0);
    nn_set_threads(0);
    CHECK(memcmp(idx, idx1, sizeof(int64_t) * (size_t)(nq * k)) == 0);
    double *pairs = malloc(sizeof(double) * 2 * (size_t)nt);
    int bad = 0;
    double maxerr = 0;
    for (int64_t i = 0; i < nq; i++) {
        for (int64_t j = 0; j < nt; j++) {
            double s = 0, aa = 0, bb = 0;
            for (int64_t t = 0; t < dim; t++) {
                double a = q[i * dim + t], b = train[j * dim + t];
                s += metric == NN_KNN_EUCLIDEAN ? (a - b) * (a - b) : a * b;
                aa += a * a;
                bb += b * b;
            }
            pairs[2 * j] = metric == NN_KNN_EUCLIDEAN ? sqrt(s) : 1 - s / sqrt(aa * bb);
            pairs[2 * j + 1] = (double)j;
        }
        qsort(pairs, (size_t)nt, 2 * sizeof(double), cmp_pair);
        for (int64_t t = 0; t < k; t++) {
            bad += idx[i * k + t] != (int64_t)pairs[2 * t + 1];
            maxerr = fmax(maxerr, fabs(dist[i * k + t] - pairs[2 * t]));
        }
    }
    CHECK(bad == 0);
    CHECK(maxerr < 1e-6);
    free(train);
    free(q);
    free(idx);
    free(idx1);
    free(dist);
    free(pairs);
}

/* Leave-one-out over several chunks and tasks: 1500 rows of 4 features
 * (whole numbers, so many exact distance ties), against a plain sort
 * that skips the row itself. */
static void test_leave_one_out(void)
{
    int64_t n = 1500, dim = 4, k = 7;
    nn_rng r;
    nn_rng_seed(&r, 99);
    float *x = malloc(sizeof(float) * (size_t)(n * dim));
    for (int64_t i = 0; i < n * dim; i++)
        x[i] = (float)nn_rng_below(&r, 6);
    int64_t *idx = malloc(sizeof(int64_t) * (size_t)(n * k));
    CHECK(nn_knn_search(x, n, x, n, dim, k, NN_KNN_EUCLIDEAN, 1, idx, NULL, 0) == 0);
    double *pairs = malloc(sizeof(double) * 2 * (size_t)n);
    int bad = 0;
    for (int64_t i = 0; i < n; i++) {
        int64_t m = 0;
        for (int64_t j = 0; j < n; j++) {
            if (j == i)
                continue;
            double s = 0;
            for (int64_t t = 0; t < dim; t++) {
                double d = (double)x[i * dim + t] - x[j * dim + t];
                s += d * d;
            }
            pairs[2 * m] = sqrt(s);
            pairs[2 * m + 1] = (double)j;
            m++;
        }
        qsort(pairs, (size_t)m, 2 * sizeof(double), cmp_pair);
        for (int64_t t = 0; t < k; t++)
            bad += idx[i * k + t] != (int64_t)pairs[2 * t + 1];
    }
    CHECK(bad == 0);
    free(x);
    free(idx);
    free(pairs);
}

static void test_random(void)
{
    check_random(3, NN_KNN_EUCLIDEAN);
    check_random(100, NN_KNN_EUCLIDEAN);
    check_random(20, NN_KNN_COSINE);
}

int main(void)
{
    RUN(test_line);
    RUN(test_duplicates_and_self);
    RUN(test_cosine);
    RUN(test_vote);
    RUN(test_random);
    RUN(test_leave_one_out);
    return check_summary();
}
