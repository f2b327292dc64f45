/* Batch augmentation; see augment.h. */
#include "nn/augment.h"

#include "core/error.h"
#include "core/mem.h"
#include "math/rng.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

void nn_augment_defaults(nn_augment *a)
{
    memset(a, 0, sizeof *a);
    a->crop_min = 0.6;
    a->brightness = 0.2;
    a->contrast = 0.2;
    a->jitter = 0.1;
    a->noise = 0.03;
    a->keep_lo = 0.4;
    a->keep_hi = 0.9;
}

int nn_augment_any(const nn_augment *a) { return a->flip || a->crop || a->photometric || a->denoise; }

static double unif(nn_rng *r, double lo, double hi) { return lo + (hi - lo) * nn_rng_uniform(r); }

/* x (h, w, c), mask (h, w) or NULL, mirrored left-right in place */
static void flip(float *x, uint8_t *mask, int64_t h, int64_t w, int64_t c)
{
    for (int64_t i = 0; i < h; i++)
        for (int64_t j = 0; j < w / 2; j++) {
            float *a = x + (i * w + j) * c, *b = x + (i * w + w - 1 - j) * c;
            for (int64_t k = 0; k < c; k++) {
                float t = a[k];
                a[k] = b[k];
                b[k] = t;
            }
            if (mask) {
                uint8_t t = mask[i * w + j];
                mask[i * w + j] = mask[i * w + w - 1 - j];
                mask[i * w + w - 1 - j] = t;
            }
        }
}

/* The window (y0, x0, ch, cw) of x (h, w, c) resampled to (h, w):
 * bilinear with pixel centres (as align_corners=False), mask nearest:
 * source floor((o + 0.5) * cw / w). tx (h, w, c), tm (h, w) scratch. */
static void crop(float *x, uint8_t *mask, int64_t h, int64_t w, int64_t c, int64_t y0, int64_t x0, int64_t ch,
                 int64_t cw, float *tx, uint8_t *tm)
{
    double sy = (double)ch / (double)h, sx = (double)cw / (double)w;
    for (int64_t i = 0; i < h; i++) {
        double fy = (i + 0.5) * sy - 0.5;
        fy = fy < 0 ? 0 : fy > ch - 1 ? ch - 1 : fy;
        int64_t ya = (int64_t)fy, yb = ya + 1 < ch ? ya + 1 : ya;
        double wy = fy - (double)ya;
        int64_t ny = (int64_t)((i + 0.5) * sy);
        ny = ny < ch ? ny : ch - 1;
        for (int64_t j = 0; j < w; j++) {
            double fx = (j + 0.5) * sx - 0.5;
            fx = fx < 0 ? 0 : fx > cw - 1 ? cw - 1 : fx;
            int64_t xa = (int64_t)fx, xb = xa + 1 < cw ? xa + 1 : xa;
            double wx = fx - (double)xa;
            const float *p00 = x + ((y0 + ya) * w + x0 + xa) * c, *p01 = x + ((y0 + ya) * w + x0 + xb) * c;
            const float *p10 = x + ((y0 + yb) * w + x0 + xa) * c, *p11 = x + ((y0 + yb) * w + x0 + xb) * c;
            for (int64_t k = 0; k < c; k++)
                tx[(i * w + j) * c + k] = (float)((1 - wy) * ((1 - wx) * p00[k] + wx * p01[k]) +
                                                  wy * ((1 - wx) * p10[k] + wx * p11[k]));
            if (mask) {
                int64_t nx = (int64_t)((j + 0.5) * sx);
                nx = nx < cw ? nx : cw - 1;
                tm[i * w + j] = mask[(y0 + ny) * w + x0 + nx];
            }
        }
    }
    memcpy(x, tx, sizeof(float) * (size_t)(h * w * c));
    if (mask)
        memcpy(mask, tm, (size_t)(h * w));
}

static float clamp01(double v) { return (float)(v < 0 ? 0 : v > 1 ? 1 : v); }

