#include "text/csv.h"

#include "core/error.h"
#include "core/mem.h"

#include <stdlib.h>
#include <string.h>

void nn_csv_init(nn_csv *c, const char *text, size_t n)
{
    memset(c, 0, sizeof *c);
    c->p = text;
    c->end = text + n;
    c->line = 1;
    c->sep = ',';
}

void nn_csv_free(nn_csv *c)
{
    free(c->buf);
    free(c->offs);
    c->buf = NULL;
    c->offs = NULL;
}

size_t nn_csv_field_len(const nn_csv *c, int i)
{
    size_t next = (i + 1 < c->nfields) ? c->offs[i + 1] : c->offs[i] + strlen(c->buf + c->offs[i]) + 1;
    return next - c->offs[i] - 1;
}

static int put_byte(nn_csv *c, size_t *o, char ch)
{
    if (*o >= c->buf_cap) {
        size_t cap = c->buf_cap ? c->buf_cap * 2 : 256;
        char *nb = nn_realloc(c->buf, cap, 1);
        if (!nb)
            return -1;
        c->buf = nb;
        c->buf_cap = cap;
    }
    c->buf[(*o)++] = ch;
    return 0;
}

static int start_field(nn_csv *c, size_t o)
{
    if (c->nfields >= c->fields_cap) {
        int cap = c->fields_cap ? c->fields_cap * 2 : 16;
        size_t *no = nn_realloc(c->offs, (size_t)cap, sizeof *no);
        if (!no)
            return -1;
        c->offs = no;
        c->fields_cap = cap;
    }
    c->offs[c->nfields++] = o;
    return 0;
}

/* Skip past the end of the line that starts at `from` (the row's first
 * line), after a malformed row. */
static void resync(nn_csv *c, const char *from)
{
    const char *p = from;
    while (p < c->end && *p != '\n' && *p != '\r')
        p++;
    if (p < c->end && *p == '\r')
        p++;
    if (p < c->end && *p == '\n')
        p++;
    c->p = p;
    c->line = c->row_line + 1;
}

static int malformed(nn_csv *c, const char *row_start, const char *what)
{
    int64_t line = c->row_line;
    resync(c, row_start);
    return nn_set_error("line %lld: %s", (long long)line, what);
}

int nn_csv_next(nn_csv *c)
{
    if (c->p >= c->end)
        return 0;
    const char *p = c->p, *row_start = p;
    size_t o = 0;
    int64_t lines = 0;
    c->nfields = 0;
    c->row_line = c->line;
    if (start_field(c, 0) < 0)
        return -2;
    for (;;) {
        /* At the start of a field. */
        if (p < c->end && *p == '"') {
            p++;
            for (;;) {
                if (p >= c->end)
                    return malformed(c, row_start, "a quoted field is never closed");
                if (*p == '"') {
                    if (p + 1 < c->end && p[1] == '"') {
                        if (put_byte(c, &o, '"') < 0)
                            return -2;
                        p += 2;
                        continue;
                    }
                    p++;
                    break;
                }
                if (*p == '\n')
                    lines++;
                if (put_byte(c, &o, *p++) < 0)
                    return -2;
            }
            if (p < c->end && *p != c->sep && *p != '\n' && *p != '\r')
                return malformed(c, row_start, "text after a closing quote");
        } else {
            while (p < c->end && *p != c->sep && *p != '\n' && *p != '\r') {
                if (*p == '"')
                    return malformed(c, row_start, "a quote inside an unquoted field");
                if (put_byte(c, &o, *p++) < 0)
                    return -2;
            }
        }
        if (put_byte(c, &o, 0) < 0)
            return -2;
        if (p < c->end && *p == c->sep) {
            p++;
            if (start_field(c, o) < 0)
                return -2;
            continue;
        }
        /* Row end: CRLF, LF, CR or the end of input. */
        if (p < c->end && *p == '\r')
            p++;
        if (p < c->end && *p == '\n')
            p++;
        break;
    }
    c->p = p;
    c->line += 1 + lines;
    return 1;
}
