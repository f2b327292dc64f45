/* Attention heat maps and spectrograms as SVG with axes (see heatmap.h).
 *
 * The cells are not SVG rectangles: a 300-frame, 40-band spectrogram would
 * be 12,000 of them.  Each part is a small PNG at one pixel per cell,
 * embedded as a data: URI and stretched with image-rendering: pixelated,
 * so the file stays small and the cells stay sharp.  Text widths are
 * estimated at 0.6 em per character, as in charts.c. */
#include "plot/heatmap.h"

#include "core/error.h"
#include "core/mem.h"
#include "image/png.h"
#include "io/base64.h"
#include "plot/charts.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FONT 12.0
#define TITLE_FONT 15.0
#define AXIS_COLOR "#444"
#define BAR_W 14.0

void nn_heatmap_svg_opts_init(nn_heatmap_svg_opts *o)
{
    memset(o, 0, sizeof *o);
    o->frame_s = 0.01;
    o->stack = 1;
    o->cmap = NN_CMAP_VIRIDIS;
    o->spec_cmap = NN_CMAP_GNUPLOT2;
    o->spec_unit = "dB";
    o->width = 860;
    o->row_h = 24;
    o->spec_h = 200;
}

static double text_width(const char *t, double size)
{
    double n = 0;
    for (; *t; t++)
        if (((unsigned char)*t & 0xC0) != 0x80) /* one per UTF-8 character */
            n++;
    return n * size * 0.6;
}

/* An RGB raster (w x h) as <image> stretched over (x, y, ww, hh). */
static int embed(nn_svg *s, const uint8_t *rgb, int w, int h, double x, double y, double ww, double hh)
{
    uint8_t *png;
    size_t len;
    if (nn_png_encode(rgb, w, h, 3, &png, &len) < 0)
        return -1;
    char *b64 = nn_base64(png, len);
    free(png);
    if (!b64)
        return nn_set_error("out of memory");
    nn_svg_printf(s,
                  "<image x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" preserveAspectRatio=\"none\" "
                  "style=\"image-rendering:pixelated;image-rendering:crisp-edges\" href=\"data:image/png;base64,",
                  x, y, ww, hh);
    nn_svg_printf(s, "%s\"/>\n", b64);
    free(b64);
    return 0;
}

static void put(uint8_t *p, nn_rgb c)
{
    p[0] = c.r;
    p[1] = c.g;
    p[2] = c.b;
}

/* A vertical colour bar at (x, y, BAR_W, h) for values lo..hi (top: hi),
 * with ticks and a rotated label on its right. */
static int colour_bar(nn_svg *s, nn_cmap map, double lo, double hi, double x, double y, double h, const char *label)
{
    enum { N = 128 };
    uint8_t px[N * 3];
    for (int i = 0; i < N; i++)
        put(px + i * 3, nn_cmap_color(map, 1.0 - (i + 0.5) / N));
    if (embed(s, px, 1, N, x, y, BAR_W, h) < 0)
        return -1;
    nn_svg_printf(s, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"none\" stroke=\"%s\"/>\n", x,
                  y, BAR_W, h, AXIS_COLOR);
    double ticks[16], step;
    int n = nn_nice_ticks(lo, hi, h > 120 ? 5 : 3, ticks, 16, &step);
    double tw = 0;
    for (int i = 0; i < n; i++) {
        if (ticks[i] < lo - 1e-9 * fabs(step) || ticks[i] > hi + 1e-9 * fabs(step))
            continue;
        double ty = hi > lo ? y + h * (hi - ticks[i]) / (hi - lo) : y + h / 2;
        char buf[32], txt[40];
        nn_tick_label(ticks[i], step, buf, sizeof buf);
        snprintf(txt, sizeof txt, "%s%s", buf[0] == '-' ? "\xe2\x88\x92" : "", buf + (buf[0] == '-'));
        nn_svg_line(s, x + BAR_W, ty, x + BAR_W + 4, ty, AXIS_COLOR, 1);
        nn_svg_text(s, x + BAR_W + 7, ty + FONT * 0.35, "start", FONT - 1, NULL, txt);
        if (text_width(txt, FONT - 1) > tw)
            tw = text_width(txt, FONT - 1);
    }
    if (label) {
        char extra[96];
        double lx = x + BAR_W + 7 + tw + 6 + FONT, ly = y + h / 2;
        snprintf(extra, sizeof extra, "transform=\"rotate(-90 %.1f %.1f)\"", lx, ly);
        nn_svg_text(s, lx, ly, "middle", FONT, extra, label);
    }
    return 0;
}

