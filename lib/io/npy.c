/* .npy reader and writer (see npy.h for what is accepted). */
#include "io/npy.h"
#include "io/endian.h"

#include "core/error.h"
#include "core/file.h"
#include "core/mem.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>

/* numpy's own reader refuses headers above 10000 bytes by default; ours
 * are ~100 bytes.  1 MiB leaves room for odd writers and stops a hostile
 * version-2 length (up to 4 GiB) early. */
#define MAX_HEADER (1u << 20)

/* Element types that may appear in a file. */
enum { F_B1, F_I1, F_U1, F_I2, F_U2, F_I4, F_U4, F_I8, F_F4, F_F8 };

static const struct {
    char kind;
    int size;
    nn_dtype loaded; /* nn_array type it becomes */
} file_types[] = {
    [F_B1] = {'b', 1, NN_U8},  [F_I1] = {'i', 1, NN_I32}, [F_U1] = {'u', 1, NN_U8},
    [F_I2] = {'i', 2, NN_I32}, [F_U2] = {'u', 2, NN_I32}, [F_I4] = {'i', 4, NN_I32},
    [F_U4] = {'u', 4, NN_I64}, [F_I8] = {'i', 8, NN_I64}, [F_F4] = {'f', 4, NN_F32},
    [F_F8] = {'f', 8, NN_F64},
};
#define N_FILE_TYPES ((int)(sizeof file_types / sizeof file_types[0]))

/* ---- header dict parser ------------------------------------------------
 * The header is a Python dict literal such as
 *   {'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }
 * padded with spaces and ended by '\n'.  We accept exactly the three keys
 * (each once, any order), quoted with ' or ", and nothing else. */
typedef struct {
    const char *p, *end;
} scanner;

static void skip_ws(scanner *s)
{
    while (s->p < s->end && (*s->p == ' ' || *s->p == '\t' || *s->p == '\n' || *s->p == '\r'))
        s->p++;
}

static int expect_char(scanner *s, char c)
{
    skip_ws(s);
    if (s->p >= s->end || *s->p != c)
        return nn_set_error("bad .npy header: expected '%c'", c);
    s->p++;
    return 0;
}

/* A quoted string without escapes (numpy never writes any). */
static int scan_string(scanner *s, char *buf, size_t size)
{
    skip_ws(s);
    if (s->p >= s->end || (*s->p != '\'' && *s->p != '"'))
        return nn_set_error("bad .npy header: expected a quoted string");
    char q = *s->p++;
    size_t n = 0;
    while (s->p < s->end && *s->p != q) {
        if (*s->p == '\\' || *s->p == '\n')
            return nn_set_error("bad .npy header: unsupported character in a string");
        if (n + 1 >= size)
            return nn_set_error("bad .npy header: string too long");
        buf[n++] = *s->p++;
    }
    if (s->p >= s->end)
        return nn_set_error("bad .npy header: unterminated string");
    s->p++;
    buf[n] = 0;
    return 0;
}

static int scan_dim(scanner *s, int64_t *v)
{
    skip_ws(s);
    if (s->p >= s->end || *s->p < '0' || *s->p > '9')
        return nn_set_error("bad .npy header: shape must hold non-negative integers");
    int64_t x = 0;
    while (s->p < s->end && *s->p >= '0' && *s->p <= '9') {
        int d = *s->p++ - '0';
        if (x > (INT64_MAX - d) / 10)
            return nn_set_error("bad .npy header: dimension too large");
        x = x * 10 + d;
    }
    if (s->p < s->end && *s->p == 'L') /* Python 2 longs */
        s->p++;
    *v = x;
    return 0;
}

static int scan_shape(scanner *s, int *ndim, int64_t *shape)
{
    if (expect_char(s, '('))
        return -1;
    int n = 0;
    skip_ws(s);
    if (s->p < s->end && *s->p == ')') {
        s->p++;
        *ndim = 0;
        return 0;
    }
    for (;;) {
        int64_t v = 0;
        if (scan_dim(s, &v))
            return -1;
        if (n >= NN_MAX_DIMS)
            return nn_set_error("arrays of more than %d dimensions are not supported", NN_MAX_DIMS);
        shape[n++] = v;
        skip_ws(s);
        if (s->p < s->end && *s->p == ')') {
            if (n == 1)
                return nn_set_error("bad .npy header: a 1-tuple needs a comma: (n,)");
            s->p++;
            break;
        }
        if (expect_char(s, ','))
            return -1;
        skip_ws(s);
        if (s->p < s->end && *s->p == ')') {
            s->p++;
            break;
        }
    }
    *ndim = n;
    return 0;
}

