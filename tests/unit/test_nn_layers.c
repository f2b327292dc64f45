/* Layers: finite-difference gradient checks (inputs and parameters) for
 * every layer type, and small forward cases worked by hand. */
#include "check.h"

#include "core/parallel.h"
#include "math/rng.h"
#include "nn/layer.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static double dot_loss(const float *y, const float *r, int64_t count)
{
    double s = 0;
    for (int64_t i = 0; i < count; i++)
        s += (double)y[i] * r[i];
    return s;
}

/* L = sum(y * r) for random r; compares backward with central differences
 * (step h, L summed in double).  x_kind: 0 uniform [-1, 1], 1 distinct
 * values at least 0.02 apart (max-pool ties), 2 ids below l->vocab,
 * 3 values away from 0 (relu kink).  Returns the number of mismatches. */
static int gradcheck(nn_layer *l, const nn_shape *in, int64_t n, int x_kind, int training)
{
    nn_rng r;
    nn_rng_seed(&r, 42);
    CHECK(nn_layer_setup(l, in) == 0);
    l->training = training;
    l->step = 7;
    int64_t nx = n * nn_shape_size(&l->in), ny = n * nn_shape_size(&l->out);
    float *x = malloc(sizeof(float) * (size_t)nx), *y = malloc(sizeof(float) * (size_t)ny);
    float *rr = malloc(sizeof(float) * (size_t)ny), *dx = malloc(sizeof(float) * (size_t)nx);
    for (int64_t i = 0; i < nx; i++) {
        if (x_kind == 1)
            x[i] = 0.02f * (float)i;
        else if (x_kind == 2)
            x[i] = (float)nn_rng_below(&r, (uint64_t)l->vocab);
        else if (x_kind == 3)
            x[i] = (float)((nn_rng_uniform(&r) < 0.5 ? -1 : 1) * (0.1 + nn_rng_uniform(&r)));
        else
            x[i] = (float)(2 * nn_rng_uniform(&r) - 1);
    }
    if (x_kind == 1) /* shuffle the distinct values */
        for (int64_t i = nx - 1; i > 0; i--) {
            int64_t j = (int64_t)nn_rng_below(&r, (uint64_t)i + 1);
            float t = x[i];
            x[i] = x[j];
            x[j] = t;
        }
    for (int64_t i = 0; i < ny; i++)
        rr[i] = (float)(2 * nn_rng_uniform(&r) - 1);
    for (int k = 0; k < l->nparams; k++)
        for (int64_t i = 0; i < l->p[k].count; i++)
            l->p[k].w[i] = (float)(!strcmp(l->p[k].name, "moving_variance") ? 0.5 + nn_rng_uniform(&r)
                                                                              : nn_rng_uniform(&r) - 0.5);
    for (int k = 0; k < l->nparams; k++)
        if (l->p[k].g)
            memset(l->p[k].g, 0, sizeof(float) * (size_t)l->p[k].count);
    CHECK(l->ops->forward(l, x, y, n) == 0);
    CHECK(l->ops->backward(l, x, y, rr, dx, n) == 0);
    const double h = 1e-2;
    int bad = 0;
    /* inputs (ids are not differentiable) */
    for (int64_t i = 0; x_kind != 2 && i < nx; i++) {
        float save = x[i];
        x[i] = (float)(save + h);
        l->ops->forward(l, x, y, n);
        double lp = dot_loss(y, rr, ny);
        x[i] = (float)(save - h);
        l->ops->forward(l, x, y, n);
        double lm = dot_loss(y, rr, ny);
        x[i] = save;
        double num = (lp - lm) / (2 * h);
        if (!(fabs(num - dx[i]) <= 2e-3 + 3e-3 * fabs(num))) {
            if (bad++ < 3)
                printf("    %s dx[%lld]: backward %.6g, numeric %.6g\n", l->name, (long long)i, (double)dx[i], num);
        }
    }
    for (int k = 0; k < l->nparams; k++) {
        nn_param *p = &l->p[k];
        if (!p->trainable)
            continue;
        for (int64_t i = 0; i < p->count; i++) {
            float save = p->w[i];
            p->w[i] = (float)(save + h);
            l->ops->forward(l, x, y, n);
            double lp = dot_loss(y, rr, ny);
            p->w[i] = (float)(save - h);
            l->ops->forward(l, x, y, n);
            double lm = dot_loss(y, rr, ny);
            p->w[i] = save;
            double num = (lp - lm) / (2 * h);
            if (!(fabs(num - p->g[i]) <= 2e-3 + 3e-3 * fabs(num))) {
                if (bad++ < 3)
                    printf("    %s %s[%lld]: backward %.6g, numeric %.6g\n", l->name, p->name, (long long)i,
                           (double)p->g[i], num);
            }
        }
    }
    free(x);
    free(y);
    free(rr);
    free(dx);
    nn_layer_free(l);
    return bad;
}

