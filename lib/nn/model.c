/* Models: parts of sequential layers, forward/backward through a part,
 * parameters, initialization, the layer spec and the JSON architecture. */
#include "nn/model.h"

#include "core/error.h"
#include "core/mem.h"
#include "math/rng.h"
#include "nn/init.h"
#include "nn/rnn.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

nn_model *nn_model_new(const char *kind)
{
    nn_model *m = nn_calloc(1, sizeof *m);
    if (m)
        snprintf(m->kind, sizeof m->kind, "%s", kind);
    return m;
}

static void seq_free(nn_seq *s)
{
    for (int i = 0; i < s->n; i++) {
        nn_layer_free(s->layers[i]);
        if (s->acts)
            free(s->acts[i]);
    }
    free(s->layers);
    free(s->acts);
    free(s->act_floats);
    free(s->ga);
    free(s->gb);
    free(s);
}

void nn_model_free(nn_model *m)
{
    if (!m)
        return;
    for (int i = 0; i < m->nparts; i++)
        seq_free(m->parts[i]);
    free(m);
}

nn_seq *nn_model_add_part(nn_model *m, const char *name, const nn_shape *in)
{
    if (m->nparts >= NN_MODEL_MAX_PARTS) {
        nn_set_error("too many model parts");
        return NULL;
    }
    if (nn_model_part(m, name)) {
        nn_set_error("model part \"%s\" given twice", name);
        return NULL;
    }
    if (in->ndim < 1 || in->ndim > NN_SHAPE_MAX) {
        nn_set_error("model part \"%s\": bad input rank", name);
        return NULL;
    }
    nn_seq *s = nn_calloc(1, sizeof *s);
    if (!s)
        return NULL;
    snprintf(s->name, sizeof s->name, "%s", name);
    s->model = m;
    s->in = *in;
    m->parts[m->nparts++] = s;
    return s;
}

nn_seq *nn_model_part(const nn_model *m, const char *name)
{
    for (int i = 0; i < m->nparts; i++)
        if (!strcmp(m->parts[i]->name, name))
            return m->parts[i];
    return NULL;
}

const nn_shape *nn_seq_out(const nn_seq *s) { return s->n ? &s->layers[s->n - 1]->out : &s->in; }

/* Keras's default layer names */
static const char *snake_name(const char *type)
{
    static const char *map[][2] = {{"maxpool2d", "max_pooling2d"},
                                   {"upsample2d", "up_sampling2d"},
                                   {"batchnorm", "batch_normalization"}};
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
        if (!strcmp(type, map[i][0]))
            return map[i][1];
    return type;
}

static int name_taken(const nn_model *m, const char *name)
{
    for (int p = 0; p < m->nparts; p++)
        for (int i = 0; i < m->parts[p]->n; i++)
            if (!strcmp(m->parts[p]->layers[i]->name, name))
                return 1;
    return 0;
}

int nn_seq_add(nn_seq *s, nn_layer *l)
{
    if (!l)
        return -1;
    nn_layer **ls = nn_realloc(s->layers, (size_t)s->n + 1, sizeof *ls);
    if (!ls) {
        nn_layer_free(l);
        return -1;
    }
    s->layers = ls;
    if (!strcmp(l->name, l->ops->type)) { /* default name: make it unique */
        const char *base = snake_name(l->ops->type);
        snprintf(l->name, sizeof l->name, "%s", base);
        for (int k = 1; name_taken(s->model, l->name); k++)
            snprintf(l->name, sizeof l->name, "%s_%d", base, k);
    } else if (name_taken(s->model, l->name)) {
        nn_set_error("layer name \"%s\" used twice", l->name);
        nn_layer_free(l);
        return -1;
    }
    if (nn_layer_setup(l, nn_seq_out(s)) < 0) {
        nn_layer_free(l);
        return -1;
    }
    s->layers[s->n++] = l;
    /* buffers are sized again on the next forward */
    if (s->acts) {
        for (int i = 0; i < s->n - 1; i++)
            free(s->acts[i]);
        free(s->acts);
        s->acts = NULL;
    }
    free(s->act_floats);
    s->act_floats = NULL;
    s->cap = 0;
    return 0;
}

