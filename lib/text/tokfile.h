/* Reading tokens.tsv (the output of tokenize) from memory: one token a
 * line, TAB-separated fields (word, norm, pos, tag), a blank line after
 * every sentence; CRLF line ends are accepted. */
#ifndef NN_TEXT_TOKFILE_H
#define NN_TEXT_TOKFILE_H

#include <stddef.h>
#include <stdint.h>

#define NN_TOK_MAX_FIELDS 16

typedef struct {
    const char *p, *end;
    int64_t line;                        /* line number of the last line read */
    int nf;                              /* fields of the last token line */
    const char *f[NN_TOK_MAX_FIELDS];    /* not NUL-terminated: use fl */
    size_t fl[NN_TOK_MAX_FIELDS];
} nn_tokfile;

void nn_tokfile_init(nn_tokfile *t, const char *text, size_t n);
/* 1: a token line (fields in f/fl; more than NN_TOK_MAX_FIELDS fields
 * are cut off); 2: a blank line (end of sentence); 0: end of input. */
int nn_tokfile_next(nn_tokfile *t);

/* Column names of tokens.tsv: "word" 0, "norm" 1, "pos" 2, "tag" 3, or a
 * 1-based number; -1 if neither. */
int nn_tok_column_parse(const char *name);

#endif
