/* seq2seq: settings, tokens, feature normalization, the model's parts and
 * its metadata.  The forward and backward passes are in seq2seq_train.c,
 * decoding in seq2seq_decode.c. */
#include "nn/seq2seq.h"

#include "audio/features.h"
#include "core/error.h"
#include "core/mem.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *SPECIALS[NN_S2S_SPECIALS] = {"<pad>", "<s>", "</s>"};

void nn_s2s_defaults(nn_s2s_config *c)
{
    memset(c, 0, sizeof *c);
    c->cell = NN_CELL_GRU;
    c->att = NN_ATT_BAHDANAU;
    c->feat = 40;
    c->stack = 3;
    c->enc_units = 64;
    c->dec_units = 64;
    c->emb = 16;
    c->att_units = 64;
    c->max_out = 20;
}

void nn_s2s_config_free(nn_s2s_config *c)
{
    if (c->tokens)
        for (int64_t i = 0; i < c->vocab; i++)
            free(c->tokens[i]);
    free(c->tokens);
    free(c->mean);
    free(c->std);
    free(c->audio);
    c->tokens = NULL;
    c->mean = c->std = NULL;
    c->audio = NULL;
    c->vocab = 0;
}

static char *dup_n(const char *s, size_t n)
{
    char *d = nn_alloc(n + 1, 1);
    if (d) {
        memcpy(d, s, n);
        d[n] = 0;
    }
    return d;
}

/* Next token of text at *p: a word (words mode) or one UTF-8 character;
 * whitespace skipped.  0 at the end. */
static size_t next_token(int chars, const char **p)
{
    const char *s = *p;
    while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
        s++;
    *p = s;
    if (!*s)
        return 0;
    size_t n = 0;
    if (chars) {
        n = 1;
        while (s[n] && ((unsigned char)s[n] & 0xC0) == 0x80)
            n++;
    } else {
        while (s[n] && s[n] != ' ' && s[n] != '\t' && s[n] != '\n' && s[n] != '\r')
            n++;
    }
    return n;
}

static int find_token(const nn_s2s_config *c, const char *s, size_t n)
{
    for (int64_t i = NN_S2S_SPECIALS; i < c->vocab; i++)
        if (strlen(c->tokens[i]) == n && memcmp(c->tokens[i], s, n) == 0)
            return (int)i;
    return -1;
}

static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

int nn_s2s_vocab_from_texts(nn_s2s_config *c, char *const *texts, int64_t n)
{
    int64_t cap = 16, cnt = NN_S2S_SPECIALS;
    char **tok = nn_calloc((size_t)cap, sizeof *tok);
    if (!tok)
        return -1;
    for (int i = 0; i < NN_S2S_SPECIALS; i++)
        tok[i] = dup_n(SPECIALS[i], strlen(SPECIALS[i]));
    for (int64_t i = 0; i < n; i++) {
        const char *p = texts[i];
        size_t len;
        while ((len = next_token(c->chars, &p)) > 0) {
            int found = 0;
            for (int64_t k = NN_S2S_SPECIALS; k < cnt && !found; k++)
                found = strlen(tok[k]) == len && memcmp(tok[k], p, len) == 0;
            if (!found) {
                if (cnt == cap) {
                    char **t2 = nn_realloc(tok, (size_t)cap * 2, sizeof *tok);
                    if (!t2)
                        goto fail;
                    tok = t2;
                    cap *= 2;
                }
                if (!(tok[cnt++] = dup_n(p, len)))
                    goto fail;
            }
            p += len;
        }
    }
    if (cnt == NN_S2S_SPECIALS) {
        nn_set_error("the transcripts have no tokens");
        goto fail;
    }
    qsort(tok + NN_S2S_SPECIALS, (size_t)(cnt - NN_S2S_SPECIALS), sizeof *tok, cmp_str);
    if (c->tokens)
        for (int64_t k = 0; k < c->vocab; k++)
            free(c->tokens[k]);
    free(c->tokens);
    c->tokens = tok;
    c->vocab = cnt;
    return 0;
fail:
    for (int64_t k = 0; k < cnt; k++)
        free(tok[k]);
    free(tok);
    return -1;
}

