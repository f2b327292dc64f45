/* nn_sgemm: the Goto/BLIS blocked driver.
 *
 *   for jc3 in N step NC3              B panel (KC x NC3, packed, shared) in L3
 *     for pc in K step KC              K blocks in order: the only sum order
 *       pack B panel                   (first tasks of the parallel loop below)
 *       for each task (row chunk x column group), in parallel:
 *         pack its A rows (R x KC)     per-worker buffer, stays in L2
 *         for jc in group step nc      B block (KC x nc) in L2, nc >= NC
 *           for ir in R step MR        A micro-panel (MR x KC) in L1
 *             for jr in nc step NR     micro-kernel on an MR x NR tile of C
 *
 * Packing is skipped where it does not pay: A is read in place when not
 * transposed or when K is small, B not transposed when M is small, and a
 * product whose transposed operands would be costly to pack is computed
 * as C^T = op(B)^T op(A)^T instead.
 *
 * Every element of C is computed by the same micro-kernel over the same
 * K blocks in the same order, whichever task or thread does it, and every
 * choice above depends on the arguments only, so C is bit-identical for
 * any thread count. */
#include "math/gemm.h"

#include "core/mem.h"
#include "core/parallel.h"
#include "math/gemm_internal.h"

#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stddef.h>

#define MR NN_GEMM_MR
#define NR NN_GEMM_NR

/* Cache blocking for Zen 4 (L1d 32 KiB, L2 1 MiB per core).  KC x MR
 * floats of A (12 KiB) sit in L1 with a stream of B; the KC x NC block of
 * B (512 KiB) and an R x KC chunk of A (up to 192 KiB) share L2.  Without
 * AVX-512 (Zen 3 here: L2 512 KiB per core) NC is 128, a 256 KiB block
 * of B: 90 GFLOPS at n = 1024 on one thread against 67 with NC = 256. */
#ifndef NN_GEMM_KC
#define NN_GEMM_KC 512
#endif
#ifndef NN_GEMM_NC
#if NN_GEMM_NR == 32
#define NN_GEMM_NC 256
#else
#define NN_GEMM_NC 128
#endif
#endif
#ifndef NN_GEMM_NC3
#define NN_GEMM_NC3 4096
#endif
#ifndef NN_GEMM_RMAX
#define NN_GEMM_RMAX 96
#endif
#define KC NN_GEMM_KC
#define NC NN_GEMM_NC
#define NC3 NN_GEMM_NC3
#define RMAX NN_GEMM_RMAX
#define MINR (4 * MR)

/* Below PARALLEL_MIN multiply-adds a thread pool round trip costs more
 * than it saves.  Tiny products need no special path: with A and B not
 * transposed and M <= DIRECT_B_MAXM nothing is packed but a last partial
 * B panel, and a plain row-times-matrix loop (gemm_direct) measured 3-7x
 * slower than the kernels from 4^3 to 64^3. */
#ifndef NN_GEMM_PARALLEL_MIN
#define NN_GEMM_PARALLEL_MIN (96 * 96 * 96)
#endif
#define PARALLEL_MIN NN_GEMM_PARALLEL_MIN

static int64_t min64(int64_t a, int64_t b) { return a < b ? a : b; }
static int64_t round_up(int64_t x, int64_t m) { return (x + m - 1) / m * m; }
static int64_t ceil_div(int64_t x, int64_t m) { return (x + m - 1) / m; }

/* ---- C = beta * C for the degenerate cases (K == 0, alpha == 0) ------- */
static void scale_c(int64_t M, int64_t N, float beta, float *C, int64_t ldc)
{
    for (int64_t i = 0; i < M; i++) {
        float *c = C + i * ldc;
        if (beta == 0.0f)
            for (int64_t j = 0; j < N; j++)
                c[j] = 0.0f;
        else if (beta != 1.0f)
            for (int64_t j = 0; j < N; j++)
                c[j] *= beta;
    }
}

/* ---- direct path: no packing, no buffers ---------------------------------
 * Only the fallback when pack buffers cannot be allocated.
 * One row of C at a time in chunks of DW columns: acc (DW) += a * row of
 * op(B). */