int nn_seq_set_input(nn_seq *s, const nn_shape *in)
{
    nn_shape cur = *in;
    for (int i = 0; i < s->n; i++) {
        nn_layer *l = s->layers[i];
        int64_t counts[NN_LAYER_PARAMS];
        for (int k = 0; k < l->nparams; k++)
            counts[k] = l->p[k].count;
        int np = l->nparams;
        if (nn_layer_setup(l, &cur) < 0)
            return -1;
        for (int k = 0; k < np; k++)
            if (l->p[k].count != counts[k])
                return nn_set_error("layer %s: input shape changes the size of its %s", l->name, l->p[k].name);
        cur = l->out;
    }
    s->in = *in;
    s->cap = 0; /* reserve() checks the buffers against the new sizes */
    return 0;
}

/* Buffers for n samples of the current shapes: kept when big enough. */
static int reserve(nn_seq *s, int64_t n)
{
    if (n < 1)
        n = 1;
    /* Per-sample sizes come from a model file: multiply with overflow
     * checks (a shape of 2^62 floats would wrap to 0 bytes). */
    int64_t big = nn_shape_size(&s->in);
    int fits = s->acts && s->act_floats && s->ga && s->gb;
    for (int i = 0; i < s->n; i++) {
        int64_t sz = nn_shape_size(&s->layers[i]->out);
        big = sz > big ? sz : big;
        if (fits && (sz < 0 || sz > s->act_floats[i] / n))
            fits = 0;
    }
    if (fits && big >= 0 && big <= s->grad_floats / n) {
        s->cap = n;
        return 0;
    }
    if (s->acts)
        for (int i = 0; i < s->n; i++)
            free(s->acts[i]);
    free(s->acts);
    free(s->act_floats);
    free(s->ga);
    free(s->gb);
    s->ga = s->gb = NULL;
    s->act_floats = NULL;
    s->cap = 0;
    s->acts = nn_calloc((size_t)(s->n ? s->n : 1), sizeof *s->acts);
    s->act_floats = nn_calloc((size_t)(s->n ? s->n : 1), sizeof *s->act_floats);
    if (!s->acts || !s->act_floats)
        return -1;
    size_t row_bytes;
    for (int i = 0; i < s->n; i++) {
        int64_t sz = nn_shape_size(&s->layers[i]->out);
        if (sz < 0 || nn_mul_size((size_t)sz, sizeof(float), &row_bytes) ||
            !(s->acts[i] = nn_alloc((size_t)n, row_bytes)))
            return -1;
        s->act_floats[i] = n * sz;
    }
    if (big < 0 || nn_mul_size((size_t)big, sizeof(float), &row_bytes) || !(s->ga = nn_alloc((size_t)n, row_bytes)) ||
        !(s->gb = nn_alloc((size_t)n, row_bytes)))
        return -1;
    s->grad_floats = n * big;
    s->cap = n;
    return 0;
}

const float *nn_seq_forward(nn_seq *s, const float *x, int64_t n, int training, uint64_t step)
{
    if (reserve(s, n) < 0)
        return NULL;
    s->x = x;
    s->training = training;
    s->step = step;
    const float *cur = x;
    for (int i = 0; i < s->n; i++) {
        nn_layer *l = s->layers[i];
        l->training = training;
        l->step = step;
        if (l->ops->forward(l, cur, s->acts[i], n) < 0)
            return NULL;
        cur = s->acts[i];
    }
    return cur;
}

