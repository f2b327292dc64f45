/* Netpbm images: PBM, PGM and PPM, plain (P1-P3) and raw (P4-P6).
 *
 * Read: maxval 1..65535, comments anywhere in the header, plain P1
 * digits with or without spaces.  Samples are scaled to the full range:
 * maxval <= 255 gives 8-bit samples (v * 255 / maxval, rounded), larger
 * maxvals give 16-bit samples (v * 65535 / maxval).  Bitmaps (P1, P4)
 * become 8-bit gray with 1 (black) -> 0 and 0 (white) -> 255, as PIL
 * shows them.  Only the first image of a multi-image file is read.
 *
 * Write: 8-bit P5 (1 channel) or P6 (3 channels), maxval 255.
 *
 * Functions return 0, or -1 with a message (nn_last_error()). */
#ifndef NN_IMAGE_PNM_H
#define NN_IMAGE_PNM_H

#include "image/png.h"

#include <stddef.h>
#include <stdint.h>

/* Decode from memory; on failure *out is zeroed. */
int nn_pnm_decode(const uint8_t *data, size_t len, nn_image *out);
int nn_pnm_load(const char *path, nn_image *out);

/* Encode 8-bit pixels (channels 1 or 3) as P5/P6 into a malloc'd buffer. */
int nn_pnm_encode(const uint8_t *pixels, int width, int height, int channels, uint8_t **out, size_t *out_len);
/* Encode and write atomically (nn_output_*); "-" is stdout. */
int nn_pnm_save(const char *path, const uint8_t *pixels, int width, int height, int channels);

#endif
