/* Separable resampling with Pillow's weights and rounding (see resize.h). */
#include "image/resize.h"

#include "core/error.h"
#include "core/mem.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#ifndef M_PI
#define M_PI 3.14159265358979323846
#endif

/* Weights are quantised to this many fraction bits; with 8-bit samples
 * the sums stay well inside 32 bits. */
#define PRECISION_BITS 22

static const char *const names[] = {"nearest", "box", "bilinear", "bicubic", "lanczos"};

int nn_resize_filter_parse(const char *name)
{
    for (int i = 0; i < 5; i++)
        if (strcmp(name, names[i]) == 0)
            return i;
    return -1;
}

const char *nn_resize_filter_name(nn_resize_filter f) { return (unsigned)f < 5 ? names[f] : "?"; }

static double box_w(double x) { return x > -0.5 && x <= 0.5 ? 1.0 : 0.0; }

static double triangle_w(double x)
{
    x = fabs(x);
    return x < 1.0 ? 1.0 - x : 0.0;
}

static double cubic_w(double x)
{
    const double a = -0.5;
    x = fabs(x);
    if (x < 1.0)
        return ((a + 2.0) * x - (a + 3.0)) * x * x + 1.0;
    if (x < 2.0)
        return (((x - 5.0) * x + 8.0) * x - 4.0) * a;
    return 0.0;
}

static double sinc(double x)
{
    if (x == 0.0)
        return 1.0;
    x *= M_PI;
    return sin(x) / x;
}

static double lanczos_w(double x) { return x >= -3.0 && x < 3.0 ? sinc(x) * sinc(x / 3.0) : 0.0; }

typedef struct {
    int ksize;     /* weights per output pixel (row stride of k) */
    int *first;    /* [out] first input index */
    int *count;    /* [out] number of inputs */
    int32_t *k;    /* [out][ksize] fixed-point weights */
    int64_t sum_abs_max; /* largest sum of |weights| of one output */
} kernel;

static void kernel_free(kernel *k)
{
    free(k->first);
    free(k->count);
    free(k->k);
}

/* Weights of every output pixel of a 1-D resampling in -> out. */
static int kernel_make(kernel *kn, int in, int out, nn_resize_filter f)
{
    double (*fn)(double);
    double support;
    switch (f) {
    case NN_RESIZE_BOX: fn = box_w; support = 0.5; break;
    case NN_RESIZE_BILINEAR: fn = triangle_w; support = 1.0; break;
    case NN_RESIZE_BICUBIC: fn = cubic_w; support = 2.0; break;
    default: fn = lanczos_w; support = 3.0; break;
    }
    double scale = (double)in / out;
    double fscale = scale < 1.0 ? 1.0 : scale; /* widen only when shrinking */
    support *= fscale;
    kn->ksize = (int)ceil(support) * 2 + 1;
    kn->first = nn_alloc((size_t)out, sizeof(int));
    kn->count = nn_alloc((size_t)out, sizeof(int));
    kn->k = nn_calloc((size_t)out, (size_t)kn->ksize * sizeof(int32_t));
    double *w = nn_alloc((size_t)kn->ksize, sizeof(double));
    if (!kn->first || !kn->count || !kn->k || !w) {
        free(w);
        kernel_free(kn);
        return -1;
    }
    for (int o = 0; o < out; o++) {
        double center = (o + 0.5) * scale;
        int lo = (int)(center - support + 0.5), hi = (int)(center + support + 0.5);
        if (lo < 0)
            lo = 0;
        if (hi > in)
            hi = in;
        int n = hi - lo;
        if (n > kn->ksize)
            n = kn->ksize;
        double sum = 0.0;
        for (int i = 0; i < n; i++) {
            w[i] = fn((i + lo - center + 0.5) / fscale);
            sum += w[i];
        }
        int32_t *ko = kn->k + (size_t)o * (size_t)kn->ksize;
        for (int i = 0; i < n; i++) {
            double v = sum != 0.0 ? w[i] / sum : w[i];
            ko[i] = (int32_t)(v < 0 ? -0.5 + v * (1 << PRECISION_BITS) : 0.5 + v * (1 << PRECISION_BITS));
        }
        int64_t sa = 0;
        for (int i = 0; i < n; i++)
            sa += ko[i] < 0 ? -(int64_t)ko[i] : ko[i];
        if (sa > kn->sum_abs_max)
            kn->sum_abs_max = sa;
        kn->first[o] = lo;
        kn->count[o] = n;
    }
    free(w);
    return 0;
}

