/* Chart layout and drawing.
 *
 * Every chart goes through the same frame: work out the data range (log10
 * of it for log axes), the ticks, the margins that the tick labels, axis
 * labels, title and legend need, then draw grid, data, axes and text.  Text
 * widths are estimated (0.6 em per character, about right for DejaVu Sans
 * and Helvetica) since an SVG writer cannot measure fonts. */
#include "plot/charts.h"

#include "core/error.h"
#include "core/mem.h"
#include "plot/colormap.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FONT 12.0
#define TITLE_FONT 15.0
#define MAX_TICKS 64
#define AXIS_COLOR "#444"
#define GRID_COLOR "#e6e6e6"

void nn_chart_opts_init(nn_chart_opts *o)
{
    memset(o, 0, sizeof *o);
    o->width = 720;
    o->height = 480;
    o->xmin = o->xmax = o->ymin = o->ymax = NAN;
}

int nn_nice_ticks(double lo, double hi, int target, double *ticks, int max, double *step_out)
{
    if (!(hi > lo) || !isfinite(lo) || !isfinite(hi)) {
        *step_out = 1;
        if (max > 0 && lo == hi && isfinite(lo)) {
            ticks[0] = lo;
            return 1;
        }
        return 0;
    }
    if (target < 2)
        target = 2;
    double raw = (hi - lo) / target;
    double mag = pow(10, floor(log10(raw)));
    double f = raw / mag;
    double step = (f < 1.5 ? 1 : f < 3 ? 2 : f < 7 ? 5 : 10) * mag;
    *step_out = step;
    int n = 0;
    for (double k = ceil(lo / step - 1e-9); n < max; k++) {
        double v = k * step;
        if (v > hi + step * 1e-9)
            break;
        ticks[n++] = fabs(v) < step * 1e-9 ? 0.0 : v;
    }
    return n;
}

void nn_tick_label(double v, double step, char *buf, size_t size)
{
    double a = fabs(v);
    if (v == 0) {
        snprintf(buf, size, "0");
        return;
    }
    if (a >= 1e6 || a < 1e-4 || step < 1e-5) {
        /* Short scientific form: enough digits to tell ticks apart. */
        int digits = (int)ceil(log10(a / step)) + 1;
        if (digits < 1)
            digits = 1;
        if (digits > 6)
            digits = 6;
        snprintf(buf, size, "%.*g", digits, v);
        return;
    }
    int dec = step >= 1 ? 0 : (int)ceil(-log10(step) - 1e-9);
    if (dec > 6)
        dec = 6;
    char plain[64];
    snprintf(plain, sizeof plain, "%.*f", dec, v);
    if (dec > 0 || a < 10000) {
        snprintf(buf, size, "%s", plain);
        return;
    }
    /* Thousands separators for big whole numbers: 887,908. */
    char grouped[96];
    size_t len = strlen(plain), j = 0, digits = len - (plain[0] == '-');
    for (size_t i = 0; i < len && j + 2 < sizeof grouped; i++) {
        grouped[j++] = plain[i];
        if (plain[i] == '-')
            continue;
        size_t left = len - i - 1;
        if (left > 0 && left % 3 == 0 && left < digits)
            grouped[j++] = ',';
    }
    grouped[j] = 0;
    snprintf(buf, size, "%s", grouped);
}

/* ---- the frame ------------------------------------------------------ */

typedef struct {
    nn_svg *s;
    const nn_chart_opts *o;
    double x0, x1, y0, y1; /* data range, log10 of it on a log axis */
    int xlog, ylog;
    double left, right, top, bottom; /* plot area in pixels */
    int categorical;                 /* x ticks are category names */
    int x_whole;                     /* x values are whole numbers (epochs): no ticks between them */
    const char *const *cat_names;
    int64_t n_cat;
    int cat_rotate, cat_every;
    /* legend: names and colours, or none */
    const char *const *leg_names;
    const char **leg_colors;
    int n_leg;
    int leg_line; /* legend marks are lines, not dots */
} chart;

static double text_width(const char *s, double size)
{
    size_t n = 0;
    for (const char *c = s; *c; c++)
        n += ((unsigned char)*c & 0xC0) != 0x80; /* count UTF-8 characters */
    return (double)n * size * 0.6;
}

static double px_x(const chart *c, double v)
{
    double t = c->xlog ? log10(v) : v;
    return c->left + (t - c->x0) / (c->x1 - c->x0) * (c->right - c->left);
}

static double px_y(const chart *c, double v)
{
    double t = c->ylog ? log10(v) : v;
    return c->bottom - (t - c->y0) / (c->y1 - c->y0) * (c->bottom - c->top);
}

