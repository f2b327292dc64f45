/* PNG images: a writer for 8-bit gray / gray+alpha / RGB / RGBA, and a
 * decoder for every valid PNG (all colour types and bit depths, palette,
 * tRNS, Adam7 interlacing), checking chunk CRCs and the zlib Adler-32.
 *
 * Functions return 0, or -1 with a message (nn_last_error()). */
#ifndef NN_IMAGE_PNG_H
#define NN_IMAGE_PNG_H

#include <stddef.h>
#include <stdint.h>

/* A decoded image.  pixels holds height rows of width * channels samples,
 * row-major, no padding.  bit_depth 8: pixels is uint8_t *.  bit_depth 16:
 * pixels is uint16_t *, host byte order.
 *
 * channels follows the file: 1 gray, 2 gray+alpha, 3 RGB, 4 RGBA.  A
 * palette image becomes RGB, or RGBA when it has a tRNS chunk; a gray or
 * RGB image with a tRNS colour key gains an alpha channel (0 where the key
 * matches, max elsewhere).  Gray depths 1, 2, 4 are scaled to 0..255 (so 1
 * becomes 255, as PIL and libpng do); depth 16 stays 16 bits. */
typedef struct {
    int width, height;
    int channels;   /* 1..4 */
    int bit_depth;  /* 8 or 16 */
    void *pixels;   /* malloc'd; uint8_t * or uint16_t * */
} nn_image;

/* Encode 8-bit pixels (height rows of width * channels bytes, channels
 * 1..4) as a PNG in a malloc'd buffer.  Uses dynamic-Huffman deflate and
 * picks a filter per row (minimum sum of absolute differences). */
int nn_png_encode(const uint8_t *pixels, int width, int height, int channels, uint8_t **out,
                  size_t *out_len);

/* nn_png_encode and write the result atomically (nn_output_*); "-" is
 * stdout. */
int nn_png_save(const char *path, const uint8_t *pixels, int width, int height, int channels);

/* Decode a PNG held in memory.  On failure *out is zeroed (nothing to
 * free). */
int nn_png_decode(const uint8_t *data, size_t len, nn_image *out);

/* Read a file (or "-") and decode it. */
int nn_png_load(const char *path, nn_image *out);

/* Convert in place to 8 bits per sample (16-bit samples are rounded:
 * v8 = (v16 * 255 + 32767) / 65535) and to the given channel count
 * (0 keeps the current count): gray -> RGB repeats the value, RGB -> gray
 * is the ITU-R 601 luma (299 R + 587 G + 114 B) / 1000 rounded, like
 * PIL's convert("L") to within 1; alpha is added as opaque or dropped. */
int nn_image_to_u8(nn_image *img, int channels);

void nn_image_free(nn_image *img);

#endif
