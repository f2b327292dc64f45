/* Raw deflate compression (RFC 1951): LZ77 with hash chains and
 * fixed / dynamic Huffman blocks, choosing the smaller per block.
 *
 * level 0: stored blocks only.  1..9: longer chain searches and lazy
 * matching trade speed for ratio (like zlib's levels).  -1: default (6).
 * Returns 0, or -1 with a message. */
#ifndef NN_IO_DEFLATE_H
#define NN_IO_DEFLATE_H

#include <stddef.h>
#include <stdint.h>

/* Compress in[0..in_len) into a malloc'd raw deflate stream. */
int nn_deflate(const uint8_t *in, size_t in_len, int level, uint8_t **out, size_t *out_len);

/* An upper bound of the compressed size for in_len bytes (all levels). */
size_t nn_deflate_bound(size_t in_len);

#endif
