/* seq2seq: the whole teacher-forced loss's gradients by finite
 * differences (gru and lstm, each attention kind), tokens, metadata round
 * trip, and greedy vs beam decoding. */
#include "check.h"
#include "core/mem.h"
#include "math/rng.h"
#include "nn/seq2seq.h"

#include <string.h>

enum { N = 3, T = 7, F = 3, L = 3 };

static float X[N * T * F];
static int64_t LEN[N] = {7, 5, 2}, YLEN[N] = {2, 3, 1};
static int32_t Y[N * L] = {3, 4, 0, 5, 3, 3, 4, 0, 0};

static void make_config(nn_s2s_config *c, nn_cell_kind cell, nn_att_kind att)
{
    nn_s2s_defaults(c);
    c->cell = cell;
    c->att = att;
    c->feat = F;
    c->stack = 2;
    c->enc_units = 3;
    c->dec_units = 4;
    c->emb = 3;
    c->att_units = 3;
    c->max_out = 6;
    char *texts[2] = {"a b", "c a"};
    CHECK(nn_s2s_vocab_from_texts(c, texts, 2) == 0);
}

static nn_s2s_data data(void)
{
    nn_rng r;
    nn_rng_seed(&r, 3);
    for (int i = 0; i < N * T * F; i++)
        X[i] = (float)nn_rng_normal(&r);
    nn_s2s_data d = {X, LEN, N, T, Y, YLEN, L};
    return d;
}

static double loss_of(nn_s2s *s, const nn_s2s_data *d)
{
    int64_t idx[N] = {0, 1, 2};
    double l = NAN;
    CHECK(nn_s2s_loss(s, d, idx, N, 0, 0, &l) == 0);
    return l;
}

static void gradcheck(nn_cell_kind cell, nn_att_kind att)
{
    nn_s2s_config c;
    make_config(&c, cell, att);
    nn_model *m = NULL;
    CHECK(nn_s2s_build(&c, 5, &m) == 0);
    if (!m)
        return;
    nn_s2s s;
    CHECK(nn_s2s_init(&s, m, &c) == 0);
    nn_s2s_data d = data();
    /* larger weights than the initialisation so that every path matters */
    int np;
    nn_param **ps = nn_model_params(m, 1, &np);
    nn_rng r;
    nn_rng_seed(&r, 11);
    for (int k = 0; k < np; k++)
        for (int64_t i = 0; i < ps[k]->count; i++)
            ps[k]->w[i] += (float)(0.3 * nn_rng_normal(&r));
    nn_model_zero_grad(m);
    int64_t idx[N] = {0, 1, 2};
    double l0 = 0;
    CHECK(nn_s2s_loss(&s, &d, idx, N, 1, 0, &l0) == 0);
    CHECK_NEAR(l0, loss_of(&s, &d), 1e-6);
    const float eps = 1e-2f;
    int bad = 0, checked = 0;
    for (int k = 0; k < np; k++) {
        int64_t cnt = ps[k]->count, stride = cnt > 12 ? cnt / 12 : 1;
        for (int64_t i = 0; i < cnt; i += stride) {
            float old = ps[k]->w[i];
            ps[k]->w[i] = old + eps;
            double lp = loss_of(&s, &d);
            ps[k]->w[i] = old - eps;
            double lm = loss_of(&s, &d);
            ps[k]->w[i] = old;
            double num = (lp - lm) / (2 * eps), an = ps[k]->g[i];
            checked++;
            if (fabs(num - an) > 2e-3 + 3e-2 * fabs(num)) {
                if (bad++ < 5)
                    printf("    %s[%lld]: analytic %g numeric %g\n", ps[k]->name, (long long)i, an, num);
            }
        }
    }
    CHECK(bad == 0);
    CHECK(checked > 50);
    free(ps);
    nn_model_free(m);
    nn_s2s_config_free(&c);
}

static void test_grad_gru_bahdanau(void) { gradcheck(NN_CELL_GRU, NN_ATT_BAHDANAU); }
static void test_grad_gru_luong(void) { gradcheck(NN_CELL_GRU, NN_ATT_LUONG); }
static void test_grad_gru_none(void) { gradcheck(NN_CELL_GRU, NN_ATT_NONE); }
static void test_grad_lstm_bahdanau(void) { gradcheck(NN_CELL_LSTM, NN_ATT_BAHDANAU); }
static void test_grad_lstm_none(void) { gradcheck(NN_CELL_LSTM, NN_ATT_NONE); }

