/* The encoder pass and the decoder's cell step (forward and backward) of
 * the seq2seq model; equations in seq2seq.h and rnn.h (Keras's GRU with
 * reset_after, LSTM gates i f c o). */
#include "nn/seq2seq_step.h"

#include "core/error.h"
#include "core/mem.h"
#include "math/fastmath.h"
#include "math/gemm.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static float sigm(float x) { return 1.0f / (1.0f + expf(-x)); }

int s2s_gates(const nn_s2s *s) { return s->c.cell == NN_CELL_LSTM ? 4 : 3; }

void s2s_att_input(const nn_s2s *s, const s2s_enc *e, nn_att_input *ai)
{
    memset(ai, 0, sizeof *ai);
    ai->kind = s->c.att;
    ai->n = e->n;
    ai->T = e->T;
    ai->A = s->c.att == NN_ATT_LUONG ? s->c.dec_units : s->c.att_units;
    ai->C = 2 * s->c.enc_units;
    ai->K = e->K;
    ai->H = e->H;
    ai->v = s->score ? s->score->layers[0]->p[0].w : NULL;
    ai->lens = e->len;
}

void s2s_enc_free(s2s_enc *e)
{
    /* The encoder's input shape is part of the architecture written into
     * checkpoints and model files: it must not depend on the length of the
     * last batch, or a resumed run (which rebuilds the model with one step)
     * would find "a different architecture".  (1, stack*F) never fails. */
    if (e->enc && e->enc->in.d[0] != 1) {
        nn_shape one = {2, {1, e->enc->in.d[1]}};
        (void)nn_seq_set_input(e->enc, &one);
    }
    free(e->xs);
    free(e->mask);
    free(e->len);
    free(e->sum);
    memset(e, 0, sizeof *e);
}

int s2s_encode(nn_s2s *s, const nn_s2s_data *d, const int64_t *idx, int64_t n, int train, uint64_t step,
               s2s_enc *e)
{
    const nn_s2s_config *c = &s->c;
    int64_t F = c->feat, k = c->stack, C = 2 * c->enc_units, U = c->enc_units, T = 1;
    memset(e, 0, sizeof *e);
    for (int64_t i = 0; i < n; i++) {
        int64_t l = d->len[idx[i]];
        if (l < 1 || l > d->T)
            return nn_set_error("utterance %lld: %lld frames, outside 1..%lld", (long long)idx[i], (long long)l,
                                (long long)d->T);
        if (nn_s2s_enc_len(c, l) > T)
            T = nn_s2s_enc_len(c, l);
    }
    e->n = n;
    e->T = T;
    e->xs = nn_calloc((size_t)(n * T), (size_t)(k * F) * sizeof(float));
    e->mask = nn_calloc((size_t)(n * T), 1);
    e->len = nn_alloc((size_t)n, sizeof(int64_t));
    e->sum = nn_alloc((size_t)(n * C), sizeof(float));
    if (!e->xs || !e->mask || !e->len || !e->sum)
        goto fail;
    /* stacking: frame t goes to step t / k, slot t % k: (n, T, k*F) */
    for (int64_t i = 0; i < n; i++) {
        int64_t l = d->len[idx[i]];
        memcpy(e->xs + i * T * k * F, d->x + idx[i] * d->T * F, sizeof(float) * (size_t)(l * F));
        e->len[i] = nn_s2s_enc_len(c, l);
        memset(e->mask + i * T, 1, (size_t)e->len[i]);
    }
    nn_shape in = {2, {T, k * F}};
    e->enc = s->enc;
    if (s->enc->in.d[0] != T && nn_seq_set_input(s->enc, &in) < 0)
        goto fail;
    nn_model_set_mask(s->m, e->mask);
    if (!(e->H = nn_seq_forward(s->enc, e->xs, n, train, step)))
        goto fail;
    for (int64_t i = 0; i < n; i++) {
        memcpy(e->sum + i * C, e->H + (i * T + e->len[i] - 1) * C, sizeof(float) * (size_t)U);
        memcpy(e->sum + i * C + U, e->H + i * T * C + U, sizeof(float) * (size_t)U);
    }
    if (!(e->s0 = nn_seq_forward(s->bridge, e->sum, n, train, step)))
        goto fail;
    if (s->keys && !(e->K = nn_seq_forward(s->keys, e->H, n * T, train, step)))
        goto fail;
    return 0;
fail:
    s2s_enc_free(e);
    return -1;
}

