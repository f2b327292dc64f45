/* Autoencoders and VAEs: gradient of the whole loss (reconstruction,
 * sampling, KL) against finite differences for every kind, Keras
 * parameter counts of the assignment's models, the normal quantile. */
#include "check.h"

#include "math/rng.h"
#include "nn/vae.h"

#include <stdlib.h>
#include <string.h>

static int grad_check(nn_ae_kind kind, int mse)
{
    nn_ae_config c;
    nn_ae_defaults(&c, kind);
    c.h = c.w = 4;
    c.latent = 2;
    c.categories = 3;
    c.mse = mse;
    c.seed = 3;
    nn_model *m;
    CHECK(nn_ae_build(&c, &m) == 0);
    /* relu kinks spoil finite differences through a deep net: check the
     * same graph with tanh (relu itself is checked in test_nn_layers) */
    for (int q = 0; q < m->nparts; q++)
        for (int i = 0; i < m->parts[q]->n; i++)
            if (m->parts[q]->layers[i]->act == NN_ACT_RELU)
                m->parts[q]->layers[i]->act = NN_ACT_TANH;
    float x[5 * 16];
    nn_rng r;
    nn_rng_seed(&r, 1);
    for (int i = 0; i < 80; i++)
        x[i] = (float)nn_rng_uniform(&r);
    nn_ae a;
    CHECK(nn_ae_init(&a, m, &c) == 0);
    a.train = x;
    int64_t idx[5] = {0, 1, 2, 3, 4};
    double loss;
    nn_model_zero_grad(m);
    CHECK(nn_ae_batch(&a, idx, 5, 1, 0, 9, &loss) == 0);
    int bad = 0, np;
    nn_param **ps = nn_model_params(m, 1, &np);
    for (int k = 0; k < np; k++) {
        nn_param *p = ps[k];
        for (int64_t i = 0; i < p->count; i += 1 + p->count / 6) {
            float s = p->w[i];
            double h = 1e-2, l1, l2;
            p->w[i] = (float)(s + h);
            nn_ae_batch(&a, idx, 5, 0, 0, 9, &l1);
            p->w[i] = (float)(s - h);
            nn_ae_batch(&a, idx, 5, 0, 0, 9, &l2);
            p->w[i] = s;
            double num = (l1 - l2) / (2 * h);
            if (!(fabs(num - p->g[i]) <= 2e-3 + 1e-2 * fabs(num)) && bad++ < 3)
                printf("    %s param %d[%lld]: %.6g numeric %.6g\n", nn_ae_kind_name(kind), k, (long long)i,
                       (double)p->g[i], num);
        }
    }
    free(ps);
    nn_ae_free(&a);
    nn_model_free(m);
    return bad;
}

static void test_loss_gradients(void)
{
    CHECK(grad_check(NN_AE_PLAIN, 0) == 0);
    CHECK(grad_check(NN_AE_PLAIN, 1) == 0);
    CHECK(grad_check(NN_AE_DEEP, 0) == 0);
    CHECK(grad_check(NN_AE_VAE, 0) == 0);
    CHECK(grad_check(NN_AE_VAE, 1) == 0);
    CHECK(grad_check(NN_AE_CAT, 0) == 0);
}

/* A decoder output saturated on the wrong side (sigmoid(-40) is below
 * Keras's clip 1e-7) must still be pulled back: with BCE fused to the
 * sigmoid the bias gradient is mean(y - x) = -1 per pixel here.  Through the
 * clipped probability it would be 0 and the pixel would never recover. */
static void test_saturated_output_learns(void)
{
    nn_ae_config c;
    nn_ae_defaults(&c, NN_AE_PLAIN);
    c.h = c.w = 4;
    c.latent = 2;
    nn_model *m;
    CHECK(nn_ae_build(&c, &m) == 0);
    nn_layer *out = m->parts[1]->layers[m->parts[1]->n - 1];
    memset(out->p[0].w, 0, sizeof(float) * (size_t)out->p[0].count);
    for (int64_t i = 0; i < out->p[1].count; i++)
        out->p[1].w[i] = -40.0f;
    float x[2 * 16];
    for (int i = 0; i < 32; i++)
        x[i] = 1.0f;
    nn_ae a;
    CHECK(nn_ae_init(&a, m, &c) == 0);
    a.train = x;
    int64_t idx[2] = {0, 1};
    double loss;
    nn_model_zero_grad(m);
    CHECK(nn_ae_batch(&a, idx, 2, 1, 0, 1, &loss) == 0);
    CHECK(loss > 15); /* -log(1e-7) per pixel */
    /* ae scale: mean over 2 images x 16 pixels; each bias sees 2 pixels */
    for (int64_t i = 0; i < out->p[1].count; i++)
        CHECK_NEAR(out->p[1].g[i], -2.0 / 32.0, 1e-6);
    nn_ae_free(&a);
    nn_model_free(m);
}

