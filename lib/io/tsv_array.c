/* Arrays to and from TSV text (see tsv_array.h). */
#include "io/tsv_array.h"

#include "core/error.h"
#include "core/file.h"
#include "core/mem.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static int format_special(char *buf, size_t size, double v)
{
    if (isnan(v))
        return snprintf(buf, size, "nan");
    return snprintf(buf, size, v > 0 ? "inf" : "-inf");
}

int nn_tsv_format(char *buf, size_t size, const void *data, nn_dtype t, size_t i)
{
    switch (t) {
    case NN_U8: return snprintf(buf, size, "%u", (unsigned)((const uint8_t *)data)[i]);
    case NN_I32: return snprintf(buf, size, "%ld", (long)((const int32_t *)data)[i]);
    case NN_I64: return snprintf(buf, size, "%lld", (long long)((const int64_t *)data)[i]);
    case NN_F32: {
        float v = ((const float *)data)[i];
        if (!isfinite(v))
            return format_special(buf, size, v);
        /* Shortest of 6..9 significant digits that reads back exactly. */
        char tmp[48];
        for (int prec = 6; prec <= 9; prec++) {
            snprintf(tmp, sizeof tmp, "%.*g", prec, (double)v);
            if (strtof(tmp, NULL) == v)
                break;
        }
        return snprintf(buf, size, "%s", tmp);
    }
    case NN_F64: {
        double v = ((const double *)data)[i];
        if (!isfinite(v))
            return format_special(buf, size, v);
        char tmp[48];
        for (int prec = 15; prec <= 17; prec++) {
            snprintf(tmp, sizeof tmp, "%.*g", prec, v);
            if (strtod(tmp, NULL) == v)
                break;
        }
        return snprintf(buf, size, "%s", tmp);
    }
    default: return snprintf(buf, size, "?");
    }
}

int nn_tsv_write_rows(FILE *fp, const void *data, nn_dtype t, int64_t rows, int64_t row_size)
{
    char num[64];
    size_t k = 0;
    for (int64_t r = 0; r < rows; r++) {
        for (int64_t c = 0; c < row_size; c++, k++) {
            if (c && putc('\t', fp) == EOF)
                return nn_write_failed(fp, errno);
            int n = nn_tsv_format(num, sizeof num, data, t, k);
            if (fwrite(num, 1, (size_t)n, fp) != (size_t)n)
                return nn_write_failed(fp, errno);
        }
        if (putc('\n', fp) == EOF)
            return nn_write_failed(fp, errno);
    }
    return 0;
}

/* One field text[0, n) into element i of `a`. */
static int parse_field(const char *s, size_t n, nn_array *a, size_t i, int64_t line, int64_t field)
{
    char buf[128];
    while (n && (*s == ' ')) {
        s++;
        n--;
    }
    while (n && s[n - 1] == ' ')
        n--;
    if (n == 0)
        return nn_set_error("line %lld, field %lld: empty field", (long long)line, (long long)field);
    if (n >= sizeof buf)
        return nn_set_error("line %lld, field %lld: value too long", (long long)line, (long long)field);
    memcpy(buf, s, n);
    buf[n] = 0;
    char *end;
    errno = 0;
    if (nn_dtype_is_float(a->dtype)) {
        double v = strtod(buf, &end);
        /* strtod also takes hex floats and "infinity": fine for input. */
        if (*end || end == buf)
            return nn_set_error("line %lld, field %lld: '%s' is not a number", (long long)line, (long long)field, buf);
        if (a->dtype == NN_F32)
            ((float *)a->data)[i] = (float)v;
        else
            ((double *)a->data)[i] = v;
        return 0;
    }
    long long v = strtoll(buf, &end, 10);
    if (*end || end == buf) {
        /* "3.0" or "1e3" are whole numbers too */
        double d = strtod(buf, &end);
        if (*end || end == buf || d != floor(d) || !(d >= -9223372036854775808.0 && d < 9223372036854775808.0))
            return nn_set_error("line %lld, field %lld: '%s' is not a whole number (dtype %s)", (long long)line,
                                (long long)field, buf, nn_dtype_name(a->dtype));
        v = (long long)d;
        errno = 0;
    }
    long long lo = a->dtype == NN_U8 ? 0 : a->dtype == NN_I32 ? INT32_MIN : INT64_MIN;
    long long hi = a->dtype == NN_U8 ? 255 : a->dtype == NN_I32 ? INT32_MAX : INT64_MAX;
    if (errno == ERANGE || v < lo || v > hi)
        return nn_set_error("line %lld, field %lld: %s is out of range for %s", (long long)line, (long long)field, buf,
                            nn_dtype_name(a->dtype));
    if (a->dtype == NN_U8)
        ((uint8_t *)a->data)[i] = (uint8_t)v;
    else if (a->dtype == NN_I32)
        ((int32_t *)a->data)[i] = (int32_t)v;
    else
        ((int64_t *)a->data)[i] = v;
    return 0;
}

int nn_tsv_parse(const char *text, size_t len, nn_dtype t, int keep_2d, nn_array *out)
{
    memset(out, 0, sizeof *out);
    /* First pass: count lines and check the field counts. */
    int64_t rows = 0, cols = -1;
    size_t pos = 0;
    while (pos < len) {
        const char *nl = memchr(text + pos, '\n', len - pos);
        size_t end = nl ? (size_t)(nl - text) : len;
        size_t e = end > pos && text[end - 1] == '\r' ? end - 1 : end;
        int64_t f = 1;
        if (memchr(text + pos, 0, e - pos))
            return nn_set_error("line %lld: NUL byte (binary input?)", (long long)rows + 1);
        for (size_t i = pos; i < e; i++)
            f += text[i] == '\t';
        if (e == pos)
            return nn_set_error("line %lld: empty line", (long long)rows + 1);
        if (cols < 0)
            cols = f;
        else if (f != cols)
            return nn_set_error("line %lld has %lld fields, line 1 has %lld", (long long)rows + 1, (long long)f,
                                (long long)cols);
        rows++;
        pos = end + 1;
    }
    if (cols < 0)
        cols = 1;
    int64_t shape[2] = {rows, cols};
    int ndim = cols == 1 && !keep_2d ? 1 : 2;
    if (nn_array_alloc(out, t, ndim, shape))
        return -1;
    pos = 0;
    size_t k = 0;
    for (int64_t r = 0; r < rows; r++) {
        const char *nl = memchr(text + pos, '\n', len - pos);
        size_t end = nl ? (size_t)(nl - text) : len;
        size_t e = end > pos && text[end - 1] == '\r' ? end - 1 : end;
        size_t fs = pos;
        for (int64_t c = 0; c < cols; c++) {
            const char *tab = memchr(text + fs, '\t', e - fs);
            size_t fe = tab ? (size_t)(tab - text) : e;
            if (parse_field(text + fs, fe - fs, out, k++, r + 1, c + 1)) {
                nn_array_free(out);
                return -1;
            }
            fs = fe + 1;
        }
        pos = end + 1;
    }
    return 0;
}