static void rotated_label(nn_svg *s, double x, double y, const char *text)
{
    char extra[96];
    snprintf(extra, sizeof extra, "transform=\"rotate(-90 %.1f %.1f)\"", x, y);
    nn_svg_text(s, x, y, "middle", FONT + 1, extra, text);
}

int nn_heatmap_svg(const float *att, int64_t rows, int64_t cols, const float *spec, int64_t frames, int64_t bands,
                   const nn_heatmap_svg_opts *o, nn_svg *out)
{
    if (!att && !spec)
        return nn_set_error("heatmap: nothing to draw");
    if (att && (rows < 1 || cols < 1 || rows > 4096 || cols > 16384))
        return nn_set_error("heatmap: attention needs 1..4096 rows and 1..16384 columns");
    if (spec && (frames < 1 || bands < 1 || frames > 1 << 20 || bands > 4096))
        return nn_set_error("heatmap: spectrogram needs 1..1048576 frames and 1..4096 bands");
    if (o->stack < 1 || o->width < 200 || o->width > 16384 || o->row_h < 4 || o->row_h > 256 || o->spec_h < 20 ||
        o->spec_h > 4096)
        return nn_set_error("heatmap: stack >= 1, width 200..16384, row height 4..256, spectrogram 20..4096");
    if (att && rows * o->row_h > 32768)
        return nn_set_error("heatmap: the image would be taller than 32768 pixels");

    /* the time axis: frames 0 .. T */
    int64_t T = att ? cols * o->stack : frames;
    double unit = o->frame_s > 0 ? o->frame_s : 1;
    double tmax = (double)T * unit;

    /* margins */
    double lab = 0;
    for (int i = 0; att && i < o->n_row_labels && i < rows; i++)
        if (text_width(o->row_labels[i], FONT) > lab)
            lab = text_width(o->row_labels[i], FONT);
    if (spec && text_width("0000", FONT) > lab)
        lab = text_width("0000", FONT);
    double left = 14 + FONT + 10 + lab + 10;
    double right = o->width - 100.0;
    if (right - left < 80)
        return nn_set_error("heatmap: labels too long for a %d-pixel image", o->width);
    double top = o->title ? 16 + TITLE_FONT + 14 : 14;
    double spec_top = top, spec_bot = spec ? top + o->spec_h : top;
    double att_top = spec ? spec_bot + 10 : top, att_bot = att ? att_top + (double)rows * o->row_h : spec_bot;
    double height = att_bot + 8 + FONT + 10 + FONT + 14;
    double pw = right - left;

    nn_svg_begin(out, o->width, (int)ceil(height));
    if (o->title) {
        double tw = text_width(o->title, TITLE_FONT) * 1.08;
        double x = tw > pw ? o->width / 2.0 : (left + right) / 2;
        nn_svg_text(out, x, 14 + TITLE_FONT, "middle", TITLE_FONT, "font-weight=\"bold\"", o->title);
    }

    if (spec) {
        /* (bands, frames) raster, low bands at the bottom */
        float lo = INFINITY, hi = -INFINITY;
        for (int64_t i = 0; i < frames * bands; i++)
            if (isfinite(spec[i])) {
                if (spec[i] < lo)
                    lo = spec[i];
                if (spec[i] > hi)
                    hi = spec[i];
            }
        if (!(hi >= lo))
            lo = hi = 0;
        double range = hi > lo ? hi - lo : 1.0;
        int64_t fw = frames < T ? frames : T;
        uint8_t *px = nn_alloc((size_t)(fw * bands), 3);
        if (!px) {
            nn_svg_free(out);
            return -1;
        }
        for (int64_t b = 0; b < bands; b++)
            for (int64_t f = 0; f < fw; f++)
                put(px + ((bands - 1 - b) * fw + f) * 3,
                    nn_cmap_color(o->spec_cmap, (spec[f * bands + b] - lo) / range));
        int rc = embed(out, px, (int)fw, (int)bands, left, spec_top, pw * (double)fw / (double)T, o->spec_h);
        free(px);
        if (rc < 0 || colour_bar(out, o->spec_cmap, lo, hi, right + 12, spec_top, o->spec_h, o->spec_unit) < 0) {
            nn_svg_free(out);
            return -1;
        }
        nn_svg_printf(out,
                      "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"none\" stroke=\"%s\"/>\n",
                      left, spec_top, pw, (double)o->spec_h, AXIS_COLOR);
        /* band ticks: band b's centre */
        double ticks[16], step;
        int n = nn_nice_ticks(0, (double)bands - 1, 4, ticks, 16, &step);
        for (int i = 0; i < n; i++) {
            if (ticks[i] < 0 || ticks[i] > bands - 1 || step < 1)
                continue;
            double y = spec_bot - (ticks[i] + 0.5) / (double)bands * o->spec_h;
            char buf[32];
            snprintf(buf, sizeof buf, "%.0f", ticks[i]);
            nn_svg_line(out, left - 5, y, left, y, AXIS_COLOR, 1);
            nn_svg_text(out, left - 8, y + FONT * 0.35, "end", FONT, NULL, buf);
        }
        rotated_label(out, 14 + FONT, (spec_top + spec_bot) / 2, "mel band");
    }

    if (att) {
        uint8_t *px = nn_alloc((size_t)(rows * cols), 3);
        if (!px) {
            nn_svg_free(out);
            return -1;
        }
        /* colours on 0 .. the largest weight: a spread-out alignment
         * (peaks of 0.3) would be all dark on 0 .. 1 */
        float mx = 0;
        for (int64_t i = 0; i < rows * cols; i++)
            if (att[i] > mx)
                mx = att[i];
        if (!(mx > 0) || !isfinite(mx))
            mx = 1;
        for (int64_t i = 0; i < rows * cols; i++)
            put(px + i * 3, nn_cmap_color(o->cmap, att[i] / mx));
        int rc = embed(out, px, (int)cols, (int)rows, left, att_top, pw, att_bot - att_top);
        free(px);
        double bar_h = att_bot - att_top;
        if (rc < 0 || colour_bar(out, o->cmap, 0, mx, right + 12, att_top, bar_h, bar_h >= 60 ? "weight" : NULL) < 0) {
            nn_svg_free(out);
            return -1;
        }
        nn_svg_printf(out,
                      "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"none\" stroke=\"%s\"/>\n",
                      left, att_top, pw, att_bot - att_top, AXIS_COLOR);
        for (int64_t r = 0; r < rows && r < o->n_row_labels; r++) {
            double y = att_top + ((double)r + 0.5) * o->row_h;
            nn_svg_text(out, left - 8, y + FONT * 0.35, "end", FONT, NULL, o->row_labels[r]);
        }
        if (o->n_row_labels)
            rotated_label(out, 14 + FONT, (att_top + att_bot) / 2, bar_h >= 100 ? "output token" : "token");
    }

    /* the time axis under everything, with light guides through both parts */
    double ticks[64], step;
    int n = nn_nice_ticks(0, tmax, (int)(pw / 70), ticks, 64, &step);
    for (int i = 0; i < n; i++) {
        if (ticks[i] < 0 || ticks[i] > tmax * (1 + 1e-9))
            continue;
        double x = left + pw * ticks[i] / tmax;
        char buf[32];
        nn_tick_label(ticks[i], step, buf, sizeof buf);
        nn_svg_line(out, x, att_bot, x, att_bot + 5, AXIS_COLOR, 1);
        nn_svg_text(out, x, att_bot + 8 + FONT, "middle", FONT, NULL, buf);
        if (i > 0)
            nn_svg_printf(out,
                          "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"white\" "
                          "stroke-opacity=\"0.35\" stroke-dasharray=\"2 4\"/>\n",
                          x, top, x, att_bot);
    }
    char xl[96];
    if (o->frame_s > 0 && att && o->stack > 1)
        snprintf(xl, sizeof xl, "time (s); one attention column = %d frames of %g ms", o->stack, o->frame_s * 1000);
    else
        snprintf(xl, sizeof xl, "%s", o->frame_s > 0 ? "time (s)" : "frame");
    nn_svg_text(out, (left + right) / 2, height - 12, "middle", FONT + 1, NULL, xl);
    return nn_svg_finish(out);
}
