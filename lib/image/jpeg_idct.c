/* The "islow" 8x8 inverse DCT: the Loeffler-Ligtenberg-Moschytz
 * factorisation in 13-bit fixed point with 2 extra bits between the two
 * passes, the method libjpeg's djpeg uses by default.  Using the same
 * constants and rounding points gives the same samples as djpeg.
 *
 * Arithmetic is 64-bit: corrupt files may carry coefficients whose
 * products overflow 32 bits (valid ones never do). */
#include "image/jpeg.h"

#define CONST_BITS 13
#define PASS1_BITS 2

/* round(x * 2^13) for the rotation constants of the factorisation. */
#define C0_298631336 ((int64_t)2446)
#define C0_390180644 ((int64_t)3196)
#define C0_541196100 ((int64_t)4433)
#define C0_765366865 ((int64_t)6270)
#define C0_899976223 ((int64_t)7373)
#define C1_175875602 ((int64_t)9633)
#define C1_501321110 ((int64_t)12299)
#define C1_847759065 ((int64_t)15137)
#define C1_961570560 ((int64_t)16069)
#define C2_053119869 ((int64_t)16819)
#define C2_562915447 ((int64_t)20995)
#define C3_072711026 ((int64_t)25172)

/* x / 2^n rounded half up.  Right shift of a negative value is
 * implementation-defined in C; gcc and clang (all targets we build for)
 * shift arithmetically, as libjpeg also assumes. */
static inline int64_t descale(int64_t x, int n) { return (x + ((int64_t)1 << (n - 1))) >> n; }

/* One 1-D 8-point inverse transform.  in[0..7] are the inputs (already
 * dequantized and scaled); out[i] = descale(result_i, shift). */
static inline void idct_1d(const int64_t *in, int64_t *out, int shift)
{
    /* Even part: inputs 0, 2, 4, 6. */
    int64_t z2 = in[2], z3 = in[6];
    int64_t z1 = (z2 + z3) * C0_541196100;
    int64_t t2 = z1 - z3 * C1_847759065;
    int64_t t3 = z1 + z2 * C0_765366865;
    int64_t t0 = (in[0] + in[4]) * ((int64_t)1 << CONST_BITS);
    int64_t t1 = (in[0] - in[4]) * ((int64_t)1 << CONST_BITS);
    int64_t e10 = t0 + t3, e13 = t0 - t3, e11 = t1 + t2, e12 = t1 - t2;

    /* Odd part: inputs 7, 5, 3, 1. */
    int64_t o0 = in[7], o1 = in[5], o2 = in[3], o3 = in[1];
    int64_t a1 = o0 + o3, a2 = o1 + o2, a3 = o0 + o2, a4 = o1 + o3;
    int64_t z5 = (a3 + a4) * C1_175875602;
    o0 *= C0_298631336;
    o1 *= C2_053119869;
    o2 *= C3_072711026;
    o3 *= C1_501321110;
    a1 *= -C0_899976223;
    a2 *= -C2_562915447;
    a3 = a3 * -C1_961570560 + z5;
    a4 = a4 * -C0_390180644 + z5;
    o0 += a1 + a3;
    o1 += a2 + a4;
    o2 += a2 + a3;
    o3 += a1 + a4;

    out[0] = descale(e10 + o3, shift);
    out[7] = descale(e10 - o3, shift);
    out[1] = descale(e11 + o2, shift);
    out[6] = descale(e11 - o2, shift);
    out[2] = descale(e12 + o1, shift);
    out[5] = descale(e12 - o1, shift);
    out[3] = descale(e13 + o0, shift);
    out[4] = descale(e13 - o0, shift);
}

static inline uint8_t clamp_sample(int64_t v)
{
    v += 128;
    return (uint8_t)(v < 0 ? 0 : v > 255 ? 255 : v);
}

void nn_jpeg_idct_islow(const int16_t *coef, const uint16_t *q, uint8_t *out, size_t stride)
{
    int64_t ws[64]; /* [8 rows][8 columns], after the column pass */
    int64_t in[8], res[8];

    /* Pass 1: columns. */
    for (int c = 0; c < 8; c++) {
        int ac = 0;
        for (int r = 1; r < 8; r++)
            ac |= coef[r * 8 + c];
        if (!ac) {
            /* Only DC: the column is flat (common, and exact). */
            int64_t dc = (int64_t)coef[c] * q[c] * ((int64_t)1 << PASS1_BITS);
            for (int r = 0; r < 8; r++)
                ws[r * 8 + c] = dc;
            continue;
        }
        for (int r = 0; r < 8; r++)
            in[r] = (int64_t)coef[r * 8 + c] * q[r * 8 + c];
        idct_1d(in, res, CONST_BITS - PASS1_BITS);
        for (int r = 0; r < 8; r++)
            ws[r * 8 + c] = res[r];
    }

    /* Pass 2: rows; removes the pass-1 scaling and the 8x gain (3 bits). */
    for (int r = 0; r < 8; r++) {
        const int64_t *w = ws + r * 8;
        uint8_t *o = out + (size_t)r * stride;
        if (!(w[1] | w[2] | w[3] | w[4] | w[5] | w[6] | w[7])) {
            uint8_t v = clamp_sample(descale(w[0], PASS1_BITS + 3));
            for (int c = 0; c < 8; c++)
                o[c] = v;
            continue;
        }
        idct_1d(w, res, CONST_BITS + PASS1_BITS + 3);
        for (int c = 0; c < 8; c++)
            o[c] = clamp_sample(res[c]);
    }
}
