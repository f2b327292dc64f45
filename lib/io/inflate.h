/* Raw deflate decompression (RFC 1951): stored, fixed-Huffman and
 * dynamic-Huffman blocks, with strict checks of the code lengths, the
 * symbols and the distances.  Returns 0, or -1 with a message. */
#ifndef NN_IO_INFLATE_H
#define NN_IO_INFLATE_H

#include <stddef.h>
#include <stdint.h>

/* Decompress the raw deflate stream at in[0..in_len).  *out (malloc'd)
 * gets the data followed by one zero byte (not counted in *out_len),
 * *consumed (may be NULL) the number of input bytes used up to the end of
 * the final block (rounded up to a whole byte), so a container can find
 * its trailer.  size_hint (may be 0) is the expected output size, used for
 * the first allocation only.  The output is capped by nn_alloc_limit(). */
int nn_inflate(const uint8_t *in, size_t in_len, size_t size_hint, uint8_t **out, size_t *out_len,
               size_t *consumed);

/* A growable output buffer for decompressing several streams one after
 * the other (gzip members).  Start with {0}; data[0..len) is the output,
 * data[len] is always a zero byte once anything was allocated.  Free
 * data with free(). */
typedef struct {
    uint8_t *data;
    size_t len;
    size_t cap; /* usable bytes; a little slack is allocated beyond it */
} nn_inflate_buf;

/* Like nn_inflate but appends to buf.  Distances may not reach back
 * before the data this call appends (each stream has its own window).
 * On failure buf keeps what it had (plus possibly partial data beyond
 * len, which is not counted). */
int nn_inflate_append(const uint8_t *in, size_t in_len, size_t size_hint, nn_inflate_buf *buf,
                      size_t *consumed);

#endif