static void test_tokens(void)
{
    nn_s2s_config c;
    nn_s2s_defaults(&c);
    char *texts[2] = {"two one", "three  one"};
    CHECK(nn_s2s_vocab_from_texts(&c, texts, 2) == 0);
    CHECK(c.vocab == 6);
    CHECK(strcmp(c.tokens[3], "one") == 0 && strcmp(c.tokens[5], "two") == 0);
    int32_t ids[4];
    int64_t n = 0;
    CHECK(nn_s2s_text_to_ids(&c, "one two three", ids, 4, &n) == 0 && n == 3);
    CHECK(ids[0] == 3 && ids[1] == 5 && ids[2] == 4);
    char *t = nn_s2s_ids_to_text(&c, ids, n);
    CHECK(t && strcmp(t, "one two three") == 0);
    free(t);
    CHECK(nn_s2s_text_to_ids(&c, "one four", ids, 4, &n) < 0);
    CHECK(nn_s2s_text_to_ids(&c, "one one one one one", ids, 4, &n) < 0);
    nn_s2s_config_free(&c);
    nn_s2s_defaults(&c);
    c.chars = 1;
    char *digits[1] = {"31 4"};
    CHECK(nn_s2s_vocab_from_texts(&c, digits, 1) == 0 && c.vocab == 6);
    CHECK(nn_s2s_text_to_ids(&c, "413", ids, 4, &n) == 0 && n == 3);
    t = nn_s2s_ids_to_text(&c, ids, n);
    CHECK(t && strcmp(t, "413") == 0);
    free(t);
    nn_s2s_config_free(&c);
}

static void test_metadata_round_trip(void)
{
    nn_s2s_config c, back;
    make_config(&c, NN_CELL_LSTM, NN_ATT_LUONG);
    nn_s2s_data d = data();
    CHECK(nn_s2s_fit_norm(&c, d.x, d.len, N, T) == 0);
    nn_safetensors st;
    nn_st_init(&st);
    CHECK(nn_s2s_config_to_st(&c, &st) == 0);
    CHECK(nn_s2s_config_from_st(&st, &back) == 0);
    CHECK(back.cell == NN_CELL_LSTM && back.att == NN_ATT_LUONG && back.stack == 2 && back.vocab == c.vocab);
    CHECK(back.mean && back.std && back.mean[1] == c.mean[1] && back.std[2] == c.std[2]);
    CHECK(strcmp(back.tokens[4], c.tokens[4]) == 0);
    nn_s2s_config_free(&back);
    nn_st_set_meta(&st, "seq2seq.attention", "cosine");
    CHECK(nn_s2s_config_from_st(&st, &back) < 0);
    nn_st_free(&st);
    nn_s2s_config_free(&c);
}

static void test_greedy_vs_beam(void)
{
    nn_s2s_config c;
    make_config(&c, NN_CELL_GRU, NN_ATT_BAHDANAU);
    nn_model *m = NULL;
    CHECK(nn_s2s_build(&c, 9, &m) == 0);
    nn_s2s s;
    CHECK(nn_s2s_init(&s, m, &c) == 0);
    nn_s2s_data d = data();
    int64_t idx[N] = {0, 1, 2}, M = c.max_out, Ta = nn_s2s_enc_len(&c, T);
    int32_t g[N * 6], b1[N * 6], b4[N * 6];
    int64_t gl[N], bl1[N], bl4[N];
    float *att = nn_alloc((size_t)(N * M * Ta), sizeof(float));
    CHECK(nn_s2s_decode(&s, &d, idx, N, 1, g, gl, att) == 0);
    CHECK(nn_s2s_decode(&s, &d, idx, N, 1, b1, bl1, NULL) == 0);
    /* beam 1 through the beam code equals greedy; wider beams decode too */
    for (int64_t i = 0; i < N; i++) {
        int64_t one = 0;
        CHECK(nn_s2s_decode(&s, &d, &idx[i], 1, 1, b1 + i * M, &one, NULL) == 0);
        CHECK(one == gl[i]);
        CHECK(memcmp(b1 + i * M, g + i * M, sizeof(int32_t) * (size_t)gl[i]) == 0);
    }
    CHECK(nn_s2s_decode(&s, &d, idx, N, 4, b4, bl4, NULL) == 0);
    for (int64_t i = 0; i < N; i++) {
        CHECK(gl[i] >= 1 && gl[i] <= M && bl4[i] >= 1 && bl4[i] <= M);
        /* every attention row of an output token sums to 1 over the valid frames */
        double sum = 0;
        for (int64_t j = 0; j < Ta; j++)
            sum += att[(i * M) * Ta + j];
        CHECK_NEAR(sum, 1.0, 1e-5);
    }
    free(att);
    nn_model_free(m);
    nn_s2s_config_free(&c);
}

int main(void)
{
    RUN(test_tokens);
    RUN(test_metadata_round_trip);
    RUN(test_grad_gru_bahdanau);
    RUN(test_grad_gru_luong);
    RUN(test_grad_gru_none);
    RUN(test_grad_lstm_bahdanau);
    RUN(test_grad_lstm_none);
    RUN(test_greedy_vs_beam);
    return check_summary();
}
