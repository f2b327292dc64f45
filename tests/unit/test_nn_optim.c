/* Optimizers (one step worked by hand against Keras's formulas, and
 * convergence on a quadratic), clipping, initializers. */
#include "check.h"

#include "nn/init.h"
#include "nn/optim.h"

#include <string.h>

static nn_param make_param(float *w, float *g, int64_t n)
{
    nn_param p;
    memset(&p, 0, sizeof p);
    p.ndim = 1;
    p.shape[0] = n;
    p.count = n;
    p.w = w;
    p.g = g;
    p.trainable = 1;
    return p;
}

static void test_one_step_by_hand(void)
{
    float w[2] = {1, -1}, g[2] = {0.5f, -2};
    nn_param p = make_param(w, g, 2), *pp = &p;
    nn_optim o;
    /* Adam, t = 1: m = 0.1 g, v = 0.001 g^2, lr_t = lr sqrt(0.001)/0.1,
     * step = lr_t m / (sqrt(v) + eps) ~ lr sign(g) */
    nn_optim_init(&o, NN_ADAM);
    CHECK(o.lr == 1e-3 && o.beta1 == 0.9 && o.beta2 == 0.999 && o.eps == 1e-7);
    CHECK(nn_optim_attach(&o, &pp, 1) == 0);
    nn_optim_step(&o);
    double lrt = 1e-3 * sqrt(1 - 0.999) / (1 - 0.9);
    CHECK_NEAR(w[0], 1 - lrt * 0.05 / (sqrt(0.001 * 0.25) + 1e-7), 1e-7);
    CHECK_NEAR(w[1], -1 + lrt * 0.2 / (sqrt(0.001 * 4) + 1e-7), 1e-7);
    nn_optim_free(&o);
    /* RMSprop: ms = 0.1 g^2, w -= lr g / (sqrt(ms) + eps) */
    w[0] = 1;
    w[1] = -1;
    nn_optim_init(&o, NN_RMSPROP);
    CHECK(o.lr == 1e-3 && o.rho == 0.9);
    CHECK(nn_optim_attach(&o, &pp, 1) == 0);
    nn_optim_step(&o);
    CHECK_NEAR(w[0], 1 - 1e-3 * 0.5 / (sqrt(0.1 * 0.25) + 1e-7), 1e-7);
    nn_optim_free(&o);
    /* SGD with momentum 0.9, two steps: v1 = -lr g, v2 = 0.9 v1 - lr g */
    w[0] = 1;
    nn_optim_init(&o, NN_SGD);
    CHECK(o.lr == 0.01);
    o.momentum = 0.9;
    CHECK(nn_optim_attach(&o, &pp, 1) == 0);
    nn_optim_step(&o);
    nn_optim_step(&o);
    CHECK_NEAR(w[0], 1 - 0.005 - (0.9 * 0.005 + 0.005), 1e-7);
    nn_optim_free(&o);
    /* Nesterov, one step: w += 0.9 v - lr g = -(0.9 + 1) lr g */
    w[0] = 1;
    nn_optim_init(&o, NN_SGD);
    o.momentum = 0.9;
    o.nesterov = 1;
    CHECK(nn_optim_attach(&o, &pp, 1) == 0);
    nn_optim_step(&o);
    CHECK_NEAR(w[0], 1 - 1.9 * 0.005, 1e-7);
    nn_optim_free(&o);
}

static void test_quadratic_converges(void)
{
    for (int k = 0; k < 3; k++) {
        float w[3] = {3, -2, 1}, g[3];
        nn_param p = make_param(w, g, 3), *pp = &p;
        nn_optim o;
        nn_optim_init(&o, (nn_optim_kind)k);
        o.lr = k == NN_SGD ? 0.1 : 0.05;
        o.momentum = k == NN_SGD ? 0.5 : 0;
        CHECK(nn_optim_attach(&o, &pp, 1) == 0);
        for (int it = 0; it < 2000; it++) {
            for (int i = 0; i < 3; i++)
                g[i] = 2 * (w[i] - (float)i); /* minimum at (0, 1, 2) */
            nn_optim_step(&o);
        }
        for (int i = 0; i < 3; i++)
            CHECK_NEAR(w[i], i, 0.05);
        CHECK(o.iterations == 2000);
        nn_optim_free(&o);
    }
}