static nn_shape shp(int ndim, int64_t a, int64_t b, int64_t c)
{
    nn_shape s = {ndim, {a, b, c, 0}};
    return s;
}

static void test_grad_dense(void)
{
    nn_shape s = shp(1, 5, 0, 0);
    CHECK(gradcheck(nn_dense(4, NN_ACT_LINEAR), &s, 3, 0, 1) == 0);
    CHECK(gradcheck(nn_dense(4, NN_ACT_SIGMOID), &s, 3, 0, 1) == 0);
    CHECK(gradcheck(nn_dense(4, NN_ACT_TANH), &s, 3, 0, 1) == 0);
    CHECK(gradcheck(nn_dense(4, NN_ACT_SOFTMAX), &s, 3, 0, 1) == 0);
    nn_shape seq = shp(2, 3, 5, 0); /* a sequence: same weights per step */
    CHECK(gradcheck(nn_dense(2, NN_ACT_SIGMOID), &seq, 2, 0, 1) == 0);
    nn_layer *nb = nn_dense(3, NN_ACT_LINEAR);
    nb->use_bias = 0;
    CHECK(gradcheck(nb, &s, 2, 0, 1) == 0);
}

static void test_grad_conv2d(void)
{
    nn_shape s = shp(3, 5, 6, 3);
    CHECK(gradcheck(nn_conv2d(4, 3, 3, 1, 1, NN_PAD_SAME, NN_ACT_LINEAR), &s, 2, 0, 1) == 0);
    CHECK(gradcheck(nn_conv2d(2, 3, 3, 2, 2, NN_PAD_SAME, NN_ACT_SIGMOID), &s, 2, 0, 1) == 0);
    CHECK(gradcheck(nn_conv2d(2, 3, 2, 1, 2, NN_PAD_VALID, NN_ACT_TANH), &s, 2, 0, 1) == 0);
    nn_shape odd = shp(3, 7, 7, 1);
    CHECK(gradcheck(nn_conv2d(3, 4, 4, 2, 2, NN_PAD_SAME, NN_ACT_LINEAR), &odd, 1, 0, 1) == 0);
}

static void test_grad_conv2d_transpose(void)
{
    nn_shape s = shp(3, 3, 4, 3);
    CHECK(gradcheck(nn_conv2d_transpose(2, 3, 3, 2, 2, NN_PAD_SAME, NN_ACT_LINEAR), &s, 2, 0, 1) == 0);
    CHECK(gradcheck(nn_conv2d_transpose(2, 3, 3, 1, 1, NN_PAD_SAME, NN_ACT_SIGMOID), &s, 2, 0, 1) == 0);
    CHECK(gradcheck(nn_conv2d_transpose(3, 3, 3, 2, 2, NN_PAD_VALID, NN_ACT_LINEAR), &s, 1, 0, 1) == 0);
    CHECK(gradcheck(nn_conv2d_transpose(1, 2, 2, 2, 2, NN_PAD_SAME, NN_ACT_LINEAR), &s, 1, 0, 1) == 0);
}

static void test_grad_pool_upsample_reshape(void)
{
    nn_shape s = shp(3, 4, 5, 2);
    CHECK(gradcheck(nn_maxpool2d(2, 2), &s, 2, 1, 1) == 0);
    CHECK(gradcheck(nn_upsample2d(2, 3), &s, 2, 0, 1) == 0);
    CHECK(gradcheck(nn_flatten(), &s, 2, 0, 1) == 0);
    nn_shape t = shp(2, 10, 4, 0);
    CHECK(gradcheck(nn_reshape(&t), &s, 2, 0, 1) == 0);
}

