/* nn_sgemm against the reference nn_sgemm_naive: many shapes (fringe
 * tiles, primes, tall and skinny, K = 1, vectors, the thin fast paths),
 * every transpose, alpha / beta cases, padded leading dimensions, 1 and
 * 2 threads, and bit-identical results across thread counts. */
#include "check.h"

#include "core/error.h"
#include "core/mem.h"
#include "core/parallel.h"
#include "math/gemm.h"
#include "math/rng.h"

#include <stdint.h>
#include <string.h>

static void fill(float *p, int64_t n, nn_rng *r)
{
    for (int64_t i = 0; i < n; i++)
        p[i] = (float)(nn_rng_uniform(r) * 2.0 - 1.0);
}

/* op(A) M x K, op(B) K x N with leading dimensions pad wider than the
 * rows.  Returns the number of mismatches (checked with CHECK too). */
static int compare(int ta, int tb, int64_t M, int64_t N, int64_t K, float alpha, float beta, int64_t pad,
                   int threads)
{
    int64_t ar = ta ? K : M, ac = ta ? M : K; /* A stored ar x ac */
    int64_t br = tb ? N : K, bc = tb ? K : N;
    int64_t lda = ac + pad, ldb = bc + pad, ldc = N + pad;
    float *A = malloc(sizeof(float) * (size_t)(ar * lda));
    float *B = malloc(sizeof(float) * (size_t)(br * ldb));
    float *C = malloc(sizeof(float) * (size_t)(M * ldc));
    float *R = malloc(sizeof(float) * (size_t)(M * ldc));
    if (!A || !B || !C || !R) {
        CHECK(!"out of memory");
        free(A), free(B), free(C), free(R);
        return 1;
    }
    nn_rng r;
    nn_rng_seed(&r, (uint64_t)(M * 1000003 + N * 1009 + K * 7 + ta * 2 + tb));
    fill(A, ar * lda, &r);
    fill(B, br * ldb, &r);
    fill(C, M * ldc, &r);
    if (beta == 0.0f) /* C must not be read: NaN would leak through */
        for (int64_t i = 0; i < M * ldc; i++)
            C[i] = NAN;
    memcpy(R, C, sizeof(float) * (size_t)(M * ldc));

    nn_set_threads(threads);
    nn_sgemm(ta, tb, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc);
    nn_sgemm_naive(ta, tb, M, N, K, alpha, A, lda, B, ldb, beta, R, ldc);
    nn_set_threads(0);

    /* |a.b| <= K for entries in [-1, 1]; float rounding grows ~ K * eps. */
    double tol = 4e-7 * (double)(K + 4) * (fabs(alpha) + 1) + 1e-6;
    int bad = 0;
    for (int64_t i = 0; i < M; i++)
        for (int64_t j = 0; j < ldc; j++) {
            float c = C[i * ldc + j], ref = R[i * ldc + j];
            if (j >= N) {
                /* padding between rows is never written */
                int same = memcmp(&c, &ref, sizeof c) == 0;
                if (!same && bad++ < 3)
                    printf("    pad written at (%lld,%lld)\n", (long long)i, (long long)j);
                continue;
            }
            if (!(fabs((double)c - ref) <= tol)) {
                if (bad++ < 3)
                    printf("    ta=%d tb=%d %lldx%lldx%lld alpha=%g beta=%g pad=%lld threads=%d: C[%lld,%lld] = "
                           "%.9g, ref %.9g\n",
                           ta, tb, (long long)M, (long long)K, (long long)N, alpha, beta, (long long)pad, threads,
                           (long long)i, (long long)j, c, ref);
            }
        }
    CHECK(bad == 0);
    free(A), free(B), free(C), free(R);
    return bad;
}

/* Every transpose, alpha, beta for one shape; pads 0 and 3. */
static void sweep(int64_t M, int64_t K, int64_t N, int threads)
{
    static const float alphas[] = {1.0f, -0.5f};
    static const float betas[] = {0.0f, 1.0f, 0.3f};
    for (int ta = 0; ta < 2; ta++)
        for (int tb = 0; tb < 2; tb++)
            for (int a = 0; a < 2; a++)
                for (int b = 0; b < 3; b++)
                    compare(ta, tb, M, N, K, alphas[a], betas[b], (a + b) % 2 ? 3 : 0, threads);
}

static void test_tiny(void)
{
    sweep(1, 1, 1, 1);
    sweep(2, 3, 4, 1);
    sweep(5, 1, 7, 1);   /* K = 1 */
    sweep(1, 9, 1, 1);   /* dot product */
    sweep(3, 8, 5, 2);
}

