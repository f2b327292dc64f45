/* Fast paths of nn_sgemm for thin products, where the blocked driver's
 * 6 x 32 register tile would mostly multiply padding: N <= THIN (one
 * output channel: matrix-vector), M <= THIN with B transposed (a few
 * rows).  Two loop shapes, both plain C that gcc vectorizes:
 *
 *   dot:  C[r][j] = sum_k X[r][k] Y[j][k]      X rows and Y rows
 *         contiguous in k, Y has nn <= THIN rows.  The k loop runs on
 *         L = 16 lanes per (r, j), summed lane-wise in k order and then
 *         reduced in a fixed tree, so one element always gets the same
 *         bits whichever block or task computes it.
 *   axpy: C[i][j] = sum_k X[i][k] Y[k][j]      Y rows contiguous in j,
 *         mm <= 4 rows of X at a time; a W-wide strip of acc per row
 *         stays in registers over a K block (k in order), and C adds up
 *         alpha * (block sum) over the K blocks in order.  Used for C^T
 *         when A is transposed and N is small (rows of A contiguous).
 *
 * C is addressed as c[r * rsc + j * csc], so the same kernels write C or
 * C^T.  Work is split into tasks over rows/columns of C of a fixed size
 * (never over K), so results do not depend on the thread count. */
#include "core/mem.h"
#include "core/parallel.h"
#include "math/gemm_internal.h"

#include <stddef.h>
#include <stdlib.h>

#if defined(__GNUC__) || defined(__clang__)
#define ALWAYS_INLINE inline __attribute__((always_inline))
#else
#define ALWAYS_INLINE inline
#endif

/* Keeps a 16-lane loop a loop until the vectorizer makes it one zmm
 * operation; fully unrolled first, gcc 12 vectorizes the k loop instead
 * (and spills). */
#if defined(__GNUC__) && !defined(__clang__)
#define LANES _Pragma("GCC unroll 1")
#else
#define LANES
#endif

#define THIN NN_GEMM_THIN
#define L 16        /* lanes of a dot product (one zmm) */
#define ACC_MAX 16  /* dot: rb * nn accumulators of L floats */
#define W 32        /* axpy: columns of a strip */
#define AXPY_MM 4   /* axpy: rows of X per strip pass */
#define AXPY_MAXN 3 /* axpy: used for N <= 3 */

static ALWAYS_INLINE float store(float *c, float alpha, float beta, float v)
{
    return beta == 0.0f ? alpha * v : alpha * v + beta * *c;
}

/* ---- dot ----------------------------------------------------------------
 * rb rows of X (x[r * ldx + k]) times nn rows of Y (y[j * ldy + k]). */
static ALWAYS_INLINE void dot_block(const int rb, const int nn, int64_t K, const float *restrict x, int64_t ldx,
                                    const float *restrict y, int64_t ldy, float *c, int64_t rsc, int64_t csc,
                                    float alpha, float beta)
{
    float acc[ACC_MAX][L];
    NN_GEMM_UNROLL
    for (int a = 0; a < rb * nn; a++) {
        NN_GEMM_UNROLL
        for (int l = 0; l < L; l++)
            acc[a][l] = 0.0f;
    }
    int64_t k = 0;
    for (; k + L <= K; k += L) {
        NN_GEMM_UNROLL
        for (int r = 0; r < rb; r++) {
            NN_GEMM_UNROLL
            for (int j = 0; j < nn; j++)
                LANES
                for (int l = 0; l < L; l++)
                    acc[r * nn + j][l] += x[r * ldx + k + l] * y[j * ldy + k + l];
        }
    }
    if (k < K) {
        /* The last K % L steps, zero-padded to a full step through local
         * copies (acc keeps constant indices and stays in registers). */
        int t = (int)(K - k);
        float xt[8][L], yt[THIN][L];
        for (int r = 0; r < rb; r++)
            for (int l = 0; l < L; l++)
                xt[r][l] = l < t ? x[r * ldx + k + l] : 0.0f;
        for (int j = 0; j < nn; j++)
            for (int l = 0; l < L; l++)
                yt[j][l] = l < t ? y[j * ldy + k + l] : 0.0f;
        NN_GEMM_UNROLL
        for (int r = 0; r < rb; r++) {
            NN_GEMM_UNROLL
            for (int j = 0; j < nn; j++)
                LANES
                for (int l = 0; l < L; l++)
                    acc[r * nn + j][l] += xt[r][l] * yt[j][l];
        }
    }
    NN_GEMM_UNROLL
    for (int r = 0; r < rb; r++) {
        NN_GEMM_UNROLL
        for (int j = 0; j < nn; j++) {
            float *s = acc[r * nn + j];
            NN_GEMM_UNROLL
            for (int w = L / 2; w > 0; w /= 2) {
                NN_GEMM_UNROLL
                for (int l = 0; l < w; l++)
                    s[l] += s[l + w];
            }
            float *cp = c + r * rsc + j * csc;
            *cp = store(cp, alpha, beta, s[0]);
        }
    }
}

