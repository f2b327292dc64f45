/* Conv2D in NHWC through im2col + nn_sgemm, like Keras Conv2D.
 *   x (n, h, w, c)   kernel (kh, kw, c, f) = a (kh*kw*c, f) matrix
 *   bias (f)         y (n, oh, ow, f)
 *   cols (oh*ow, kh*kw*c) per sample, so y = cols @ kernel + bias.
 * Samples are processed in chunks so the column buffer stays small; the
 * im2col/col2im of a chunk runs in parallel, one task per sample. */
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

/* Within one kernel row (ky) the kw*c values of an output position are
 * contiguous in x (columns ix0 .. ix0+kw-1 of input row iy), so where the
 * whole kernel row lies inside the image they move as one run; only
 * positions on the border go pixel by pixel. */
void nn_im2col(const nn_conv_geom *g, const float *x, float *cols)
{
    int64_t c = g->c, kwc = g->kw * c;
    for (int64_t oy = 0; oy < g->oh; oy++)
        for (int64_t ox = 0; ox < g->ow; ox++) {
            float *col = cols + (oy * g->ow + ox) * g->kh * kwc;
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

/* The adjoint of nn_im2col: every column value is added back to the input
 * position it was copied from (border positions dropped). */
void nn_col2im(const nn_conv_geom *g, const float *cols, float *x)
{
    int64_t c = g->c, kwc = g->kw * c;
    for (int64_t oy = 0; oy < g->oh; oy++)
        for (int64_t ox = 0; ox < g->ow; ox++) {
            const float *col = cols + (oy * g->ow + ox) * g->kh * kwc;
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

/* ---- parallel im2col / col2im over the samples of a chunk ---- */

typedef struct {
    const nn_conv_geom *g;
    const float *src;
    float *dst;
    int64_t src_stride, dst_stride;
} conv_task;

static void im2col_task(void *ctx, int t, int worker)
{
    (void)worker;
    conv_task *c = ctx;
    nn_im2col(c->g, c->src + t * c->src_stride, c->dst + t * c->dst_stride);
}

static void col2im_task(void *ctx, int t, int worker)
{
    (void)worker;
    conv_task *c = ctx;
    float *x = c->dst + t * c->dst_stride;
    memset(x, 0, sizeof(float) * (size_t)c->dst_stride);
    nn_col2im(c->g, c->src + t * c->src_stride, x);
}


/* cols (cnt*oh*ow, kh*kw*c) from x (cnt, h, w, c) */
void nn_conv_im2col_batch(const nn_conv_geom *g, const float *x, float *cols, int64_t cnt)
{
    conv_task c = {g, x, cols, g->h * g->w * g->c, g->oh * g->ow * g->kh * g->kw * g->c};
    nn_parallel_for((int)cnt, im2col_task, &c);
}

/* x (cnt, h, w, c) = col2im(cols): overwritten, not accumulated */
void nn_conv_col2im_batch(const nn_conv_geom *g, const float *cols, float *x, int64_t cnt)
{
    conv_task c = {g, cols, x, g->oh * g->ow * g->kh * g->kw * g->c, g->h * g->w * g->c};
    nn_parallel_for((int)cnt, col2im_task, &c);
}

int64_t nn_conv_chunk(int64_t n, int64_t cols_per_sample)
{
    int64_t chunk = COLS_LIMIT / (cols_per_sample > 0 ? cols_per_sample : 1);
    if (chunk < 1)
        chunk = 1;
    return chunk < n ? chunk : n;
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
    int64_t K = l->kh * l->kw * g.c, F = l->units, rp = g.oh * g.ow;
    int64_t chunk = nn_conv_chunk(n, rp * K);
    float *cols = nn_layer_work(l, chunk * rp * K);
    if (!cols)
        return -1;
    for (int64_t s0 = 0; s0 < n; s0 += chunk) {
        int64_t cnt = n - s0 < chunk ? n - s0 : chunk;
        float *yc = y + s0 * rp * F;
        nn_conv_im2col_batch(&g, x + s0 * g.h * g.w * g.c, cols, cnt);
        if (l->use_bias)
            for (int64_t r = 0; r < cnt * rp; r++)
                memcpy(yc + r * F, l->p[1].w, sizeof(float) * (size_t)F);
        nn_sgemm(0, 0, cnt * rp, F, K, 1.0f, cols, K, l->p[0].w, F, l->use_bias ? 1.0f : 0.0f, yc, F);
    }
    nn_act_forward(l->act, y, n * rp, F);
    return 0;
}

static int conv_backward(nn_layer *l, const float *x, const float *y, const float *dy, float *dx, int64_t n)
{
    nn_conv_geom g;
    geom(l, &g);
    int64_t K = l->kh * l->kw * g.c, F = l->units, rp = g.oh * g.ow;
    const float *dz = dy;
    if (l->act != NN_ACT_LINEAR) {
        float *b = nn_layer_cache(l, n * rp * F);
        if (!b)
            return -1;
        nn_act_backward(l->act, y, dy, b, n * rp, F);
        dz = b;
    }
    if (l->use_bias) {
        float *db = l->p[1].g;
        for (int64_t r = 0; r < n * rp; r++)
            for (int64_t j = 0; j < F; j++)
                db[j] += dz[r * F + j];
    }
    int64_t chunk = nn_conv_chunk(n, rp * K);
    float *cols = nn_layer_work(l, chunk * rp * K);
    if (!cols)
        return -1;
    for (int64_t s0 = 0; s0 < n; s0 += chunk) {
        int64_t cnt = n - s0 < chunk ? n - s0 : chunk;
        const float *dzc = dz + s0 * rp * F;
        nn_conv_im2col_batch(&g, x + s0 * g.h * g.w * g.c, cols, cnt);
        /* dW (K, F) += cols^T dz */
        nn_sgemm(1, 0, K, F, cnt * rp, 1.0f, cols, K, dzc, F, 1.0f, l->p[0].g, F);
        if (dx) {
            /* dcols (cnt*rp, K) = dz W^T, then scatter back */
            nn_sgemm(0, 1, cnt * rp, K, F, 1.0f, dzc, F, l->p[0].w, F, 0.0f, cols, K);
            nn_conv_col2im_batch(&g, cols, dx + s0 * g.h * g.w * g.c, cnt);
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
