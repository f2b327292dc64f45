/* pca: principal component analysis (exact, as scikit-learn's PCA).
 *   pca fit -d D [-o model.safetensors] X.npy
 *   pca transform -m model X.npy > codes.npy
 *   pca inverse -m model codes.npy > xhat.npy
 *   pca variance -m model */
#include "core/cli.h"
#include "core/timer.h"
#include "io/npy.h"
#include "ml/pca.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SIGN_NOTE                                                                                             \
    "Signs: the largest-magnitude entry of every component is positive.  That is\n"                         \
    "scikit-learn's svd_flip(u_based_decision=False); scikit-learn 1.2's PCA flips on U\n"                   \
    "(the scores) instead, so a component (and its column of codes) may have the\n"                         \
    "opposite sign there; variances, distances and reconstructions are the same."

static void load_model(nn_pca *p, const char *path)
{
    if (!path)
        nn_usage("--model is required");
    if (nn_pca_load(p, path) < 0)
        nn_die_lib(path);
}

static void load_data(const char *path, nn_array *x)
{
    if (nn_npy_load(path, x) < 0)
        nn_die_lib(path);
}

static int cmd_fit(int argc, char **argv)
{
    static int64_t d = 0;
    static const char *out = "-";
    static const nn_option opts[] = {
        {"components", 'd', NN_OPT_INT64, &d, "D", "number of components (required)", NULL},
        {"output", 'o', NN_OPT_STRING, &out, "FILE", "model file (safetensors)", NULL},
        {"quiet", 'q', NN_OPT_FLAG, &nn_quiet, NULL, "no progress on stderr", NULL},
        {0}};
    static const nn_cli cli = {
        "pca fit", "-d D [options] X.npy",
        "Fit D principal components on the rows of X (N samples; an (N, ...) array has\n"
        "prod(...) features; any dtype, uint8 pixels are widened to float).  Exact: the\n"
        "centred covariance (float GEMM blocks summed in double) and a double-precision\n"
        "eigensolver, like scikit-learn's svd_solver='full'.  explained_variance uses N-1.\n"
        "The model (safetensors) holds mean, components (D x features),\n"
        "explained_variance, explained_variance_ratio and singular_values.\n" SIGN_NOTE,
        opts, 1, 1};
    char **args;
    nn_cli_parse(&cli, argc, argv, &args);
    if (d < 1)
        nn_usage("--components must be given and at least 1");
    double t0 = nn_now();
    nn_array x;
    load_data(args[0], &x);
    nn_pca p;
    if (nn_pca_fit(&p, &x, d, 1) < 0)
        nn_die_lib(args[0]);
    nn_array_free(&x);
    if (nn_pca_save(&p, out) < 0)
        nn_die_lib(out);
    if (!nn_quiet) {
        double cum = 0;
        for (int64_t i = 0; i < p.n_components; i++)
            cum += p.explained_variance_ratio[i];
        fprintf(stderr, "pca fit: %lld samples x %lld features, %lld components explain %.2f%% of the variance (%.2f s)\n",
                (long long)p.n_samples, (long long)p.n_features, (long long)p.n_components, 100 * cum,
                nn_now() - t0);
    }
    nn_pca_free(&p);
    free(args);
    return 0;
}

static int cmd_transform(int argc, char **argv)
{
    static const char *model = NULL, *out = "-";
    static const nn_option opts[] = {
        {"model", 'm', NN_OPT_STRING, &model, "FILE", "model from 'pca fit' (required)", NULL},
        {"output", 'o', NN_OPT_STRING, &out, "FILE", "codes (.npy, float32 N x D)", NULL},
        {0}};
    static const nn_cli cli = {"pca transform", "-m MODEL [options] X.npy",
                               "Project the rows of X on the components: (X - mean) components^T.", opts, 1, 1};
    char **args;
    nn_cli_parse(&cli, argc, argv, &args);
    nn_pca p;
    load_model(&p, model);
    nn_array x, c;
    load_data(args[0], &x);
    if (nn_pca_transform(&p, &x, &c) < 0)
        nn_die_lib(args[0]);
    if (nn_npy_save(out, &c) < 0)
        nn_die_lib(out);
    nn_array_free(&x);
    nn_array_free(&c);
    nn_pca_free(&p);
    free(args);
    return 0;
}

static int cmd_inverse(int argc, char **argv)
{
    static const char *model = NULL, *out = "-";
    static const nn_option opts[] = {
        {"model", 'm', NN_OPT_STRING, &model, "FILE", "model from 'pca fit' (required)", NULL},
        {"output", 'o', NN_OPT_STRING, &out, "FILE", "reconstruction (.npy, float32)", NULL},
        {0}};
    static const nn_cli cli = {"pca inverse", "-m MODEL [options] CODES.npy",
                               "Map codes (N x D) back to the data space: codes components + mean, shaped\n"
                               "like the samples the model was fitted on (e.g. (N, 28, 28)).",
                               opts, 1, 1};
    char **args;
    nn_cli_parse(&cli, argc, argv, &args);
    nn_pca p;
    load_model(&p, model);
    nn_array c, x;
    load_data(args[0], &c);
    if (nn_pca_inverse(&p, &c, &x) < 0)
        nn_die_lib(args[0]);
    if (nn_npy_save(out, &x) < 0)
        nn_die_lib(out);
    nn_array_free(&x);
    nn_array_free(&c);
    nn_pca_free(&p);
    free(args);
    return 0;
}

static int cmd_variance(int argc, char **argv)
{
    static const char *model = NULL;
    static const nn_option opts[] = {
        {"model", 'm', NN_OPT_STRING, &model, "FILE", "model from 'pca fit' (required)", NULL}, {0}};
    static const nn_cli cli = {"pca variance", "-m MODEL",
                               "Print TSV: component (1 = first), explained variance, ratio of the total\n"
                               "variance, cumulative ratio; a header line first.",
                               opts, 0, 0};
    char **args;
    nn_cli_parse(&cli, argc, argv, &args);
    nn_pca p;
    load_model(&p, model);
    printf("component\tvariance\tratio\tcumulative\n");
    double cum = 0;
    for (int64_t i = 0; i < p.n_components; i++) {
        cum += p.explained_variance_ratio[i];
        printf("%lld\t%.9g\t%.9g\t%.9g\n", (long long)(i + 1), p.explained_variance[i],
               p.explained_variance_ratio[i], cum);
    }
    if (fflush(stdout) != 0 || ferror(stdout))
        nn_die("-", "write error");
    nn_pca_free(&p);
    free(args);
    return 0;
}

static const nn_command commands[] = {
    {"fit", cmd_fit, "fit components on data, write the model"},
    {"transform", cmd_transform, "project data on the components (codes)"},
    {"inverse", cmd_inverse, "reconstruct data from codes"},
    {"variance", cmd_variance, "explained variance per component (TSV)"},
};

int main(int argc, char **argv)
{
    static const nn_command_set set = {"pca", "COMMAND [options]",
                                        "Principal component analysis, exact (as scikit-learn's PCA with svd_solver='full').",
                                        commands, (int)(sizeof commands / sizeof *commands), "Example:\n"
                                        "  pca fit -d 32 -o pca.safetensors train.npy\n"
                                        "  pca transform -m pca.safetensors test.npy > codes.npy\n\n" SIGN_NOTE};
    return nn_cli_dispatch(&set, argc, argv);
}
