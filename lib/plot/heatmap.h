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
#include "plot/svg.h"

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

/* The same pictures as SVG, with axes, for reports:
 *
 *   title
 *   mel band |  spectrogram (bands x frames)  | colour bar (dB)
 *   token 1  |  attention rows                | colour bar (weight, 0..max)
 *   ...      |                                |
 *            +---- time (s) or frame ---------+
 *
 * Either part may be absent.  The pixels are embedded PNGs (one per part,
 * one pixel per frame x band and per step x token), drawn scaled up
 * without smoothing; labels, ticks and colour bars are SVG text and
 * lines. */
typedef struct {
    const char *title;             /* NULL: none */
    const char *const *row_labels; /* left of the attention rows (any text) */
    int n_row_labels;
    double frame_s;                /* seconds per frame; <= 0: time in frames */
    int stack;                     /* frames per attention column */
    nn_cmap cmap;                  /* attention, on 0 .. its largest weight */
    nn_cmap spec_cmap;             /* spectrogram, on its own min .. max */
    const char *spec_unit;         /* the spectrogram colour bar's label */
    int width;                     /* image width in pixels */
    int row_h;                     /* pixels per attention row */
    int spec_h;                    /* spectrogram height in pixels */
} nn_heatmap_svg_opts;

/* no title or labels, 10 ms frames, stack 1, viridis / gnuplot2,
 * "dB", 860 wide, rows 24 px, spectrogram 200 px. */
void nn_heatmap_svg_opts_init(nn_heatmap_svg_opts *o);

/* att (rows, cols) or NULL; spec (frames, bands) or NULL; not both NULL.
 * With attention the time axis spans cols * stack frames (the spectrogram
 * is cut or padded white to it), without it the spectrogram's frames. */
int nn_heatmap_svg(const float *att, int64_t rows, int64_t cols, const float *spec, int64_t frames, int64_t bands,
                   const nn_heatmap_svg_opts *o, nn_svg *out);

#endif
