/* The segmentation encoder-decoder; see fcn.h. */
#include "nn/fcn.h"

#include "core/error.h"
#include "core/mem.h"
#include "nn/losses.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void nn_fcn_defaults(nn_fcn_config *c)
{
    memset(c, 0, sizeof *c);
    c->h = c->w = 128;
    c->channels = 3;
    c->width = 1;
    c->depth = 2;
    c->classes = 1;
    c->positive = 8;
    c->ignore = -1;
    c->seed = 1;
}

int64_t nn_fcn_filters(const nn_fcn_config *c, int stage)
{
    int64_t v = (int64_t)llround(32.0 * c->width * (double)((int64_t)1 << stage));
    return v < 1 ? 1 : v;
}

/* Append "two 3x3 convs (or transposed convs) of f filters, relu" to a
 * spec, with batch norm between the linear conv and the relu. */
static void conv_pair(char *spec, size_t size, const char *type, int64_t f, int bn)
{
    size_t len = strlen(spec);
    for (int k = 0; k < 2; k++) {
        len += (size_t)snprintf(spec + len, size - len, "%s%s:%" PRId64 ":3x3%s", len ? "," : "", type, f,
                                bn ? ",batchnorm,activation:relu" : ":relu");
        if (len >= size)
            return;
    }
}

static void append(char *spec, size_t size, const char *item)
{
    size_t len = strlen(spec);
    snprintf(spec + len, size - len, "%s%s", len ? "," : "", item);
}

static void out_layer(char *spec, size_t size, const nn_fcn_config *c)
{
    char item[96];
    snprintf(item, sizeof item, "conv2d_transpose:%" PRId64 ":3x3:s2:%s", c->classes,
             c->classes == 1 ? "sigmoid" : "softmax");
    append(spec, size, item);
}

static int check_config(const nn_fcn_config *c)
{
    if (c->depth < 1 || c->depth > NN_FCN_MAX_DEPTH)
        return nn_set_error("depth must be 1..%d (got %d)", NN_FCN_MAX_DEPTH, c->depth);
    if (!(c->width > 0 && c->width <= 64))
        return nn_set_error("width multiplier must be in (0, 64]");
    if (c->channels < 1 || c->channels > 4)
        return nn_set_error("images must have 1 to 4 channels (got %" PRId64 ")", c->channels);
    if (c->classes < 1 || c->classes > 255)
        return nn_set_error("classes must be 1 (binary) or 2..255");
    if (c->classes == 1 && (c->positive < 0 || c->positive > 255))
        return nn_set_error("the positive class id must be 0..255");
    if (c->ignore > 255 || (c->ignore >= 0 && c->ignore < c->classes))
        return nn_set_error("the ignored label %d is one of the %" PRId64 " classes", c->ignore, c->classes);
    int64_t m = (int64_t)1 << c->depth;
    if (c->h < m || c->w < m || c->h % m || c->w % m)
        return nn_set_error("image sides must be multiples of 2^depth = %" PRId64 " (got %" PRId64 "x%" PRId64 ")", m,
                            c->h, c->w);
    if (c->skip && c->depth < 2)
        return nn_set_error("skip connections need depth >= 2");
    return 0;
}