/* Ticks of one axis: on a log axis the decades (and 2, 5 between them when
 * fewer than three decades show), else 1-2-5 steps. */
typedef struct {
    double v[MAX_TICKS];
    int major[MAX_TICKS];
    int n;
    double step;
    char label[MAX_TICKS][32];
} ticks;

static void make_ticks(ticks *t, double lo, double hi, int logscale, int target, int whole)
{
    t->n = 0;
    if (!logscale) {
        t->n = nn_nice_ticks(lo, hi, target, t->v, MAX_TICKS, &t->step);
        if (whole && t->step < 1) { /* 1.5 epochs means nothing: step 1 */
            t->step = 1;
            t->n = 0;
            for (double v = ceil(lo - 1e-9); v <= hi + 1e-9 && t->n < MAX_TICKS; v++)
                t->v[t->n++] = v;
        }
        for (int i = 0; i < t->n; i++) {
            t->major[i] = 1;
            nn_tick_label(t->v[i], t->step, t->label[i], sizeof t->label[i]);
        }
        return;
    }
    int k0 = (int)floor(lo), k1 = (int)ceil(hi);
    int few = hi - lo < 3;
    int every = (k1 - k0) / 12 + 1; /* label every n-th decade on a long axis */
    for (int k = k0; k <= k1 && t->n < MAX_TICKS - 9; k++)
        for (int m = 1; m <= 9; m++) {
            double lv = k + log10((double)m);
            if (lv < lo - 1e-9 || lv > hi + 1e-9)
                continue;
            int labelled = (m == 1 && (k % every) == 0) || (few && (m == 2 || m == 5));
            t->v[t->n] = pow(10, lv);
            t->major[t->n] = m == 1;
            if (!labelled)
                t->label[t->n][0] = 0;
            else if (m == 1)
                snprintf(t->label[t->n], 32, "10^%d", k);
            else
                snprintf(t->label[t->n], 32, "%d\xc3\x97" "10^%d", m, k); /* "2×10^k" */
            t->n++;
        }
}

/* A true minus sign (U+2212) reads better than a hyphen. */
static void with_minus(const char *label, char *out, size_t size)
{
    snprintf(out, size, "%s%s", label[0] == '-' ? "\xe2\x88\x92" : "", label + (label[0] == '-'));
}

/* Tick label text, with "10^k" drawn as a superscript. */
static void tick_text(nn_svg *s, double x, double y, const char *anchor, const char *label)
{
    const char *caret = strchr(label, '^');
    if (!caret) {
        char text[64];
        with_minus(label, text, sizeof text);
        nn_svg_text(s, x, y, anchor, FONT, NULL, text);
        return;
    }
    nn_svg_printf(s, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\" font-size=\"%g\">%.*s<tspan dy=\"-6\" "
                     "font-size=\"%g\">%s</tspan></text>\n",
                  x, y, anchor, FONT, (int)(caret - label), label, FONT * 0.75, caret + 1);
}

static double label_width(const char *label)
{
    const char *caret = strchr(label, '^');
    if (!caret)
        return text_width(label, FONT);
    return (double)(caret - label) * FONT * 0.6 + text_width(caret + 1, FONT * 0.75);
}

/* Margins from the texts, then the plot area. */
static void layout(chart *c, const ticks *yt)
{
    const nn_chart_opts *o = c->o;
    double ylab = 0;
    for (int i = 0; i < yt->n; i++)
        if (label_width(yt->label[i]) > ylab)
            ylab = label_width(yt->label[i]);
    c->left = 12 + (o->ylabel ? FONT + 10 : 0) + ylab + 8;
    c->top = o->title ? 16 + TITLE_FONT + 10 : 16;
    double leg = 0;
    for (int i = 0; i < c->n_leg; i++)
        if (text_width(c->leg_names[i], FONT) > leg)
            leg = text_width(c->leg_names[i], FONT);
    if (c->n_leg > 12 && leg < text_width("+000 more", FONT) - 20)
        leg = text_width("+000 more", FONT) - 20; /* room for a cut legend's last line */
    c->right = o->width - (c->n_leg ? leg + 48 : 24);
    double bottom_text = FONT + 10;
    if (c->categorical) {
        double w = (c->right - c->left) / (double)(c->n_cat ? c->n_cat : 1), longest = 0;
        for (int64_t i = 0; i < c->n_cat; i++) {
            double tw = text_width(c->cat_names[i], FONT);
            if (tw > longest)
                longest = tw;
        }
        if (longest > 150)
            longest = 150; /* names are cut at 24 characters */
        c->cat_rotate = longest + 6 > w;
        c->cat_every = 1;
        if (c->cat_rotate) {
            c->cat_every = (int)ceil((FONT + 2) / w);
            bottom_text = longest * 0.71 + FONT + 10;
            /* The first name slants left of its bar: keep it on the page. */
            double need = longest * 0.71 + 8 - w / 2;
            if (c->left < need) {
                c->left = need;
                w = (c->right - c->left) / (double)c->n_cat;
                c->cat_every = (int)ceil((FONT + 2) / w);
            }
        }
    }
    c->bottom = o->height - 10 - bottom_text - (o->xlabel ? FONT + 12 : 0);
    if (c->right - c->left < 40)
        c->right = c->left + 40;
    if (c->bottom - c->top < 40)
        c->bottom = c->top + 40;
}

