/* The reference GEMM: a triple loop in double precision accumulation,
 * kept simple enough to check by eye.  Tests compare nn_sgemm with it. */
#include "math/gemm.h"

void nn_sgemm_naive(int trans_a, int trans_b, int64_t M, int64_t N, int64_t K, float alpha, const float *A,
                    int64_t lda, const float *B, int64_t ldb, float beta, float *C, int64_t ldc)
{
    for (int64_t i = 0; i < M; i++)
        for (int64_t j = 0; j < N; j++) {
            double sum = 0;
            for (int64_t k = 0; k < K; k++) {
                float a = trans_a ? A[k * lda + i] : A[i * lda + k];
                float b = trans_b ? B[j * ldb + k] : B[k * ldb + j];
                sum += (double)a * b;
            }
            float *c = &C[i * ldc + j];
            *c = (float)(alpha * sum + (beta == 0 ? 0.0 : (double)beta * *c));
        }
}
