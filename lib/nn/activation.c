/* Activations: the helpers fused into dense/conv layers, and the
 * stand-alone Activation layer.  Shapes: y (rows, cols); softmax works on
 * each row (the last axis, as in Keras). */
#include "nn/layer.h"

#include "core/error.h"
#include "math/fastmath.h"

#include <math.h>
#include <string.h>

static const char *act_names[] = {"linear", "relu", "sigmoid", "tanh", "softmax"};

const char *nn_act_name(nn_act a) { return act_names[a]; }

int nn_act_parse(const char *name)
{
    for (int i = 0; i < 5; i++)
        if (!strcmp(name, act_names[i]))
            return i;
    return -1;
}

void nn_act_forward(nn_act a, float *y, int64_t rows, int64_t cols)
{
    int64_t n = rows * cols;
    switch (a) {
    case NN_ACT_LINEAR:
        break;
    case NN_ACT_RELU:
        for (int64_t i = 0; i < n; i++)
            y[i] = y[i] > 0 ? y[i] : 0;
        break;
    case NN_ACT_SIGMOID:
        for (int64_t i = 0; i < n; i++) {
            /* stable for large |z| either way */
            float z = y[i];
            if (z >= 0) {
                y[i] = 1.0f / (1.0f + expf(-z));
            } else {
                float e = expf(z);
                y[i] = e / (1.0f + e);
            }
        }
        break;
    case NN_ACT_TANH:
        for (int64_t i = 0; i < n; i++)
            y[i] = nn_tanhf(y[i]);
        break;
    case NN_ACT_SOFTMAX:
        for (int64_t r = 0; r < rows; r++) {
            float *v = y + r * cols;
            float m = v[0];
            for (int64_t j = 1; j < cols; j++)
                m = v[j] > m ? v[j] : m;
            double s = 0;
            for (int64_t j = 0; j < cols; j++) {
                v[j] = expf(v[j] - m);
                s += v[j];
            }
            float inv = (float)(1.0 / s);
            for (int64_t j = 0; j < cols; j++)
                v[j] *= inv;
        }
        break;
    }
}

void nn_act_backward(nn_act a, const float *y, const float *dy, float *dz, int64_t rows, int64_t cols)
{
    int64_t n = rows * cols;
    switch (a) {
    case NN_ACT_LINEAR:
        if (dz != dy)
            memcpy(dz, dy, sizeof(float) * (size_t)n);
        break;
    case NN_ACT_RELU:
        for (int64_t i = 0; i < n; i++)
            dz[i] = y[i] > 0 ? dy[i] : 0;
        break;
    case NN_ACT_SIGMOID:
        for (int64_t i = 0; i < n; i++)
            dz[i] = dy[i] * y[i] * (1 - y[i]);
        break;
    case NN_ACT_TANH:
        for (int64_t i = 0; i < n; i++)
            dz[i] = dy[i] * (1 - y[i] * y[i]);
        break;
    case NN_ACT_SOFTMAX:
        /* dz_j = y_j (dy_j - sum_k dy_k y_k) */
        for (int64_t r = 0; r < rows; r++) {
            const float *yv = y + r * cols, *dv = dy + r * cols;
            float *zv = dz + r * cols;
            double s = 0;
            for (int64_t j = 0; j < cols; j++)
                s += (double)dv[j] * yv[j];
            for (int64_t j = 0; j < cols; j++)
                zv[j] = yv[j] * (dv[j] - (float)s);
        }
        break;
    }
}

/* ---- Activation layer: y = act(x), same shape ---- */

static int act_setup(nn_layer *l)
{
    l->out = l->in;
    return 0;
}

static int act_forward(nn_layer *l, const float *x, float *y, int64_t n)
{
    int64_t cols = l->in.d[l->in.ndim - 1];
    int64_t rows = n * nn_shape_size(&l->in) / cols;
    memcpy(y, x, sizeof(float) * (size_t)(rows * cols));
    nn_act_forward(l->act, y, rows, cols);
    return 0;
}

static int act_backward(nn_layer *l, const float *x, const float *y, const float *dy, float *dx, int64_t n)
{
    (void)x;
    int64_t cols = l->in.d[l->in.ndim - 1];
    int64_t rows = n * nn_shape_size(&l->in) / cols;
    if (dx && l->dy_is_preact) {
        if (dx != dy)
            memcpy(dx, dy, sizeof(float) * (size_t)(rows * cols));
    }
    else if (dx)
        nn_act_backward(l->act, y, dy, dx, rows, cols);
    return 0;
}

static const nn_layer_ops act_ops = {"activation", act_setup, act_forward, act_backward};

nn_layer *nn_activation(nn_act act)
{
    nn_layer *l = nn_layer_new(&act_ops);
    if (l)
        l->act = act;
    return l;
}