int nn_s2s_text_to_ids(const nn_s2s_config *c, const char *text, int32_t *ids, int64_t cap, int64_t *len)
{
    const char *p = text;
    size_t n;
    int64_t k = 0;
    while ((n = next_token(c->chars, &p)) > 0) {
        int id = find_token(c, p, n);
        if (id < 0)
            return nn_set_error("unknown token '%.*s' (not in the model's %" PRId64 " tokens)", (int)(n > 40 ? 40 : n),
                                p, c->vocab - NN_S2S_SPECIALS);
        if (k >= cap)
            return nn_set_error("transcript longer than %" PRId64 " tokens", cap);
        ids[k++] = id;
        p += n;
    }
    *len = k;
    return 0;
}

char *nn_s2s_ids_to_text(const nn_s2s_config *c, const int32_t *ids, int64_t len)
{
    size_t total = 1;
    for (int64_t i = 0; i < len; i++)
        if (ids[i] >= NN_S2S_SPECIALS && ids[i] < c->vocab)
            total += strlen(c->tokens[ids[i]]) + 1;
    char *s = nn_alloc(total, 1), *p = s;
    if (!s)
        return NULL;
    for (int64_t i = 0; i < len && ids[i] != NN_S2S_EOS; i++) {
        if (ids[i] < NN_S2S_SPECIALS || ids[i] >= c->vocab)
            continue;
        if (p > s && !c->chars)
            *p++ = ' ';
        size_t n = strlen(c->tokens[ids[i]]);
        memcpy(p, c->tokens[ids[i]], n);
        p += n;
    }
    *p = 0;
    return s;
}

int nn_s2s_fit_norm(nn_s2s_config *c, const float *x, const int64_t *lens, int64_t n, int64_t T)
{
    int64_t F = c->feat;
    double *sum = nn_calloc((size_t)(2 * F), sizeof(double));
    float *mean = nn_alloc((size_t)F, sizeof(float)), *sd = nn_alloc((size_t)F, sizeof(float));
    if (!sum || !mean || !sd) {
        free(sum), free(mean), free(sd);
        return -1;
    }
    double count = 0;
    for (int64_t i = 0; i < n; i++)
        for (int64_t t = 0; t < lens[i]; t++, count++)
            for (int64_t f = 0; f < F; f++) {
                double v = x[(i * T + t) * F + f];
                sum[f] += v;
                sum[F + f] += v * v;
            }
    for (int64_t f = 0; f < F; f++) {
        double m = count > 0 ? sum[f] / count : 0, var = count > 0 ? sum[F + f] / count - m * m : 1;
        mean[f] = (float)m;
        sd[f] = (float)(var > 1e-8 ? sqrt(var) : 1.0);
    }
    free(sum);
    free(c->mean);
    free(c->std);
    c->mean = mean;
    c->std = sd;
    return 0;
}

void nn_s2s_apply_norm(const nn_s2s_config *c, float *x, const int64_t *lens, int64_t n, int64_t T)
{
    int64_t F = c->feat;
    if (!c->mean || !c->std)
        return;
    for (int64_t i = 0; i < n; i++)
        for (int64_t t = 0; t < lens[i]; t++)
            for (int64_t f = 0; f < F; f++) {
                float *v = x + (i * T + t) * F + f;
                *v = (*v - c->mean[f]) / c->std[f];
            }
}

int64_t nn_s2s_enc_len(const nn_s2s_config *c, int64_t T) { return (T + c->stack - 1) / c->stack; }

static int64_t att_width(const nn_s2s_config *c) { return c->att == NN_ATT_LUONG ? c->dec_units : c->att_units; }

static int check_config(const nn_s2s_config *c)
{
    if (c->cell != NN_CELL_GRU && c->cell != NN_CELL_LSTM)
        return nn_set_error("seq2seq: the cell must be gru or lstm");
    if (c->feat < 1 || c->stack < 1 || c->stack > 64 || c->enc_units < 1 || c->dec_units < 1 || c->emb < 1 ||
        c->att_units < 1 || c->max_out < 1 || c->vocab <= NN_S2S_SPECIALS)
        return nn_set_error("seq2seq: sizes must be positive (and a token list given)");
    return 0;
}

