/* Load an image of any supported format (PNG, JPEG, PNM), chosen by its
 * magic bytes, never by the file name.
 *
 * Decoded images use nn_image from png.h (8- or 16-bit samples, 1-4
 * channels).  To get one fixed layout, call nn_image_load_u8(), or
 * nn_image_to_u8() (png.h) on a loaded image: it rounds 16-bit samples
 * to 8 bits and converts gray / gray+alpha / RGB / RGBA into each other
 * (RGB -> gray uses the ITU-R 601 luma weights, as PIL's convert("L")).
 *
 * Functions return 0, or -1 with a message that names no file. */
#ifndef NN_IMAGE_IMAGE_H
#define NN_IMAGE_IMAGE_H

#include "image/png.h"

#include <stddef.h>
#include <stdint.h>

typedef enum { NN_IMG_UNKNOWN, NN_IMG_PNG, NN_IMG_JPEG, NN_IMG_PNM } nn_image_format;

/* The format named by the first bytes of a file (NN_IMG_UNKNOWN if none). */
nn_image_format nn_image_detect(const uint8_t *data, size_t len);
/* "png", "jpeg", "pnm", "unknown". */
const char *nn_image_format_name(nn_image_format f);

/* Decode from memory / a file ("-" is stdin).  On failure *out is zeroed. */
int nn_image_decode(const uint8_t *data, size_t len, nn_image *out);
int nn_image_load(const char *path, nn_image *out);

/* Load and convert to 8-bit samples with `channels` channels (1 gray,
 * 2 gray+alpha, 3 RGB, 4 RGBA; 0 keeps the file's count). */
int nn_image_load_u8(const char *path, int channels, nn_image *out);

#endif
