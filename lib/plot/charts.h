/* SVG charts: scatter, histogram, bar, line and Zipf (log-log
 * rank-frequency) plots with axes, 1-2-5 ticks, labels, title and a
 * legend, in the class palette of colormap.h.  Each function draws a
 * whole image into an nn_svg (see svg.h) and returns 0, or -1 with
 * nn_set_error() (no data, bad options, out of memory). */
#ifndef NN_PLOT_CHARTS_H
#define NN_PLOT_CHARTS_H

#include "plot/svg.h"

#include <stddef.h>
#include <stdint.h>

typedef struct {
    int width, height;               /* pixels */
    const char *title, *xlabel, *ylabel; /* NULL: none */
    double xmin, xmax, ymin, ymax;   /* NAN: from the data */
} nn_chart_opts;

/* 720 x 480, no labels, every limit from the data. */
void nn_chart_opts_init(nn_chart_opts *o);

/* Tick values on [lo, hi] at a 1-2-5 step giving about `target` ticks.
 * Returns the count (at most max) and the step in *step. */
int nn_nice_ticks(double lo, double hi, int target, double *ticks, int max, double *step);
/* A tick value with as many decimals as the step needs ("0.25", "-3",
 * "1e+06" for very large or small values). */
void nn_tick_label(double v, double step, char *buf, size_t size);

/* xy: n rows of (x, y).  labels: class id per point (NULL: one colour);
 * class c is drawn in palette colour c (ids must be 0..999) and named
 * names[c] in the legend when c < n_names, else by its number.
 * marker: diameter in pixels (<= 0: by n); alpha: opacity (<= 0: by n).
 * Points with a NaN coordinate are skipped. */
int nn_plot_scatter(const float *xy, int64_t n, const int64_t *labels, const char *const *names, int n_names,
                    double marker, double alpha, const nn_chart_opts *o, nn_svg *out);

/* Histogram of n values in `bins` equal bins over [xmin, xmax] (the data
 * range when NAN); NaN values are skipped. */
int nn_plot_hist(const double *v, int64_t n, int bins, const nn_chart_opts *o, nn_svg *out);

/* One bar per (name, value), in the given order; colour: 0 one colour,
 * 1 a palette colour per bar. */
int nn_plot_bar(const char *const *names, const double *values, int64_t n, int colour, const nn_chart_opts *o,
                nn_svg *out);

/* n_series curves y[s][0..n) against x[0..n); NaN breaks a curve. */
int nn_plot_lines(const double *x, const double *const *y, const char *const *names, int n_series, int64_t n,
                  const nn_chart_opts *o, nn_svg *out);

/* Rank-frequency on log-log axes: counts in any order (sorted here,
 * zeros dropped), with a least-squares power-law fit shown dashed. */
int nn_plot_zipf(const double *counts, int64_t n, const nn_chart_opts *o, nn_svg *out);

#endif