static inline uint8_t clip8(int64_t ss)
{
    ss >>= PRECISION_BITS;
    return (uint8_t)(ss < 0 ? 0 : ss > 255 ? 255 : ss);
}

/* Rows [0, rows) of src (width sw) -> dst (width dw). */
static void pass_h(const uint8_t *src, int sw, int rows, int ch, uint8_t *dst, int dw, const kernel *kn)
{
    for (int y = 0; y < rows; y++) {
        const uint8_t *s = src + (size_t)y * (size_t)sw * (size_t)ch;
        uint8_t *d = dst + (size_t)y * (size_t)dw * (size_t)ch;
        for (int x = 0; x < dw; x++) {
            const int32_t *k = kn->k + (size_t)x * (size_t)kn->ksize;
            const uint8_t *p = s + (size_t)kn->first[x] * (size_t)ch;
            int n = kn->count[x];
            for (int c = 0; c < ch; c++) {
                int64_t ss = 1 << (PRECISION_BITS - 1);
                for (int i = 0; i < n; i++)
                    ss += (int64_t)p[i * ch + c] * k[i];
                d[x * ch + c] = clip8(ss);
            }
        }
    }
}

/* 1 when 8-bit sums with these weights cannot overflow 32 bits (true for
 * every filter here; checked rather than assumed). */
static int fits32(const kernel *kn) { return kn->sum_abs_max * 255 + (1 << PRECISION_BITS) < INT32_MAX; }

/* pass_h in 32-bit sums, channels unrolled for the common counts. */
static void pass_h32(const uint8_t *src, int sw, int rows, int ch, uint8_t *dst, int dw, const kernel *kn)
{
    const int32_t half = 1 << (PRECISION_BITS - 1);
    for (int y = 0; y < rows; y++) {
        const uint8_t *s = src + (size_t)y * (size_t)sw * (size_t)ch;
        uint8_t *d = dst + (size_t)y * (size_t)dw * (size_t)ch;
        for (int x = 0; x < dw; x++) {
            const int32_t *k = kn->k + (size_t)x * (size_t)kn->ksize;
            const uint8_t *p = s + (size_t)kn->first[x] * (size_t)ch;
            int n = kn->count[x];
            if (ch == 3) {
                int32_t a0 = half, a1 = half, a2 = half;
                for (int i = 0; i < n; i++) {
                    a0 += p[3 * i] * k[i];
                    a1 += p[3 * i + 1] * k[i];
                    a2 += p[3 * i + 2] * k[i];
                }
                d[3 * x] = clip8(a0);
                d[3 * x + 1] = clip8(a1);
                d[3 * x + 2] = clip8(a2);
            } else if (ch == 1) {
                int32_t a0 = half;
                for (int i = 0; i < n; i++)
                    a0 += p[i] * k[i];
                d[x] = clip8(a0);
            } else {
                for (int c = 0; c < ch; c++) {
                    int32_t a = half;
                    for (int i = 0; i < n; i++)
                        a += p[i * ch + c] * k[i];
                    d[x * ch + c] = clip8(a);
                }
            }
        }
    }
}

/* pass_v in 32-bit sums, a whole row at a time (acc: `row` ints). */
static void pass_v32(const uint8_t *src, size_t row, uint8_t *dst, int dh, const kernel *kn, int32_t *acc)
{
    for (int y = 0; y < dh; y++) {
        const int32_t *k = kn->k + (size_t)y * (size_t)kn->ksize;
        const uint8_t *s = src + (size_t)kn->first[y] * row;
        uint8_t *d = dst + (size_t)y * row;
        int n = kn->count[y];
        for (size_t x = 0; x < row; x++)
            acc[x] = 1 << (PRECISION_BITS - 1);
        for (int i = 0; i < n; i++) {
            const uint8_t *r = s + (size_t)i * row;
            int32_t w = k[i];
            for (size_t x = 0; x < row; x++)
                acc[x] += r[x] * w;
        }
        for (size_t x = 0; x < row; x++)
            d[x] = clip8(acc[x]);
    }
}

/* src (sh rows of `row` bytes) -> dst (dh rows). */
static void pass_v(const uint8_t *src, size_t row, uint8_t *dst, int dh, const kernel *kn)
{
    for (int y = 0; y < dh; y++) {
        const int32_t *k = kn->k + (size_t)y * (size_t)kn->ksize;
        const uint8_t *s = src + (size_t)kn->first[y] * row;
        uint8_t *d = dst + (size_t)y * row;
        int n = kn->count[y];
        for (size_t x = 0; x < row; x++) {
            int64_t ss = 1 << (PRECISION_BITS - 1);
            for (int i = 0; i < n; i++)
                ss += (int64_t)s[(size_t)i * row + x] * k[i];
            d[x] = clip8(ss);
        }
    }
}

