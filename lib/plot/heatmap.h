/* Heat maps of attention weights (output tokens x encoder steps), with an
 * optional spectrogram above them on the same time axis, as an RGB image.
 *
 *   +-------+-------------------------------+
 *   |       | spectrogram (bands x frames)  |  low bands at the bottom
 *   +-------+-------------------------------+
 *   | label | attention row of token 1      |  one row per output token,
 *   | label | ...                           |  one column per encoder step
 *   +-------+-------------------------------+
 * Encoder step j covers frames j*stack .. (j+1)*stack - 1 of the
 * spectrogram, so a near-diagonal map lines up with the words' energy. */
#ifndef NN_PLOT_HEATMAP_H
#define NN_PLOT_HEATMAP_H

#include "plot/colormap.h"

#include <stdint.h>

typedef struct {
    int cell_w, cell_h;    /* pixels per attention cell */
    int band_h;            /* pixels per spectrogram band */
    nn_cmap cmap;          /* attention colours (0 .. the matrix's max) */
    nn_cmap spec_cmap;     /* spectrogram colours (its own min .. max) */
    const char *const *row_labels; /* left of the attention rows (digits,
                                      '-' and '.'; others are an error) */
    int n_row_labels;
    int font;              /* label pixel size */
} nn_heatmap_opts;

/* cell 8x16, band 2, viridis / gnuplot2, no labels, font 2. */
void nn_heatmap_opts_init(nn_heatmap_opts *o);

/* att (rows, cols); spec (frames, bands) or NULL, with `stack` frames per
 * attention column.  *rgb: nn_alloc'd width x height x 3. */
int nn_heatmap_render(const float *att, int64_t rows, int64_t cols, const float *spec, int64_t frames,
                      int64_t bands, int stack, const nn_heatmap_opts *o, uint8_t **rgb, int *width, int *height);

#endif