/* Rows [r0, r1) of X against all NN rows of Y: blocks of RB rows (about
 * 8-16 zmm accumulators plus the loads, no spilling), then single rows
 * (the same arithmetic per element). */
#define DOT_ROWS(NN)                                                                                         \
    static void dot_rows_##NN(int64_t r0, int64_t r1, int64_t K, const float *x, int64_t ldx, const float *y, \
                              int64_t ldy, float *c, int64_t rsc, int64_t csc, float alpha, float beta)      \
    {                                                                                                        \
        enum { RB = NN == 1 ? 8 : NN == 2 ? 6 : NN <= 4 ? 4 : 2 };                                           \
        int64_t r = r0;                                                                                      \
        for (; r + RB <= r1; r += RB)                                                                        \
            dot_block(RB, NN, K, x + r * ldx, ldx, y, ldy, c + r * rsc, rsc, csc, alpha, beta);              \
        for (; r < r1; r++)                                                                                  \
            dot_block(1, NN, K, x + r * ldx, ldx, y, ldy, c + r * rsc, rsc, csc, alpha, beta);               \
    }
DOT_ROWS(1)
DOT_ROWS(2)
DOT_ROWS(3)
DOT_ROWS(4)
DOT_ROWS(5)
DOT_ROWS(6)
DOT_ROWS(7)
DOT_ROWS(8)

typedef void (*dot_fn)(int64_t, int64_t, int64_t, const float *, int64_t, const float *, int64_t, float *, int64_t,
                       int64_t, float, float);
static const dot_fn dot_rows[THIN + 1] = {NULL,       dot_rows_1, dot_rows_2, dot_rows_3, dot_rows_4,
                                          dot_rows_5, dot_rows_6, dot_rows_7, dot_rows_8};

/* ---- axpy ---------------------------------------------------------------
 * mm rows of X (x[i * xr + k * xc]) times a strip of w <= WS columns of Y
 * (y[k * ldy + j]).  WS is a constant; w < WS only in the narrow tail
 * variant, whose acc may live in memory. */
static ALWAYS_INLINE void axpy_strip(const int mm, const int WS, int w, int64_t K, const float *restrict x,
                                     int64_t xr, int64_t xc, const float *restrict y, int64_t ldy, float *c,
                                     int64_t rsc, int64_t csc, float alpha, float beta)
{
    float acc[AXPY_MM][W];
    NN_GEMM_UNROLL
    for (int i = 0; i < mm; i++) {
        NN_GEMM_UNROLL
        for (int j = 0; j < WS; j++)
            acc[i][j] = 0.0f;
    }
    for (int64_t k = 0; k < K; k++) {
        const float *yk = y + k * ldy;
        NN_GEMM_UNROLL
        for (int i = 0; i < mm; i++) {
            float xi = x[i * xr + k * xc];
            if (WS == w)
                for (int j = 0; j < WS; j++)
                    acc[i][j] += xi * yk[j];
            else
                for (int j = 0; j < w; j++)
                    acc[i][j] += xi * yk[j];
        }
    }
    for (int i = 0; i < mm; i++)
        for (int j = 0; j < w; j++) {
            float *cp = c + i * rsc + j * csc;
            *cp = store(cp, alpha, beta, acc[i][j]);
        }
}

/* Rows [i0, i1) of X (at most AXPY_MM... any count, in passes of
 * AXPY_MM) times columns [j0, j1) of Y. */
