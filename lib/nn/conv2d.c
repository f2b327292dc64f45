/* Conv2D in NHWC through im2col + nn_sgemm, like Keras Conv2D.
 *   x (n, h, w, c)   kernel (kh, kw, c, f) = a (kh*kw*c, f) matrix
 *   bias (f)         y (n, oh, ow, f)
 *   cols (n*oh*ow, kh*kw*c), so y = cols @ kernel + bias.
 * The n*oh*ow rows go through in bands whose columns fit in L2 (see
 * nn_conv_band); a band's im2col runs in parallel. */
#include "nn/layer.h"

#include "core/error.h"
#include "core/parallel.h"
#include "math/gemm.h"

#include <string.h>

/* Column buffers above this many floats are split into sample chunks. */
#define COLS_LIMIT (4 << 20)

void nn_conv_out(int64_t in, int k, int s, nn_padding pad, int64_t *out, int *pad_before)
{
    if (pad == NN_PAD_SAME) {
        /* TensorFlow's rule: out = ceil(in / s), extra padding at the end */
        int64_t o = (in + s - 1) / s;
        int64_t total = (o - 1) * s + k - in;
        if (total < 0)
            total = 0;
        *out = o;
        *pad_before = (int)(total / 2);
    } else {
        *out = in >= k ? (in - k) / s + 1 : 0;
        *pad_before = 0;
    }
}

/* cols (p1 - p0, kh*kw*c) for output positions [p0, p1) (oy * ow + ox) of
 * one sample x (h, w, c).  Within one kernel row (ky) the kw*c values of a
 * position are contiguous in x (columns ix0 .. ix0+kw-1 of input row iy),
 * so where the whole kernel row lies inside the image they move as one
 * run; only positions on the border go pixel by pixel. */
static void im2col_positions(const nn_conv_geom *g, const float *x, float *cols, int64_t p0, int64_t p1)
{
    int64_t c = g->c, kwc = g->kw * c;
    for (int64_t p = p0; p < p1; p++) {
        int64_t oy = p / g->ow, ox = p % g->ow;
        float *col = cols + (p - p0) * g->kh * kwc;
        int64_t ix0 = ox * g->sw - g->pl;
        int row_inside = ix0 >= 0 && ix0 + g->kw <= g->w;
        for (int ky = 0; ky < g->kh; ky++, col += kwc) {
            int64_t iy = oy * g->sh - g->pt + ky;
            if (iy < 0 || iy >= g->h) {
                memset(col, 0, sizeof(float) * (size_t)kwc);
                continue;
            }
            if (row_inside) {
                const float *src = x + (iy * g->w + ix0) * c;
                for (int64_t j = 0; j < kwc; j++)
                    col[j] = src[j];
                continue;
            }
            for (int kx = 0; kx < g->kw; kx++) {
                int64_t ix = ix0 + kx;
                float *dst = col + kx * c;
                if (ix < 0 || ix >= g->w)
                    memset(dst, 0, sizeof(float) * (size_t)c);
                else
                    memcpy(dst, x + (iy * g->w + ix) * c, sizeof(float) * (size_t)c);
            }
        }
    }
}

/* The adjoint: x (h, w, c) += the columns of positions [p0, p1) added back
 * where they were copied from (border positions dropped). */
static void col2im_positions(const nn_conv_geom *g, const float *cols, float *x, int64_t p0, int64_t p1)
{
    int64_t c = g->c, kwc = g->kw * c;
    for (int64_t p = p0; p < p1; p++) {
        int64_t oy = p / g->ow, ox = p % g->ow;
        const float *col = cols + (p - p0) * g->kh * kwc;
        int64_t ix0 = ox * g->sw - g->pl;
        int row_inside = ix0 >= 0 && ix0 + g->kw <= g->w;
        for (int ky = 0; ky < g->kh; ky++, col += kwc) {
            int64_t iy = oy * g->sh - g->pt + ky;
            if (iy < 0 || iy >= g->h)
                continue;
            if (row_inside) {
                float *xp = x + (iy * g->w + ix0) * c;
                for (int64_t j = 0; j < kwc; j++)
                    xp[j] += col[j];
                continue;
            }
            for (int kx = 0; kx < g->kw; kx++) {
                int64_t ix = ix0 + kx;
                if (ix < 0 || ix >= g->w)
                    continue;
                float *xp = x + (iy * g->w + ix) * c;
                const float *cp = col + kx * c;
                for (int64_t j = 0; j < c; j++)
                    xp[j] += cp[j];
            }
        }
    }
}

