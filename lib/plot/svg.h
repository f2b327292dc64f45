/* A tiny SVG writer: a growing text buffer with helpers for the few
 * elements the charts use.  Out of memory is remembered and reported once
 * by nn_svg_finish(), so drawing code needs no error checks. */
#ifndef NN_PLOT_SVG_H
#define NN_PLOT_SVG_H

#include "core/error.h"

#include <stddef.h>

typedef struct {
    char *buf;
    size_t len, cap;
    int failed;
} nn_svg;

/* <svg> root of width x height pixels with a white background. */
void nn_svg_begin(nn_svg *s, int width, int height);
void nn_svg_printf(nn_svg *s, const char *fmt, ...) NN_PRINTF(2, 3);
/* Text with XML escaping.  anchor: "start", "middle", "end"; extra: more
 * attributes (may be NULL), e.g. "font-weight=\"bold\"". */
void nn_svg_text(nn_svg *s, double x, double y, const char *anchor, double size, const char *extra,
                 const char *text);
/* Escaped text only (inside an element the caller opened). */
void nn_svg_escaped(nn_svg *s, const char *text);
void nn_svg_line(nn_svg *s, double x1, double y1, double x2, double y2, const char *stroke, double width);
void nn_svg_rect(nn_svg *s, double x, double y, double w, double h, const char *fill, const char *extra);
/* Close the root; 0, or -1 ("out of memory") if anything failed. */
int nn_svg_finish(nn_svg *s);
void nn_svg_free(nn_svg *s);

#endif
