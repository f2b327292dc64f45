/* MaxPooling2D, valid padding, stride = pool size (Keras defaults).
 *   x (n, h, w, c) -> y (n, h/ph, w/pw, c)   (floor, rest dropped)
 * Backward sends each dy to the first maximum of its window, found again
 * from x (no arg-max cache to keep). */
#include "nn/layer.h"

#include "core/error.h"
#include "core/parallel.h"

#include <string.h>

static int pool_setup(nn_layer *l)
{
    if (l->in.ndim != 3)
        return nn_set_error("layer %s: needs (height, width, channels) input", l->name);
    l->out = l->in;
    l->out.d[0] = l->in.d[0] / l->kh;
    l->out.d[1] = l->in.d[1] / l->kw;
    if (l->out.d[0] < 1 || l->out.d[1] < 1)
        return nn_set_error("layer %s: input smaller than the pool", l->name);
    return 0;
}

typedef struct {
    const nn_layer *l;
    const float *x, *dy;
    float *y, *dx;
} pool_ctx;

/* one sample: forward (dx == NULL) or backward */
static void pool_task(void *vctx, int s, int worker)
{
    (void)worker;
    pool_ctx *c = vctx;
    const nn_layer *l = c->l;
    int64_t h = l->in.d[0], w = l->in.d[1], ch = l->in.d[2], oh = l->out.d[0], ow = l->out.d[1];
    const float *x = c->x + s * h * w * ch;
    if (c->dx)
        memset(c->dx + s * h * w * ch, 0, sizeof(float) * (size_t)(h * w * ch));
    for (int64_t oy = 0; oy < oh; oy++)
        for (int64_t ox = 0; ox < ow; ox++)
            for (int64_t k = 0; k < ch; k++) {
                int64_t best = ((oy * l->kh) * w + ox * l->kw) * ch + k;
                for (int dy = 0; dy < l->kh; dy++)
                    for (int dx = 0; dx < l->kw; dx++) {
                        int64_t i = ((oy * l->kh + dy) * w + ox * l->kw + dx) * ch + k;
                        if (x[i] > x[best])
                            best = i;
                    }
                int64_t o = s * oh * ow * ch + (oy * ow + ox) * ch + k;
                if (c->dx)
                    c->dx[s * h * w * ch + best] += c->dy[o];
                else
                    c->y[o] = x[best];
            }
}

static int pool_forward(nn_layer *l, const float *x, float *y, int64_t n)
{
    pool_ctx c = {l, x, NULL, y, NULL};
    nn_parallel_for((int)n, pool_task, &c);
    return 0;
}

static int pool_backward(nn_layer *l, const float *x, const float *y, const float *dy, float *dx, int64_t n)
{
    (void)y;
    if (!dx)
        return 0;
    pool_ctx c = {l, x, dy, NULL, dx};
    nn_parallel_for((int)n, pool_task, &c);
    return 0;
}

static const nn_layer_ops pool_ops = {"maxpool2d", pool_setup, pool_forward, pool_backward};

nn_layer *nn_maxpool2d(int ph, int pw)
{
    nn_layer *l = nn_layer_new(&pool_ops);
    if (l) {
        l->kh = l->sh = ph;
        l->kw = l->sw = pw;
    }
    return l;
}
