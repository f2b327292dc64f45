/* safetensors reader and writer (see safetensors.h). */
#include "io/safetensors.h"
#include "io/endian.h"

#include "core/error.h"
#include "core/file.h"
#include "core/mem.h"
#include "io/json.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The reference implementation refuses headers above 100 MB. */
#define MAX_HEADER ((uint64_t)100 * 1000 * 1000)

static char *dup_string(const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = nn_alloc(n, 1);
    if (d)
        memcpy(d, s, n);
    return d;
}

const char *nn_st_dtype_name(nn_dtype t)
{
    switch (t) {
    case NN_U8: return "U8";
    case NN_I32: return "I32";
    case NN_I64: return "I64";
    case NN_F32: return "F32";
    case NN_F64: return "F64";
    default: return NULL;
    }
}

int nn_st_dtype_parse(const char *name)
{
    for (int t = 0; t < NN_DTYPE_COUNT; t++)
        if (strcmp(name, nn_st_dtype_name((nn_dtype)t)) == 0)
            return t;
    return -1;
}

void nn_st_init(nn_safetensors *st) { memset(st, 0, sizeof *st); }

void nn_st_free(nn_safetensors *st)
{
    for (int i = 0; i < st->count; i++) {
        free(st->names[i]);
        nn_array_free(&st->arrays[i]);
    }
    for (int i = 0; i < st->meta_count; i++) {
        free(st->meta_keys[i]);
        free(st->meta_values[i]);
    }
    free(st->names);
    free(st->arrays);
    free(st->meta_keys);
    free(st->meta_values);
    memset(st, 0, sizeof *st);
}

const nn_array *nn_st_get(const nn_safetensors *st, const char *name)
{
    for (int i = 0; i < st->count; i++)
        if (strcmp(st->names[i], name) == 0)
            return &st->arrays[i];
    return NULL;
}

const char *nn_st_meta(const nn_safetensors *st, const char *key)
{
    for (int i = 0; i < st->meta_count; i++)
        if (strcmp(st->meta_keys[i], key) == 0)
            return st->meta_values[i];
    return NULL;
}

/* Make room for one more entry in a table of `count` entries.  The
 * capacity follows from the count (4, 8, 16, ...), so it needs no field. */
static int grow(void **p, int count, size_t esize)
{
    if (count != 0 && (count < 4 || (count & (count - 1))))
        return 0;
    size_t cap = count == 0 ? 4 : (size_t)count * 2;
    void *np = nn_realloc(*p, cap, esize);
    if (!np)
        return -1;
    *p = np;
    return 0;
}

/* Takes ownership of name and of a's data. */
static int add_owned(nn_safetensors *st, char *name, nn_array *a)
{
    if (st->count == INT32_MAX)
        return nn_set_error("too many tensors");
    if (grow((void **)&st->names, st->count, sizeof *st->names) ||
        grow((void **)&st->arrays, st->count, sizeof *st->arrays))
        return -1;
    st->names[st->count] = name;
    st->arrays[st->count] = *a;
    st->count++;
    return 0;
}

int nn_st_add(nn_safetensors *st, const char *name, const nn_array *a)
{
    if (!*name)
        return nn_set_error("empty tensor name");
    if (strcmp(name, "__metadata__") == 0)
        return nn_set_error("'__metadata__' is reserved and cannot name a tensor");
    if (nn_st_get(st, name))
        return nn_set_error("tensor '%s' is already there", name);
    if (!nn_utf8_valid(name, strlen(name)))
        return nn_set_error("tensor name is not valid UTF-8");
    if (!nn_st_dtype_name(a->dtype))
        return nn_set_error("unsupported dtype for safetensors");
    nn_array copy;
    if (nn_array_alloc(&copy, a->dtype, a->ndim, a->shape))
        return -1;
    memcpy(copy.data, a->data, nn_array_bytes(a));
    char *n = dup_string(name);
    if (!n || add_owned(st, n, &copy)) {
        free(n);
        nn_array_free(&copy);
        return -1;
    }
    return 0;
}