int nn_seq_backward(nn_seq *s, const float *dy, float *dx, int64_t n)
{
    if (n > s->cap)
        return nn_set_error("backward without a forward on this batch");
    if (s->n == 0) {
        if (dx)
            memcpy(dx, dy, sizeof(float) * (size_t)(n * nn_shape_size(&s->in)));
        return 0;
    }
    const float *cur = dy;
    for (int i = s->n - 1; i >= 0; i--) {
        nn_layer *l = s->layers[i];
        const float *xi = i ? s->acts[i - 1] : s->x;
        float *dxi = i ? (cur == s->ga ? s->gb : s->ga) : dx;
        if (l->ops->backward(l, xi, s->acts[i], cur, dxi, n) < 0)
            return -1;
        cur = dxi;
    }
    return 0;
}

/* Salted so that no layer's stream is also a stream of train.c's epoch
 * shuffle, which splits the bare seed by epoch number. */
#define NN_INIT_SALT 0x696e6974ULL /* "init" */

int nn_model_init(nn_model *m, uint64_t seed)
{
    for (int p = 0; p < m->nparts; p++)
        for (int i = 0; i < m->parts[p]->n; i++) {
            nn_rng r;
            nn_rng_split(&r, seed ^ NN_INIT_SALT, (uint64_t)p * 1000 + (uint64_t)i);
            if (nn_layer_init(m->parts[p]->layers[i], &r) < 0)
                return -1;
        }
    return 0;
}

void nn_model_zero_grad(nn_model *m)
{
    for (int p = 0; p < m->nparts; p++)
        for (int i = 0; i < m->parts[p]->n; i++) {
            nn_layer *l = m->parts[p]->layers[i];
            for (int k = 0; k < l->nparams; k++)
                if (l->p[k].g)
                    memset(l->p[k].g, 0, sizeof(float) * (size_t)l->p[k].count);
        }
}

nn_param **nn_model_params(const nn_model *m, int trainable, int *n)
{
    int count = 0;
    for (int pass = 0; pass < 2; pass++) {
        nn_param **list = NULL;
        if (pass && !(list = nn_alloc((size_t)(count ? count : 1), sizeof *list)))
            return NULL;
        int k = 0;
        for (int p = 0; p < m->nparts; p++)
            for (int i = 0; i < m->parts[p]->n; i++) {
                nn_layer *l = m->parts[p]->layers[i];
                for (int j = 0; j < l->nparams; j++)
                    if (trainable < 0 || l->p[j].trainable == trainable) {
                        if (pass)
                            list[k] = &l->p[j];
                        k++;
                    }
            }
        count = k;
        if (pass) {
            *n = count;
            return list;
        }
    }
    return NULL;
}

int64_t nn_model_param_count(const nn_model *m, int trainable)
{
    int64_t t = 0;
    for (int p = 0; p < m->nparts; p++)
        for (int i = 0; i < m->parts[p]->n; i++)
            t += nn_layer_param_count(m->parts[p]->layers[i], trainable);
    return t;
}

/* ---- the compact spec ---- */

static int parse_pair(const char *s, int *a, int *b)
{
    char *end;
    errno = 0;
    long x = strtol(s, &end, 10), y = x;
    if (*end == 'x')
        y = strtol(end + 1, &end, 10);
    if (*end || errno || x < 1 || y < 1 || x > 1 << 16 || y > 1 << 16)
        return -1;
    *a = (int)x;
    *b = (int)y;
    return 0;
}

static int parse_i64(const char *s, int64_t *v)
{
    char *end;
    errno = 0;
    long long x = strtoll(s, &end, 10);
    if (!*s || *end || errno || x < 1 || x > ((int64_t)1 << 40))
        return -1;
    *v = x;
    return 0;
}

