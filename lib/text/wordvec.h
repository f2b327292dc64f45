/* Word-vector files: word2vec's text and binary formats (as written by
 * word2vec.c and gensim's save_word2vec_format) and GloVe text.
 *
 *   text    "V D\n" then V lines "word x1 ... xD\n"
 *   binary  "V D\n" then V times "word " + D little-endian float32 (+ "\n")
 *   glove   like text without the header line
 *
 * Words are UTF-8 without spaces. */
#ifndef NN_TEXT_WORDVEC_H
#define NN_TEXT_WORDVEC_H

#include "text/strmap.h"

#include <stdint.h>
#include <stdio.h>

typedef struct {
    int64_t n;      /* words */
    int dim;        /* values per word */
    float *vec;     /* n x dim, row-major */
    nn_strmap index;/* word -> row; index.keys[i] is the word of row i */
    int64_t duplicates; /* words listed again when loading (first kept) */
} nn_wordvec;

typedef enum { NN_WV_AUTO, NN_WV_TEXT, NN_WV_BINARY, NN_WV_GLOVE } nn_wv_format;

/* "auto", "text", "binary", "glove"; -1 if unknown. */
int nn_wv_format_parse(const char *name);

/* Parse a word-vector file in memory.  auto: a "V D" first line means
 * word2vec text or binary (binary when the first entry does not read as
 * D numbers), anything else GloVe.  Errors name the line (text) or entry
 * (binary): wrong number of values, values that are not numbers,
 * truncated data, a header that disagrees with the entries. */
int nn_wordvec_parse(const uint8_t *data, size_t len, nn_wv_format format, nn_wordvec *wv);
/* The same from a file (gzip-compressed too) or "-". */
int nn_wordvec_load(const char *path, nn_wv_format format, nn_wordvec *wv);

/* Write text (binary = 0) or binary (binary = 1); 0 or -1 on a write
 * error. */
int nn_wordvec_write(FILE *fp, const nn_wordvec *wv, int binary);

void nn_wordvec_free(nn_wordvec *wv);

/* The row of word, or -1. */
static inline int64_t nn_wordvec_find(const nn_wordvec *wv, const char *word, size_t len)
{
    return nn_strmap_find(&wv->index, word, len);
}

#endif
