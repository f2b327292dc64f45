/* Recurrent layers: forward and backward (BPTT) of the three cells, one or
 * two directions.  See rnn.h for the equations and shapes.
 *
 * Per direction the cache holds (time index t in the input's order):
 *   A  (n, t, G*u)  gate activations (i f c o / z r hh / h)
 *   H  (n, t, u)    state after each step (carried through masked steps)
 *   C  (n, t, u)    LSTM cell state
 *   RH (n, t, u)    GRU: h' U_h + b'_h, the recurrent part of the candidate
 *   Y  (n, to, u)   this direction's output (to = t or 1)
 * Elementwise work is split by sample over the thread pool; each sample's
 * numbers are computed the same way whatever the thread count. */
#include "nn/rnn.h"

#include "core/error.h"
#include "core/parallel.h"
#include "math/fastmath.h"
#include "math/gemm.h"

#include <math.h>
#include <string.h>

static int gates(const nn_layer *l) { return l->cell == NN_CELL_LSTM ? 4 : l->cell == NN_CELL_GRU ? 3 : 1; }
static float sigm(float x) { return 1.0f / (1.0f + expf(-x)); }

static int rnn_setup(nn_layer *l)
{
    if (l->in.ndim != 2)
        return nn_set_error("layer %s: needs sequences (time, features) as input", l->name);
    int64_t in = l->in.d[1], u = l->units, gu = gates(l) * u, D = l->directions;
    int64_t w = D == 2 && l->merge == NN_MERGE_CONCAT ? 2 * u : u;
    if (l->return_sequences) {
        l->out.ndim = 2;
        l->out.d[0] = l->in.d[0];
        l->out.d[1] = w;
    } else {
        l->out.ndim = 1;
        l->out.d[0] = w;
    }
    int64_t ks[3] = {D, in, gu}, rs[3] = {D, u, gu}, bs[3] = {D, 2, gu};
    int off = D == 2 ? 0 : 1; /* one direction: Keras's shapes, no leading axis */
    if (nn_layer_add_param(l, "kernel", 3 - off, ks + off, 1) < 0 ||
        nn_layer_add_param(l, "recurrent_kernel", 3 - off, rs + off, 1) < 0)
        return -1;
    if (l->cell == NN_CELL_GRU)
        return nn_layer_add_param(l, "bias", 3 - off, bs + off, 1);
    bs[1] = gu;
    return nn_layer_add_param(l, "bias", 2 - off, bs + off, 1);
}

typedef struct {
    int64_t n, T, in, u, gu, to;
    int64_t dir_size; /* cache floats per direction */
} dims;

static dims get_dims(const nn_layer *l, int64_t n)
{
    dims d;
    d.n = n;
    d.T = l->in.d[0];
    d.in = l->in.d[1];
    d.u = l->units;
    d.gu = gates(l) * d.u;
    d.to = l->return_sequences ? d.T : 1;
    d.dir_size = n * d.T * (d.gu + 3 * d.u) + n * d.to * d.u;
    return d;
}

/* ---- forward ---- */

typedef struct {
    const nn_layer *l;
    const dims *d;
    float *A, *H, *C, *RH;
    const float *R;     /* GRU: (n, gu) recurrent projections of this step */
    const float *bias_r;/* GRU recurrent bias */
    const float *zeros;
    int64_t t, tp;      /* this step, previous step (-1 at the first) */
    int nchunks;
} step_ctx;