static nn_layer *spec_layer(char **tok, int nt, uint64_t seed)
{
    const char *t = tok[0];
    int a = 1, b = 1, first_opt = 1;
    int64_t u = 0;
    nn_layer *l = NULL;
    if (!strcmp(t, "dense")) {
        if (nt < 2 || parse_i64(tok[1], &u) < 0)
            goto bad;
        l = nn_dense(u, NN_ACT_LINEAR);
        first_opt = 2;
    } else if (!strcmp(t, "conv2d") || !strcmp(t, "conv2d_transpose")) {
        if (nt < 3 || parse_i64(tok[1], &u) < 0 || parse_pair(tok[2], &a, &b) < 0)
            goto bad;
        l = t[6] ? nn_conv2d_transpose(u, a, b, 1, 1, NN_PAD_SAME, NN_ACT_LINEAR)
                 : nn_conv2d(u, a, b, 1, 1, NN_PAD_SAME, NN_ACT_LINEAR);
        first_opt = 3;
    } else if (!strcmp(t, "maxpool2d") || !strcmp(t, "upsample2d")) {
        if (nt != 2 || parse_pair(tok[1], &a, &b) < 0)
            goto bad;
        return t[0] == 'm' ? nn_maxpool2d(a, b) : nn_upsample2d(a, b);
    } else if (!strcmp(t, "flatten") && nt == 1) {
        return nn_flatten();
    } else if (!strcmp(t, "batchnorm") && nt == 1) {
        return nn_batchnorm(0.99f, 1e-3f);
    } else if (!strcmp(t, "reshape") && nt == 2) {
        nn_shape s = {0, {0}};
        char *p = tok[1];
        while (*p) {
            char *end;
            long v = strtol(p, &end, 10);
            if (end == p || v < 1 || s.ndim == NN_SHAPE_MAX || (*end && *end != 'x'))
                goto bad;
            s.d[s.ndim++] = v;
            p = *end ? end + 1 : end;
        }
        if (!s.ndim)
            goto bad;
        return nn_reshape(&s);
    } else if (!strcmp(t, "dropout") && nt == 2) {
        char *end;
        double r = strtod(tok[1], &end);
        if (*end || !(r >= 0 && r < 1))
            goto bad;
        return nn_dropout((float)r, seed);
    } else if (!strcmp(t, "embedding") && nt == 3) {
        int64_t v, d;
        if (parse_i64(tok[1], &v) < 0 || parse_i64(tok[2], &d) < 0)
            goto bad;
        return nn_embedding(v, d);
    } else if (!strcmp(t, "activation") && nt == 2) {
        int act = nn_act_parse(tok[1]);
        if (act < 0)
            goto bad;
        return nn_activation((nn_act)act);
    } else if (nn_cell_parse(t) >= 0) {
        return nn_rnn_from_spec(tok, nt);
    } else {
        goto bad;
    }
    if (!l)
        return NULL;
    for (int i = first_opt; i < nt; i++) {
        int act = nn_act_parse(tok[i]);
        if (act >= 0)
            l->act = (nn_act)act;
        else if (!strcmp(tok[i], "same"))
            l->padding = NN_PAD_SAME;
        else if (!strcmp(tok[i], "valid"))
            l->padding = NN_PAD_VALID;
        else if (!strcmp(tok[i], "nobias"))
            l->use_bias = 0;
        else if (tok[i][0] == 's' && first_opt == 3 && parse_pair(tok[i] + 1, &l->sh, &l->sw) == 0)
            ;
        else {
            nn_layer_free(l);
            goto bad;
        }
    }
    return l;
bad:
    nn_set_error("bad layer spec \"%s\"", t);
    return NULL;
}

int nn_seq_add_spec(nn_seq *s, const char *spec, uint64_t seed)
{
    size_t len = strlen(spec);
    char *copy = nn_alloc(len + 1, 1);
    if (!copy)
        return -1;
    memcpy(copy, spec, len + 1);
    int rc = 0, k = 0;
    for (char *item = copy; item && rc == 0; k++) {
        char *next = strchr(item, ',');
        if (next)
            *next++ = 0;
        char *tok[12];
        int nt = 0;
        for (char *p = item; p && nt < 12;) {
            tok[nt++] = p;
            p = strchr(p, ':');
            if (p)
                *p++ = 0;
        }
        nn_layer *l = spec_layer(tok, nt, seed + (uint64_t)k);
        rc = l ? nn_seq_add(s, l) : -1;
        item = next;
    }
    free(copy);
    return rc;
}