static int parse_descr(const char *d, int *code, int *swap)
{
    size_t n = strlen(d);
    if (n < 3)
        return nn_set_error("unsupported dtype '%s'", d);
    char order = d[0], kind = d[1];
    char *end;
    errno = 0;
    long size = strtol(d + 2, &end, 10);
    if (*end || errno || d[2] < '1' || d[2] > '9')
        return nn_set_error("unsupported dtype '%s'", d);
    if (order != '<' && order != '>' && order != '|')
        return nn_set_error("unsupported byte order in dtype '%s'", d);
    if (order == '|' && size != 1)
        return nn_set_error("unsupported dtype '%s'", d);
    for (int i = 0; i < N_FILE_TYPES; i++)
        if (file_types[i].kind == kind && file_types[i].size == size) {
            *code = i;
            *swap = size > 1 && ((order == '>') != nn_host_is_big_endian());
            return 0;
        }
    if (kind == 'u' && size == 8)
        return nn_set_error("dtype uint64 is not supported (values may not fit int64)");
    if (kind == 'f' && size == 2)
        return nn_set_error("dtype float16 is not supported");
    return nn_set_error("unsupported dtype '%s'", d);
}

typedef struct {
    int code, swap, ndim;
    int64_t shape[NN_MAX_DIMS];
} header_info;

static int parse_dict(const char *text, size_t len, header_info *h)
{
    scanner s = {text, text + len};
    int have_descr = 0, have_fortran = 0, have_shape = 0, fortran = 0;
    char descr[64];
    if (expect_char(&s, '{'))
        return -1;
    for (;;) {
        skip_ws(&s);
        if (s.p < s.end && *s.p == '}') {
            s.p++;
            break;
        }
        char key[32];
        if (scan_string(&s, key, sizeof key) || expect_char(&s, ':'))
            return -1;
        skip_ws(&s);
        if (strcmp(key, "descr") == 0 && !have_descr) {
            have_descr = 1;
            if (s.p < s.end && *s.p == '[')
                return nn_set_error("structured dtypes are not supported");
            if (scan_string(&s, descr, sizeof descr))
                return -1;
        } else if (strcmp(key, "fortran_order") == 0 && !have_fortran) {
            have_fortran = 1;
            if ((size_t)(s.end - s.p) >= 4 && memcmp(s.p, "True", 4) == 0) {
                fortran = 1;
                s.p += 4;
            } else if ((size_t)(s.end - s.p) >= 5 && memcmp(s.p, "False", 5) == 0) {
                s.p += 5;
            } else {
                return nn_set_error("bad .npy header: fortran_order must be True or False");
            }
        } else if (strcmp(key, "shape") == 0 && !have_shape) {
            have_shape = 1;
            if (scan_shape(&s, &h->ndim, h->shape))
                return -1;
        } else {
            return nn_set_error("bad .npy header: unexpected or repeated key '%s'", key);
        }
        skip_ws(&s);
        if (s.p < s.end && *s.p == ',') {
            s.p++;
            continue;
        }
        if (expect_char(&s, '}'))
            return -1;
        break;
    }
    skip_ws(&s);
    if (s.p != s.end)
        return nn_set_error("bad .npy header: unexpected text after the dict");
    if (!have_descr || !have_fortran || !have_shape)
        return nn_set_error("bad .npy header: missing key '%s'",
                            !have_descr ? "descr" : !have_fortran ? "fortran_order" : "shape");
    if (fortran)
        return nn_set_error("Fortran-order arrays are not supported (save with C order, "
                            "e.g. numpy.ascontiguousarray)");
    return parse_descr(descr, &h->code, &h->swap);
}

/* The fixed part: magic, version, header length.  `pre` holds at least
 * 10 bytes; *prefix_len = 10 or 12 and *dict_len = the dict's length. */
