/* UpSampling2D, nearest neighbour (Keras default).
 *   x (n, h, w, c) -> y (n, h*fh, w*fw, c); backward sums each block. */
#include "nn/layer.h"

#include "core/error.h"

#include <string.h>

static int up_setup(nn_layer *l)
{
    if (l->in.ndim != 3)
        return nn_set_error("layer %s: needs (height, width, channels) input", l->name);
    l->out = l->in;
    l->out.d[0] = l->in.d[0] * l->kh;
    l->out.d[1] = l->in.d[1] * l->kw;
    return 0;
}

static int up_forward(nn_layer *l, const float *x, float *y, int64_t n)
{
    int64_t h = l->in.d[0], w = l->in.d[1], c = l->in.d[2], ow = l->out.d[1];
    for (int64_t s = 0; s < n; s++)
        for (int64_t oy = 0; oy < h * l->kh; oy++)
            for (int64_t ox = 0; ox < ow; ox++)
                memcpy(y + ((s * h * l->kh + oy) * ow + ox) * c, x + ((s * h + oy / l->kh) * w + ox / l->kw) * c,
                       sizeof(float) * (size_t)c);
    return 0;
}

static int up_backward(nn_layer *l, const float *x, const float *y, const float *dy, float *dx, int64_t n)
{
    (void)x;
    (void)y;
    if (!dx)
        return 0;
    int64_t h = l->in.d[0], w = l->in.d[1], c = l->in.d[2], ow = l->out.d[1];
    memset(dx, 0, sizeof(float) * (size_t)(n * h * w * c));
    for (int64_t s = 0; s < n; s++)
        for (int64_t oy = 0; oy < h * l->kh; oy++)
            for (int64_t ox = 0; ox < ow; ox++) {
                const float *g = dy + ((s * h * l->kh + oy) * ow + ox) * c;
                float *d = dx + ((s * h + oy / l->kh) * w + ox / l->kw) * c;
                for (int64_t k = 0; k < c; k++)
                    d[k] += g[k];
            }
    return 0;
}

static const nn_layer_ops up_ops = {"upsample2d", up_setup, up_forward, up_backward};

nn_layer *nn_upsample2d(int fh, int fw)
{
    nn_layer *l = nn_layer_new(&up_ops);
    if (l) {
        l->kh = fh;
        l->kw = fw;
    }
    return l;
}
