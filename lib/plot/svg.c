/* SVG text buffer.  Numbers are written with one decimal: a tenth of a
 * pixel is below what a screen shows and keeps big scatter plots small. */
#include "plot/svg.h"

#include "core/mem.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void reserve(nn_svg *s, size_t more)
{
    if (s->failed)
        return;
    if (s->len + more + 1 <= s->cap)
        return;
    size_t cap = s->cap ? s->cap : 4096;
    while (cap < s->len + more + 1)
        cap *= 2;
    char *b = nn_realloc(s->buf, cap, 1);
    if (!b) {
        s->failed = 1;
        return;
    }
    s->buf = b;
    s->cap = cap;
}

void nn_svg_printf(nn_svg *s, const char *fmt, ...)
{
    if (s->failed)
        return;
    va_list ap;
    va_start(ap, fmt);
    char small[512];
    int n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n < 0) {
        s->failed = 1;
        return;
    }
    reserve(s, (size_t)n);
    if (s->failed)
        return;
    if ((size_t)n < sizeof small)
        memcpy(s->buf + s->len, small, (size_t)n + 1);
    else {
        va_start(ap, fmt);
        vsnprintf(s->buf + s->len, (size_t)n + 1, fmt, ap);
        va_end(ap);
    }
    s->len += (size_t)n;
}

void nn_svg_begin(nn_svg *s, int width, int height)
{
    memset(s, 0, sizeof *s);
    nn_svg_printf(s,
                  "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
                  "font-family=\"DejaVu Sans, Helvetica, Arial, sans-serif\" font-size=\"12\" fill=\"#222\">\n"
                  "<rect width=\"%d\" height=\"%d\" fill=\"white\"/>\n",
                  width, height, width, height, width, height);
}

void nn_svg_escaped(nn_svg *s, const char *text)
{
    for (const char *c = text; *c; c++) {
        switch (*c) {
        case '&': nn_svg_printf(s, "&amp;"); break;
        case '<': nn_svg_printf(s, "&lt;"); break;
        case '>': nn_svg_printf(s, "&gt;"); break;
        case '"': nn_svg_printf(s, "&quot;"); break;
        default:
            /* Control characters are not allowed in XML 1.0. */
            if ((unsigned char)*c < 0x20 && *c != '\t')
                nn_svg_printf(s, " ");
            else
                nn_svg_printf(s, "%c", *c);
        }
    }
}

void nn_svg_text(nn_svg *s, double x, double y, const char *anchor, double size, const char *extra,
                 const char *text)
{
    nn_svg_printf(s, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\" font-size=\"%g\"%s%s>", x, y, anchor, size,
                  extra ? " " : "", extra ? extra : "");
    nn_svg_escaped(s, text);
    nn_svg_printf(s, "</text>\n");
}

void nn_svg_line(nn_svg *s, double x1, double y1, double x2, double y2, const char *stroke, double width)
{
    nn_svg_printf(s, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" stroke-width=\"%g\"/>\n", x1,
                  y1, x2, y2, stroke, width);
}

void nn_svg_rect(nn_svg *s, double x, double y, double w, double h, const char *fill, const char *extra)
{
    nn_svg_printf(s, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\"%s%s/>\n", x, y, w, h, fill,
                  extra ? " " : "", extra ? extra : "");
}

int nn_svg_finish(nn_svg *s)
{
    nn_svg_printf(s, "</svg>\n");
    if (s->failed)
        return nn_set_error("out of memory while drawing");
    return 0;
}

void nn_svg_free(nn_svg *s)
{
    free(s->buf);
    memset(s, 0, sizeof *s);
}