int nn_st_set_meta(nn_safetensors *st, const char *key, const char *value)
{
    if (!nn_utf8_valid(key, strlen(key)) || !nn_utf8_valid(value, strlen(value)))
        return nn_set_error("metadata '%s' is not valid UTF-8", key);
    char *v = dup_string(value);
    if (!v)
        return -1;
    for (int i = 0; i < st->meta_count; i++)
        if (strcmp(st->meta_keys[i], key) == 0) {
            free(st->meta_values[i]);
            st->meta_values[i] = v;
            return 0;
        }
    char *k = dup_string(key);
    if (!k || st->meta_count == INT32_MAX || grow((void **)&st->meta_keys, st->meta_count, sizeof(char *)) ||
        grow((void **)&st->meta_values, st->meta_count, sizeof(char *))) {
        free(k);
        free(v);
        return -1;
    }
    st->meta_keys[st->meta_count] = k;
    st->meta_values[st->meta_count] = v;
    st->meta_count++;
    return 0;
}

/* ---- save ------------------------------------------------------------------ */
static int build_header(const nn_safetensors *st, nn_jbuf *b)
{
    nn_jbuf_puts(b, "{");
    int first = 1;
    if (st->meta_count) {
        nn_jbuf_puts(b, "\"__metadata__\":{");
        for (int i = 0; i < st->meta_count; i++) {
            if (i)
                nn_jbuf_puts(b, ",");
            nn_jbuf_string(b, st->meta_keys[i], strlen(st->meta_keys[i]));
            nn_jbuf_puts(b, ":");
            nn_jbuf_string(b, st->meta_values[i], strlen(st->meta_values[i]));
        }
        nn_jbuf_puts(b, "}");
        first = 0;
    }
    uint64_t offset = 0;
    for (int i = 0; i < st->count; i++) {
        const nn_array *a = &st->arrays[i];
        if (!nn_st_dtype_name(a->dtype))
            return nn_set_error("tensor '%s': unsupported dtype", st->names[i]);
        uint64_t bytes = nn_array_bytes(a);
        if (!first)
            nn_jbuf_puts(b, ",");
        first = 0;
        nn_jbuf_string(b, st->names[i], strlen(st->names[i]));
        nn_jbuf_printf(b, ":{\"dtype\":\"%s\",\"shape\":[", nn_st_dtype_name(a->dtype));
        for (int d = 0; d < a->ndim; d++)
            nn_jbuf_printf(b, d ? ",%lld" : "%lld", (long long)a->shape[d]);
        nn_jbuf_printf(b, "],\"data_offsets\":[%llu,%llu]}", (unsigned long long)offset,
                       (unsigned long long)(offset + bytes));
        offset += bytes;
    }
    nn_jbuf_puts(b, "}");
    /* Pad with spaces so the data starts 8-byte aligned. */
    while (b->len % 8 && !b->failed)
        nn_jbuf_puts(b, " ");
    return nn_jbuf_check(b);
}

int nn_st_save(const nn_safetensors *st, const char *path)
{
    nn_jbuf b;
    nn_jbuf_init(&b);
    if (build_header(st, &b)) {
        nn_jbuf_free(&b);
        return -1;
    }
    nn_output out;
    if (nn_output_open(&out, path)) {
        nn_jbuf_free(&b);
        return -1;
    }
    uint8_t len8[8];
    for (int i = 0; i < 8; i++)
        len8[i] = (uint8_t)((uint64_t)b.len >> (8 * i));
    int rc = 0;
    if (fwrite(len8, 1, 8, out.fp) != 8 || fwrite(b.data, 1, b.len, out.fp) != b.len)
        rc = nn_write_failed(out.fp, errno);
    nn_jbuf_free(&b);
    for (int i = 0; i < st->count && rc == 0; i++)
        rc = nn_write_le(out.fp, st->arrays[i].data, nn_array_count(&st->arrays[i]), nn_dtype_size(st->arrays[i].dtype));
    if (rc) {
        nn_output_abort(&out);
        return -1;
    }
    return nn_output_commit(&out);
}

