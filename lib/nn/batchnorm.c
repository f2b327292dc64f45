/* BatchNormalization over the last axis (Keras axis=-1, momentum 0.99,
 * epsilon 1e-3).
 *   x, y (rows, c), rows = n * (product of the leading dims)
 *   gamma, beta (c) trainable; moving_mean, moving_variance (c) not.
 * Training normalizes with the batch mean and (biased) variance and moves
 * the running statistics; inference uses the running statistics.
 * cache: xhat (rows, c) then 1/sqrt(var + eps) (c). */
#include "nn/layer.h"

#include "core/error.h"

#include <math.h>
#include <string.h>

static int bn_setup(nn_layer *l)
{
    int64_t c = l->in.d[l->in.ndim - 1];
    int fresh = l->nparams == 0 || l->p[0].count != c;
    l->out = l->in;
    if (nn_layer_add_param(l, "gamma", 1, &c, 1) < 0 || nn_layer_add_param(l, "beta", 1, &c, 1) < 0 ||
        nn_layer_add_param(l, "moving_mean", 1, &c, 0) < 0 || nn_layer_add_param(l, "moving_variance", 1, &c, 0) < 0)
        return -1;
    if (fresh)
        for (int64_t j = 0; j < c; j++)
            l->p[0].w[j] = l->p[3].w[j] = 1.0f;
    return 0;
}

static int bn_forward(nn_layer *l, const float *x, float *y, int64_t n)
{
    int64_t c = l->in.d[l->in.ndim - 1];
    int64_t rows = n * (nn_shape_size(&l->in) / c);
    const float *gamma = l->p[0].w, *beta = l->p[1].w;
    float *mm = l->p[2].w, *mv = l->p[3].w;
    float *xhat = nn_layer_cache(l, rows * c + c);
    if (!xhat)
        return -1;
    float *inv = xhat + rows * c;
    for (int64_t j = 0; j < c; j++) {
        double mean, var;
        if (l->training) {
            double s = 0, s2 = 0;
            for (int64_t r = 0; r < rows; r++)
                s += x[r * c + j];
            mean = s / (double)rows;
            for (int64_t r = 0; r < rows; r++) {
                double d = x[r * c + j] - mean;
                s2 += d * d;
            }
            var = s2 / (double)rows;
            mm[j] = (float)(l->momentum * mm[j] + (1 - l->momentum) * mean);
            mv[j] = (float)(l->momentum * mv[j] + (1 - l->momentum) * var);
        } else {
            mean = mm[j];
            var = mv[j];
        }
        inv[j] = (float)(1.0 / sqrt(var + l->eps));
        for (int64_t r = 0; r < rows; r++) {
            float xh = (float)(x[r * c + j] - mean) * inv[j];
            xhat[r * c + j] = xh;
            y[r * c + j] = gamma[j] * xh + beta[j];
        }
    }
    return 0;
}

static int bn_backward(nn_layer *l, const float *x, const float *y, const float *dy, float *dx, int64_t n)
{
    (void)x;
    (void)y;
    int64_t c = l->in.d[l->in.ndim - 1];
    int64_t rows = n * (nn_shape_size(&l->in) / c);
    const float *xhat = l->cache, *inv = l->cache + rows * c, *gamma = l->p[0].w;
    for (int64_t j = 0; j < c; j++) {
        double sdy = 0, sdyx = 0;
        for (int64_t r = 0; r < rows; r++) {
            sdy += dy[r * c + j];
            sdyx += (double)dy[r * c + j] * xhat[r * c + j];
        }
        l->p[0].g[j] += (float)sdyx;
        l->p[1].g[j] += (float)sdy;
        if (!dx)
            continue;
        float k = gamma[j] * inv[j];
        if (l->training) {
            /* dx = gamma/sigma * (dy - mean(dy) - xhat * mean(dy * xhat)) */
            float a = (float)(sdy / (double)rows), b = (float)(sdyx / (double)rows);
            for (int64_t r = 0; r < rows; r++)
                dx[r * c + j] = k * (dy[r * c + j] - a - xhat[r * c + j] * b);
        } else {
            for (int64_t r = 0; r < rows; r++)
                dx[r * c + j] = k * dy[r * c + j];
        }
    }
    return 0;
}

static const nn_layer_ops bn_ops = {"batchnorm", bn_setup, bn_forward, bn_backward};

nn_layer *nn_batchnorm(float momentum, float eps)
{
    nn_layer *l = nn_layer_new(&bn_ops);
    if (l) {
        l->momentum = momentum;
        l->eps = eps;
    }
    return l;
}