static void test_grad_activations(void)
{
    nn_shape s = shp(2, 3, 4, 0);
    CHECK(gradcheck(nn_activation(NN_ACT_RELU), &s, 2, 3, 1) == 0);
    CHECK(gradcheck(nn_activation(NN_ACT_SIGMOID), &s, 2, 0, 1) == 0);
    CHECK(gradcheck(nn_activation(NN_ACT_TANH), &s, 2, 0, 1) == 0);
    CHECK(gradcheck(nn_activation(NN_ACT_SOFTMAX), &s, 2, 0, 1) == 0);
    CHECK(gradcheck(nn_activation(NN_ACT_LINEAR), &s, 2, 0, 1) == 0);
}

static void test_grad_dropout_embedding_batchnorm(void)
{
    nn_shape s = shp(2, 3, 4, 0);
    CHECK(gradcheck(nn_dropout(0.4f, 9), &s, 3, 0, 1) == 0);
    CHECK(gradcheck(nn_dropout(0.4f, 9), &s, 3, 0, 0) == 0);
    nn_shape ids = shp(1, 6, 0, 0);
    nn_layer *e = nn_embedding(5, 3);
    e->vocab = 5;
    CHECK(gradcheck(e, &ids, 2, 2, 1) == 0);
    CHECK(gradcheck(nn_batchnorm(0.99f, 1e-3f), &s, 3, 0, 1) == 0);
    CHECK(gradcheck(nn_batchnorm(0.99f, 1e-3f), &s, 3, 0, 0) == 0);
    nn_shape img = shp(3, 3, 3, 2);
    CHECK(gradcheck(nn_batchnorm(0.9f, 1e-3f), &img, 2, 0, 1) == 0);
}

static void test_threads_do_not_change_results(void)
{
    nn_shape s = shp(3, 9, 9, 3);
    float out[2][16 * 9 * 9 * 4];
    for (int t = 0; t < 2; t++) {
        nn_set_threads(t == 0 ? 1 : 2);
        nn_layer *l = nn_conv2d(4, 3, 3, 1, 1, NN_PAD_SAME, NN_ACT_RELU);
        CHECK(nn_layer_setup(l, &s) == 0);
        nn_rng r;
        nn_rng_seed(&r, 1);
        for (int64_t i = 0; i < l->p[0].count; i++)
            l->p[0].w[i] = (float)nn_rng_normal(&r);
        float x[16 * 9 * 9 * 3];
        for (int i = 0; i < 16 * 9 * 9 * 3; i++)
            x[i] = (float)nn_rng_uniform(&r);
        l->ops->forward(l, x, out[t], 16);
        nn_layer_free(l);
    }
    nn_set_threads(0);
    CHECK(memcmp(out[0], out[1], sizeof out[0]) == 0);
}

/* Direct loops over the convolution geometry g (input h x w x ci, output
 * oh x ow x co, kernel W (kh, kw, ci, co)), one sample at a time:
 *   mode 0: y (oh, ow, co) = conv(x)
 *   mode 1: x (h, w, ci) += the adjoint applied to y
 *   mode 2: W += the kernel gradient of x and dy = y */
static void conv_direct(const nn_conv_geom *g, int64_t co, int64_t n, float *x, float *w, float *y, int mode)
{
    int64_t ci = g->c;
    for (int64_t s = 0; s < n; s++)
        for (int64_t oy = 0; oy < g->oh; oy++)
            for (int64_t ox = 0; ox < g->ow; ox++) {
                float *yo = y + ((s * g->oh + oy) * g->ow + ox) * co;
                if (mode == 0)
                    for (int64_t f = 0; f < co; f++)
                        yo[f] = 0;
                for (int ky = 0; ky < g->kh; ky++)
                    for (int kx = 0; kx < g->kw; kx++) {
                        int64_t iy = oy * g->sh - g->pt + ky, ix = ox * g->sw - g->pl + kx;
                        if (iy < 0 || iy >= g->h || ix < 0 || ix >= g->w)
                            continue;
                        float *xi = x + ((s * g->h + iy) * g->w + ix) * ci;
                        float *wk = w + (ky * g->kw + kx) * ci * co;
                        for (int64_t c = 0; c < ci; c++)
                            for (int64_t f = 0; f < co; f++) {
                                if (mode == 0)
                                    yo[f] += xi[c] * wk[c * co + f];
                                else if (mode == 1)
                                    xi[c] += yo[f] * wk[c * co + f];
                                else
                                    wk[c * co + f] += xi[c] * yo[f];
                            }
                    }
            }
}

