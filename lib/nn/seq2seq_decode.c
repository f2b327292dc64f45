/* seq2seq decoding: greedy over a whole batch, and beam search one
 * utterance at a time (its beams are the rows of the step).  Scores are
 * sums of log-probabilities; <pad> and <s> are never produced. */
#include "nn/seq2seq_step.h"

#include "core/error.h"
#include "core/mem.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

enum { D_X, D_H, D_C, D_G, D_RH, D_Q, D_A, D_CTX, D_HP, D_CP, D_CTXP, D_TMP, D_O, D_LOG, D_COUNT };

typedef struct {
    float *f[D_COUNT];
    s2s_step_buf b;
} dec_bufs;

static void bufs_free(dec_bufs *d)
{
    for (int i = 0; i < D_COUNT; i++)
        free(d->f[i]);
}

static int bufs_alloc(const nn_s2s *s, int64_t m, int64_t T, dec_bufs *d)
{
    const nn_s2s_config *c = &s->c;
    int64_t u = c->dec_units, C = 2 * c->enc_units, G = s2s_gates(s) * u;
    int64_t A = c->att == NN_ATT_LUONG ? u : c->att_units;
    int64_t sz[D_COUNT] = {[D_X] = m * (c->emb + C), [D_H] = m * u, [D_C] = m * u, [D_G] = m * G, [D_RH] = m * u,
                           [D_Q] = m * A, [D_A] = m * T, [D_CTX] = m * C, [D_HP] = m * u, [D_CP] = m * u,
                           [D_CTXP] = m * C, [D_TMP] = 2 * m * G, [D_O] = m * (u + C), [D_LOG] = m * c->vocab};
    memset(d, 0, sizeof *d);
    for (int i = 0; i < D_COUNT; i++)
        if (!(d->f[i] = nn_calloc((size_t)sz[i] + 1, sizeof(float)))) {
            bufs_free(d);
            return -1;
        }
    d->b = (s2s_step_buf){d->f[D_X], d->f[D_H], d->f[D_C], d->f[D_G], d->f[D_RH], d->f[D_Q], d->f[D_A], d->f[D_CTX]};
    return 0;
}

/* log-softmax of one row in place */
static void log_softmax(float *z, int64_t V)
{
    float mx = z[0];
    for (int64_t k = 1; k < V; k++)
        if (z[k] > mx)
            mx = z[k];
    double sum = 0;
    for (int64_t k = 0; k < V; k++)
        sum += exp((double)(z[k] - mx));
    float lse = mx + (float)log(sum);
    for (int64_t k = 0; k < V; k++)
        z[k] -= lse;
}

static int greedy(nn_s2s *s, const s2s_enc *e, int32_t *out, int64_t *olen, float *att, int64_t Ta)
{
    const nn_s2s_config *c = &s->c;
    int64_t n = e->n, T = e->T, u = c->dec_units, C = 2 * c->enc_units, V = c->vocab, M = c->max_out;
    dec_bufs d;
    int32_t *tok = nn_alloc((size_t)n, sizeof(int32_t));
    uint8_t *done = nn_calloc((size_t)n, 1);
    if (!tok || !done || bufs_alloc(s, n, T, &d) < 0) {
        free(tok);
        free(done);
        return -1;
    }
    nn_att_input ai;
    s2s_att_input(s, e, &ai);
    memcpy(d.f[D_HP], e->s0, sizeof(float) * (size_t)(n * u));
    if (c->att == NN_ATT_NONE)
        memcpy(d.f[D_CTXP], e->sum, sizeof(float) * (size_t)(n * C));
    for (int64_t i = 0; i < n; i++) {
        tok[i] = NN_S2S_BOS;
        olen[i] = 0;
    }
    int rc = 0;
    for (int64_t t = 0; t < M; t++) {
        if (s2s_step(s, n, tok, d.f[D_HP], d.f[D_CP], d.f[D_CTXP], &ai, e->sum, &d.b, d.f[D_TMP]) < 0) {
            rc = -1;
            break;
        }
        s2s_logits(s, n, d.b.h, d.b.ctx, d.f[D_O], d.f[D_LOG]);
        int all = 1;
        for (int64_t i = 0; i < n; i++) {
            if (done[i])
                continue;
            const float *z = d.f[D_LOG] + i * V;
            int32_t best = NN_S2S_EOS;
            for (int64_t k = NN_S2S_EOS + 1; k < V; k++)
                if (z[k] > z[best])
                    best = (int32_t)k;
            out[i * M + t] = best;
            olen[i] = t + 1;
            if (att && c->att != NN_ATT_NONE)
                memcpy(att + (i * M + t) * Ta, d.b.a + i * T, sizeof(float) * (size_t)T);
            tok[i] = best;
            done[i] = best == NN_S2S_EOS;
            all &= done[i];
        }
        memcpy(d.f[D_HP], d.b.h, sizeof(float) * (size_t)(n * u));
        memcpy(d.f[D_CP], d.b.c, sizeof(float) * (size_t)(n * u));
        memcpy(d.f[D_CTXP], d.b.ctx, sizeof(float) * (size_t)(n * C));
        if (all)
            break;
    }
    bufs_free(&d);
    free(tok);
    free(done);
    return rc;
}

