/* Image grids: rows of small images (digits, reconstructions, a decoder's
 * manifold) composed into one RGB picture, with optional numeric labels
 * under the columns and left of the rows drawn in a built-in 3x5 bitmap
 * font (digits, '-' and '.': enough for z values). */
#ifndef NN_PLOT_GRID_H
#define NN_PLOT_GRID_H

#include "core/array.h"
#include "plot/colormap.h"

#include <stdint.h>

typedef struct {
    int cols;              /* images per grid row */
    int scale;             /* integer upscale of every image pixel */
    int pad;               /* output pixels between images and around */
    nn_cmap cmap;          /* for single-channel images */
    double vmin, vmax;     /* float values mapped to [0, 1]; both NAN: each
                              input's own min..max.  uint8 is always /255,
                              other integers too when in 0..255, else
                              their own min..max. */
    const char *const *col_labels; /* text under each column (NULL: none) */
    int n_col_labels;
    const char *const *row_labels; /* text left of each grid row */
    int n_row_labels;
    int font;              /* font pixel size (0: from the image size) */
} nn_grid_opts;

/* cols 10, scale 1, pad 1, gray, range [0, 1], no labels. */
void nn_grid_opts_init(nn_grid_opts *o);

/* Image geometry of an array: (N, H, W), (N, H, W, C) with C 1, 3 or 4
 * (alpha is dropped), or (N, D) with D a square (read as sqrt(D) x
 * sqrt(D), e.g. flattened 28x28 digits).  0 or -1 with an error. */
int nn_grid_geometry(const nn_array *a, int64_t *n, int *h, int *w, int *c);

/* Images start .. start+count-1 of every input; for each block of `cols`
 * images one grid row per input (inputs stacked: originals over
 * reconstructions).  All inputs need the same H and W and at least
 * start+count images.  *rgb: nn_alloc'd width x height x 3 bytes. */
int nn_grid_render(const nn_array *const *inputs, int n_inputs, int64_t start, int64_t count,
                   const nn_grid_opts *o, uint8_t **rgb, int *width, int *height);

/* Draw text (digits, '-', '.') at (x, y) = top-left, pixel size `px`,
 * into an RGB image; returns the width drawn.  Other characters: -1. */
int nn_grid_text(uint8_t *rgb, int width, int height, int x, int y, int px, const char *text, nn_rgb color);
/* Width in pixels of a text at pixel size px (0 for ""). */
int nn_grid_text_width(const char *text, int px);
/* 1 if every character has a glyph. */
int nn_grid_text_ok(const char *text);

#endif
