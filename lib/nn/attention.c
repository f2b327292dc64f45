/* Attention forward and backward (see attention.h).  One task per sample
 * on the thread pool; the score vector's gradient is kept per sample and
 * summed in sample order afterwards. */
#include "nn/attention.h"

#include "core/error.h"
#include "core/mem.h"
#include "core/parallel.h"
#include "math/fastmath.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

int nn_att_parse(const char *name)
{
    if (strcmp(name, "none") == 0)
        return NN_ATT_NONE;
    if (strcmp(name, "bahdanau") == 0)
        return NN_ATT_BAHDANAU;
    if (strcmp(name, "luong") == 0)
        return NN_ATT_LUONG;
    return -1;
}

const char *nn_att_name(nn_att_kind k)
{
    return k == NN_ATT_BAHDANAU ? "bahdanau" : k == NN_ATT_LUONG ? "luong" : "none";
}

static int check_input(const nn_att_input *in)
{
    if (in->kind != NN_ATT_BAHDANAU && in->kind != NN_ATT_LUONG)
        return nn_set_error("attention: no scoring function");
    for (int64_t i = 0; i < in->n; i++)
        if (in->lens[i] < 1 || in->lens[i] > in->T)
            return nn_set_error("attention: sample %lld has %lld frames, outside 1..%lld", (long long)i,
                                (long long)in->lens[i], (long long)in->T);
    return 0;
}

/* score of frame j of sample i; u (A) receives tanh(q + K_j) (bahdanau) */
static float score(const nn_att_input *in, const float *q, const float *Kj, float *u)
{
    int64_t A = in->A;
    float e = 0;
    if (in->kind == NN_ATT_LUONG) {
        for (int64_t k = 0; k < A; k++)
            e += q[k] * Kj[k];
        return e;
    }
    for (int64_t k = 0; k < A; k++) {
        u[k] = nn_tanhf(q[k] + Kj[k]);
        e += in->v[k] * u[k];
    }
    return e;
}

typedef struct {
    const nn_att_input *in;
    const float *q, *a, *dctx;
    float *aw, *ctx, *dq, *dK, *dH, *dvp, *u;
} att_ctx;

static void fwd_task(void *vc, int task, int worker)
{
    (void)worker;
    att_ctx *c = vc;
    const nn_att_input *in = c->in;
    int64_t i = task, T = in->T, A = in->A, C = in->C, len = in->lens[i];
    const float *q = c->q + i * A, *K = in->K + i * T * A, *H = in->H + i * T * C;
    float *a = c->aw + i * T, *ctx = c->ctx + i * C, *u = c->u + i * A;
    float mx = -INFINITY;
    for (int64_t j = 0; j < len; j++) {
        a[j] = score(in, q, K + j * A, u);
        if (a[j] > mx)
            mx = a[j];
    }
    double sum = 0;
    for (int64_t j = 0; j < len; j++) {
        a[j] = expf(a[j] - mx);
        sum += a[j];
    }
    float inv = (float)(1.0 / sum);
    for (int64_t j = 0; j < T; j++)
        a[j] = j < len ? a[j] * inv : 0.0f;
    memset(ctx, 0, sizeof(float) * (size_t)C);
    for (int64_t j = 0; j < len; j++)
        for (int64_t k = 0; k < C; k++)
            ctx[k] += a[j] * H[j * C + k];
}

int nn_attention_forward(const nn_att_input *in, const float *q, float *a, float *ctx)
{
    if (check_input(in) < 0)
        return -1;
    float *u = nn_alloc((size_t)(in->n * in->A), sizeof(float));
    if (!u)
        return -1;
    att_ctx c = {.in = in, .q = q, .aw = a, .ctx = ctx, .u = u};
    nn_parallel_for((int)in->n, fwd_task, &c);
    free(u);
    return 0;
}

static void bwd_task(void *vc, int task, int worker)
{
    (void)worker;
    att_ctx *c = vc;
    const nn_att_input *in = c->in;
    int64_t i = task, T = in->T, A = in->A, C = in->C, len = in->lens[i];
    const float *q = c->q + i * A, *K = in->K + i * T * A, *H = in->H + i * T * C;
    const float *a = c->a + i * T, *dctx = c->dctx + i * C;
    float *dq = c->dq + i * A, *u = c->u + i * A;
    float *dvp = c->dvp ? c->dvp + i * A : NULL;
    /* da_j = dctx . H_j;  de_j = a_j (da_j - sum_k a_k da_k) */
    double dot = 0;
    float *de = c->u + in->n * A + i * T; /* (T) scratch after the u rows */
    for (int64_t j = 0; j < len; j++) {
        float d = 0;
        for (int64_t k = 0; k < C; k++)
            d += dctx[k] * H[j * C + k];
        de[j] = d;
        dot += (double)a[j] * d;
    }
    for (int64_t j = 0; j < len; j++)
        de[j] = a[j] * (de[j] - (float)dot);
    if (c->dH)
        for (int64_t j = 0; j < len; j++)
            for (int64_t k = 0; k < C; k++)
                c->dH[(i * T + j) * C + k] += a[j] * dctx[k];
    memset(dq, 0, sizeof(float) * (size_t)A);
    if (dvp)
        memset(dvp, 0, sizeof(float) * (size_t)A);
    for (int64_t j = 0; j < len; j++) {
        const float *Kj = K + j * A;
        float *dKj = c->dK ? c->dK + (i * T + j) * A : NULL;
        if (in->kind == NN_ATT_LUONG) {
            for (int64_t k = 0; k < A; k++) {
                dq[k] += de[j] * Kj[k];
                if (dKj)
                    dKj[k] += de[j] * q[k];
            }
            continue;
        }
        /* e_j = v . u_j, u_j = tanh(q + K_j) */
        for (int64_t k = 0; k < A; k++) {
            float uk = nn_tanhf(q[k] + Kj[k]);
            float du = de[j] * in->v[k] * (1.0f - uk * uk);
            if (dvp)
                dvp[k] += de[j] * uk;
            dq[k] += du;
            if (dKj)
                dKj[k] += du;
        }
    }
    (void)u;
}

int nn_attention_backward(const nn_att_input *in, const float *q, const float *a, const float *dctx, float *dq,
                          float *dK, float *dH, float *dv)
{
    if (check_input(in) < 0)
        return -1;
    int64_t n = in->n, A = in->A, T = in->T;
    int want_dv = dv && in->kind == NN_ATT_BAHDANAU;
    /* scratch: u rows (n, A) then de rows (n, T), then per-sample dv (n, A) */
    float *u = nn_alloc((size_t)(n * (2 * A + T)), sizeof(float));
    if (!u)
        return -1;
    att_ctx c = {.in = in, .q = q, .a = a, .dctx = dctx, .dq = dq, .dK = dK, .dH = dH, .u = u,
                 .dvp = want_dv ? u + n * (A + T) : NULL};
    nn_parallel_for((int)n, bwd_task, &c);
    if (want_dv)
        for (int64_t i = 0; i < n; i++)
            for (int64_t k = 0; k < A; k++)
                dv[k] += c.dvp[i * A + k];
    free(u);
    return 0;
}