static int64_t part_params(const nn_model *m, const char *name)
{
    nn_seq *s = nn_model_part(m, name);
    int64_t t = 0;
    for (int i = 0; i < s->n; i++)
        t += nn_layer_param_count(s->layers[i], 1) + nn_layer_param_count(s->layers[i], 0);
    return t;
}

static void test_keras_parameter_counts(void)
{
    nn_ae_config c;
    nn_model *m;
    nn_ae_defaults(&c, NN_AE_PLAIN); /* d = 32: 784*32+32, 32*784+784 */
    CHECK(nn_ae_build(&c, &m) == 0);
    CHECK(part_params(m, "encoder") == 25120 && part_params(m, "decoder") == 25872);
    nn_model_free(m);
    nn_ae_defaults(&c, NN_AE_VAE); /* d = 2 */
    CHECK(nn_ae_build(&c, &m) == 0);
    /* 320 + 9248 + 18496 + 1605760 + 2 * 258 */
    CHECK(part_params(m, "encoder") == 1634340);
    /* 384 + 1618176 + 18464 + 9248 + 289 */
    CHECK(part_params(m, "decoder") == 1646561);
    nn_model_free(m);
    nn_ae_defaults(&c, NN_AE_CAT); /* 1 variable of 10 classes: dense 128*10+10, decoder dense 10*128+128 */
    CHECK(nn_ae_build(&c, &m) == 0);
    CHECK(part_params(m, "encoder") == 320 + 9248 + 18496 + 1605760 + 1290);
    CHECK(part_params(m, "decoder") == 1408 + 1618176 + 18464 + 9248 + 289);
    nn_model_free(m);
    c.h = 30; /* deep-ae needs multiples of 4 */
    nn_ae_defaults(&c, NN_AE_DEEP);
    c.h = 30;
    CHECK(nn_ae_build(&c, &m) < 0);
}

static void test_normal_quantile(void)
{
    CHECK_NEAR(nn_normal_quantile(0.5), 0, 1e-12);
    CHECK_NEAR(nn_normal_quantile(0.975), 1.959963984540054, 1e-9);
    CHECK_NEAR(nn_normal_quantile(0.05), -1.644853626951472, 1e-9);
}

static void test_reconstruct_and_settings(void)
{
    nn_ae_config c, back;
    nn_ae_defaults(&c, NN_AE_CAT);
    c.h = c.w = 4;
    c.anneal = 1e-3;
    nn_model *m;
    CHECK(nn_ae_build(&c, &m) == 0);
    nn_safetensors st;
    nn_st_init(&st);
    CHECK(nn_ae_config_to_st(&c, &st) == 0);
    CHECK(nn_ae_config_from_st(&st, &back) == 0);
    CHECK(back.kind == NN_AE_CAT && back.h == 4 && back.categories == 10 && back.anneal == 1e-3 && back.tau == c.tau);
    nn_st_free(&st);
    nn_ae a;
    CHECK(nn_ae_init(&a, m, &c) == 0);
    float x[3 * 16], y[3 * 16], codes[3 * 10];
    for (int i = 0; i < 48; i++)
        x[i] = (float)(i % 5) / 4;
    double bce, mse;
    CHECK(nn_ae_reconstruct(&a, x, 3, y, &bce, &mse) == 0);
    CHECK(bce > 0 && mse > 0 && mse < 1);
    CHECK(nn_ae_encode(&a, x, 3, codes) == 0);
    double s = 0;
    for (int j = 0; j < 10; j++)
        s += codes[j];
    CHECK_NEAR(s, 1, 1e-5); /* a distribution over the categories */
    nn_ae_free(&a);
    nn_model_free(m);
}

int main(void)
{
    RUN(test_loss_gradients);
    RUN(test_saturated_output_learns);
    RUN(test_keras_parameter_counts);
    RUN(test_normal_quantile);
    RUN(test_reconstruct_and_settings);
    return check_summary();
}