static int close_all(const float *a, const float *b, int64_t count)
{
    for (int64_t i = 0; i < count; i++)
        if (fabsf(a[i] - b[i]) > 1e-4f * (1 + fabsf(b[i])))
            return 0;
    return 1;
}

/* Inputs big enough for several bands of rows (nn_conv_band), with band
 * edges inside samples and across them: forward, dx and dW equal direct
 * loops, and are bit-identical with 1 and 2 threads. */
static void test_conv_bands_match_direct(void)
{
    for (int transposed = 0; transposed < 2; transposed++)
        for (int stride = 1; stride <= 2; stride++) {
            /* conv: K = 3*3*32 = 288; transposed: K = 3*3*F = 288 */
            int64_t n = transposed ? 2 : 3, side = transposed ? 40 : stride == 1 ? 40 : 81, C = 32, F = transposed ? 32 : 5;
            nn_shape in = shp(3, side, side, transposed ? 7 : C);
            float *res[2][3] = {{0}};
            for (int t = 0; t < 2; t++) {
                nn_set_threads(t + 1);
                nn_layer *l = transposed ? nn_conv2d_transpose(F, 3, 3, stride, stride, NN_PAD_SAME, NN_ACT_LINEAR)
                                         : nn_conv2d(F, 3, 3, stride, stride, NN_PAD_SAME, NN_ACT_LINEAR);
                CHECK(nn_layer_setup(l, &in) == 0);
                int64_t nx = n * nn_shape_size(&l->in), ny = n * nn_shape_size(&l->out), nw = l->p[0].count;
                int64_t K = 9 * (transposed ? F : C), rows = transposed ? nx / l->in.d[2] : ny / F;
                CHECK(nn_conv_band(K, rows) * 2 < rows); /* three bands or more */
                nn_rng r;
                nn_rng_seed(&r, 3);
                float *x = malloc(sizeof(float) * (size_t)nx), *y = malloc(sizeof(float) * (size_t)ny);
                float *dy = malloc(sizeof(float) * (size_t)ny), *dx = malloc(sizeof(float) * (size_t)nx);
                for (int64_t i = 0; i < nx; i++)
                    x[i] = (float)(2 * nn_rng_uniform(&r) - 1);
                for (int64_t i = 0; i < ny; i++)
                    dy[i] = (float)(2 * nn_rng_uniform(&r) - 1);
                for (int64_t i = 0; i < nw; i++)
                    l->p[0].w[i] = (float)(nn_rng_uniform(&r) - 0.5);
                memset(l->p[0].g, 0, sizeof(float) * (size_t)nw);
                if (l->use_bias)
                    memset(l->p[1].g, 0, sizeof(float) * (size_t)l->p[1].count);
                CHECK(l->ops->forward(l, x, y, n) == 0);
                CHECK(l->ops->backward(l, x, y, dy, dx, n) == 0);
                res[t][0] = y, res[t][1] = dx, res[t][2] = l->p[0].g;
                l->p[0].g = NULL; /* kept for the comparison below */
                if (t == 0) {
                    /* the same through direct loops over the conv geometry */
                    nn_conv_geom g;
                    int64_t o;
                    if (!transposed) {
                        g = (nn_conv_geom){.h = side, .w = side, .c = C, .oh = l->out.d[0], .ow = l->out.d[1],
                                           .kh = 3, .kw = 3, .sh = stride, .sw = stride};
                    } else {
                        g = (nn_conv_geom){.h = l->out.d[0], .w = l->out.d[1], .c = F, .oh = side, .ow = side,
                                           .kh = 3, .kw = 3, .sh = stride, .sw = stride};
                    }
                    nn_conv_out(g.h, 3, stride, NN_PAD_SAME, &o, &g.pt);
                    nn_conv_out(g.w, 3, stride, NN_PAD_SAME, &o, &g.pl);
                    float *ry = calloc((size_t)ny, sizeof(float)), *rdx = calloc((size_t)nx, sizeof(float));
                    float *rdw = calloc((size_t)nw, sizeof(float));
                    if (!transposed) {
                        conv_direct(&g, F, n, x, l->p[0].w, ry, 0);
                        conv_direct(&g, F, n, rdx, l->p[0].w, dy, 1);
                        conv_direct(&g, F, n, x, rdw, dy, 2);
                    } else { /* y = adjoint(x), dx = conv(dy), dW from (dy, x) */
                        int64_t ci = l->in.d[2];
                        conv_direct(&g, ci, n, ry, l->p[0].w, x, 1);
                        conv_direct(&g, ci, n, dy, l->p[0].w, rdx, 0);
                        conv_direct(&g, ci, n, dy, rdw, x, 2);
                    }
                    if (l->use_bias)
                        for (int64_t i = 0; i < ny; i++)
                            ry[i] += l->p[1].w[i % F];
                    CHECK(close_all(y, ry, ny));
                    CHECK(close_all(dx, rdx, nx));
                    CHECK(close_all(res[0][2], rdw, nw));
                    free(ry), free(rdx), free(rdw);
                }
                free(x), free(dy);
                nn_layer_free(l);
                if (t == 1) {
                    CHECK(memcmp(res[0][0], res[1][0], sizeof(float) * (size_t)ny) == 0);
                    CHECK(memcmp(res[0][1], res[1][1], sizeof(float) * (size_t)nx) == 0);
                    CHECK(memcmp(res[0][2], res[1][2], sizeof(float) * (size_t)nw) == 0);
                    for (int u = 0; u < 2; u++)
                        for (int k = 0; k < 3; k++)
                            free(res[u][k]);
                }
            }
            nn_set_threads(0);
        }
}

