/* Initializers; see init.h. */
#include "nn/init.h"

#include "core/error.h"
#include "core/mem.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static const char *names[] = {"glorot_uniform", "he_normal", "he_uniform", "orthogonal", "zeros"};

int nn_init_parse(const char *name)
{
    for (int i = 0; i < 5; i++)
        if (!strcmp(name, names[i]))
            return i;
    return -1;
}

void nn_fans(const nn_param *p, double *fan_in, double *fan_out)
{
    if (p->ndim < 2) {
        *fan_in = *fan_out = (double)p->count;
        return;
    }
    double receptive = 1;
    for (int i = 0; i < p->ndim - 2; i++)
        receptive *= (double)p->shape[i];
    *fan_in = receptive * (double)p->shape[p->ndim - 2];
    *fan_out = receptive * (double)p->shape[p->ndim - 1];
}

static void uniform(float *w, int64_t n, double lim, nn_rng *r)
{
    for (int64_t i = 0; i < n; i++)
        w[i] = (float)((2 * nn_rng_uniform(r) - 1) * lim);
}

int nn_init_orthogonal(float *w, int64_t rows, int64_t cols, double gain, nn_rng *r)
{
    /* a (n, k) Gaussian, n >= k; modified Gram-Schmidt on its columns
     * gives Q with a positive-diagonal R (Keras fixes the signs the same
     * way).  Rows < cols: use Q^T. */
    int64_t n = rows > cols ? rows : cols, k = rows > cols ? cols : rows;
    double *a = nn_alloc((size_t)(n * k), sizeof(double));
    if (!a)
        return -1;
    for (int64_t i = 0; i < n * k; i++)
        a[i] = nn_rng_normal(r);
    for (int64_t j = 0; j < k; j++) {
        for (int64_t q = 0; q < j; q++) {
            double d = 0;
            for (int64_t i = 0; i < n; i++)
                d += a[i * k + j] * a[i * k + q];
            for (int64_t i = 0; i < n; i++)
                a[i * k + j] -= d * a[i * k + q];
        }
        double norm = 0;
        for (int64_t i = 0; i < n; i++)
            norm += a[i * k + j] * a[i * k + j];
        norm = sqrt(norm);
        if (norm < 1e-12) {
            free(a);
            return nn_set_error("orthogonal initializer: degenerate draw");
        }
        for (int64_t i = 0; i < n; i++)
            a[i * k + j] /= norm;
    }
    for (int64_t i = 0; i < rows; i++)
        for (int64_t j = 0; j < cols; j++)
            w[i * cols + j] = (float)(gain * (rows >= cols ? a[i * k + j] : a[j * k + i]));
    free(a);
    return 0;
}

int nn_init_param(nn_param *p, nn_init_kind kind, nn_rng *r)
{
    double fi, fo;
    nn_fans(p, &fi, &fo);
    switch (kind) {
    case NN_INIT_GLOROT_UNIFORM:
        uniform(p->w, p->count, sqrt(6 / (fi + fo)), r);
        return 0;
    case NN_INIT_HE_UNIFORM:
        uniform(p->w, p->count, sqrt(6 / fi), r);
        return 0;
    case NN_INIT_HE_NORMAL: {
        double sd = sqrt(2 / fi) / 0.87962566103423978;
        for (int64_t i = 0; i < p->count; i++) {
            double z;
            do
                z = nn_rng_normal(r);
            while (fabs(z) > 2);
            p->w[i] = (float)(z * sd);
        }
        return 0;
    }
    case NN_INIT_ORTHOGONAL: {
        int64_t cols = p->shape[p->ndim - 1];
        return nn_init_orthogonal(p->w, p->count / cols, cols, 1.0, r);
    }
    case NN_INIT_ZEROS:
        memset(p->w, 0, sizeof(float) * (size_t)p->count);
        return 0;
    }
    return nn_set_error("unknown initializer");
}

int nn_layer_init(nn_layer *l, nn_rng *r)
{
    for (int i = 0; i < l->nparams; i++) {
        nn_param *p = &l->p[i];
        if (!strcmp(p->name, "kernel")) {
            if (nn_init_param(p, NN_INIT_GLOROT_UNIFORM, r) < 0)
                return -1;
        } else if (!strcmp(p->name, "recurrent_kernel")) {
            if (nn_init_param(p, NN_INIT_ORTHOGONAL, r) < 0)
                return -1;
        } else if (!strcmp(p->name, "embeddings")) {
            uniform(p->w, p->count, 0.05, r);
        } else {
            float v = !strcmp(p->name, "gamma") || !strcmp(p->name, "moving_variance") ? 1.0f : 0.0f;
            for (int64_t j = 0; j < p->count; j++)
                p->w[j] = v;
        }
    }
    return 0;
}
