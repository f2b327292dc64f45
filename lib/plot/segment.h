/* Segmentation pictures: for each sample one row "image | true mask |
 * predicted mask | prediction over the image", masks drawn with the
 * categorical palette (class i = nn_palette(i)), an ignored label black. */
#ifndef NN_PLOT_SEGMENT_H
#define NN_PLOT_SEGMENT_H

#include <stdint.h>

typedef struct {
    int scale;    /* integer upscale of every pixel */
    int pad;      /* white pixels between panels and around */
    double alpha; /* overlay: weight of the class colour (0: no overlay column) */
    int ignore;   /* label drawn black (-1: none) */
    int positive; /* >= 0: truth is (mask == positive), as a binary model's */
} nn_seg_opts;

/* scale 2, pad 2, alpha 0.5, no ignore, no positive. */
void nn_seg_opts_init(nn_seg_opts *o);

/* img (n, h, w, c) uint8 with c 1 or 3; truth (n, h, w) or NULL (no
 * column); pred (n, h, w) class ids.  Rows for samples start ..
 * start+count-1 (the caller checks they exist).  *rgb: nn_alloc'd width x
 * height x 3 bytes. */
int nn_seg_render(const uint8_t *img, int c, const uint8_t *truth, const uint8_t *pred, int h, int w, int64_t start,
                  int64_t count, const nn_seg_opts *o, uint8_t **rgb, int *width, int *height);

#endif
