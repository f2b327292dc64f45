/* Metrics against numbers recorded from scikit-learn 1.2.1 (Debian's
 * python3-sklearn) by tests/python/metrics_reference.py. */
#include "check.h"

#include "core/array.h"
#include "core/error.h"
#include "ml/metrics.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define TOL 1e-9
#define N_OF(a) (sizeof(a) / sizeof *(a))

static const int64_t T1[] = {0, 0, 1, 1, 2, 2, 2, 3, 3, 0};
static const int64_t P1[] = {0, 1, 1, 1, 2, 0, 2, 2, 1, 0};

static void test_classify_all_labels(void)
{
    nn_classify_result r;
    CHECK(nn_classify(T1, P1, N_OF(T1), NULL, &r) == 0);
    CHECK(r.k == 4);
    CHECK_NEAR(r.accuracy, 0.6, TOL);
    const double prec[] = {2.0 / 3, 0.5, 2.0 / 3, 0.0}, rec[] = {2.0 / 3, 1.0, 2.0 / 3, 0.0};
    for (int i = 0; i < 4; i++) {
        CHECK_NEAR(r.precision[i], prec[i], TOL);
        CHECK_NEAR(r.recall[i], rec[i], TOL);
        CHECK_NEAR(r.f1[i], i == 3 ? 0.0 : 2.0 / 3, TOL);
    }
    CHECK(r.n_never_predicted == 1); /* class 3: sklearn warns and gives 0 */
    CHECK_NEAR(r.avg_precision[NN_AVG_MACRO], 0.458333333333, 1e-11);
    CHECK_NEAR(r.avg_recall[NN_AVG_MACRO], 0.583333333333, 1e-11);
    CHECK_NEAR(r.avg_f1[NN_AVG_MACRO], 0.5, TOL);
    CHECK_NEAR(r.avg_f1[NN_AVG_MICRO], 0.6, TOL);
    CHECK_NEAR(r.avg_precision[NN_AVG_WEIGHTED], 0.5, TOL);
    CHECK_NEAR(r.avg_recall[NN_AVG_WEIGHTED], 0.6, TOL);
    CHECK_NEAR(r.avg_f1[NN_AVG_WEIGHTED], 0.533333333333, 1e-11);
    /* sklearn jaccard_score: per class [0.5, 0.5, 0.5, 0], macro 0.375,
     * micro 3/7, weighted 0.4 */
    CHECK_NEAR(r.iou[0], 0.5, TOL);
    CHECK_NEAR(r.iou[3], 0.0, TOL);
    CHECK_NEAR(r.avg_iou[NN_AVG_MACRO], 0.375, TOL);
    CHECK_NEAR(r.avg_iou[NN_AVG_MICRO], 3.0 / 7, TOL);
    CHECK_NEAR(r.avg_iou[NN_AVG_WEIGHTED], 0.4, TOL);
    /* confusion row 2 (true 2): predicted 0 once, 2 twice */
    CHECK(r.confusion[2 * 4 + 0] == 1 && r.confusion[2 * 4 + 2] == 2 && r.confusion[3 * 4 + 1] == 1);
    nn_classify_free(&r);
}