int s2s_step(nn_s2s *s, int64_t m, const int32_t *tok, const float *hp, const float *cp, const float *ctxp,
             const nn_att_input *ai, const float *sum, s2s_step_buf *b, float *tmp)
{
    const nn_s2s_config *c = &s->c;
    int64_t D = c->emb, C = 2 * c->enc_units, in = D + C, u = c->dec_units, G = s2s_gates(s) * u;
    const nn_layer *L = s->dec->layers[0];
    const float *E = s->embed->layers[0]->p[0].w, *W = L->p[0].w, *Ur = L->p[1].w, *bias = L->p[2].w;
    for (int64_t r = 0; r < m; r++) {
        if (tok[r] < 0 || tok[r] >= c->vocab)
            return nn_set_error("token id %d outside the vocabulary", (int)tok[r]);
        memcpy(b->x + r * in, E + (int64_t)tok[r] * D, sizeof(float) * (size_t)D);
        memcpy(b->x + r * in + D, ctxp + r * C, sizeof(float) * (size_t)C);
    }
    /* input projection (m, G) with the input bias, recurrent one in tmp */
    for (int64_t r = 0; r < m; r++) {
        memcpy(b->g + r * G, bias, sizeof(float) * (size_t)G);
        if (c->cell == NN_CELL_GRU)
            memcpy(tmp + r * G, bias + G, sizeof(float) * (size_t)G);
    }
    nn_sgemm(0, 0, m, G, in, 1.0f, b->x, in, W, G, 1.0f, b->g, G);
    if (c->cell == NN_CELL_GRU) {
        nn_sgemm(0, 0, m, G, u, 1.0f, hp, u, Ur, G, 1.0f, tmp, G);
        for (int64_t r = 0; r < m; r++)
            for (int64_t j = 0; j < u; j++) {
                float *g = b->g + r * G;
                const float *R = tmp + r * G;
                float z = sigm(g[j] + R[j]), rr = sigm(g[u + j] + R[u + j]), rh = R[2 * u + j];
                float hh = nn_tanhf(g[2 * u + j] + rr * rh);
                g[j] = z;
                g[u + j] = rr;
                g[2 * u + j] = hh;
                b->rh[r * u + j] = rh;
                b->h[r * u + j] = z * hp[r * u + j] + (1.0f - z) * hh;
            }
    } else {
        nn_sgemm(0, 0, m, G, u, 1.0f, hp, u, Ur, G, 1.0f, b->g, G);
        for (int64_t r = 0; r < m; r++)
            for (int64_t j = 0; j < u; j++) {
                float *g = b->g + r * G;
                float ig = sigm(g[j]), fg = sigm(g[u + j]), cg = nn_tanhf(g[2 * u + j]), og = sigm(g[3 * u + j]);
                g[j] = ig;
                g[u + j] = fg;
                g[2 * u + j] = cg;
                g[3 * u + j] = og;
                float cc = fg * cp[r * u + j] + ig * cg;
                b->c[r * u + j] = cc;
                b->h[r * u + j] = og * nn_tanhf(cc);
            }
    }
    if (c->att == NN_ATT_NONE) {
        memcpy(b->ctx, sum, sizeof(float) * (size_t)(m * C));
        return 0;
    }
    const float *q = b->h;
    if (c->att == NN_ATT_BAHDANAU) {
        const nn_layer *Q = s->query->layers[0];
        int64_t A = c->att_units;
        for (int64_t r = 0; r < m; r++)
            memcpy(b->q + r * A, Q->p[1].w, sizeof(float) * (size_t)A);
        nn_sgemm(0, 0, m, A, u, 1.0f, b->h, u, Q->p[0].w, A, 1.0f, b->q, A);
        q = b->q;
    }
    return nn_attention_forward(ai, q, b->a, b->ctx);
}

