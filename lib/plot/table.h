/* A small TSV table for the charts: fields split on tabs, an optional
 * header line, columns picked by name or by 1-based number. */
#ifndef NN_PLOT_TABLE_H
#define NN_PLOT_TABLE_H

#include <stddef.h>
#include <stdint.h>

typedef struct {
    char *text;      /* owned; fields point into it */
    char **cells;    /* rows x cols */
    char **header;   /* cols names, or NULL */
    int64_t rows;
    int cols;
    int64_t *line;   /* source line number of each row (for messages) */
} nn_table;

enum { NN_TABLE_HEADER_AUTO = -1, NN_TABLE_NO_HEADER = 0, NN_TABLE_HEADER = 1 };

/* Parse TSV text (takes ownership of `text`, which must end with a NUL).
 * Blank lines and lines starting with '#' are skipped; CRLF is accepted.
 * Every row needs the same number of fields.  With HEADER_AUTO the first
 * line is a header when some column is not a number there but is one on
 * the second line. */
int nn_table_parse(char *text, size_t len, int header, nn_table *t);
void nn_table_free(nn_table *t);
/* A column by header name or 1-based number: its index, or -1 with an
 * error listing the names. */
int nn_table_column(const nn_table *t, const char *spec);
static inline const char *nn_table_cell(const nn_table *t, int64_t row, int col)
{
    return t->cells[row * t->cols + col];
}
/* A column's values as numbers ("nan" allowed); an error names the line. */
int nn_table_numbers(const nn_table *t, int col, double **out);
/* 1 if s is a whole number or a float as strtod reads it. */
int nn_is_number(const char *s);

#endif
