/* Attention: forward by hand on a tiny case, gradients by finite
 * differences (bahdanau and luong), masking of frames past the length. */
#include "check.h"
#include "math/rng.h"
#include "nn/attention.h"

#include <string.h>

enum { N = 2, T = 5, A = 3, C = 4 };

static float K[N * T * A], H[N * T * C], q[N * A], v[A], wc[N * C];
static int64_t lens[N] = {5, 3};

static void fill(nn_rng *r, float *x, int n, double s)
{
    for (int i = 0; i < n; i++)
        x[i] = (float)(s * nn_rng_normal(r));
}

static double objective(nn_att_kind kind)
{
    nn_att_input in = {kind, N, T, A, C, K, H, v, lens};
    float a[N * T], ctx[N * C];
    if (nn_attention_forward(&in, q, a, ctx) < 0)
        return NAN;
    double s = 0;
    for (int i = 0; i < N * C; i++)
        s += (double)wc[i] * ctx[i];
    return s;
}

static void gradcheck(nn_att_kind kind)
{
    nn_rng r;
    nn_rng_seed(&r, 7);
    fill(&r, K, N * T * A, 0.8);
    fill(&r, H, N * T * C, 1.0);
    fill(&r, q, N * A, 0.8);
    fill(&r, v, A, 1.0);
    fill(&r, wc, N * C, 1.0);
    nn_att_input in = {kind, N, T, A, C, K, H, v, lens};
    float a[N * T], ctx[N * C], dq[N * A], dK[N * T * A] = {0}, dH[N * T * C] = {0}, dv[A] = {0};
    CHECK(nn_attention_forward(&in, q, a, ctx) == 0);
    CHECK(nn_attention_backward(&in, q, a, wc, dq, dK, dH, dv) == 0);
    struct {
        float *x, *g;
        int n;
    } t[4] = {{q, dq, N * A}, {K, dK, N * T * A}, {H, dH, N * T * C}, {v, dv, A}};
    const float eps = 1e-2f;
    for (int k = 0; k < (kind == NN_ATT_BAHDANAU ? 4 : 3); k++)
        for (int i = 0; i < t[k].n; i++) {
            float old = t[k].x[i];
            t[k].x[i] = old + eps;
            double lp = objective(kind);
            t[k].x[i] = old - eps;
            double lm = objective(kind);
            t[k].x[i] = old;
            double num = (lp - lm) / (2 * eps);
            CHECK_NEAR(t[k].g[i], num, 2e-3 + 2e-2 * fabs(num));
        }
    /* frames past the length: no weight, no gradient */
    for (int j = 3; j < T; j++) {
        CHECK(a[T + j] == 0);
        for (int c = 0; c < C; c++)
            CHECK(dH[(T + j) * C + c] == 0);
    }
}

static void test_grad_bahdanau(void) { gradcheck(NN_ATT_BAHDANAU); }
static void test_grad_luong(void) { gradcheck(NN_ATT_LUONG); }

static void test_forward_by_hand(void)
{
    /* luong, one sample, T = 2: scores q.K = 0 and log 3 -> a = 1/4, 3/4 */
    float Kh[2] = {0.0f, (float)log(3.0)}, Hh[4] = {1, 0, 0, 1}, qh[1] = {1}, a[2], ctx[2];
    int64_t l[1] = {2};
    nn_att_input in = {NN_ATT_LUONG, 1, 2, 1, 2, Kh, Hh, NULL, l};
    CHECK(nn_attention_forward(&in, qh, a, ctx) == 0);
    CHECK_NEAR(a[0], 0.25, 1e-6);
    CHECK_NEAR(a[1], 0.75, 1e-6);
    CHECK_NEAR(ctx[0], 0.25, 1e-6);
    CHECK_NEAR(ctx[1], 0.75, 1e-6);
    l[0] = 1;
    CHECK(nn_attention_forward(&in, qh, a, ctx) == 0);
    CHECK(a[0] == 1.0f && a[1] == 0.0f);
    l[0] = 3;
    CHECK(nn_attention_forward(&in, qh, a, ctx) < 0);
    l[0] = 0;
    CHECK(nn_attention_forward(&in, qh, a, ctx) < 0);
    CHECK(nn_att_parse("bahdanau") == NN_ATT_BAHDANAU && nn_att_parse("luong") == NN_ATT_LUONG &&
          nn_att_parse("none") == NN_ATT_NONE && nn_att_parse("x") < 0);
}

int main(void)
{
    RUN(test_forward_by_hand);
    RUN(test_grad_bahdanau);
    RUN(test_grad_luong);
    return check_summary();
}