typedef struct {
    float score;
    int32_t r, v;
} cand;

static int cmp_cand(const void *a, const void *b)
{
    const cand *x = a, *y = b;
    if (x->score != y->score)
        return x->score > y->score ? -1 : 1;
    if (x->r != y->r)
        return x->r < y->r ? -1 : 1;
    return x->v < y->v ? -1 : x->v > y->v;
}

/* Beam search for sample i of e (B beams); writes out (M), *olen, att (M, Ta). */
static int beam_one(nn_s2s *s, const s2s_enc *e, int64_t i, int64_t B, int32_t *out, int64_t *olen, float *att,
                    int64_t Ta)
{
    const nn_s2s_config *c = &s->c;
    int64_t T = e->T, u = c->dec_units, C = 2 * c->enc_units, V = c->vocab, M = c->max_out;
    int64_t A = c->att == NN_ATT_LUONG ? u : c->att_units;
    int rc = -1;
    dec_bufs d;
    if (bufs_alloc(s, B, T, &d) < 0)
        return -1;
    /* the utterance's encoder tensors repeated for every beam row */
    float *K = e->K ? nn_alloc((size_t)(B * T * A), sizeof(float)) : NULL;
    float *H = nn_alloc((size_t)(B * T * C), sizeof(float)), *sum = nn_alloc((size_t)(B * C), sizeof(float));
    int64_t *lens = nn_alloc((size_t)B, sizeof(int64_t));
    int32_t *tok = nn_alloc((size_t)B, sizeof(int32_t));
    float *score = nn_alloc((size_t)B, sizeof(float));
    int32_t *hist = nn_calloc((size_t)(2 * B * M), sizeof(int32_t)), *fin_tok = nn_calloc((size_t)(B * M), sizeof(int32_t));
    float *ahist = nn_calloc((size_t)(2 * B * M * T), sizeof(float)), *fin_att = nn_calloc((size_t)(B * M * T), sizeof(float));
    float *fin_score = nn_alloc((size_t)B, sizeof(float)), *nscore = nn_alloc((size_t)B, sizeof(float));
    int64_t *fin_len = nn_alloc((size_t)B, sizeof(int64_t));
    cand *cd = nn_alloc((size_t)(B * V), sizeof(cand));
    float *nh = nn_alloc((size_t)(B * u), sizeof(float)), *nc = nn_alloc((size_t)(B * u), sizeof(float));
    float *nctx = nn_alloc((size_t)(B * C), sizeof(float));
    int32_t *ntok = nn_alloc((size_t)B, sizeof(int32_t));
    if ((e->K && !K) || !H || !sum || !lens || !tok || !score || !hist || !fin_tok || !ahist || !fin_att ||
        !fin_score || !nscore || !fin_len || !cd || !nh || !nc || !nctx || !ntok)
        goto done;
    for (int64_t r = 0; r < B; r++) {
        if (K)
            memcpy(K + r * T * A, e->K + i * T * A, sizeof(float) * (size_t)(T * A));
        memcpy(H + r * T * C, e->H + i * T * C, sizeof(float) * (size_t)(T * C));
        memcpy(sum + r * C, e->sum + i * C, sizeof(float) * (size_t)C);
        lens[r] = e->len[i];
    }
    nn_att_input ai;
    s2s_att_input(s, e, &ai);
    ai.n = B;
    ai.K = K;
    ai.H = H;
    ai.lens = lens;
    int64_t m = 1, nfin = 0;
    memcpy(d.f[D_HP], e->s0 + i * u, sizeof(float) * (size_t)u);
    if (c->att == NN_ATT_NONE)
        memcpy(d.f[D_CTXP], sum, sizeof(float) * (size_t)C);
    tok[0] = NN_S2S_BOS;
    score[0] = 0;
    int32_t *h_cur = hist, *h_new = hist + B * M;
    float *a_cur = ahist, *a_new = ahist + B * M * T;
    int64_t t;
    for (t = 0; t < M && m > 0; t++) {
        ai.n = m;
        if (s2s_step(s, m, tok, d.f[D_HP], d.f[D_CP], d.f[D_CTXP], &ai, sum, &d.b, d.f[D_TMP]) < 0)
            goto done;
        s2s_logits(s, m, d.b.h, d.b.ctx, d.f[D_O], d.f[D_LOG]);
        int64_t nc_ = 0;
        for (int64_t r = 0; r < m; r++) {
            float *z = d.f[D_LOG] + r * V;
            log_softmax(z, V);
            for (int64_t k = NN_S2S_EOS; k < V; k++)
                cd[nc_++] = (cand){score[r] + z[k], (int32_t)r, (int32_t)k};
        }
        qsort(cd, (size_t)nc_, sizeof *cd, cmp_cand);
        int64_t nl = 0;
        for (int64_t k = 0; k < nc_ && nl < B; k++) {
            int32_t r = cd[k].r, v = cd[k].v;
            if (v == NN_S2S_EOS) {
                if (nfin < B) {
                    memcpy(fin_tok + nfin * M, h_cur + r * M, sizeof(int32_t) * (size_t)t);
                    fin_tok[nfin * M + t] = v;
                    memcpy(fin_att + nfin * M * T, a_cur + r * M * T, sizeof(float) * (size_t)(t * T));
                    memcpy(fin_att + (nfin * M + t) * T, d.b.a + r * T, sizeof(float) * (size_t)T);
                    fin_len[nfin] = t + 1;
                    fin_score[nfin++] = cd[k].score;
                }
                continue;
            }
            memcpy(h_new + nl * M, h_cur + r * M, sizeof(int32_t) * (size_t)t);
            h_new[nl * M + t] = v;
            memcpy(a_new + nl * M * T, a_cur + r * M * T, sizeof(float) * (size_t)(t * T));
            memcpy(a_new + (nl * M + t) * T, d.b.a + r * T, sizeof(float) * (size_t)T);
            memcpy(nh + nl * u, d.b.h + r * u, sizeof(float) * (size_t)u);
            memcpy(nc + nl * u, d.b.c + r * u, sizeof(float) * (size_t)u);
            memcpy(nctx + nl * C, d.b.ctx + r * C, sizeof(float) * (size_t)C);
            ntok[nl] = v;
            nscore[nl++] = cd[k].score;
        }
        m = nl;
        memcpy(d.f[D_HP], nh, sizeof(float) * (size_t)(m * u));
        memcpy(d.f[D_CP], nc, sizeof(float) * (size_t)(m * u));
        memcpy(d.f[D_CTXP], nctx, sizeof(float) * (size_t)(m * C));
        memcpy(tok, ntok, sizeof(int32_t) * (size_t)m);
        memcpy(score, nscore, sizeof(float) * (size_t)m);
        int32_t *ts = h_cur;
        h_cur = h_new;
        h_new = ts;
        float *as = a_cur;
        a_cur = a_new;
        a_new = as;
        if (nfin >= B)
            break;
        /* scores only fall as hypotheses grow: a finished one at least as
         * good as every live one is final */
        float best_fin = -INFINITY;
        for (int64_t k = 0; k < nfin; k++)
            if (fin_score[k] > best_fin)
                best_fin = fin_score[k];
        if (nfin > 0 && (m == 0 || best_fin >= score[0]))
            break;
    }
    int64_t bi = -1;
    for (int64_t k = 0; k < nfin; k++)
        if (bi < 0 || fin_score[k] > fin_score[bi])
            bi = k;
    if (bi >= 0) {
        *olen = fin_len[bi];
        memcpy(out, fin_tok + bi * M, sizeof(int32_t) * (size_t)M);
        if (att)
            for (int64_t k = 0; k < fin_len[bi]; k++)
                memcpy(att + k * Ta, fin_att + (bi * M + k) * T, sizeof(float) * (size_t)T);
    } else {
        /* nothing finished within max_out: the best live hypothesis */
        *olen = M;
        memcpy(out, h_cur, sizeof(int32_t) * (size_t)M);
        if (att)
            for (int64_t k = 0; k < M; k++)
                memcpy(att + k * Ta, a_cur + k * T, sizeof(float) * (size_t)T);
    }
    if (att && c->att == NN_ATT_NONE)
        memset(att, 0, sizeof(float) * (size_t)(M * Ta));
    rc = 0;
done:
    bufs_free(&d);
    free(K), free(H), free(sum), free(lens), free(tok), free(score), free(hist), free(fin_tok), free(ahist);
    free(fin_att), free(fin_score), free(nscore), free(fin_len), free(cd), free(nh), free(nc), free(nctx), free(ntok);
    return rc;
}

int nn_s2s_decode(nn_s2s *s, const nn_s2s_data *d, const int64_t *idx, int64_t n, int beam, int32_t *out,
                  int64_t *olen, float *att)
{
    if (beam < 1)
        return nn_set_error("beam width must be at least 1");
    if (d->T < 1)
        return nn_set_error("no frames");
    int64_t M = s->c.max_out, Ta = nn_s2s_enc_len(&s->c, d->T);
    memset(out, 0, sizeof(int32_t) * (size_t)(n * M));
    if (att)
        memset(att, 0, sizeof(float) * (size_t)(n * M * Ta));
    s2s_enc e;
    if (s2s_encode(s, d, idx, n, 0, 0, &e) < 0)
        return -1;
    int rc = 0;
    if (beam == 1)
        rc = greedy(s, &e, out, olen, att, Ta);
    else
        for (int64_t i = 0; i < n && rc == 0; i++)
            rc = beam_one(s, &e, i, beam, out + i * M, olen + i, att ? att + i * M * Ta : NULL, Ta);
    nn_model_set_mask(s->m, NULL);
    s2s_enc_free(&e);
    return rc;
}
