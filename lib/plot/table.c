/* TSV table reading for the plot tool. */
#include "plot/table.h"

#include "core/error.h"
#include "core/mem.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int nn_is_number(const char *s)
{
    if (!*s)
        return 0;
    char *end;
    errno = 0;
    strtod(s, &end);
    return *end == 0;
}

void nn_table_free(nn_table *t)
{
    free(t->text), free(t->header ? (void *)t->header : (void *)t->cells), free(t->line);
    memset(t, 0, sizeof *t);
}

int nn_table_parse(char *text, size_t len, int header, nn_table *t)
{
    memset(t, 0, sizeof *t);
    t->text = text;
    if (memchr(text, 0, len))
        return nn_set_error("not text: the input holds NUL bytes");
    /* First pass: count lines and fields of the first kept line. */
    size_t lines = 1;
    for (size_t i = 0; i < len; i++)
        lines += text[i] == '\n';
    int cols = -1;
    size_t cap = 0;
    char **cells = NULL;
    int64_t *line_no = nn_alloc(lines, sizeof *line_no);
    if (!line_no)
        return -1;
    int64_t rows = 0;
    char *p = text;
    /* each line is cut in place: tabs and newlines become NULs */
    for (size_t ln = 1; p < text + len; ln++) {
        char *nl = memchr(p, '\n', (size_t)(text + len - p));
        char *end = nl ? nl : text + len;
        if (end > p && end[-1] == '\r')
            end[-1] = 0;
        *end = 0;
        char *next = nl ? nl + 1 : text + len;
        if (*p == 0 || *p == '#') {
            p = next;
            if (!nl)
                break;
            continue;
        }
        int n = 1;
        for (char *c = p; *c; c++)
            n += *c == '\t';
        if (cols < 0)
            cols = n;
        else if (n != cols) {
            free(cells), free(line_no);
            return nn_set_error("line %zu: %d fields, but the first line has %d", ln, n, cols);
        }
        if (((size_t)rows + 1) * (size_t)cols > cap) {
            size_t nc = cap ? cap * 2 : 256;
            while (nc < ((size_t)rows + 1) * (size_t)cols)
                nc *= 2;
            char **g = nn_realloc(cells, nc, sizeof *g);
            if (!g) {
                free(cells), free(line_no);
                return -1;
            }
            cells = g;
            cap = nc;
        }
        char *f = p;
        for (int k = 0; k < cols; k++) {
            char *tab = strchr(f, '\t');
            if (tab)
                *tab = 0;
            cells[(size_t)rows * (size_t)cols + (size_t)k] = f;
            f = tab ? tab + 1 : f + strlen(f);
        }
        line_no[rows++] = (int64_t)ln;
        p = next;
        if (!nl)
            break;
    }
    if (rows == 0) {
        free(cells), free(line_no);
        return nn_set_error("no data: the table is empty");
    }
    int has_header = header == NN_TABLE_HEADER;
    if (header == NN_TABLE_HEADER_AUTO && rows >= 2)
        for (int k = 0; k < cols; k++)
            if (!nn_is_number(cells[k]) && nn_is_number(cells[cols + k]))
                has_header = 1;
    t->cols = cols;
    t->line = line_no;
    if (has_header) {
        t->header = cells;
        t->cells = cells + cols;
        t->rows = rows - 1;
        memmove(line_no, line_no + 1, (size_t)(rows - 1) * sizeof *line_no);
    } else {
        t->cells = cells;
        t->rows = rows;
    }
    return 0;
}

int nn_table_column(const nn_table *t, const char *spec)
{
    if (t->header)
        for (int k = 0; k < t->cols; k++)
            if (strcmp(t->header[k], spec) == 0)
                return k;
    char *end;
    long v = strtol(spec, &end, 10);
    if (*spec && !*end) {
        if (v >= 1 && v <= t->cols)
            return (int)v - 1;
        return nn_set_error("column %ld is out of range (the table has %d)", v, t->cols);
    }
    if (!t->header)
        return nn_set_error("no column '%s': the table has no header line (give a number 1..%d)", spec, t->cols);
    char names[256] = "";
    size_t used = 0;
    for (int k = 0; k < t->cols && used + 2 < sizeof names; k++)
        used += (size_t)snprintf(names + used, sizeof names - used, "%s%s", k ? ", " : "", t->header[k]);
    return nn_set_error("no column '%s' (columns: %s)", spec, names);
}

int nn_table_numbers(const nn_table *t, int col, double **out)
{
    double *v = nn_alloc((size_t)(t->rows > 0 ? t->rows : 1), sizeof *v);
    if (!v)
        return -1;
    for (int64_t r = 0; r < t->rows; r++) {
        const char *s = nn_table_cell(t, r, col);
        char *end;
        v[r] = strtod(s, &end);
        if (!*s || *end) {
            free(v);
            return nn_set_error("line %lld: '%s' is not a number", (long long)t->line[r], s);
        }
    }
    *out = v;
    return 0;
}
