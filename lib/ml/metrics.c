/* The report (rows of metric, class, value), its TSV and table forms, and
 * class ids from arrays.  The kinds of metrics live in metrics_*.c. */
#include "ml/metrics.h"

#include "core/error.h"
#include "core/mem.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

void nn_report_init(nn_report *r) { memset(r, 0, sizeof *r); }

void nn_report_free(nn_report *r)
{
    free(r->rows);
    memset(r, 0, sizeof *r);
}

int nn_report_add(nn_report *r, const char *metric, const char *cls, double value)
{
    if (!cls)
        cls = "-";
    if (strlen(metric) >= sizeof r->rows->metric || strlen(cls) >= sizeof r->rows->cls)
        return nn_set_error("metric or class name too long: %s %s", metric, cls);
    if (r->n == r->cap) {
        size_t cap = r->cap ? r->cap * 2 : 32;
        nn_report_row *rows = nn_realloc(r->rows, cap, sizeof *rows);
        if (!rows)
            return -1;
        r->rows = rows;
        r->cap = cap;
    }
    nn_report_row *row = &r->rows[r->n++];
    strcpy(row->metric, metric);
    strcpy(row->cls, cls);
    row->value = value;
    return 0;
}

int nn_report_add_label(nn_report *r, const char *metric, int64_t label, double value)
{
    char buf[32];
    snprintf(buf, sizeof buf, "%" PRId64, label);
    return nn_report_add(r, metric, buf, value);
}

double nn_report_get(const nn_report *r, const char *metric, const char *cls)
{
    if (!cls)
        cls = "-";
    for (size_t i = 0; i < r->n; i++)
        if (strcmp(r->rows[i].metric, metric) == 0 && strcmp(r->rows[i].cls, cls) == 0)
            return r->rows[i].value;
    return NAN;
}

/* Whole numbers (counts) without a fraction, others with enough digits to
 * compare against another implementation.  table: 0 TSV, 1 a table cell,
 * 2 a table cell in a column of fractions (always 4 decimals). */
static void format_value(double v, char *buf, size_t size, int table)
{
    if (isnan(v))
        snprintf(buf, size, "nan");
    else if (table == 2)
        snprintf(buf, size, "%.4f", v);
    else if (v == floor(v) && fabs(v) < 1e15)
        snprintf(buf, size, "%.0f", v);
    else
        snprintf(buf, size, table ? "%.4f" : "%.10g", v);
}

int nn_report_write_tsv(const nn_report *r, FILE *fp)
{
    char buf[64];
    for (size_t i = 0; i < r->n; i++) {
        format_value(r->rows[i].value, buf, sizeof buf, 0);
        fprintf(fp, "%s\t%s\t%s\n", r->rows[i].metric, r->rows[i].cls, buf);
    }
    return ferror(fp) ? nn_set_error("write error") : 0;
}

/* A list of distinct strings in first-seen order (small: linear search). */
typedef struct {
    const char **s;
    size_t n;
} strset;

static int strset_index(const strset *set, const char *s, size_t len)
{
    for (size_t i = 0; i < set->n; i++)
        if (strlen(set->s[i]) == len && strncmp(set->s[i], s, len) == 0)
            return (int)i;
    return -1;
}

static void strset_add(strset *set, const char *s)
{
    if (strset_index(set, s, strlen(s)) < 0)
        set->s[set->n++] = s;
}

static int is_matrix_cell(const nn_report_row *row) { return strchr(row->cls, '/') != NULL; }
static int is_overall(const nn_report_row *row) { return strcmp(row->cls, "-") == 0; }

/* "f1_macro" -> base "f1" (a per-class metric) and suffix "macro". */
static int split_average(const strset *per_class, const char *metric, int *base, const char **suffix)
{
    const char *us = strrchr(metric, '_');
    if (!us)
        return 0;
    int b = strset_index(per_class, metric, (size_t)(us - metric));
    if (b < 0)
        return 0;
    *base = b;
    *suffix = us + 1;
    return 1;
}

static double table_lookup(const nn_report *r, const char *metric, const char *cls, int *found)
{
    for (size_t i = 0; i < r->n; i++)
        if (strcmp(r->rows[i].metric, metric) == 0 && strcmp(r->rows[i].cls, cls) == 0) {
            *found = 1;
            return r->rows[i].value;
        }
    *found = 0;
    return 0;
}