static void step_fwd(void *vctx, int task, int worker)
{
    (void)worker;
    const step_ctx *c = vctx;
    const dims *d = c->d;
    int64_t u = d->u, T = d->T, t = c->t;
    int64_t b0 = d->n * task / c->nchunks, b1 = d->n * (task + 1) / c->nchunks;
    for (int64_t b = b0; b < b1; b++) {
        int64_t row = b * T + t;
        float *a = c->A + row * d->gu, *h = c->H + row * u;
        const float *hp = c->tp >= 0 ? c->H + (b * T + c->tp) * u : c->zeros;
        const float *cp = c->tp >= 0 && c->C ? c->C + (b * T + c->tp) * u : c->zeros;
        if (c->l->mask && !c->l->mask[row]) { /* padding: carry the state */
            memcpy(h, hp, sizeof(float) * (size_t)u);
            if (c->l->cell == NN_CELL_LSTM)
                memcpy(c->C + row * u, cp, sizeof(float) * (size_t)u);
            continue;
        }
        switch (c->l->cell) {
        case NN_CELL_RNN:
            for (int64_t j = 0; j < u; j++)
                h[j] = a[j] = nn_tanhf(a[j]);
            break;
        case NN_CELL_LSTM: {
            float *cc = c->C + row * u;
            for (int64_t j = 0; j < u; j++) {
                float i = sigm(a[j]), f = sigm(a[u + j]), g = nn_tanhf(a[2 * u + j]), o = sigm(a[3 * u + j]);
                a[j] = i;
                a[u + j] = f;
                a[2 * u + j] = g;
                a[3 * u + j] = o;
                cc[j] = f * cp[j] + i * g;
                h[j] = o * nn_tanhf(cc[j]);
            }
            break;
        }
        case NN_CELL_GRU: {
            const float *r = c->R + b * d->gu;
            float *rh = c->RH + row * u;
            for (int64_t j = 0; j < u; j++) {
                float z = sigm(a[j] + r[j]), rr = sigm(a[u + j] + r[u + j]);
                rh[j] = r[2 * u + j];
                float hh = nn_tanhf(a[2 * u + j] + rr * rh[j]);
                a[j] = z;
                a[u + j] = rr;
                a[2 * u + j] = hh;
                h[j] = z * hp[j] + (1 - z) * hh;
            }
            break;
        }
        }
    }
}

/* Tasks for the elementwise part of a step: one when it is too small to
 * be worth waking the pool (a step of a small batch is microseconds). */
static int chunks(int64_t n, int64_t u)
{
    int64_t k = nn_threads(), big = n * u / 8192 + 1;
    k = k < big ? k : big;
    return (int)(n < k ? n : k);
}

static void run(int nchunks, nn_task_fn fn, void *ctx)
{
    if (nchunks == 1)
        fn(ctx, 0, 0);
    else
        nn_parallel_for(nchunks, fn, ctx);
}

/* rows[t] = 1 + the last sample whose step t is real (0: none).  Samples
 * from rows[t] on only carry their state through step t, so the recurrent
 * GEMMs of step t run on the first rows[t] samples: a batch ordered by
 * length, longest first (train-rnn does so), multiplies about as many
 * rows as it has tokens, as PyTorch's packed sequences do.  Without a
 * mask every row is real at every step. */
static void active_rows(const nn_layer *l, int64_t n, int64_t T, float *rows)
{
    for (int64_t t = 0; t < T; t++) {
        int64_t k = l->mask ? 0 : n;
        for (int64_t b = n - 1; b >= 0 && l->mask; b--)
            if (l->mask[b * T + t]) {
                k = b + 1;
                break;
            }
        rows[t] = (float)k; /* a float buffer: exact below 2^24 samples */
    }
}