#define DW 64
static void gemm_direct(int ta, int tb, int64_t M, int64_t N, int64_t K, float alpha, const float *A, int64_t lda,
                        const float *B, int64_t ldb, float beta, float *C, int64_t ldc)
{
    for (int64_t i = 0; i < M; i++)
        for (int64_t j0 = 0; j0 < N; j0 += DW) {
            int64_t w = min64(DW, N - j0);
            float acc[DW];
            for (int j = 0; j < DW; j++)
                acc[j] = 0.0f;
            for (int64_t k = 0; k < K; k++) {
                float a = ta ? A[k * lda + i] : A[i * lda + k];
                if (tb) {
                    const float *b = B + j0 * ldb + k;
                    for (int64_t j = 0; j < w; j++)
                        acc[j] += a * b[j * ldb];
                } else {
                    const float *b = B + k * ldb + j0;
                    for (int64_t j = 0; j < w; j++)
                        acc[j] += a * b[j];
                }
            }
            float *c = C + i * ldc + j0;
            if (beta == 0.0f)
                for (int64_t j = 0; j < w; j++)
                    c[j] = alpha * acc[j];
            else
                for (int64_t j = 0; j < w; j++)
                    c[j] = alpha * acc[j] + beta * c[j];
        }
}

/* ---- pack buffers ----------------------------------------------------------
 * A few buffers kept between calls so training loops do not page-fault
 * fresh memory on every product.  A call takes a free slot (or allocates
 * a private buffer when all are busy, e.g. nested calls from threads). */
#define SLOTS 4
static pthread_mutex_t slot_lock = PTHREAD_MUTEX_INITIALIZER;
static struct {
    float *buf;
    size_t cap; /* floats */
    int busy;
} slots[SLOTS];

static float *buffer_get(size_t floats, int *slot)
{
    pthread_mutex_lock(&slot_lock);
    int pick = -1;
    for (int s = 0; s < SLOTS; s++) {
        if (slots[s].busy)
            continue;
        if (slots[s].cap >= floats) {
            pick = s;
            break;
        }
        if (pick < 0)
            pick = s;
    }
    if (pick >= 0)
        slots[pick].busy = 1;
    pthread_mutex_unlock(&slot_lock);

    *slot = pick;
    if (pick < 0)
        return nn_alloc_aligned(floats, sizeof(float));
    if (slots[pick].cap < floats) {
        nn_free_aligned(slots[pick].buf);
        slots[pick].buf = nn_alloc_aligned(floats, sizeof(float));
        slots[pick].cap = slots[pick].buf ? floats : 0;
        if (!slots[pick].buf) {
            pthread_mutex_lock(&slot_lock);
            slots[pick].busy = 0;
            pthread_mutex_unlock(&slot_lock);
            return NULL;
        }
    }
    return slots[pick].buf;
}

static void buffer_put(float *buf, int slot)
{
    if (slot < 0) {
        nn_free_aligned(buf);
        return;
    }
    pthread_mutex_lock(&slot_lock);
    slots[slot].busy = 0;
    pthread_mutex_unlock(&slot_lock);
}

/* ---- the blocked driver ----------------------------------------------------- */
typedef struct {
    int ta, tb;
    int64_t M, N, K;
    float alpha;
    const float *A, *B;
    int64_t lda, ldb, ldc;
    float *C;
    float *bp;       /* packed B panel: KC x round_up(nc3, NR) */
    float *ap;       /* per-worker A chunks, ap_stride floats each */
    int64_t ap_stride;
    /* current block */
    int64_t jc3, nc3, pc, kc;
    float beta;      /* beta for this K block (the caller's, then 1) */
    /* B packing tasks: chunks of bpack_panels NR-panels */
    int64_t bpack_panels;
    int bpack_tasks;
    /* compute tasks: row chunks of R rows x column groups of cg_panels */
    int64_t R, cg_panels;
    int row_tasks, col_tasks;
    int direct_a;    /* read A in place instead of packing it */
    int direct_b;    /* read B in place; only a last partial panel is packed */
    int ct;          /* computing C^T: element (i, j) lives at C[j * ldc + i] */
    atomic_int packed; /* B packing tasks finished in this round */
} gemm_job;