static int parse_prefix(const uint8_t *pre, size_t have, size_t *prefix_len, size_t *dict_len)
{
    if (have < 10 || memcmp(pre, "\x93NUMPY", 6) != 0)
        return nn_set_error("not a .npy file (bad magic)");
    int major = pre[6];
    if (major == 1) {
        *prefix_len = 10;
        *dict_len = (size_t)pre[8] | (size_t)pre[9] << 8;
    } else if (major == 2 || major == 3) {
        if (have < 12)
            return nn_set_error("truncated .npy header");
        *prefix_len = 12;
        uint32_t n = (uint32_t)pre[8] | (uint32_t)pre[9] << 8 | (uint32_t)pre[10] << 16 | (uint32_t)pre[11] << 24;
        if (n > MAX_HEADER)
            return nn_set_error("bad .npy header: length %lu is absurd", (unsigned long)n);
        *dict_len = n;
    } else {
        return nn_set_error("unsupported .npy format version %d.%d", major, pre[7]);
    }
    return 0;
}

/* Data sizes for a parsed header: element count, bytes in the file. */
static int data_sizes(const header_info *h, size_t *count, size_t *file_bytes)
{
    if (nn_shape_count(h->shape, h->ndim, count))
        return -1;
    if (nn_mul_size(*count, (size_t)file_types[h->code].size, file_bytes))
        return nn_set_error("data size overflows");
    return 0;
}

/* Raw file elements -> loaded dtype.  `src` may be swapped in place. */
static void convert_elements(int code, int swap, uint8_t *src, size_t n, void *dst)
{
    size_t fs = (size_t)file_types[code].size;
    if (swap)
        nn_swap_bytes(src, n, fs);
    switch (code) {
    case F_B1: {
        uint8_t *d = dst;
        for (size_t i = 0; i < n; i++)
            d[i] = src[i] != 0;
        break;
    }
    case F_I1: {
        int32_t *d = dst;
        for (size_t i = 0; i < n; i++)
            d[i] = (int8_t)src[i];
        break;
    }
    case F_I2: {
        int32_t *d = dst;
        for (size_t i = 0; i < n; i++) {
            int16_t v;
            memcpy(&v, src + 2 * i, 2);
            d[i] = v;
        }
        break;
    }
    case F_U2: {
        int32_t *d = dst;
        for (size_t i = 0; i < n; i++) {
            uint16_t v;
            memcpy(&v, src + 2 * i, 2);
            d[i] = v;
        }
        break;
    }
    case F_U4: {
        int64_t *d = dst;
        for (size_t i = 0; i < n; i++) {
            uint32_t v;
            memcpy(&v, src + 4 * i, 4);
            d[i] = v;
        }
        break;
    }
    default:
        if (dst != src)
            memcpy(dst, src, n * fs);
    }
}

/* Same layout in the file as in memory (only a possible byte swap). */
static int is_identity(int code)
{
    return code == F_U1 || code == F_I4 || code == F_I8 || code == F_F4 || code == F_F8;
}

/* ---- whole-buffer parse ------------------------------------------------ */
int nn_npy_parse(const uint8_t *buf, size_t len, nn_array *out)
{
    memset(out, 0, sizeof *out);
    size_t prefix, dict_len;
    if (parse_prefix(buf, len, &prefix, &dict_len))
        return -1;
    if (len - prefix < dict_len)
        return nn_set_error("truncated .npy header");
    header_info h;
    if (parse_dict((const char *)buf + prefix, dict_len, &h))
        return -1;
    size_t count, bytes;
    if (data_sizes(&h, &count, &bytes))
        return -1;
    size_t have = len - prefix - dict_len;
    if (have < bytes)
        return nn_set_error("truncated .npy data: expected %zu bytes, found %zu", bytes, have);
    if (have > bytes)
        return nn_set_error("%zu unexpected bytes after the .npy data", have - bytes);
    nn_array a;
    if (nn_array_alloc(&a, file_types[h.code].loaded, h.ndim, h.shape))
        return -1;
    const uint8_t *src = buf + prefix + dict_len;
    if (is_identity(h.code)) {
        memcpy(a.data, src, bytes);
        if (h.swap)
            nn_swap_bytes(a.data, count, (size_t)file_types[h.code].size);
    } else {
        uint8_t *tmp = nn_alloc(bytes ? bytes : 1, 1);
        if (!tmp) {
            nn_array_free(&a);
            return -1;
        }
        memcpy(tmp, src, bytes);
        convert_elements(h.code, h.swap, tmp, count, a.data);
        free(tmp);
    }
    *out = a;
    return 0;
}

