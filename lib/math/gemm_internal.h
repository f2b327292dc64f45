/* Internals of nn_sgemm shared by gemm.c, gemm_pack.c and gemm_kernel.c.
 * Not part of the public API (include math/gemm.h for that).
 *
 * Packed layouts (Goto/BLIS):
 *   A micro-panel: MR rows of op(A) for kc steps of k, stored k-major:
 *     ap[k * MR + i] = op(A)[i][k]               (kc x MR floats)
 *   B micro-panel: NR columns of op(B) for kc steps of k:
 *     bp[k * NR + j] = op(B)[k][j]               (kc x NR floats)
 * A panel of mc rows is ceil(mc / MR) A micro-panels back to back; rows
 * past mc are zero, so the micro-kernel always runs a full MR x NR tile
 * and only the write-back is masked. */
#ifndef NN_MATH_GEMM_INTERNAL_H
#define NN_MATH_GEMM_INTERNAL_H

#include <stdint.h>

/* Register tile: MR x NR floats of C live in registers during the k loop.
 * 6 x 32 = 12 accumulators of 16 floats (zmm) + 2 for a row of B + 1
 * broadcast; measured best on Zen 4 among 4/6/8 x 32 (see bench/gemm.sh). */
#ifndef NN_GEMM_MR
#define NN_GEMM_MR 6
#endif
#ifndef NN_GEMM_NR
#define NN_GEMM_NR 32
#endif

/* C[0..m)[0..n) = alpha * ap(kc x MR)^T * bp(kc x NR) + beta * C, for
 * m <= MR, n <= NR.  beta == 0 does not read C. */
void nn_gemm_micro(int64_t kc, const float *restrict ap, const float *restrict bp, float *restrict c, int64_t ldc,
                   float alpha, float beta, int m, int n);

/* Pack rows [0, mc) x k [0, kc) of op(A) into micro-panels (zero-padded
 * to a multiple of MR rows).  `a` points at op(A)[0][0] of the block:
 * A + i0 * lda + k0 when !trans, A + k0 * lda + i0 when trans. */
void nn_gemm_pack_a(int trans, int64_t mc, int64_t kc, const float *a, int64_t lda, float *restrict dst);

/* Pack k [0, kc) x columns [0, nc) of op(B) into micro-panels (zero-padded
 * to a multiple of NR columns).  `b` points at op(B)[0][0] of the block:
 * B + k0 * ldb + j0 when !trans, B + j0 * ldb + k0 when trans. */
void nn_gemm_pack_b(int trans, int64_t kc, int64_t nc, const float *b, int64_t ldb, float *restrict dst);

#endif