static void test_clipping(void)
{
    float w[2] = {0, 0}, g[2] = {3, 4};
    nn_param p = make_param(w, g, 2), *pp = &p;
    nn_optim o;
    nn_optim_init(&o, NN_SGD);
    o.lr = 1;
    o.clipnorm = 1; /* |g| = 5 -> (0.6, 0.8) */
    CHECK(nn_optim_attach(&o, &pp, 1) == 0);
    nn_optim_step(&o);
    CHECK_NEAR(w[0], -0.6, 1e-6);
    CHECK_NEAR(w[1], -0.8, 1e-6);
    o.clipnorm = 0;
    o.clipvalue = 0.5;
    g[0] = 3;
    g[1] = -0.25f;
    nn_optim_step(&o);
    CHECK_NEAR(w[0], -1.1, 1e-6);
    CHECK_NEAR(w[1], -0.55, 1e-6);
    nn_optim_free(&o);
    /* global norm over two tensors: (3) and (4) -> 5 */
    float w1 = 0, w2 = 0, g1 = 3, g2 = 4;
    nn_param a = make_param(&w1, &g1, 1), b = make_param(&w2, &g2, 1), *ab[2] = {&a, &b};
    nn_optim_init(&o, NN_SGD);
    o.lr = 1;
    o.global_clipnorm = 2.5;
    CHECK(nn_optim_attach(&o, ab, 2) == 0);
    nn_optim_step(&o);
    CHECK_NEAR(w1, -1.5, 1e-6);
    CHECK_NEAR(w2, -2, 1e-6);
    nn_optim_free(&o);
}

static void test_initializers(void)
{
    nn_shape in = {3, {8, 8, 4, 0}};
    nn_layer *c = nn_conv2d(6, 3, 3, 1, 1, NN_PAD_SAME, NN_ACT_RELU);
    CHECK(nn_layer_setup(c, &in) == 0);
    nn_rng r;
    nn_rng_seed(&r, 5);
    CHECK(nn_layer_init(c, &r) == 0);
    double lim = sqrt(6.0 / (9 * 4 + 9 * 6)), mx = 0, mean = 0;
    for (int64_t i = 0; i < c->p[0].count; i++) {
        mx = fmax(mx, fabs(c->p[0].w[i]));
        mean += c->p[0].w[i];
    }
    CHECK(mx <= lim && mx > 0.9 * lim);
    CHECK(fabs(mean / (double)c->p[0].count) < 0.05);
    CHECK(c->p[1].w[0] == 0);
    /* same seed, same weights */
    float first = c->p[0].w[0];
    nn_rng_seed(&r, 5);
    CHECK(nn_layer_init(c, &r) == 0);
    CHECK(c->p[0].w[0] == first);
    nn_layer_free(c);
    /* orthogonal: W W^T = I for (3, 5), W^T W = I for (5, 3) */
    for (int t = 0; t < 2; t++) {
        int64_t rows = t ? 5 : 3, cols = t ? 3 : 5;
        float w[15];
        CHECK(nn_init_orthogonal(w, rows, cols, 1.0, &r) == 0);
        int64_t k = rows < cols ? rows : cols;
        for (int64_t i = 0; i < k; i++)
            for (int64_t j = 0; j < k; j++) {
                double d = 0;
                for (int64_t q = 0; q < (rows < cols ? cols : rows); q++)
                    d += rows < cols ? (double)w[i * cols + q] * w[j * cols + q]
                                     : (double)w[q * cols + i] * w[q * cols + j];
                CHECK_NEAR(d, i == j, 1e-5);
            }
    }
    /* he_normal: truncated at 2 sd */
    float hw[400], hg[400];
    nn_param hp = make_param(hw, hg, 400);
    hp.ndim = 2;
    hp.shape[0] = 20;
    hp.shape[1] = 20;
    CHECK(nn_init_param(&hp, NN_INIT_HE_NORMAL, &r) == 0);
    double sd = sqrt(2.0 / 20) / 0.87962566103423978, s2 = 0;
    for (int i = 0; i < 400; i++) {
        CHECK(fabs(hw[i]) <= 2 * sd + 1e-6);
        s2 += (double)hw[i] * hw[i];
    }
    CHECK_NEAR(sqrt(s2 / 400), sqrt(2.0 / 20), 0.05);
    CHECK(nn_init_parse("orthogonal") == NN_INIT_ORTHOGONAL && nn_init_parse("x") < 0);
    CHECK(nn_optim_parse("adam") == NN_ADAM && nn_optim_parse("adamw") < 0);
}

int main(void)
{
    RUN(test_one_step_by_hand);
    RUN(test_quadratic_converges);
    RUN(test_clipping);
    RUN(test_initializers);
    return check_summary();
}