static int direction_forward(nn_layer *l, const dims *d, int dir, const float *x, float *cache, float *work)
{
    int64_t n = d->n, T = d->T, u = d->u, gu = d->gu, in = d->in;
    int gru = l->cell == NN_CELL_GRU;
    const float *W = l->p[0].w + dir * in * gu, *U = l->p[1].w + dir * u * gu;
    const float *bias = l->p[2].w + dir * (gru ? 2 : 1) * gu;
    float *A = cache, *H = A + n * T * gu, *C = H + n * T * u, *RH = C + n * T * u, *Y = RH + n * T * u;
    float *zeros = work, *R = work + u;
    memset(zeros, 0, sizeof(float) * (size_t)u);

    /* input projections of every step at once: A (n*T, gu) = x W + b */
    for (int64_t r = 0; r < n * T; r++)
        memcpy(A + r * gu, bias, sizeof(float) * (size_t)gu);
    nn_sgemm(0, 0, n * T, gu, in, 1.0f, x, in, W, gu, 1.0f, A, gu);

    step_ctx c = {l, d, A, H, l->cell == NN_CELL_LSTM ? C : NULL, RH, R, bias + gu, zeros, 0, -1, chunks(n, u)};
    float *rows = R + n * gu; /* (T) */
    active_rows(l, n, T, rows);
    for (int64_t s = 0; s < T; s++) {
        int64_t t = dir ? T - 1 - s : s, tp = s ? (dir ? t + 1 : t - 1) : -1, k = (int64_t)rows[t];
        if (gru) { /* R (n, gu) = h' U + b' */
            for (int64_t b = 0; b < n; b++)
                memcpy(R + b * gu, bias + gu, sizeof(float) * (size_t)gu);
            if (tp >= 0 && k > 0)
                nn_sgemm(0, 0, k, gu, u, 1.0f, H + tp * u, T * u, U, gu, 1.0f, R, gu);
        } else if (tp >= 0 && k > 0) { /* A[:k, t] += h'[:k] U */
            nn_sgemm(0, 0, k, gu, u, 1.0f, H + tp * u, T * u, U, gu, 1.0f, A + t * gu, T * gu);
        }
        c.t = t;
        c.tp = tp;
        run(c.nchunks, step_fwd, &c);
    }
    /* this direction's output */
    for (int64_t b = 0; b < n; b++) {
        if (l->return_sequences) {
            for (int64_t t = 0; t < T; t++) {
                float *yr = Y + (b * T + t) * u;
                if (l->mask && !l->mask[b * T + t])
                    memset(yr, 0, sizeof(float) * (size_t)u);
                else
                    memcpy(yr, H + (b * T + t) * u, sizeof(float) * (size_t)u);
            }
        } else {
            memcpy(Y + b * u, H + (b * T + (dir ? 0 : T - 1)) * u, sizeof(float) * (size_t)u);
        }
    }
    return 0;
}

static int rnn_forward(nn_layer *l, const float *x, float *y, int64_t n)
{
    dims d = get_dims(l, n);
    int D = l->directions;
    float *cache = nn_layer_cache(l, D * d.dir_size);
    /* work: zeros (u), R (n, gu), rows (T) */
    float *work = nn_layer_work(l, d.u + n * d.gu + d.T);
    if (!cache || !work)
        return -1;
    for (int dir = 0; dir < D; dir++)
        if (direction_forward(l, &d, dir, x, cache + dir * d.dir_size, work) < 0)
            return -1;
    int64_t off = n * d.T * (d.gu + 3 * d.u), rows = n * d.to, u = d.u;
    const float *y0 = cache + off, *y1 = cache + d.dir_size + off;
    if (D == 1) {
        memcpy(y, y0, sizeof(float) * (size_t)(rows * u));
        return 0;
    }
    for (int64_t r = 0; r < rows; r++) {
        const float *a = y0 + r * u, *b = y1 + r * u;
        if (l->merge == NN_MERGE_CONCAT) {
            memcpy(y + r * 2 * u, a, sizeof(float) * (size_t)u);
            memcpy(y + r * 2 * u + u, b, sizeof(float) * (size_t)u);
            continue;
        }
        float *o = y + r * u;
        for (int64_t j = 0; j < u; j++)
            o[j] = l->merge == NN_MERGE_SUM ? a[j] + b[j]
                 : l->merge == NN_MERGE_MUL ? a[j] * b[j]
                                             : 0.5f * (a[j] + b[j]);
    }
    return 0;
}

/* ---- backward ---- */

