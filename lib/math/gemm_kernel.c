/* The register-blocked micro-kernels of nn_sgemm, in C: plain loops for
 * the AVX-512 tile, GNU C vectors for narrower ones (below; -DNN_GEMM_PLAIN
 * or a compiler without them gets the plain loops everywhere).
 *
 * acc[MR][NR] is small and, once `micro` is inlined with a constant mr,
 * indexed by constants after unrolling, so gcc -O3 keeps it in registers:
 * with -march=native on Zen 4 the 6 x 32 k loop is 2 vector loads of B,
 * 6 broadcasts of A and 12 vfmadd231ps on zmm (check with objdump -d
 * gemm_kernel.o).  Variants with 1..5 rows serve the last rows of C so
 * they do not multiply padding; "strided" variants read A or B in place
 * when packing it would cost more than it saves. */
#include "math/gemm_internal.h"

#include <string.h>

#define MR NN_GEMM_MR
#define NR NN_GEMM_NR

/* Tiles narrower than AVX-512's (NR < 32, gemm_internal.h): written in
 * the GNU C vector extension, VW floats per vector.  In plain C gcc 12
 * vectorized that k loop across k (a vector load of A, permutes of B,
 * accumulators spilled to the stack): 4 GFLOPS on Zen 3 for 80 with the
 * vectors spelled out.  The AVX-512 tile keeps the plain loop, which gcc
 * compiles to the intended code (above). */
#if (defined(__GNUC__) || defined(__clang__)) && NR < 32 && !defined(NN_GEMM_PLAIN)
#define NN_GEMM_VEC 1
#define VW (NR / 2) /* two vectors per row of the tile */
typedef float vec __attribute__((vector_size(VW * sizeof(float))));
/* x in every lane, spelled out: scalar * vector fails to compile where
 * float expressions are evaluated in double (FLT_EVAL_METHOD 1: s390x),
 * and a loop over the lanes compiled to a third of the speed. */
#if VW == 8
#define BROADCAST(x) ((vec){x, x, x, x, x, x, x, x})
#elif VW == 4
#define BROADCAST(x) ((vec){x, x, x, x})
#else
#error "no BROADCAST for this vector width"
#endif
#else
#define NN_GEMM_VEC 0
#endif

#if defined(__GNUC__) || defined(__clang__)
#define ALWAYS_INLINE inline __attribute__((always_inline))
#else
#define ALWAYS_INLINE inline
#endif

/* C[0..mr)[0..W) = alpha * acc + beta * C, not reading C when beta == 0. */
#define WRITE_BACK(W)                                                                                        \
    do {                                                                                                     \
        if (beta == 0.0f && alpha == 1.0f) {                                                                 \
            for (int i = 0; i < mr; i++)                                                                     \
                for (int j = 0; j < (W); j++)                                                                \
                    c[i * ldc + j] = acc[i][j];                                                              \
        } else if (beta == 0.0f) {                                                                           \
            for (int i = 0; i < mr; i++)                                                                     \
                for (int j = 0; j < (W); j++)                                                                \
                    c[i * ldc + j] = alpha * acc[i][j];                                                      \
        } else if (beta == 1.0f) {                                                                           \
            for (int i = 0; i < mr; i++)                                                                     \
                for (int j = 0; j < (W); j++)                                                                \
                    c[i * ldc + j] += alpha * acc[i][j];                                                     \
        } else {                                                                                             \
            for (int i = 0; i < mr; i++)                                                                     \
                for (int j = 0; j < (W); j++)                                                                \
                    c[i * ldc + j] = alpha * acc[i][j] + beta * c[i * ldc + j];                              \
        }                                                                                                    \
    } while (0)

#if NN_GEMM_VEC
/* WRITE_BACK out of line: inlined, gcc keeps alpha and beta broadcast in
 * two vector registers through the k loop, and the tile's B vectors are
 * spilled for want of them. */
static __attribute__((noinline)) void write_back_tile(const float *tile, int mr, int n, float *restrict c,
                                                       int64_t ldc, float alpha, float beta)
{
    const float(*acc)[NR] = (const float(*)[NR])tile; /* MR x NR */
    if (n == NR)
        WRITE_BACK(NR);
    else
        WRITE_BACK(n);
}
#endif

/* C (mr x n, n <= NR) = alpha * op(A) (mr x kc) * op(B) (kc x NR) + beta * C
 * with op(A)[i][k] = a[i * rs + k * cs] and op(B)[k][j] = b[k * bs + j]. */
