/* Colours: a 10-colour categorical palette for classes (the familiar
 * "tab10" set) and continuous maps for single-channel images. */
#ifndef NN_PLOT_COLORMAP_H
#define NN_PLOT_COLORMAP_H

#include <stdint.h>

typedef struct {
    uint8_t r, g, b;
} nn_rgb;

/* Class i's colour; after 10 the palette repeats lighter, then again. */
nn_rgb nn_palette(int i);
/* "#rrggbb" into buf (8 bytes). */
void nn_palette_hex(int i, char buf[8]);

typedef enum { NN_CMAP_GRAY, NN_CMAP_VIRIDIS, NN_CMAP_GNUPLOT2, NN_CMAP_COUNT } nn_cmap;

/* "gray", "viridis", "gnuplot2"; -1 if unknown. */
int nn_cmap_parse(const char *name);
const char *nn_cmap_names(void); /* "gray|viridis|gnuplot2" */
/* t in [0, 1] (clamped; NaN gives the low end). */
nn_rgb nn_cmap_color(nn_cmap map, double t);

#endif
