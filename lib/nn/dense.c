/* Dense: y = act(x W + b) over the last axis, like Keras Dense (a
 * sequence (t, f) gets the same weights at every step).
 *   x (rows, in)   W "kernel" (in, units)   b "bias" (units)
 *   y (rows, units), rows = n * (product of the leading dims) */
#include "nn/layer.h"

#include "core/error.h"
#include "math/gemm.h"

#include <string.h>

static int dense_setup(nn_layer *l)
{
    int64_t in = l->in.d[l->in.ndim - 1];
    l->out = l->in;
    l->out.d[l->out.ndim - 1] = l->units;
    int64_t ks[2] = {in, l->units};
    if (nn_layer_add_param(l, "kernel", 2, ks, 1) < 0)
        return -1;
    if (l->use_bias && nn_layer_add_param(l, "bias", 1, &l->units, 1) < 0)
        return -1;
    return 0;
}

static int dense_forward(nn_layer *l, const float *x, float *y, int64_t n)
{
    int64_t in = l->in.d[l->in.ndim - 1], u = l->units;
    int64_t rows = n * (nn_shape_size(&l->in) / in);
    if (l->use_bias) {
        const float *b = l->p[1].w;
        for (int64_t r = 0; r < rows; r++)
            memcpy(y + r * u, b, sizeof(float) * (size_t)u);
    }
    nn_sgemm(0, 0, rows, u, in, 1.0f, x, in, l->p[0].w, u, l->use_bias ? 1.0f : 0.0f, y, u);
    nn_act_forward(l->act, y, rows, u);
    return 0;
}

static int dense_backward(nn_layer *l, const float *x, const float *y, const float *dy, float *dx, int64_t n)
{
    int64_t in = l->in.d[l->in.ndim - 1], u = l->units;
    int64_t rows = n * (nn_shape_size(&l->in) / in);
    const float *dz = dy;
    if (l->act != NN_ACT_LINEAR && !l->dy_is_preact) {
        float *w = nn_layer_work(l, rows * u);
        if (!w)
            return -1;
        nn_act_backward(l->act, y, dy, w, rows, u);
        dz = w;
    }
    /* dW (in, u) += x^T dz */
    nn_sgemm(1, 0, in, u, rows, 1.0f, x, in, dz, u, 1.0f, l->p[0].g, u);
    if (l->use_bias) {
        float *db = l->p[1].g;
        for (int64_t r = 0; r < rows; r++)
            for (int64_t j = 0; j < u; j++)
                db[j] += dz[r * u + j];
    }
    /* dx (rows, in) = dz W^T */
    if (dx)
        nn_sgemm(0, 1, rows, in, u, 1.0f, dz, u, l->p[0].w, u, 0.0f, dx, in);
    return 0;
}

static const nn_layer_ops dense_ops = {"dense", dense_setup, dense_forward, dense_backward};

nn_layer *nn_dense(int64_t units, nn_act act)
{
    nn_layer *l = nn_layer_new(&dense_ops);
    if (l) {
        l->units = units;
        l->act = act;
    }
    return l;
}
