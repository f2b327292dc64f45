/* Raw deflate decompression (RFC 1951): stored, fixed-Huffman and
 * dynamic-Huffman blocks, with strict checks of the code lengths, the
 * symbols and the distances.  Returns 0, or -1 with a message. */
#ifndef NN_IO_INFLATE_H
#define NN_IO_INFLATE_H

#include <stddef.h>
#include <stdint.h>

/* Decompress the raw deflate stream at in[0..in_len).  *out (malloc'd,
 * at least one byte) gets the data, *out_len its size, *consumed the
 * number of input bytes used up to the end of the final block (rounded up
 * to a whole byte), so a container can find its trailer.  size_hint (may
 * be 0) is the expected output size, used for the first allocation.
 * The output is capped by nn_alloc_limit(). */
int nn_inflate(const uint8_t *in, size_t in_len, size_t size_hint, uint8_t **out, size_t *out_len,
               size_t *consumed);

#endif