static void photometric(const nn_augment *a, nn_rng *r, float *x, int64_t hw, int64_t c)
{
    double bright = unif(r, -a->brightness, a->brightness), con = unif(r, 1 - a->contrast, 1 + a->contrast);
    double gain[16];
    for (int64_t k = 0; k < c && k < 16; k++)
        gain[k] = unif(r, 1 - a->jitter, 1 + a->jitter);
    double mean = 0;
    for (int64_t i = 0; i < hw * c; i++)
        mean += x[i];
    mean /= (double)(hw * c);
    for (int64_t i = 0; i < hw; i++)
        for (int64_t k = 0; k < c; k++) {
            double v = ((x[i * c + k] - mean) * con + mean) * gain[k < 16 ? k : 15] + bright;
            if (a->noise > 0)
                v += a->noise * nn_rng_normal(r);
            x[i * c + k] = clamp01(v);
        }
}

static void denoise(const nn_augment *a, nn_rng *r, float *x, int64_t hw, int64_t c)
{
    double keep = unif(r, a->keep_lo, a->keep_hi);
    for (int64_t i = 0; i < hw; i++)
        if (nn_rng_uniform(r) >= keep)
            for (int64_t k = 0; k < c; k++)
                x[i * c + k] = 0;
}

int nn_augment_apply(const nn_augment *a, float *x, uint8_t *mask, int64_t n, int64_t h, int64_t w, int64_t c,
                     uint64_t seed, uint64_t step)
{
    if (!nn_augment_any(a))
        return 0;
    if (!(a->crop_min > 0 && a->crop_min <= 1) || !(a->keep_lo >= 0 && a->keep_lo <= a->keep_hi && a->keep_hi <= 1) ||
        a->brightness < 0 || a->contrast < 0 || a->contrast > 1 || a->jitter < 0 || a->jitter > 1 || a->noise < 0)
        return nn_set_error("bad augmentation settings");
    float *tx = NULL;
    uint8_t *tm = NULL;
    if (a->crop && (!(tx = nn_alloc((size_t)(h * w), (size_t)c * sizeof(float))) || !(tm = nn_alloc((size_t)h, (size_t)w)))) {
        free(tx);
        return -1;
    }
    uint64_t mix = seed ^ (step * 0x9E3779B97F4A7C15ull + 0x7F4A7C159E3779B9ull);
    for (int64_t s = 0; s < n; s++) {
        nn_rng r;
        nn_rng_split(&r, mix, (uint64_t)s);
        float *xs = x + s * h * w * c;
        uint8_t *ms = mask ? mask + s * h * w : NULL;
        /* every draw is made whether or not its transform is on, so
         * turning one transform on does not change what the others do */
        int do_flip = nn_rng_uniform(&r) < 0.5;
        double frac = unif(&r, a->crop_min, 1), oy = nn_rng_uniform(&r), ox = nn_rng_uniform(&r);
        nn_rng pr, dr;
        nn_rng_split(&pr, mix ^ 0x5bd1e995u, (uint64_t)s);
        nn_rng_split(&dr, mix ^ 0x1b873593u, (uint64_t)s);
        if (a->flip && do_flip)
            flip(xs, ms, h, w, c);
        if (a->crop) {
            int64_t ch = (int64_t)llround(frac * (double)h), cw = (int64_t)llround(frac * (double)w);
            ch = ch < 1 ? 1 : ch > h ? h : ch;
            cw = cw < 1 ? 1 : cw > w ? w : cw;
            int64_t y0 = (int64_t)(oy * (double)(h - ch + 1)), x0 = (int64_t)(ox * (double)(w - cw + 1));
            if (ch < h || cw < w)
                crop(xs, ms, h, w, c, y0, x0, ch, cw, tx, tm);
        }
        if (a->photometric)
            photometric(a, &pr, xs, h * w, c);
        if (a->denoise)
            denoise(a, &dr, xs, h * w, c);
    }
    free(tx);
    free(tm);
    return 0;
}
