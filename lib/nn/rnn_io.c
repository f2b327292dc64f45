/* Recurrent layers: names, initialisation, masks, and their architecture
 * (JSON members and the spec form) for model.c. */
#include "nn/rnn.h"

#include "core/error.h"
#include "nn/init.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static const char *cell_names[] = {"rnn", "lstm", "gru"};
static const char *merge_names[] = {"concat", "sum", "mul", "ave"};

int nn_cell_parse(const char *name)
{
    for (int i = 0; i < 3; i++)
        if (!strcmp(name, cell_names[i]))
            return i;
    return -1;
}

const char *nn_cell_name(nn_cell_kind c) { return cell_names[c]; }

int nn_merge_parse(const char *name)
{
    for (int i = 0; i < 4; i++)
        if (!strcmp(name, merge_names[i]))
            return i;
    return -1;
}

const char *nn_merge_name(nn_merge_mode m) { return merge_names[m]; }

int nn_rnn_init(nn_layer *l, nn_rng *r)
{
    int64_t in = l->in.d[1], u = l->units, gu = l->p[1].shape[l->p[1].ndim - 1];
    int64_t nb = l->p[2].count / l->directions;
    double lim = sqrt(6.0 / (double)(in + gu));
    for (int d = 0; d < l->directions; d++) {
        float *w = l->p[0].w + d * in * gu, *b = l->p[2].w + d * nb;
        for (int64_t i = 0; i < in * gu; i++)
            w[i] = (float)((2 * nn_rng_uniform(r) - 1) * lim);
        if (nn_init_orthogonal(l->p[1].w + d * u * gu, u, gu, 1.0, r) < 0)
            return -1;
        memset(b, 0, sizeof(float) * (size_t)nb);
        if (l->cell == NN_CELL_LSTM && l->unit_forget_bias)
            for (int64_t j = 0; j < u; j++)
                b[u + j] = 1.0f;
    }
    return 0;
}

int nn_rnn_model_init(nn_model *m, uint64_t seed)
{
    for (int p = 0; p < m->nparts; p++)
        for (int i = 0; i < m->parts[p]->n; i++) {
            nn_layer *l = m->parts[p]->layers[i];
            if (!nn_is_recurrent(l))
                continue;
            nn_rng r;
            nn_rng_split(&r, seed ^ 0x726e6eULL, (uint64_t)p * 1000 + (uint64_t)i);
            if (nn_rnn_init(l, &r) < 0)
                return -1;
        }
    return 0;
}

int nn_model_uses_mask(const nn_model *m)
{
    for (int p = 0; p < m->nparts; p++)
        for (int i = 0; i < m->parts[p]->n; i++)
            if (nn_is_recurrent(m->parts[p]->layers[i]) && m->parts[p]->layers[i]->masking)
                return 1;
    return 0;
}

void nn_model_set_mask(nn_model *m, const uint8_t *mask)
{
    for (int p = 0; p < m->nparts; p++)
        for (int i = 0; i < m->parts[p]->n; i++) {
            nn_layer *l = m->parts[p]->layers[i];
            if (nn_is_recurrent(l) && l->masking)
                l->mask = mask;
        }
}

void nn_mask_from_ids(const float *ids, int64_t count, uint8_t *mask)
{
    for (int64_t i = 0; i < count; i++)
        mask[i] = ids[i] != 0;
}

int nn_rnn_type(const char *type)
{
    return !strcmp(type, "simple_rnn") || !strcmp(type, "lstm") || !strcmp(type, "gru") ||
           !strcmp(type, "bidirectional");
}

void nn_rnn_json(const nn_layer *l, nn_jbuf *b)
{
    nn_jbuf_printf(b, ",\"cell\":\"%s\",\"units\":%lld,\"return_sequences\":%s,\"masking\":%s", nn_cell_name(l->cell),
                   (long long)l->units, l->return_sequences ? "true" : "false", l->masking ? "true" : "false");
    if (l->cell == NN_CELL_LSTM)
        nn_jbuf_printf(b, ",\"unit_forget_bias\":%s", l->unit_forget_bias ? "true" : "false");
    if (l->directions == 2)
        nn_jbuf_printf(b, ",\"merge\":\"%s\"", nn_merge_name(l->merge));
}

static int get_bool(const nn_json *o, const char *key, int dflt)
{
    const nn_json *j = nn_json_get(o, key);
    return j && j->type == NN_JSON_BOOL ? j->boolean : dflt;
}

nn_layer *nn_rnn_from_json(const nn_json *o, const char *name)
{
    const char *t = nn_json_str(nn_json_get(o, "type"));
    const char *cn = nn_json_str(nn_json_get(o, "cell"));
    const char *mn = nn_json_str(nn_json_get(o, "merge"));
    int cell = cn ? nn_cell_parse(cn) : -1;
    int merge = mn ? nn_merge_parse(mn) : NN_MERGE_CONCAT;
    int64_t u;
    const nn_json *uj = nn_json_get(o, "units");
    if (!t || cell < 0 || merge < 0 || !uj || nn_json_get_int(uj, &u) < 0 || u < 1 || u > ((int64_t)1 << 20)) {
        nn_set_error("architecture: layer %s: bad cell, merge or units", name);
        return NULL;
    }
    int seq = get_bool(o, "return_sequences", 0);
    nn_layer *l = !strcmp(t, "bidirectional") ? nn_bidirectional((nn_cell_kind)cell, u, seq, (nn_merge_mode)merge)
                                              : nn_recurrent((nn_cell_kind)cell, u, seq);
    if (l) {
        l->masking = get_bool(o, "masking", 0);
        l->unit_forget_bias = get_bool(o, "unit_forget_bias", 1);
    }
    return l;
}

nn_layer *nn_rnn_from_spec(char **tok, int nt)
{
    int cell = nn_cell_parse(tok[0]);
    char *end;
    errno = 0;
    long long u = nt >= 2 ? strtoll(tok[1], &end, 10) : 0;
    if (cell < 0 || nt < 2 || *end || errno || u < 1 || u > (1 << 20))
        goto bad;
    int seq = 0, bi = 0, merge = NN_MERGE_CONCAT, mask = 0, forget = 1;
    for (int i = 2; i < nt; i++) {
        if (!strcmp(tok[i], "seq"))
            seq = 1;
        else if (!strcmp(tok[i], "bi"))
            bi = 1;
        else if (!strcmp(tok[i], "mask"))
            mask = 1;
        else if (!strcmp(tok[i], "noforgetbias"))
            forget = 0;
        else if (nn_merge_parse(tok[i]) >= 0)
            merge = nn_merge_parse(tok[i]);
        else
            goto bad;
    }
    nn_layer *l = bi ? nn_bidirectional((nn_cell_kind)cell, u, seq, (nn_merge_mode)merge)
                     : nn_recurrent((nn_cell_kind)cell, u, seq);
    if (l) {
        l->masking = mask;
        l->unit_forget_bias = forget;
    }
    return l;
bad:
    nn_set_error("bad layer spec \"%s\"", tok[0]);
    return NULL;
}