/* ---- hand-worked forward cases ---- */

static void test_dense_by_hand(void)
{
    nn_shape s = shp(1, 2, 0, 0);
    nn_layer *l = nn_dense(2, NN_ACT_RELU);
    CHECK(nn_layer_setup(l, &s) == 0);
    float w[4] = {1, 2, 3, 4}, b[2] = {0.5f, -20}; /* kernel (in 2, units 2) */
    memcpy(l->p[0].w, w, sizeof w);
    memcpy(l->p[1].w, b, sizeof b);
    float x[2] = {1, 1}, y[2];
    l->ops->forward(l, x, y, 1);
    CHECK_NEAR(y[0], 1 + 3 + 0.5, 1e-6); /* x W: [4, 6] + b */
    CHECK_NEAR(y[1], 0, 0);              /* relu(6 - 20) */
    nn_layer_free(l);
}

static void test_conv_by_hand(void)
{
    /* 3x3 single-channel image, 3x3 kernel of ones, same padding: every
     * output is the sum of its 3x3 neighbourhood. */
    nn_shape s = shp(3, 3, 3, 1);
    nn_layer *l = nn_conv2d(1, 3, 3, 1, 1, NN_PAD_SAME, NN_ACT_LINEAR);
    CHECK(nn_layer_setup(l, &s) == 0);
    for (int i = 0; i < 9; i++)
        l->p[0].w[i] = 1;
    float x[9] = {1, 2, 3, 4, 5, 6, 7, 8, 9}, y[9];
    l->ops->forward(l, x, y, 1);
    CHECK_NEAR(y[0], 1 + 2 + 4 + 5, 0);
    CHECK_NEAR(y[4], 45, 0);
    CHECK_NEAR(y[8], 5 + 6 + 8 + 9, 0);
    nn_layer_free(l);
    /* stride 2 same on 4 pixels: TensorFlow pads 1 at the end only */
    nn_shape s4 = shp(3, 1, 4, 1);
    l = nn_conv2d(1, 1, 2, 1, 2, NN_PAD_SAME, NN_ACT_LINEAR);
    CHECK(nn_layer_setup(l, &s4) == 0);
    CHECK(l->out.d[1] == 2);
    l->p[0].w[0] = 1;
    l->p[0].w[1] = 10;
    float x4[4] = {1, 2, 3, 4}, y2[2];
    l->ops->forward(l, x4, y2, 1);
    CHECK_NEAR(y2[0], 21, 0);
    CHECK_NEAR(y2[1], 43, 0);
    nn_layer_free(l);
}