static void test_classify_without_label(void)
{
    /* sklearn labels=[1, 2, 3]: 0 left out of the per-class rows and the
     * averages, but a true 1 predicted as 0 still costs recall. */
    const int64_t labels[] = {1, 2, 3};
    nn_classify_opts o = {labels, 3, 0, 0};
    nn_classify_result r;
    CHECK(nn_classify(T1, P1, N_OF(T1), &o, &r) == 0);
    CHECK(r.k == 3 && r.labels[0] == 1);
    CHECK_NEAR(r.precision[0], 0.5, TOL);
    CHECK_NEAR(r.recall[1], 0.666666666667, 1e-11);
    CHECK_NEAR(r.avg_precision[NN_AVG_MACRO], 0.388888888889, 1e-11);
    CHECK_NEAR(r.avg_recall[NN_AVG_MACRO], 0.555555555556, 1e-11);
    CHECK_NEAR(r.avg_f1[NN_AVG_MACRO], 0.444444444444, 1e-11);
    CHECK_NEAR(r.avg_f1[NN_AVG_MICRO], 0.571428571429, 1e-11);
    CHECK_NEAR(r.avg_precision[NN_AVG_WEIGHTED], 0.428571428571, 1e-11);
    CHECK_NEAR(r.avg_recall[NN_AVG_WEIGHTED], 0.571428571429, 1e-11);
    CHECK_NEAR(r.avg_f1[NN_AVG_WEIGHTED], 0.47619047619, 1e-11);
    CHECK_NEAR(r.accuracy, 0.6, TOL); /* accuracy ignores labels= (as sklearn) */
    CHECK_NEAR(r.avg_iou[NN_AVG_MACRO], 1.0 / 3, 1e-12); /* jaccard_score(labels=[1, 2, 3]) */
    nn_classify_free(&r);
}

static void test_classify_never_true(void)
{
    /* Class 4 predicted but never true: recall ill-defined, set to 0. */
    const int64_t t[] = {0, 1, 1, 0}, p[] = {4, 1, 0, 0};
    nn_classify_result r;
    CHECK(nn_classify(t, p, 4, NULL, &r) == 0);
    CHECK(r.k == 3 && r.labels[2] == 4 && r.n_never_true == 1);
    CHECK_NEAR(r.avg_precision[NN_AVG_MACRO], 0.5, TOL);
    CHECK_NEAR(r.avg_recall[NN_AVG_MACRO], 0.333333333333, 1e-11);
    CHECK_NEAR(r.avg_f1[NN_AVG_MACRO], 0.388888888889, 1e-11);
    CHECK_NEAR(r.avg_f1[NN_AVG_MICRO], 0.5, TOL);
    CHECK_NEAR(r.avg_precision[NN_AVG_WEIGHTED], 0.75, TOL);
    CHECK_NEAR(r.avg_f1[NN_AVG_WEIGHTED], 0.583333333333, 1e-11);
    nn_classify_free(&r);

    /* No true sample of the only listed class: everything 0. */
    const int64_t t2[] = {0, 0}, p2[] = {1, 1}, l2[] = {1};
    nn_classify_opts o = {l2, 1, 0, 0};
    CHECK(nn_classify(t2, p2, 2, &o, &r) == 0);
    for (int a = 0; a < NN_AVG_COUNT; a++)
        CHECK(r.avg_precision[a] == 0 && r.avg_recall[a] == 0 && r.avg_f1[a] == 0);
    nn_classify_free(&r);
}

static void test_classify_ignore(void)
{
    /* Samples whose true label is the ignored one (padding) drop out. */
    const int64_t t[] = {0, 0, 1, 2, 2}, p[] = {1, 0, 1, 2, 1};
    nn_classify_opts o = {NULL, 0, 1, 0};
    nn_classify_result r;
    CHECK(nn_classify(t, p, 5, &o, &r) == 0);
    CHECK(r.n == 3 && r.k == 2 && r.labels[0] == 1);
    CHECK_NEAR(r.accuracy, 2.0 / 3, TOL);
    CHECK_NEAR(r.precision[0], 0.5, TOL); /* predicted 1 twice among kept */
    nn_classify_free(&r);
    /* All labels equal and right. */
    const int64_t e[] = {7, 7, 7};
    CHECK(nn_classify(e, e, 3, NULL, &r) == 0);
    CHECK(r.k == 1 && r.accuracy == 1 && r.avg_f1[NN_AVG_MACRO] == 1);
    nn_classify_free(&r);
}