/* ---- load ------------------------------------------------------------------ */
typedef struct {
    const char *name;
    const nn_json *info;
    nn_dtype dtype;
    int ndim;
    int64_t shape[NN_MAX_DIMS];
    uint64_t begin, end;
} entry;

static int entry_cmp(const void *a, const void *b)
{
    const entry *x = a, *y = b;
    if (x->begin != y->begin)
        return x->begin < y->begin ? -1 : 1;
    if (x->end != y->end)
        return x->end < y->end ? -1 : 1;
    return 0;
}

static int parse_entry(const char *name, const nn_json *info, entry *e)
{
    memset(e, 0, sizeof *e);
    e->name = name;
    if (info->type != NN_JSON_OBJECT)
        return nn_set_error("tensor '%s': header entry is not an object", name);
    for (size_t i = 0; i < info->count; i++)
        if (strcmp(info->keys[i], "dtype") && strcmp(info->keys[i], "shape") && strcmp(info->keys[i], "data_offsets"))
            return nn_set_error("tensor '%s': unknown field '%s'", name, info->keys[i]);
    const char *dt = nn_json_str(nn_json_get(info, "dtype"));
    const nn_json *shape = nn_json_get(info, "shape");
    const nn_json *offs = nn_json_get(info, "data_offsets");
    if (!dt || !shape || !offs)
        return nn_set_error("tensor '%s': needs dtype (a string), shape and data_offsets", name);
    int t = nn_st_dtype_parse(dt);
    if (t < 0)
        return nn_set_error("tensor '%s': unsupported dtype '%s' (supported: F32 F64 I32 I64 U8)", name, dt);
    e->dtype = (nn_dtype)t;
    if (shape->type != NN_JSON_ARRAY)
        return nn_set_error("tensor '%s': shape is not an array", name);
    if (shape->count > NN_MAX_DIMS)
        return nn_set_error("tensor '%s': more than %d dimensions", name, NN_MAX_DIMS);
    e->ndim = (int)shape->count;
    for (int d = 0; d < e->ndim; d++) {
        int64_t v;
        if (nn_json_get_int(&shape->items[d], &v) || v < 0)
            return nn_set_error("tensor '%s': shape must hold non-negative integers", name);
        e->shape[d] = v;
    }
    if (offs->type != NN_JSON_ARRAY || offs->count != 2)
        return nn_set_error("tensor '%s': data_offsets must be [begin, end]", name);
    int64_t b, en;
    if (nn_json_get_int(&offs->items[0], &b) || nn_json_get_int(&offs->items[1], &en) || b < 0 || en < b)
        return nn_set_error("tensor '%s': bad data_offsets", name);
    e->begin = (uint64_t)b;
    e->end = (uint64_t)en;
    size_t count, bytes;
    if (nn_shape_count(e->shape, e->ndim, &count) || nn_mul_size(count, nn_dtype_size(e->dtype), &bytes))
        return nn_set_error("tensor '%s': shape too large", name);
    if ((uint64_t)bytes != e->end - e->begin)
        return nn_set_error("tensor '%s': data_offsets span %llu bytes, dtype and shape need %zu", name,
                            (unsigned long long)(e->end - e->begin), bytes);
    return 0;
}

static int load_metadata(nn_safetensors *st, const nn_json *meta)
{
    if (meta->type != NN_JSON_OBJECT)
        return nn_set_error("__metadata__ is not an object");
    for (size_t i = 0; i < meta->count; i++) {
        if (meta->items[i].type != NN_JSON_STRING)
            return nn_set_error("__metadata__ value of '%s' is not a string", meta->keys[i]);
        if (strlen(meta->items[i].string) != meta->items[i].len)
            return nn_set_error("__metadata__ value of '%s' holds a NUL character", meta->keys[i]);
        if (nn_st_set_meta(st, meta->keys[i], meta->items[i].string))
            return -1;
    }
    return 0;
}

