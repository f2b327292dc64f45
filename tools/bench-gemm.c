/* bench-gemm: GFLOPS of nn_sgemm (or the naive reference) on random
 * matrices, best of R timed runs after one warm-up run. */
#include "core/cli.h"
#include "core/mem.h"
#include "core/parallel.h"
#include "core/timer.h"
#include "math/gemm.h"
#include "math/rng.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static int naive = 0, trans_a = 0, trans_b = 0, repeat = 5, cpu_time = 0;
static const char *shape = NULL;

static const nn_option opts[] = {
    {"naive", 0, NN_OPT_FLAG, &naive, NULL, "time nn_sgemm_naive (the reference) instead", NULL},
    {"shape", 's', NN_OPT_STRING, &shape, "MxKxN", "op(A) is M x K, op(B) is K x N (instead of N x N x N)", NULL},
    {"trans-a", 0, NN_OPT_FLAG, &trans_a, NULL, "A stored transposed (K x M)", NULL},
    {"trans-b", 0, NN_OPT_FLAG, &trans_b, NULL, "B stored transposed (N x K)", NULL},
    {"repeat", 'r', NN_OPT_INT, &repeat, "R", "timed runs (the best is printed)", NULL},
    {"cpu-time", 0, NN_OPT_FLAG, &cpu_time, NULL,
     "time with the process CPU clock instead of the wall clock (with --threads 1: steadier on a busy machine)",
     NULL},
    {0}};

static const nn_cli cli = {"bench-gemm", "[options] [N]",
                           "Time C = A * B (float32, row-major) and print GFLOPS (2 M N K / best time).\n"
                           "Prints: M K N trans_a trans_b threads seconds GFLOPS.",
                           opts, 0, 1};

static int64_t parse_dim(const char *s, const char **end)
{
    char *e;
    errno = 0;
    long long v = strtoll(s, &e, 10);
    if (e == s || errno || v <= 0 || v > (1LL << 24))
        nn_usage("bad dimension in '%s'", s);
    *end = e;
    return v;
}

static float *random_matrix(int64_t count, uint64_t seed)
{
    float *p = nn_alloc_aligned((size_t)count, sizeof(float));
    if (!p)
        nn_die_lib(NULL);
    nn_rng r;
    nn_rng_seed(&r, seed);
    for (int64_t i = 0; i < count; i++)
        p[i] = (float)(nn_rng_uniform(&r) * 2.0 - 1.0);
    return p;
}

static double clock_now(void)
{
    if (!cpu_time)
        return nn_now();
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

int main(int argc, char **argv)
{
    char **args;
    int nargs = nn_cli_parse(&cli, argc, argv, &args);
    int64_t M, K, N;
    const char *e;
    if (shape) {
        M = parse_dim(shape, &e);
        if (*e != 'x')
            nn_usage("--shape wants MxKxN, got '%s'", shape);
        K = parse_dim(e + 1, &e);
        if (*e != 'x')
            nn_usage("--shape wants MxKxN, got '%s'", shape);
        N = parse_dim(e + 1, &e);
        if (*e)
            nn_usage("--shape wants MxKxN, got '%s'", shape);
        if (nargs)
            nn_usage("give either N or --shape, not both");
    } else {
        if (!nargs)
            nn_usage("give N or --shape MxKxN");
        M = K = N = parse_dim(args[0], &e);
        if (*e)
            nn_usage("bad dimension '%s'", args[0]);
    }
    if (repeat < 1)
        nn_usage("--repeat must be at least 1");

    float *A = random_matrix(M * K, 1), *B = random_matrix(K * N, 2), *C = random_matrix(M * N, 3);
    int64_t lda = trans_a ? M : K, ldb = trans_b ? K : N;
    void (*f)(int, int, int64_t, int64_t, int64_t, float, const float *, int64_t, const float *, int64_t, float,
              float *, int64_t) = naive ? nn_sgemm_naive : nn_sgemm;

    /* Short products are repeated inside one timing so it lasts >= ~2 ms. */
    double flops = 2.0 * (double)M * (double)N * (double)K;
    double t0 = clock_now();
    f(trans_a, trans_b, M, N, K, 1.0f, A, lda, B, ldb, 0.0f, C, N);
    double once = clock_now() - t0;
    int inner = once > 0 && once < 2e-3 ? (int)(2e-3 / once) + 1 : 1;
    double best = 1e300;
    for (int r = 0; r < repeat; r++) {
        t0 = clock_now();
        for (int i = 0; i < inner; i++)
            f(trans_a, trans_b, M, N, K, 1.0f, A, lda, B, ldb, 0.0f, C, N);
        double t = (clock_now() - t0) / inner;
        if (t < best)
            best = t;
    }
    printf("%" PRId64 "\t%" PRId64 "\t%" PRId64 "\t%d\t%d\t%d\t%.6g\t%.2f\n", M, K, N, trans_a, trans_b,
           nn_threads(), best, flops / best * 1e-9);
    nn_free_aligned(A);
    nn_free_aligned(B);
    nn_free_aligned(C);
    free(args);
    return 0;
}
