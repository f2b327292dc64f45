/* The segmentation network: Keras parameter counts and output shapes of
 * the assignment's model, the gradient of the whole loss against finite
 * differences (plain, U-Net skips with batch norm, binary and multi-class
 * with an ignored label), learning from a saturated wrong output, metadata
 * round trip, label checks, scores. */
#include "check.h"

#include "math/rng.h"
#include "nn/fcn.h"

#include <stdlib.h>
#include <string.h>

static void test_assignment_counts(void)
{
    nn_fcn_config c;
    nn_fcn_defaults(&c);
    nn_model *m;
    CHECK(nn_fcn_build(&c, &m) == 0);
    /* Keras: conv (3*3*in + 1) * out; convT (3*3*in + 1) * out as well */
    int64_t want = (27 + 1) * 32 + (288 + 1) * 32 + (288 + 1) * 64 + (576 + 1) * 64 + (576 + 1) * 128 +
                   (1152 + 1) * 128 + (1152 + 1) * 32 + (288 + 1) * 32 + (288 + 1) * 1;
    CHECK(want == 333441);
    CHECK(nn_model_param_count(m, 1) == want);
    CHECK(m->nparts == 1 && m->parts[0]->n == 12);
    const nn_shape *o = nn_seq_out(m->parts[0]);
    CHECK(o->ndim == 3 && o->d[0] == 128 && o->d[1] == 128 && o->d[2] == 1);
    CHECK(m->parts[0]->layers[2]->out.d[0] == 64 && m->parts[0]->layers[5]->out.d[0] == 32);
    CHECK(m->parts[0]->layers[8]->out.d[0] == 64 && m->parts[0]->layers[8]->out.d[2] == 128);
    nn_model_free(m);
    c.classes = 11;
    c.ignore = 11;
    c.skip = 1;
    CHECK(nn_fcn_build(&c, &m) == 0);
    /* the skip joins 128 upsampled + 64 channels: the first convT sees 192 */
    CHECK(nn_model_param_count(m, 1) == want - 289 - 36896 + (288 + 1) * 11 + (192 * 9 + 1) * 32);
    nn_model_free(m);
    c.skip = 0;
    c.width = 0.5;
    c.depth = 3;
    CHECK(nn_fcn_build(&c, &m) == 0);
    CHECK(nn_fcn_filters(&c, 3) == 128);
    nn_model_free(m);
    c.h = 100; /* not a multiple of 8 */
    CHECK(nn_fcn_build(&c, &m) == -1 && m == NULL);
    c.h = 128;
    c.depth = 1;
    c.skip = 1;
    CHECK(nn_fcn_build(&c, &m) == -1);
}

/* (loss(w + h) - loss(w - h)) / 2h at the weight *w, which is restored. */
static double central_slope(nn_fcn *f, const float *xf, const uint8_t *yb, int64_t n, float *w, double h)
{
    float s = *w;
    double l1 = 0, l2 = 0;
    *w = (float)(s + h);
    CHECK(nn_fcn_loss(f, nn_fcn_forward(f, xf, n, 1, 1), yb, n, 0, &l1) == 0);
    *w = (float)(s - h);
    CHECK(nn_fcn_loss(f, nn_fcn_forward(f, xf, n, 1, 1), yb, n, 0, &l2) == 0);
    *w = s;
    return (l1 - l2) / (2 * h);
}

static int slope_agrees(double num, double g)
{
    return fabs(num - g) <= 1e-3 + 2e-2 * fabs(num);
}