void nn_im2col(const nn_conv_geom *g, const float *x, float *cols)
{
    im2col_positions(g, x, cols, 0, g->oh * g->ow);
}

void nn_col2im(const nn_conv_geom *g, const float *cols, float *x)
{
    col2im_positions(g, cols, x, 0, g->oh * g->ow);
}

/* ---- bands: rows [r0, r1) of the whole batch, row r = sample r / (oh*ow),
 * position r % (oh*ow).  A band's columns fit in L2, so the GEMMs that
 * read them right after im2col (or write them right before col2im) find
 * them there instead of in memory: on Zen 4 the layer's GEMMs measured
 * 1.2 to 1.7 times faster than over whole samples' columns (5 to 20 MB at
 * 128 x 128).  Band edges depend on K only, never on the thread count, so
 * the sums (dW over bands) come out the same for any thread count. */
#define BAND_FLOATS (256 << 10) /* 1 MiB of columns */

int64_t nn_conv_band(int64_t K, int64_t rows)
{
    int64_t b = BAND_FLOATS / (K > 0 ? K : 1);
    if (b < 64)
        b = 64;
    return b < rows ? b : rows;
}

typedef struct {
    const nn_conv_geom *g;
    const float *src;
    float *dst;
    int64_t r0, r1, per_task;
} band_task;

/* rows [a, b) of the band, split at sample edges */
static void im2col_rows(const nn_conv_geom *g, const float *x, float *cols, int64_t a, int64_t b)
{
    int64_t rp = g->oh * g->ow, xs = g->h * g->w * g->c, K = g->kh * g->kw * g->c;
    while (a < b) {
        int64_t s = a / rp, p0 = a % rp, p1 = b - s * rp < rp ? b - s * rp : rp;
        im2col_positions(g, x + s * xs, cols, p0, p1);
        cols += (p1 - p0) * K;
        a += p1 - p0;
    }
}

static void im2col_task(void *ctx, int t, int worker)
{
    (void)worker;
    band_task *c = ctx;
    int64_t a = c->r0 + t * c->per_task, b = a + c->per_task < c->r1 ? a + c->per_task : c->r1;
    int64_t K = c->g->kh * c->g->kw * c->g->c;
    if (a < b)
        im2col_rows(c->g, c->src, c->dst + (a - c->r0) * K, a, b);
}

void nn_conv_im2col_band(const nn_conv_geom *g, const float *x, float *cols, int64_t r0, int64_t r1)
{
    /* a few tasks per thread; pieces write disjoint columns */
    int tasks = 4 * nn_threads();
    int64_t per = (r1 - r0 + tasks - 1) / tasks;
    if (per < 32)
        per = 32;
    band_task c = {g, x, cols, r0, r1, per};
    nn_parallel_for((int)((r1 - r0 + per - 1) / per), im2col_task, &c);
}

/* One task per sample the band touches: positions of one sample overlap
 * in x, those of different samples do not. */
static void col2im_task(void *ctx, int t, int worker)
{
    (void)worker;
    band_task *c = ctx;
    const nn_conv_geom *g = c->g;
    int64_t rp = g->oh * g->ow, K = g->kh * g->kw * g->c;
    int64_t s = c->r0 / rp + t;
    int64_t a = s * rp > c->r0 ? s * rp : c->r0, b = (s + 1) * rp < c->r1 ? (s + 1) * rp : c->r1;
    col2im_positions(g, c->src + (a - c->r0) * K, c->dst + s * g->h * g->w * g->c, a - s * rp, b - s * rp);
}

void nn_conv_col2im_band(const nn_conv_geom *g, const float *cols, float *x, int64_t r0, int64_t r1)
{
    int64_t rp = g->oh * g->ow;
    band_task c = {g, cols, x, r0, r1, 0};
    nn_parallel_for((int)((r1 - 1) / rp - r0 / rp + 1), col2im_task, &c);
}

/* ---- the layer ---- */

static void geom(const nn_layer *l, nn_conv_geom *g)
{
    g->h = l->in.d[0];
    g->w = l->in.d[1];
    g->c = l->in.d[2];
    g->oh = l->out.d[0];
    g->ow = l->out.d[1];
    g->kh = l->kh;
    g->kw = l->kw;
    g->sh = l->sh;
    g->sw = l->sw;
    int64_t o;
    nn_conv_out(g->h, l->kh, l->sh, l->padding, &o, &g->pt);
    nn_conv_out(g->w, l->kw, l->sw, l->padding, &o, &g->pl);
}

