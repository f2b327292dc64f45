/* Optimizers; see optim.h. */
#include "nn/optim.h"

#include "core/error.h"
#include "core/mem.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static const char *names[] = {"sgd", "rmsprop", "adam"};

int nn_optim_parse(const char *name)
{
    for (int i = 0; i < 3; i++)
        if (!strcmp(name, names[i]))
            return i;
    return -1;
}

const char *nn_optim_name(nn_optim_kind k) { return names[k]; }

void nn_optim_init(nn_optim *o, nn_optim_kind kind)
{
    memset(o, 0, sizeof *o);
    o->kind = kind;
    o->lr = kind == NN_SGD ? 0.01 : 1e-3;
    o->rho = 0.9;
    o->beta1 = 0.9;
    o->beta2 = 0.999;
    o->eps = 1e-7;
}

int nn_optim_attach(nn_optim *o, nn_param **params, int n)
{
    o->params = nn_calloc((size_t)n, sizeof *o->params);
    o->m = nn_calloc((size_t)n, sizeof *o->m);
    o->v = nn_calloc((size_t)n, sizeof *o->v);
    if (!o->params || !o->m || !o->v)
        return -1;
    o->nparams = n;
    for (int i = 0; i < n; i++) {
        o->params[i] = params[i];
        o->m[i] = nn_calloc((size_t)params[i]->count, sizeof(float));
        o->v[i] = nn_calloc((size_t)params[i]->count, sizeof(float));
        if (!o->m[i] || !o->v[i])
            return -1;
    }
    return 0;
}

void nn_optim_free(nn_optim *o)
{
    for (int i = 0; i < o->nparams; i++) {
        if (o->m)
            free(o->m[i]);
        if (o->v)
            free(o->v[i]);
    }
    free(o->params);
    free(o->m);
    free(o->v);
    o->params = NULL;
    o->m = o->v = NULL;
    o->nparams = 0;
}

static double sumsq(const float *g, int64_t n)
{
    double s = 0;
    for (int64_t i = 0; i < n; i++)
        s += (double)g[i] * g[i];
    return s;
}

static void scale(float *g, int64_t n, float k)
{
    for (int64_t i = 0; i < n; i++)
        g[i] *= k;
}

static void clip(nn_optim *o)
{
    if (o->clipnorm > 0)
        for (int i = 0; i < o->nparams; i++) {
            nn_param *p = o->params[i];
            double norm = sqrt(sumsq(p->g, p->count));
            if (norm > o->clipnorm)
                scale(p->g, p->count, (float)(o->clipnorm / norm));
        }
    if (o->global_clipnorm > 0) {
        double s = 0;
        for (int i = 0; i < o->nparams; i++)
            s += sumsq(o->params[i]->g, o->params[i]->count);
        double norm = sqrt(s);
        if (norm > o->global_clipnorm)
            for (int i = 0; i < o->nparams; i++)
                scale(o->params[i]->g, o->params[i]->count, (float)(o->global_clipnorm / norm));
    }
    if (o->clipvalue > 0) {
        float c = (float)o->clipvalue;
        for (int i = 0; i < o->nparams; i++) {
            nn_param *p = o->params[i];
            for (int64_t j = 0; j < p->count; j++)
                p->g[j] = p->g[j] > c ? c : p->g[j] < -c ? -c : p->g[j];
        }
    }
}

void nn_optim_step(nn_optim *o)
{
    clip(o);
    o->iterations++;
    float lr = (float)o->lr;
    double t = (double)o->iterations;
    float adam_lr = (float)(o->lr * sqrt(1 - pow(o->beta2, t)) / (1 - pow(o->beta1, t)));
    float b1 = (float)o->beta1, b2 = (float)o->beta2, rho = (float)o->rho, eps = (float)o->eps;
    float mom = (float)o->momentum;
    for (int i = 0; i < o->nparams; i++) {
        nn_param *p = o->params[i];
        float *w = p->w, *g = p->g, *m = o->m[i], *v = o->v[i];
        int64_t n = p->count;
        switch (o->kind) {
        case NN_SGD:
            if (mom == 0) {
                for (int64_t j = 0; j < n; j++)
                    w[j] -= lr * g[j];
            } else {
                for (int64_t j = 0; j < n; j++) {
                    m[j] = mom * m[j] - lr * g[j];
                    w[j] += o->nesterov ? mom * m[j] - lr * g[j] : m[j];
                }
            }
            break;
        case NN_RMSPROP:
            for (int64_t j = 0; j < n; j++) {
                m[j] = rho * m[j] + (1 - rho) * g[j] * g[j];
                w[j] -= lr * g[j] / (sqrtf(m[j]) + eps);
            }
            break;
        case NN_ADAM:
            for (int64_t j = 0; j < n; j++) {
                m[j] = b1 * m[j] + (1 - b1) * g[j];
                v[j] = b2 * v[j] + (1 - b2) * g[j] * g[j];
                w[j] -= adam_lr * m[j] / (sqrtf(v[j]) + eps);
            }
            break;
        }
    }
}