#define AXPY_PASS(MM)                                                                                        \
    static void axpy_pass_##MM(int64_t j0, int64_t j1, int64_t K, const float *x, int64_t xr, int64_t xc,    \
                               const float *y, int64_t ldy, float *c, int64_t rsc, int64_t csc, float alpha,  \
                               float beta)                                                                   \
    {                                                                                                        \
        int64_t j = j0;                                                                                      \
        for (; j + W <= j1; j += W)                                                                          \
            axpy_strip(MM, W, W, K, x, xr, xc, y + j, ldy, c + j * csc, rsc, csc, alpha, beta);              \
        for (; j + L <= j1; j += L)                                                                          \
            axpy_strip(MM, L, L, K, x, xr, xc, y + j, ldy, c + j * csc, rsc, csc, alpha, beta);              \
        if (j < j1)                                                                                          \
            axpy_strip(MM, L, (int)(j1 - j), K, x, xr, xc, y + j, ldy, c + j * csc, rsc, csc, alpha, beta); \
    }
AXPY_PASS(1)
AXPY_PASS(2)
AXPY_PASS(3)
AXPY_PASS(4)

typedef void (*axpy_fn)(int64_t, int64_t, int64_t, const float *, int64_t, int64_t, const float *, int64_t,
                        float *, int64_t, int64_t, float, float);
static const axpy_fn axpy_pass[AXPY_MM + 1] = {NULL, axpy_pass_1, axpy_pass_2, axpy_pass_3, axpy_pass_4};

/* ---- tasks ----------------------------------------------------------------- */
#define DOT_TASK_ROWS 384   /* a multiple of every dot_rb */
#define AXPY_TASK_COLS 1024 /* a multiple of W */
#define AXPY_TASK_ROWS 64   /* a multiple of AXPY_MM */
#ifndef NN_GEMM_AXPY_KB
#define NN_GEMM_AXPY_KB 128 /* K block: 128 x 1024 floats of Y (512 KiB) in L2 */
#endif
#define AXPY_KB NN_GEMM_AXPY_KB

typedef struct {
    int kind;          /* 0 dot, 1 axpy */
    int64_t rows, nn;  /* dot: rows of X, rows of Y; axpy: rows of X, columns of Y */
    int64_t K;
    const float *x, *y;
    int64_t ldx, xr, xc, ldy;
    float *c;
    int64_t rsc, csc;
    float alpha, beta;
    int col_tasks;     /* axpy */
} thin_job;

static void thin_task(void *ctx, int task, int worker)
{
    (void)worker;
    const thin_job *g = ctx;
    if (g->kind == 0) {
        int64_t r0 = (int64_t)task * DOT_TASK_ROWS, r1 = r0 + DOT_TASK_ROWS < g->rows ? r0 + DOT_TASK_ROWS : g->rows;
        dot_rows[g->nn](r0, r1, g->K, g->x, g->ldx, g->y, g->ldy, g->c, g->rsc, g->csc, g->alpha, g->beta);
        return;
    }
    int64_t i0 = (int64_t)(task / g->col_tasks) * AXPY_TASK_ROWS, j0 = (int64_t)(task % g->col_tasks) * AXPY_TASK_COLS;
    int64_t i1 = i0 + AXPY_TASK_ROWS < g->rows ? i0 + AXPY_TASK_ROWS : g->rows;
    int64_t j1 = j0 + AXPY_TASK_COLS < g->nn ? j0 + AXPY_TASK_COLS : g->nn;
    /* K in blocks of AXPY_KB rows of Y, each block's strip of Y read from
     * L2 by every pass; C collects alpha * (block sum), blocks in order. */
    for (int64_t k0 = 0; k0 < g->K; k0 += AXPY_KB) {
        int64_t kc = g->K - k0 < AXPY_KB ? g->K - k0 : AXPY_KB;
        float beta = k0 == 0 ? g->beta : 1.0f;
        for (int64_t i = i0; i < i1; i += AXPY_MM) {
            int mm = i1 - i < AXPY_MM ? (int)(i1 - i) : AXPY_MM;
            axpy_pass[mm](j0, j1, kc, g->x + i * g->xr + k0 * g->xc, g->xr, g->xc, g->y + k0 * g->ldy, g->ldy,
                          g->c + i * g->rsc, g->rsc, g->csc, g->alpha, beta);
        }
    }
}