/* ---- streaming reader ---------------------------------------------------- */
int nn_npy_reader_open_fp(nn_npy_reader *r, FILE *fp)
{
    memset(r, 0, sizeof *r);
    r->fp = fp;
    uint8_t pre[12];
    size_t got = fread(pre, 1, 10, fp);
    if (got == 0 && !ferror(fp))
        return nn_set_error("empty file (not a .npy file)");
    if (got < 10) {
        if (ferror(fp))
            return nn_set_error("read error: %s", strerror(errno));
        if (got >= 6 && memcmp(pre, "\x93NUMPY", 6) == 0)
            return nn_set_error("truncated .npy header");
        return nn_set_error("not a .npy file (bad magic)");
    }
    if (memcmp(pre, "\x93NUMPY", 6) == 0 && (pre[6] == 2 || pre[6] == 3))
        if (fread(pre + 10, 1, 2, fp) != 2)
            return nn_set_error("truncated .npy header");
    size_t prefix, dict_len;
    if (parse_prefix(pre, sizeof pre, &prefix, &dict_len))
        return -1;
    char *dict = nn_alloc(dict_len + 1, 1);
    if (!dict)
        return -1;
    if (fread(dict, 1, dict_len, fp) != dict_len) {
        free(dict);
        return nn_set_error("truncated .npy header");
    }
    header_info h;
    int rc = parse_dict(dict, dict_len, &h);
    free(dict);
    if (rc)
        return -1;
    size_t count, bytes;
    if (data_sizes(&h, &count, &bytes))
        return -1;
    /* A regular file tells its size: report truncation or trailing bytes
     * now, before a caller allocates for the whole array. */
    struct stat st;
    off_t pos = ftello(fp);
    if (fstat(fileno(fp), &st) == 0 && S_ISREG(st.st_mode) && pos >= 0 && (uintmax_t)st.st_size >= (uintmax_t)pos) {
        uintmax_t have = (uintmax_t)st.st_size - (uintmax_t)pos;
        if (have < bytes)
            return nn_set_error("truncated .npy data: expected %zu bytes, found %ju", bytes, have);
        if (have > bytes)
            return nn_set_error("%ju unexpected bytes after the .npy data", have - (uintmax_t)bytes);
    }
    r->file_code = h.code;
    r->swap = h.swap;
    r->file_esize = (size_t)file_types[h.code].size;
    r->dtype = file_types[h.code].loaded;
    r->ndim = h.ndim;
    memcpy(r->shape, h.shape, sizeof h.shape);
    r->rows = h.ndim ? h.shape[0] : 1;
    /* The product of shape[1:], checked before it is formed: with
     * shape[0] == 0 the total says nothing about it, and (0, 30, 2^63-1)
     * overflowed int64 here (UBSan, found by fuzz/fuzz_npy.c). */
    size_t rs = 1;
    if (h.ndim > 1 && nn_shape_count(h.shape + 1, h.ndim - 1, &rs))
        return -1;
    if (rs > (size_t)INT64_MAX)
        return nn_set_error("element count overflows");
    r->row_size = (int64_t)rs;
    return 0;
}

int nn_npy_reader_open(nn_npy_reader *r, const char *path)
{
    memset(r, 0, sizeof *r);
    FILE *fp = nn_input_open(path);
    if (!fp)
        return -1;
    if (nn_npy_reader_open_fp(r, fp)) {
        nn_input_close(fp);
        memset(r, 0, sizeof *r);
        return -1;
    }
    r->own_fp = 1;
    return 0;
}

static int check_eof(FILE *fp)
{
    int c = fgetc(fp);
    if (c != EOF)
        return nn_set_error("unexpected bytes after the .npy data");
    if (ferror(fp))
        return nn_set_error("read error: %s", strerror(errno));
    return 0;
}