/* ---- JSON architecture ---- */

static void put_pair(nn_jbuf *b, const char *key, int x, int y) { nn_jbuf_printf(b, ",\"%s\":[%d,%d]", key, x, y); }

static void layer_json(const nn_layer *l, nn_jbuf *b)
{
    const char *t = l->ops->type;
    nn_jbuf_puts(b, "{\"type\":");
    nn_jbuf_string(b, t, strlen(t));
    nn_jbuf_puts(b, ",\"name\":");
    nn_jbuf_string(b, l->name, strlen(l->name));
    if (!strcmp(t, "dense") || !strcmp(t, "conv2d") || !strcmp(t, "conv2d_transpose")) {
        nn_jbuf_printf(b, ",\"units\":%lld,\"activation\":\"%s\",\"use_bias\":%s", (long long)l->units,
                       nn_act_name(l->act), l->use_bias ? "true" : "false");
        if (t[0] == 'c') {
            put_pair(b, "kernel", l->kh, l->kw);
            put_pair(b, "strides", l->sh, l->sw);
            nn_jbuf_printf(b, ",\"padding\":\"%s\"", l->padding == NN_PAD_SAME ? "same" : "valid");
        }
    } else if (!strcmp(t, "maxpool2d") || !strcmp(t, "upsample2d")) {
        put_pair(b, "size", l->kh, l->kw);
    } else if (!strcmp(t, "reshape")) {
        nn_jbuf_puts(b, ",\"target\":[");
        for (int i = 0; i < l->target.ndim; i++)
            nn_jbuf_printf(b, "%s%lld", i ? "," : "", (long long)l->target.d[i]);
        nn_jbuf_puts(b, "]");
    } else if (!strcmp(t, "dropout")) {
        nn_jbuf_puts(b, ",\"rate\":");
        nn_jbuf_number(b, l->rate);
        nn_jbuf_printf(b, ",\"seed\":%llu", (unsigned long long)(l->seed & ((1ULL << 53) - 1)));
    } else if (!strcmp(t, "embedding")) {
        nn_jbuf_printf(b, ",\"vocab\":%lld,\"units\":%lld", (long long)l->vocab, (long long)l->units);
    } else if (!strcmp(t, "batchnorm")) {
        nn_jbuf_puts(b, ",\"momentum\":");
        nn_jbuf_number(b, l->momentum);
        nn_jbuf_puts(b, ",\"epsilon\":");
        nn_jbuf_number(b, l->eps);
    } else if (!strcmp(t, "activation")) {
        nn_jbuf_printf(b, ",\"activation\":\"%s\"", nn_act_name(l->act));
    } else if (nn_rnn_type(t)) {
        nn_rnn_json(l, b);
    }
    nn_jbuf_puts(b, "}");
}

int nn_model_to_json(const nn_model *m, nn_jbuf *b)
{
    nn_jbuf_puts(b, "{\"kind\":");
    nn_jbuf_string(b, m->kind, strlen(m->kind));
    nn_jbuf_puts(b, ",\"parts\":[");
    for (int p = 0; p < m->nparts; p++) {
        const nn_seq *s = m->parts[p];
        nn_jbuf_puts(b, p ? ",{\"name\":" : "{\"name\":");
        nn_jbuf_string(b, s->name, strlen(s->name));
        nn_jbuf_puts(b, ",\"input\":[");
        for (int i = 0; i < s->in.ndim; i++)
            nn_jbuf_printf(b, "%s%lld", i ? "," : "", (long long)s->in.d[i]);
        nn_jbuf_puts(b, "],\"layers\":[");
        for (int i = 0; i < s->n; i++) {
            if (i)
                nn_jbuf_puts(b, ",");
            layer_json(s->layers[i], b);
        }
        nn_jbuf_puts(b, "]}");
    }
    nn_jbuf_puts(b, "]}");
    return nn_jbuf_check(b);
}