int nn_s2s_build(const nn_s2s_config *c, uint64_t seed, nn_model **out)
{
    if (check_config(c) < 0)
        return -1;
    int64_t C = 2 * c->enc_units, A = att_width(c), Ud = c->dec_units;
    nn_model *m = nn_model_new("seq2seq");
    if (!m)
        return -1;
    nn_shape s_enc = {2, {1, c->stack * c->feat}}, s_c = {1, {C}}, s_u = {1, {Ud}}, s_a = {1, {A}};
    nn_shape s_tok = {1, {1}}, s_dec = {2, {1, c->emb + C}}, s_out = {1, {Ud + C}};
    nn_seq *p;
    nn_layer *l;
    l = nn_bidirectional(c->cell, c->enc_units, 1, NN_MERGE_CONCAT);
    if (l)
        l->masking = 1;
    if (!(p = nn_model_add_part(m, "encoder", &s_enc)) || nn_seq_add(p, l) < 0)
        goto fail;
    if (!(p = nn_model_add_part(m, "bridge", &s_c)) || nn_seq_add(p, nn_dense(Ud, NN_ACT_TANH)) < 0)
        goto fail;
    if (c->att != NN_ATT_NONE) {
        if (!(p = nn_model_add_part(m, "keys", &s_c)) || nn_seq_add(p, nn_dense(A, NN_ACT_LINEAR)) < 0)
            goto fail;
    }
    if (c->att == NN_ATT_BAHDANAU) {
        if (!(p = nn_model_add_part(m, "query", &s_u)) || nn_seq_add(p, nn_dense(A, NN_ACT_LINEAR)) < 0)
            goto fail;
        l = nn_dense(1, NN_ACT_LINEAR);
        if (l)
            l->use_bias = 0;
        if (!(p = nn_model_add_part(m, "score", &s_a)) || nn_seq_add(p, l) < 0)
            goto fail;
    }
    if (!(p = nn_model_add_part(m, "embed", &s_tok)) || nn_seq_add(p, nn_embedding(c->vocab, c->emb)) < 0)
        goto fail;
    if (!(p = nn_model_add_part(m, "decoder", &s_dec)) || nn_seq_add(p, nn_recurrent(c->cell, Ud, 0)) < 0)
        goto fail;
    if (!(p = nn_model_add_part(m, "output", &s_out)) || nn_seq_add(p, nn_dense(c->vocab, NN_ACT_LINEAR)) < 0)
        goto fail;
    if (nn_model_init(m, seed) < 0 || nn_rnn_model_init(m, seed) < 0)
        goto fail;
    *out = m;
    return 0;
fail:
    nn_model_free(m);
    return -1;
}

static nn_seq *need_part(nn_model *m, const char *name, int64_t in_last, int *err)
{
    nn_seq *p = nn_model_part(m, name);
    if (!p || p->n != 1 || p->in.d[p->in.ndim - 1] != in_last) {
        if (!*err)
            nn_set_error("seq2seq model: part '%s' is missing or has another shape", name);
        *err = 1;
        return NULL;
    }
    return p;
}

int nn_s2s_init(nn_s2s *s, nn_model *m, const nn_s2s_config *c)
{
    memset(s, 0, sizeof *s);
    if (check_config(c) < 0)
        return -1;
    int64_t C = 2 * c->enc_units, A = att_width(c), Ud = c->dec_units;
    int err = 0;
    s->m = m;
    s->c = *c;
    s->enc = need_part(m, "encoder", c->stack * c->feat, &err);
    s->bridge = need_part(m, "bridge", C, &err);
    if (c->att != NN_ATT_NONE)
        s->keys = need_part(m, "keys", C, &err);
    if (c->att == NN_ATT_BAHDANAU) {
        s->query = need_part(m, "query", Ud, &err);
        s->score = need_part(m, "score", A, &err);
    }
    s->embed = need_part(m, "embed", 1, &err);
    s->dec = need_part(m, "decoder", c->emb + C, &err);
    s->out = need_part(m, "output", Ud + C, &err);
    if (err)
        return -1;
    nn_layer *e = s->enc->layers[0], *d = s->dec->layers[0];
    if (!nn_is_recurrent(e) || e->directions != 2 || e->units != c->enc_units || e->cell != (int)c->cell ||
        !nn_is_recurrent(d) || d->units != Ud || d->cell != (int)c->cell || s->out->layers[0]->units != c->vocab ||
        s->embed->layers[0]->vocab != c->vocab || s->embed->layers[0]->units != c->emb)
        return nn_set_error("seq2seq model: the layers do not match the settings in the metadata");
    if (s->keys && s->keys->layers[0]->units != A)
        return nn_set_error("seq2seq model: the keys part does not match the attention width");
    return 0;
}

