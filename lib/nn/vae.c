/* Autoencoders and VAEs; see vae.h. */
#include "nn/vae.h"

#include "core/error.h"
#include "core/mem.h"
#include "math/rng.h"
#include "nn/losses.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *kind_names[] = {"ae", "deep-ae", "vae", "cat-vae"};

int nn_ae_kind_parse(const char *name)
{
    for (int i = 0; i < 4; i++)
        if (!strcmp(name, kind_names[i]))
            return i;
    return -1;
}

const char *nn_ae_kind_name(nn_ae_kind k) { return kind_names[k]; }

void nn_ae_defaults(nn_ae_config *c, nn_ae_kind kind)
{
    memset(c, 0, sizeof *c);
    c->kind = kind;
    c->h = c->w = 28;
    c->latent = kind == NN_AE_VAE ? 2 : kind == NN_AE_CAT ? 1 : 32;
    c->categories = 10;
    c->code_act = NN_ACT_SIGMOID;
    c->tau = 2.0 / 3.0;
    c->tau_min = 0.5;
    c->seed = 1;
}

int64_t nn_ae_code_size(const nn_ae_config *c) { return c->kind == NN_AE_CAT ? c->latent * c->categories : c->latent; }

int nn_ae_build(const nn_ae_config *c, nn_model **out)
{
    *out = NULL;
    int64_t h = c->h, w = c->w, d = nn_ae_code_size(c);
    if (h < 1 || w < 1 || c->latent < 1 || (c->kind == NN_AE_CAT && c->categories < 2))
        return nn_set_error("bad image size, latent size or category count");
    if (c->kind == NN_AE_DEEP && (h % 4 || w % 4))
        return nn_set_error("deep-ae needs image sides that are multiples of 4 (got %lldx%lld)", (long long)h,
                            (long long)w);
    if ((c->kind == NN_AE_VAE || c->kind == NN_AE_CAT) && (h % 2 || w % 2))
        return nn_set_error("vae needs even image sides (got %lldx%lld)", (long long)h, (long long)w);
    nn_model *m = nn_model_new(kind_names[c->kind]);
    if (!m)
        return -1;
    nn_shape flat = {1, {h * w, 0, 0, 0}}, img = {3, {h, w, 1, 0}}, code = {1, {d, 0, 0, 0}};
    nn_seq *e = nn_model_add_part(m, "encoder", c->kind == NN_AE_PLAIN ? &flat : &img);
    nn_seq *dec = e ? nn_model_add_part(m, "decoder", &code) : NULL;
    char es[512], ds[512];
    switch (c->kind) {
    case NN_AE_PLAIN:
        snprintf(es, sizeof es, "dense:%lld:%s", (long long)d, nn_act_name(c->code_act));
        snprintf(ds, sizeof ds, "dense:%lld:sigmoid", (long long)(h * w));
        break;
    case NN_AE_DEEP:
        snprintf(es, sizeof es, "conv2d:16:3x3:relu,maxpool2d:2,conv2d:32:3x3:relu,maxpool2d:2,flatten,dense:%lld",
                 (long long)d);
        snprintf(ds, sizeof ds,
                 "dense:%lld:relu,reshape:%lldx%lldx32,conv2d:32:3x3:relu,upsample2d:2,conv2d:16:3x3:relu,"
                 "upsample2d:2,conv2d:1:3x3:sigmoid",
                 (long long)(h / 4 * w / 4 * 32), (long long)(h / 4), (long long)(w / 4));
        break;
    default:
        snprintf(es, sizeof es, "conv2d:32:3x3:relu,conv2d:32:3x3:relu,conv2d:64:3x3:s2:relu,flatten,dense:128:relu,"
                 "dense:%lld",
                 (long long)(c->kind == NN_AE_VAE ? 2 * d : d));
        snprintf(ds, sizeof ds,
                 "dense:128:relu,dense:%lld:relu,reshape:%lldx%lldx64,conv2d_transpose:32:3x3:s2:relu,"
                 "conv2d_transpose:32:3x3:relu,conv2d_transpose:1:3x3:sigmoid",
                 (long long)(h / 2 * w / 2 * 64), (long long)(h / 2), (long long)(w / 2));
        break;
    }
    if (!dec || nn_seq_add_spec(e, es, 0) < 0 || nn_seq_add_spec(dec, ds, 0) < 0 || nn_model_init(m, c->seed) < 0) {
        nn_model_free(m);
        return -1;
    }
    *out = m;
    return 0;
}