/* integer member in [lo, hi] (required) */
static int get_int(const nn_json *o, const char *key, int64_t lo, int64_t hi, int64_t *v)
{
    const nn_json *j = nn_json_get(o, key);
    if (!j || nn_json_get_int(j, v) < 0 || *v < lo || *v > hi)
        return nn_set_error("architecture: \"%s\" missing or out of range", key);
    return 0;
}

static int get_pair(const nn_json *o, const char *key, int *a, int *b)
{
    const nn_json *j = nn_json_get(o, key);
    int64_t x, y;
    if (!j || j->type != NN_JSON_ARRAY || j->count != 2 || nn_json_get_int(&j->items[0], &x) < 0 ||
        nn_json_get_int(&j->items[1], &y) < 0 || x < 1 || y < 1 || x > 4096 || y > 4096)
        return nn_set_error("architecture: \"%s\" must be two positive integers", key);
    *a = (int)x;
    *b = (int)y;
    return 0;
}

static int get_shape(const nn_json *j, nn_shape *s, const char *what)
{
    if (!j || j->type != NN_JSON_ARRAY || j->count < 1 || j->count > NN_SHAPE_MAX)
        return nn_set_error("architecture: bad %s shape", what);
    s->ndim = (int)j->count;
    for (size_t i = 0; i < j->count; i++)
        if (nn_json_get_int(&j->items[i], &s->d[i]) < 0 || s->d[i] < 1 || s->d[i] > ((int64_t)1 << 31))
            return nn_set_error("architecture: bad %s shape", what);
    return 0;
}

static double get_num(const nn_json *o, const char *key, double dflt)
{
    const nn_json *j = nn_json_get(o, key);
    return j && j->type == NN_JSON_NUMBER ? j->number : dflt;
}