void nn_s2s_free(nn_s2s *s) { memset(s, 0, sizeof *s); }

/* ---- metadata ---- */

static int set_i(nn_safetensors *st, const char *key, int64_t v)
{
    char b[32];
    snprintf(b, sizeof b, "%" PRId64, v);
    return nn_st_set_meta(st, key, b);
}

static char *join_floats(const float *v, int64_t n)
{
    char *s = nn_alloc((size_t)n, 20), *p = s;
    if (!s)
        return NULL;
    *p = 0;
    for (int64_t i = 0; i < n; i++)
        p += sprintf(p, i ? ",%.9g" : "%.9g", (double)v[i]);
    return s;
}

int nn_s2s_config_to_st(const nn_s2s_config *c, nn_safetensors *st)
{
    if (set_i(st, "seq2seq.features", c->feat) < 0 || set_i(st, "seq2seq.stack", c->stack) < 0 ||
        set_i(st, "seq2seq.enc_units", c->enc_units) < 0 || set_i(st, "seq2seq.dec_units", c->dec_units) < 0 ||
        set_i(st, "seq2seq.embedding", c->emb) < 0 || set_i(st, "seq2seq.att_units", c->att_units) < 0 ||
        set_i(st, "seq2seq.max_out", c->max_out) < 0 ||
        nn_st_set_meta(st, "seq2seq.cell", nn_cell_name(c->cell)) < 0 ||
        nn_st_set_meta(st, "seq2seq.attention", nn_att_name(c->att)) < 0 ||
        nn_st_set_meta(st, "seq2seq.text", c->chars ? "chars" : "words") < 0)
        return -1;
    size_t len = 1;
    for (int64_t i = 0; i < c->vocab; i++)
        len += strlen(c->tokens[i]) + 1;
    char *t = nn_alloc(len, 1), *p = t;
    if (!t)
        return -1;
    for (int64_t i = 0; i < c->vocab; i++)
        p += sprintf(p, i ? "\n%s" : "%s", c->tokens[i]);
    int rc = nn_st_set_meta(st, "seq2seq.tokens", t);
    free(t);
    if (rc < 0 || (c->audio && nn_st_set_meta(st, "seq2seq.audio", c->audio) < 0))
        return -1;
    if (c->mean && c->std) {
        char *ms = join_floats(c->mean, c->feat), *ss = join_floats(c->std, c->feat);
        rc = ms && ss ? 0 : -1;
        if (rc == 0)
            rc = nn_st_set_meta(st, "seq2seq.mean", ms) < 0 || nn_st_set_meta(st, "seq2seq.std", ss) < 0 ? -1 : 0;
        free(ms);
        free(ss);
    }
    return rc;
}

static int get_i(const nn_safetensors *st, const char *key, int64_t lo, int64_t hi, int64_t *v)
{
    const char *s = nn_st_meta(st, key);
    char *end;
    if (!s)
        return nn_set_error("not a seq2seq model: metadata %s is missing", key);
    long long x = strtoll(s, &end, 10);
    if (end == s || *end || x < lo || x > hi)
        return nn_set_error("metadata %s: '%s' is not a number in %" PRId64 "..%" PRId64, key, s, lo, hi);
    *v = x;
    return 0;
}

static float *parse_floats(const char *s, int64_t n)
{
    float *v = nn_alloc((size_t)n, sizeof(float));
    if (!v)
        return NULL;
    for (int64_t i = 0; i < n; i++) {
        char *end;
        v[i] = strtof(s, &end);
        if (end == s || (i + 1 < n ? *end != ',' : *end != 0) || !isfinite(v[i]) || v[i] > 1e30f || v[i] < -1e30f) {
            free(v);
            nn_set_error("metadata seq2seq.mean/std: expected %" PRId64 " numbers", n);
            return NULL;
        }
        s = end + (i + 1 < n);
    }
    return v;
}