int nn_report_write_table(const nn_report *r, FILE *fp)
{
    char buf[64];
    strset metrics = {0}, classes = {0}, averages = {0}, matrices = {0};
    metrics.s = nn_alloc(r->n + 1, sizeof(char *));
    classes.s = nn_alloc(r->n + 1, sizeof(char *));
    averages.s = nn_alloc(r->n + 1, sizeof(char *));
    matrices.s = nn_alloc(r->n + 1, sizeof(char *));
    if (!metrics.s || !classes.s || !averages.s || !matrices.s) {
        free(metrics.s), free(classes.s), free(averages.s), free(matrices.s);
        return -1;
    }
    for (size_t i = 0; i < r->n; i++) {
        const nn_report_row *row = &r->rows[i];
        if (is_matrix_cell(row))
            strset_add(&matrices, row->metric);
        else if (!is_overall(row)) {
            strset_add(&metrics, row->metric);
            strset_add(&classes, row->cls);
        }
    }
    /* Overall figures that are not averages of a per-class metric. */
    size_t width = 0;
    for (size_t i = 0; i < r->n; i++)
        if (is_overall(&r->rows[i]) && strlen(r->rows[i].metric) > width)
            width = strlen(r->rows[i].metric);
    for (size_t i = 0; i < r->n; i++) {
        const nn_report_row *row = &r->rows[i];
        int base;
        const char *suffix;
        if (!is_overall(row))
            continue;
        if (split_average(&metrics, row->metric, &base, &suffix)) {
            strset_add(&averages, suffix);
            continue;
        }
        format_value(row->value, buf, sizeof buf, 1);
        fprintf(fp, "%-*s  %s\n", (int)width, row->metric, buf);
    }
    /* class x metric, then one "X avg" row per average kind. */
    if (metrics.n) {
        int cw = 5;
        for (size_t c = 0; c < classes.n; c++)
            if ((int)strlen(classes.s[c]) > cw)
                cw = (int)strlen(classes.s[c]);
        for (size_t a = 0; a < averages.n; a++)
            if ((int)strlen(averages.s[a]) + 4 > cw)
                cw = (int)strlen(averages.s[a]) + 4;
        /* A column of counts prints whole; any fraction makes it %.4f. */
        unsigned char *whole = nn_alloc(metrics.n, 1);
        if (!whole) {
            free(metrics.s), free(classes.s), free(averages.s), free(matrices.s);
            return -1;
        }
        for (size_t m = 0; m < metrics.n; m++) {
            whole[m] = 1;
            for (size_t i = 0; i < r->n; i++)
                if (!is_matrix_cell(&r->rows[i]) && !is_overall(&r->rows[i]) &&
                    strcmp(r->rows[i].metric, metrics.s[m]) == 0 && r->rows[i].value != floor(r->rows[i].value))
                    whole[m] = 0;
        }
        fprintf(fp, "\n%*s", cw, "class");
        for (size_t m = 0; m < metrics.n; m++)
            fprintf(fp, "  %10s", metrics.s[m]);
        fputc('\n', fp);
        for (size_t c = 0; c < classes.n; c++) {
            fprintf(fp, "%*s", cw, classes.s[c]);
            for (size_t m = 0; m < metrics.n; m++) {
                int found;
                double v = table_lookup(r, metrics.s[m], classes.s[c], &found);
                format_value(v, buf, sizeof buf, whole[m] ? 1 : 2);
                fprintf(fp, "  %10s", found ? buf : "");
            }
            fputc('\n', fp);
        }
        for (size_t a = 0; a < averages.n; a++) {
            char name[64];
            snprintf(name, sizeof name, "%s avg", averages.s[a]);
            fprintf(fp, "%*s", cw, name);
            for (size_t m = 0; m < metrics.n; m++) {
                char metric[96];
                int found;
                snprintf(metric, sizeof metric, "%s_%s", metrics.s[m], averages.s[a]);
                double v = table_lookup(r, metric, "-", &found);
                format_value(v, buf, sizeof buf, whole[m] ? 1 : 2);
                fprintf(fp, "  %10s", found ? buf : "");
            }
            fputc('\n', fp);
        }
        free(whole);
    }
    /* Matrices: rows = part before '/', columns = part after. */
    for (size_t m = 0; m < matrices.n; m++) {
        strset rows = {0}, cols = {0};
        rows.s = nn_alloc(r->n + 1, sizeof(char *));
        cols.s = nn_alloc(r->n + 1, sizeof(char *));
        char (*keys)[2][40] = nn_alloc(r->n + 1, sizeof *keys);
        if (!rows.s || !cols.s || !keys) {
            free(rows.s), free(cols.s), free(keys);
            break;
        }
        for (size_t i = 0; i < r->n; i++) {
            const nn_report_row *row = &r->rows[i];
            if (strcmp(row->metric, matrices.s[m]) != 0 || !is_matrix_cell(row))
                continue;
            const char *slash = strchr(row->cls, '/');
            snprintf(keys[i][0], 40, "%.*s", (int)(slash - row->cls), row->cls);
            snprintf(keys[i][1], 40, "%s", slash + 1);
            strset_add(&rows, keys[i][0]);
            strset_add(&cols, keys[i][1]);
        }
        int cw = 6;
        for (size_t i = 0; i < r->n; i++) {
            if (strcmp(r->rows[i].metric, matrices.s[m]) != 0 || !is_matrix_cell(&r->rows[i]))
                continue;
            format_value(r->rows[i].value, buf, sizeof buf, 1);
            if ((int)strlen(buf) > cw)
                cw = (int)strlen(buf);
        }
        for (size_t c = 0; c < cols.n; c++)
            if ((int)strlen(cols.s[c]) > cw)
                cw = (int)strlen(cols.s[c]);
        int rw = 4;
        for (size_t c = 0; c < rows.n; c++)
            if ((int)strlen(rows.s[c]) > rw)
                rw = (int)strlen(rows.s[c]);
        fprintf(fp, "\n%s (rows: true, columns: predicted)\n%*s", matrices.s[m], rw, "");
        for (size_t c = 0; c < cols.n; c++)
            fprintf(fp, " %*s", cw, cols.s[c]);
        fputc('\n', fp);
        for (size_t a = 0; a < rows.n; a++) {
            fprintf(fp, "%*s", rw, rows.s[a]);
            for (size_t c = 0; c < cols.n; c++) {
                char cell[96];
                int found;
                snprintf(cell, sizeof cell, "%s/%s", rows.s[a], cols.s[c]);
                double v = table_lookup(r, matrices.s[m], cell, &found);
                format_value(v, buf, sizeof buf, 1);
                fprintf(fp, " %*s", cw, found ? buf : "");
            }
            fputc('\n', fp);
        }
        free(rows.s), free(cols.s), free(keys);
    }
    free(metrics.s), free(classes.s), free(averages.s), free(matrices.s);
    return ferror(fp) ? nn_set_error("write error") : 0;
}