int64_t nn_npy_reader_read_rows(nn_npy_reader *r, void *buf, int64_t max_rows)
{
    if (!r->fp)
        return nn_set_error("reader not open");
    int64_t n = r->rows - r->rows_done;
    if (n > max_rows)
        n = max_rows;
    if (n <= 0) {
        if (r->rows_done == r->rows && check_eof(r->fp))
            return -1;
        return 0;
    }
    size_t count, fbytes;
    if (nn_mul_size((size_t)n, (size_t)r->row_size, &count) || nn_mul_size(count, r->file_esize, &fbytes))
        return -1;
    uint8_t *dst = buf;
    if (!is_identity(r->file_code)) {
        if (fbytes > r->tmp_size) {
            uint8_t *t = nn_realloc(r->tmp, fbytes, 1);
            if (!t)
                return -1;
            r->tmp = t;
            r->tmp_size = fbytes;
        }
        dst = r->tmp;
    }
    size_t got = fbytes ? fread(dst, 1, fbytes, r->fp) : 0;
    if (got != fbytes) {
        if (ferror(r->fp))
            return nn_set_error("read error: %s", strerror(errno));
        size_t row_bytes = (size_t)r->row_size * r->file_esize; /* > 0 here */
        return nn_set_error("truncated .npy data: it ends in row %lld of %lld", (long long)r->rows_done + 1 +
                            (long long)(got / row_bytes), (long long)r->rows);
    }
    convert_elements(r->file_code, r->swap, dst, count, buf);
    r->rows_done += n;
    return n;
}

void nn_npy_reader_close(nn_npy_reader *r)
{
    if (r->fp && r->own_fp)
        nn_input_close(r->fp);
    free(r->tmp);
    memset(r, 0, sizeof *r);
}

int nn_npy_read_fp(FILE *fp, nn_array *out)
{
    memset(out, 0, sizeof *out);
    nn_npy_reader r;
    if (nn_npy_reader_open_fp(&r, fp))
        return -1;
    nn_array a;
    if (nn_array_alloc(&a, r.dtype, r.ndim, r.shape)) {
        nn_npy_reader_close(&r);
        return -1;
    }
    int64_t got = r.rows ? nn_npy_reader_read_rows(&r, a.data, r.rows) : 0;
    if (got >= 0 && (got != r.rows || nn_npy_reader_read_rows(&r, a.data, 1) != 0))
        got = -1;
    nn_npy_reader_close(&r);
    if (got < 0) {
        nn_array_free(&a);
        return -1;
    }
    *out = a;
    return 0;
}

int nn_npy_load(const char *path, nn_array *out)
{
    memset(out, 0, sizeof *out);
    FILE *fp = nn_input_open(path);
    if (!fp)
        return -1;
    int rc = nn_npy_read_fp(fp, out);
    nn_input_close(fp);
    return rc;
}

int nn_npy_load_as(const char *path, nn_dtype want, nn_array *out)
{
    if (nn_npy_load(path, out))
        return -1;
    if (out->dtype != want && nn_array_convert_inplace(out, want)) {
        nn_array_free(out);
        return -1;
    }
    return 0;
}

/* ---- writer ---------------------------------------------------------------- */
static const char *descr_of(nn_dtype t)
{
    switch (t) {
    case NN_U8: return "|u1";
    case NN_I32: return "<i4";
    case NN_I64: return "<i8";
    case NN_F32: return "<f4";
    case NN_F64: return "<f8";
    default: return NULL;
    }
}

int nn_npy_header(nn_dtype t, int ndim, const int64_t *shape, uint8_t **hdr, size_t *len)
{
    const char *descr = descr_of(t);
    if (!descr)
        return nn_set_error("cannot save dtype %d", (int)t);
    if (ndim < 0 || ndim > NN_MAX_DIMS)
        return nn_set_error("bad number of dimensions %d", ndim);
    size_t count;
    if (nn_shape_count(shape, ndim, &count))
        return -1;
    char dict[64 + 24 * NN_MAX_DIMS];
    int n = snprintf(dict, sizeof dict, "{'descr': '%s', 'fortran_order': False, 'shape': (", descr);
    for (int i = 0; i < ndim; i++)
        n += snprintf(dict + n, sizeof dict - (size_t)n, i ? ", %lld" : "%lld", (long long)shape[i]);
    n += snprintf(dict + n, sizeof dict - (size_t)n, "%s), }", ndim == 1 ? "," : "");
    /* Pad with spaces and a final '\n' so the data starts on a multiple
     * of 64 bytes (numpy's alignment); version 2 if it needs a 4-byte length. */
    size_t prefix = 10;
    size_t total = (prefix + (size_t)n + 1 + 63) / 64 * 64;
    if (total - prefix > 65535) {
        prefix = 12;
        total = (prefix + (size_t)n + 1 + 63) / 64 * 64;
    }
    uint8_t *h = nn_alloc(total, 1);
    if (!h)
        return -1;
    size_t dl = total - prefix;
    memcpy(h, "\x93NUMPY", 6);
    h[6] = prefix == 10 ? 1 : 2;
    h[7] = 0;
    h[8] = (uint8_t)dl;
    h[9] = (uint8_t)(dl >> 8);
    if (prefix == 12) {
        h[10] = (uint8_t)(dl >> 16);
        h[11] = (uint8_t)(dl >> 24);
    }
    memcpy(h + prefix, dict, (size_t)n);
    memset(h + prefix + n, ' ', dl - (size_t)n - 1);
    h[total - 1] = '\n';
    *hdr = h;
    *len = total;
    return 0;
}

