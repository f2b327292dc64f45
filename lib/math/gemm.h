/* Single-precision matrix multiply, the hot path of every tool.
 *
 *   C (M x N) = alpha * op(A) * op(B) + beta * C
 *
 * All matrices are row-major.  op(A) is M x K: A is stored M x K with
 * leading dimension lda >= K, or, when trans_a, K x M with lda >= M.
 * Likewise op(B) is K x N: B is K x N (ldb >= N) or, when trans_b, N x K
 * (ldb >= K).  C is M x N with ldc >= N.  beta == 0 means C is not read
 * (it may hold NaN).
 *
 * nn_sgemm is cache-blocked in the Goto/BLIS way (packed panels, a
 * register-blocked micro-kernel in portable C) and uses nn_threads()
 * threads.  Work is split over blocks of C only, never over K, so every
 * element of C is summed in the same order whatever the thread count:
 * results are bit-identical for 1 and N threads.  Thin products (N <= 8,
 * or M <= 8 with B transposed, and K not too short) take dot-product /
 * axpy kernels instead (gemm_thin.c), under the same rule.
 *
 * nn_sgemm_naive is the plain triple loop kept as the reference for tests. */
#ifndef NN_MATH_GEMM_H
#define NN_MATH_GEMM_H

#include <stdint.h>

void nn_sgemm(int trans_a, int trans_b, int64_t M, int64_t N, int64_t K, float alpha, const float *A, int64_t lda,
              const float *B, int64_t ldb, float beta, float *C, int64_t ldc);

void nn_sgemm_naive(int trans_a, int trans_b, int64_t M, int64_t N, int64_t K, float alpha, const float *A,
                    int64_t lda, const float *B, int64_t ldb, float beta, float *C, int64_t ldc);

#endif
