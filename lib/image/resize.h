/* Image resampling that reproduces Pillow's Image.resize on 8-bit images.
 *
 * Filters: nearest, box, bilinear (triangle), bicubic (Keys, a = -0.5),
 * Lanczos-3.  All but nearest are separable convolutions whose support
 * grows with the shrink factor (antialiasing: a 4x reduction averages
 * over 4x the filter width), with per-pixel weights normalised to sum 1
 * and quantised to 22-bit fixed point.  The horizontal pass runs first
 * into an 8-bit intermediate image, then the vertical pass; each output
 * is rounded and clamped to 0..255.  A pass whose size does not change
 * is skipped (as Pillow does), so a same-size resize is a copy.
 *
 * Nearest takes source pixel floor((x + 0.5) * in / out), the pixel
 * whose area holds the output pixel's centre; it never blends, so it is
 * the filter for label maps. */
#ifndef NN_IMAGE_RESIZE_H
#define NN_IMAGE_RESIZE_H

#include <stdint.h>

typedef enum {
    NN_RESIZE_NEAREST,
    NN_RESIZE_BOX,
    NN_RESIZE_BILINEAR,
    NN_RESIZE_BICUBIC,
    NN_RESIZE_LANCZOS
} nn_resize_filter;

/* "nearest", "box", "bilinear", "bicubic", "lanczos" -> filter; -1 if unknown. */
int nn_resize_filter_parse(const char *name);
const char *nn_resize_filter_name(nn_resize_filter f);

/* src: sh rows of sw * channels bytes; dst: dh rows of dw * channels
 * bytes (not overlapping src).  channels 1..4.  Returns 0, or -1 with a
 * message (bad sizes, out of memory). */
int nn_resize_u8(const uint8_t *src, int sw, int sh, int channels, uint8_t *dst, int dw, int dh,
                 nn_resize_filter filter);

#endif