int nn_npy_write_fp(FILE *fp, const nn_array *a)
{
    uint8_t *hdr;
    size_t hlen;
    if (nn_npy_header(a->dtype, a->ndim, a->shape, &hdr, &hlen))
        return -1;
    int rc = fwrite(hdr, 1, hlen, fp) == hlen ? 0 : nn_write_failed(fp, errno);
    free(hdr);
    if (rc == 0)
        rc = nn_write_le(fp, a->data, nn_array_count(a), nn_dtype_size(a->dtype));
    return rc;
}

int nn_npy_save(const char *path, const nn_array *a)
{
    nn_output out;
    if (nn_output_open(&out, path))
        return -1;
    if (nn_npy_write_fp(out.fp, a)) {
        nn_output_abort(&out);
        return -1;
    }
    return nn_output_commit(&out);
}

int nn_npy_writer_open(nn_npy_writer *w, const char *path, nn_dtype t, int ndim, const int64_t *shape)
{
    memset(w, 0, sizeof *w);
    uint8_t *hdr;
    size_t hlen;
    if (nn_npy_header(t, ndim, shape, &hdr, &hlen))
        return -1;
    nn_output *out = nn_alloc(1, sizeof *out);
    if (!out) {
        free(hdr);
        return -1;
    }
    if (nn_output_open(out, path)) {
        free(hdr);
        free(out);
        return -1;
    }
    if (fwrite(hdr, 1, hlen, out->fp) != hlen) {
        nn_write_failed(out->fp, errno);
        free(hdr);
        nn_output_abort(out);
        free(out);
        return -1;
    }
    free(hdr);
    w->out = out;
    w->fp = out->fp;
    w->dtype = t;
    w->ndim = ndim;
    memcpy(w->shape, shape, (size_t)ndim * sizeof *shape);
    w->rows = ndim ? shape[0] : 1;
    w->row_size = 1;
    for (int i = 1; i < ndim; i++)
        w->row_size *= shape[i];
    return 0;
}

int nn_npy_writer_write_rows(nn_npy_writer *w, const void *rows, int64_t n)
{
    if (!w->out || w->failed)
        return nn_set_error("writer not open");
    if (n < 0 || n > w->rows - w->rows_done) {
        w->failed = 1;
        return nn_set_error("too many rows written (%lld declared)", (long long)w->rows);
    }
    if (nn_write_le(w->fp, rows, (size_t)n * (size_t)w->row_size, nn_dtype_size(w->dtype))) {
        w->failed = 1;
        return -1;
    }
    w->rows_done += n;
    return 0;
}

int nn_npy_writer_close(nn_npy_writer *w)
{
    nn_output *out = w->out;
    if (!out)
        return nn_set_error("writer not open");
    int rc;
    if (w->failed) {
        nn_output_abort(out);
        rc = nn_set_error("write failed");
    } else if (w->rows_done != w->rows) {
        nn_output_abort(out);
        rc = nn_set_error("%lld rows written, %lld declared", (long long)w->rows_done, (long long)w->rows);
    } else {
        rc = nn_output_commit(out);
    }
    free(out);
    memset(w, 0, sizeof *w);
    return rc;
}

void nn_npy_writer_abort(nn_npy_writer *w)
{
    if (w->out) {
        nn_output_abort(w->out);
        free(w->out);
    }
    memset(w, 0, sizeof *w);
}