static int build_parts(const nn_fcn_config *c, nn_model *m)
{
    char spec[2048] = "";
    int d = c->depth;
    if (!c->skip) {
        nn_shape in = {3, {c->h, c->w, c->channels, 0}};
        nn_seq *s = nn_model_add_part(m, "model", &in);
        if (!s)
            return -1;
        for (int i = 0; i <= d; i++) {
            if (i)
                append(spec, sizeof spec, "maxpool2d:2");
            conv_pair(spec, sizeof spec, "conv2d", nn_fcn_filters(c, i), c->batchnorm);
        }
        for (int j = d - 1; j >= 1; j--) {
            append(spec, sizeof spec, "upsample2d:2");
            conv_pair(spec, sizeof spec, "conv2d_transpose", nn_fcn_filters(c, j - 1), c->batchnorm);
        }
        out_layer(spec, sizeof spec, c);
        return nn_seq_add_spec(s, spec, c->seed);
    }
    for (int i = 0; i <= d; i++) {
        char name[16];
        snprintf(name, sizeof name, "down%d", i);
        nn_shape in = {3, {c->h >> (i ? i - 1 : 0), c->w >> (i ? i - 1 : 0), i ? nn_fcn_filters(c, i - 1) : c->channels, 0}};
        nn_seq *s = nn_model_add_part(m, name, &in);
        if (!s)
            return -1;
        spec[0] = 0;
        if (i)
            append(spec, sizeof spec, "maxpool2d:2");
        conv_pair(spec, sizeof spec, "conv2d", nn_fcn_filters(c, i), c->batchnorm);
        if (i == d)
            append(spec, sizeof spec, "upsample2d:2");
        if (nn_seq_add_spec(s, spec, c->seed) < 0)
            return -1;
    }
    for (int j = d - 1; j >= 1; j--) {
        char name[16];
        snprintf(name, sizeof name, "up%d", j);
        int64_t cu = j == d - 1 ? nn_fcn_filters(c, d) : nn_fcn_filters(c, j);
        nn_shape in = {3, {c->h >> j, c->w >> j, cu + nn_fcn_filters(c, j), 0}};
        nn_seq *s = nn_model_add_part(m, name, &in);
        if (!s)
            return -1;
        spec[0] = 0;
        conv_pair(spec, sizeof spec, "conv2d_transpose", nn_fcn_filters(c, j - 1), c->batchnorm);
        if (j > 1)
            append(spec, sizeof spec, "upsample2d:2");
        else
            out_layer(spec, sizeof spec, c);
        if (nn_seq_add_spec(s, spec, c->seed) < 0)
            return -1;
    }
    return 0;
}

int nn_fcn_build(const nn_fcn_config *c, nn_model **out)
{
    *out = NULL;
    if (check_config(c) < 0)
        return -1;
    nn_model *m = nn_model_new(c->skip ? "fcn-unet" : "fcn");
    if (!m)
        return -1;
    if (build_parts(c, m) < 0 || nn_model_init(m, c->seed) < 0) {
        nn_model_free(m);
        return -1;
    }
    *out = m;
    return 0;
}

/* ---- metadata ---- */

static const char *meta_keys[] = {"fcn.height", "fcn.width", "fcn.channels", "fcn.width_multiplier", "fcn.depth",
                                  "fcn.batchnorm", "fcn.skip", "fcn.classes", "fcn.positive", "fcn.ignore",
                                  "fcn.seed"};
#define NMETA 11

int nn_fcn_config_to_st(const nn_fcn_config *c, nn_safetensors *st)
{
    char buf[NMETA][64];
    snprintf(buf[0], 64, "%" PRId64, c->h);
    snprintf(buf[1], 64, "%" PRId64, c->w);
    snprintf(buf[2], 64, "%" PRId64, c->channels);
    snprintf(buf[3], 64, "%.17g", c->width);
    snprintf(buf[4], 64, "%d", c->depth);
    snprintf(buf[5], 64, "%d", c->batchnorm);
    snprintf(buf[6], 64, "%d", c->skip);
    snprintf(buf[7], 64, "%" PRId64, c->classes);
    snprintf(buf[8], 64, "%d", c->positive);
    snprintf(buf[9], 64, "%d", c->ignore);
    snprintf(buf[10], 64, "%" PRIu64, c->seed);
    for (int i = 0; i < NMETA; i++)
        if (nn_st_set_meta(st, meta_keys[i], buf[i]) < 0)
            return -1;
    return 0;
}