static void pack_b_task(gemm_job *g, int task)
{
    int64_t j0 = (int64_t)task * g->bpack_panels * NR;
    int64_t nc = min64(g->bpack_panels * NR, g->nc3 - j0);
    float *dst = g->bp + j0 * g->kc;
    if (g->direct_b) { /* the last, partial panel only, at the start of bp */
        j0 = g->nc3 / NR * NR;
        nc = g->nc3 - j0;
        dst = g->bp;
    }
    if (nc <= 0)
        return;
    int64_t col = g->jc3 + j0;
    const float *b = g->tb ? g->B + col * g->ldb + g->pc : g->B + g->pc * g->ldb + col;
    nn_gemm_pack_b(g->tb, g->kc, nc, b, g->ldb, dst);
}

static void compute_task(gemm_job *g, int task, int worker)
{
    int rt = task % g->row_tasks, ct = task / g->row_tasks;
    int64_t i0 = rt * g->R;
    int64_t mc = min64(g->R, g->M - i0);
    int64_t j0 = ct * g->cg_panels * NR; /* within the panel */
    int64_t jend = min64(j0 + g->cg_panels * NR, g->nc3);
    if (mc <= 0 || j0 >= jend)
        return;
    int64_t kc = g->kc;

    /* op(A) rows i0.. at k = pc: a[i * rs + k * cs] */
    const float *a = g->ta ? g->A + g->pc * g->lda + i0 : g->A + i0 * g->lda + g->pc;
    int64_t rs = g->ta ? 1 : g->lda, cs = g->ta ? g->lda : 1, step = rs * MR;
    if (!g->direct_a) {
        float *ap = g->ap + worker * g->ap_stride;
        nn_gemm_pack_a(mc, kc, a, g->lda, ap);
        a = ap, rs = 1, cs = MR, step = MR * kc;
    }

    /* B blocks of KC x NC floats fill half of L2; with a short K block
     * they can be wider, which keeps the rows of C written in long runs. */
    int64_t nc = NC * KC / kc / NR * NR;
    for (int64_t jc = j0; jc < jend; jc += nc) {
        int64_t jn = min64(jc + nc, jend);
        for (int64_t ir = 0; ir < mc; ir += MR) {
            int m = (int)min64(MR, mc - ir);
            const float *apan = a + ir / MR * step;
            float *crow = g->ct ? NULL : g->C + (i0 + ir) * g->ldc + g->jc3;
            for (int64_t jr = jc; jr < jn; jr += NR) {
                int n = (int)min64(NR, jn - jr);
                const float *b = g->bp + jr * kc;
                int64_t bs = NR;
                if (g->direct_b) {
                    b = n == NR ? g->B + g->pc * g->ldb + g->jc3 + jr : g->bp;
                    bs = n == NR ? g->ldb : NR;
                }
                if (!g->ct) {
                    nn_gemm_micro(kc, apan, rs, cs, b, bs, crow + jr, g->ldc, g->alpha, g->beta, m, n);
                    continue;
                }
                /* Transposed C: the tile goes through a buffer (m x n). */
                float tile[MR * NR];
                nn_gemm_micro(kc, apan, rs, cs, b, bs, tile, NR, 1.0f, 0.0f, m, n);
                float *c = g->C + (g->jc3 + jr) * g->ldc + i0 + ir, alpha = g->alpha, beta = g->beta;
                for (int j = 0; j < n; j++, c += g->ldc)
                    for (int i = 0; i < m; i++)
                        c[i] = beta == 0.0f ? alpha * tile[i * NR + j] : alpha * tile[i * NR + j] + beta * c[i];
            }
        }
    }
}

/* One parallel loop per K block: the first bpack_tasks tasks pack the B
 * panel, the rest compute.  The pool hands tasks out in order, so when a
 * compute task starts every packing task has been taken and will finish
 * without waiting on anything: the short wait below cannot deadlock, and
 * it saves a second pool round trip per block. */
