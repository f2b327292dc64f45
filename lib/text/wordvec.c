#include "text/wordvec.h"

#include "core/error.h"
#include "core/mem.h"
#include "io/gzip.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

int nn_wv_format_parse(const char *name)
{
    static const char *const names[] = {"auto", "text", "binary", "glove"};
    for (int i = 0; i < 4; i++)
        if (strcmp(name, names[i]) == 0)
            return i;
    return -1;
}

void nn_wordvec_free(nn_wordvec *wv)
{
    free(wv->vec);
    nn_strmap_free(&wv->index);
    memset(wv, 0, sizeof *wv);
}

typedef struct {
    const char *p, *end;
    int64_t line;
} cursor;

/* The next line [*s, *e) without its line end; 0 at the end of input. */
static int next_line(cursor *c, const char **s, const char **e)
{
    if (c->p >= c->end)
        return 0;
    const char *eol = memchr(c->p, '\n', (size_t)(c->end - c->p));
    if (!eol)
        eol = c->end;
    *s = c->p;
    *e = eol > c->p && eol[-1] == '\r' ? eol - 1 : eol;
    c->p = eol < c->end ? eol + 1 : c->end;
    c->line++;
    return 1;
}

static int is_space(char ch) { return ch == ' ' || ch == '\t'; }

/* Split [s, e) on spaces/tabs into at most max fields. */
static int split(const char *s, const char *e, const char **f, size_t *fl, int max)
{
    int n = 0;
    while (s < e) {
        while (s < e && is_space(*s))
            s++;
        if (s >= e)
            break;
        const char *b = s;
        while (s < e && !is_space(*s))
            s++;
        if (n < max) {
            f[n] = b;
            fl[n] = (size_t)(s - b);
        }
        n++;
    }
    return n;
}

static int parse_int(const char *s, size_t n, int64_t *v)
{
    if (n == 0 || n > 18)
        return -1;
    int64_t x = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        x = x * 10 + (s[i] - '0');
    }
    *v = x;
    return 0;
}

/* Parse the D numbers after the word on one line into out (D floats).
 * Returns the count of values found (stops at D + 1), or -1 with an
 * error for a value that is not a finite number. */
static int parse_values(const char *s, const char *e, int dim, float *out, int64_t line)
{
    int n = 0;
    char tmp[64];
    while (s < e) {
        while (s < e && is_space(*s))
            s++;
        if (s >= e)
            break;
        const char *b = s;
        while (s < e && !is_space(*s))
            s++;
        size_t len = (size_t)(s - b);
        if (n >= dim)
            return n + 1;
        if (len >= sizeof tmp)
            return nn_set_error("line %lld: value %d is not a number", (long long)line, n + 1);
        memcpy(tmp, b, len);
        tmp[len] = 0;
        char *end;
        errno = 0;
        float v = strtof(tmp, &end);
        if (*end || !isfinite(v))
            return nn_set_error("line %lld: value %d ('%s') is not a finite number", (long long)line, n + 1, tmp);
        out[n++] = v;
    }
    return n;
}

static int grow(nn_wordvec *wv, int64_t *cap, int64_t need)
{
    if (need <= *cap)
        return 0;
    int64_t nc = *cap ? *cap * 2 : 1024;
    while (nc < need)
        nc *= 2;
    size_t count;
    if (nn_mul_size((size_t)nc, (size_t)wv->dim, &count) < 0)
        return -1;
    float *v = nn_realloc(wv->vec, count, sizeof *v);
    if (!v)
        return -1;
    wv->vec = v;
    *cap = nc;
    return 0;
}

/* Add word (len bytes) as a new row; returns the row or -1 when it is a
 * duplicate (counted) or on error (-2). */
static int64_t add_word(nn_wordvec *wv, const char *w, size_t len)
{
    if (nn_strmap_find(&wv->index, w, len) >= 0) {
        wv->duplicates++;
        return -1;
    }
    int64_t id = nn_strmap_add(&wv->index, w, len);
    return id < 0 ? -2 : id;
}

static int parse_text(cursor *c, int64_t header_n, nn_wordvec *wv)
{
    int64_t cap = 0;
    const char *s, *e;
    float *scratch = nn_alloc((size_t)wv->dim, sizeof *scratch);
    if (!scratch)
        return -1;
    int rc = 0;
    while (next_line(c, &s, &e)) {
        while (s < e && is_space(*s))
            s++;
        if (s == e)
            continue; /* blank line */
        const char *w = s;
        while (s < e && !is_space(*s))
            s++;
        size_t wl = (size_t)(s - w);
        int got = parse_values(s, e, wv->dim, scratch, c->line);
        if (got < 0) {
            rc = -1;
            break;
        }
        if (got != wv->dim) {
            rc = nn_set_error("line %lld: %s%d values, expected %d", (long long)c->line, got > wv->dim ? "more than " : "",
                              got > wv->dim ? wv->dim : got, wv->dim);
            break;
        }
        int64_t id = add_word(wv, w, wl);
        if (id == -2) {
            rc = -1;
            break;
        }
        if (id < 0)
            continue;
        if (grow(wv, &cap, id + 1) < 0) {
            rc = -1;
            break;
        }
        memcpy(wv->vec + id * wv->dim, scratch, (size_t)wv->dim * sizeof(float));
    }
    free(scratch);
    if (rc < 0)
        return -1;
    wv->n = wv->index.n;
    if (wv->n == 0)
        return nn_set_error("no word vectors");
    if (header_n >= 0 && wv->n + wv->duplicates != header_n)
        return nn_set_error("the header says %lld words, the file has %lld", (long long)header_n,
                            (long long)(wv->n + wv->duplicates));
    return 0;
}