int nn_fcn_config_from_st(const nn_safetensors *st, nn_fcn_config *c)
{
    double v[NMETA];
    for (int i = 0; i < NMETA; i++) {
        const char *s = nn_st_meta(st, meta_keys[i]);
        char *end;
        if (!s || !*s)
            return nn_set_error("model metadata has no %s: not a train-fcn model?", meta_keys[i]);
        v[i] = strtod(s, &end);
        if (*end || !isfinite(v[i]) || fabs(v[i]) > 1e9)
            return nn_set_error("model metadata: bad %s", meta_keys[i]);
    }
    nn_fcn_defaults(c);
    c->h = (int64_t)v[0];
    c->w = (int64_t)v[1];
    c->channels = (int64_t)v[2];
    c->width = v[3];
    c->depth = (int)v[4];
    c->batchnorm = v[5] != 0;
    c->skip = v[6] != 0;
    c->classes = (int64_t)v[7];
    c->positive = (int)v[8];
    c->ignore = (int)v[9];
    c->seed = (uint64_t)v[10];
    return check_config(c);
}

int nn_fcn_check_labels(const nn_fcn_config *c, const uint8_t *y, int64_t count)
{
    if (c->classes == 1)
        return 0;
    for (int64_t i = 0; i < count; i++)
        if (y[i] >= c->classes && y[i] != c->ignore)
            return nn_set_error("label %d at pixel %" PRId64 " is outside 0..%" PRId64 "%s", y[i], i, c->classes - 1,
                                c->ignore >= 0 ? " and not the ignored label" : " (use --ignore for void labels)");
    return 0;
}

/* ---- state ---- */

int nn_fcn_init(nn_fcn *f, nn_model *m, const nn_fcn_config *c)
{
    memset(f, 0, sizeof *f);
    f->m = m;
    f->c = *c;
    nn_augment_defaults(&f->aug);
    if (check_config(c) < 0)
        return -1;
    int d = c->depth;
    if (!c->skip) {
        f->parts[0] = nn_model_part(m, "model");
        f->nparts = f->parts[0] ? 1 : 0;
    } else {
        for (int i = 0; i <= d; i++) {
            char name[16];
            snprintf(name, sizeof name, "down%d", i);
            f->parts[f->nparts++] = nn_model_part(m, name);
        }
        for (int j = d - 1; j >= 1; j--) {
            char name[16];
            snprintf(name, sizeof name, "up%d", j);
            f->parts[f->nparts++] = nn_model_part(m, name);
        }
    }
    for (int p = 0; p < f->nparts; p++)
        if (!f->parts[p])
            return nn_set_error("the model's parts do not match its fcn settings");
    if (f->nparts != m->nparts || f->nparts == 0)
        return nn_set_error("the model's parts do not match its fcn settings");
    const nn_shape *in = &f->parts[0]->in, *out = nn_seq_out(f->parts[f->nparts - 1]);
    if (in->ndim != 3 || in->d[0] != c->h || in->d[1] != c->w || in->d[2] != c->channels || out->ndim != 3 ||
        out->d[0] != c->h || out->d[1] != c->w || out->d[2] != c->classes)
        return nn_set_error("the model's shapes do not match its fcn settings");
    if (c->skip)
        for (int j = 1; j < d; j++) {
            /* up_j's input = previous part's output + down_j's output */
            const nn_seq *u = f->parts[d + (d - j)], *prev = f->parts[d + (d - j) - 1], *e = f->parts[j];
            const nn_shape *a = nn_seq_out(prev), *b = nn_seq_out(e);
            if (a->ndim != 3 || b->ndim != 3 || a->d[0] != b->d[0] || a->d[1] != b->d[1] ||
                u->in.d[0] != a->d[0] || u->in.d[1] != a->d[1] || u->in.d[2] != a->d[2] + b->d[2])
                return nn_set_error("the model's skip connections do not fit");
        }
    /* nn_fcn_loss hands back the gradient at the output layer's logits */
    nn_seq *last = f->parts[f->nparts - 1];
    nn_layer *ol = last->n ? last->layers[last->n - 1] : NULL;
    if (!ol || ol->act != (c->classes == 1 ? NN_ACT_SIGMOID : NN_ACT_SOFTMAX))
        return nn_set_error("the model's output layer is not a %s", c->classes == 1 ? "sigmoid" : "softmax");
    ol->dy_is_preact = 1;
    return 0;
}