static int conv_setup(nn_layer *l)
{
    if (l->in.ndim != 3)
        return nn_set_error("layer %s: needs (height, width, channels) input", l->name);
    int pad;
    l->out.ndim = 3;
    nn_conv_out(l->in.d[0], l->kh, l->sh, l->padding, &l->out.d[0], &pad);
    nn_conv_out(l->in.d[1], l->kw, l->sw, l->padding, &l->out.d[1], &pad);
    l->out.d[2] = l->units;
    if (l->out.d[0] < 1 || l->out.d[1] < 1)
        return nn_set_error("layer %s: input %lldx%lld smaller than the kernel", l->name,
                            (long long)l->in.d[0], (long long)l->in.d[1]);
    int64_t ks[4] = {l->kh, l->kw, l->in.d[2], l->units};
    if (nn_layer_add_param(l, "kernel", 4, ks, 1) < 0)
        return -1;
    if (l->use_bias && nn_layer_add_param(l, "bias", 1, &l->units, 1) < 0)
        return -1;
    return 0;
}

static int conv_forward(nn_layer *l, const float *x, float *y, int64_t n)
{
    nn_conv_geom g;
    geom(l, &g);
    int64_t K = l->kh * l->kw * g.c, F = l->units, rows = n * g.oh * g.ow;
    int64_t band = nn_conv_band(K, rows);
    float *cols = nn_layer_work(l, band * K);
    if (!cols)
        return -1;
    for (int64_t r0 = 0; r0 < rows; r0 += band) {
        int64_t r1 = rows - r0 < band ? rows : r0 + band;
        float *yb = y + r0 * F; /* (r1 - r0, F) */
        nn_conv_im2col_band(&g, x, cols, r0, r1);
        if (l->use_bias)
            for (int64_t r = 0; r < r1 - r0; r++)
                memcpy(yb + r * F, l->p[1].w, sizeof(float) * (size_t)F);
        /* y (band, F) = cols (band, K) @ kernel (K, F) (+ bias) */
        nn_sgemm(0, 0, r1 - r0, F, K, 1.0f, cols, K, l->p[0].w, F, l->use_bias ? 1.0f : 0.0f, yb, F);
    }
    nn_act_forward(l->act, y, rows, F);
    return 0;
}

static int conv_backward(nn_layer *l, const float *x, const float *y, const float *dy, float *dx, int64_t n)
{
    nn_conv_geom g;
    geom(l, &g);
    int64_t K = l->kh * l->kw * g.c, F = l->units, rows = n * g.oh * g.ow;
    const float *dz = dy;
    if (l->act != NN_ACT_LINEAR && !l->dy_is_preact) {
        float *b = nn_layer_cache(l, rows * F);
        if (!b)
            return -1;
        nn_act_backward(l->act, y, dy, b, rows, F);
        dz = b;
    }
    if (l->use_bias) {
        float *db = l->p[1].g;
        for (int64_t r = 0; r < rows; r++)
            for (int64_t j = 0; j < F; j++)
                db[j] += dz[r * F + j];
    }
    int64_t band = nn_conv_band(K, rows);
    float *cols = nn_layer_work(l, band * K);
    if (!cols)
        return -1;
    if (dx)
        memset(dx, 0, sizeof(float) * (size_t)(n * g.h * g.w * g.c));
    for (int64_t r0 = 0; r0 < rows; r0 += band) {
        int64_t r1 = rows - r0 < band ? rows : r0 + band;
        const float *dzb = dz + r0 * F; /* (r1 - r0, F) */
        nn_conv_im2col_band(&g, x, cols, r0, r1);
        /* dW (K, F) += cols^T dz, band after band */
        nn_sgemm(1, 0, K, F, r1 - r0, 1.0f, cols, K, dzb, F, 1.0f, l->p[0].g, F);
        if (dx) {
            /* dcols (band, K) = dz W^T, then added back into dx */
            nn_sgemm(0, 1, r1 - r0, K, F, 1.0f, dzb, F, l->p[0].w, F, 0.0f, cols, K);
            nn_conv_col2im_band(&g, cols, dx, r0, r1);
        }
    }
    return 0;
}

static const nn_layer_ops conv_ops = {"conv2d", conv_setup, conv_forward, conv_backward};

nn_layer *nn_conv2d(int64_t filters, int kh, int kw, int sh, int sw, nn_padding pad, nn_act act)
{
    nn_layer *l = nn_layer_new(&conv_ops);
    if (l) {
        l->units = filters;
        l->kh = kh;
        l->kw = kw;
        l->sh = sh;
        l->sw = sw;
        l->padding = pad;
        l->act = act;
    }
    return l;
}
