/* Character encodings of text inputs: cp1252 (Windows-1252) to UTF-8,
 * and small UTF-8 helpers.
 *
 * The Kaggle GMB file is cp1252, not UTF-8: bytes 0x80-0x9F are curly
 * quotes, dashes and the ellipsis there (not the C1 controls latin-1
 * would give, which Python's splitlines() even treats as line breaks),
 * and 0xA0-0xFF are the latin-1 letters.  Five bytes (0x81 0x8D 0x8F 0x90
 * 0x9D) have no meaning in cp1252: they are an error, or U+FFFD when the
 * caller asks for replacement (and counts them). */
#ifndef NN_TEXT_ENCODING_H
#define NN_TEXT_ENCODING_H

#include <stddef.h>
#include <stdint.h>

/* The code point of cp1252 byte b, or -1 for the five undefined bytes. */
int32_t nn_cp1252_codepoint(uint8_t b);

/* Transcode n cp1252 bytes into a new malloc'd, NUL-terminated UTF-8
 * buffer (*out, *out_len without the NUL).  replace = 0: an undefined
 * byte is an error naming its offset; replace = 1: it becomes U+FFFD and
 * *n_replaced (may be NULL) counts them. */
int nn_cp1252_to_utf8(const uint8_t *in, size_t n, int replace, char **out, size_t *out_len, size_t *n_replaced);

/* Append code point cp as UTF-8 to buf (room for 4 bytes); returns the
 * number of bytes written (0 for a value that is not a scalar value). */
int nn_utf8_put(uint32_t cp, char *buf);

/* Decode one code point at s (n bytes available).  Returns its length
 * (1-4) and sets *cp, or 0 for an invalid or truncated sequence
 * (overlong forms, surrogates and values above U+10FFFF are invalid). */
int nn_utf8_get(const uint8_t *s, size_t n, uint32_t *cp);

/* Offset of the first invalid byte, or n when all n bytes are UTF-8. */
size_t nn_utf8_check(const uint8_t *s, size_t n);

#endif
