/* One text column of a TSV (transcripts, sentences): the strings of
 * column `col` (1-based) of every non-empty line, for the tools that read
 * texts next to arrays (train-seq2seq, metrics sequence).
 * Errors: -1 and a message via nn_set_error() that names no file. */
#ifndef NN_TEXT_TEXTCOLUMN_H
#define NN_TEXT_TEXTCOLUMN_H

#include <stddef.h>

/* text: len bytes with a NUL after them (as nn_read_all gives), changed in
 * place: line ends and tabs become NULs, and *rows (*n of them, malloc'd)
 * point into it.  LF or CRLF lines; empty lines are skipped; a first line
 * whose column reads `header` (NULL: none) is a header, not a row.
 * Errors: a NUL byte in the text, a line without column col. */
int nn_text_column(char *text, size_t len, int col, const char *header, char ***rows, size_t *n);

#endif
