/* Models in safetensors files; see docs/model-format.md. */
#include "nn/model.h"

#include "core/error.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int tensor_name(char *buf, size_t size, const nn_seq *s, const nn_layer *l, const nn_param *p)
{
    int n = snprintf(buf, size, "%s.%s.%s", s->name, l->name, p->name);
    return n > 0 && (size_t)n < size ? 0 : nn_set_error("tensor name too long");
}

int nn_model_to_st(const nn_model *m, nn_safetensors *st)
{
    for (int q = 0; q < m->nparts; q++) {
        const nn_seq *s = m->parts[q];
        for (int i = 0; i < s->n; i++) {
            const nn_layer *l = s->layers[i];
            for (int k = 0; k < l->nparams; k++) {
                const nn_param *p = &l->p[k];
                char name[128];
                nn_array a = {NN_F32, p->ndim, {0}, p->w};
                memcpy(a.shape, p->shape, sizeof(int64_t) * (size_t)p->ndim);
                if (tensor_name(name, sizeof name, s, l, p) < 0 || nn_st_add(st, name, &a) < 0)
                    return -1;
            }
        }
    }
    nn_jbuf b;
    nn_jbuf_init(&b);
    char ver[16];
    snprintf(ver, sizeof ver, "%d", NN_MODEL_FORMAT_VERSION);
    int rc = nn_model_to_json(m, &b);
    if (rc == 0)
        rc = nn_st_set_meta(st, "format", NN_MODEL_FORMAT) < 0 || nn_st_set_meta(st, "format_version", ver) < 0 ||
                     nn_st_set_meta(st, "architecture", b.data) < 0
                 ? -1
                 : 0;
    nn_jbuf_free(&b);
    return rc;
}

int nn_model_save(const nn_model *m, const char *path, const nn_meta *extra, int nextra)
{
    nn_safetensors st;
    nn_st_init(&st);
    int rc = nn_model_to_st(m, &st);
    for (int i = 0; rc == 0 && i < nextra; i++)
        rc = nn_st_set_meta(&st, extra[i].key, extra[i].value);
    if (rc == 0)
        rc = nn_st_save(&st, path);
    nn_st_free(&st);
    return rc;
}

int nn_model_load_weights(nn_model *m, const nn_safetensors *st)
{
    int used = 0;
    for (int q = 0; q < m->nparts; q++) {
        nn_seq *s = m->parts[q];
        for (int i = 0; i < s->n; i++) {
            nn_layer *l = s->layers[i];
            for (int k = 0; k < l->nparams; k++) {
                nn_param *p = &l->p[k];
                char name[128];
                if (tensor_name(name, sizeof name, s, l, p) < 0)
                    return -1;
                const nn_array *a = nn_st_get(st, name);
                if (!a) {
                    nn_set_error("tensor %s missing", name);
                    return -1;
                }
                int same = a->dtype == NN_F32 && a->ndim == p->ndim;
                for (int d = 0; same && d < p->ndim; d++)
                    same = a->shape[d] == p->shape[d];
                if (!same) {
                    char want[64], got[64];
                    nn_array w = {NN_F32, p->ndim, {0}, NULL};
                    memcpy(w.shape, p->shape, sizeof(int64_t) * (size_t)p->ndim);
                    nn_shape_format(&w, want, sizeof want);
                    nn_shape_format(a, got, sizeof got);
                    nn_set_error("tensor %s is %s %s, the architecture needs float32 %s", name,
                                 nn_dtype_name(a->dtype), got, want);
                    return -1;
                }
                memcpy(p->w, a->data, sizeof(float) * (size_t)p->count);
                used++;
            }
        }
    }
    /* tensors beyond the weights must be named "optim..." (checkpoints) */
    for (int i = 0; i < st->count; i++)
        if (strncmp(st->names[i], "optim.", 6))
            used--;
    if (used != 0) {
        return nn_set_error("the file has tensors the architecture does not use");
    }
    return 0;
}

int nn_model_from_st(const nn_safetensors *st, nn_model **out)
{
    *out = NULL;
    const char *fmt = nn_st_meta(st, "format"), *ver = nn_st_meta(st, "format_version");
    const char *arch = nn_st_meta(st, "architecture");
    if (!fmt || strcmp(fmt, NN_MODEL_FORMAT))
        return nn_set_error("not an nnpipe model (no \"format\": \"%s\" in the metadata)", NN_MODEL_FORMAT);
    if (!ver || atoi(ver) != NN_MODEL_FORMAT_VERSION)
        return nn_set_error("model format version %s not supported (this build reads %d)", ver ? ver : "(none)",
                            NN_MODEL_FORMAT_VERSION);
    if (!arch)
        return nn_set_error("model without an architecture");
    nn_model *m;
    if (nn_model_from_json(arch, &m) < 0)
        return -1;
    if (nn_model_load_weights(m, st) < 0)
        goto fail;
    *out = m;
    return 0;
fail:
    nn_model_free(m);
    return -1;
}

int nn_model_load(const char *path, nn_model **out, nn_safetensors *st_out)
{
    nn_safetensors st;
    *out = NULL;
    if (nn_st_load(path, &st) < 0)
        return -1;
    int rc = nn_model_from_st(&st, out);
    if (rc == 0 && st_out)
        *st_out = st;
    else
        nn_st_free(&st);
    return rc;
}
