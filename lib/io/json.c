/* Strict JSON reader and writer (see json.h). */
#include "io/json.h"

#include "core/error.h"
#include "core/mem.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    const unsigned char *s;
    size_t pos, len;
} parser;

static int fail(const parser *p, const char *what)
{
    return nn_set_error("bad JSON at byte %zu: %s", p->pos, what);
}

static void skip_ws(parser *p)
{
    while (p->pos < p->len) {
        unsigned char c = p->s[p->pos];
        if (c != ' ' && c != '\t' && c != '\n' && c != '\r')
            break;
        p->pos++;
    }
}

/* Length of the valid UTF-8 sequence at s (1..4), 0 if invalid
 * (overlong forms, surrogates, values above U+10FFFF). */
static size_t utf8_valid(const unsigned char *s, size_t avail)
{
    unsigned char c = s[0];
    if (c < 0x80)
        return 1;
    size_t n;
    uint32_t cp;
    if (c >= 0xC2 && c <= 0xDF) {
        n = 2;
        cp = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
        n = 3;
        cp = c & 0x0F;
    } else if (c >= 0xF0 && c <= 0xF4) {
        n = 4;
        cp = c & 0x07;
    } else {
        return 0;
    }
    if (avail < n)
        return 0;
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        cp = cp << 6 | (s[i] & 0x3F);
    }
    if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10FFFF)) || (cp >= 0xD800 && cp <= 0xDFFF))
        return 0;
    return n;
}