static void free_buffers(nn_fcn *f)
{
    free(f->xb);
    free(f->gout);
    free(f->mb);
    free(f->tb);
    free(f->lb);
    for (int j = 0; j < NN_FCN_MAX_DEPTH; j++) {
        free(f->cat[j]);
        free(f->dcat[j]);
        f->cat[j] = f->dcat[j] = NULL;
    }
    for (int p = 0; p < 2 * NN_FCN_MAX_DEPTH + 1; p++) {
        free(f->gx[p]);
        f->gx[p] = NULL;
    }
    f->xb = f->gout = f->tb = NULL;
    f->mb = NULL;
    f->lb = NULL;
    f->cap = 0;
}

void nn_fcn_free(nn_fcn *f)
{
    free_buffers(f);
    memset(f, 0, sizeof *f);
}

static int reserve(nn_fcn *f, int64_t n)
{
    if (n <= f->cap)
        return 0;
    free_buffers(f);
    const nn_fcn_config *c = &f->c;
    size_t pix = (size_t)(c->h * c->w), nn = (size_t)n;
    if (!(f->xb = nn_alloc(nn, pix * (size_t)c->channels * sizeof(float))) ||
        !(f->gout = nn_alloc(nn, pix * (size_t)c->classes * sizeof(float))) || !(f->mb = nn_alloc(nn, pix)) ||
        !(f->tb = nn_alloc(nn, pix * sizeof(float))) || !(f->lb = nn_alloc(nn, pix * sizeof(int32_t))))
        goto fail;
    /* gx[p]: dL/d(output of part p) for every part but the last */
    for (int p = 0; p + 1 < f->nparts; p++)
        if (!(f->gx[p] = nn_alloc(nn, (size_t)nn_shape_size(nn_seq_out(f->parts[p])) * sizeof(float))))
            goto fail;
    if (c->skip)
        for (int j = 1; j < c->depth; j++) {
            size_t sz = (size_t)nn_shape_size(&f->parts[c->depth + (c->depth - j)]->in);
            if (!(f->cat[j] = nn_alloc(nn, sz * sizeof(float))) || !(f->dcat[j] = nn_alloc(nn, sz * sizeof(float))))
                goto fail;
        }
    f->cap = n;
    return 0;
fail:
    free_buffers(f);
    return -1;
}

/* dst (n*pix, ca + cb) = [a (n*pix, ca) | b (n*pix, cb)] per pixel */
static void concat(float *dst, const float *a, int64_t ca, const float *b, int64_t cb, int64_t rows)
{
    for (int64_t r = 0; r < rows; r++) {
        memcpy(dst + r * (ca + cb), a + r * ca, sizeof(float) * (size_t)ca);
        memcpy(dst + r * (ca + cb) + ca, b + r * cb, sizeof(float) * (size_t)cb);
    }
}

const float *nn_fcn_forward(nn_fcn *f, const float *x, int64_t n, int training, uint64_t step)
{
    if (reserve(f, n) < 0)
        return NULL;
    int d = f->c.depth;
    if (!f->c.skip)
        return nn_seq_forward(f->parts[0], x, n, training, step);
    const float *e[NN_FCN_MAX_DEPTH + 1];
    const float *cur = x;
    for (int i = 0; i <= d; i++) {
        if (!(cur = e[i] = nn_seq_forward(f->parts[i], cur, n, training, step)))
            return NULL;
    }
    for (int j = d - 1; j >= 1; j--) {
        int p = d + (d - j);
        const nn_shape *a = nn_seq_out(f->parts[p - 1]), *b = nn_seq_out(f->parts[j]);
        /* cat_j (n, h_j, w_j, ca + cb) */
        concat(f->cat[j], cur, a->d[2], e[j], b->d[2], n * a->d[0] * a->d[1]);
        if (!(cur = nn_seq_forward(f->parts[p], f->cat[j], n, training, step)))
            return NULL;
    }
    return cur;
}