static void draw_grid(chart *c, const ticks *xt, const ticks *yt)
{
    nn_svg *s = c->s;
    nn_svg_printf(s, "<g stroke=\"%s\" stroke-width=\"1\">\n", GRID_COLOR);
    for (int i = 0; i < yt->n; i++)
        if (yt->major[i]) {
            double y = px_y(c, yt->v[i]);
            nn_svg_printf(s, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>\n", c->left, y, c->right, y);
        }
    if (!c->categorical)
        for (int i = 0; i < xt->n; i++)
            if (xt->major[i]) {
                double x = px_x(c, xt->v[i]);
                nn_svg_printf(s, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>\n", x, c->top, x,
                              c->bottom);
            }
    nn_svg_printf(s, "</g>\n");
}

static void cut_name(const char *name, char *buf, size_t size)
{
    /* At most 24 characters, cut on a UTF-8 boundary, with an ellipsis. */
    size_t chars = 0, i = 0;
    for (; name[i]; i++) {
        if (((unsigned char)name[i] & 0xC0) != 0x80 && chars++ == 24)
            break;
    }
    if (!name[i] || i + 4 > size)
        snprintf(buf, size, "%.*s", (int)(size - 1), name);
    else
        snprintf(buf, size, "%.*s\xe2\x80\xa6", (int)i, name);
}

static void draw_axes(chart *c, const ticks *xt, const ticks *yt)
{
    nn_svg *s = c->s;
    const nn_chart_opts *o = c->o;
    /* frame: left and bottom axis lines, light top and right */
    nn_svg_printf(s, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"none\" stroke=\"%s\"/>\n",
                  c->left, c->top, c->right - c->left, c->bottom - c->top, AXIS_COLOR);
    for (int i = 0; i < yt->n; i++) {
        double y = px_y(c, yt->v[i]);
        nn_svg_line(s, c->left - (yt->major[i] ? 5 : 3), y, c->left, y, AXIS_COLOR, 1);
        if (yt->label[i][0])
            tick_text(s, c->left - 8, y + FONT * 0.35, "end", yt->label[i]);
    }
    if (c->categorical) {
        double w = (c->right - c->left) / (double)c->n_cat;
        for (int64_t i = 0; i < c->n_cat; i += c->cat_every) {
            double x = c->left + w * ((double)i + 0.5);
            char name[128];
            cut_name(c->cat_names[i], name, sizeof name);
            nn_svg_line(s, x, c->bottom, x, c->bottom + 5, AXIS_COLOR, 1);
            if (c->cat_rotate) {
                char extra[96];
                snprintf(extra, sizeof extra, "transform=\"rotate(-45 %.1f %.1f)\"", x, c->bottom + 12);
                nn_svg_text(s, x, c->bottom + 12, "end", FONT, extra, name);
            } else
                nn_svg_text(s, x, c->bottom + 8 + FONT, "middle", FONT, NULL, name);
        }
    } else
        for (int i = 0; i < xt->n; i++) {
            double x = px_x(c, xt->v[i]);
            nn_svg_line(s, x, c->bottom, x, c->bottom + (xt->major[i] ? 5 : 3), AXIS_COLOR, 1);
            if (xt->label[i][0])
                tick_text(s, x, c->bottom + 8 + FONT, "middle", xt->label[i]);
        }
    if (o->xlabel)
        nn_svg_text(s, (c->left + c->right) / 2, o->height - 12, "middle", FONT + 1, NULL, o->xlabel);
    if (o->ylabel) {
        char extra[96];
        double x = 12 + FONT, y = (c->top + c->bottom) / 2;
        snprintf(extra, sizeof extra, "transform=\"rotate(-90 %.1f %.1f)\"", x, y);
        nn_svg_text(s, x, y, "middle", FONT + 1, extra, o->ylabel);
    }
    if (o->title) {
        /* Over the plot area, or over the whole image when it is wider. */
        double tw = text_width(o->title, TITLE_FONT) * 1.08; /* bold */
        double x = tw > c->right - c->left ? o->width / 2.0 : (c->left + c->right) / 2;
        nn_svg_text(s, x, 14 + TITLE_FONT, "middle", TITLE_FONT, "font-weight=\"bold\"", o->title);
    }
    if (c->n_leg) {
        double x = c->right + 16, y = c->top + 8;
        /* As many entries as fit beside the plot, then "+N more". */
        int fit = (int)((c->bottom - c->top) / (FONT + 8));
        int shown = c->n_leg <= fit ? c->n_leg : fit - 1;
        if (shown < c->n_leg) {
            char more[32];
            snprintf(more, sizeof more, "+%d more", c->n_leg - shown);
            nn_svg_text(s, x, y + shown * (FONT + 8) + FONT * 0.35, "start", FONT, "fill=\"#666\"", more);
        }
        for (int i = 0; i < shown; i++, y += FONT + 8) {
            if (c->leg_line)
                nn_svg_printf(s,
                              "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" "
                              "stroke-width=\"2.5\"%s/>\n",
                              x - 2, y, x + 14, y, c->leg_colors[i],
                              c->leg_line == 2 && i == c->n_leg - 1 ? " stroke-dasharray=\"5 3\"" : "");
            else
                nn_svg_printf(s, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"5\" fill=\"%s\"/>\n", x + 6, y,
                              c->leg_colors[i]);
            nn_svg_text(s, x + 20, y + FONT * 0.35, "start", FONT, NULL, c->leg_names[i]);
        }
    }
}

/* Range [lo, hi] of finite values, with a margin; a single value gets a
 * unit-wide range around it. */
static int finite_range(const double *v, int64_t n, int64_t stride, double *lo, double *hi)
{
    double a = INFINITY, b = -INFINITY;
    for (int64_t i = 0; i < n; i++) {
        double x = v[i * stride];
        if (isfinite(x)) {
            a = x < a ? x : a;
            b = x > b ? x : b;
        }
    }
    if (!(a <= b))
        return -1;
    *lo = a;
    *hi = b;
    return 0;
}

static void pad_range(double *lo, double *hi, double frac)
{
    if (*hi == *lo) {
        double d = fabs(*lo) > 0 ? fabs(*lo) * 0.1 : 1;
        *lo -= d;
        *hi += d;
        return;
    }
    double d = (*hi - *lo) * frac;
    *lo -= d;
    *hi += d;
}

static void apply_limits(const nn_chart_opts *o, double *x0, double *x1, double *y0, double *y1)
{
    if (!isnan(o->xmin))
        *x0 = o->xmin;
    if (!isnan(o->xmax))
        *x1 = o->xmax;
    if (!isnan(o->ymin))
        *y0 = o->ymin;
    if (!isnan(o->ymax))
        *y1 = o->ymax;
}

static int check_opts(const nn_chart_opts *o)
{
    if (o->width < 120 || o->height < 100 || o->width > 20000 || o->height > 20000)
        return nn_set_error("image size %dx%d is out of range (120x100 to 20000x20000)", o->width, o->height);
    return 0;
}

static int check_range(double lo, double hi, const char *axis)
{
    if (!(lo < hi) || !isfinite(lo) || !isfinite(hi))
        return nn_set_error("empty %s range [%g, %g]", axis, lo, hi);
    return 0;
}

static void begin(chart *c, nn_svg *out, ticks *xt, ticks *yt)
{
    nn_svg_begin(out, c->o->width, c->o->height);
    c->s = out;
    /* Tick count from the room available. */
    make_ticks(yt, c->y0, c->y1, c->ylog, 6, 0);
    layout(c, yt);
    if (!c->categorical)
        make_ticks(xt, c->x0, c->x1, c->xlog, (int)((c->right - c->left) / 100) + 1, c->x_whole);
    else
        xt->n = 0;
    make_ticks(yt, c->y0, c->y1, c->ylog, (int)((c->bottom - c->top) / 70) + 1, 0);
    draw_grid(c, xt, yt);
    nn_svg_printf(out, "<clipPath id=\"plot\"><rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\"/></clipPath>\n",
                  c->left, c->top, c->right - c->left, c->bottom - c->top);
}

/* ---- scatter -------------------------------------------------------- */

#define MAX_CLASSES 1000

int nn_plot_scatter(const float *xy, int64_t n, const int64_t *labels, const char *const *names, int n_names,
                    double marker, double alpha, const nn_chart_opts *o, nn_svg *out)
{
    memset(out, 0, sizeof *out);
    if (check_opts(o) < 0)
        return -1;
    if (n <= 0)
        return nn_set_error("no points to plot");
    double x0 = INFINITY, x1 = -INFINITY, y0 = INFINITY, y1 = -INFINITY;
    int64_t max_label = 0;
    for (int64_t i = 0; i < n; i++) {
        double x = xy[2 * i], y = xy[2 * i + 1];
        if (labels && (labels[i] < 0 || labels[i] >= MAX_CLASSES))
            return nn_set_error("label %lld of point %lld is not a class id in 0..%d", (long long)labels[i],
                                (long long)i, MAX_CLASSES - 1);
        if (labels && labels[i] > max_label)
            max_label = labels[i];
        if (!isfinite(x) || !isfinite(y))
            continue;
        x0 = x < x0 ? x : x0, x1 = x > x1 ? x : x1;
        y0 = y < y0 ? y : y0, y1 = y > y1 ? y : y1;
    }
    if (!(x0 <= x1))
        return nn_set_error("no point has finite coordinates");
    pad_range(&x0, &x1, 0.04);
    pad_range(&y0, &y1, 0.04);
    apply_limits(o, &x0, &x1, &y0, &y1);
    if (check_range(x0, x1, "x") < 0 || check_range(y0, y1, "y") < 0)
        return -1;
    if (marker <= 0)
        marker = n > 20000 ? 1.6 : n > 5000 ? 2.4 : n > 500 ? 3.5 : 6;
    if (alpha <= 0 || alpha > 1)
        alpha = n > 20000 ? 0.5 : n > 2000 ? 0.7 : 0.9;

    /* Which classes occur: legend entries in class order. */
    int n_classes = labels ? (int)max_label + 1 : 1;
    int64_t *count = nn_calloc((size_t)n_classes, sizeof *count);
    char(*colors)[8] = nn_alloc((size_t)n_classes, sizeof *colors);
    const char **leg_colors = nn_alloc((size_t)n_classes, sizeof *leg_colors);
    const char **leg_names = nn_alloc((size_t)n_classes, sizeof *leg_names);
    char(*numbers)[24] = nn_alloc((size_t)n_classes, sizeof *numbers);
    if (!count || !colors || !leg_colors || !leg_names || !numbers) {
        free(count), free(colors), free(leg_colors), free(leg_names), free(numbers);
        return -1;
    }
    for (int64_t i = 0; i < n; i++)
        count[labels ? labels[i] : 0]++;
    int n_leg = 0;
    for (int k = 0; k < n_classes; k++) {
        nn_palette_hex(k, colors[k]);
        if (!labels || !count[k])
            continue;
        snprintf(numbers[k], sizeof numbers[k], "%d", k);
        leg_names[n_leg] = k < n_names && names[k] ? names[k] : numbers[k];
        leg_colors[n_leg++] = colors[k];
    }
    chart c = {0};
    c.o = o;
    c.x0 = x0, c.x1 = x1, c.y0 = y0, c.y1 = y1;
    c.leg_names = leg_names;
    c.leg_colors = leg_colors;
    c.n_leg = labels ? n_leg : 0;
    ticks xt, yt;
    begin(&c, out, &xt, &yt);
    /* One path per class: each point a zero-length segment with a round
     * cap ("M x y h0"), about 16 bytes a point instead of ~50 for a
     * <circle>, so 70,000 points stay around a megabyte. */
    nn_svg_printf(out, "<g clip-path=\"url(#plot)\" fill=\"none\" stroke-linecap=\"round\" stroke-width=\"%.2f\" "
                       "stroke-opacity=\"%.2f\">\n",
                  marker, alpha);
    /* Classes drawn one after another would leave the last on top
     * wherever clusters overlap; drawing them in interleaved rounds (every
     * rounds-th point) mixes the colours the way the data mixes. */
    int rounds = n > 2000 ? 8 : 1;
    for (int round = 0; round < rounds; round++)
    for (int k = 0; k < n_classes; k++) {
        if (!count[k])
            continue;
        nn_svg_printf(out, "<path stroke=\"%s\" d=\"", labels ? colors[k] : colors[0]);
        for (int64_t i = round; i < n; i += rounds) {
            if ((labels ? labels[i] : 0) != k)
                continue;
            double x = xy[2 * i], y = xy[2 * i + 1];
            if (!isfinite(x) || !isfinite(y))
                continue;
            nn_svg_printf(out, "M%.1f %.1fh0", px_x(&c, x), px_y(&c, y));
        }
        nn_svg_printf(out, "\"/>\n");
    }
    nn_svg_printf(out, "</g>\n");
    draw_axes(&c, &xt, &yt);
    free(count), free(colors), free(leg_colors), free(leg_names), free(numbers);
    return nn_svg_finish(out);
}

/* ---- histogram ------------------------------------------------------ */

int nn_plot_hist(const double *v, int64_t n, int bins, const nn_chart_opts *o, nn_svg *out)
{
    memset(out, 0, sizeof *out);
    if (check_opts(o) < 0)
        return -1;
    if (bins < 1 || bins > 100000)
        return nn_set_error("bins must be between 1 and 100000, not %d", bins);
    double lo, hi;
    if (n <= 0 || finite_range(v, n, 1, &lo, &hi) < 0)
        return nn_set_error("no finite values to plot");
    if (!isnan(o->xmin))
        lo = o->xmin;
    if (!isnan(o->xmax))
        hi = o->xmax;
    if (lo == hi) {
        lo -= 0.5;
        hi += 0.5;
    }
    if (check_range(lo, hi, "x") < 0)
        return -1;
    double *count = nn_calloc((size_t)bins, sizeof *count);
    if (!count)
        return -1;
    double width = (hi - lo) / bins, top = 0;
    for (int64_t i = 0; i < n; i++) {
        if (!isfinite(v[i]) || v[i] < lo || v[i] > hi)
            continue;
        int b = (int)((v[i] - lo) / width);
        if (b >= bins) /* the last bin includes its right edge (as numpy) */
            b = bins - 1;
        count[b]++;
    }
    for (int b = 0; b < bins; b++)
        top = count[b] > top ? count[b] : top;
    chart c = {0};
    c.o = o;
    c.x0 = lo - (hi - lo) * 0.02, c.x1 = hi + (hi - lo) * 0.02;
    c.y0 = 0, c.y1 = top > 0 ? top * 1.06 : 1;
    apply_limits(o, &c.x0, &c.x1, &c.y0, &c.y1);
    if (check_range(c.y0, c.y1, "y") < 0) {
        free(count);
        return -1;
    }
    ticks xt, yt;
    begin(&c, out, &xt, &yt);
    char color[8];
    nn_palette_hex(0, color);
    nn_svg_printf(out, "<g clip-path=\"url(#plot)\" fill=\"%s\" stroke=\"white\" stroke-width=\"%s\">\n", color,
                  bins > 150 ? "0" : "0.6");
    for (int b = 0; b < bins; b++) {
        if (count[b] <= 0)
            continue;
        double xa = px_x(&c, lo + b * width), xb = px_x(&c, lo + (b + 1) * width);
        double ya = px_y(&c, count[b]), yb = px_y(&c, 0);
        nn_svg_printf(out, "<rect x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" height=\"%.2f\"/>\n", xa, ya, xb - xa, yb - ya);
    }
    nn_svg_printf(out, "</g>\n");
    draw_axes(&c, &xt, &yt);
    free(count);
    return nn_svg_finish(out);
}

/* ---- bar ------------------------------------------------------------ */

int nn_plot_bar(const char *const *names, const double *values, int64_t n, int colour, const nn_chart_opts *o,
                nn_svg *out)
{
    memset(out, 0, sizeof *out);
    if (check_opts(o) < 0)
        return -1;
    if (n <= 0)
        return nn_set_error("no bars to plot");
    if (n > 5000)
        return nn_set_error("%lld bars are too many to read (at most 5000; keep the top ones)", (long long)n);
    double lo = 0, hi = 0;
    for (int64_t i = 0; i < n; i++) {
        if (!isfinite(values[i]))
            return nn_set_error("bar %lld (%s) has no finite value", (long long)i + 1, names[i]);
        lo = values[i] < lo ? values[i] : lo;
        hi = values[i] > hi ? values[i] : hi;
    }
    if (hi == lo)
        hi = lo + 1;
    chart c = {0};
    c.o = o;
    c.x0 = 0, c.x1 = (double)n;
    c.y0 = lo < 0 ? lo - (hi - lo) * 0.06 : 0;
    c.y1 = hi > 0 ? hi + (hi - lo) * 0.06 : 0;
    apply_limits(o, &c.x0, &c.x1, &c.y0, &c.y1);
    c.x0 = 0, c.x1 = (double)n; /* categories: x limits do not apply */
    if (check_range(c.y0, c.y1, "y") < 0)
        return -1;
    c.categorical = 1;
    c.cat_names = names;
    c.n_cat = n;
    ticks xt, yt;
    begin(&c, out, &xt, &yt);
    double w = (c.right - c.left) / (double)n;
    double gap = w > 6 ? w * 0.18 : 0;
    int show_values = n <= 24;
    for (int64_t i = 0; i < n; i++) {
        char color[8];
        nn_palette_hex(colour ? (int)(i % 1000) : 0, color);
        double ya = px_y(&c, values[i] > 0 ? values[i] : 0), yb = px_y(&c, values[i] > 0 ? 0 : values[i]);
        nn_svg_rect(out, c.left + w * (double)i + gap / 2, ya, w - gap, yb - ya, color, NULL);
        if (show_values) {
            char plain[32], label[40];
            if (values[i] == floor(values[i]))
                nn_tick_label(values[i], 1, plain, sizeof plain);
            else
                snprintf(plain, sizeof plain, "%.4g", values[i]);
            with_minus(plain, label, sizeof label);
            if (text_width(label, FONT - 2) < w + 8)
                nn_svg_text(out, c.left + w * ((double)i + 0.5), values[i] >= 0 ? ya - 4 : yb + FONT, "middle",
                            FONT - 2, "fill=\"#555\"", label);
        }
    }
    draw_axes(&c, &xt, &yt);
    return nn_svg_finish(out);
}

/* ---- lines ---------------------------------------------------------- */

static void polyline(chart *c, nn_svg *s, const double *x, const double *y, int64_t n, const char *color,
                     const char *extra)
{
    int open = 0;
    double last_x = -1e300, last_y = -1e300;
    for (int64_t i = 0; i < n; i++) {
        if (!isfinite(x[i]) || !isfinite(y[i]) || (c->xlog && x[i] <= 0) || (c->ylog && y[i] <= 0)) {
            if (open)
                nn_svg_printf(s, "\"/>\n");
            open = 0;
            continue;
        }
        double px = px_x(c, x[i]), py = px_y(c, y[i]);
        if (!open) {
            nn_svg_printf(s, "<path fill=\"none\" stroke=\"%s\" stroke-width=\"2\" stroke-linejoin=\"round\"%s%s d=\"M%.1f %.1f",
                          color, extra ? " " : "", extra ? extra : "", px, py);
            open = 1;
        } else if (fabs(px - last_x) >= 0.5 || fabs(py - last_y) >= 0.5 || i == n - 1)
            nn_svg_printf(s, "L%.1f %.1f", px, py);
        else
            continue;
        last_x = px, last_y = py;
    }
    if (open)
        nn_svg_printf(s, "\"/>\n");
}

int nn_plot_lines(const double *x, const double *const *y, const char *const *names, int n_series, int64_t n,
                  const nn_chart_opts *o, nn_svg *out)
{
    memset(out, 0, sizeof *out);
    if (check_opts(o) < 0)
        return -1;
    if (n <= 0 || n_series <= 0)
        return nn_set_error("no values to plot");
    if (n_series > 100)
        return nn_set_error("at most 100 curves, not %d", n_series);
    double x0, x1, y0 = INFINITY, y1 = -INFINITY;
    if (finite_range(x, n, 1, &x0, &x1) < 0)
        return nn_set_error("no finite x value");
    for (int s = 0; s < n_series; s++) {
        double a, b;
        if (finite_range(y[s], n, 1, &a, &b) == 0) {
            y0 = a < y0 ? a : y0;
            y1 = b > y1 ? b : y1;
        }
    }
    if (!(y0 <= y1))
        return nn_set_error("no finite y value");
    pad_range(&x0, &x1, 0.02);
    pad_range(&y0, &y1, 0.05);
    apply_limits(o, &x0, &x1, &y0, &y1);
    if (check_range(x0, x1, "x") < 0 || check_range(y0, y1, "y") < 0)
        return -1;
    char(*colors)[8] = nn_alloc((size_t)n_series, sizeof *colors);
    const char **leg_colors = nn_alloc((size_t)n_series, sizeof *leg_colors);
    if (!colors || !leg_colors) {
        free(colors), free(leg_colors);
        return -1;
    }
    for (int s = 0; s < n_series; s++) {
        nn_palette_hex(s, colors[s]);
        leg_colors[s] = colors[s];
    }
    chart c = {0};
    c.o = o;
    c.x0 = x0, c.x1 = x1, c.y0 = y0, c.y1 = y1;
    c.leg_names = names;
    c.leg_colors = leg_colors;
    c.n_leg = n_series;
    c.leg_line = 1;
    c.x_whole = !c.xlog;
    for (int64_t i = 0; i < n && c.x_whole; i++)
        c.x_whole = !isfinite(x[i]) || x[i] == floor(x[i]);
    ticks xt, yt;
    begin(&c, out, &xt, &yt);
    nn_svg_printf(out, "<g clip-path=\"url(#plot)\">\n");
    for (int s = 0; s < n_series; s++) {
        polyline(&c, out, x, y[s], n, colors[s], NULL);
        if (n <= 40) /* few points: mark them */
            for (int64_t i = 0; i < n; i++)
                if (isfinite(x[i]) && isfinite(y[s][i]))
                    nn_svg_printf(out, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"%s\"/>\n", px_x(&c, x[i]),
                                  px_y(&c, y[s][i]), colors[s]);
    }
    nn_svg_printf(out, "</g>\n");
    draw_axes(&c, &xt, &yt);
    free(colors), free(leg_colors);
    return nn_svg_finish(out);
}

/* ---- Zipf ----------------------------------------------------------- */

static int cmp_desc(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x < y) - (x > y);
}