static size_t utf8_encode(uint32_t cp, char *out)
{
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xC0 | cp >> 6);
        out[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (char)(0xE0 | cp >> 12);
        out[1] = (char)(0x80 | (cp >> 6 & 0x3F));
        out[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    out[0] = (char)(0xF0 | cp >> 18);
    out[1] = (char)(0x80 | (cp >> 12 & 0x3F));
    out[2] = (char)(0x80 | (cp >> 6 & 0x3F));
    out[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

static int hex4(parser *p, uint32_t *v)
{
    if (p->len - p->pos < 4)
        return fail(p, "truncated \\u escape");
    uint32_t x = 0;
    for (int i = 0; i < 4; i++) {
        unsigned char c = p->s[p->pos + i];
        int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
        if (d < 0)
            return fail(p, "bad \\u escape");
        x = x << 4 | (uint32_t)d;
    }
    p->pos += 4;
    *v = x;
    return 0;
}

/* At the opening quote.  The decoded string is never longer than its
 * source, so one allocation of the source length suffices. */
static int parse_string(parser *p, char **out, size_t *out_len)
{
    p->pos++; /* '"' */
    size_t start = p->pos;
    size_t end = start;
    while (end < p->len && p->s[end] != '"') /* find the closing quote */
        end += p->s[end] == '\\' ? 2 : 1;
    if (end >= p->len)
        return fail(p, "unterminated string");
    char *d = nn_alloc(end - start + 1, 1);
    if (!d)
        return -1;
    size_t n = 0;
    while (p->pos < end) {
        unsigned char c = p->s[p->pos];
        if (c < 0x20) {
            free(d);
            return fail(p, "control character in a string");
        }
        if (c != '\\') {
            size_t k = utf8_valid(p->s + p->pos, end - p->pos);
            if (!k) {
                free(d);
                return fail(p, "invalid UTF-8 in a string");
            }
            memcpy(d + n, p->s + p->pos, k);
            n += k;
            p->pos += k;
            continue;
        }
        p->pos++;
        char e = (char)p->s[p->pos++];
        switch (e) {
        case '"': d[n++] = '"'; break;
        case '\\': d[n++] = '\\'; break;
        case '/': d[n++] = '/'; break;
        case 'b': d[n++] = '\b'; break;
        case 'f': d[n++] = '\f'; break;
        case 'n': d[n++] = '\n'; break;
        case 'r': d[n++] = '\r'; break;
        case 't': d[n++] = '\t'; break;
        case 'u': {
            uint32_t cp;
            if (hex4(p, &cp)) {
                free(d);
                return -1;
            }
            if (cp >= 0xDC00 && cp <= 0xDFFF) {
                free(d);
                return fail(p, "lone low surrogate in \\u escape");
            }
            if (cp >= 0xD800 && cp <= 0xDBFF) {
                uint32_t lo;
                if (p->len - p->pos < 2 || p->s[p->pos] != '\\' || p->s[p->pos + 1] != 'u') {
                    free(d);
                    return fail(p, "high surrogate without its low half");
                }
                p->pos += 2;
                if (hex4(p, &lo)) {
                    free(d);
                    return -1;
                }
                if (lo < 0xDC00 || lo > 0xDFFF) {
                    free(d);
                    return fail(p, "high surrogate without its low half");
                }
                cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
            }
            /* 6 or 12 source bytes give at most 4 output bytes. */
            n += utf8_encode(cp, d + n);
            break;
        }
        default:
            free(d);
            p->pos--;
            return fail(p, "bad escape in a string");
        }
    }
    if (p->pos != end) { /* an escape ran past the closing quote */
        free(d);
        return fail(p, "bad escape at the end of a string");
    }
    p->pos = end + 1;
    d[n] = 0;
    *out = d;
    *out_len = n;
    return 0;
}

static int parse_number(parser *p, nn_json *v)
{
    size_t start = p->pos;
    const unsigned char *s = p->s;
    int is_int = 1;
    if (p->pos < p->len && s[p->pos] == '-')
        p->pos++;
    if (p->pos >= p->len || s[p->pos] < '0' || s[p->pos] > '9')
        return fail(p, "bad number");
    if (s[p->pos] == '0') {
        p->pos++;
        if (p->pos < p->len && s[p->pos] >= '0' && s[p->pos] <= '9')
            return fail(p, "leading zero in a number");
    } else {
        while (p->pos < p->len && s[p->pos] >= '0' && s[p->pos] <= '9')
            p->pos++;
    }
    if (p->pos < p->len && s[p->pos] == '.') {
        is_int = 0;
        p->pos++;
        if (p->pos >= p->len || s[p->pos] < '0' || s[p->pos] > '9')
            return fail(p, "digits expected after '.'");
        while (p->pos < p->len && s[p->pos] >= '0' && s[p->pos] <= '9')
            p->pos++;
    }
    if (p->pos < p->len && (s[p->pos] == 'e' || s[p->pos] == 'E')) {
        is_int = 0;
        p->pos++;
        if (p->pos < p->len && (s[p->pos] == '+' || s[p->pos] == '-'))
            p->pos++;
        if (p->pos >= p->len || s[p->pos] < '0' || s[p->pos] > '9')
            return fail(p, "digits expected in the exponent");
        while (p->pos < p->len && s[p->pos] >= '0' && s[p->pos] <= '9')
            p->pos++;
    }
    char buf[512];
    size_t n = p->pos - start;
    if (n >= sizeof buf)
        return fail(p, "number too long");
    memcpy(buf, s + start, n);
    buf[n] = 0;
    v->type = NN_JSON_NUMBER;
    v->number = strtod(buf, NULL); /* huge exponents give +-HUGE_VAL: accepted */
    if (is_int) {
        errno = 0;
        long long x = strtoll(buf, NULL, 10);
        if (errno == 0) {
            v->is_int = 1;
            v->integer = x;
        }
    }
    return 0;
}

static int parse_value(parser *p, nn_json *v, int depth);

static int parse_array(parser *p, nn_json *v, int depth)
{
    p->pos++; /* '[' */
    v->type = NN_JSON_ARRAY;
    size_t cap = 0;
    skip_ws(p);
    if (p->pos < p->len && p->s[p->pos] == ']') {
        p->pos++;
        return 0;
    }
    for (;;) {
        if (v->count == cap) {
            size_t nc = cap ? cap * 2 : 4;
            nn_json *ni = nn_realloc(v->items, nc, sizeof *ni);
            if (!ni)
                return -1;
            v->items = ni;
            cap = nc;
        }
        nn_json *item = &v->items[v->count];
        memset(item, 0, sizeof *item);
        v->count++;
        if (parse_value(p, item, depth + 1))
            return -1;
        skip_ws(p);
        if (p->pos < p->len && p->s[p->pos] == ',') {
            p->pos++;
            continue;
        }
        if (p->pos < p->len && p->s[p->pos] == ']') {
            p->pos++;
            return 0;
        }
        return fail(p, "expected ',' or ']' in an array");
    }
}

static int parse_object(parser *p, nn_json *v, int depth)
{
    p->pos++; /* '{' */
    v->type = NN_JSON_OBJECT;
    size_t cap = 0;
    skip_ws(p);
    if (p->pos < p->len && p->s[p->pos] == '}') {
        p->pos++;
        return 0;
    }
    for (;;) {
        skip_ws(p);
        if (p->pos >= p->len || p->s[p->pos] != '"')
            return fail(p, "expected a string key in an object");
        if (v->count == cap) {
            size_t nc = cap ? cap * 2 : 4;
            nn_json *ni = nn_realloc(v->items, nc, sizeof *ni);
            if (!ni)
                return -1;
            v->items = ni;
            char **nk = nn_realloc(v->keys, nc, sizeof *nk);
            if (!nk)
                return -1;
            v->keys = nk;
            cap = nc;
        }
        size_t key_pos = p->pos, klen;
        char *key;
        if (parse_string(p, &key, &klen))
            return -1;
        if (strlen(key) != klen) {
            free(key);
            p->pos = key_pos;
            return fail(p, "NUL character in an object key");
        }
        for (size_t i = 0; i < v->count; i++)
            if (strcmp(v->keys[i], key) == 0) {
                free(key);
                p->pos = key_pos;
                return fail(p, "repeated key in an object");
            }
        nn_json *item = &v->items[v->count];
        memset(item, 0, sizeof *item);
        v->keys[v->count] = key;
        v->count++;
        skip_ws(p);
        if (p->pos >= p->len || p->s[p->pos] != ':')
            return fail(p, "expected ':' after an object key");
        p->pos++;
        if (parse_value(p, item, depth + 1))
            return -1;
        skip_ws(p);
        if (p->pos < p->len && p->s[p->pos] == ',') {
            p->pos++;
            continue;
        }
        if (p->pos < p->len && p->s[p->pos] == '}') {
            p->pos++;
            return 0;
        }
        return fail(p, "expected ',' or '}' in an object");
    }
}

static int match_word(parser *p, const char *w)
{
    size_t n = strlen(w);
    if (p->len - p->pos >= n && memcmp(p->s + p->pos, w, n) == 0) {
        p->pos += n;
        return 1;
    }
    return 0;
}

static int parse_value(parser *p, nn_json *v, int depth)
{
    if (depth > NN_JSON_MAX_DEPTH)
        return fail(p, "nested too deeply");
    skip_ws(p);
    if (p->pos >= p->len)
        return fail(p, "unexpected end of input");
    unsigned char c = p->s[p->pos];
    switch (c) {
    case '{': return parse_object(p, v, depth);
    case '[': return parse_array(p, v, depth);
    case '"':
        v->type = NN_JSON_STRING;
        return parse_string(p, &v->string, &v->len);
    case 't':
    case 'f':
    case 'n':
        if (match_word(p, "true")) {
            v->type = NN_JSON_BOOL;
            v->boolean = 1;
            return 0;
        }
        if (match_word(p, "false")) {
            v->type = NN_JSON_BOOL;
            return 0;
        }
        if (match_word(p, "null"))
            return 0;
        return fail(p, "unexpected word");
    default:
        if (c == '-' || (c >= '0' && c <= '9'))
            return parse_number(p, v);
        return fail(p, "unexpected character");
    }
}

int nn_json_parse(const char *text, size_t len, nn_json *out)
{
    memset(out, 0, sizeof *out);
    if (len > NN_JSON_MAX_SIZE)
        return nn_set_error("JSON text too large (%zu bytes, limit %zu)", len, NN_JSON_MAX_SIZE);
    parser p = {(const unsigned char *)text, 0, len};
    int rc = parse_value(&p, out, 1);
    if (rc == 0) {
        skip_ws(&p);
        if (p.pos != p.len)
            rc = fail(&p, "unexpected text after the value");
    }
    if (rc) {
        nn_json_free(out);
        return -1;
    }
    return 0;
}

void nn_json_free(nn_json *v)
{
    if (!v)
        return;
    /* items may be partly filled after an error: count is the number of
     * initialised entries. */
    for (size_t i = 0; i < v->count; i++) {
        nn_json_free(&v->items[i]);
        if (v->keys)
            free(v->keys[i]);
    }
    free(v->items);
    free(v->keys);
    free(v->string);
    memset(v, 0, sizeof *v);
}

const nn_json *nn_json_get(const nn_json *v, const char *key)
{
    if (!v || v->type != NN_JSON_OBJECT)
        return NULL;
    for (size_t i = 0; i < v->count; i++)
        if (strcmp(v->keys[i], key) == 0)
            return &v->items[i];
    return NULL;
}

const char *nn_json_str(const nn_json *v) { return v && v->type == NN_JSON_STRING ? v->string : NULL; }

int nn_json_get_int(const nn_json *v, int64_t *out)
{
    if (!v || v->type != NN_JSON_NUMBER || !v->is_int)
        return nn_set_error("expected an integer, found %s",
                            !v ? "nothing" : v->type == NN_JSON_NUMBER ? "a non-integer number" : nn_json_type_name(v->type));
    *out = v->integer;
    return 0;
}

const char *nn_json_type_name(nn_json_type t)
{
    static const char *names[] = {"null", "boolean", "number", "string", "array", "object"};
    return (unsigned)t < 6 ? names[t] : "?";
}

int nn_utf8_valid(const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s;
    for (size_t i = 0; i < n;) {
        size_t k = utf8_valid(p + i, n - i);
        if (!k)
            return 0;
        i += k;
    }
    return 1;
}

/* ---- writer --------------------------------------------------------------- */
void nn_jbuf_init(nn_jbuf *b) { memset(b, 0, sizeof *b); }

void nn_jbuf_free(nn_jbuf *b)
{
    free(b->data);
    memset(b, 0, sizeof *b);
}

static int reserve(nn_jbuf *b, size_t extra)
{
    if (b->failed)
        return -1;
    if (b->cap - b->len > extra)
        return 0;
    size_t need = b->len + extra + 1;
    if (need < b->len) {
        b->failed = 1;
        return -1;
    }
    size_t nc = b->cap ? b->cap : 256;
    while (nc < need)
        nc *= 2;
    char *nd = nn_realloc(b->data, nc, 1);
    if (!nd) {
        b->failed = 1;
        return -1;
    }
    b->data = nd;
    b->cap = nc;
    return 0;
}

void nn_jbuf_append(nn_jbuf *b, const char *s, size_t n)
{
    if (reserve(b, n))
        return;
    memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = 0;
}

void nn_jbuf_puts(nn_jbuf *b, const char *s) { nn_jbuf_append(b, s, strlen(s)); }

void nn_jbuf_printf(nn_jbuf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0 || reserve(b, (size_t)n)) {
        b->failed = 1;
        return;
    }
    va_start(ap, fmt);
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

void nn_jbuf_string(nn_jbuf *b, const char *s, size_t n)
{
    nn_jbuf_append(b, "\"", 1);
    size_t run = 0; /* start of the pending run of plain bytes */
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        const char *esc = NULL;
        char ubuf[8];
        switch (c) {
        case '"': esc = "\\\""; break;
        case '\\': esc = "\\\\"; break;
        case '\n': esc = "\\n"; break;
        case '\r': esc = "\\r"; break;
        case '\t': esc = "\\t"; break;
        case '\b': esc = "\\b"; break;
        case '\f': esc = "\\f"; break;
        default:
            if (c < 0x20) {
                snprintf(ubuf, sizeof ubuf, "\\u%04x", c);
                esc = ubuf;
            }
        }
        if (esc) {
            nn_jbuf_append(b, s + run, i - run);
            nn_jbuf_puts(b, esc);
            run = i + 1;
        }
    }
    nn_jbuf_append(b, s + run, n - run);
    nn_jbuf_append(b, "\"", 1);
}

void nn_jbuf_number(nn_jbuf *b, double v)
{
    if (!isfinite(v)) {
        nn_jbuf_puts(b, "null");
        return;
    }
    if (v == floor(v) && fabs(v) < 9007199254740992.0) {
        nn_jbuf_printf(b, "%lld", (long long)v);
        return;
    }
    nn_jbuf_printf(b, "%.17g", v);
}

void nn_json_write(nn_jbuf *b, const nn_json *v)
{
    switch (v->type) {
    case NN_JSON_NULL: nn_jbuf_puts(b, "null"); break;
    case NN_JSON_BOOL: nn_jbuf_puts(b, v->boolean ? "true" : "false"); break;
    case NN_JSON_NUMBER:
        if (v->is_int)
            nn_jbuf_printf(b, "%lld", (long long)v->integer);
        else
            nn_jbuf_number(b, v->number);
        break;
    case NN_JSON_STRING: nn_jbuf_string(b, v->string, v->len); break;
    case NN_JSON_ARRAY:
    case NN_JSON_OBJECT:
        nn_jbuf_puts(b, v->type == NN_JSON_ARRAY ? "[" : "{");
        for (size_t i = 0; i < v->count; i++) {
            if (i)
                nn_jbuf_puts(b, ",");
            if (v->type == NN_JSON_OBJECT) {
                nn_jbuf_string(b, v->keys[i], strlen(v->keys[i]));
                nn_jbuf_puts(b, ":");
            }
            nn_json_write(b, &v->items[i]);
        }
        nn_jbuf_puts(b, v->type == NN_JSON_ARRAY ? "]" : "}");
        break;
    }
}

int nn_jbuf_check(const nn_jbuf *b) { return b->failed ? nn_set_error("out of memory while writing JSON") : 0; }