static void test_classify_report(void)
{
    nn_classify_result r;
    nn_report rep;
    nn_report_init(&rep);
    CHECK(nn_classify(T1, P1, N_OF(T1), NULL, &r) == 0);
    CHECK(nn_classify_report(&r, &rep) == 0);
    CHECK_NEAR(nn_report_get(&rep, "f1_macro", NULL), 0.5, TOL);
    CHECK_NEAR(nn_report_get(&rep, "recall", "1"), 1.0, TOL);
    CHECK(nn_report_get(&rep, "support", "2") == 3);
    CHECK(nn_report_get(&rep, "confusion", "2/0") == 1);
    CHECK(isnan(nn_report_get(&rep, "nothing", NULL)));
    FILE *fp = tmpfile();
    CHECK(fp != NULL);
    if (fp) {
        CHECK(nn_report_write_tsv(&rep, fp) == 0);
        CHECK(nn_report_write_table(&rep, fp) == 0);
        rewind(fp);
        char buf[8192];
        size_t len = fread(buf, 1, sizeof buf - 1, fp);
        buf[len] = 0;
        CHECK(strstr(buf, "accuracy\t-\t0.6\n") != NULL);
        CHECK(strstr(buf, "support\t2\t3\n") != NULL);
        CHECK(strstr(buf, "f1_macro\t-\t0.5\n") != NULL);
        CHECK(strstr(buf, "macro avg") != NULL);
        CHECK(strstr(buf, "confusion (rows: true") != NULL);
        fclose(fp);
    }
    nn_report_free(&rep);
    nn_classify_free(&r);
}

static void test_labels(void)
{
    int64_t *v;
    size_t n;
    CHECK(nn_labels_parse("0,-2,15", &v, &n) == 0 && n == 3 && v[1] == -2 && v[2] == 15);
    free(v);
    CHECK(nn_labels_parse("1,x", &v, &n) == -1);
    CHECK(nn_labels_parse("1,1", &v, &n) == -1);
    CHECK(nn_labels_parse("", &v, &n) == -1);

    nn_array a;
    int64_t shape[2] = {3, 2};
    CHECK(nn_array_alloc(&a, NN_F32, 2, shape) == 0);
    float s[] = {0.1f, 0.9f, 0.8f, 0.2f, 0.5f, 0.5f};
    memcpy(a.data, s, sizeof s);
    CHECK(nn_labels_from_array(&a, &v, &n) == 0 && n == 3 && v[0] == 1 && v[1] == 0 && v[2] == 0);
    free(v);
    int64_t pix[4] = {1, 1, 3, 2}; /* (N, H, W, C) scores: argmax per pixel */
    memcpy(a.shape, pix, sizeof pix);
    a.ndim = 4;
    CHECK(nn_labels_from_array(&a, &v, &n) == 0 && n == 3 && v[0] == 1 && v[1] == 0);
    free(v);
    a.ndim = 1; /* float class ids are refused */
    a.shape[0] = 6;
    CHECK(nn_labels_from_array(&a, &v, &n) == -1 && strstr(nn_last_error(), "float32") != NULL);
    nn_array_free(&a);
    CHECK(nn_array_alloc(&a, NN_U8, 2, shape) == 0);
    ((uint8_t *)a.data)[5] = 9;
    CHECK(nn_labels_from_array(&a, &v, &n) == 0 && n == 6 && v[5] == 9);
    free(v);
    nn_array_free(&a);
}

static void cluster_case(const int64_t *t, const int64_t *p, size_t n, double nmi, double ari)
{
    nn_cluster_result r;
    CHECK(nn_cluster_scores(t, p, n, &r) == 0);
    CHECK_NEAR(r.nmi, nmi, 1e-12);
    CHECK_NEAR(r.ari, ari, 1e-12);
}

static void test_cluster(void)
{
    const int64_t a[] = {0, 0, 0, 1, 1, 1, 2, 2, 2, 2}, b[] = {1, 1, 0, 0, 0, 2, 2, 2, 2, 1};
    cluster_case(a, b, 10, 0.44270128334605, 0.204545454545455);
    const int64_t c[] = {0, 0, 1, 1, 2, 2}, d[] = {5, 5, 3, 3, 9, 9}, e[] = {7, 7, 7, 7, 7, 7};
    cluster_case(c, d, 6, 1, 1);  /* a relabelling */
    cluster_case(c, e, 6, 0, 0);  /* one cluster */
    const int64_t f[] = {4, 4, 4, 4}, g[] = {1, 1, 1, 1}, h[] = {0, 1, 2, 3};
    cluster_case(f, g, 4, 1, 1);  /* all labels equal on both sides */
    cluster_case(f, h, 4, 0, 0);  /* every sample alone */
    const int64_t i[] = {0, 0, 1, 1}, j[] = {0, 1, 0, 1};
    cluster_case(i, j, 4, 0, -0.5);
}

