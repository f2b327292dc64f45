/* tsne: embed the rows of an .npy array in 2 or 3 dimensions (t-SNE). */
#include "core/array.h"
#include "core/cli.h"
#include "core/timer.h"
#include "io/npy.h"
#include "ml/tsne.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *output = "-";
static int dims = 2;
static double perplexity = 30.0;
static const char *method = "barnes_hut";
static double theta = 0.5;
static int n_iter = 1000;
static double exaggeration = 12.0;
static int exaggeration_iter = 250;
static const char *learning_rate = "auto";
static const char *init = "pca";
static int64_t seed = 0;

static const nn_option options[] = {
    {"output", 'o', NN_OPT_STRING, &output, "FILE", "where to write the (N, DIMS) float32 embedding", NULL},
    {"dims", 'd', NN_OPT_INT, &dims, "N", "output dimensions: 2 or 3", NULL},
    {"perplexity", 'p', NN_OPT_DOUBLE, &perplexity, "X", "effective number of neighbours; must be < N", NULL},
    {"method", 'm', NN_OPT_CHOICE, &method, "M",
     "barnes_hut (O(N log N); exact below 300 points) or exact (O(N^2), at most 5000 points)",
     "barnes_hut|exact"},
    {"theta", 0, NN_OPT_DOUBLE, &theta, "X", "Barnes-Hut opening angle (smaller: slower, more exact)", NULL},
    {"n-iter", 'n', NN_OPT_INT, &n_iter, "N", "iterations in all, the exaggeration phase included", NULL},
    {"early-exaggeration", 0, NN_OPT_DOUBLE, &exaggeration, "X", "P is multiplied by this at first", NULL},
    {"exaggeration-iter", 0, NN_OPT_INT, &exaggeration_iter, "N", "iterations with exaggeration", NULL},
    {"learning-rate", 0, NN_OPT_STRING, &learning_rate, "X", "step size, or auto = max(N / exaggeration / 4, 50)",
     NULL},
    {"init", 0, NN_OPT_CHOICE, &init, "I", "pca (first component scaled to std 1e-4) or random", "pca|random"},
    {"seed", 's', NN_OPT_INT64, &seed, "N", "random seed (random init)", NULL},
    {"quiet", 'q', NN_OPT_FLAG, &nn_quiet, NULL, "no progress on stderr", NULL},
    {0},
};

static const nn_cli cli = {
    "tsne",
    "[options] INPUT.npy",
    "Embed the rows of an array in 2 or 3 dimensions with t-SNE (as scikit-learn's TSNE).\n"
    "INPUT has shape (N, ...) and any numeric dtype (uint8 is widened to float32);\n"
    "the output is an (N, DIMS) float32 .npy.  Progress (KL divergence) every 50\n"
    "iterations on stderr.  The result depends on --seed only with --init random,\n"
    "and never on --threads.  Use - for stdin/stdout.",
    options,
    1,
    1,
};

typedef struct {
    double start;
    int total;
} report_ctx;

static void report(void *vctx, int iter, double kl, double grad_norm)
{
    report_ctx *r = vctx;
    if (nn_quiet)
        return;
    fprintf(stderr, "tsne: iteration %d/%d: KL %.4f, gradient norm %.3g, %.1f s\n", iter, r->total, kl, grad_norm,
            nn_now() - r->start);
}

static void stage(void *vctx, const char *what)
{
    report_ctx *r = vctx;
    if (!nn_quiet)
        fprintf(stderr, "tsne: %s, %.1f s\n", what, nn_now() - r->start);
}

int main(int argc, char **argv)
{
    char **args;
    nn_cli_parse(&cli, argc, argv, &args);
    const char *in = args[0];

    nn_tsne_options o;
    nn_tsne_defaults(&o);
    if (dims != 2 && dims != 3)
        nn_usage("--dims must be 2 or 3, got %d", dims);
    if (n_iter < 0 || exaggeration_iter < 0)
        nn_usage("iteration counts must be >= 0");
    o.dims = dims;
    o.perplexity = perplexity;
    o.method = strcmp(method, "exact") == 0 ? NN_TSNE_EXACT : NN_TSNE_BARNES_HUT;
    o.theta = theta;
    o.n_iter = n_iter;
    o.early_exaggeration = exaggeration;
    o.exaggeration_iter = exaggeration_iter;
    o.init = strcmp(init, "random") == 0 ? NN_TSNE_INIT_RANDOM : NN_TSNE_INIT_PCA;
    o.seed = (uint64_t)seed;
    if (strcmp(learning_rate, "auto") == 0) {
        o.learning_rate = 0.0;
    } else {
        char *end;
        o.learning_rate = strtod(learning_rate, &end);
        if (end == learning_rate || *end || !(o.learning_rate > 0))
            nn_usage("--learning-rate must be 'auto' or a positive number, got '%s'", learning_rate);
    }
    report_ctx rc = {nn_now(), n_iter};
    o.report = report;
    o.report_ctx = &rc;
    o.stage = stage;

    nn_array a;
    if (nn_npy_load(in, &a) < 0)
        nn_die_lib(in);
    char shape[96];
    nn_shape_format(&a, shape, sizeof shape);
    if (a.ndim < 2)
        nn_die(in, "expected an (N, features...) array of N points, got shape %s", shape);
    int64_t n = nn_array_rows(&a), d = nn_array_row_size(&a);
    if (n == 0)
        nn_die(in, "no points: the array is empty, shape %s", shape);
    if (d == 0)
        nn_die(in, "points have no features: shape %s", shape);
    if (nn_array_convert_inplace(&a, NN_F32) < 0)
        nn_die_lib(in);

    int64_t oshape[2] = {n, dims};
    nn_array y;
    if (nn_array_alloc(&y, NN_F32, 2, oshape) < 0)
        nn_die_lib(NULL);
    nn_tsne_info info;
    if (nn_tsne(a.data, n, d, &o, y.data, &info) < 0)
        nn_die_lib(in);
    nn_array_free(&a);
    if (!nn_quiet)
        fprintf(stderr, "tsne: %lld points, %s, %d neighbours, learning rate %g, %d iterations, KL %.4f, %.1f s\n",
                (long long)n, info.method == NN_TSNE_EXACT ? "exact" : "Barnes-Hut", info.neighbours,
                info.learning_rate, info.iterations, info.kl, nn_now() - rc.start);
    if (nn_npy_save(output, &y) < 0)
        nn_die_lib(output);
    nn_array_free(&y);
    free(args);
    return 0;
}