int nn_ae_config_to_st(const nn_ae_config *c, nn_safetensors *st)
{
    char buf[8][64];
    snprintf(buf[0], 64, "%lld", (long long)c->h);
    snprintf(buf[1], 64, "%lld", (long long)c->w);
    snprintf(buf[2], 64, "%lld", (long long)c->latent);
    snprintf(buf[3], 64, "%lld", (long long)c->categories);
    snprintf(buf[4], 64, "%.17g", c->tau);
    snprintf(buf[5], 64, "%.17g", c->tau_min);
    snprintf(buf[6], 64, "%.17g", c->anneal);
    snprintf(buf[7], 64, "%" PRIu64, c->seed);
    const char *keys[] = {"vae.height", "vae.width", "vae.latent", "vae.categories", "vae.tau", "vae.tau_min",
                          "vae.anneal", "vae.seed"};
    for (int i = 0; i < 8; i++)
        if (nn_st_set_meta(st, keys[i], buf[i]) < 0)
            return -1;
    if (nn_st_set_meta(st, "vae.kind", kind_names[c->kind]) < 0 ||
        nn_st_set_meta(st, "vae.loss", c->mse ? "mse" : "bce") < 0 ||
        nn_st_set_meta(st, "vae.code_activation", nn_act_name(c->code_act)) < 0)
        return -1;
    return 0;
}

static int meta_num(const nn_safetensors *st, const char *key, double *v)
{
    const char *s = nn_st_meta(st, key);
    char *end;
    if (!s || !*s)
        return nn_set_error("model metadata has no %s: not a train-vae model?", key);
    *v = strtod(s, &end);
    if (*end || !isfinite(*v))
        return nn_set_error("model metadata: bad %s", key);
    return 0;
}

int nn_ae_config_from_st(const nn_safetensors *st, nn_ae_config *c)
{
    const char *kind = nn_st_meta(st, "vae.kind"), *loss = nn_st_meta(st, "vae.loss");
    const char *act = nn_st_meta(st, "vae.code_activation");
    int k = kind ? nn_ae_kind_parse(kind) : -1;
    if (k < 0)
        return nn_set_error("model metadata has no valid vae.kind: not a train-vae model?");
    nn_ae_defaults(c, (nn_ae_kind)k);
    double v[8];
    const char *keys[] = {"vae.height", "vae.width", "vae.latent", "vae.categories", "vae.tau", "vae.tau_min",
                          "vae.anneal", "vae.seed"};
    for (int i = 0; i < 8; i++)
        if (meta_num(st, keys[i], &v[i]) < 0)
            return -1;
    if (v[0] < 1 || v[1] < 1 || v[2] < 1 || v[3] < 1 || v[0] > 1e5 || v[1] > 1e5 || v[2] > 1e7 || v[3] > 1e7)
        return nn_set_error("model metadata: bad sizes");
    c->h = (int64_t)v[0];
    c->w = (int64_t)v[1];
    c->latent = (int64_t)v[2];
    c->categories = (int64_t)v[3];
    c->tau = v[4];
    c->tau_min = v[5];
    c->anneal = v[6];
    c->seed = (uint64_t)v[7];
    c->mse = loss && !strcmp(loss, "mse");
    int a = act ? nn_act_parse(act) : -1;
    c->code_act = a < 0 ? NN_ACT_SIGMOID : (nn_act)a;
    return 0;
}

