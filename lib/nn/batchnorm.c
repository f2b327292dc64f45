/* BatchNormalization over the last axis (Keras axis=-1, momentum 0.99,
 * epsilon 1e-3).
 *   x, y (rows, c), rows = n * (product of the leading dims)
 *   gamma, beta (c) trainable; moving_mean, moving_variance (c) not.
 * Training normalizes with the batch mean and (biased) variance and moves
 * the running statistics; inference uses the running statistics.
 * cache: xhat (rows, c) then 1/sqrt(var + eps) (c). */
#include "nn/layer.h"

#include "core/error.h"
#include "core/mem.h"

#include <math.h>
#include <stdlib.h>
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

/* The loops run over rows with one accumulator per channel, so each pass
 * reads x in memory order (a loop per channel would stride by c and read
 * every cache line c / 16 times); each channel's sums still add rows in
 * order 0, 1, 2, ... */
static int bn_forward(nn_layer *l, const float *x, float *y, int64_t n)
{
    int64_t c = l->in.d[l->in.ndim - 1];
    int64_t rows = n * (nn_shape_size(&l->in) / c);
    const float *gamma = l->p[0].w, *beta = l->p[1].w;
    float *mm = l->p[2].w, *mv = l->p[3].w;
    float *xhat = nn_layer_cache(l, rows * c + c);
    double *mean = nn_alloc((size_t)(2 * c), sizeof *mean), *var = mean ? mean + c : NULL; /* (c), (c) */
    if (!xhat || !mean) {
        free(mean);
        return -1;
    }
    float *inv = xhat + rows * c;
    if (l->training) {
        for (int64_t j = 0; j < c; j++)
            mean[j] = var[j] = 0;
        for (int64_t r = 0; r < rows; r++)
            for (int64_t j = 0; j < c; j++)
                mean[j] += x[r * c + j];
        for (int64_t j = 0; j < c; j++)
            mean[j] /= (double)rows;
        for (int64_t r = 0; r < rows; r++)
            for (int64_t j = 0; j < c; j++) {
                double d = x[r * c + j] - mean[j];
                var[j] += d * d;
            }
        for (int64_t j = 0; j < c; j++) {
            var[j] /= (double)rows; /* biased, as Keras normalizes */
            mm[j] = (float)(l->momentum * mm[j] + (1 - l->momentum) * mean[j]);
            mv[j] = (float)(l->momentum * mv[j] + (1 - l->momentum) * var[j]);
        }
    } else {
        for (int64_t j = 0; j < c; j++) {
            mean[j] = mm[j];
            var[j] = mv[j];
        }
    }
    for (int64_t j = 0; j < c; j++)
        inv[j] = (float)(1.0 / sqrt(var[j] + l->eps));
    for (int64_t r = 0; r < rows; r++)
        for (int64_t j = 0; j < c; j++) {
            float xh = (float)(x[r * c + j] - mean[j]) * inv[j];
            xhat[r * c + j] = xh;
            y[r * c + j] = gamma[j] * xh + beta[j];
        }
    free(mean);
    return 0;
}

static int bn_backward(nn_layer *l, const float *x, const float *y, const float *dy, float *dx, int64_t n)
{
    (void)x;
    (void)y;
    int64_t c = l->in.d[l->in.ndim - 1];
    int64_t rows = n * (nn_shape_size(&l->in) / c);
    const float *xhat = l->cache, *inv = l->cache + rows * c, *gamma = l->p[0].w;
    double *sdy = nn_alloc((size_t)(2 * c), sizeof *sdy), *sdyx = sdy ? sdy + c : NULL; /* (c), (c) */
    float *k = nn_alloc((size_t)(3 * c), sizeof *k), *a = k ? k + c : NULL, *b = k ? k + 2 * c : NULL;
    if (!sdy || !k) {
        free(sdy);
        free(k);
        return -1;
    }
    for (int64_t j = 0; j < c; j++)
        sdy[j] = sdyx[j] = 0;
    for (int64_t r = 0; r < rows; r++)
        for (int64_t j = 0; j < c; j++) {
            sdy[j] += dy[r * c + j];
            sdyx[j] += (double)dy[r * c + j] * xhat[r * c + j];
        }
    for (int64_t j = 0; j < c; j++) {
        l->p[0].g[j] += (float)sdyx[j];
        l->p[1].g[j] += (float)sdy[j];
        k[j] = gamma[j] * inv[j];
        /* training: dx = gamma/sigma * (dy - mean(dy) - xhat * mean(dy * xhat));
         * inference (fixed statistics): dx = gamma/sigma * dy */
        a[j] = l->training ? (float)(sdy[j] / (double)rows) : 0.0f;
        b[j] = l->training ? (float)(sdyx[j] / (double)rows) : 0.0f;
    }
    if (dx)
        for (int64_t r = 0; r < rows; r++)
            for (int64_t j = 0; j < c; j++)
                dx[r * c + j] = k[j] * (dy[r * c + j] - a[j] - xhat[r * c + j] * b[j]);
    free(sdy);
    free(k);
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
