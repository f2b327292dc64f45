/* The PCA model as a safetensors file (kept apart from pca.c so that code
 * using only the computation does not pull in the file format). */
#include "ml/pca.h"

#include "core/error.h"
#include "core/mem.h"
#include "io/safetensors.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int add_tensor(nn_safetensors *st, const char *name, nn_dtype t, int ndim, const int64_t *shape,
                      const void *data)
{
    nn_array a = {.dtype = t, .ndim = ndim, .data = (void *)data};
    for (int i = 0; i < ndim; i++)
        a.shape[i] = shape[i];
    return nn_st_add(st, name, &a);
}

static int set_meta_i64(nn_safetensors *st, const char *key, int64_t v)
{
    char buf[32];
    snprintf(buf, sizeof buf, "%" PRId64, v);
    return nn_st_set_meta(st, key, buf);
}

int nn_pca_save(const nn_pca *p, const char *path)
{
    nn_safetensors st;
    nn_st_init(&st);
    int64_t f = p->n_features, d = p->n_components;
    int64_t comp_shape[2] = {d, f};
    char shape[NN_MAX_DIMS * 21 + 1] = "", total[40];
    for (int i = 0; i < p->feature_ndim; i++) {
        size_t len = strlen(shape);
        snprintf(shape + len, sizeof shape - len, "%s%" PRId64, i ? "," : "", p->feature_shape[i]);
    }
    snprintf(total, sizeof total, "%.17g", p->total_variance);
    int rc = -1;
    if (add_tensor(&st, "mean", NN_F32, 1, &f, p->mean) < 0 ||
        add_tensor(&st, "components", NN_F32, 2, comp_shape, p->components) < 0 ||
        add_tensor(&st, "explained_variance", NN_F64, 1, &d, p->explained_variance) < 0 ||
        add_tensor(&st, "explained_variance_ratio", NN_F64, 1, &d, p->explained_variance_ratio) < 0 ||
        add_tensor(&st, "singular_values", NN_F64, 1, &d, p->singular_values) < 0 ||
        nn_st_set_meta(&st, "kind", "pca") < 0 || set_meta_i64(&st, "n_components", d) < 0 ||
        set_meta_i64(&st, "n_features", f) < 0 || set_meta_i64(&st, "n_samples", p->n_samples) < 0 ||
        nn_st_set_meta(&st, "feature_shape", shape) < 0 || nn_st_set_meta(&st, "total_variance", total) < 0 ||
        nn_st_set_meta(&st, "sign_convention", "largest-magnitude entry of each component positive") < 0)
        goto done;
    rc = nn_st_save(&st, path);
done:
    nn_st_free(&st);
    return rc;
}

static int meta_i64(const nn_safetensors *st, const char *key, int64_t *out)
{
    const char *s = nn_st_meta(st, key);
    if (!s)
        return nn_set_error("not a PCA model: metadata '%s' is missing", key);
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (*s == 0 || *end || errno || v < 0)
        return nn_set_error("not a PCA model: metadata '%s' is '%s', not a count", key, s);
    *out = (int64_t)v;
    return 0;
}

/* A tensor of the given dtype and shape, converted (widened or narrowed)
 * into a new buffer of `want`, all values finite. */
static void *get_tensor(const nn_safetensors *st, const char *name, int ndim, const int64_t *shape, nn_dtype want)
{
    const nn_array *a = nn_st_get(st, name);
    if (!a) {
        nn_set_error("not a PCA model: tensor '%s' is missing", name);
        return NULL;
    }
    int ok = a->ndim == ndim && nn_dtype_is_float(a->dtype);
    for (int i = 0; ok && i < ndim; i++)
        ok = a->shape[i] == shape[i];
    if (!ok) {
        char buf[96];
        nn_shape_format(a, buf, sizeof buf);
        nn_set_error("PCA model: tensor '%s' has shape %s %s, which does not fit the metadata", name, buf,
                     nn_dtype_name(a->dtype));
        return NULL;
    }
    nn_array c;
    if (nn_array_convert(a, want, &c) < 0)
        return NULL;
    size_t cnt = nn_array_count(&c);
    for (size_t i = 0; i < cnt; i++)
        if (!isfinite(nn_array_get(&c, i))) {
            nn_array_free(&c);
            nn_set_error("PCA model: tensor '%s' has a non-finite value", name);
            return NULL;
        }
    return c.data;
}

int nn_pca_load(nn_pca *p, const char *path)
{
    memset(p, 0, sizeof *p);
    nn_safetensors st;
    if (nn_st_load(path, &st) < 0)
        return -1;
    int rc = -1;
    const char *kind = nn_st_meta(&st, "kind");
    if (!kind || strcmp(kind, "pca") != 0) {
        nn_set_error("not a PCA model (metadata kind is %s%s%s)", kind ? "'" : "", kind ? kind : "missing",
                     kind ? "'" : "");
        goto done;
    }
    int64_t d, f, n;
    if (meta_i64(&st, "n_components", &d) < 0 || meta_i64(&st, "n_features", &f) < 0 ||
        meta_i64(&st, "n_samples", &n) < 0)
        goto done;
    if (d < 1 || f < 1 || d > f) {
        nn_set_error("PCA model: %" PRId64 " components of %" PRId64 " features do not make sense", d, f);
        goto done;
    }
    p->n_components = d;
    p->n_features = f;
    p->n_samples = n;
    /* feature_shape: "28,28"; absent or inconsistent means flat rows. */
    p->feature_ndim = 1;
    p->feature_shape[0] = f;
    const char *fs = nn_st_meta(&st, "feature_shape");
    if (fs && *fs) {
        int nd = 0;
        int64_t prod = 1, dims[NN_MAX_DIMS];
        const char *c = fs;
        int ok = 1;
        while (ok && *c) {
            char *end;
            errno = 0;
            long long v = strtoll(c, &end, 10);
            if (end == c || errno || v < 1 || nd == NN_MAX_DIMS - 1 || v > f)
                ok = 0;
            else {
                dims[nd++] = v;
                prod *= v;
                ok = prod <= f;
                c = *end == ',' ? end + 1 : end;
                if (*end && *end != ',')
                    ok = 0;
            }
        }
        if (!ok || prod != f) {
            nn_set_error("PCA model: feature_shape '%s' does not match %" PRId64 " features", fs, f);
            goto done;
        }
        p->feature_ndim = nd;
        memcpy(p->feature_shape, dims, (size_t)nd * sizeof *dims);
    }
    const char *tv = nn_st_meta(&st, "total_variance");
    p->total_variance = tv ? strtod(tv, NULL) : 0;
    int64_t cs[2] = {d, f};
    p->mean = get_tensor(&st, "mean", 1, &f, NN_F32);
    if (p->mean)
        p->components = get_tensor(&st, "components", 2, cs, NN_F32);
    if (p->components)
        p->explained_variance = get_tensor(&st, "explained_variance", 1, &d, NN_F64);
    if (p->explained_variance)
        p->explained_variance_ratio = get_tensor(&st, "explained_variance_ratio", 1, &d, NN_F64);
    if (p->explained_variance_ratio)
        p->singular_values = get_tensor(&st, "singular_values", 1, &d, NN_F64);
    if (!p->singular_values) {
        nn_pca_free(p);
        goto done;
    }
    rc = 0;
done:
    nn_st_free(&st);
    return rc;
}