int nn_plot_zipf(const double *counts, int64_t n, const nn_chart_opts *o, nn_svg *out)
{
    memset(out, 0, sizeof *out);
    if (check_opts(o) < 0)
        return -1;
    double *f = nn_alloc((size_t)(n > 0 ? n : 1), sizeof *f);
    double *r = nn_alloc((size_t)(n > 0 ? n : 1), sizeof *r);
    if (!f || !r) {
        free(f), free(r);
        return -1;
    }
    int64_t m = 0;
    for (int64_t i = 0; i < n; i++) {
        if (isnan(counts[i]) || counts[i] < 0 || isinf(counts[i])) {
            free(f), free(r);
            return nn_set_error("count %lld is not a finite number >= 0", (long long)i + 1);
        }
        if (counts[i] > 0)
            f[m++] = counts[i];
    }
    if (m == 0) {
        free(f), free(r);
        return nn_set_error("no positive counts to plot");
    }
    qsort(f, (size_t)m, sizeof *f, cmp_desc);
    for (int64_t i = 0; i < m; i++)
        r[i] = (double)(i + 1);
    /* Least-squares line in log-log space over ranks spread evenly in
     * log(rank), so the long tail does not outweigh the head. */
    double sx = 0, sy = 0, sxx = 0, sxy = 0;
    int k = 0;
    double next = 0;
    for (int64_t i = 0; i < m; i++) {
        double lx = log10(r[i]);
        if (lx < next)
            continue;
        double ly = log10(f[i]);
        sx += lx, sy += ly, sxx += lx * lx, sxy += lx * ly, k++;
        next = lx + 0.02;
    }
    double slope = NAN, icept = NAN;
    if (k >= 2 && k * sxx - sx * sx > 0) {
        slope = (k * sxy - sx * sy) / (k * sxx - sx * sx);
        icept = (sy - slope * sx) / k;
    }
    chart c = {0};
    c.o = o;
    c.xlog = c.ylog = 1;
    c.x0 = 0, c.x1 = log10((double)m);
    c.y0 = log10(f[m - 1]), c.y1 = log10(f[0]);
    pad_range(&c.x0, &c.x1, 0.03);
    pad_range(&c.y0, &c.y1, 0.04);
    if (!isnan(o->xmin) && o->xmin > 0)
        c.x0 = log10(o->xmin);
    if (!isnan(o->xmax) && o->xmax > 0)
        c.x1 = log10(o->xmax);
    if (!isnan(o->ymin) && o->ymin > 0)
        c.y0 = log10(o->ymin);
    if (!isnan(o->ymax) && o->ymax > 0)
        c.y1 = log10(o->ymax);
    if (check_range(c.x0, c.x1, "x") < 0 || check_range(c.y0, c.y1, "y") < 0) {
        free(f), free(r);
        return -1;
    }
    char c0[8], c1[8], fit_name[64];
    nn_palette_hex(0, c0);
    nn_palette_hex(3, c1);
    snprintf(fit_name, sizeof fit_name, "fit: slope %.2f", slope);
    const char *leg_names[2] = {"words", fit_name};
    const char *leg_colors[2] = {c0, c1};
    c.leg_names = leg_names;
    c.leg_colors = leg_colors;
    c.n_leg = isnan(slope) ? 1 : 2;
    c.leg_line = 2;
    ticks xt, yt;
    begin(&c, out, &xt, &yt);
    nn_svg_printf(out, "<g clip-path=\"url(#plot)\">\n");
    polyline(&c, out, r, f, m, c0, NULL);
    if (!isnan(slope)) {
        double xa = 1, xb = (double)m;
        nn_svg_printf(out,
                      "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" stroke-width=\"1.5\" "
                      "stroke-dasharray=\"5 3\"/>\n",
                      px_x(&c, xa), px_y(&c, pow(10, icept)), px_x(&c, xb), px_y(&c, pow(10, icept + slope * log10(xb))),
                      c1);
    }
    nn_svg_printf(out, "</g>\n");
    draw_axes(&c, &xt, &yt);
    free(f), free(r);
    return nn_svg_finish(out);
}
