/* Flatten and Reshape: the data is already in C order, so both copy.
 *   flatten: (n, a, b, ...) -> (n, a*b*...)
 *   reshape: (n, ...) -> (n, target...) with the same size per sample */
#include "nn/layer.h"

#include "core/error.h"

#include <string.h>

static int flatten_setup(nn_layer *l)
{
    l->out.ndim = 1;
    l->out.d[0] = nn_shape_size(&l->in);
    return 0;
}

static int reshape_setup(nn_layer *l)
{
    if (nn_shape_size(&l->target) != nn_shape_size(&l->in))
        return nn_set_error("layer %s: cannot reshape %lld values into %lld", l->name,
                            (long long)nn_shape_size(&l->in), (long long)nn_shape_size(&l->target));
    l->out = l->target;
    return 0;
}

static int copy_forward(nn_layer *l, const float *x, float *y, int64_t n)
{
    memcpy(y, x, sizeof(float) * (size_t)(n * nn_shape_size(&l->in)));
    return 0;
}

static int copy_backward(nn_layer *l, const float *x, const float *y, const float *dy, float *dx, int64_t n)
{
    (void)x;
    (void)y;
    if (dx)
        memcpy(dx, dy, sizeof(float) * (size_t)(n * nn_shape_size(&l->in)));
    return 0;
}

static const nn_layer_ops flatten_ops = {"flatten", flatten_setup, copy_forward, copy_backward};
static const nn_layer_ops reshape_ops = {"reshape", reshape_setup, copy_forward, copy_backward};

nn_layer *nn_flatten(void) { return nn_layer_new(&flatten_ops); }

nn_layer *nn_reshape(const nn_shape *target)
{
    nn_layer *l = nn_layer_new(&reshape_ops);
    if (l)
        l->target = *target;
    return l;
}
