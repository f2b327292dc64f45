/* Conv2DTranspose (NHWC), the adjoint of a convolution, like Keras.
 *   x (n, h, w, c)   kernel (kh, kw, f, c) = a (kh*kw*f, c) matrix
 *   bias (f)         y (n, oh, ow, f)
 *   same:  oh = h * s            valid: oh = h * s + max(k - s, 0)
 * The geometry is that of the convolution y -> x (input oh x ow x f,
 * output h x w), so forward is "cols = x W^T, col2im into y" and backward
 * is "im2col of dy, times W" (TensorFlow's conv2d_backprop_input). */
#include "nn/layer.h"

#include "core/error.h"
#include "math/gemm.h"

#include <string.h>


static int64_t tout(int64_t in, int k, int s, nn_padding pad)
{
    return pad == NN_PAD_SAME ? in * s : in * s + (k > s ? k - s : 0);
}

/* the geometry of the forward convolution y (oh, ow, f) -> x (h, w) */
static void geom(const nn_layer *l, nn_conv_geom *g)
{
    g->h = l->out.d[0];
    g->w = l->out.d[1];
    g->c = l->units;
    g->oh = l->in.d[0];
    g->ow = l->in.d[1];
    g->kh = l->kh;
    g->kw = l->kw;
    g->sh = l->sh;
    g->sw = l->sw;
    int64_t o;
    nn_conv_out(g->h, l->kh, l->sh, l->padding, &o, &g->pt);
    nn_conv_out(g->w, l->kw, l->sw, l->padding, &o, &g->pl);
}

static int convt_setup(nn_layer *l)
{
    if (l->in.ndim != 3)
        return nn_set_error("layer %s: needs (height, width, channels) input", l->name);
    l->out.ndim = 3;
    l->out.d[0] = tout(l->in.d[0], l->kh, l->sh, l->padding);
    l->out.d[1] = tout(l->in.d[1], l->kw, l->sw, l->padding);
    l->out.d[2] = l->units;
    int64_t ks[4] = {l->kh, l->kw, l->units, l->in.d[2]};
    if (nn_layer_add_param(l, "kernel", 4, ks, 1) < 0)
        return -1;
    if (l->use_bias && nn_layer_add_param(l, "bias", 1, &l->units, 1) < 0)
        return -1;
    return 0;
}

static int convt_forward(nn_layer *l, const float *x, float *y, int64_t n)
{
    nn_conv_geom g;
    geom(l, &g);
    int64_t C = l->in.d[2], F = l->units, K = l->kh * l->kw * F;
    int64_t rows = n * g.oh * g.ow, osz = g.h * g.w * F;
    int64_t band = nn_conv_band(K, rows);
    float *cols = nn_layer_work(l, band * K);
    if (!cols)
        return -1;
    memset(y, 0, sizeof(float) * (size_t)(n * osz));
    for (int64_t r0 = 0; r0 < rows; r0 += band) {
        int64_t r1 = rows - r0 < band ? rows : r0 + band;
        /* cols (band, K) = x (band, C) W^T, W (K, C); added into y */
        nn_sgemm(0, 1, r1 - r0, K, C, 1.0f, x + r0 * C, C, l->p[0].w, C, 0.0f, cols, K);
        nn_conv_col2im_band(&g, cols, y, r0, r1);
    }
    if (l->use_bias)
        for (int64_t r = 0; r < n * g.h * g.w; r++)
            for (int64_t j = 0; j < F; j++)
                y[r * F + j] += l->p[1].w[j];
    nn_act_forward(l->act, y, n * g.h * g.w, F);
    return 0;
}

static int convt_backward(nn_layer *l, const float *x, const float *y, const float *dy, float *dx, int64_t n)
{
    nn_conv_geom g;
    geom(l, &g);
    int64_t C = l->in.d[2], F = l->units, K = l->kh * l->kw * F;
    int64_t rows = n * g.oh * g.ow, osz = g.h * g.w * F;
    const float *dz = dy;
    if (l->act != NN_ACT_LINEAR && !l->dy_is_preact) {
        float *b = nn_layer_cache(l, n * osz);
        if (!b)
            return -1;
        nn_act_backward(l->act, y, dy, b, n * g.h * g.w, F);
        dz = b;
    }
    if (l->use_bias) {
        float *db = l->p[1].g;
        for (int64_t r = 0; r < n * g.h * g.w; r++)
            for (int64_t j = 0; j < F; j++)
                db[j] += dz[r * F + j];
    }
    int64_t band = nn_conv_band(K, rows);
    float *cols = nn_layer_work(l, band * K);
    if (!cols)
        return -1;
    for (int64_t r0 = 0; r0 < rows; r0 += band) {
        int64_t r1 = rows - r0 < band ? rows : r0 + band;
        const float *xb = x + r0 * C; /* (r1 - r0, C) */
        nn_conv_im2col_band(&g, dz, cols, r0, r1);
        /* dW (K, C) += cols^T x, band after band */
        nn_sgemm(1, 0, K, C, r1 - r0, 1.0f, cols, K, xb, C, 1.0f, l->p[0].g, C);
        /* dx (band, C) = cols W */
        if (dx)
            nn_sgemm(0, 0, r1 - r0, C, K, 1.0f, cols, K, l->p[0].w, C, 0.0f, dx + r0 * C, C);
    }
    return 0;
}

static const nn_layer_ops convt_ops = {"conv2d_transpose", convt_setup, convt_forward, convt_backward};

nn_layer *nn_conv2d_transpose(int64_t filters, int kh, int kw, int sh, int sw, nn_padding pad, nn_act act)
{
    nn_layer *l = nn_layer_new(&convt_ops);
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