/* ---- labels --------------------------------------------------------- */

int nn_labels_from_array(const nn_array *a, int64_t **out, size_t *n)
{
    *out = NULL;
    *n = 0;
    if (nn_dtype_is_float(a->dtype)) {
        if (a->ndim < 2 || a->shape[a->ndim - 1] < 2)
            return nn_set_error("%s values are not class ids: give integer labels, or an (N, C) array of "
                                "scores to take the argmax of",
                                nn_dtype_name(a->dtype));
        int64_t cols = a->shape[a->ndim - 1], rows = (int64_t)(nn_array_count(a) / (size_t)cols);
        int64_t *y = nn_alloc((size_t)rows, sizeof *y);
        if (!y)
            return -1;
        for (int64_t i = 0; i < rows; i++) {
            int64_t best = 0;
            double bv = nn_array_get(a, (size_t)(i * cols));
            for (int64_t j = 1; j < cols; j++) {
                double v = nn_array_get(a, (size_t)(i * cols + j));
                if (v > bv || (isnan(v) && !isnan(bv))) { /* NaN wins, like numpy's argmax */
                    bv = v;
                    best = j;
                }
                if (isnan(bv))
                    break;
            }
            y[i] = best;
        }
        *out = y;
        *n = (size_t)rows;
        return 0;
    }
    size_t count = nn_array_count(a);
    int64_t *y = nn_alloc(count, sizeof *y);
    if (!y)
        return -1;
    for (size_t i = 0; i < count; i++)
        y[i] = (int64_t)nn_array_get(a, i);
    if (a->dtype == NN_I64) /* exact beyond 2^53 */
        memcpy(y, a->data, count * sizeof *y);
    *out = y;
    *n = count;
    return 0;
}

int nn_labels_parse(const char *text, int64_t **out, size_t *n)
{
    size_t cap = 1;
    for (const char *c = text; *c; c++)
        cap += *c == ',';
    int64_t *v = nn_alloc(cap, sizeof *v);
    if (!v)
        return -1;
    size_t k = 0;
    const char *p = text;
    for (;;) {
        char *end;
        errno = 0;
        long long x = strtoll(p, &end, 10);
        if (end == p || errno || (*end && *end != ',')) {
            free(v);
            return nn_set_error("labels must be integers separated by commas, not '%s'", text);
        }
        v[k++] = (int64_t)x;
        if (!*end)
            break;
        p = end + 1;
    }
    for (size_t i = 0; i < k; i++)
        for (size_t j = 0; j < i; j++)
            if (v[i] == v[j]) {
                int64_t dup = v[i];
                free(v);
                return nn_set_error("label %" PRId64 " is listed twice", dup);
            }
    *out = v;
    *n = k;
    return 0;
}
