/* Recurrent layers: gradients by finite differences for every cell, one and
 * two directions, every merge, with and without return_sequences and
 * masks; masking semantics; Keras parameter counts; JSON round trip. */
#include "check.h"

#include "math/rng.h"
#include "nn/init.h"
#include "nn/model.h"
#include "nn/rnn.h"

#include <stdint.h>
#include <string.h>

enum { N = 3, T = 5, IN = 4, U = 3 };

/* L = sum(y * r) for a fixed r: dL/dy = r */
static double loss_of(nn_layer *l, const float *x, const float *r, float *y)
{
    l->ops->forward(l, x, y, N);
    double s = 0;
    int64_t k = N * nn_shape_size(&l->out);
    for (int64_t i = 0; i < k; i++)
        s += (double)y[i] * r[i];
    return s;
}

static void gradcheck(nn_layer *l, int masked)
{
    nn_rng rng;
    nn_rng_seed(&rng, 7);
    nn_shape in = {2, {T, IN}};
    CHECK(nn_layer_setup(l, &in) == 0);
    CHECK(nn_rnn_init(l, &rng) == 0);
    /* non-zero biases so every term is exercised */
    for (int64_t i = 0; i < l->p[2].count; i++)
        l->p[2].w[i] = (float)(nn_rng_uniform(&rng) - 0.5);
    float x[N * T * IN], dx[N * T * IN], y[N * T * 2 * U], r[N * T * 2 * U], y2[N * T * 2 * U];
    /* the last step is padding in every row: the trimmed recurrence */
    uint8_t mask[N * T] = {1, 1, 1, 0, 0, 1, 1, 1, 1, 0, 1, 0, 0, 0, 0};
    for (int i = 0; i < N * T * IN; i++)
        x[i] = (float)(2 * nn_rng_uniform(&rng) - 1);
    for (int i = 0; i < N * T * 2 * U; i++)
        r[i] = (float)(2 * nn_rng_uniform(&rng) - 1);
    l->mask = masked ? mask : NULL;
    loss_of(l, x, r, y);
    for (int k = 0; k < l->nparams; k++)
        memset(l->p[k].g, 0, sizeof(float) * (size_t)l->p[k].count);
    CHECK(l->ops->backward(l, x, y, r, dx, N) == 0);
    const double h = 1e-2;
    double worst = 0;
    for (int k = 0; k < l->nparams; k++) {
        nn_param *p = &l->p[k];
        for (int64_t i = 0; i < p->count; i++) {
            float old = p->w[i];
            p->w[i] = old + (float)h;
            double lp = loss_of(l, x, r, y2);
            p->w[i] = old - (float)h;
            double lm = loss_of(l, x, r, y2);
            p->w[i] = old;
            double num = (lp - lm) / (2 * h), err = fabs(num - p->g[i]) / (1 + fabs(num));
            worst = err > worst ? err : worst;
        }
    }
    for (int i = 0; i < N * T * IN; i++) {
        float old = x[i];
        x[i] = old + (float)h;
        double lp = loss_of(l, x, r, y2);
        x[i] = old - (float)h;
        double lm = loss_of(l, x, r, y2);
        x[i] = old;
        double num = (lp - lm) / (2 * h), err = fabs(num - dx[i]) / (1 + fabs(num));
        worst = err > worst ? err : worst;
    }
    CHECK(worst < 2e-3);
    if (worst >= 2e-3)
        printf("    %s cell %d dirs %d merge %d seq %d mask %d: worst %g\n", l->ops->type, l->cell, l->directions,
               l->merge, l->return_sequences, masked, worst);
    nn_layer_free(l);
}

static void test_gradients(void)
{
    for (int cell = 0; cell < 3; cell++)
        for (int seq = 0; seq < 2; seq++)
            for (int masked = 0; masked < 2; masked++) {
                gradcheck(nn_recurrent((nn_cell_kind)cell, U, seq), masked);
                for (int merge = 0; merge < 4; merge++)
                    gradcheck(nn_bidirectional((nn_cell_kind)cell, U, seq, (nn_merge_mode)merge), masked);
            }
}

/* A padded sequence gives the outputs of the unpadded one, zeros after it,
 * and (without return_sequences) the state at its last real step. */