static void block_task(void *ctx, int task, int worker)
{
    gemm_job *g = ctx;
    if (task < g->bpack_tasks) {
        pack_b_task(g, task);
        atomic_fetch_add_explicit(&g->packed, 1, memory_order_release);
        return;
    }
    while (atomic_load_explicit(&g->packed, memory_order_acquire) < g->bpack_tasks)
        sched_yield();
    compute_task(g, task - g->bpack_tasks, worker);
}

static void run_tasks(int n, nn_task_fn fn, void *ctx, int parallel)
{
    if (parallel)
        nn_parallel_for(n, fn, ctx);
    else
        for (int t = 0; t < n; t++)
            fn(ctx, t, 0);
}

/* B not transposed is read in place when few rows of A share each
 * element of it: packing, about a vector copy per element, costs more
 * than it saves.  Measured (one thread, CPU time): in place is 2-13%
 * faster for M = 32..192 and 1-2% slower from M = 384; for square
 * 1024..2048 it is 15-25% slower (strided rows: more TLB entries, less
 * regular prefetch than one contiguous packed panel). */
#define DIRECT_B_MAXM 256
static int b_in_place(int tb, int64_t M) { return !tb && M <= DIRECT_B_MAXM; }

/* A not transposed: the kernels read its rows in place (MR streams, each
 * contiguous in k); packing measured no faster, and slower when N is
 * small (the packing pass costs M K per column group).  A transposed:
 * each k step of a micro-panel touches its own cache line, so in place
 * only while those KC lines stay in L1 (K <= 256: 16 KiB); measured
 * 784x32x32 and 1024x{64,128,256}x256 10-20% faster, K >= 384 no gain. */
#define DIRECT_AT_MAXK 256
static int a_in_place(int ta, int64_t K) { return !ta || K <= DIRECT_AT_MAXK; }

/* C (or C^T when ct) = alpha op(A) op(B) + beta C with packing. */
static void gemm_blocked(int trans_a, int trans_b, int64_t M, int64_t N, int64_t K, float alpha, const float *A,
                         int64_t lda, const float *B, int64_t ldb, float beta, float *C, int64_t ldc, int ct,
                         int threads)
{
    gemm_job g = {.ta = trans_a, .tb = trans_b, .M = M, .N = N, .K = K, .alpha = alpha, .A = A, .B = B,
                  .lda = lda, .ldb = ldb, .ldc = ldc, .C = C, .ct = ct};

    /* Tasks: row chunks of R rows (a multiple of MR, at most RMAX) times
     * column groups of cg_panels NR-panels.  With threads, aim at 4 tasks
     * per thread or more, so one slowed by other load on the machine does
     * not hold up the rest: split rows first (every task then walks the
     * same B blocks), down to MINR rows, then columns. */
    int64_t kmax = min64(K, KC);
    int64_t nc3max = round_up(min64(N, NC3), NR);
    int64_t panels = nc3max / NR;
    int64_t R = min64(RMAX, round_up(M, MR)), cg = panels;
    while (threads > 1 && ceil_div(M, R) * ceil_div(panels, cg) < 4 * threads) {
        if (R > MINR)
            R = R / 2 > MINR ? round_up(R / 2, MR) : MINR;
        else if (cg > 1)
            cg = ceil_div(cg, 2);
        else
            break;
    }
    g.R = R;
    g.row_tasks = (int)ceil_div(M, R);
    g.cg_panels = cg;
    g.bpack_panels = threads > 1 ? ceil_div(panels, 2 * threads) : panels;

    /* Decided from the arguments alone, never the thread count, which
     * must not change a result. */
    g.direct_a = a_in_place(trans_a, K);
    g.direct_b = b_in_place(trans_b, M);
    g.ap_stride = g.direct_a ? 0 : round_up(g.R, MR) * kmax;
    size_t bp_floats = (size_t)(kmax * (g.direct_b ? NR : nc3max));
    size_t need = bp_floats + (size_t)threads * (size_t)g.ap_stride;
    int slot;
    float *buf = buffer_get(need, &slot);
    if (!buf) {
        if (ct) /* C^T = op(A) op(B) here: undo the swap */
            gemm_direct(!trans_b, !trans_a, N, M, K, alpha, B, ldb, A, lda, beta, C, ldc);
        else
            gemm_direct(trans_a, trans_b, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc);
        return;
    }
    g.bp = buf;
    g.ap = buf + bp_floats;

    for (int64_t jc3 = 0; jc3 < N; jc3 += NC3) {
        g.jc3 = jc3;
        g.nc3 = min64(NC3, N - jc3);
        int64_t npanels = ceil_div(g.nc3, NR);
        g.bpack_tasks = g.direct_b ? g.nc3 % NR != 0 : (int)ceil_div(npanels, g.bpack_panels);
        g.col_tasks = (int)ceil_div(npanels, g.cg_panels);
        for (int64_t pc = 0; pc < K; pc += KC) {
            g.pc = pc;
            g.kc = min64(KC, K - pc);
            g.beta = pc == 0 ? beta : 1.0f;
            atomic_store(&g.packed, 0);
            run_tasks(g.bpack_tasks + g.row_tasks * g.col_tasks, block_task, &g, threads > 1);
        }
    }
    buffer_put(buf, slot);
}