static int parse_inner(const uint8_t *buf, size_t len, nn_safetensors *st, nn_json *doc, entry **entries_out)
{
    if (len < 8)
        return nn_set_error(len ? "truncated safetensors file (no header length)" : "empty file (not a safetensors file)");
    uint64_t hlen = 0;
    for (int i = 7; i >= 0; i--)
        hlen = hlen << 8 | buf[i];
    if (hlen > MAX_HEADER)
        return nn_set_error("safetensors header length %llu is above the limit of %llu bytes (not a safetensors file?)",
                            (unsigned long long)hlen, (unsigned long long)MAX_HEADER);
    if (hlen > len - 8)
        return nn_set_error("truncated safetensors header (%llu bytes declared, %zu present)", (unsigned long long)hlen,
                            len - 8);
    if (hlen < 2 || buf[8] != '{')
        return nn_set_error("safetensors header does not start with '{'");
    if (nn_json_parse((const char *)buf + 8, (size_t)hlen, doc)) {
        char msg[256];
        snprintf(msg, sizeof msg, "%s", nn_last_error());
        return nn_set_error("safetensors header: %s", msg);
    }
    if (doc->type != NN_JSON_OBJECT)
        return nn_set_error("safetensors header is not a JSON object");
    size_t data_len = len - 8 - (size_t)hlen;
    const uint8_t *data = buf + 8 + hlen;
    entry *es = nn_alloc(doc->count ? doc->count : 1, sizeof *es);
    if (!es)
        return -1;
    *entries_out = es;
    size_t n = 0;
    for (size_t i = 0; i < doc->count; i++) {
        if (strcmp(doc->keys[i], "__metadata__") == 0) {
            if (load_metadata(st, &doc->items[i]))
                return -1;
            continue;
        }
        if (!doc->keys[i][0])
            return nn_set_error("empty tensor name");
        if (parse_entry(doc->keys[i], &doc->items[i], &es[n]))
            return -1;
        n++;
    }
    /* Tensors must tile the data region exactly: sorted by offset, each
     * begins where the previous ended, the last ends at the end of file. */
    qsort(es, n, sizeof *es, entry_cmp);
    uint64_t at = 0;
    for (size_t i = 0; i < n; i++) {
        if (es[i].begin < at)
            return nn_set_error("tensor '%s' overlaps tensor '%s'", es[i].name, es[i - 1].name);
        if (es[i].begin > at)
            return nn_set_error("gap of %llu bytes in the data before tensor '%s'",
                                (unsigned long long)(es[i].begin - at), es[i].name);
        if (es[i].end > data_len)
            return nn_set_error("tensor '%s' ends at byte %llu, past the end of the data (%zu bytes): truncated file?",
                                es[i].name, (unsigned long long)es[i].end, data_len);
        at = es[i].end;
    }
    if (at != data_len)
        return nn_set_error("%llu bytes after the last tensor's data", (unsigned long long)(data_len - at));
    for (size_t i = 0; i < n; i++) {
        nn_array a;
        if (nn_array_alloc(&a, es[i].dtype, es[i].ndim, es[i].shape))
            return -1;
        memcpy(a.data, data + es[i].begin, (size_t)(es[i].end - es[i].begin));
        if (nn_host_is_big_endian())
            nn_swap_bytes(a.data, nn_array_count(&a), nn_dtype_size(a.dtype));
        char *name = dup_string(es[i].name);
        if (!name || add_owned(st, name, &a)) {
            free(name);
            nn_array_free(&a);
            return -1;
        }
    }
    return 0;
}

int nn_st_parse(const uint8_t *buf, size_t len, nn_safetensors *st)
{
    nn_st_init(st);
    nn_json doc;
    memset(&doc, 0, sizeof doc);
    entry *es = NULL;
    int rc = parse_inner(buf, len, st, &doc, &es);
    free(es);
    nn_json_free(&doc);
    if (rc)
        nn_st_free(st);
    return rc;
}

int nn_st_load(const char *path, nn_safetensors *st)
{
    nn_st_init(st);
    uint8_t *buf;
    size_t len;
    if (nn_read_all(path, &buf, &len))
        return -1;
    int rc = nn_st_parse(buf, len, st);
    free(buf);
    return rc;
}