int nn_ae_init(nn_ae *a, nn_model *m, const nn_ae_config *c)
{
    memset(a, 0, sizeof *a);
    a->m = m;
    a->c = *c;
    a->enc = nn_model_part(m, "encoder");
    a->dec = nn_model_part(m, "decoder");
    if (!a->enc || !a->dec)
        return nn_set_error("the model has no encoder and decoder");
    int64_t code = nn_ae_code_size(c), hout = nn_shape_size(nn_seq_out(a->enc));
    int64_t want = c->kind == NN_AE_VAE ? 2 * code : code;
    if (hout != want || nn_shape_size(&a->dec->in) != code || nn_shape_size(nn_seq_out(a->dec)) != c->h * c->w ||
        nn_shape_size(&a->enc->in) != c->h * c->w)
        return nn_set_error("the model's sizes do not match its settings");
    /* BCE and a sigmoid output are differentiated as one (see run_batch) */
    nn_layer *ol = a->dec->n ? a->dec->layers[a->dec->n - 1] : NULL;
    a->fused = !c->mse && ol && ol->act == NN_ACT_SIGMOID;
    if (a->fused)
        ol->dy_is_preact = 1;
    return 0;
}

void nn_ae_free(nn_ae *a)
{
    free(a->xb);
    free(a->z);
    free(a->noise);
    free(a->dh);
    free(a->dz);
    free(a->gy);
    memset(a, 0, sizeof *a);
}

static int reserve(nn_ae *a, int64_t n)
{
    if (n <= a->cap)
        return 0;
    int64_t p = a->c.h * a->c.w, code = nn_ae_code_size(&a->c), hs = 2 * code;
    free(a->xb);
    free(a->z);
    free(a->noise);
    free(a->dh);
    free(a->dz);
    free(a->gy);
    a->xb = nn_alloc((size_t)n, (size_t)p * sizeof(float));
    a->gy = nn_alloc((size_t)n, (size_t)p * sizeof(float));
    a->z = nn_alloc((size_t)n, (size_t)hs * sizeof(float));
    a->noise = nn_alloc((size_t)n, (size_t)hs * sizeof(float));
    a->dh = nn_alloc((size_t)n, (size_t)hs * sizeof(float));
    a->dz = nn_alloc((size_t)n, (size_t)hs * sizeof(float));
    a->cap = a->xb && a->gy && a->z && a->noise && a->dh && a->dz ? n : 0;
    return a->cap ? 0 : -1;
}

static double tau_at(const nn_ae_config *c, uint64_t step)
{
    double t = c->tau * exp(-c->anneal * (double)step);
    return c->anneal > 0 && t < c->tau_min ? c->tau_min : t;
}

/* z from the encoder output h; noise: 0 none (inference), 1 sampled */
static void make_code(nn_ae *a, const float *h, int64_t n, int noisy, uint64_t step, double tau)
{
    int64_t d = a->c.latent, code = nn_ae_code_size(&a->c);
    nn_rng r;
    nn_rng_split(&r, a->c.seed ^ 0x5eedULL, step);
    if (a->c.kind == NN_AE_VAE) {
        /* h (n, 2d) = [mu | logvar] -> z (n, d) */
        for (int64_t i = 0; i < n; i++)
            for (int64_t j = 0; j < d; j++) {
                float mu = h[i * 2 * d + j], lv = h[i * 2 * d + d + j];
                float e = noisy ? (float)nn_rng_normal(&r) : 0.0f;
                a->noise[i * d + j] = e;
                a->z[i * d + j] = mu + expf(lv / 2) * e;
            }
    } else if (a->c.kind == NN_AE_CAT) {
        /* h (n, d*k) logits -> z = softmax((logits + gumbel) / tau) per group */
        for (int64_t i = 0; i < n * code; i++) {
            float g = noisy ? (float)nn_rng_gumbel(&r) : 0.0f;
            a->z[i] = (h[i] + g) / (float)tau;
        }
        nn_act_forward(NN_ACT_SOFTMAX, a->z, n * d, a->c.categories);
    } else {
        memcpy(a->z, h, sizeof(float) * (size_t)(n * code));
    }
}