/* Estimated cycles for C (M x N) = op(A) op(B) on the blocked path:
 * multiply-adds at 16 per cycle over N rounded up to whole NR-panels
 * (the padding is computed too; rows are not padded, see the kernels),
 * plus the packing passes: about 0.15 cycles per element for a vector
 * copy (B not transposed), 0.6 for a transpose in 8 x 8 blocks (B
 * transposed), 0.5 for A transposed (MR floats per k step).  Rough
 * figures from profiles on Zen 4; only their ratios matter here. */
static double blocked_cycles(int ta, int tb, int64_t M, int64_t N, int64_t K)
{
    double m = (double)M, n = (double)N, k = (double)K;
    double fma = m * (double)round_up(N, NR) * k / 16.0;
    double a = a_in_place(ta, K) ? 0.0 : 0.5 * m * k;
    double b = tb ? 0.6 * k * n : b_in_place(tb, M) ? 0.0 : 0.15 * k * n;
    return fma + a + b;
}

void nn_sgemm(int trans_a, int trans_b, int64_t M, int64_t N, int64_t K, float alpha, const float *A, int64_t lda,
              const float *B, int64_t ldb, float beta, float *C, int64_t ldc)
{
    if (M <= 0 || N <= 0)
        return;
    if (K <= 0 || alpha == 0.0f) {
        scale_c(M, N, beta, C, ldc);
        return;
    }
    double work = (double)M * (double)N * (double)K;
    int threads = work >= PARALLEL_MIN ? nn_threads() : 1;
    /* Thin shapes (N = 1: one output channel, its backward products)
     * would pad N to NR here; gemm_thin.c has kernels without padding. */
    if (nn_gemm_thin(trans_a, trans_b, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc, threads))
        return;

    /* C^T = op(B)^T op(A)^T is the same product with the operands' roles
     * swapped: op(B)^T is read in place when B is transposed, op(A)^T is
     * a plain copy (or read in place) when A is, and N takes the place of
     * M, so N = 100 no longer pads to 128.  Take it when its estimate,
     * with C written through a tile buffer (about 1.5 cycles per element
     * per K block), is lower.  From the shape only, never the thread
     * count. */
    double kblocks = (double)ceil_div(K, KC);
    double orig = blocked_cycles(trans_a, trans_b, M, N, K);
    double swap = blocked_cycles(!trans_b, !trans_a, N, M, K) + 1.5 * (double)M * (double)N * kblocks;
    if (swap < orig)
        gemm_blocked(!trans_b, !trans_a, N, M, K, alpha, B, ldb, A, lda, beta, C, ldc, 1, threads);
    else
        gemm_blocked(trans_a, trans_b, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc, 0, threads);
}
