/* JPEG decoder (ITU T.81): baseline and extended sequential (SOF0/SOF1)
 * and progressive (SOF2) Huffman-coded 8-bit images with 1 or 3
 * components, any integer sampling factors (4:4:4, 4:2:2, 4:2:0, 4:4:0,
 * 4:1:1...), restart markers, multi-scan sequential files.
 *
 * Output matches djpeg's defaults: the "islow" integer IDCT, "fancy"
 * (triangle) upsampling for 2x1, 1x2 and 2x2 chroma (other ratios are
 * replicated, as libjpeg does), libjpeg's fixed-point YCbCr -> RGB.
 * Colour (libjpeg's rules): 3 components are YCbCr when a JFIF marker is
 * present; otherwise an Adobe APP14 marker decides (transform 0 = RGB);
 * without either, component ids 'R','G','B' mean RGB, anything else YCbCr.
 *
 * Refused with a clear message: arithmetic coding, lossless, hierarchical,
 * 12/16-bit precision, 2- or 4-component (CMYK/YCCK) images, fractional
 * sampling ratios, DNL.  Truncated or corrupt entropy data is an error
 * (never a crash or a partial image).
 *
 * Functions return 0, or -1 with a message (nn_last_error()). */
#ifndef NN_IMAGE_JPEG_H
#define NN_IMAGE_JPEG_H

#include "image/png.h"

#include <stddef.h>
#include <stdint.h>

/* Larger images are refused: a few hundred bytes of JPEG can declare a
 * 65535 x 65535 image (end-of-band runs cost almost nothing), and its
 * coefficients alone would take gigabytes. */
#define NN_JPEG_MAX_PIXELS ((int64_t)1 << 28)

/* Decode a JPEG held in memory into an 8-bit image with 1 (gray) or 3
 * (RGB) channels.  On failure *out is zeroed (nothing to free). */
int nn_jpeg_decode(const uint8_t *data, size_t len, nn_image *out);

/* Read a file (or "-") and decode it. */
int nn_jpeg_load(const char *path, nn_image *out);

/* The islow inverse DCT of one block: coef holds 64 quantized
 * coefficients in natural (row-major) order, q the 64 quantizer steps in
 * the same order; out receives 8 rows of 8 samples (level-shifted by 128
 * and clamped to 0..255), rows `stride` bytes apart. */
void nn_jpeg_idct_islow(const int16_t *coef, const uint16_t *q, uint8_t *out, size_t stride);

#endif
