/* Losses and KL terms: finite-difference gradient checks and values
 * worked by hand. */
#include "check.h"

#include "math/rng.h"
#include "nn/losses.h"

#include <math.h>
#include <string.h>

#define N 12

static float T[N], M[N];
static int32_t LABELS[4] = {2, 0, -1, 1};
static const float CW[3] = {1.0f, 2.0f, 0.5f};

/* which: 0 bce, 1 bce_logits, 2 mse, 3 cce logits, 4 cce probs, 5 kl cat */
static double eval(int which, const float *x, float *g)
{
    switch (which) {
    case 0: return nn_loss_bce(x, T, N, 0.5, g);
    case 1: return nn_loss_bce_logits(x, T, N, 0.5, g);
    case 2: return nn_loss_mse(x, T, N, 0.5, g);
    case 3: return nn_loss_sparse_cce(x, 1, LABELS, M, -1, CW, 4, 3, 0.25, g);
    case 4: return nn_loss_sparse_cce(x, 0, LABELS, M, -1, CW, 4, 3, 0.25, g);
    default: return nn_kl_categorical(x, 4, 3, 0.25, g);
    }
}

static int check_grad(int which, float *x)
{
    float g[N], dummy[N];
    eval(which, x, g);
    int bad = 0;
    for (int i = 0; i < N; i++) {
        float s = x[i];
        double h = 1e-3;
        x[i] = (float)(s + h);
        double hp = (double)x[i] - s;
        double lp = eval(which, x, dummy);
        x[i] = (float)(s - h);
        double hm = s - (double)x[i];
        double lm = eval(which, x, dummy);
        x[i] = s;
        double num = (lp - lm) / (hp + hm);
        if (!(fabs(num - g[i]) <= 1e-4 + 1e-3 * fabs(num))) {
            if (bad++ < 3)
                printf("    loss %d x[%d]: %.7g numeric %.7g\n", which, i, (double)g[i], num);
        }
    }
    return bad;
}

static void test_loss_gradients(void)
{
    nn_rng r;
    nn_rng_seed(&r, 3);
    float p[N], z[N];
    for (int i = 0; i < N; i++) {
        T[i] = (float)nn_rng_uniform(&r);
        M[i] = i == 1 ? 0.0f : 1.0f; /* row 1 masked out */
        p[i] = (float)(0.05 + 0.9 * nn_rng_uniform(&r));
        z[i] = (float)(4 * nn_rng_uniform(&r) - 2);
    }
    CHECK(check_grad(0, p) == 0);
    CHECK(check_grad(1, z) == 0);
    CHECK(check_grad(2, z) == 0);
    CHECK(check_grad(3, z) == 0);
    CHECK(check_grad(4, p) == 0);
    CHECK(check_grad(5, z) == 0);
}

static void test_kl_gaussian_gradient(void)
{
    float mu[5] = {0.3f, -1, 2, 0, 0.1f}, lv[5] = {-0.5f, 0.2f, 1, 0, -2};
    float gm[5], gl[5], d1[5], d2[5];
    nn_kl_gaussian(mu, lv, 5, 0.5, gm, gl);
    for (int i = 0; i < 5; i++) {
        double h = 1e-3;
        float s = mu[i];
        mu[i] = (float)(s + h);
        double a = nn_kl_gaussian(mu, lv, 5, 0.5, d1, d2);
        mu[i] = (float)(s - h);
        double b = nn_kl_gaussian(mu, lv, 5, 0.5, d1, d2);
        mu[i] = s;
        CHECK_NEAR(gm[i], (a - b) / (2 * h), 1e-4);
        s = lv[i];
        lv[i] = (float)(s + h);
        a = nn_kl_gaussian(mu, lv, 5, 0.5, d1, d2);
        lv[i] = (float)(s - h);
        b = nn_kl_gaussian(mu, lv, 5, 0.5, d1, d2);
        lv[i] = s;
        CHECK_NEAR(gl[i], (a - b) / (2 * h), 1e-4);
    }
}

