/* An RFC 4180 CSV reader over a buffer in memory.
 *
 * Fields are separated by commas, rows end with CRLF or LF (a lone CR
 * too).  A field that starts with a double quote runs to the matching
 * closing quote; "" inside it is one quote, and commas and line breaks
 * inside it are data.  A row is malformed when a quote appears inside an
 * unquoted field, when a closing quote is followed by something other
 * than a comma or the row end, or when a quote is never closed.  A
 * malformed row is reported (-1 with a message naming its line) and the
 * reader resumes on the line after the row's first line, so a stray
 * quote cannot swallow the rest of the file. */
#ifndef NN_TEXT_CSV_H
#define NN_TEXT_CSV_H

#include <stddef.h>
#include <stdint.h>

typedef struct {
    const char *p, *end;  /* unread input */
    int64_t line;         /* 1-based line of the next row */
    int64_t row_line;     /* line where the last row started */
    char sep;             /* ',' by default */
    /* The last row: nfields NUL-terminated fields in buf. */
    char *buf;
    size_t buf_cap;
    size_t *offs;
    int nfields, fields_cap;
} nn_csv;

/* Read text[0, n) (not copied: it must outlive the reader). */
void nn_csv_init(nn_csv *c, const char *text, size_t n);
void nn_csv_free(nn_csv *c);

/* 1: a row was read; 0: end of input; -1: a malformed row was skipped
 * (message in nn_last_error(), "line N: ..."; reading may go on), or
 * -2: out of memory (stop). */
int nn_csv_next(nn_csv *c);

/* Field i of the last row (NUL-terminated). */
static inline const char *nn_csv_field(const nn_csv *c, int i) { return c->buf + c->offs[i]; }
/* Its length in bytes. */
size_t nn_csv_field_len(const nn_csv *c, int i);

#endif
