/* knn: k-nearest-neighbour classification (brute force, exact). */
#include "core/cli.h"
#include "core/mem.h"
#include "core/timer.h"
#include "io/npy.h"
#include "ml/knn.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int k = 10; /* the assignment's classifier (scikit-learn's default is 5) */
static const char *metric_name = "euclidean";
static const char *train_path = NULL, *labels_path = NULL, *test_path = NULL, *test_labels_path = NULL;
static const char *out = "-", *neighbors_path = NULL, *distances_path = NULL;

static const nn_option opts[] = {
    {"k", 'k', NN_OPT_INT, &k, "K", "neighbours per query", NULL},
    {"metric", 0, NN_OPT_CHOICE, &metric_name, "NAME", "distance", "euclidean|cosine"},
    {"train", 0, NN_OPT_STRING, &train_path, "FILE", "training rows (.npy, N x ...; required)", NULL},
    {"labels", 0, NN_OPT_STRING, &labels_path, "FILE", "training labels (.npy, N integers; required)", NULL},
    {"test", 0, NN_OPT_STRING, &test_path, "FILE",
     "query rows (.npy); without it every training row is a query and is not its own neighbour", NULL},
    {"test-labels", 0, NN_OPT_STRING, &test_labels_path, "FILE", "true labels of the queries: print the accuracy",
     NULL},
    {"output", 'o', NN_OPT_STRING, &out, "FILE", "predicted labels (.npy, the labels' integer type)", NULL},
    {"neighbors", 0, NN_OPT_STRING, &neighbors_path, "FILE", "neighbour indices (.npy, int64, Q x k)", NULL},
    {"distances", 0, NN_OPT_STRING, &distances_path, "FILE", "neighbour distances (.npy, float32, Q x k)", NULL},
    {"quiet", 'q', NN_OPT_FLAG, &nn_quiet, NULL, "no progress or timing on stderr", NULL},
    {0}};

static const nn_cli cli = {
    "knn", "--train X.npy --labels Y.npy [--test Q.npy] [options]",
    "Classify the query rows by the majority label of their k nearest training rows\n"
    "(brute force through the GEMM, exact distances; as scikit-learn's\n"
    "KNeighborsClassifier with uniform weights).  Vote ties go to the smallest label,\n"
    "distance ties to the smaller training index.  Rows of any numeric dtype (uint8\n"
    "widened to float); labels any integer type (or floats holding whole numbers).\n"
    "Prints the mean prediction time per sample on stderr, and with --test-labels (or\n"
    "without --test, leave-one-out) a line 'accuracy<TAB>value<TAB>correct/total'.",
    opts, 0, 0};

static void load_rows(const char *path, nn_array *x)
{
    if (nn_npy_load(path, x) < 0)
        nn_die_lib(path);
    if (x->ndim < 1)
        nn_die(path, "expected rows (an array of shape (N, ...)), got a scalar");
    if (nn_array_convert_inplace(x, NN_F32) < 0)
        nn_die_lib(path);
}

/* Labels as int64 (n of them); *dtype gets the integer type to write
 * predictions in. */
static int64_t *load_labels(const char *path, int64_t n, const char *rows_path, nn_dtype *dtype)
{
    nn_array y;
    if (nn_npy_load(path, &y) < 0)
        nn_die_lib(path);
    char shape[96];
    nn_shape_format(&y, shape, sizeof shape);
    if (y.ndim < 1 || nn_array_rows(&y) != n || nn_array_row_size(&y) != 1)
        nn_die(path, "labels have shape %s, expected (%lld,) to match the %lld rows of %s", shape, (long long)n,
               (long long)n, rows_path);
    *dtype = nn_dtype_is_float(y.dtype) ? NN_I64 : y.dtype;
    if (nn_array_convert_inplace(&y, NN_I64) < 0)
        nn_die(path, "labels must be integers: %s", nn_last_error());
    return y.data;
}

static void save(const char *path, nn_dtype t, int ndim, const int64_t *shape, const void *data)
{
    nn_array a = {.dtype = t, .ndim = ndim, .data = (void *)data};
    for (int i = 0; i < ndim; i++)
        a.shape[i] = shape[i];
    if (nn_npy_save(path, &a) < 0)
        nn_die_lib(path);
}