int nn_fcn_backward(nn_fcn *f, const float *dy, int64_t n)
{
    if (n > f->cap)
        return nn_set_error("backward without a forward on this batch");
    if (!f->c.skip)
        return nn_seq_backward(f->parts[0], dy, NULL, n);
    int d = f->c.depth;
    for (int p = f->nparts - 1; p >= 0; p--) {
        const float *g = p == f->nparts - 1 ? dy : f->gx[p];
        if (p > d) {
            /* up_j: the gradient of the concatenation splits into the
             * previous part's output (first ca channels) and down_j's
             * (kept in dcat_j, added when down_j's gradient is complete) */
            int j = d - (p - d);
            const nn_shape *a = nn_seq_out(f->parts[p - 1]), *b = nn_seq_out(f->parts[j]);
            if (nn_seq_backward(f->parts[p], g, f->dcat[j], n) < 0)
                return -1;
            int64_t rows = n * a->d[0] * a->d[1], ca = a->d[2], cb = b->d[2];
            for (int64_t r = 0; r < rows; r++)
                memcpy(f->gx[p - 1] + r * ca, f->dcat[j] + r * (ca + cb), sizeof(float) * (size_t)ca);
        } else {
            if (nn_seq_backward(f->parts[p], g, p ? f->gx[p - 1] : NULL, n) < 0)
                return -1;
            int j = p - 1; /* down_j's gradient from down_{j+1} is in; add the skip's */
            if (j >= 1 && j < d) {
                const nn_shape *b = nn_seq_out(f->parts[j]);
                int64_t rows = n * b->d[0] * b->d[1], cb = b->d[2];
                int64_t ca = f->parts[d + (d - j)]->in.d[2] - cb;
                float *gj = f->gx[j];
                for (int64_t r = 0; r < rows; r++)
                    for (int64_t k = 0; k < cb; k++)
                        gj[r * cb + k] += f->dcat[j][r * (ca + cb) + ca + k];
            }
        }
    }
    return 0;
}

/* The cross-entropy and the output's sigmoid or softmax are differentiated
 * as one (Keras does so for these pairs, PyTorch's BCEWithLogitsLoss and
 * CrossEntropyLoss take logits): the gradient at the logits is
 * scale * (p - t).  Through the activation's own derivative it would
 * vanish where p saturates at the clip (1e-7), and a pixel confidently
 * wrong would never be corrected.  The loss value is the clipped one. */
int nn_fcn_loss(nn_fcn *f, const float *out, const uint8_t *masks, int64_t n, int grad, double *loss)
{
    const nn_fcn_config *c = &f->c;
    int64_t count = n * c->h * c->w;
    if (reserve(f, n) < 0 || nn_fcn_check_labels(c, masks, count) < 0)
        return -1;
    if (c->classes == 1) {
        /* out (count) probabilities, tb (count) 0/1 targets */
        for (int64_t i = 0; i < count; i++)
            f->tb[i] = masks[i] == c->positive;
        *loss = nn_loss_bce_of_sigmoid(out, f->tb, count, 1.0 / (double)count, grad ? f->gout : NULL);
        return 0;
    }
    /* out (count, K) probabilities, lb (count) labels */
    int64_t valid = 0, K = c->classes;
    for (int64_t i = 0; i < count; i++) {
        f->lb[i] = masks[i];
        valid += masks[i] != c->ignore;
    }
    double scale = 1.0 / (double)(valid ? valid : 1);
    *loss = nn_loss_sparse_cce(out, 0, f->lb, NULL, c->ignore, NULL, count, K, scale, NULL);
    if (grad)
        for (int64_t i = 0; i < count; i++) {
            const float *p = out + i * K;
            float *g = f->gout + i * K;
            int keep = f->lb[i] != c->ignore;
            for (int64_t k = 0; k < K; k++)
                g[k] = keep ? (float)(scale * (p[k] - (k == f->lb[i]))) : 0.0f;
        }
    return 0;
}