static int parse_binary(cursor *c, int64_t header_n, nn_wordvec *wv)
{
    int64_t cap = 0;
    size_t vbytes = (size_t)wv->dim * 4;
    for (int64_t i = 0; i < header_n; i++) {
        while (c->p < c->end && (*c->p == '\n' || *c->p == '\r' || *c->p == ' '))
            c->p++;
        const char *w = c->p;
        while (c->p < c->end && *c->p != ' ')
            c->p++;
        if (c->p >= c->end)
            return nn_set_error("entry %lld of %lld: the file ends inside it (truncated?)", (long long)i + 1,
                                (long long)header_n);
        size_t wl = (size_t)(c->p - w);
        c->p++;
        if ((size_t)(c->end - c->p) < vbytes)
            return nn_set_error("entry %lld of %lld: the file ends inside its vector (truncated?)", (long long)i + 1,
                                (long long)header_n);
        const uint8_t *raw = (const uint8_t *)c->p;
        c->p += vbytes;
        int64_t id = add_word(wv, w, wl);
        if (id == -2)
            return -1;
        if (id < 0)
            continue;
        if (grow(wv, &cap, id + 1) < 0)
            return -1;
        float *dst = wv->vec + id * wv->dim;
        for (int d = 0; d < wv->dim; d++) {
            uint32_t u = (uint32_t)raw[4 * d] | (uint32_t)raw[4 * d + 1] << 8 | (uint32_t)raw[4 * d + 2] << 16 |
                         (uint32_t)raw[4 * d + 3] << 24;
            memcpy(dst + d, &u, 4);
            if (!isfinite(dst[d]))
                return nn_set_error("entry %lld: value %d is not finite", (long long)i + 1, d + 1);
        }
    }
    while (c->p < c->end && (*c->p == '\n' || *c->p == '\r' || *c->p == ' '))
        c->p++;
    if (c->p != c->end)
        return nn_set_error("%zu bytes after the last of the %lld entries the header announces (wrong width or count?)",
                            (size_t)(c->end - c->p), (long long)header_n);
    wv->n = wv->index.n;
    if (wv->n == 0)
        return nn_set_error("no word vectors");
    return 0;
}

int nn_wordvec_parse(const uint8_t *data, size_t len, nn_wv_format format, nn_wordvec *wv)
{
    memset(wv, 0, sizeof *wv);
    nn_strmap_init(&wv->index);
    cursor c = {(const char *)data, (const char *)data + len, 0};
    const char *s, *e;
    if (!next_line(&c, &s, &e))
        return nn_set_error("empty file");
    const char *f[3];
    size_t fl[3];
    int nf = split(s, e, f, fl, 3);
    int64_t hn, hd;
    int has_header = nf == 2 && parse_int(f[0], fl[0], &hn) == 0 && parse_int(f[1], fl[1], &hd) == 0;
    int rc;
    if (format == NN_WV_GLOVE || (format == NN_WV_AUTO && !has_header)) {
        if (nf < 2)
            return nn_set_error("line 1: not a word vector (word followed by numbers)");
        if (nf - 1 > 100000)
            return nn_set_error("line 1: %d values is too many", nf - 1);
        wv->dim = nf - 1;
        c.p = (const char *)data;
        c.line = 0;
        rc = parse_text(&c, -1, wv);
    } else {
        if (!has_header)
            return nn_set_error("line 1: not a word2vec header 'WORDS DIMENSIONS'");
        if (hd < 1 || hd > 100000 || hn < 1)
            return nn_set_error("line 1: header %lld %lld is not a plausible size", (long long)hn, (long long)hd);
        wv->dim = (int)hd;
        int binary = format == NN_WV_BINARY;
        if (format == NN_WV_AUTO) {
            /* Text if the first entry reads as a word and D numbers. */
            cursor peek = c;
            float *tmp = nn_alloc((size_t)wv->dim, sizeof *tmp);
            if (!tmp)
                return -1;
            binary = 1;
            if (next_line(&peek, &s, &e)) {
                int has_nul = 0;
                for (const char *t = s; t < e; t++)
                    has_nul |= *t == 0;
                if (!has_nul) {
                    while (s < e && !is_space(*s))
                        s++;
                    binary = parse_values(s, e, wv->dim, tmp, 2) != wv->dim;
                }
            }
            free(tmp);
        }
        rc = binary ? parse_binary(&c, hn, wv) : parse_text(&c, hn, wv);
    }
    if (rc < 0) {
        nn_wordvec_free(wv);
        return -1;
    }
    return 0;
}

int nn_wordvec_load(const char *path, nn_wv_format format, nn_wordvec *wv)
{
    uint8_t *data;
    size_t len;
    if (nn_read_all_maybe_gz(path, &data, &len) < 0)
        return -1;
    int rc = nn_wordvec_parse(data, len, format, wv);
    free(data);
    return rc;
}

int nn_wordvec_write(FILE *fp, const nn_wordvec *wv, int binary)
{
    fprintf(fp, "%lld %d\n", (long long)wv->n, wv->dim);
    for (int64_t i = 0; i < wv->n; i++) {
        const float *v = wv->vec + i * wv->dim;
        fputs(wv->index.keys[i], fp);
        if (binary) {
            fputc(' ', fp);
            for (int d = 0; d < wv->dim; d++) {
                uint32_t u;
                memcpy(&u, v + d, 4);
                uint8_t b[4] = {(uint8_t)u, (uint8_t)(u >> 8), (uint8_t)(u >> 16), (uint8_t)(u >> 24)};
                fwrite(b, 1, 4, fp);
            }
        } else {
            for (int d = 0; d < wv->dim; d++)
                fprintf(fp, " %.7g", v[d]);
        }
        fputc('\n', fp);
    }
    return ferror(fp) ? nn_set_error("write error") : 0;
}
