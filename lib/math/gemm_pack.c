/* Packing of op(A) and op(B) blocks into the micro-panel layouts of
 * gemm_internal.h, for the operands the kernels cannot read in place. */
#include "math/gemm_internal.h"

#define MR NN_GEMM_MR
#define NR NN_GEMM_NR

/* A transposed: stored K x M, so op(A)[i][k] = a[k * lda + i] and the MR
 * values of one k are already contiguous. */
void nn_gemm_pack_a(int64_t mc, int64_t kc, const float *a, int64_t lda, float *restrict dst)
{
    for (int64_t i0 = 0; i0 < mc; i0 += MR, dst += kc * MR) {
        int64_t rows = mc - i0 < MR ? mc - i0 : MR;
        if (rows == MR) {
            for (int64_t k = 0; k < kc; k++) {
                NN_GEMM_UNROLL
                for (int i = 0; i < MR; i++)
                    dst[k * MR + i] = a[k * lda + i0 + i];
            }
        } else {
            for (int64_t k = 0; k < kc; k++)
                for (int i = 0; i < MR; i++)
                    dst[k * MR + i] = i < rows ? a[k * lda + i0 + i] : 0.0f;
        }
    }
}

/* B not transposed: row k of op(B) is contiguous; copy a panel row at a time. */
static void pack_b_rows(int64_t kc, int64_t nc, const float *b, int64_t ldb, float *restrict dst)
{
    for (int64_t j0 = 0; j0 < nc; j0 += NR, dst += kc * NR) {
        int64_t cols = nc - j0 < NR ? nc - j0 : NR;
        if (cols == NR) {
            for (int64_t k = 0; k < kc; k++) {
                NN_GEMM_UNROLL
                for (int j = 0; j < NR; j++)
                    dst[k * NR + j] = b[k * ldb + j0 + j];
            }
        } else {
            for (int64_t k = 0; k < kc; k++)
                for (int j = 0; j < NR; j++)
                    dst[k * NR + j] = j < cols ? b[k * ldb + j0 + j] : 0.0f;
        }
    }
}

/* B transposed: stored N x K, op(B)[k][j] = b[j * ldb + k].  A transpose,
 * in 8 x 8 blocks through a local array: the unrolled block reads 8
 * floats per source row and writes 8 per destination row, measured 1.6x
 * faster than the plain strided loop (gcc 12 does not vectorize either
 * much further without intrinsics). */
static void pack_b_cols(int64_t kc, int64_t nc, const float *b, int64_t ldb, float *restrict dst)
{
    for (int64_t j0 = 0; j0 < nc; j0 += NR, dst += kc * NR) {
        int64_t cols = nc - j0 < NR ? nc - j0 : NR;
        if (cols < NR) {
            for (int64_t k = 0; k < kc; k++)
                for (int j = 0; j < NR; j++)
                    dst[k * NR + j] = j < cols ? b[(j0 + j) * ldb + k] : 0.0f;
            continue;
        }
        const float *src = b + j0 * ldb;
        int64_t k0 = 0;
        for (; k0 + 8 <= kc; k0 += 8)
            for (int jb = 0; jb < NR; jb += 8) {
                float t[8][8]; /* t[k][j] */
                NN_GEMM_UNROLL
                for (int j = 0; j < 8; j++) {
                    NN_GEMM_UNROLL
                    for (int k = 0; k < 8; k++)
                        t[k][j] = src[(jb + j) * ldb + k0 + k];
                }
                NN_GEMM_UNROLL
                for (int k = 0; k < 8; k++) {
                    NN_GEMM_UNROLL
                    for (int j = 0; j < 8; j++)
                        dst[(k0 + k) * NR + jb + j] = t[k][j];
                }
            }
        for (; k0 < kc; k0++)
            for (int j = 0; j < NR; j++)
                dst[k0 * NR + j] = src[j * ldb + k0];
    }
}

void nn_gemm_pack_b(int trans, int64_t kc, int64_t nc, const float *b, int64_t ldb, float *restrict dst)
{
    if (trans)
        pack_b_cols(kc, nc, b, ldb, dst);
    else
        pack_b_rows(kc, nc, b, ldb, dst);
}