static int grad_check(int skip, int bn, int64_t classes)
{
    nn_fcn_config c;
    nn_fcn_defaults(&c);
    c.h = c.w = 8;
    c.width = 0.125;
    c.skip = skip;
    c.batchnorm = bn;
    c.classes = classes;
    c.positive = 1;
    c.ignore = classes > 1 ? 9 : -1;
    c.seed = 4;
    nn_model *m;
    CHECK(nn_fcn_build(&c, &m) == 0);
    if (!m)
        return 1;
    /* relu rechecked and pool arg-max switches spoil finite differences:
     * check the same graph with tanh (relu is checked in test_nn_layers) */
    for (int q = 0; q < m->nparts; q++)
        for (int i = 0; i < m->parts[q]->n; i++)
            if (m->parts[q]->layers[i]->act == NN_ACT_RELU)
                m->parts[q]->layers[i]->act = NN_ACT_TANH;
    enum { n = 3 };
    static uint8_t xb[n * 64 * 3], yb[n * 64];
    nn_rng r;
    nn_rng_seed(&r, 2);
    for (int i = 0; i < n * 64 * 3; i++)
        xb[i] = (uint8_t)nn_rng_below(&r, 256);
    for (int i = 0; i < n * 64; i++)
        yb[i] = (uint8_t)(i % 7 == 0 && classes > 1 ? 9 : nn_rng_below(&r, classes > 1 ? (uint64_t)classes : 3));
    nn_fcn f;
    CHECK(nn_fcn_init(&f, m, &c) == 0);
    f.x = xb;
    f.y = yb;
    int64_t idx[n] = {0, 1, 2};
    double loss;
    nn_model_zero_grad(m);
    CHECK(nn_fcn_batch(&f, idx, n, 1, 0, 1, &loss) == 0);
    float xf[n * 64 * 3];
    for (int i = 0; i < n * 64 * 3; i++)
        xf[i] = xb[i] / 255.0f;
    int bad = 0, np, checked = 0, rechecked = 0;
    nn_param **ps = nn_model_params(m, 1, &np);
    for (int k = 0; k < np; k++) {
        nn_param *p = ps[k];
        for (int64_t i = 0; i < p->count; i += 1 + p->count / 5) {
            double h = bn ? 2e-3 : 1e-2;
            double num = central_slope(&f, xf, yb, n, &p->w[i], h);
            /* A max-pool arg-max that switches inside [w - h, w + h] makes the
             * loss non-smooth there.  Such a point is checked again with a
             * step 8 times shorter, which leaves the switch outside unless it
             * sits right at w; a wrong gradient fails with both steps. */
            if (!slope_agrees(num, p->g[i])) {
                rechecked++;
                num = central_slope(&f, xf, yb, n, &p->w[i], h / 8);
            }
            checked++;
            if (!slope_agrees(num, p->g[i]) && bad++ < 3)
                printf("    skip %d bn %d K %lld: param %s %d[%lld]: %.6g numeric %.6g\n", skip, bn,
                       (long long)classes, p->name, k, (long long)i, (double)p->g[i], num);
        }
    }
    CHECK(rechecked * 10 <= checked); /* a switch is rare: many would hide a bug */
    if (rechecked)
        printf("    skip %d bn %d K %lld: %d of %d points checked again with a shorter step\n", skip, bn,
               (long long)classes, rechecked, checked);
    CHECK(checked > 20);
    free(ps);
    nn_fcn_free(&f);
    nn_model_free(m);
    return bad;
}

static void test_gradient_plain(void)
{
    CHECK(grad_check(0, 0, 1) == 0);
    CHECK(grad_check(0, 0, 4) == 0);
}

static void test_gradient_skip(void)
{
    CHECK(grad_check(1, 0, 1) == 0);
    CHECK(grad_check(1, 0, 4) == 0);
    CHECK(grad_check(1, 1, 4) == 0);
}

/* An output saturated on the wrong side still learns: every pixel is
 * class 1 while the output layer says "surely not" (bias -40 or +40 on
 * class 0, weights zero).  With the loss and the sigmoid or softmax
 * differentiated as one, the output bias gradient is mean(p - t), about -1
 * for the true class; through the clipped probability it would be 0. */
static void saturated_case(int64_t classes)
{
    nn_fcn_config c;
    nn_fcn_defaults(&c);
    c.h = c.w = 8;
    c.width = 0.125;
    c.classes = classes;
    c.positive = 1;
    c.ignore = -1;
    nn_model *m;
    CHECK(nn_fcn_build(&c, &m) == 0);
    if (!m)
        return;
    nn_seq *s = m->parts[m->nparts - 1];
    nn_layer *out = s->layers[s->n - 1];
    memset(out->p[0].w, 0, sizeof(float) * (size_t)out->p[0].count);
    memset(out->p[1].w, 0, sizeof(float) * (size_t)out->p[1].count);
    out->p[1].w[0] = classes == 1 ? -40.0f : 40.0f;
    enum { n = 2 };
    static uint8_t xb[n * 64 * 3], yb[n * 64];
    for (int i = 0; i < n * 64 * 3; i++)
        xb[i] = (uint8_t)(i * 37);
    memset(yb, 1, sizeof yb);
    nn_fcn f;
    CHECK(nn_fcn_init(&f, m, &c) == 0);
    f.x = xb;
    f.y = yb;
    int64_t idx[n] = {0, 1};
    double loss;
    nn_model_zero_grad(m);
    CHECK(nn_fcn_batch(&f, idx, n, 1, 0, 1, &loss) == 0);
    CHECK(loss > 15);
    const float *db = out->p[1].g;
    CHECK_NEAR(db[classes == 1 ? 0 : 1], -1.0, 1e-5);
    if (classes > 1)
        CHECK_NEAR(db[0], 1.0, 1e-5);
    nn_fcn_free(&f);
    nn_model_free(m);
}