static void test_odd_and_prime(void)
{
    sweep(7, 13, 29, 1);
    sweep(7, 13, 29, 2);
    sweep(31, 37, 33, 1);  /* just past one 6 x 32 tile */
    sweep(97, 101, 103, 1);
    sweep(97, 101, 103, 2);
}

static void test_vectors(void)
{
    sweep(1, 300, 257, 1); /* M = 1 */
    sweep(257, 300, 1, 2); /* N = 1 */
    sweep(200, 1, 150, 2); /* K = 1, packed path */
}

static void test_tall_skinny(void)
{
    sweep(1000, 5, 3, 1);
    sweep(1000, 5, 3, 2);
    sweep(3, 7, 1000, 2);
    sweep(40, 1100, 36, 2); /* more than one K block */
}

static void test_blocks(void)
{
    /* Crosses every blocking boundary: K > KC, N > NC; few combinations
     * to stay fast. */
    compare(0, 0, 130, 600, 1100, 1.0f, 0.3f, 5, 2);
    compare(1, 1, 130, 600, 1100, -0.5f, 0.0f, 0, 2);
    compare(0, 1, 70, 300, 530, 1.0f, 1.0f, 1, 1);
    compare(1, 0, 70, 300, 530, 1.0f, 0.0f, 0, 1);
    /* N past one L3 panel (NC3 = 4096 columns): B read in place, packed,
     * and the swapped route with M past it. */
    compare(0, 0, 7, 4100, 5, 1.0f, 0.3f, 1, 2);
    compare(0, 0, 300, 4200, 3, -0.5f, 1.0f, 0, 2);
    compare(1, 1, 4200, 3, 40, 1.0f, 0.0f, 2, 2);
}

static void test_degenerate(void)
{
    /* K = 0: C = beta * C; alpha = 0 likewise; M or N = 0: nothing. */
    float C[6] = {1, 2, 3, 4, 5, 6}, A[1] = {0}, B[1] = {0};
    nn_sgemm(0, 0, 2, 3, 0, 1.0f, A, 1, B, 3, 0.5f, C, 3);
    CHECK(C[0] == 0.5f && C[5] == 3.0f);
    nn_sgemm(0, 0, 2, 3, 0, 1.0f, A, 1, B, 3, 0.0f, C, 3);
    CHECK(C[0] == 0.0f && C[5] == 0.0f);
    C[0] = NAN;
    nn_sgemm(0, 0, 0, 3, 4, 1.0f, A, 4, B, 3, 0.0f, C, 3);
    CHECK(isnan(C[0]));
}

/* 1, 2 and 3 threads must give the same bits, also when the work is
 * split over both rows and columns. */
static void test_thread_identity(void)
{
    static const int64_t shapes[][3] = {{301, 517, 263}, {20, 700, 650}, {1000, 64, 40}, {97, 101, 103}};
    for (size_t s = 0; s < sizeof shapes / sizeof shapes[0]; s++) {
        int64_t M = shapes[s][0], K = shapes[s][1], N = shapes[s][2];
        for (int t = 0; t < 4; t++) {
            int ta = t & 1, tb = t >> 1;
            float *A = malloc(sizeof(float) * (size_t)(M * K));
            float *B = malloc(sizeof(float) * (size_t)(K * N));
            float *C1 = malloc(sizeof(float) * (size_t)(M * N));
            float *C2 = malloc(sizeof(float) * (size_t)(M * N));
            float *C0 = malloc(sizeof(float) * (size_t)(M * N));
            if (!A || !B || !C1 || !C2 || !C0) {
                CHECK(!"out of memory");
                free(A), free(B), free(C1), free(C2), free(C0);
                return;
            }
            nn_rng r;
            nn_rng_seed(&r, 42 + (uint64_t)s);
            fill(A, M * K, &r);
            fill(B, K * N, &r);
            fill(C0, M * N, &r);
            memcpy(C1, C0, sizeof(float) * (size_t)(M * N));
            nn_set_threads(1);
            nn_sgemm(ta, tb, M, N, K, 0.7f, A, ta ? M : K, B, tb ? K : N, 0.3f, C1, N);
            for (int threads = 2; threads <= 3; threads++) {
                memcpy(C2, C0, sizeof(float) * (size_t)(M * N));
                nn_set_threads(threads);
                nn_sgemm(ta, tb, M, N, K, 0.7f, A, ta ? M : K, B, tb ? K : N, 0.3f, C2, N);
                nn_set_threads(0);
                CHECK(memcmp(C1, C2, sizeof(float) * (size_t)(M * N)) == 0);
            }
            free(A), free(B), free(C1), free(C2), free(C0);
        }
    }
}