int main(int argc, char **argv)
{
    char **args;
    nn_cli_parse(&cli, argc, argv, &args);
    if (!train_path || !labels_path)
        nn_usage("--train and --labels are required");
    if (k < 1)
        nn_usage("--k must be at least 1");
    if (test_labels_path && !test_path)
        nn_usage("--test-labels needs --test");
    int metric = nn_knn_metric_parse(metric_name);

    nn_array train, test;
    load_rows(train_path, &train);
    int64_t n = nn_array_rows(&train), dim = nn_array_row_size(&train);
    if (n == 0)
        nn_die(train_path, "no training rows");
    if (dim == 0)
        nn_die(train_path, "the rows have no features");
    nn_dtype label_type;
    int64_t *labels = load_labels(labels_path, n, train_path, &label_type);
    const float *query = train.data;
    int64_t nq = n;
    const char *query_path = train_path;
    if (test_path) {
        load_rows(test_path, &test);
        query = test.data;
        nq = nn_array_rows(&test);
        query_path = test_path;
        if (nq == 0)
            nn_die(test_path, "no query rows");
        if (nn_array_row_size(&test) != dim) {
            char a[96], b[96];
            nn_shape_format(&train, a, sizeof a);
            nn_shape_format(&test, b, sizeof b);
            nn_die(test_path, "queries have shape %s, %lld features per row; the training rows %s have %lld",
                   b, (long long)nn_array_row_size(&test), a, (long long)dim);
        }
    }
    int64_t *truth = NULL;
    nn_dtype truth_type;
    if (test_labels_path)
        truth = load_labels(test_labels_path, nq, test_path, &truth_type);
    else if (!test_path)
        truth = labels;
    if (k > n - (test_path ? 0 : 1))
        nn_die(train_path, "k = %d, but there %s only %lld training row%s%s", k, n == 1 ? "is" : "are",
               (long long)n, n == 1 ? "" : "s", test_path ? "" : " (leave-one-out: a row is not its own neighbour)");

    int64_t *idx = nn_alloc((size_t)nq * (size_t)k, sizeof *idx);
    float *dist = distances_path ? nn_alloc((size_t)nq * (size_t)k, sizeof *dist) : NULL;
    int64_t *pred = nn_alloc((size_t)nq, sizeof *pred);
    if (!idx || !pred || (distances_path && !dist))
        nn_die_lib(NULL);
    double t0 = nn_now();
    if (nn_knn_search(train.data, n, query, nq, dim, k, (nn_knn_metric)metric, !test_path, idx, dist, 1) < 0)
        nn_die_lib(strstr(nn_last_error(), "query") ? query_path : train_path);
    if (nn_knn_vote(labels, n, idx, nq, k, pred) < 0)
        nn_die_lib(NULL);
    double elapsed = nn_now() - t0;
    if (!nn_quiet)
        fprintf(stderr, "knn: %lld queries, %lld training rows, %lld features, k=%d, %s: %.4g ms per sample (%.3f s)\n",
                (long long)nq, (long long)n, (long long)dim, k, metric_name, 1e3 * elapsed / (double)nq, elapsed);

    /* Predictions in the labels' integer type (narrowing back is exact:
     * every prediction is one of the labels). */
    nn_array pa = {.dtype = NN_I64, .ndim = 1, .shape = {nq}, .data = pred};
    if (nn_array_convert_inplace(&pa, label_type) < 0)
        nn_die_lib(NULL);
    pred = NULL;
    int64_t kshape[2] = {nq, k};
    if (neighbors_path)
        save(neighbors_path, NN_I64, 2, kshape, idx);
    if (distances_path)
        save(distances_path, NN_F32, 2, kshape, dist);
    if (out)
        save(out, pa.dtype, 1, pa.shape, pa.data);
    if (truth) {
        nn_array pi;
        if (nn_array_convert(&pa, NN_I64, &pi) < 0)
            nn_die_lib(NULL);
        const int64_t *pv = pi.data;
        int64_t hits = 0;
        for (int64_t i = 0; i < nq; i++)
            hits += pv[i] == truth[i];
        fprintf(stderr, "accuracy\t%.6f\t%lld/%lld\n", nn_knn_accuracy(pv, truth, nq), (long long)hits,
                (long long)nq);
        nn_array_free(&pi);
    }
    nn_array_free(&pa);
    free(idx);
    free(dist);
    if (truth && truth != labels)
        free(truth);
    free(labels);
    nn_array_free(&train);
    if (test_path)
        nn_array_free(&test);
    free(args);
    return 0;
}