static void test_saturated_output_learns(void)
{
    saturated_case(1);
    saturated_case(3);
}

static void test_metadata_and_reload(void)
{
    nn_fcn_config c, d;
    nn_fcn_defaults(&c);
    c.h = 16;
    c.w = 24;
    c.width = 0.25;
    c.skip = 1;
    c.batchnorm = 1;
    c.classes = 5;
    c.ignore = 11;
    nn_model *m, *m2;
    CHECK(nn_fcn_build(&c, &m) == 0);
    nn_safetensors st;
    nn_st_init(&st);
    CHECK(nn_model_to_st(m, &st) == 0 && nn_fcn_config_to_st(&c, &st) == 0);
    CHECK(nn_fcn_config_from_st(&st, &d) == 0);
    CHECK(d.h == 16 && d.w == 24 && d.width == 0.25 && d.skip && d.batchnorm && d.classes == 5 && d.ignore == 11);
    CHECK(nn_model_from_st(&st, &m2) == 0);
    nn_fcn f1, f2;
    CHECK(nn_fcn_init(&f1, m, &c) == 0 && nn_fcn_init(&f2, m2, &d) == 0);
    static uint8_t x[2 * 16 * 24 * 3];
    for (size_t i = 0; i < sizeof x; i++)
        x[i] = (uint8_t)(i * 37);
    static float p1[2 * 16 * 24 * 5], p2[2 * 16 * 24 * 5];
    CHECK(nn_fcn_predict(&f1, x, 2, 1, p1) == 0 && nn_fcn_predict(&f2, x, 2, 2, p2) == 0);
    CHECK(memcmp(p1, p2, sizeof p1) == 0);
    double s = 0;
    for (int k = 0; k < 5; k++)
        s += p1[k];
    CHECK_NEAR(s, 1, 1e-5); /* softmax over the classes */
    nn_fcn_free(&f1);
    nn_fcn_free(&f2);
    nn_model_free(m);
    nn_model_free(m2);
    nn_st_free(&st);
    /* a file without the fcn settings */
    nn_st_init(&st);
    CHECK(nn_fcn_config_from_st(&st, &d) == -1);
    nn_st_free(&st);
}

static void test_labels_and_scores(void)
{
    nn_fcn_config c;
    nn_fcn_defaults(&c);
    c.classes = 3;
    c.ignore = 11;
    uint8_t y[6] = {0, 1, 2, 11, 2, 0};
    CHECK(nn_fcn_check_labels(&c, y, 6) == 0);
    y[4] = 3;
    CHECK(nn_fcn_check_labels(&c, y, 6) == -1);
    y[4] = 2;
    uint8_t p[6] = {0, 1, 1, 0, 2, 0};
    nn_fcn_scores s;
    nn_fcn_score(&c, p, y, 6, &s);
    /* counted pixels 0,1,2,4,5: right 0,1,4,5 */
    CHECK_NEAR(s.pixel_acc, 0.8, 1e-12);
    CHECK_NEAR(s.iou[0], 1, 1e-12);
    CHECK_NEAR(s.iou[1], 0.5, 1e-12);
    CHECK_NEAR(s.iou[2], 0.5, 1e-12);
    CHECK_NEAR(s.mean_iou, 2.0 / 3, 1e-12);
    c.classes = 1;
    c.positive = 2;
    nn_fcn_score(&c, (uint8_t[]){0, 0, 1, 0, 1, 0}, y, 6, &s);
    CHECK_NEAR(s.pixel_acc, 1, 1e-12);
    CHECK_NEAR(s.iou[1], 1, 1e-12);
    float probs[4] = {0.2f, 0.7f, 0.5f, 0.49f};
    uint8_t ids[4];
    nn_fcn_argmax(probs, 4, 1, ids);
    CHECK(ids[0] == 0 && ids[1] == 1 && ids[2] == 1 && ids[3] == 0);
    nn_fcn_argmax(probs, 2, 2, ids);
    CHECK(ids[0] == 1 && ids[1] == 0);
}

int main(void)
{
    RUN(test_assignment_counts);
    RUN(test_gradient_plain);
    RUN(test_gradient_skip);
    RUN(test_saturated_output_learns);
    RUN(test_metadata_and_reload);
    RUN(test_labels_and_scores);
    return check_summary();
}
