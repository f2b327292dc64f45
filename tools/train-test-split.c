/* train-test-split: one seeded shuffle split applied to several arrays of
 * the same first dimension (as scikit-learn's train_test_split). */
#include "core/array.h"
#include "core/cli.h"
#include "core/file.h"
#include "core/mem.h"
#include "io/npy.h"
#include "math/rng.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static double test = 0.25;
static int64_t seed = 0;
static const char *prefix = NULL;
static int no_shuffle = 0;

static const nn_option options[] = {
    {"test", 't', NN_OPT_DOUBLE, &test, "F", "test share: a fraction in (0, 1), or a count of rows if 1 or more",
     NULL},
    {"seed", 's', NN_OPT_INT64, &seed, "N", "random seed of the shuffle", NULL},
    {"prefix", 'p', NN_OPT_STRING, &prefix, "P",
     "outputs are P + NAME.train.npy and P + NAME.test.npy (NAME: the input's file name without .npy); "
     "default: beside each input",
     NULL},
    {"no-shuffle", 0, NN_OPT_FLAG, &no_shuffle, NULL, "no shuffle: the last rows are the test set", NULL},
    {"quiet", 'q', NN_OPT_FLAG, &nn_quiet, NULL, "no summary on stderr", NULL},
    {0}};

static const nn_cli cli = {
    "train-test-split", "[options] ARRAY.npy...",
    "Split arrays of the same first dimension into train and test parts with one\n"
    "seeded shuffle, so rows stay aligned across arrays: X.npy becomes X.train.npy and\n"
    "X.test.npy.  The test rows are the first ceil(test * N) of a random permutation\n"
    "(as scikit-learn does; the permutation itself differs from numpy's).\n"
    "Every output is written in full or not at all.",
    options, 1, -1};

static char *out_name(const char *in, const char *part)
{
    const char *base = in;
    size_t dir_len = 0;
    if (prefix) {
        const char *slash = strrchr(in, '/');
        base = slash ? slash + 1 : in;
    } else {
        const char *slash = strrchr(in, '/');
        dir_len = slash ? (size_t)(slash - in + 1) : 0;
        base = in + dir_len;
    }
    size_t bl = strlen(base);
    if (bl > 4 && strcmp(base + bl - 4, ".npy") == 0)
        bl -= 4;
    size_t n = (prefix ? strlen(prefix) : dir_len) + bl + strlen(part) + 6;
    char *s = malloc(n);
    if (!s)
        nn_die(NULL, "out of memory");
    snprintf(s, n, "%.*s%.*s.%s.npy", (int)(prefix ? strlen(prefix) : dir_len), prefix ? prefix : in, (int)bl, base,
             part);
    return s;
}

int main(int argc, char **argv)
{
    char **args;
    int n_in = nn_cli_parse(&cli, argc, argv, &args);
    if (!(test > 0))
        nn_usage("--test must be above 0");
    if (test >= 1 && test != floor(test))
        nn_usage("--test of 1 or more is a count of rows: a whole number");
    if (n_in < 1 || n_in > 30)
        nn_usage("give 1 to 30 arrays");
    for (int i = 0; i < n_in; i++)
        if (nn_is_stdio(args[i]))
            nn_usage("inputs must be files: outputs are named after them");

    nn_array *a = calloc((size_t)(unsigned)n_in, sizeof *a);
    if (!a)
        nn_die(NULL, "out of memory");
    for (int i = 0; i < n_in; i++) {
        if (nn_npy_load(args[i], &a[i]) < 0)
            nn_die_lib(args[i]);
        if (a[i].ndim < 1)
            nn_die(args[i], "a scalar has no rows to split");
        if (a[i].shape[0] != a[0].shape[0])
            nn_die(args[i], "%lld rows, but %s has %lld: arrays must have the same first dimension",
                   (long long)a[i].shape[0], args[0], (long long)a[0].shape[0]);
    }
    int64_t n = a[0].shape[0];
    int64_t n_test = test < 1 ? (int64_t)ceil(test * (double)n) : (int64_t)test;
    if (n_test >= n || n_test < 1)
        nn_die(args[0], "%lld rows cannot give %lld test rows and at least one train row", (long long)n,
               (long long)n_test);
    int64_t *perm = nn_alloc((size_t)n, sizeof *perm);
    if (!perm)
        nn_die_lib(args[0]);
    for (int64_t i = 0; i < n; i++)
        perm[i] = no_shuffle ? (i + n - n_test) % n : i;
    if (!no_shuffle) {
        nn_rng r;
        nn_rng_seed(&r, (uint64_t)seed);
        nn_rng_shuffle_i64(&r, perm, n);
    }

    /* Open every output first, commit them all at the end. */
    nn_output *outs = calloc((size_t)(unsigned)n_in * 2, sizeof *outs);
    if (!outs)
        nn_die(NULL, "out of memory");
    for (int i = 0; i < n_in; i++) {
        size_t row = nn_array_row_size(&a[i]) * nn_dtype_size(a[i].dtype);
        for (int part = 0; part < 2; part++) {
            char *name = out_name(args[i], part ? "test" : "train");
            nn_array o;
            o.dtype = a[i].dtype;
            o.ndim = a[i].ndim;
            memcpy(o.shape, a[i].shape, sizeof o.shape);
            o.shape[0] = part ? n_test : n - n_test;
            o.data = nn_alloc((size_t)o.shape[0], row);
            if (!o.data)
                nn_die_lib(name);
            const int64_t *rows = part ? perm : perm + n_test;
            for (int64_t r = 0; r < o.shape[0]; r++)
                memcpy((char *)o.data + (size_t)r * row, (const char *)a[i].data + (size_t)rows[r] * row, row);
            nn_output *out = &outs[2 * i + part];
            if (nn_output_open(out, name) < 0 || nn_npy_write_fp(out->fp, &o) < 0)
                nn_die_lib(name);
            free(o.data);
            free(name);
        }
    }
    for (int i = 0; i < 2 * n_in; i++) {
        char *name = strdup(outs[i].path);
        if (nn_output_commit(&outs[i]) < 0)
            nn_die_lib(name);
        free(name);
    }
    if (!nn_quiet)
        fprintf(stderr, "train-test-split: %lld rows: %lld train, %lld test\n", (long long)n, (long long)(n - n_test),
                (long long)n_test);
    for (int i = 0; i < n_in; i++)
        nn_array_free(&a[i]);
    free(a);
    free(outs);
    free(perm);
    free(args);
    return 0;
}