static void test_conv_transpose_by_hand(void)
{
    /* 1x1 input, 3x3 kernel, stride 2, same: output 2x2 = x times the
     * top-left 2x2 of the kernel (TensorFlow puts the odd padding last). */
    nn_shape s = shp(3, 1, 1, 1);
    nn_layer *l = nn_conv2d_transpose(1, 3, 3, 2, 2, NN_PAD_SAME, NN_ACT_LINEAR);
    CHECK(nn_layer_setup(l, &s) == 0);
    CHECK(l->out.d[0] == 2 && l->out.d[1] == 2 && l->out.d[2] == 1);
    for (int i = 0; i < 9; i++)
        l->p[0].w[i] = (float)(i + 1);
    l->p[1].w[0] = 0.5f;
    float x = 2, y[4];
    l->ops->forward(l, &x, y, 1);
    CHECK_NEAR(y[0], 2 * 1 + 0.5, 0);
    CHECK_NEAR(y[1], 2 * 2 + 0.5, 0);
    CHECK_NEAR(y[2], 2 * 4 + 0.5, 0);
    CHECK_NEAR(y[3], 2 * 5 + 0.5, 0);
    nn_layer_free(l);
}

static void test_pool_upsample_by_hand(void)
{
    nn_shape s = shp(3, 2, 2, 1);
    nn_layer *p = nn_maxpool2d(2, 2);
    CHECK(nn_layer_setup(p, &s) == 0);
    float x[4] = {1, 7, -3, 2}, y[1];
    p->ops->forward(p, x, y, 1);
    CHECK_NEAR(y[0], 7, 0);
    nn_layer_free(p);
    nn_layer *u = nn_upsample2d(2, 2);
    nn_shape s1 = shp(3, 1, 2, 1);
    CHECK(nn_layer_setup(u, &s1) == 0);
    float a[2] = {1, 2}, b[8];
    u->ops->forward(u, a, b, 1);
    float want[8] = {1, 1, 2, 2, 1, 1, 2, 2};
    CHECK(memcmp(b, want, sizeof want) == 0);
    nn_layer_free(u);
}

static void test_softmax_batchnorm_by_hand(void)
{
    float v[3] = {0, 0, (float)log(2.0)};
    nn_act_forward(NN_ACT_SOFTMAX, v, 1, 3);
    CHECK_NEAR(v[0], 0.25, 1e-6);
    CHECK_NEAR(v[2], 0.5, 1e-6);
    nn_shape s = shp(1, 1, 0, 0);
    nn_layer *b = nn_batchnorm(0.5f, 0);
    CHECK(nn_layer_setup(b, &s) == 0);
    CHECK(b->p[0].w[0] == 1 && b->p[3].w[0] == 1);
    b->training = 1;
    float x[2] = {1, 3}, y[2];
    b->ops->forward(b, x, y, 2); /* mean 2, var 1 */
    CHECK_NEAR(y[0], -1, 1e-6);
    CHECK_NEAR(y[1], 1, 1e-6);
    CHECK_NEAR(b->p[2].w[0], 1, 1e-6); /* 0.5 * 0 + 0.5 * 2 */
    CHECK_NEAR(b->p[3].w[0], 1, 1e-6); /* 0.5 * 1 + 0.5 * 1 */
    CHECK(nn_layer_param_count(b, 1) == 2 && nn_layer_param_count(b, 0) == 2);
    nn_layer_free(b);
}