/* One batch x (n, p): loss, and gradients when train. */
static int run_batch(nn_ae *a, const float *x, int64_t n, int train, uint64_t step, double tau, double *loss)
{
    int64_t p = a->c.h * a->c.w, d = a->c.latent, code = nn_ae_code_size(&a->c);
    int vae = a->c.kind == NN_AE_VAE || a->c.kind == NN_AE_CAT;
    const float *h = nn_seq_forward(a->enc, x, n, train, step);
    if (!h)
        return -1;
    make_code(a, h, n, vae, step, tau);
    const float *y = nn_seq_forward(a->dec, a->z, n, train, step);
    if (!y)
        return -1;
    /* ae: Keras's mean over pixels; vae: sum over pixels; both batch means */
    double scale = vae ? 1.0 / (double)n : 1.0 / ((double)n * (double)p);
    float *gy = train ? a->gy : NULL;
    /* y (n, p); fused: gy is the gradient at the decoder's logits.  Through
     * the sigmoid's derivative it would vanish where the clipped BCE
     * saturates (y below 1e-7 or above 1 - 1e-7). */
    double rec = a->c.mse  ? nn_loss_mse(y, x, n * p, scale, gy)
                 : a->fused ? nn_loss_bce_of_sigmoid(y, x, n * p, scale, gy)
                            : nn_loss_bce(y, x, n * p, scale, gy);
    double kl = 0;
    if (a->c.kind == NN_AE_VAE) {
        for (int64_t i = 0; i < n; i++)
            kl += nn_kl_gaussian(h + i * 2 * d, h + i * 2 * d + d, d, 1.0 / (double)n, NULL, NULL);
    } else if (a->c.kind == NN_AE_CAT) {
        kl = nn_kl_categorical(h, n * d, a->c.categories, 1.0 / (double)n, NULL);
    }
    a->recon = rec * (vae ? 1 : (double)p);
    a->kl = kl;
    *loss = rec + kl;
    if (!train)
        return 0;
    /* dz (n, code) = dL/dz from the decoder */
    float *dz = vae ? a->dz : a->dh;
    if (nn_seq_backward(a->dec, a->gy, dz, n) < 0)
        return -1;
    if (a->c.kind == NN_AE_VAE) {
        /* dh = [dz + dKL/dmu | dz * eps * exp(logvar/2) / 2 + dKL/dlogvar] */
        for (int64_t i = 0; i < n; i++) {
            const float *mu = h + i * 2 * d, *lv = mu + d;
            float *gm = a->dh + i * 2 * d, *gl = gm + d;
            nn_kl_gaussian(mu, lv, d, 1.0 / (double)n, gm, gl);
            for (int64_t j = 0; j < d; j++) {
                float g = dz[i * d + j];
                gm[j] += g;
                gl[j] += g * a->noise[i * d + j] * 0.5f * expf(lv[j] / 2);
            }
        }
    } else if (a->c.kind == NN_AE_CAT) {
        /* through the tempered softmax: dlogits = softmax'(z) dz / tau */
        nn_act_backward(NN_ACT_SOFTMAX, a->z, dz, dz, n * d, a->c.categories);
        nn_kl_categorical(h, n * d, a->c.categories, 1.0 / (double)n, a->dh);
        for (int64_t i = 0; i < n * code; i++)
            a->dh[i] += dz[i] / (float)tau;
    }
    return nn_seq_backward(a->enc, a->dh, NULL, n);
}

int nn_ae_batch(void *ctx, const int64_t *idx, int64_t n, int train, int val, uint64_t step, double *loss)
{
    nn_ae *a = ctx;
    if (reserve(a, n) < 0)
        return -1;
    int64_t p = a->c.h * a->c.w;
    const float *src = val ? a->val : a->train;
    for (int64_t i = 0; i < n; i++)
        memcpy(a->xb + i * p, src + idx[i] * p, sizeof(float) * (size_t)p);
    if (train)
        a->last_step = step;
    return run_batch(a, a->xb, n, train, step, tau_at(&a->c, a->last_step), loss);
}

int64_t nn_ae_encode_size(const nn_ae *a) { return nn_ae_code_size(&a->c); }

#define INFER_BATCH 256