static nn_layer *layer_from_json(const nn_json *o)
{
    const char *t = nn_json_str(nn_json_get(o, "type"));
    const char *name = nn_json_str(nn_json_get(o, "name"));
    if (!t || !name || !*name || strlen(name) >= 32) {
        nn_set_error("architecture: layer without a type or a valid name");
        return NULL;
    }
    nn_layer *l = NULL;
    int64_t u = 0, v = 0;
    int a, b, c, d;
    if (!strcmp(t, "dense") || !strcmp(t, "conv2d") || !strcmp(t, "conv2d_transpose")) {
        const char *an = nn_json_str(nn_json_get(o, "activation"));
        int act = an ? nn_act_parse(an) : -1;
        if (get_int(o, "units", 1, (int64_t)1 << 31, &u) < 0)
            return NULL;
        if (act < 0) {
            nn_set_error("architecture: layer %s: bad activation", name);
            return NULL;
        }
        if (!strcmp(t, "dense")) {
            l = nn_dense(u, (nn_act)act);
        } else {
            const char *pad = nn_json_str(nn_json_get(o, "padding"));
            if (get_pair(o, "kernel", &a, &b) < 0 || get_pair(o, "strides", &c, &d) < 0)
                return NULL;
            if (!pad || (strcmp(pad, "same") && strcmp(pad, "valid"))) {
                nn_set_error("architecture: layer %s: bad padding", name);
                return NULL;
            }
            nn_padding pd = pad[0] == 's' ? NN_PAD_SAME : NN_PAD_VALID;
            l = t[6] ? nn_conv2d_transpose(u, a, b, c, d, pd, (nn_act)act) : nn_conv2d(u, a, b, c, d, pd, (nn_act)act);
        }
        const nn_json *ub = nn_json_get(o, "use_bias");
        if (l && ub && ub->type == NN_JSON_BOOL)
            l->use_bias = ub->boolean;
    } else if (!strcmp(t, "maxpool2d") || !strcmp(t, "upsample2d")) {
        if (get_pair(o, "size", &a, &b) < 0)
            return NULL;
        l = t[0] == 'm' ? nn_maxpool2d(a, b) : nn_upsample2d(a, b);
    } else if (!strcmp(t, "flatten")) {
        l = nn_flatten();
    } else if (!strcmp(t, "reshape")) {
        nn_shape s;
        if (get_shape(nn_json_get(o, "target"), &s, "reshape") < 0)
            return NULL;
        l = nn_reshape(&s);
    } else if (!strcmp(t, "dropout")) {
        double r = get_num(o, "rate", -1);
        if (!(r >= 0 && r < 1) || get_int(o, "seed", 0, (int64_t)1 << 53, &v) < 0) {
            nn_set_error("architecture: layer %s: bad dropout rate or seed", name);
            return NULL;
        }
        l = nn_dropout((float)r, (uint64_t)v);
    } else if (!strcmp(t, "embedding")) {
        if (get_int(o, "vocab", 1, (int64_t)1 << 31, &v) < 0 || get_int(o, "units", 1, (int64_t)1 << 20, &u) < 0)
            return NULL;
        l = nn_embedding(v, u);
    } else if (!strcmp(t, "batchnorm")) {
        double mo = get_num(o, "momentum", 0.99), ep = get_num(o, "epsilon", 1e-3);
        if (!(mo >= 0 && mo <= 1) || !(ep >= 0)) {
            nn_set_error("architecture: layer %s: bad momentum or epsilon", name);
            return NULL;
        }
        l = nn_batchnorm((float)mo, (float)ep);
    } else if (!strcmp(t, "activation")) {
        const char *an = nn_json_str(nn_json_get(o, "activation"));
        int act = an ? nn_act_parse(an) : -1;
        if (act < 0) {
            nn_set_error("architecture: layer %s: bad activation", name);
            return NULL;
        }
        l = nn_activation((nn_act)act);
    } else if (nn_rnn_type(t)) {
        l = nn_rnn_from_json(o, name);
    } else {
        nn_set_error("architecture: unknown layer type \"%s\"", t);
        return NULL;
    }
    if (l)
        snprintf(l->name, sizeof l->name, "%s", name);
    return l;
}

int nn_model_from_json(const char *text, nn_model **out)
{
    nn_json doc;
    *out = NULL;
    if (nn_json_parse(text, strlen(text), &doc) < 0)
        return -1;
    const char *kind = nn_json_str(nn_json_get(&doc, "kind"));
    const nn_json *parts = nn_json_get(&doc, "parts");
    nn_model *m = NULL;
    if (!kind || !parts || parts->type != NN_JSON_ARRAY || parts->count < 1) {
        nn_set_error("architecture: needs \"kind\" and \"parts\"");
        goto fail;
    }
    if (!(m = nn_model_new(kind)))
        goto fail;
    for (size_t p = 0; p < parts->count; p++) {
        const nn_json *pj = &parts->items[p];
        const char *name = nn_json_str(nn_json_get(pj, "name"));
        const nn_json *layers = nn_json_get(pj, "layers");
        nn_shape in;
        if (!name || !layers || layers->type != NN_JSON_ARRAY) {
            nn_set_error("architecture: part without name or layers");
            goto fail;
        }
        if (get_shape(nn_json_get(pj, "input"), &in, "input") < 0)
            goto fail;
        nn_seq *s = nn_model_add_part(m, name, &in);
        if (!s)
            goto fail;
        for (size_t i = 0; i < layers->count; i++) {
            nn_layer *l = layer_from_json(&layers->items[i]);
            if (!l || nn_seq_add(s, l) < 0)
                goto fail;
        }
    }
    nn_json_free(&doc);
    *out = m;
    return 0;
fail:
    nn_model_free(m);
    nn_json_free(&doc);
    return -1;
}