int nn_s2s_config_from_st(const nn_safetensors *st, nn_s2s_config *c)
{
    nn_s2s_defaults(c);
    int64_t v[7] = {0};
    if (get_i(st, "seq2seq.features", 1, 1 << 16, &v[0]) < 0 || get_i(st, "seq2seq.stack", 1, 64, &v[1]) < 0 ||
        get_i(st, "seq2seq.enc_units", 1, 1 << 16, &v[2]) < 0 || get_i(st, "seq2seq.dec_units", 1, 1 << 16, &v[3]) < 0 ||
        get_i(st, "seq2seq.embedding", 1, 1 << 16, &v[4]) < 0 || get_i(st, "seq2seq.att_units", 1, 1 << 16, &v[5]) < 0 ||
        get_i(st, "seq2seq.max_out", 1, 1 << 16, &v[6]) < 0)
        return -1;
    c->feat = v[0];
    c->stack = (int)v[1];
    c->enc_units = v[2];
    c->dec_units = v[3];
    c->emb = v[4];
    c->att_units = v[5];
    c->max_out = v[6];
    const char *cell = nn_st_meta(st, "seq2seq.cell"), *att = nn_st_meta(st, "seq2seq.attention");
    const char *text = nn_st_meta(st, "seq2seq.text"), *tok = nn_st_meta(st, "seq2seq.tokens");
    if (!cell || !att || !text || !tok)
        return nn_set_error("not a seq2seq model: metadata seq2seq.cell/attention/text/tokens missing");
    int ck = nn_cell_parse(cell), ak = nn_att_parse(att);
    if ((ck != NN_CELL_GRU && ck != NN_CELL_LSTM) || ak < 0 ||
        (strcmp(text, "words") != 0 && strcmp(text, "chars") != 0))
        return nn_set_error("seq2seq metadata: unknown cell '%s', attention '%s' or text '%s'", cell, att, text);
    c->cell = (nn_cell_kind)ck;
    c->att = (nn_att_kind)ak;
    c->chars = strcmp(text, "chars") == 0;
    int64_t n = 1;
    for (const char *p = tok; *p; p++)
        n += *p == '\n';
    if (n <= NN_S2S_SPECIALS)
        return nn_set_error("seq2seq metadata: the token list is too short");
    c->tokens = nn_calloc((size_t)n, sizeof *c->tokens);
    if (!c->tokens)
        return -1;
    c->vocab = n;
    const char *p = tok;
    for (int64_t i = 0; i < n; i++) {
        const char *e = strchr(p, '\n');
        size_t len = e ? (size_t)(e - p) : strlen(p);
        if (!(c->tokens[i] = dup_n(p, len))) {
            nn_s2s_config_free(c);
            return -1;
        }
        p += len + (e != NULL);
    }
    for (int i = 0; i < NN_S2S_SPECIALS; i++)
        if (strcmp(c->tokens[i], SPECIALS[i]) != 0) {
            nn_s2s_config_free(c);
            return nn_set_error("seq2seq metadata: the token list does not start with <pad> <s> </s>");
        }
    const char *audio = nn_st_meta(st, "seq2seq.audio");
    if (audio) {
        nn_audio_settings as;
        if (nn_audio_settings_parse(audio, &as) < 0) {
            char why[256]; /* the message is rewritten from a copy, not from itself */
            snprintf(why, sizeof why, "%s", nn_last_error());
            nn_s2s_config_free(c);
            return nn_set_error("metadata seq2seq.audio: %s", why);
        }
        if (!(c->audio = dup_n(audio, strlen(audio)))) {
            nn_s2s_config_free(c);
            return -1;
        }
    }
    const char *ms = nn_st_meta(st, "seq2seq.mean"), *ss = nn_st_meta(st, "seq2seq.std");
    if (ms && ss) {
        c->mean = parse_floats(ms, c->feat);
        c->std = c->mean ? parse_floats(ss, c->feat) : NULL;
        if (!c->std) {
            nn_s2s_config_free(c);
            return -1;
        }
        for (int64_t f = 0; f < c->feat; f++)
            if (!(c->std[f] > 0)) {
                nn_s2s_config_free(c);
                return nn_set_error("metadata seq2seq.std: values must be positive");
            }
    }
    return 0;
}
