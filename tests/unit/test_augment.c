/* Augmentation: masks stay aligned with their images through flips and
 * crops, class ids are never blended, photometric changes and the
 * denoising mask leave the masks alone, and draws are reproducible. */
#include "check.h"

#include "nn/augment.h"

#include <stdint.h>
#include <string.h>

enum { N = 6, H = 24, W = 20, C = 3 };

/* Image channel 0 = column stripe index / 16, channel 1 = row stripe
 * index / 16 (stripes of 3 pixels), channel 2 = 1; the mask codes both
 * stripes as col * 8 + row. */
static void make(float *x, uint8_t *m)
{
    for (int s = 0; s < N; s++)
        for (int i = 0; i < H; i++)
            for (int j = 0; j < W; j++) {
                int col = j / 3, row = i / 3;
                float *p = x + ((s * H + i) * W + j) * C;
                p[0] = (float)col / 16;
                p[1] = (float)row / 16;
                p[2] = 1;
                m[(s * H + i) * W + j] = (uint8_t)(col * 8 + row);
            }
}

static void test_crop_flip_aligned(void)
{
    static float x[N * H * W * C], x0[N * H * W * C];
    static uint8_t m[N * H * W];
    nn_augment a;
    nn_augment_defaults(&a);
    a.flip = a.crop = 1;
    a.crop_min = 0.5;
    for (uint64_t step = 0; step < 20; step++) {
        make(x, m);
        memcpy(x0, x, sizeof x);
        CHECK(nn_augment_apply(&a, x, m, N, H, W, C, 7, step) == 0);
        int bad = 0, changed = 0;
        for (int k = 0; k < N * H * W; k++) {
            int col = m[k] / 8, row = m[k] % 8;
            /* never blended: a valid code of the original mask */
            if (col > (W - 1) / 3 || row > (H - 1) / 3)
                bad++;
            /* aligned: the bilinear sample blends the nearest pixel's
             * stripe with a neighbour's at most */
            if (!(fabs(x[k * C] * 16 - col) <= 1.0001 && fabs(x[k * C + 1] * 16 - row) <= 1.0001))
                bad++;
            changed += x[k * C] != x0[k * C] || x[k * C + 1] != x0[k * C + 1];
        }
        CHECK(bad == 0);
        CHECK(changed > 0);
    }
}

static void test_flip_exact(void)
{
    static float x[N * H * W * C];
    static uint8_t m[N * H * W];
    nn_augment a;
    nn_augment_defaults(&a);
    a.flip = 1;
    make(x, m);
    CHECK(nn_augment_apply(&a, x, m, N, H, W, C, 3, 1) == 0);
    int flipped = 0;
    for (int s = 0; s < N; s++) {
        int f = m[(s * H) * W] != 0; /* column 0 has code 0 unless mirrored */
        flipped += f;
        for (int i = 0; i < H; i++)
            for (int j = 0; j < W; j++) {
                int sj = f ? W - 1 - j : j;
                CHECK(m[(s * H + i) * W + j] == (sj / 3) * 8 + i / 3);
                CHECK(x[((s * H + i) * W + j) * C] == (float)(sj / 3) / 16);
            }
    }
    CHECK(flipped > 0 && flipped < N);
}

static void test_photometric_denoise_keep_mask(void)
{
    static float x[N * H * W * C];
    static uint8_t m[N * H * W], m0[N * H * W];
    nn_augment a;
    nn_augment_defaults(&a);
    a.photometric = a.denoise = 1;
    make(x, m);
    memcpy(m0, m, sizeof m);
    CHECK(nn_augment_apply(&a, x, m, N, H, W, C, 11, 5) == 0);
    CHECK(memcmp(m, m0, sizeof m) == 0);
    for (int k = 0; k < N * H * W * C; k++)
        CHECK(x[k] >= 0 && x[k] <= 1);
}

static void test_denoise_keep_level(void)
{
    enum { S = 64 };
    static float x[8 * S * S * 2];
    nn_augment a;
    nn_augment_defaults(&a);
    a.denoise = 1;
    for (int k = 0; k < 8 * S * S * 2; k++)
        x[k] = 0.5f;
    CHECK(nn_augment_apply(&a, x, NULL, 8, S, S, 2, 1, 0) == 0);
    for (int s = 0; s < 8; s++) {
        int kept = 0;
        for (int p = 0; p < S * S; p++) {
            const float *v = x + (s * S * S + p) * 2;
            CHECK((v[0] == 0) == (v[1] == 0)); /* whole pixels dropped */
            kept += v[0] != 0;
        }
        double f = (double)kept / (S * S);
        CHECK(f > 0.4 - 0.03 && f < 0.9 + 0.03);
    }
}

static void test_reproducible(void)
{
    static float x1[N * H * W * C], x2[N * H * W * C];
    static uint8_t m1[N * H * W], m2[N * H * W];
    nn_augment a;
    nn_augment_defaults(&a);
    a.flip = a.crop = a.photometric = a.denoise = 1;
    make(x1, m1);
    make(x2, m2);
    CHECK(nn_augment_apply(&a, x1, m1, N, H, W, C, 5, 42) == 0);
    CHECK(nn_augment_apply(&a, x2, m2, N, H, W, C, 5, 42) == 0);
    CHECK(memcmp(x1, x2, sizeof x1) == 0 && memcmp(m1, m2, sizeof m1) == 0);
    make(x2, m2);
    CHECK(nn_augment_apply(&a, x2, m2, N, H, W, C, 5, 43) == 0);
    CHECK(memcmp(x1, x2, sizeof x1) != 0);
    /* nothing on: untouched */
    nn_augment_defaults(&a);
    make(x1, m1);
    make(x2, m2);
    CHECK(nn_augment_apply(&a, x1, m1, N, H, W, C, 5, 42) == 0);
    CHECK(memcmp(x1, x2, sizeof x1) == 0);
    a.crop = 1;
    a.crop_min = 0;
    CHECK(nn_augment_apply(&a, x1, m1, N, H, W, C, 5, 42) == -1);
}

int main(void)
{
    RUN(test_crop_flip_aligned);
    RUN(test_flip_exact);
    RUN(test_photometric_denoise_keep_mask);
    RUN(test_denoise_keep_level);
    RUN(test_reproducible);
    return check_summary();
}
