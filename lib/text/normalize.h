/* Normalized forms of tokens: none, lower case, or a Porter stem.
 *
 * Lower case covers ASCII, latin-1 and Latin Extended-A (the letters
 * that occur in European news text); other characters stay as they are.
 * The stemmer is the classic Porter (1980) algorithm, applied to words
 * made only of ASCII letters after lower-casing ("running" -> "run",
 * "relational" -> "relat"); numbers, punctuation and words with other
 * characters are only lower-cased. */
#ifndef NN_TEXT_NORMALIZE_H
#define NN_TEXT_NORMALIZE_H

#include <stddef.h>

typedef enum { NN_NORM_NONE, NN_NORM_LOWER, NN_NORM_STEM } nn_norm_mode;

/* "none", "lower", "stem"; -1 if unknown. */
int nn_norm_parse(const char *name);

/* Normalize the UTF-8 word w (len bytes) into out (room for
 * out_size bytes, NUL-terminated).  Returns the length written, or -1 if
 * out is too small (len + 5 bytes always suffice). */
int nn_normalize(nn_norm_mode mode, const char *w, size_t len, char *out, size_t out_size);

/* Lower-case one code point (the ranges above). */
unsigned nn_lower_codepoint(unsigned cp);

/* Porter-stem the lower-case ASCII word in w (len bytes, a-z only) in
 * place; returns the new length. */
size_t nn_porter_stem(char *w, size_t len);

#endif