static ALWAYS_INLINE void micro(const int mr, int64_t kc, const float *restrict a, int64_t rs, int64_t cs,
                                const float *restrict b, int64_t bs, float *restrict c, int64_t ldc, float alpha,
                                float beta, int n)
{
#if NN_GEMM_VEC
    /* va[i][h] (VW) is row i's half h of the tile; two loads of B, one
     * broadcast of A per row and two multiply-adds per row each k step. */
    vec va[MR][2];
    NN_GEMM_UNROLL
    for (int i = 0; i < MR; i++)
        va[i][0] = va[i][1] = (vec){0};
    for (int64_t k = 0; k < kc; k++) {
        vec b0, b1;
        memcpy(&b0, b, sizeof b0);
        memcpy(&b1, b + VW, sizeof b1);
        NN_GEMM_UNROLL
        for (int i = 0; i < mr; i++) {
            const float x = a[i * rs];
            const vec ai = BROADCAST(x);
            va[i][0] += ai * b0;
            va[i][1] += ai * b1;
        }
        a += cs;
        b += bs;
    }
    float tile[MR * NR];
    memcpy(tile, va, sizeof tile); /* the same layout: MR rows of NR floats */
    write_back_tile(tile, mr, n, c, ldc, alpha, beta);
#else
    /* All of acc is zeroed though only mr rows are used: keeps gcc's
     * uninitialized warnings quiet; the unused rows are dead code.
     * Unrolled, or gcc calls memset on it for every tile. */
    float acc[MR][NR];
    NN_GEMM_UNROLL
    for (int i = 0; i < MR; i++) {
        NN_GEMM_UNROLL
        for (int j = 0; j < NR; j++)
            acc[i][j] = 0.0f;
    }
    /* acc (mr x NR) += a[:, k] (mr) outer b[k] (NR), k in order.  The row
     * loop is unrolled first, or gcc may vectorize across rows. */
    for (int64_t k = 0; k < kc; k++) {
        NN_GEMM_UNROLL
        for (int i = 0; i < mr; i++) {
            float ai = a[i * rs];
            for (int j = 0; j < NR; j++)
                acc[i][j] += ai * b[j];
        }
        a += cs;
        b += bs;
    }
    /* Full width: fixed trip counts, vector stores; else mask to n. */
    if (n == NR)
        WRITE_BACK(NR);
    else
        WRITE_BACK(n);
#endif
}

typedef void (*kernel_fn)(int64_t kc, const float *restrict a, int64_t rs, int64_t cs, const float *restrict b,
                          int64_t bs, float *restrict c, int64_t ldc, float alpha, float beta, int n);

/* Packed operands have strides known to the compiler (A: rs = 1,
 * cs = MR; B: bs = NR); strided ones are read in place. */
#define KERNELS(M)                                                                                           \
    static void kpp_##M(int64_t kc, const float *restrict a, int64_t rs, int64_t cs, const float *restrict b, \
                        int64_t bs, float *restrict c, int64_t ldc, float alpha, float beta, int n)          \
    {                                                                                                        \
        (void)rs, (void)cs, (void)bs;                                                                        \
        micro(M, kc, a, 1, MR, b, NR, c, ldc, alpha, beta, n);                                             \
    }                                                                                                        \
    static void ksp_##M(int64_t kc, const float *restrict a, int64_t rs, int64_t cs, const float *restrict b, \
                        int64_t bs, float *restrict c, int64_t ldc, float alpha, float beta, int n)          \
    {                                                                                                        \
        (void)bs;                                                                                            \
        micro(M, kc, a, rs, cs, b, NR, c, ldc, alpha, beta, n);                                            \
    }                                                                                                        \
    static void kps_##M(int64_t kc, const float *restrict a, int64_t rs, int64_t cs, const float *restrict b, \
                        int64_t bs, float *restrict c, int64_t ldc, float alpha, float beta, int n)          \
    {                                                                                                        \
        (void)rs, (void)cs;                                                                                  \
        micro(M, kc, a, 1, MR, b, bs, c, ldc, alpha, beta, n);                                             \
    }                                                                                                        \
    static void kss_##M(int64_t kc, const float *restrict a, int64_t rs, int64_t cs, const float *restrict b, \
                        int64_t bs, float *restrict c, int64_t ldc, float alpha, float beta, int n)          \
    {                                                                                                        \
        micro(M, kc, a, rs, cs, b, bs, c, ldc, alpha, beta, n);                                            \
    }

KERNELS(1)
KERNELS(2)
KERNELS(3)
KERNELS(4)
KERNELS(5)
KERNELS(6)

/* [A strided][B strided][m - 1] */
static const kernel_fn kernels[2][2][MR] = {
    {{kpp_1, kpp_2, kpp_3, kpp_4, kpp_5, kpp_6}, {kps_1, kps_2, kps_3, kps_4, kps_5, kps_6}},
    {{ksp_1, ksp_2, ksp_3, ksp_4, ksp_5, ksp_6}, {kss_1, kss_2, kss_3, kss_4, kss_5, kss_6}},
};

void nn_gemm_micro(int64_t kc, const float *a, int64_t rs, int64_t cs, const float *b, int64_t bs, float *c,
                   int64_t ldc, float alpha, float beta, int m, int n)
{
    int a_strided = !(rs == 1 && cs == MR), b_strided = bs != NR;
    kernels[a_strided][b_strided][m - 1](kc, a, rs, cs, b, bs, c, ldc, alpha, beta, n);
}