/* The thin fast paths (gemm_thin.c): N = 1..8 and M = 1..5 with K on
 * either side of their thresholds (16 per row of the thin operand), long
 * K (several axpy K blocks, lane tails), K = 1 outer products; every
 * transpose, alpha / beta, padded leading dimensions, 1 and 2 threads. */
static void test_thin(void)
{
    for (int64_t n = 1; n <= 8; n++) {
        sweep(203, 37, n, 1);       /* below the dot threshold for n >= 3 */
        sweep(203, 16 * n + 5, n, n % 2 ? 2 : 1);
        sweep(49, 300, n, 2);       /* few rows: single-row dot blocks */
    }
    for (int64_t m = 1; m <= 5; m++) {
        sweep(m, 16 * m + 3, 301, m % 2 ? 1 : 2);
        sweep(m, 17, 1100, 1);
    }
    sweep(300, 1, 290, 2);    /* K = 1 outer product */
    sweep(1, 1, 500, 1);
    sweep(500, 1, 1, 1);
    sweep(37, 1030, 1, 2);    /* long dot products, axpy over 9 K blocks */
    sweep(1, 1030, 37, 2);
    sweep(3, 700, 3, 1);      /* M and N both thin */
    compare(1, 0, 1100, 1, 600, 0.7f, 0.3f, 2, 2); /* dB: A^T dC, task columns */
    compare(0, 0, 2000, 144, 1, 1.0f, 0.0f, 0, 2);  /* forward, several dot tasks */
    compare(0, 1, 2, 300, 2100, -0.5f, 1.0f, 1, 2); /* dot on C^T, several tasks */
}

/* Thin shapes: 1 and 2 threads give the same bits (several tasks each). */
static void test_thin_thread_identity(void)
{
    static const int64_t shapes[][3] = {{3000, 288, 1}, {300, 3000, 1}, {3000, 100, 5}, {4, 200, 3000},
                                        {2500, 70, 3}, {1, 2000, 1500}};
    for (size_t s = 0; s < sizeof shapes / sizeof shapes[0]; s++) {
        int64_t M = shapes[s][0], K = shapes[s][1], N = shapes[s][2];
        float *A = malloc(sizeof(float) * (size_t)(M * K));
        float *B = malloc(sizeof(float) * (size_t)(K * N));
        float *C1 = malloc(sizeof(float) * (size_t)(M * N));
        float *C2 = malloc(sizeof(float) * (size_t)(M * N));
        if (!A || !B || !C1 || !C2) {
            CHECK(!"out of memory");
            free(A), free(B), free(C1), free(C2);
            return;
        }
        nn_rng r;
        nn_rng_seed(&r, 7 + (uint64_t)s);
        fill(A, M * K, &r);
        fill(B, K * N, &r);
        for (int t = 0; t < 4; t++) {
            int ta = t & 1, tb = t >> 1;
            fill(C1, M * N, &r);
            memcpy(C2, C1, sizeof(float) * (size_t)(M * N));
            nn_set_threads(1);
            nn_sgemm(ta, tb, M, N, K, 0.7f, A, ta ? M : K, B, tb ? K : N, 0.3f, C1, N);
            nn_set_threads(2);
            nn_sgemm(ta, tb, M, N, K, 0.7f, A, ta ? M : K, B, tb ? K : N, 0.3f, C2, N);
            nn_set_threads(0);
            CHECK(memcmp(C1, C2, sizeof(float) * (size_t)(M * N)) == 0);
        }
        free(A), free(B), free(C1), free(C2);
    }
}

/* Pack buffers that cannot be allocated: the unpacked fallback, for the
 * plain and the swapped (C^T) route.  Runs first, before the buffer
 * cache holds anything. */
static void test_alloc_failure(void)
{
    size_t old = nn_alloc_limit();
    nn_set_alloc_limit(16);
    compare(0, 0, 50, 60, 40, 1.0f, 0.3f, 2, 1);
    compare(1, 1, 97, 103, 101, -0.5f, 0.0f, 0, 2);
    compare(0, 1, 200, 30, 70, 1.0f, 1.0f, 0, 2);
    CHECK(strstr(nn_last_error(), "limit") != NULL); /* the fallback did run */
    nn_set_alloc_limit(old);
}

int main(void)
{
    RUN(test_alloc_failure);
    RUN(test_tiny);
    RUN(test_odd_and_prime);
    RUN(test_vectors);
    RUN(test_tall_skinny);
    RUN(test_blocks);
    RUN(test_degenerate);
    RUN(test_thread_identity);
    RUN(test_thin);
    RUN(test_thin_thread_identity);
    return check_summary();
}
