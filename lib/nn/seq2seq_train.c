/* seq2seq training: the teacher-forced forward pass over a batch, the
 * loss, and back-propagation through the decoder steps, the attention,
 * the bridge and the encoder.  Per-step tensors are kept step-major
 * (t, n, ...) so that every step's rows are one contiguous matrix. */
#include "nn/seq2seq_step.h"

#include "core/error.h"
#include "core/mem.h"
#include "math/gemm.h"
#include "nn/losses.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

enum { B_S, B_CC, B_X, B_G, B_RH, B_Q, B_AW, B_CTX, B_O, B_TMP, B_GRAD, B_DO, B_DH, B_DK, B_DSUM, B_DS, B_DCC, B_DCTXF,
       B_DHS, B_DCTX, B_DQ, B_DX, B_DHP, B_DSB, B_DHK, B_WT, B_COUNT };

int nn_s2s_loss(nn_s2s *s, const nn_s2s_data *d, const int64_t *idx, int64_t n, int train, uint64_t step,
                double *loss)
{
    if (!d->y || !d->ylen)
        return nn_set_error("seq2seq: no targets");
    const nn_s2s_config *c = &s->c;
    int64_t Lb = 1;
    for (int64_t i = 0; i < n; i++) {
        int64_t yl = d->ylen[idx[i]];
        if (yl < 0 || yl > d->L)
            return nn_set_error("sample %lld: target length %lld outside 0..%lld", (long long)idx[i], (long long)yl,
                                (long long)d->L);
        if (yl + 1 > Lb)
            Lb = yl + 1;
    }
    s2s_enc e;
    if (s2s_encode(s, d, idx, n, train, step, &e) < 0)
        return -1;
    int64_t T = e.T, D = c->emb, C = 2 * c->enc_units, U = c->enc_units, in = D + C, u = c->dec_units;
    int64_t G = s2s_gates(s) * u, V = c->vocab, A = c->att == NN_ATT_LUONG ? u : c->att_units, uc = u + C;
    int64_t sz[B_COUNT] = {
        [B_S] = (Lb + 1) * n * u, [B_CC] = (Lb + 1) * n * u, [B_X] = Lb * n * in, [B_G] = Lb * n * G,
        [B_RH] = Lb * n * u, [B_Q] = Lb * n * A, [B_AW] = Lb * n * T, [B_CTX] = (Lb + 1) * n * C,
        [B_O] = n * Lb * uc, [B_TMP] = 2 * n * G, [B_GRAD] = train ? n * Lb * V : 0, [B_DO] = train ? n * Lb * uc : 0,
        [B_DH] = train ? n * T * C : 0, [B_DK] = train ? n * T * A : 0, [B_DSUM] = n * C, [B_DS] = n * u,
        [B_DCC] = n * u, [B_DCTXF] = n * C, [B_DHS] = n * u, [B_DCTX] = n * C, [B_DQ] = n * A, [B_DX] = n * in,
        [B_DHP] = n * u, [B_DSB] = n * C, [B_DHK] = train ? n * T * C : 0, [B_WT] = n * Lb};
    float *buf[B_COUNT] = {0};
    int32_t *yin = nn_alloc((size_t)(n * Lb), sizeof(int32_t)), *ytg = nn_alloc((size_t)(n * Lb), sizeof(int32_t));
    int rc = -1;
    if (!yin || !ytg)
        goto done;
    for (int b = 0; b < B_COUNT; b++)
        if (!(buf[b] = nn_calloc((size_t)sz[b] + 1, sizeof(float))))
            goto done;
    float *wt = buf[B_WT];
    double count = 0;
    for (int64_t i = 0; i < n; i++) {
        const int32_t *y = d->y + idx[i] * d->L;
        int64_t yl = d->ylen[idx[i]];
        for (int64_t t = 0; t < Lb; t++) {
            yin[t * n + i] = t == 0 ? NN_S2S_BOS : t - 1 < yl ? y[t - 1] : NN_S2S_PAD;
            ytg[i * Lb + t] = t < yl ? y[t] : t == yl ? NN_S2S_EOS : NN_S2S_PAD;
            wt[i * Lb + t] = t <= yl ? 1.0f : 0.0f;
            count += t <= yl;
        }
    }
    memcpy(buf[B_S], e.s0, sizeof(float) * (size_t)(n * u));
    if (c->att == NN_ATT_NONE)
        memcpy(buf[B_CTX], e.sum, sizeof(float) * (size_t)(n * C));
    nn_att_input ai;
    s2s_att_input(s, &e, &ai);
    s2s_step_buf *sb = nn_alloc((size_t)Lb, sizeof *sb);
    if (!sb)
        goto done;
    for (int64_t t = 0; t < Lb; t++) {
        s2s_step_buf *b = &sb[t];
        b->x = buf[B_X] + t * n * in;
        b->h = buf[B_S] + (t + 1) * n * u;
        b->c = buf[B_CC] + (t + 1) * n * u;
        b->g = buf[B_G] + t * n * G;
        b->rh = buf[B_RH] + t * n * u;
        b->q = buf[B_Q] + t * n * A;
        b->a = buf[B_AW] + t * n * T;
        b->ctx = buf[B_CTX] + (t + 1) * n * C;
        if (s2s_step(s, n, yin + t * n, buf[B_S] + t * n * u, buf[B_CC] + t * n * u, buf[B_CTX] + t * n * C, &ai,
                     e.sum, b, buf[B_TMP]) < 0)
            goto done_sb;
        for (int64_t i = 0; i < n; i++) {
            memcpy(buf[B_O] + (i * Lb + t) * uc, b->h + i * u, sizeof(float) * (size_t)u);
            memcpy(buf[B_O] + (i * Lb + t) * uc + u, b->ctx + i * C, sizeof(float) * (size_t)C);
        }
    }
    const float *logits = nn_seq_forward(s->out, buf[B_O], n * Lb, train, step);
    if (!logits)
        goto done_sb;
    nn_set_error("%s", ""); /* a bad label leaves a message; an overflow does not */
    double l = nn_loss_sparse_cce(logits, 1, ytg, wt, -1, NULL, n * Lb, V, count > 0 ? 1.0 / count : 0.0,
                                  train ? buf[B_GRAD] : NULL);
    /* a NaN of the numbers goes to the loop, which names the epoch and batch */
    if (isnan(l) && *nn_last_error())
        goto done_sb;
    *loss = l;
    if (!train) {
        rc = 0;
        goto done_sb;
    }
    /* ---- backward ---- */
    if (nn_seq_backward(s->out, buf[B_GRAD], buf[B_DO], n * Lb) < 0)
        goto done_sb;
    float *dO = buf[B_DO], *dH = buf[B_DH], *dK = buf[B_DK], *dsum = buf[B_DSUM], *dS = buf[B_DS];
    float *dCc = buf[B_DCC], *dctxf = buf[B_DCTXF], *dh = buf[B_DHS], *dctx = buf[B_DCTX], *dq = buf[B_DQ];
    float *dx = buf[B_DX], *dhp = buf[B_DHP];
    float *Eg = s->embed->layers[0]->p[0].g, *vg = s->score ? s->score->layers[0]->p[0].g : NULL;
    for (int64_t t = Lb - 1; t >= 0; t--) {
        const s2s_step_buf *b = &sb[t];
        for (int64_t i = 0; i < n; i++)
            for (int64_t j = 0; j < uc; j++) {
                float g = dO[(i * Lb + t) * uc + j];
                if (j < u)
                    dh[i * u + j] = g + dS[i * u + j];
                else
                    dctx[i * C + j - u] = g + dctxf[i * C + j - u];
            }
        if (c->att == NN_ATT_NONE) {
            for (int64_t k = 0; k < n * C; k++)
                dsum[k] += dctx[k];
        } else {
            const float *q = c->att == NN_ATT_BAHDANAU ? b->q : b->h;
            if (nn_attention_backward(&ai, q, b->a, dctx, dq, dK, dH, vg) < 0)
                goto done_sb;
            if (c->att == NN_ATT_BAHDANAU) {
                nn_layer *Q = s->query->layers[0];
                nn_sgemm(0, 1, n, u, A, 1.0f, dq, A, Q->p[0].w, A, 1.0f, dh, u);
                nn_sgemm(1, 0, u, A, n, 1.0f, b->h, u, dq, A, 1.0f, Q->p[0].g, A);
                for (int64_t i = 0; i < n; i++)
                    for (int64_t k = 0; k < A; k++)
                        Q->p[1].g[k] += dq[i * A + k];
            } else {
                for (int64_t k = 0; k < n * u; k++)
                    dh[k] += dq[k];
            }
        }
        s2s_cell_backward(s, n, b->x, buf[B_S] + t * n * u, buf[B_CC] + t * n * u, b, dh, dCc, dx, dhp,
                          buf[B_TMP]);
        for (int64_t i = 0; i < n; i++) {
            float *eg = Eg + (int64_t)yin[t * n + i] * D;
            for (int64_t k = 0; k < D; k++)
                eg[k] += dx[i * in + k];
            memcpy(dctxf + i * C, dx + i * in + D, sizeof(float) * (size_t)C);
        }
        memcpy(dS, dhp, sizeof(float) * (size_t)(n * u));
    }
    /* the feed of the first step: attention none starts from the summary */
    if (c->att == NN_ATT_NONE)
        for (int64_t k = 0; k < n * C; k++)
            dsum[k] += dctxf[k];
    if (nn_seq_backward(s->bridge, dS, buf[B_DSB], n) < 0)
        goto done_sb;
    for (int64_t k = 0; k < n * C; k++)
        dsum[k] += buf[B_DSB][k];
    if (s->keys) {
        if (nn_seq_backward(s->keys, dK, buf[B_DHK], n * T) < 0)
            goto done_sb;
        for (int64_t k = 0; k < n * T * C; k++)
            dH[k] += buf[B_DHK][k];
    }
    for (int64_t i = 0; i < n; i++)
        for (int64_t k = 0; k < U; k++) {
            dH[(i * T + e.len[i] - 1) * C + k] += dsum[i * C + k];
            dH[i * T * C + U + k] += dsum[i * C + U + k];
        }
    nn_model_set_mask(s->m, e.mask);
    if (nn_seq_backward(s->enc, dH, NULL, n) < 0)
        goto done_sb;
    rc = 0;
done_sb:
    free(sb);
done:
    nn_model_set_mask(s->m, NULL);
    for (int b = 0; b < B_COUNT; b++)
        free(buf[b]);
    free(yin);
    free(ytg);
    s2s_enc_free(&e);
    return rc;
}

int nn_s2s_batch(void *ctx, const int64_t *idx, int64_t n, int train, int val, uint64_t step, double *loss)
{
    nn_s2s *s = ctx;
    return nn_s2s_loss(s, val ? s->val : s->train, idx, n, train, step, loss);
}