static void to_float(const uint8_t *src, float *dst, int64_t count)
{
    for (int64_t i = 0; i < count; i++)
        dst[i] = (float)(src[i] * (1.0 / 255)); /* as the predict tool scales */
}

int nn_fcn_batch(void *ctx, const int64_t *idx, int64_t n, int train, int val, uint64_t step, double *loss)
{
    nn_fcn *f = ctx;
    const nn_fcn_config *c = &f->c;
    if (reserve(f, n) < 0)
        return -1;
    const uint8_t *x = val ? f->vx : f->x, *y = val ? f->vy : f->y;
    int64_t px = c->h * c->w * c->channels, pm = c->h * c->w;
    for (int64_t i = 0; i < n; i++) {
        to_float(x + idx[i] * px, f->xb + i * px, px);
        memcpy(f->mb + i * pm, y + idx[i] * pm, (size_t)pm);
    }
    if (train && nn_augment_apply(&f->aug, f->xb, f->mb, n, c->h, c->w, c->channels, f->aug_seed, step) < 0)
        return -1;
    const float *out = nn_fcn_forward(f, f->xb, n, train, step);
    if (!out)
        return -1;
    if (nn_fcn_loss(f, out, f->mb, n, train, loss) < 0)
        return -1;
    if (train && nn_fcn_backward(f, f->gout, n) < 0)
        return -1;
    return 0;
}

int nn_fcn_predict(nn_fcn *f, const uint8_t *x, int64_t n, int64_t batch, float *probs)
{
    const nn_fcn_config *c = &f->c;
    int64_t px = c->h * c->w * c->channels, po = c->h * c->w * c->classes;
    if (batch < 1)
        batch = 1;
    for (int64_t s = 0; s < n; s += batch) {
        int64_t b = n - s < batch ? n - s : batch;
        if (reserve(f, b) < 0)
            return -1;
        to_float(x + s * px, f->xb, b * px);
        const float *out = nn_fcn_forward(f, f->xb, b, 0, 0);
        if (!out)
            return -1;
        memcpy(probs + s * po, out, sizeof(float) * (size_t)(b * po));
    }
    return 0;
}

void nn_fcn_argmax(const float *probs, int64_t count, int64_t k, uint8_t *ids)
{
    for (int64_t i = 0; i < count; i++) {
        const float *p = probs + i * k;
        if (k == 1) {
            ids[i] = p[0] >= 0.5f;
            continue;
        }
        int64_t best = 0;
        for (int64_t j = 1; j < k; j++)
            if (p[j] > p[best])
                best = j;
        ids[i] = (uint8_t)best;
    }
}

void nn_fcn_score(const nn_fcn_config *c, const uint8_t *pred, const uint8_t *mask, int64_t count, nn_fcn_scores *s)
{
    memset(s, 0, sizeof *s);
    int64_t k = c->classes == 1 ? 2 : c->classes;
    int64_t inter[256] = {0}, np[256] = {0}, nt[256] = {0}, right = 0, total = 0;
    for (int64_t i = 0; i < count; i++) {
        int t = c->classes == 1 ? mask[i] == c->positive : mask[i];
        if (c->classes > 1 && (t == c->ignore || t >= k))
            continue;
        int p = pred[i] < k ? pred[i] : 0;
        total++;
        np[p]++;
        nt[t]++;
        if (p == t) {
            right++;
            inter[t]++;
        }
    }
    s->nclass = k;
    s->pixel_acc = total ? (double)right / (double)total : NAN;
    double sum = 0;
    int used = 0;
    for (int64_t j = 0; j < k; j++) {
        int64_t uni = np[j] + nt[j] - inter[j];
        s->iou[j] = uni ? (double)inter[j] / (double)uni : NAN;
        if (uni) {
            sum += s->iou[j];
            used++;
        }
    }
    s->mean_iou = used ? sum / used : NAN;
}