typedef struct {
    const nn_layer *l;
    const dims *d;
    const float *A, *H, *C, *RH, *dY, *zeros;
    float *dA, *dR, *dh, *dc;
    int64_t t, tp, s;
    int nchunks;
} bstep_ctx;

static void step_bwd(void *vctx, int task, int worker)
{
    (void)worker;
    const bstep_ctx *c = vctx;
    const dims *d = c->d;
    int64_t u = d->u, T = d->T, t = c->t, gu = d->gu;
    int64_t b0 = d->n * task / c->nchunks, b1 = d->n * (task + 1) / c->nchunks;
    for (int64_t b = b0; b < b1; b++) {
        int64_t row = b * T + t;
        int m = !c->l->mask || c->l->mask[row];
        float *dh = c->dh + b * u, *dc = c->dc + b * u;
        float *da = c->dA + row * gu, *dr = c->dR + row * gu;
        /* the output's gradient joins the state's */
        if (c->l->return_sequences) {
            if (m)
                for (int64_t j = 0; j < u; j++)
                    dh[j] += c->dY[row * u + j];
        } else if (c->s == T - 1) {
            for (int64_t j = 0; j < u; j++)
                dh[j] += c->dY[b * u + j];
        }
        if (!m) { /* state carried: dh, dc pass through, no gate gradient */
            memset(da, 0, sizeof(float) * (size_t)gu);
            if (dr != da)
                memset(dr, 0, sizeof(float) * (size_t)gu);
            continue;
        }
        const float *a = c->A + row * gu;
        const float *hp = c->tp >= 0 ? c->H + (b * T + c->tp) * u : c->zeros;
        switch (c->l->cell) {
        case NN_CELL_RNN:
            for (int64_t j = 0; j < u; j++) {
                da[j] = dh[j] * (1 - a[j] * a[j]);
                dh[j] = 0;
            }
            break;
        case NN_CELL_LSTM: {
            const float *cc = c->C + row * u;
            const float *cp = c->tp >= 0 ? c->C + (b * T + c->tp) * u : c->zeros;
            for (int64_t j = 0; j < u; j++) {
                float i = a[j], f = a[u + j], g = a[2 * u + j], o = a[3 * u + j];
                float tc = nn_tanhf(cc[j]);
                float dct = dc[j] + dh[j] * o * (1 - tc * tc);
                da[j] = dct * g * i * (1 - i);
                da[u + j] = dct * cp[j] * f * (1 - f);
                da[2 * u + j] = dct * i * (1 - g * g);
                da[3 * u + j] = dh[j] * tc * o * (1 - o);
                dc[j] = dct * f;
                dh[j] = 0;
            }
            break;
        }
        case NN_CELL_GRU: {
            const float *rh = c->RH + row * u;
            for (int64_t j = 0; j < u; j++) {
                float z = a[j], r = a[u + j], hh = a[2 * u + j];
                float dah = dh[j] * (1 - z) * (1 - hh * hh);
                float dz = dh[j] * (hp[j] - hh) * z * (1 - z);
                float drr = dah * rh[j] * r * (1 - r);
                da[j] = dr[j] = dz;
                da[u + j] = dr[u + j] = drr;
                da[2 * u + j] = dah;
                dr[2 * u + j] = dah * r;
                dh[j] = dh[j] * z;
            }
            break;
        }
        }
    }
}