static void test_values_by_hand(void)
{
    float p[2] = {0.5f, 0.25f}, t[2] = {1, 0};
    /* -log(0.5 + eps) - log(0.75 + eps), eps = 1e-7 (Keras's log(p + eps)) */
    CHECK_NEAR(nn_loss_bce(p, t, 2, 1, NULL), -log(0.5 + 1e-7) - log(0.75 + 1e-7), 1e-9);
    float zero = 0, one = 1;
    CHECK_NEAR(nn_loss_bce(&zero, &one, 1, 1, NULL), -log(2e-7), 1e-6); /* clipped to eps */
    float z = 0, tz = 1;
    CHECK_NEAR(nn_loss_bce_logits(&z, &tz, 1, 1, NULL), log(2.0), 1e-12);
    float big = 100;
    CHECK_NEAR(nn_loss_bce_logits(&big, &tz, 1, 1, NULL), 0, 1e-12); /* no overflow */
    CHECK_NEAR(nn_loss_mse(p, t, 2, 0.5, NULL), (0.25 + 0.0625) / 2, 1e-9);
    /* uniform logits: CE = log 3, KL to the uniform prior = 0 */
    float u[3] = {1, 1, 1};
    int32_t y = 2;
    CHECK_NEAR(nn_loss_sparse_cce(u, 1, &y, NULL, -1, NULL, 1, 3, 1, NULL), log(3.0), 1e-7);
    CHECK_NEAR(nn_kl_categorical(u, 1, 3, 1, NULL), 0, 1e-7);
    /* one-hot-ish logits: KL -> log 3 */
    float hot[3] = {50, 0, 0};
    CHECK_NEAR(nn_kl_categorical(hot, 1, 3, 1, NULL), log(3.0), 1e-6);
    /* N(0, 1) has no KL; mu = 1 costs 1/2 */
    float mu[2] = {0, 1}, lv[2] = {0, 0};
    CHECK_NEAR(nn_kl_gaussian(mu, lv, 2, 1, NULL, NULL), 0.5, 1e-12);
}

/* BCE of a sigmoid output, differentiated at the logits: the value is the
 * clipped nn_loss_bce of p = sigmoid(z); the gradient is that of the
 * unclipped loss of z (nn_loss_bce_logits), also where p is clipped
 * (z = -40 and 40 below, on the wrong side of their targets). */
static void test_bce_of_sigmoid(void)
{
    const float z[5] = {-40.0f, -1.5f, 0.0f, 2.0f, 40.0f}, t[5] = {1, 0, 1, 0.25f, 0};
    float p[5], g[5], gz[5];
    for (int i = 0; i < 5; i++)
        p[i] = (float)(1 / (1 + exp(-(double)z[i])));
    double v = nn_loss_bce_of_sigmoid(p, t, 5, 0.2, g);
    CHECK_NEAR(v, nn_loss_bce(p, t, 5, 0.2, NULL), 1e-12);
    nn_loss_bce_logits(z, t, 5, 0.2, gz);
    for (int i = 0; i < 5; i++)
        CHECK_NEAR(g[i], gz[i], 1e-6);
    CHECK_NEAR(g[0], -0.2, 1e-6); /* the clipped form's gradient here is 0 */
    CHECK_NEAR(g[4], 0.2, 1e-6);
}

static void test_cce_mask_ignore_weights(void)
{
    float x[6] = {1, 2, 3, 3, 2, 1};
    int32_t y[2] = {2, -100};
    float g[6];
    double one = nn_loss_sparse_cce(x, 1, y, NULL, -100, NULL, 2, 3, 1, g);
    double lse = log(exp(1.0) + exp(2.0) + exp(3.0));
    CHECK_NEAR(one, lse - 3, 1e-6);
    CHECK(g[3] == 0 && g[4] == 0 && g[5] == 0); /* ignored row */
    float cw[3] = {1, 1, 4};
    CHECK_NEAR(nn_loss_sparse_cce(x, 1, y, NULL, -100, cw, 2, 3, 1, NULL), 4 * (lse - 3), 1e-6);
    float mask[2] = {0, 1};
    int32_t y2[2] = {2, 0};
    CHECK_NEAR(nn_loss_sparse_cce(x, 1, y2, mask, -100, NULL, 2, 3, 1, NULL), lse - 3, 1e-6);
    int32_t bad[2] = {3, 0};
    CHECK(isnan(nn_loss_sparse_cce(x, 1, bad, NULL, -100, NULL, 2, 3, 1, NULL)));
}

int main(void)
{
    RUN(test_loss_gradients);
    RUN(test_kl_gaussian_gradient);
    RUN(test_values_by_hand);
    RUN(test_bce_of_sigmoid);
    RUN(test_cce_mask_ignore_weights);
    return check_summary();
}