static void test_bad_inputs(void)
{
    nn_shape s = shp(1, 4, 0, 0);
    nn_layer *c = nn_conv2d(2, 3, 3, 1, 1, NN_PAD_SAME, NN_ACT_LINEAR);
    CHECK(nn_layer_setup(c, &s) < 0); /* needs an image */
    nn_layer_free(c);
    nn_shape img = shp(3, 2, 2, 1);
    c = nn_conv2d(2, 3, 3, 1, 1, NN_PAD_VALID, NN_ACT_LINEAR);
    CHECK(nn_layer_setup(c, &img) < 0); /* smaller than the kernel */
    nn_layer_free(c);
    nn_shape t = shp(1, 5, 0, 0);
    nn_layer *r = nn_reshape(&t);
    CHECK(nn_layer_setup(r, &s) < 0);
    nn_layer_free(r);
    nn_layer *e = nn_embedding(3, 2);
    CHECK(nn_layer_setup(e, &s) == 0);
    float ids[4] = {0, 1, 3, 0}, y[8];
    CHECK(e->ops->forward(e, ids, y, 1) < 0);
    nn_layer_free(e);
}

/* im2col and col2im against their definitions, entry by entry, over
 * geometries with every stride, kernel and padding mix (border positions,
 * kernels wider than the image, one channel and several). */
static void test_im2col_col2im_definition(void)
{
    nn_rng r;
    nn_rng_seed(&r, 7);
    int bad = 0, cases = 0;
    for (int kh = 1; kh <= 4; kh++)
        for (int kw = 1; kw <= 5; kw += 2)
            for (int sh = 1; sh <= 3; sh++)
                for (int sw = 1; sw <= 2; sw++)
                    for (int same = 0; same <= 1; same++)
                        for (int64_t c = 1; c <= 3; c += 2) {
                            nn_conv_geom g = {.h = 5, .w = 4, .c = c, .kh = kh, .kw = kw, .sh = sh, .sw = sw};
                            nn_padding pad = same ? NN_PAD_SAME : NN_PAD_VALID;
                            nn_conv_out(g.h, kh, sh, pad, &g.oh, &g.pt);
                            nn_conv_out(g.w, kw, sw, pad, &g.ow, &g.pl);
                            if (g.oh < 1 || g.ow < 1)
                                continue;
                            int64_t nx = g.h * g.w * c, K = kh * kw * c, nc = g.oh * g.ow * K;
                            float *x = malloc(sizeof(float) * (size_t)nx), *cols = malloc(sizeof(float) * (size_t)nc);
                            float *back = calloc((size_t)nx, sizeof(float)), *want = calloc((size_t)nx, sizeof(float));
                            for (int64_t i = 0; i < nx; i++)
                                x[i] = (float)nn_rng_uniform(&r);
                            nn_im2col(&g, x, cols);
                            for (int64_t oy = 0; oy < g.oh; oy++)
                                for (int64_t ox = 0; ox < g.ow; ox++)
                                    for (int ky = 0; ky < kh; ky++)
                                        for (int kx = 0; kx < kw; kx++)
                                            for (int64_t ch = 0; ch < c; ch++) {
                                                int64_t iy = oy * sh - g.pt + ky, ix = ox * sw - g.pl + kx;
                                                int in = iy >= 0 && iy < g.h && ix >= 0 && ix < g.w;
                                                float v = cols[(oy * g.ow + ox) * K + (ky * kw + kx) * c + ch];
                                                float expect = in ? x[(iy * g.w + ix) * c + ch] : 0.0f;
                                                bad += v != expect;
                                                if (in)
                                                    want[(iy * g.w + ix) * c + ch] += v;
                                            }
                            nn_col2im(&g, cols, back);
                            for (int64_t i = 0; i < nx; i++)
                                bad += fabsf(back[i] - want[i]) > 1e-5f;
                            cases++;
                            free(x);
                            free(cols);
                            free(back);
                            free(want);
                        }
    CHECK(cases > 100);
    CHECK(bad == 0);
}

int main(void)
{
    RUN(test_grad_dense);
    RUN(test_grad_conv2d);
    RUN(test_grad_conv2d_transpose);
    RUN(test_grad_pool_upsample_reshape);
    RUN(test_grad_activations);
    RUN(test_grad_dropout_embedding_batchnorm);
    RUN(test_threads_do_not_change_results);
    RUN(test_dense_by_hand);
    RUN(test_conv_bands_match_direct);
    RUN(test_conv_by_hand);
    RUN(test_im2col_col2im_definition);
    RUN(test_conv_transpose_by_hand);
    RUN(test_pool_upsample_by_hand);
    RUN(test_softmax_batchnorm_by_hand);
    RUN(test_bad_inputs);
    return check_summary();
}