int nn_ae_encode(nn_ae *a, const float *x, int64_t n, float *codes)
{
    int64_t p = a->c.h * a->c.w, code = nn_ae_code_size(&a->c), d = a->c.latent;
    if (reserve(a, INFER_BATCH) < 0)
        return -1;
    for (int64_t s = 0; s < n; s += INFER_BATCH) {
        int64_t cnt = n - s < INFER_BATCH ? n - s : INFER_BATCH;
        const float *h = nn_seq_forward(a->enc, x + s * p, cnt, 0, 0);
        if (!h)
            return -1;
        if (a->c.kind == NN_AE_VAE) {
            for (int64_t i = 0; i < cnt; i++)
                memcpy(codes + (s + i) * d, h + i * 2 * d, sizeof(float) * (size_t)d);
        } else {
            make_code(a, h, cnt, 0, 0, a->c.kind == NN_AE_CAT ? tau_at(&a->c, UINT64_MAX / 2) : 1.0);
            memcpy(codes + s * code, a->z, sizeof(float) * (size_t)(cnt * code));
        }
    }
    return 0;
}

int nn_ae_encode_gaussian(nn_ae *a, const float *x, int64_t n, float *mu, float *logvar)
{
    if (a->c.kind != NN_AE_VAE)
        return nn_set_error("only a vae has a mean and a log-variance");
    int64_t p = a->c.h * a->c.w, d = a->c.latent;
    if (reserve(a, INFER_BATCH) < 0)
        return -1;
    for (int64_t s = 0; s < n; s += INFER_BATCH) {
        int64_t cnt = n - s < INFER_BATCH ? n - s : INFER_BATCH;
        const float *h = nn_seq_forward(a->enc, x + s * p, cnt, 0, 0); /* (cnt, 2d): [mu | logvar] rows */
        if (!h)
            return -1;
        for (int64_t i = 0; i < cnt; i++) {
            if (mu)
                memcpy(mu + (s + i) * d, h + i * 2 * d, sizeof(float) * (size_t)d);
            if (logvar)
                memcpy(logvar + (s + i) * d, h + i * 2 * d + d, sizeof(float) * (size_t)d);
        }
    }
    return 0;
}

int nn_ae_decode(nn_ae *a, const float *codes, int64_t n, float *images)
{
    int64_t p = a->c.h * a->c.w, code = nn_ae_code_size(&a->c);
    for (int64_t s = 0; s < n; s += INFER_BATCH) {
        int64_t cnt = n - s < INFER_BATCH ? n - s : INFER_BATCH;
        const float *y = nn_seq_forward(a->dec, codes + s * code, cnt, 0, 0);
        if (!y)
            return -1;
        memcpy(images + s * p, y, sizeof(float) * (size_t)(cnt * p));
    }
    return 0;
}

int nn_ae_reconstruct(nn_ae *a, const float *x, int64_t n, float *images, double *bce, double *mse)
{
    int64_t p = a->c.h * a->c.w, code = nn_ae_code_size(&a->c);
    float *codes = nn_alloc((size_t)n, (size_t)code * sizeof(float));
    if (!codes)
        return -1;
    int rc = nn_ae_encode(a, x, n, codes);
    if (rc == 0)
        rc = nn_ae_decode(a, codes, n, images);
    free(codes);
    if (rc == 0 && bce)
        *bce = nn_loss_bce(images, x, n * p, 1.0 / ((double)n * (double)p), NULL);
    if (rc == 0 && mse)
        *mse = nn_loss_mse(images, x, n * p, 1.0 / ((double)n * (double)p), NULL);
    return rc;
}

double nn_normal_quantile(double p)
{
    /* bisection on the CDF 0.5 erfc(-x / sqrt 2): slow but exact enough */
    double lo = -40, hi = 40;
    for (int i = 0; i < 200; i++) {
        double mid = 0.5 * (lo + hi);
        if (0.5 * erfc(-mid / sqrt(2.0)) < p)
            lo = mid;
        else
            hi = mid;
    }
    return 0.5 * (lo + hi);
}
