/* Embedding: integer ids (stored as floats) to vectors, like Keras.
 *   x (n, t) ids in [0, vocab)   "embeddings" (vocab, dim)
 *   y (n, t, dim)
 * Ids are not differentiable: dx is zero.  An id out of range is an error
 * (a float id that is not a whole number too). */
#include "nn/layer.h"

#include "core/error.h"

#include <string.h>

static int emb_setup(nn_layer *l)
{
    if (l->in.ndim >= NN_SHAPE_MAX)
        return nn_set_error("layer %s: input rank too high", l->name);
    l->out = l->in;
    l->out.d[l->out.ndim++] = l->units;
    int64_t s[2] = {l->vocab, l->units};
    return nn_layer_add_param(l, "embeddings", 2, s, 1);
}

static int emb_forward(nn_layer *l, const float *x, float *y, int64_t n)
{
    int64_t count = n * nn_shape_size(&l->in), d = l->units;
    for (int64_t i = 0; i < count; i++) {
        float v = x[i];
        if (!(v >= 0 && v < (float)l->vocab) || v != (float)(int64_t)v)
            return nn_set_error("layer %s: id %g outside [0, %lld)", l->name, (double)v, (long long)l->vocab);
        memcpy(y + i * d, l->p[0].w + (int64_t)v * d, sizeof(float) * (size_t)d);
    }
    return 0;
}

static int emb_backward(nn_layer *l, const float *x, const float *y, const float *dy, float *dx, int64_t n)
{
    (void)y;
    int64_t count = n * nn_shape_size(&l->in), d = l->units;
    float *g = l->p[0].g;
    for (int64_t i = 0; i < count; i++) {
        float *row = g + (int64_t)x[i] * d;
        for (int64_t j = 0; j < d; j++)
            row[j] += dy[i * d + j];
    }
    if (dx)
        memset(dx, 0, sizeof(float) * (size_t)count);
    return 0;
}

static const nn_layer_ops emb_ops = {"embedding", emb_setup, emb_forward, emb_backward};

nn_layer *nn_embedding(int64_t vocab, int64_t dim)
{
    nn_layer *l = nn_layer_new(&emb_ops);
    if (l) {
        l->vocab = vocab;
        l->units = dim;
    }
    return l;
}