static void run_h(const uint8_t *src, int sw, int rows, int ch, uint8_t *dst, int dw, const kernel *kn)
{
    if (fits32(kn))
        pass_h32(src, sw, rows, ch, dst, dw, kn);
    else
        pass_h(src, sw, rows, ch, dst, dw, kn);
}

static int run_v(const uint8_t *src, size_t row, uint8_t *dst, int dh, const kernel *kn)
{
    if (!fits32(kn)) {
        pass_v(src, row, dst, dh, kn);
        return 0;
    }
    int32_t *acc = nn_alloc(row, sizeof(int32_t));
    if (!acc)
        return -1;
    pass_v32(src, row, dst, dh, kn, acc);
    free(acc);
    return 0;
}

static int nearest(const uint8_t *src, int sw, int sh, int ch, uint8_t *dst, int dw, int dh)
{
    /* Pillow steps the source coordinate by in/out from half a step
     * (double arithmetic, accumulated): do the same so that ties land on
     * the same pixel. */
    double ax = (double)sw / dw, ay = (double)sh / dh;
    int *xs = nn_alloc((size_t)dw, sizeof(int));
    if (!xs)
        return -1;
    double xo = ax * 0.5;
    for (int x = 0; x < dw; x++) {
        int xi = (int)xo;
        xs[x] = xi < sw ? xi : sw - 1;
        xo += ax;
    }
    double yo = ay * 0.5;
    for (int y = 0; y < dh; y++) {
        int yi = (int)yo;
        if (yi >= sh)
            yi = sh - 1;
        yo += ay;
        const uint8_t *s = src + (size_t)yi * (size_t)sw * (size_t)ch;
        uint8_t *d = dst + (size_t)y * (size_t)dw * (size_t)ch;
        for (int x = 0; x < dw; x++)
            memcpy(d + (size_t)x * (size_t)ch, s + (size_t)xs[x] * (size_t)ch, (size_t)ch);
    }
    free(xs);
    return 0;
}

int nn_resize_u8(const uint8_t *src, int sw, int sh, int channels, uint8_t *dst, int dw, int dh,
                 nn_resize_filter filter)
{
    if (sw <= 0 || sh <= 0 || dw <= 0 || dh <= 0)
        return nn_set_error("resize: sizes must be positive (%dx%d -> %dx%d)", sw, sh, dw, dh);
    if (channels < 1 || channels > 4)
        return nn_set_error("resize: %d channels (1..4 supported)", channels);
    if ((unsigned)filter > NN_RESIZE_LANCZOS)
        return nn_set_error("resize: unknown filter");
    size_t srow = (size_t)sw * (size_t)channels, drow = (size_t)dw * (size_t)channels;
    if (sw == dw && sh == dh) {
        memcpy(dst, src, srow * (size_t)sh);
        return 0;
    }
    if (filter == NN_RESIZE_NEAREST)
        return nearest(src, sw, sh, channels, dst, dw, dh);
    kernel kh = {0}, kv = {0};
    int need_h = sw != dw, need_v = sh != dh;
    if ((need_h && kernel_make(&kh, sw, dw, filter)) || (need_v && kernel_make(&kv, sh, dh, filter))) {
        kernel_free(&kh);
        return -1;
    }
    int rc = 0;
    if (need_h && need_v) {
        /* Only the source rows the vertical pass reads need the horizontal
         * pass: [y0, y1). */
        int y0 = kv.first[0], y1 = kv.first[dh - 1] + kv.count[dh - 1];
        uint8_t *tmp = nn_alloc((size_t)(y1 - y0), drow);
        if (!tmp) {
            rc = -1;
        } else {
            run_h(src + (size_t)y0 * srow, sw, y1 - y0, channels, tmp, dw, &kh);
            for (int y = 0; y < dh; y++)
                kv.first[y] -= y0;
            rc = run_v(tmp, drow, dst, dh, &kv);
            free(tmp);
        }
    } else if (need_h) {
        run_h(src, sw, sh, channels, dst, dw, &kh);
    } else {
        rc = run_v(src, srow, dst, dh, &kv);
    }
    kernel_free(&kh);
    kernel_free(&kv);
    return rc;
}