static void test_mask_carries_state(void)
{
    for (int cell = 0; cell < 3; cell++) {
        nn_rng rng;
        nn_rng_seed(&rng, 3);
        nn_layer *a = nn_recurrent((nn_cell_kind)cell, U, 1), *b = nn_recurrent((nn_cell_kind)cell, U, 1);
        nn_shape in5 = {2, {T, IN}}, in3 = {2, {3, IN}};
        CHECK(nn_layer_setup(a, &in5) == 0 && nn_layer_setup(b, &in3) == 0);
        nn_rnn_init(a, &rng);
        for (int k = 0; k < 3; k++)
            memcpy(b->p[k].w, a->p[k].w, sizeof(float) * (size_t)a->p[k].count);
        float x[T * IN], ya[T * U], yb[3 * U];
        for (int i = 0; i < T * IN; i++)
            x[i] = (float)nn_rng_normal(&rng);
        uint8_t mask[T] = {1, 1, 1, 0, 0};
        a->mask = mask;
        a->ops->forward(a, x, ya, 1);
        b->ops->forward(b, x, yb, 1);
        for (int i = 0; i < 3 * U; i++)
            CHECK_NEAR(ya[i], yb[i], 1e-6);
        for (int i = 3 * U; i < T * U; i++)
            CHECK(ya[i] == 0);
        /* the backward direction starts at the last real step */
        nn_layer *c = nn_bidirectional((nn_cell_kind)cell, U, 0, NN_MERGE_CONCAT);
        nn_layer *e = nn_bidirectional((nn_cell_kind)cell, U, 0, NN_MERGE_CONCAT);
        CHECK(nn_layer_setup(c, &in5) == 0 && nn_layer_setup(e, &in3) == 0);
        nn_rnn_init(c, &rng);
        for (int k = 0; k < 3; k++)
            memcpy(e->p[k].w, c->p[k].w, sizeof(float) * (size_t)c->p[k].count);
        float yc[2 * U], ye[2 * U];
        c->mask = mask;
        c->ops->forward(c, x, yc, 1);
        e->ops->forward(e, x, ye, 1);
        for (int i = 0; i < 2 * U; i++)
            CHECK_NEAR(yc[i], ye[i], 1e-6);
        nn_layer_free(a);
        nn_layer_free(b);
        nn_layer_free(c);
        nn_layer_free(e);
    }
}

static void test_param_counts(void)
{
    int64_t in = 32, u = 100;
    nn_model *m = nn_model_new("sequential");
    nn_shape s = {1, {50}};
    nn_seq *q = nn_model_add_part(m, "model", &s);
    CHECK(nn_seq_add_spec(q, "embedding:1000:32,lstm:100:seq:mask,gru:100:seq,rnn:100:seq:bi:sum,dense:17:softmax", 1) ==
          0);
    CHECK(nn_layer_param_count(q->layers[1], 1) == 4 * (u * (in + u) + u));
    CHECK(nn_layer_param_count(q->layers[2], 1) == 3 * (u * (u + u) + 2 * u));
    CHECK(nn_layer_param_count(q->layers[3], 1) == 2 * (u * (u + u) + u));
    CHECK(nn_seq_out(q)->ndim == 2 && nn_seq_out(q)->d[0] == 50 && nn_seq_out(q)->d[1] == 17);
    CHECK(nn_model_init(m, 5) == 0 && nn_rnn_model_init(m, 5) == 0);
    /* unit forget bias */
    CHECK(q->layers[1]->p[2].w[u] == 1.0f && q->layers[1]->p[2].w[0] == 0.0f);
    CHECK(nn_model_uses_mask(m));
    /* JSON round trip keeps the configuration */
    nn_jbuf b;
    nn_jbuf_init(&b);
    CHECK(nn_model_to_json(m, &b) == 0);
    nn_model *m2 = NULL;
    CHECK(nn_model_from_json(b.data, &m2) == 0);
    if (m2) {
        nn_seq *q2 = m2->parts[0];
        CHECK(q2->n == 5 && q2->layers[1]->masking == 1 && q2->layers[3]->directions == 2 &&
              q2->layers[3]->merge == NN_MERGE_SUM && q2->layers[2]->cell == NN_CELL_GRU);
        CHECK(nn_model_param_count(m2, 1) == nn_model_param_count(m, 1));
    }
    nn_jbuf_free(&b);
    nn_model_free(m2);
    nn_model_free(m);
}

int main(void)
{
    RUN(test_gradients);
    RUN(test_mask_carries_state);
    RUN(test_param_counts);
    return check_summary();
}