static void test_recon(void)
{
    const float x[] = {0, 1, 1, 0, 0.5f, 0.25f}, xh[] = {0, 1, 0.5f, 0.25f, 0.5f, 1};
    nn_recon_result r;
    CHECK(nn_recon_scores(x, xh, 2, 3, &r) == 0);
    CHECK_NEAR(r.mse, (0.25 + 0.0625 + 0.5625) / 6, 1e-12);
    CHECK_NEAR(r.mse_sum_per_row, (0.25 + 0.0625 + 0.5625) / 2, 1e-12);
    /* Keras: p clipped to [1e-7, 1 - 1e-7], then log(p + 1e-7). */
    double e = 1e-7, bce = 0;
    const double pc[] = {e, 1 - e, 0.5, 0.25, 0.5, 1 - e};
    for (int k = 0; k < 6; k++)
        bce -= x[k] * log(pc[k] + e) + (1 - x[k]) * log(1 - pc[k] + e);
    CHECK_NEAR(r.bce, bce / 6, 1e-12);
    CHECK(nn_recon_scores(x, xh, 0, 3, &r) == -1);
}

static void make_points(float *x, float *e, int n, int d)
{
    for (int i = 0; i < n; i++)
        for (int j = 0; j < d; j++)
            x[i * d + j] = (float)sin(0.37 * i * (j + 1) + j);
    for (int i = 0; i < n; i++)
        for (int j = 0; j < 2; j++)
            e[i * 2 + j] = (float)((double)x[i * d + j] + 0.3 * cos(1.7 * i));
}

static void test_trustworthiness(void)
{
    enum { N = 40, D = 6 };
    float x[N * D], e[N * 2];
    make_points(x, e, N, D);
    nn_embed_result r;
    const int ks[] = {3, 5, 10};
    const double want[] = {0.803809523809524, 0.80796875, 0.81234693877551};
    for (int q = 0; q < 3; q++) {
        CHECK(nn_embed_scores(x, D, e, 2, N, ks[q], NULL, &r) == 0);
        CHECK_NEAR(r.trustworthiness, want[q], 1e-12);
    }
    CHECK(nn_embed_scores(x, D, x, D, N, 5, NULL, &r) == 0);
    CHECK_NEAR(r.trustworthiness, 1.0, 1e-12);
    CHECK(nn_embed_scores(x, D, e, 2, N, 20, NULL, &r) == -1); /* k >= n / 2 */
}

static void test_knn_accuracy(void)
{
    /* Two clumps on a line, one point of each labelled like the other clump. */
    const float low[] = {0, 0.11f, 0.23f, 0.36f, 0.5f, 10, 10.13f, 10.27f, 10.42f, 10.58f};
    const int64_t lab[] = {0, 0, 0, 0, 1, 1, 1, 1, 1, 0};
    nn_embed_result r;
    CHECK(nn_embed_scores(low, 1, low, 1, 10, 3, lab, &r) == 0);
    CHECK_NEAR(r.knn_accuracy, 0.8, 1e-12);
    CHECK_NEAR(r.trustworthiness, 1.0, 1e-12);
}

int main(void)
{
    RUN(test_classify_all_labels);
    RUN(test_classify_without_label);
    RUN(test_classify_never_true);
    RUN(test_classify_ignore);
    RUN(test_classify_report);
    RUN(test_labels);
    RUN(test_cluster);
    RUN(test_recon);
    RUN(test_trustworthiness);
    RUN(test_knn_accuracy);
    return check_summary();
}