static void run(thin_job *g, int threads)
{
    int tasks;
    if (g->kind == 0)
        tasks = (int)((g->rows + DOT_TASK_ROWS - 1) / DOT_TASK_ROWS);
    else {
        g->col_tasks = (int)((g->nn + AXPY_TASK_COLS - 1) / AXPY_TASK_COLS);
        tasks = (int)((g->rows + AXPY_TASK_ROWS - 1) / AXPY_TASK_ROWS) * g->col_tasks;
    }
    if (threads > 1 && tasks > 1)
        nn_parallel_for(tasks, thin_task, g);
    else
        for (int t = 0; t < tasks; t++)
            thin_task(g, t, 0);
}

/* dst[j * K + k] = src[k * lds + j * ldj] for j < n: a few rows of an
 * operand made contiguous in k for the dot kernel. */
static float *pack_rows(int64_t n, int64_t K, const float *src, int64_t ldk, int64_t ldj)
{
    float *dst = nn_alloc((size_t)n * (size_t)K, sizeof(float));
    if (dst)
        for (int64_t k = 0; k < K; k++)
            for (int64_t j = 0; j < n; j++)
                dst[j * K + k] = src[k * ldk + j * ldj];
    return dst;
}

int nn_gemm_thin(int ta, int tb, int64_t M, int64_t N, int64_t K, float alpha, const float *A, int64_t lda,
                 const float *B, int64_t ldb, float beta, float *C, int64_t ldc, int threads)
{
    thin_job g = {.K = K, .alpha = alpha, .beta = beta};
    float *packed = NULL;
    /* Where these beat the blocked path (one thread, CPU time): the dot
     * kernel once K >= 16 per row of Y (78400x9x1: 2.0 vs 5.0 GFLOPS,
     * 20000x32x8: 25 vs 38; 78400x32x1: 22 vs 7, 2000x500x8: 53 vs 45),
     * the axpy kernel for N <= 3 (2000x500x3: 60-71 vs 50; N = 4: 56 vs
     * 68, N = 8: 60 vs 86). */
    if (N <= THIN && !ta && K >= 16 * N) {
        /* dot: rows of A (contiguous in k) with the N columns of op(B). */
        g.kind = 0, g.rows = M, g.nn = N, g.x = A, g.ldx = lda, g.c = C, g.rsc = ldc, g.csc = 1;
        if (tb)
            g.y = B, g.ldy = ldb;
        else {
            if (!(packed = pack_rows(N, K, B, ldb, 1)))
                return 0;
            g.y = packed, g.ldy = K;
        }
    } else if (N <= AXPY_MAXN && ta) {
        /* axpy on C^T (N x M): rows of A (stored K x M) are contiguous in
         * i; X[j][k] = op(B)[k][j]. */
        g.kind = 1, g.rows = N, g.nn = M, g.y = A, g.ldy = lda, g.x = B, g.c = C, g.rsc = 1, g.csc = ldc;
        g.xr = tb ? ldb : 1, g.xc = tb ? 1 : ldb;
    } else if (M <= THIN && tb && K >= 16 * M) {
        /* dot on C^T: rows of B (stored N x K) with the M rows of op(A). */
        g.kind = 0, g.rows = N, g.nn = M, g.x = B, g.ldx = ldb, g.c = C, g.rsc = 1, g.csc = ldc;
        if (!ta)
            g.y = A, g.ldy = lda;
        else {
            if (!(packed = pack_rows(M, K, A, lda, 1)))
                return 0;
            g.y = packed, g.ldy = K;
        }
    } else {
        /* Short K is left to the blocked path.  M <= THIN with B not
         * transposed is left to the blocked path:
         * its m-row kernels read B in place with nothing padded, and
         * measured as fast as the axpy kernel here (3x500x2000: 68 vs 56-67
         * GFLOPS); K = 1 outer products likewise (already faster than
         * OpenBLAS, bound by writing C). */
        return 0;
    }
    run(&g, threads);
    free(packed);
    return 1;
}