void s2s_cell_backward(nn_s2s *s, int64_t m, const float *x, const float *hp, const float *cp, const s2s_step_buf *b,
                       const float *dh, float *dc, float *dx, float *dhp, float *tmp)
{
    const nn_s2s_config *c = &s->c;
    int64_t D = c->emb, C = 2 * c->enc_units, in = D + C, u = c->dec_units, G = s2s_gates(s) * u;
    nn_layer *L = s->dec->layers[0];
    const float *W = L->p[0].w, *Ur = L->p[1].w;
    float *dP = tmp, *dR = tmp + m * G;
    if (c->cell == NN_CELL_GRU) {
        for (int64_t r = 0; r < m; r++)
            for (int64_t j = 0; j < u; j++) {
                const float *g = b->g + r * G;
                float z = g[j], rr = g[u + j], hh = g[2 * u + j], rh = b->rh[r * u + j], d = dh[r * u + j];
                float dz = d * (hp[r * u + j] - hh) * z * (1.0f - z);
                float dah = d * (1.0f - z) * (1.0f - hh * hh);
                float dr = dah * rh * rr * (1.0f - rr);
                dP[r * G + j] = dR[r * G + j] = dz;
                dP[r * G + u + j] = dR[r * G + u + j] = dr;
                dP[r * G + 2 * u + j] = dah;
                dR[r * G + 2 * u + j] = dah * rr;
                dhp[r * u + j] = d * z;
            }
        float *bg = L->p[2].g;
        for (int64_t r = 0; r < m; r++)
            for (int64_t j = 0; j < G; j++) {
                bg[j] += dP[r * G + j];
                bg[G + j] += dR[r * G + j];
            }
        nn_sgemm(1, 0, in, G, m, 1.0f, x, in, dP, G, 1.0f, L->p[0].g, G);
        nn_sgemm(1, 0, u, G, m, 1.0f, hp, u, dR, G, 1.0f, L->p[1].g, G);
        nn_sgemm(0, 1, m, in, G, 1.0f, dP, G, W, G, 0.0f, dx, in);
        nn_sgemm(0, 1, m, u, G, 1.0f, dR, G, Ur, G, 1.0f, dhp, u);
        return;
    }
    for (int64_t r = 0; r < m; r++)
        for (int64_t j = 0; j < u; j++) {
            const float *g = b->g + r * G;
            float ig = g[j], fg = g[u + j], cg = g[2 * u + j], og = g[3 * u + j];
            float tc = nn_tanhf(b->c[r * u + j]), d = dh[r * u + j];
            float dct = dc[r * u + j] + d * og * (1.0f - tc * tc);
            dP[r * G + j] = dct * cg * ig * (1.0f - ig);
            dP[r * G + u + j] = dct * cp[r * u + j] * fg * (1.0f - fg);
            dP[r * G + 2 * u + j] = dct * ig * (1.0f - cg * cg);
            dP[r * G + 3 * u + j] = d * tc * og * (1.0f - og);
            dc[r * u + j] = dct * fg;
        }
    float *bg = L->p[2].g;
    for (int64_t r = 0; r < m; r++)
        for (int64_t j = 0; j < G; j++)
            bg[j] += dP[r * G + j];
    nn_sgemm(1, 0, in, G, m, 1.0f, x, in, dP, G, 1.0f, L->p[0].g, G);
    nn_sgemm(1, 0, u, G, m, 1.0f, hp, u, dP, G, 1.0f, L->p[1].g, G);
    nn_sgemm(0, 1, m, in, G, 1.0f, dP, G, W, G, 0.0f, dx, in);
    nn_sgemm(0, 1, m, u, G, 1.0f, dP, G, Ur, G, 0.0f, dhp, u);
}

void s2s_logits(nn_s2s *s, int64_t m, const float *h, const float *ctx, float *o, float *logits)
{
    int64_t u = s->c.dec_units, C = 2 * s->c.enc_units, V = s->c.vocab;
    const nn_layer *O = s->out->layers[0];
    for (int64_t r = 0; r < m; r++) {
        memcpy(o + r * (u + C), h + r * u, sizeof(float) * (size_t)u);
        memcpy(o + r * (u + C) + u, ctx + r * C, sizeof(float) * (size_t)C);
        memcpy(logits + r * V, O->p[1].w, sizeof(float) * (size_t)V);
    }
    nn_sgemm(0, 0, m, V, u + C, 1.0f, o, u + C, O->p[0].w, V, 1.0f, logits, V);
}