static int direction_backward(nn_layer *l, const dims *d, int dir, const float *x, const float *cache,
                              const float *dY, float *dx, float *work)
{
    int64_t n = d->n, T = d->T, u = d->u, gu = d->gu, in = d->in;
    int gru = l->cell == NN_CELL_GRU;
    const float *W = l->p[0].w + dir * in * gu, *U = l->p[1].w + dir * u * gu;
    float *dW = l->p[0].g + dir * in * gu, *dU = l->p[1].g + dir * u * gu;
    float *db = l->p[2].g + dir * (gru ? 2 : 1) * gu;
    const float *A = cache, *H = A + n * T * gu, *C = H + n * T * u, *RH = C + n * T * u;

    /* work: dA (n*T, gu), dR (n*T, gu) for gru, Hp (n*T, u), dh, dc (n, u), zeros (u), rows (T),
     * xc (n*T, in) */
    float *dA = work, *dR = gru ? dA + n * T * gu : dA, *Hp = dA + n * T * gu * (gru ? 2 : 1);
    float *dh = Hp + n * T * u, *dc = dh + n * u, *zeros = dc + n * u, *xc = zeros + u + T;
    memset(dh, 0, sizeof(float) * (size_t)(2 * n * u + u));

    bstep_ctx c = {l, d, A, H, C, RH, dY, zeros, dA, dR, dh, dc, 0, -1, 0, chunks(n, u)};
    float *rows = zeros + u; /* (T) */
    active_rows(l, n, T, rows);
    for (int64_t s = T - 1; s >= 0; s--) {
        int64_t t = dir ? T - 1 - s : s, tp = s ? (dir ? t + 1 : t - 1) : -1, k = (int64_t)rows[t];
        c.t = t;
        c.tp = tp;
        c.s = s;
        run(c.nchunks, step_bwd, &c);
        /* dh'[:k] += dR_t[:k] U^T (the direct part is already in dh; dR_t
         * is 0 from row k on) */
        if (tp >= 0 && k > 0)
            nn_sgemm(0, 1, k, u, gu, 1.0f, dR + t * gu, T * gu, U, gu, 1.0f, dh, u);
    }
    /* The weight gradients are sums over the steps; dA and dR are 0 at
     * masked steps, so only the real ones go in (in a GMB batch about half
     * of n*T).  Their rows are moved to the front, in order: dA, dR in
     * place, and Hp[i] (the state before real step i) and xc[i] (its
     * input) built that way; m of them. */
    int64_t m = 0;
    for (int64_t b = 0; b < n; b++)
        for (int64_t t = 0; t < T; t++) {
            int64_t r = b * T + t;
            if (l->mask && !l->mask[r])
                continue;
            int64_t tp = dir ? t + 1 : t - 1;
            const float *src = tp >= 0 && tp < T ? H + (b * T + tp) * u : zeros;
            memcpy(Hp + m * u, src, sizeof(float) * (size_t)u);
            if (l->mask) {
                memmove(dA + m * gu, dA + r * gu, sizeof(float) * (size_t)gu);
                if (gru)
                    memmove(dR + m * gu, dR + r * gu, sizeof(float) * (size_t)gu);
                memcpy(xc + m * in, x + r * in, sizeof(float) * (size_t)in);
            }
            m++;
        }
    const float *xs = l->mask ? xc : x; /* (m, in) */
    nn_sgemm(1, 0, in, gu, m, 1.0f, xs, in, dA, gu, 1.0f, dW, gu);
    nn_sgemm(1, 0, u, gu, m, 1.0f, Hp, u, dR, gu, 1.0f, dU, gu);
    for (int64_t r = 0; r < m; r++)
        for (int64_t j = 0; j < gu; j++)
            db[j] += dA[r * gu + j];
    if (gru)
        for (int64_t r = 0; r < m; r++)
            for (int64_t j = 0; j < gu; j++)
                db[gu + j] += dR[r * gu + j];
    if (!dx)
        return 0;
    if (!l->mask) { /* dx (n*T, in) = dA W^T (+ the other direction's) */
        nn_sgemm(0, 1, n * T, in, gu, 1.0f, dA, gu, W, gu, dir ? 1.0f : 0.0f, dx, in);
        return 0;
    }
    /* dx of the real steps, (m, in), then back to their rows; 0 at masked
     * ones (the first direction writes, the second adds) */
    nn_sgemm(0, 1, m, in, gu, 1.0f, dA, gu, W, gu, 0.0f, xc, in);
    if (!dir)
        memset(dx, 0, sizeof(float) * (size_t)(n * T * in));
    for (int64_t b = 0, i = 0; b < n; b++)
        for (int64_t t = 0; t < T; t++) {
            int64_t r = b * T + t;
            if (!l->mask[r])
                continue;
            for (int64_t j = 0; j < in; j++)
                dx[r * in + j] += xc[i * in + j];
            i++;
        }
    return 0;
}

