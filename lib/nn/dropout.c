/* Dropout (inverted, like Keras): in training y = x * mask / (1 - rate),
 * identity otherwise.  The mask of a step comes from
 * nn_rng_split(seed ^ salt, step), so a resumed run draws the same masks and no
 * generator state has to be saved.  (The salt keeps a dropout seed that
 * equals the model seed off train.c's epoch-shuffle streams.)  x, y (n, ...) any shape. */
#include "nn/layer.h"

#include "core/error.h"
#include "math/rng.h"

#include <string.h>

static int drop_setup(nn_layer *l)
{
    if (!(l->rate >= 0 && l->rate < 1))
        return nn_set_error("layer %s: dropout rate must be in [0, 1)", l->name);
    l->out = l->in;
    return 0;
}

static int drop_forward(nn_layer *l, const float *x, float *y, int64_t n)
{
    int64_t count = n * nn_shape_size(&l->in);
    if (!l->training || l->rate == 0) {
        memcpy(y, x, sizeof(float) * (size_t)count);
        return 0;
    }
    float *mask = nn_layer_cache(l, count); /* (n, ...) 0 or 1/(1-rate) */
    if (!mask)
        return -1;
    nn_rng r;
    nn_rng_split(&r, l->seed ^ 0x64726f70ULL /* "drop" */, l->step);
    float keep = 1.0f / (1.0f - l->rate);
    for (int64_t i = 0; i < count; i++) {
        mask[i] = nn_rng_uniform(&r) >= l->rate ? keep : 0.0f;
        y[i] = x[i] * mask[i];
    }
    return 0;
}

static int drop_backward(nn_layer *l, const float *x, const float *y, const float *dy, float *dx, int64_t n)
{
    (void)x;
    (void)y;
    if (!dx)
        return 0;
    int64_t count = n * nn_shape_size(&l->in);
    if (!l->training || l->rate == 0) {
        memcpy(dx, dy, sizeof(float) * (size_t)count);
        return 0;
    }
    for (int64_t i = 0; i < count; i++)
        dx[i] = dy[i] * l->cache[i];
    return 0;
}

static const nn_layer_ops drop_ops = {"dropout", drop_setup, drop_forward, drop_backward};

nn_layer *nn_dropout(float rate, uint64_t seed)
{
    nn_layer *l = nn_layer_new(&drop_ops);
    if (l) {
        l->rate = rate;
        l->seed = seed & ((1ULL << 53) - 1); /* kept exactly in the JSON architecture */
    }
    return l;
}
