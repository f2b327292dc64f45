/* gzip (RFC 1952) and zlib (RFC 1950) containers around deflate data.
 *
 * All functions return 0, or -1 with a message (nn_last_error()).  Output
 * buffers are malloc'd (free with free()); their size is capped by
 * nn_alloc_limit(), so a small "zip bomb" gives an error, not an
 * exhausted machine.  Decompressed buffers have a zero byte after the
 * last one (not counted in *out_len), so text can be parsed in place; an
 * empty result is a valid allocation with *out_len = 0. */
#ifndef NN_IO_GZIP_H
#define NN_IO_GZIP_H

#include <stddef.h>
#include <stdint.h>

/* 1 if the data starts with the gzip magic bytes 1f 8b. */
int nn_is_gzip(const uint8_t *data, size_t len);

/* Decompress a gzip file: every member (concatenated .gz files form one
 * stream), each checked against its CRC-32 and ISIZE.  Trailing zero bytes
 * after the last member (tape padding) are accepted; other trailing bytes
 * are an error. */
int nn_gunzip(const uint8_t *in, size_t in_len, uint8_t **out, size_t *out_len);

/* Compress into one gzip member.  level 0 (stored) .. 9 (best); -1 means
 * the default (6). */
int nn_gzip(const uint8_t *in, size_t in_len, int level, uint8_t **out, size_t *out_len);

/* zlib stream (2-byte header, deflate data, Adler-32).  A preset
 * dictionary (FDICT) is refused: nothing here produces one. */
int nn_zlib_decompress(const uint8_t *in, size_t in_len, uint8_t **out, size_t *out_len);
int nn_zlib_compress(const uint8_t *in, size_t in_len, int level, uint8_t **out, size_t *out_len);

/* Read a whole file (or stdin for "-"), gunzipping it transparently when it
 * starts with the gzip magic.  The buffer has a NUL after the last byte (not
 * counted in *len), like nn_read_all(). */
int nn_read_all_maybe_gz(const char *path, uint8_t **data, size_t *len);

#endif
