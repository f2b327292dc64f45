/* Common layer plumbing: setup, parameters, scratch buffers. */
#include "nn/layer.h"

#include "core/error.h"
#include "core/mem.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int64_t nn_shape_size(const nn_shape *s)
{
    /* Shapes come from model files and spec strings: a dimension that is
     * negative or a product past int64 gives -1 (no size), so setup code
     * comparing sizes reports an error instead of overflowing (found by
     * fuzz/fuzz_model.c: "reshape:2x5333...3"). */
    int64_t n = 1;
    for (int i = 0; i < s->ndim; i++) {
        if (s->d[i] < 0 || (s->d[i] > 0 && n > INT64_MAX / s->d[i]))
            return -1;
        n *= s->d[i];
    }
    return n;
}

void nn_shape_str(const nn_shape *s, char *buf, int size)
{
    int k = snprintf(buf, (size_t)size, "(None");
    for (int i = 0; i < s->ndim && k < size; i++)
        k += snprintf(buf + k, (size_t)(size - k), ", %lld", (long long)s->d[i]);
    if (k < size)
        snprintf(buf + k, (size_t)(size - k), ")");
}

nn_layer *nn_layer_new(const nn_layer_ops *ops)
{
    nn_layer *l = nn_calloc(1, sizeof *l);
    if (!l)
        return NULL;
    l->ops = ops;
    l->use_bias = 1;
    l->act = NN_ACT_LINEAR;
    snprintf(l->name, sizeof l->name, "%s", ops->type);
    return l;
}

int nn_layer_add_param(nn_layer *l, const char *name, int ndim, const int64_t *shape, int trainable)
{
    nn_param *p = NULL;
    for (int i = 0; i < l->nparams; i++)
        if (!strcmp(l->p[i].name, name))
            p = &l->p[i];
    size_t count;
    if (nn_shape_count(shape, ndim, &count) < 0)
        return -1;
    if (p) {
        /* keep the values when the shape is unchanged (setup called again) */
        if (p->ndim == ndim && !memcmp(p->shape, shape, sizeof(int64_t) * (size_t)ndim))
            return 0;
        free(p->w);
        free(p->g);
    } else {
        if (l->nparams >= NN_LAYER_PARAMS)
            return nn_set_error("too many parameters in layer %s", l->name);
        p = &l->p[l->nparams++];
    }
    memset(p, 0, sizeof *p);
    snprintf(p->name, sizeof p->name, "%s", name);
    p->ndim = ndim;
    memcpy(p->shape, shape, sizeof(int64_t) * (size_t)ndim);
    p->count = (int64_t)count;
    p->trainable = trainable;
    p->w = nn_calloc(count, sizeof(float));
    if (!p->w)
        return -1;
    if (trainable && !(p->g = nn_calloc(count, sizeof(float))))
        return -1;
    return 0;
}

static float *grow(float **buf, int64_t *cap, int64_t count)
{
    if (count > *cap) {
        float *b = nn_realloc(*buf, (size_t)count, sizeof(float));
        if (!b)
            return NULL;
        *buf = b;
        *cap = count;
    }
    return *buf;
}

float *nn_layer_cache(nn_layer *l, int64_t count) { return grow(&l->cache, &l->cache_cap, count < 1 ? 1 : count); }
float *nn_layer_work(nn_layer *l, int64_t count) { return grow(&l->work, &l->work_cap, count < 1 ? 1 : count); }

int nn_layer_setup(nn_layer *l, const nn_shape *in)
{
    if (in->ndim < 1 || in->ndim > NN_SHAPE_MAX)
        return nn_set_error("layer %s: bad input rank %d", l->name, in->ndim);
    for (int i = 0; i < in->ndim; i++)
        if (in->d[i] < 1)
            return nn_set_error("layer %s: empty input dimension", l->name);
    l->in = *in;
    return l->ops->setup(l);
}

void nn_layer_free(nn_layer *l)
{
    if (!l)
        return;
    for (int i = 0; i < l->nparams; i++) {
        free(l->p[i].w);
        free(l->p[i].g);
    }
    free(l->cache);
    free(l->work);
    free(l);
}

int64_t nn_layer_param_count(const nn_layer *l, int trainable)
{
    int64_t n = 0;
    for (int i = 0; i < l->nparams; i++)
        if (l->p[i].trainable == trainable)
            n += l->p[i].count;
    return n;
}
