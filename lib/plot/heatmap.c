/* Attention heat maps with a spectrogram above (see heatmap.h). */
#include "plot/heatmap.h"

#include "core/error.h"
#include "core/mem.h"
#include "plot/grid.h"

#include <math.h>
#include <string.h>

void nn_heatmap_opts_init(nn_heatmap_opts *o)
{
    memset(o, 0, sizeof *o);
    o->cell_w = 8;
    o->cell_h = 16;
    o->band_h = 2;
    o->cmap = NN_CMAP_VIRIDIS;
    o->spec_cmap = NN_CMAP_GNUPLOT2;
    o->font = 2;
}

static void put(uint8_t *rgb, int w, int x, int y, nn_rgb c)
{
    uint8_t *p = rgb + ((size_t)y * (size_t)w + (size_t)x) * 3;
    p[0] = c.r;
    p[1] = c.g;
    p[2] = c.b;
}

int nn_heatmap_render(const float *att, int64_t rows, int64_t cols, const float *spec, int64_t frames,
                      int64_t bands, int stack, const nn_heatmap_opts *o, uint8_t **rgb, int *width, int *height)
{
    if (rows < 1 || cols < 1)
        return nn_set_error("heatmap: empty matrix");
    if (o->cell_w < 1 || o->cell_h < 1 || o->cell_w > 256 || o->cell_h > 256 || o->band_h < 1 || o->band_h > 64 ||
        o->font < 1 || o->font > 32 || stack < 1)
        return nn_set_error("heatmap: cell sizes 1..256, band height 1..64, font 1..32, stack >= 1");
    if (rows > 4096 || cols > 16384 || (spec && (bands < 1 || bands > 4096 || frames < 1)))
        return nn_set_error("heatmap: at most 4096 rows, 16384 columns and 4096 bands");
    int margin = 0;
    for (int i = 0; i < o->n_row_labels; i++) {
        if (!nn_grid_text_ok(o->row_labels[i]))
            return nn_set_error("heatmap: label '%s' has characters the built-in font lacks (digits, '-', '.')",
                                o->row_labels[i]);
        int tw = nn_grid_text_width(o->row_labels[i], o->font);
        if (tw + 6 > margin)
            margin = tw + 6;
    }
    int top = spec ? (int)bands * o->band_h + 4 : 0;
    int64_t W = margin + cols * o->cell_w, H = top + rows * o->cell_h;
    if (W > 32768 || H > 32768)
        return nn_set_error("heatmap: the image would be larger than 32768 pixels");
    uint8_t *img = nn_alloc((size_t)(W * H), 3);
    if (!img)
        return -1;
    memset(img, 255, (size_t)(W * H) * 3);
    if (spec) {
        float lo = INFINITY, hi = -INFINITY;
        for (int64_t i = 0; i < frames * bands; i++) {
            if (spec[i] < lo)
                lo = spec[i];
            if (spec[i] > hi)
                hi = spec[i];
        }
        double range = hi > lo ? hi - lo : 1.0;
        for (int64_t x = 0; x < cols * o->cell_w; x++) {
            /* the frame under pixel x: columns are `stack` frames wide */
            int64_t f = x * stack / o->cell_w;
            for (int64_t b = 0; b < bands; b++) {
                nn_rgb c = f < frames ? nn_cmap_color(o->spec_cmap, (spec[f * bands + b] - lo) / range)
                                      : (nn_rgb){255, 255, 255};
                for (int k = 0; k < o->band_h; k++)
                    put(img, (int)W, (int)(margin + x), (int)((bands - 1 - b) * o->band_h + k), c);
            }
        }
    }
    float mx = 0;
    for (int64_t i = 0; i < rows * cols; i++)
        if (att[i] > mx)
            mx = att[i];
    if (!(mx > 0))
        mx = 1;
    for (int64_t r = 0; r < rows; r++)
        for (int64_t j = 0; j < cols; j++) {
            nn_rgb c = nn_cmap_color(o->cmap, att[r * cols + j] / mx);
            for (int y = 0; y < o->cell_h; y++)
                for (int x = 0; x < o->cell_w; x++)
                    put(img, (int)W, (int)(margin + j * o->cell_w + x), (int)(top + r * o->cell_h + y), c);
        }
    for (int i = 0; i < o->n_row_labels && i < rows; i++) {
        int tw = nn_grid_text_width(o->row_labels[i], o->font);
        int y = (int)(top + i * o->cell_h + (o->cell_h - 5 * o->font) / 2);
        if (y >= 0)
            nn_grid_text(img, (int)W, (int)H, margin - 3 - tw, y, o->font, o->row_labels[i], (nn_rgb){0, 0, 0});
    }
    *rgb = img;
    *width = (int)W;
    *height = (int)H;
    return 0;
}
