/* The register-blocked micro-kernel of nn_sgemm, in plain C.
 *
 * acc[MR][NR] is small and indexed by constants once the i and j loops
 * are unrolled, so gcc -O3 keeps it in registers: with -march=native on
 * Zen 4 the k loop becomes 2 vector loads of B, MR broadcasts of A and
 * 2 * MR vfmadd231ps on zmm (objdump -d gemm_kernel.o to check).  The
 * write-back is the only place that knows about fringe tiles. */
#include "math/gemm_internal.h"

#define MR NN_GEMM_MR
#define NR NN_GEMM_NR

void nn_gemm_micro(int64_t kc, const float *restrict ap, const float *restrict bp, float *restrict c, int64_t ldc,
                   float alpha, float beta, int m, int n)
{
    float acc[MR][NR];
    for (int i = 0; i < MR; i++)
        for (int j = 0; j < NR; j++)
            acc[i][j] = 0.0f;

    /* acc (MR x NR) += ap[k] (MR) outer bp[k] (NR), k in order. */
    for (int64_t k = 0; k < kc; k++) {
        for (int i = 0; i < MR; i++) {
            float a = ap[i];
            for (int j = 0; j < NR; j++)
                acc[i][j] += a * bp[j];
        }
        ap += MR;
        bp += NR;
    }

    if (m == MR && n == NR) {
        /* Full tile: fixed trip counts, vectorized stores. */
        if (beta == 0.0f) {
            for (int i = 0; i < MR; i++)
                for (int j = 0; j < NR; j++)
                    c[i * ldc + j] = alpha * acc[i][j];
        } else if (beta == 1.0f) {
            for (int i = 0; i < MR; i++)
                for (int j = 0; j < NR; j++)
                    c[i * ldc + j] += alpha * acc[i][j];
        } else {
            for (int i = 0; i < MR; i++)
                for (int j = 0; j < NR; j++)
                    c[i * ldc + j] = alpha * acc[i][j] + beta * c[i * ldc + j];
        }
        return;
    }
    /* Fringe tile: write only the m x n corner that exists in C. */
    for (int i = 0; i < m; i++) {
        float *ci = c + i * ldc;
        if (beta == 0.0f) {
            for (int j = 0; j < n; j++)
                ci[j] = alpha * acc[i][j];
        } else {
            for (int j = 0; j < n; j++)
                ci[j] = alpha * acc[i][j] + beta * ci[j];
        }
    }
}
