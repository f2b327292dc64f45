/* Internals of nn_sgemm shared by gemm.c, gemm_pack.c and gemm_kernel.c.
 * Not part of the public API (include math/gemm.h for that).
 *
 * Packed layouts (Goto/BLIS):
 *   A micro-panel: MR rows of op(A) for kc steps of k, stored k-major:
 *     ap[k * MR + i] = op(A)[i][k]               (kc x MR floats)
 *   B micro-panel: NR columns of op(B) for kc steps of k:
 *     bp[k * NR + j] = op(B)[k][j]               (kc x NR floats)
 * A panel of mc rows is ceil(mc / MR) A micro-panels back to back (rows
 * past mc are zero), likewise a B panel with NR-wide micro-panels (columns
 * past nc are zero).  Fringe tiles run kernels with fewer rows and a
 * write-back masked to the columns that exist.  (16-wide kernels for the
 * last columns were tried: gcc 12 vectorizes them across k or rows and
 * they came out slower than multiplying the zero padding.) */
#ifndef NN_MATH_GEMM_INTERNAL_H
#define NN_MATH_GEMM_INTERNAL_H

#include <stdint.h>

/* Register tile: MR x NR floats of C live in registers during the k loop:
 * 12 accumulators, 2 vectors for a row of B and 1 broadcast, out of the
 * 16 vector registers of x86-64 (32 with AVX-512).  With AVX-512, 6 x 32
 * (zmm, 16 floats); with AVX or AVX2, 6 x 16 (ymm, 8 floats): 6 x 32
 * there needs 24 accumulators, spills, and ran at half the speed
 * (42.7 against 84.3 GFLOPS at n = 1024 on Zen 3).  Elsewhere (SSE2, NEON:
 * 4 floats) 6 x 8.  The kernel table in gemm_kernel.c is written for
 * MR = 6. */
#define NN_GEMM_MR 6
#if defined(__AVX512F__)
#define NN_GEMM_NR 32
#elif defined(__AVX__)
#define NN_GEMM_NR 16
#else
#define NN_GEMM_NR 8
#endif

/* Complete unrolling of a short fixed loop before gcc's vectorizer and
 * loop-to-memcpy pass see it: the result is straight vector code instead
 * of a call to memcpy for 128 bytes or a loop vectorized the wrong way. */
#if defined(__GNUC__) && !defined(__clang__)
#define NN_GEMM_UNROLL _Pragma("GCC unroll 32")
#else
#define NN_GEMM_UNROLL
#endif

/* C[0..m)[0..n) = alpha * op(A) * op(B) + beta * C for m <= MR, n <= NR,
 * where op(A)[i][k] = a[i * rs + k * cs] (packed: rs = 1, cs = MR) and
 * op(B)[k][j] = b[k * bs + j] (packed: bs = NR).  All NR columns of b
 * are read whatever n is.  beta == 0 does not read C. */
void nn_gemm_micro(int64_t kc, const float *a, int64_t rs, int64_t cs, const float *b, int64_t bs, float *c,
                   int64_t ldc, float alpha, float beta, int m, int n);

/* Pack rows [0, mc) x k [0, kc) of op(A) = A^T (A stored K x M) into
 * micro-panels (zero-padded to a multiple of MR rows); `a` points at
 * A + k0 * lda + i0.  (A not transposed is never packed: the kernels read
 * its rows in place.) */
void nn_gemm_pack_a(int64_t mc, int64_t kc, const float *a, int64_t lda, float *restrict dst);

/* Pack k [0, kc) x columns [0, nc) of op(B) into micro-panels (zero-padded
 * to a multiple of NR columns).  `b` points at op(B)[0][0] of the block:
 * B + k0 * ldb + j0 when !trans, B + j0 * ldb + k0 when trans. */
void nn_gemm_pack_b(int trans, int64_t kc, int64_t nc, const float *b, int64_t ldb, float *restrict dst);

/* Thin products (gemm_thin.c): N <= NN_GEMM_THIN or M <= NN_GEMM_THIN
 * run dot-product / axpy kernels without the padding to NR columns.
 * Returns 1 when done, 0 when the shape is not thin (or a small pack
 * buffer could not be allocated): the caller then runs the blocked path.
 * threads > 1 splits C into tasks of a fixed size (never K). */
#define NN_GEMM_THIN 8
int nn_gemm_thin(int ta, int tb, int64_t M, int64_t N, int64_t K, float alpha, const float *A, int64_t lda,
                 const float *B, int64_t ldb, float beta, float *C, int64_t ldc, int threads);

#endif