static int rnn_backward(nn_layer *l, const float *x, const float *y, const float *dy, float *dx, int64_t n)
{
    (void)y;
    dims d = get_dims(l, n);
    int D = l->directions;
    int64_t u = d.u, rows = n * d.to;
    int64_t per = n * d.T * d.gu * (l->cell == NN_CELL_GRU ? 2 : 1) + n * d.T * u + 2 * n * u + u + d.T + n * d.T * d.in;
    float *work = nn_layer_work(l, D * rows * u + per);
    if (!work)
        return -1;
    float *dY = work, *rest = work + D * rows * u;
    /* each direction's share of dy */
    if (D == 1) {
        memcpy(dY, dy, sizeof(float) * (size_t)(rows * u));
    } else {
        int64_t off = n * d.T * (d.gu + 3 * u);
        const float *y0 = l->cache + off, *y1 = l->cache + d.dir_size + off;
        float *d0 = dY, *d1 = dY + rows * u;
        for (int64_t r = 0; r < rows; r++)
            for (int64_t j = 0; j < u; j++) {
                int64_t k = r * u + j;
                switch (l->merge) {
                case NN_MERGE_CONCAT:
                    d0[k] = dy[r * 2 * u + j];
                    d1[k] = dy[r * 2 * u + u + j];
                    break;
                case NN_MERGE_SUM:
                    d0[k] = d1[k] = dy[k];
                    break;
                case NN_MERGE_MUL:
                    d0[k] = dy[k] * y1[k];
                    d1[k] = dy[k] * y0[k];
                    break;
                case NN_MERGE_AVE:
                    d0[k] = d1[k] = 0.5f * dy[k];
                    break;
                }
            }
    }
    for (int dir = 0; dir < D; dir++)
        if (direction_backward(l, &d, dir, x, l->cache + dir * d.dir_size, dY + dir * rows * u, dx, rest) < 0)
            return -1;
    return 0;
}

static const nn_layer_ops rnn_ops = {"simple_rnn", rnn_setup, rnn_forward, rnn_backward};
static const nn_layer_ops lstm_ops = {"lstm", rnn_setup, rnn_forward, rnn_backward};
static const nn_layer_ops gru_ops = {"gru", rnn_setup, rnn_forward, rnn_backward};
static const nn_layer_ops bi_ops = {"bidirectional", rnn_setup, rnn_forward, rnn_backward};

int nn_is_recurrent(const nn_layer *l) { return l->ops->forward == rnn_forward; }

static nn_layer *make(const nn_layer_ops *ops, nn_cell_kind cell, int64_t units, int return_sequences)
{
    nn_layer *l = nn_layer_new(ops);
    if (l) {
        l->cell = (int)cell;
        l->units = units;
        l->return_sequences = return_sequences;
        l->directions = 1;
        l->merge = NN_MERGE_CONCAT;
        l->unit_forget_bias = 1;
        l->act = NN_ACT_TANH;
    }
    return l;
}

nn_layer *nn_recurrent(nn_cell_kind cell, int64_t units, int return_sequences)
{
    const nn_layer_ops *ops = cell == NN_CELL_LSTM ? &lstm_ops : cell == NN_CELL_GRU ? &gru_ops : &rnn_ops;
    return make(ops, cell, units, return_sequences);
}

nn_layer *nn_bidirectional(nn_cell_kind cell, int64_t units, int return_sequences, nn_merge_mode merge)
{
    nn_layer *l = make(&bi_ops, cell, units, return_sequences);
    if (l) {
        l->directions = 2;
        l->merge = (int)merge;
    }
    return l;
}
