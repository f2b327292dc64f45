/* plot: charts as SVG (scatter, hist, bar, line, zipf) and image grids as
 * PNG, from .npy arrays and TSV tables. */
#include "core/cli.h"
#include "core/file.h"
#include "core/mem.h"
#include "image/png.h"
#include "io/npy.h"
#include "ml/metrics.h"
#include "plot/charts.h"
#include "plot/grid.h"
#include "plot/heatmap.h"
#include "plot/segment.h"
#include "plot/table.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ---- options shared by the charts ----------------------------------- */

static const char *out_path = "-";
static const char *title, *xlabel, *ylabel, *xmin_s, *xmax_s, *ymin_s, *ymax_s;
static int width = 720, height = 480;

#define CHART_OPTIONS                                                                                        \
    {"output", 'o', NN_OPT_STRING, &out_path, "FILE", "SVG file to write", NULL},                            \
        {"title", 0, NN_OPT_STRING, &title, "TEXT", "title above the chart", NULL},                          \
        {"xlabel", 0, NN_OPT_STRING, &xlabel, "TEXT", "x axis label", NULL},                                 \
        {"ylabel", 0, NN_OPT_STRING, &ylabel, "TEXT", "y axis label", NULL},                                 \
        {"width", 0, NN_OPT_INT, &width, "PX", "image width", NULL},                                         \
        {"height", 0, NN_OPT_INT, &height, "PX", "image height", NULL},                                      \
        {"xmin", 0, NN_OPT_STRING, &xmin_s, "X", "x axis limit (default: from the data)", NULL},             \
        {"xmax", 0, NN_OPT_STRING, &xmax_s, "X", "x axis limit", NULL},                                      \
        {"ymin", 0, NN_OPT_STRING, &ymin_s, "Y", "y axis limit", NULL},                                      \
        {"ymax", 0, NN_OPT_STRING, &ymax_s, "Y", "y axis limit", NULL}

static double parse_limit(const char *s, const char *name)
{
    if (!s)
        return NAN;
    char *end;
    double v = strtod(s, &end);
    if (!*s || *end || !isfinite(v))
        nn_usage("--%s takes a number, not '%s'", name, s);
    return v;
}

static void chart_opts(nn_chart_opts *o)
{
    nn_chart_opts_init(o);
    o->width = width;
    o->height = height;
    o->title = title;
    o->xlabel = xlabel;
    o->ylabel = ylabel;
    o->xmin = parse_limit(xmin_s, "xmin");
    o->xmax = parse_limit(xmax_s, "xmax");
    o->ymin = parse_limit(ymin_s, "ymin");
    o->ymax = parse_limit(ymax_s, "ymax");
}

static void write_svg(nn_svg *s)
{
    nn_output out;
    if (nn_output_open(&out, out_path) < 0)
        nn_die_lib(out_path);
    fwrite(s->buf, 1, s->len, out.fp);
    if (nn_output_commit(&out) < 0)
        nn_die_lib(out_path);
    nn_svg_free(s);
}

/* ---- inputs --------------------------------------------------------- */

/* A whole input file: .npy (by its magic) or TSV text. */
typedef struct {
    int is_npy;
    nn_array array;
    nn_table table;
} input;

static void read_input(const char *path, int header, input *in)
{
    memset(in, 0, sizeof *in);
    uint8_t *data;
    size_t len;
    if (nn_read_all(path, &data, &len) < 0)
        nn_die_lib(path);
    if (len >= 6 && memcmp(data, "\x93NUMPY", 6) == 0) {
        in->is_npy = 1;
        if (nn_npy_parse(data, len, &in->array) < 0)
            nn_die_lib(path);
        free(data);
        return;
    }
    if (nn_table_parse((char *)data, len, header, &in->table) < 0)
        nn_die_lib(path);
}

/* Every value of an .npy, or one column of a table, as doubles. */
static double *input_values(const char *path, input *in, const char *column, int64_t *n)
{
    double *v;
    if (in->is_npy) {
        size_t count = nn_array_count(&in->array);
        v = nn_alloc(count ? count : 1, sizeof *v);
        if (!v)
            nn_die_lib(path);
        for (size_t i = 0; i < count; i++)
            v[i] = nn_array_get(&in->array, i);
        *n = (int64_t)count;
        return v;
    }
    int col = column ? nn_table_column(&in->table, column) : in->table.cols - 1;
    if (col < 0 || nn_table_numbers(&in->table, col, &v) < 0)
        nn_die_lib(path);
    *n = in->table.rows;
    return v;
}

static const char *one_input(int nargs, char **args)
{
    return nargs ? args[0] : "-";
}

/* "a,b,c" split in place. */
static int split_list(char *text, const char **items, int max)
{
    int n = 0;
    for (char *p = text; p && n < max;) {
        char *comma = strchr(p, ',');
        if (comma)
            *comma = 0;
        items[n++] = p;
        p = comma ? comma + 1 : NULL;
    }
    return n;
}

/* ---- scatter -------------------------------------------------------- */

static int cmd_scatter(int argc, char **argv)
{
    const char *labels_path = NULL, *names_text = NULL;
    double marker = 0, alpha = 0;
    const nn_option opts[] = {
        {"labels", 'l', NN_OPT_STRING, &labels_path, "FILE", "class id of every point (.npy, integers)", NULL},
        {"names", 0, NN_OPT_STRING, &names_text, "LIST", "legend names of classes 0, 1, ... (comma-separated)",
         NULL},
        {"marker", 0, NN_OPT_DOUBLE, &marker, "PX", "dot diameter (0: by the number of points)", NULL},
        {"alpha", 0, NN_OPT_DOUBLE, &alpha, "A", "dot opacity in (0, 1] (0: by the number of points)", NULL},
        CHART_OPTIONS,
        {0}};
    const nn_cli cli = {"plot scatter", "[options] POINTS.npy",
                        "2-D points from an (N, 2) .npy as an SVG scatter plot, coloured by class with a\n"
                        "legend when --labels is given.",
                        opts, 0, 1};
    char **args;
    int nargs = nn_cli_parse(&cli, argc, argv, &args);
    const char *path = one_input(nargs, args);
    nn_array pts;
    if (nn_npy_load(path, &pts) < 0)
        nn_die_lib(path);
    char shape[96];
    nn_shape_format(&pts, shape, sizeof shape);
    if (pts.ndim != 2 || pts.shape[1] != 2)
        nn_die(path, "expected (N, 2) points, got %s", shape);
    if (pts.shape[0] == 0)
        nn_die(path, "no points: the array is empty");
    if (nn_array_convert_inplace(&pts, NN_F32) < 0)
        nn_die_lib(path);
    int64_t *labels = NULL;
    if (labels_path) {
        nn_array la;
        size_t nl;
        if (nn_npy_load(labels_path, &la) < 0)
            nn_die_lib(labels_path);
        if (nn_dtype_is_float(la.dtype))
            nn_die(labels_path, "%s labels: class ids must be integers", nn_dtype_name(la.dtype));
        if (nn_labels_from_array(&la, &labels, &nl) < 0)
            nn_die_lib(labels_path);
        if ((int64_t)nl != pts.shape[0])
            nn_die(labels_path, "%zu labels, but %s has %lld points", nl, path, (long long)pts.shape[0]);
        nn_array_free(&la);
    }
    const char *names[1000];
    int n_names = 0;
    char *names_copy = NULL;
    if (names_text) {
        names_copy = strdup(names_text);
        if (!names_copy)
            nn_die(NULL, "out of memory");
        n_names = split_list(names_copy, names, 1000);
    }
    nn_chart_opts o;
    chart_opts(&o);
    nn_svg s;
    if (nn_plot_scatter(pts.data, pts.shape[0], labels, names, n_names, marker, alpha, &o, &s) < 0)
        nn_die_lib(labels && strstr(nn_last_error(), "label") ? labels_path : path);
    write_svg(&s);
    free(labels), free(names_copy), free(args);
    nn_array_free(&pts);
    return 0;
}

/* ---- hist ----------------------------------------------------------- */

static int cmd_hist(int argc, char **argv)
{
    const char *column = NULL;
    int bins = 30;
    const nn_option opts[] = {
        {"column", 'c', NN_OPT_STRING, &column, "COL", "TSV column by name or number (default: the last)", NULL},
        {"bins", 'b', NN_OPT_INT, &bins, "N", "number of equal-width bins", NULL},
        CHART_OPTIONS,
        {0}};
    const nn_cli cli = {"plot hist", "[options] INPUT",
                        "Histogram of the values of an .npy (all of them) or of one column of a TSV\n"
                        "table, as SVG.  NaN values are skipped.",
                        opts, 0, 1};
    char **args;
    int nargs = nn_cli_parse(&cli, argc, argv, &args);
    const char *path = one_input(nargs, args);
    input in;
    read_input(path, NN_TABLE_HEADER_AUTO, &in);
    int64_t n;
    double *v = input_values(path, &in, column, &n);
    nn_chart_opts o;
    chart_opts(&o);
    if (!o.ylabel)
        o.ylabel = "count";
    if (!o.xlabel && !in.is_npy && in.table.header)
        o.xlabel = in.table.header[column ? nn_table_column(&in.table, column) : in.table.cols - 1];
    nn_svg s;
    if (nn_plot_hist(v, n, bins, &o, &s) < 0)
        nn_die_lib(path);
    write_svg(&s);
    free(v), free(args);
    if (in.is_npy)
        nn_array_free(&in.array);
    else
        nn_table_free(&in.table);
    return 0;
}

/* ---- bar ------------------------------------------------------------ */

typedef struct {
    const char *name;
    double value;
} bar_item;

static int cmp_bar_desc(const void *a, const void *b)
{
    double x = ((const bar_item *)a)->value, y = ((const bar_item *)b)->value;
    return (x < y) - (x > y);
}

static int cmd_bar(int argc, char **argv)
{
    const char *label_col = "1", *value_col = "2";
    int top = 0, sort = 0, colours = 0;
    const nn_option opts[] = {
        {"label", 0, NN_OPT_STRING, &label_col, "COL", "column of the bar names (name or number)", NULL},
        {"value", 0, NN_OPT_STRING, &value_col, "COL", "column of the bar heights", NULL},
        {"sort", 's', NN_OPT_FLAG, &sort, NULL, "largest first", NULL},
        {"top", 0, NN_OPT_INT, &top, "N", "keep the first N bars (after --sort); 0: all", NULL},
        {"colors", 0, NN_OPT_FLAG, &colours, NULL, "a palette colour per bar (classes)", NULL},
        CHART_OPTIONS,
        {0}};
    const nn_cli cli = {"plot bar", "[options] COUNTS.tsv",
                        "Bar chart from a TSV of name<TAB>value lines (a header line is optional), e.g.\n"
                        "class counts, as SVG.",
                        opts, 0, 1};
    char **args;
    int nargs = nn_cli_parse(&cli, argc, argv, &args);
    const char *path = one_input(nargs, args);
    input in;
    read_input(path, NN_TABLE_HEADER_AUTO, &in);
    if (in.is_npy)
        nn_die(path, "plot bar reads a TSV of name<TAB>value (use plot hist for an .npy)");
    if (in.table.cols < 2)
        nn_die(path, "one column only: bars need name<TAB>value lines");
    int lc = nn_table_column(&in.table, label_col), vc = lc < 0 ? -1 : nn_table_column(&in.table, value_col);
    double *v;
    if (lc < 0 || vc < 0 || nn_table_numbers(&in.table, vc, &v) < 0)
        nn_die_lib(path);
    int64_t n = in.table.rows;
    bar_item *items = nn_alloc((size_t)n, sizeof *items);
    const char **names = nn_alloc((size_t)n, sizeof *names);
    double *values = nn_alloc((size_t)n, sizeof *values);
    if (!items || !names || !values)
        nn_die_lib(path);
    for (int64_t i = 0; i < n; i++)
        items[i] = (bar_item){nn_table_cell(&in.table, i, lc), v[i]};
    if (sort)
        qsort(items, (size_t)n, sizeof *items, cmp_bar_desc); /* ties: qsort order is unspecified */
    if (top > 0 && top < n)
        n = top;
    for (int64_t i = 0; i < n; i++)
        names[i] = items[i].name, values[i] = items[i].value;
    nn_chart_opts o;
    chart_opts(&o);
    if (in.table.header) {
        if (!o.xlabel)
            o.xlabel = in.table.header[lc];
        if (!o.ylabel)
            o.ylabel = in.table.header[vc];
    }
    nn_svg s;
    if (nn_plot_bar(names, values, n, colours, &o, &s) < 0)
        nn_die_lib(path);
    write_svg(&s);
    free(items), free(names), free(values), free(v), free(args);
    nn_table_free(&in.table);
    return 0;
}

/* ---- line ----------------------------------------------------------- */

static int cmd_line(int argc, char **argv)
{
    const char *x_col = NULL, *y_cols = NULL;
    const nn_option opts[] = {
        {"x", 'x', NN_OPT_STRING, &x_col, "COL", "x column (default: 'epoch' if present, else the row number)",
         NULL},
        {"y", 'y', NN_OPT_STRING, &y_cols, "COLS", "curves: comma-separated column names (default: all others)",
         NULL},
        CHART_OPTIONS,
        {0}};
    const nn_cli cli = {"plot line", "[options] HISTORY.tsv",
                        "Curves from a TSV with a header line, e.g. a training history: plot line --x epoch\n"
                        "--y loss,val_loss history.tsv.  Empty or 'nan' cells break a curve.",
                        opts, 0, 1};
    char **args;
    int nargs = nn_cli_parse(&cli, argc, argv, &args);
    const char *path = one_input(nargs, args);
    input in;
    read_input(path, NN_TABLE_HEADER, &in);
    if (in.is_npy)
        nn_die(path, "plot line reads a TSV with a header line");
    nn_table *t = &in.table;
    int xc = -1;
    if (x_col) {
        if ((xc = nn_table_column(t, x_col)) < 0)
            nn_die_lib(path);
    } else
        for (int k = 0; k < t->cols; k++)
            if (strcmp(t->header[k], "epoch") == 0)
                xc = k;
    int yc[100], ny = 0;
    if (y_cols) {
        char *copy = strdup(y_cols);
        const char *items[100];
        if (!copy)
            nn_die(NULL, "out of memory");
        int n = split_list(copy, items, 100);
        for (int i = 0; i < n; i++)
            if ((yc[ny++] = nn_table_column(t, items[i])) < 0)
                nn_die_lib(path);
        free(copy);
    } else
        for (int k = 0; k < t->cols && ny < 100; k++)
            if (k != xc)
                yc[ny++] = k;
    if (ny == 0)
        nn_die(path, "no column to plot");
    int64_t n = t->rows;
    double *x = NULL, *y[100];
    const char *names[100];
    if (xc >= 0) {
        if (nn_table_numbers(t, xc, &x) < 0)
            nn_die_lib(path);
    } else {
        x = nn_alloc((size_t)n, sizeof *x);
        if (!x)
            nn_die_lib(path);
        for (int64_t i = 0; i < n; i++)
            x[i] = (double)(i + 1);
    }
    for (int s = 0; s < ny; s++) {
        /* Empty cells (a metric logged only some epochs) are gaps. */
        y[s] = nn_alloc((size_t)n, sizeof *y[s]);
        if (!y[s])
            nn_die_lib(path);
        for (int64_t i = 0; i < n; i++) {
            const char *cell = nn_table_cell(t, i, yc[s]);
            char *end;
            y[s][i] = *cell ? strtod(cell, &end) : NAN;
            if (*cell && *end)
                nn_die(path, "line %lld: '%s' is not a number", (long long)t->line[i], cell);
        }
        names[s] = t->header[yc[s]];
    }
    nn_chart_opts o;
    chart_opts(&o);
    if (!o.xlabel)
        o.xlabel = xc >= 0 ? t->header[xc] : "row";
    if (!o.ylabel && ny == 1)
        o.ylabel = names[0];
    nn_svg s;
    if (nn_plot_lines(x, (const double *const *)y, names, ny, n, &o, &s) < 0)
        nn_die_lib(path);
    write_svg(&s);
    free(x);
    for (int i = 0; i < ny; i++)
        free(y[i]);
    nn_table_free(t);
    free(args);
    return 0;
}

/* ---- zipf ----------------------------------------------------------- */

static int cmd_zipf(int argc, char **argv)
{
    const char *column = NULL;
    const nn_option opts[] = {
        {"column", 'c', NN_OPT_STRING, &column, "COL", "count column by name or number (default: the last)", NULL},
        CHART_OPTIONS,
        {0}};
    const nn_cli cli = {"plot zipf", "[options] COUNTS",
                        "Rank-frequency plot on log-log axes from a TSV of counts (word<TAB>count lines,\n"
                        "any order) or an .npy of counts, with a fitted power law (dashed), as SVG.",
                        opts, 0, 1};
    char **args;
    int nargs = nn_cli_parse(&cli, argc, argv, &args);
    const char *path = one_input(nargs, args);
    input in;
    read_input(path, NN_TABLE_HEADER_AUTO, &in);
    int64_t n;
    double *v = input_values(path, &in, column, &n);
    nn_chart_opts o;
    chart_opts(&o);
    if (!o.xlabel)
        o.xlabel = "rank";
    if (!o.ylabel)
        o.ylabel = "frequency";
    nn_svg s;
    if (nn_plot_zipf(v, n, &o, &s) < 0)
        nn_die_lib(path);
    write_svg(&s);
    free(v), free(args);
    if (in.is_npy)
        nn_array_free(&in.array);
    else
        nn_table_free(&in.table);
    return 0;
}

/* ---- grid ----------------------------------------------------------- */

/* "a,b,c" or "lo:hi" (n values evenly from lo to hi) into label strings. */
static int make_labels(const char *spec, int n, char ***out, const char *option)
{
    const char *colon = strchr(spec, ':');
    char **labels;
    if (colon) {
        char *end;
        double lo = strtod(spec, &end);
        if (end != colon)
            nn_usage("%s: '%s' is not LO:HI or a list", option, spec);
        double hi = strtod(colon + 1, &end);
        if (*end || !isfinite(lo) || !isfinite(hi))
            nn_usage("%s: '%s' is not LO:HI or a list", option, spec);
        labels = calloc((size_t)n, sizeof *labels);
        if (!labels)
            nn_die(NULL, "out of memory");
        double step = n > 1 ? (hi - lo) / (n - 1) : 0;
        int dec = step == 0 ? 1 : (int)ceil(-log10(fabs(step)) - 1e-9);
        dec = dec < 0 ? 0 : dec > 4 ? 4 : dec;
        for (int i = 0; i < n; i++) {
            labels[i] = malloc(32);
            if (!labels[i])
                nn_die(NULL, "out of memory");
            double v = n > 1 ? lo + step * i : lo;
            snprintf(labels[i], 32, "%.*f", dec, fabs(v) < 1e-12 ? 0.0 : v);
        }
        *out = labels;
        return n;
    }
    char *copy = strdup(spec);
    labels = calloc(strlen(spec) + 1, sizeof *labels);
    if (!copy || !labels)
        nn_die(NULL, "out of memory");
    int k = split_list(copy, (const char **)labels, (int)strlen(spec) + 1);
    *out = labels;
    return k;
}

static void free_labels(char **labels, int n, const char *spec)
{
    if (!labels)
        return;
    if (strchr(spec, ':'))
        for (int i = 0; i < n; i++)
            free(labels[i]);
    else if (n > 0)
        free(labels[0]); /* the split copy of the list */
    free(labels);
}

static int cmd_grid(int argc, char **argv)
{
    int cols = 10, scale = 1, pad = 1, font = 0;
    int64_t start = 0, count = 0;
    const char *cmap = "gray", *range = "0,1", *xlabels = NULL, *ylabels = NULL;
    const nn_option opts[] = {
        {"output", 'o', NN_OPT_STRING, &out_path, "FILE", "PNG file to write", NULL},
        {"cols", 'c', NN_OPT_INT, &cols, "N", "images per row", NULL},
        {"count", 'n', NN_OPT_INT64, &count, "N", "images taken from each input (0: one row, or all if fewer)", NULL},
        {"start", 0, NN_OPT_INT64, &start, "I", "index of the first image", NULL},
        {"scale", 's', NN_OPT_INT, &scale, "K", "integer upscale of every pixel", NULL},
        {"pad", 0, NN_OPT_INT, &pad, "PX", "white pixels between images", NULL},
        {"cmap", 0, NN_OPT_CHOICE, &cmap, "MAP", "colour map for single-channel images", "gray|viridis|gnuplot2"},
        {"range", 0, NN_OPT_STRING, &range, "LO,HI",
         "float values shown black..white, or 'auto' (each input's min..max); uint8 is 0..255", NULL},
        {"xlabels", 0, NN_OPT_STRING, &xlabels, "LIST",
         "text under the columns: comma-separated, or LO:HI for evenly spaced values", NULL},
        {"ylabels", 0, NN_OPT_STRING, &ylabels, "LIST", "text left of the rows: comma-separated or LO:HI", NULL},
        {"font", 0, NN_OPT_INT, &font, "PX", "label pixel size (0: from the image size)", NULL},
        {0}};
    const nn_cli cli = {"plot grid", "[options] IMAGES.npy [MORE.npy...]",
                        "Rows of images from (N, H, W), (N, H, W, C) or (N, H*W) arrays as a PNG; several\n"
                        "inputs are stacked row by row (originals over reconstructions).  Labels use a\n"
                        "built-in font of digits, '-' and '.' (e.g. a manifold's z values).",
                        opts, 1, -1};
    char **args;
    int nargs = nn_cli_parse(&cli, argc, argv, &args);
    if (nargs > 64)
        nn_usage("at most 64 inputs");
    nn_grid_opts o;
    nn_grid_opts_init(&o);
    o.cols = cols;
    o.scale = scale;
    o.pad = pad;
    o.font = font;
    o.cmap = (nn_cmap)nn_cmap_parse(cmap);
    if (strcmp(range, "auto") == 0)
        o.vmin = o.vmax = NAN;
    else {
        char *end;
        o.vmin = strtod(range, &end);
        if (*end != ',' || !isfinite(o.vmin))
            nn_usage("--range takes LO,HI or 'auto', not '%s'", range);
        const char *hi = end + 1;
        o.vmax = strtod(hi, &end);
        if (*end || !isfinite(o.vmax) || !(o.vmax > o.vmin))
            nn_usage("--range takes LO,HI with LO < HI, or 'auto', not '%s'", range);
    }
    if (cols < 1 || scale < 1 || scale > 64 || pad < 0 || pad > 256 || font < 0 || font > 32)
        nn_usage("--cols must be >= 1, --scale 1..64, --pad 0..256, --font 0..32");
    if (count < 0 || start < 0)
        nn_usage("--count and --start cannot be negative");
    int default_count = count == 0;
    if (nn_is_stdio(out_path) && isatty(STDOUT_FILENO))
        nn_usage("will not write a PNG to a terminal: give -o FILE");
    nn_array arrays[64];
    const nn_array *ptrs[64];
    for (int i = 0; i < nargs; i++) {
        if (nn_npy_load(args[i], &arrays[i]) < 0)
            nn_die_lib(args[i]);
        int64_t n;
        int h, w, c;
        if (nn_grid_geometry(&arrays[i], &n, &h, &w, &c) < 0)
            nn_die_lib(args[i]);
        if (n == 0)
            nn_die(args[i], "no images: the array is empty");
        if (default_count && (count == 0 || n - start < count)) /* one row, or fewer */
            count = n - start < cols ? n - start : cols;
        if (count <= 0)
            nn_die(args[i], "%lld images: --start %lld is past the end", (long long)n, (long long)start);
        if (n < start + count)
            nn_die(args[i], "%lld images, but images %lld..%lld were asked for", (long long)n, (long long)start,
                   (long long)(start + count - 1));
        if (i > 0) {
            int64_t n0;
            int h0, w0, c0;
            nn_grid_geometry(&arrays[0], &n0, &h0, &w0, &c0);
            if (h != h0 || w != w0)
                nn_die(args[i], "%dx%d images, but %s holds %dx%d", h, w, args[0], h0, w0);
        }
        ptrs[i] = &arrays[i];
    }
    int shown_cols = count < cols ? (int)count : cols;
    int64_t grid_rows = (count + shown_cols - 1) / shown_cols * nargs;
    char **xl = NULL, **yl = NULL;
    if (xlabels)
        o.n_col_labels = make_labels(xlabels, shown_cols, &xl, "--xlabels");
    if (ylabels)
        o.n_row_labels = make_labels(ylabels, (int)(grid_rows < 100000 ? grid_rows : 100000), &yl, "--ylabels");
    o.col_labels = (const char *const *)xl;
    o.row_labels = (const char *const *)yl;
    uint8_t *rgb;
    int w, h;
    if (nn_grid_render(ptrs, nargs, start, count, &o, &rgb, &w, &h) < 0)
        nn_die_lib(nargs == 1 ? args[0] : NULL);
    if (nn_png_save(out_path, rgb, w, h, 3) < 0)
        nn_die_lib(out_path);
    free(rgb);
    for (int i = 0; i < nargs; i++)
        nn_array_free(&arrays[i]);
    free_labels(xl, o.n_col_labels, xlabels);
    free_labels(yl, o.n_row_labels, ylabels);
    free(args);
    return 0;
}

/* ---- triples: image | true mask | predicted mask | overlay ----------- */

/* Class ids (n, h, w) as uint8 from integer ids (N, H, W) or (N, H, W, 1),
 * or from float probabilities (N, H, W, K): argmax, or p >= 0.5 when K = 1. */
static uint8_t *load_ids(const char *path, nn_array *a, int64_t n, int64_t h, int64_t w, const char *ref)
{
    if (nn_npy_load(path, a) < 0)
        nn_die_lib(path);
    int is_float = a->dtype == NN_F32 || a->dtype == NN_F64;
    int64_t k = a->ndim == 4 ? a->shape[3] : 1;
    if (a->ndim != 3 && a->ndim != 4)
        nn_die(path, "expected class ids (N, H, W) or probabilities (N, H, W, K)");
    if (!is_float && k != 1)
        nn_die(path, "integer class ids must be (N, H, W)");
    if (a->shape[0] < n || a->shape[1] != h || a->shape[2] != w)
        nn_die(path, "needs at least %lld maps of %lldx%lld like %s", (long long)n, (long long)h, (long long)w, ref);
    int64_t px = a->shape[0] * h * w;
    uint8_t *ids = nn_alloc((size_t)px, 1);
    if (!ids)
        nn_die_lib(path);
    for (int64_t i = 0; i < px; i++) {
        if (is_float) {
            int64_t best = 0;
            for (int64_t j = 1; j < k; j++)
                if (nn_array_get(a, (size_t)(i * k + j)) > nn_array_get(a, (size_t)(i * k + best)))
                    best = j;
            ids[i] = (uint8_t)(k == 1 ? nn_array_get(a, (size_t)i) >= 0.5 : best);
        } else {
            double v = nn_array_get(a, (size_t)i);
            if (v < 0 || v > 255)
                nn_die(path, "class id %.0f at index %lld is outside 0..255", v, (long long)i);
            ids[i] = (uint8_t)v;
        }
    }
    return ids;
}

static int cmd_triples(int argc, char **argv)
{
    int64_t start = 0, count = 4;
    nn_seg_opts o;
    nn_seg_opts_init(&o);
    const nn_option opts[] = {
        {"output", 'o', NN_OPT_STRING, &out_path, "FILE", "PNG file to write", NULL},
        {"count", 'n', NN_OPT_INT64, &count, "N", "samples (rows)", NULL},
        {"start", 0, NN_OPT_INT64, &start, "I", "index of the first sample", NULL},
        {"scale", 's', NN_OPT_INT, &o.scale, "K", "integer upscale of every pixel", NULL},
        {"pad", 0, NN_OPT_INT, &o.pad, "PX", "white pixels between panels", NULL},
        {"alpha", 0, NN_OPT_DOUBLE, &o.alpha, "A", "overlay column: class colour weight over the image (0: none)", NULL},
        {"ignore", 0, NN_OPT_INT, &o.ignore, "ID", "label drawn black (e.g. CamVid void 11; -1: none)", NULL},
        {"positive", 0, NN_OPT_INT, &o.positive, "ID", "binary models: show the truth as (mask == ID)", NULL},
        {0}};
    const nn_cli cli = {"plot triples", "[options] IMAGES.npy [TRUE.npy] PRED.npy",
                        "Segmentation results as a PNG, one row per sample: image | true mask | predicted\n"
                        "mask | prediction over the image.  Masks are class ids (N, H, W) (or probabilities\n"
                        "(N, H, W, K): argmax), coloured with the categorical palette.",
                        opts, 2, 3};
    char **args;
    int nargs = nn_cli_parse(&cli, argc, argv, &args);
    if (count < 1 || start < 0 || o.scale < 1 || o.scale > 64 || o.pad < 0 || o.pad > 256 || !(o.alpha >= 0 && o.alpha <= 1))
        nn_usage("--count >= 1, --start >= 0, --scale 1..64, --pad 0..256, --alpha 0..1");
    if (nn_is_stdio(out_path) && isatty(STDOUT_FILENO))
        nn_usage("will not write a PNG to a terminal: give -o FILE");
    nn_array x, t = {0}, p;
    if (nn_npy_load(args[0], &x) < 0)
        nn_die_lib(args[0]);
    if (x.ndim == 3)
        x.shape[x.ndim++] = 1;
    if (x.dtype != NN_U8 || x.ndim != 4 || (x.shape[3] != 1 && x.shape[3] != 3))
        nn_die(args[0], "expected uint8 images (N, H, W, 3) or (N, H, W)");
    if (x.shape[0] < start + count)
        nn_die(args[0], "%lld images, but images %lld..%lld were asked for", (long long)x.shape[0], (long long)start,
               (long long)(start + count - 1));
    int64_t n = start + count, h = x.shape[1], w = x.shape[2];
    uint8_t *tids = nargs == 3 ? load_ids(args[1], &t, n, h, w, args[0]) : NULL;
    uint8_t *pids = load_ids(args[nargs - 1], &p, n, h, w, args[0]);
    uint8_t *rgb;
    int W, H;
    if (nn_seg_render(x.data, (int)x.shape[3], tids, pids, (int)h, (int)w, start, count, &o, &rgb, &W, &H) < 0)
        nn_die_lib(NULL);
    if (nn_png_save(out_path, rgb, W, H, 3) < 0)
        nn_die_lib(out_path);
    free(rgb);
    free(tids);
    free(pids);
    nn_array_free(&x);
    nn_array_free(&t);
    nn_array_free(&p);
    free(args);
    return 0;
}

/* ---- commands ------------------------------------------------------- */

/* ---- heatmap and spectrogram: attention weights over encoder steps, and
 * the features they look at */

static int ends_with_svg(const char *path)
{
    size_t n = strlen(path);
    return n >= 4 && strcmp(path + n - 4, ".svg") == 0;
}

/* Frames of utterance `row` from --lengths (0 when no file); dies on a bad
 * file.  ln is loaded into and freed by the caller. */
static int64_t row_length(const char *len_path, int64_t row, nn_array *ln)
{
    if (!len_path)
        return 0;
    if (nn_npy_load(len_path, ln) < 0 || nn_array_convert_inplace(ln, NN_I64) < 0)
        nn_die_lib(len_path);
    if (ln->ndim != 1 || row >= ln->shape[0])
        nn_die(len_path, "expected lengths (N) with a row %lld", (long long)row);
    int64_t frames = ((int64_t *)ln->data)[row];
    if (frames < 1)
        nn_die(len_path, "row %lld has length %lld", (long long)row, (long long)frames);
    return frames;
}

/* Row `row` of features (N, T, F) or the only one of (T, F): points into
 * sp (loaded here, freed by the caller); *frames is cut to T. */
static const float *spec_row(const char *spec_path, int64_t row, nn_array *sp, int64_t *frames, int64_t *bands)
{
    if (nn_npy_load(spec_path, sp) < 0 || nn_array_convert_inplace(sp, NN_F32) < 0)
        nn_die_lib(spec_path);
    if (sp->ndim == 2 && row == 0) {
        int64_t t = sp->shape[0];
        *bands = sp->shape[1];
        if (!*frames || *frames > t)
            *frames = t;
        if (*frames < 1 || *bands < 1)
            nn_die(spec_path, "empty features");
        return (const float *)sp->data;
    }
    if (sp->ndim != 3 || row >= sp->shape[0])
        nn_die(spec_path, "expected features (N, T, F) with a row %lld, or (T, F)", (long long)row);
    *bands = sp->shape[2];
    if (!*frames || *frames > sp->shape[1])
        *frames = sp->shape[1];
    if (*frames < 1 || *bands < 1)
        nn_die(spec_path, "empty features");
    return (const float *)sp->data + row * sp->shape[1] * *bands;
}

static int cmd_heatmap(int argc, char **argv)
{
    int64_t index = 0, row = -1;
    int stack = 3, font = 2, width = 860;
    double hop_ms = 10;
    const char *spec_path = NULL, *len_path = NULL, *labels = NULL, *cell = "8x16", *cmap = "viridis";
    const char *title = NULL;
    const nn_option opts[] = {
        {"output", 'o', NN_OPT_STRING, &out_path, "FILE", "PNG file to write, or SVG (with axes) when it ends in .svg",
         NULL},
        {"index", 'i', NN_OPT_INT64, &index, "K", "which matrix of an (N, tokens, steps) array", NULL},
        {"spectrogram", 0, NN_OPT_STRING, &spec_path, "FILE", "features (N, T, F) drawn above on the same time axis",
         NULL},
        {"row", 0, NN_OPT_INT64, &row, "R", "the utterance's row in --spectrogram/--lengths (-1: --index)", NULL},
        {"lengths", 0, NN_OPT_STRING, &len_path, "FILE", "frames per utterance (N): trims the padding", NULL},
        {"stack", 0, NN_OPT_INT, &stack, "K", "frames per encoder step (the model's --stack)", NULL},
        {"labels", 0, NN_OPT_STRING, &labels, "LIST",
         "comma-separated row labels, the output tokens (PNG: digits, '-', '.' only)", NULL},
        {"cell", 0, NN_OPT_STRING, &cell, "WxH", "PNG: pixels per attention cell; SVG: H is the row height", NULL},
        {"cmap", 0, NN_OPT_CHOICE, &cmap, "MAP", "attention colours", "gray|viridis|gnuplot2"},
        {"font", 0, NN_OPT_INT, &font, "PX", "PNG: label pixel size", NULL},
        {"hop-ms", 0, NN_OPT_DOUBLE, &hop_ms, "MS", "SVG: milliseconds per frame for the time axis (0: frames)", NULL},
        {"title", 0, NN_OPT_STRING, &title, "TEXT", "SVG: title above", NULL},
        {"width", 0, NN_OPT_INT, &width, "PX", "SVG: image width", NULL},
        {0}};
    const nn_cli cli = {"plot heatmap", "[options] ATTENTION.npy -o OUT.png|OUT.svg",
                        "Attention weights (output tokens x encoder steps) as a heat map, one row per token\n"
                        "(rows after the last non-zero one are dropped), optionally under the utterance's\n"
                        "spectrogram (--spectrogram, --stack frames per step): a good alignment runs down\n"
                        "the diagonal through the words' energy.  Input: (tokens, steps) or (N, tokens,\n"
                        "steps) as written by train-seq2seq decode --attention-out.  An .svg output has\n"
                        "axes: the tokens (--labels) down the left, time in seconds along the bottom, mel\n"
                        "bands beside the spectrogram, and colour bars (attention weight 0..max, dB).",
                        opts, 1, 1};
    char **args;
    nn_cli_parse(&cli, argc, argv, &args);
    int svg = ends_with_svg(out_path);
    nn_heatmap_opts o;
    nn_heatmap_opts_init(&o);
    char *end;
    long cw = strtol(cell, &end, 10), ch = *end == 'x' ? strtol(end + 1, &end, 10) : 0;
    if (*end || cw < 1 || cw > 256 || ch < 1 || ch > 256)
        nn_usage("--cell takes WxH in 1..256, not '%s'", cell);
    if (stack < 1 || stack > 64 || font < 1 || font > 32 || index < 0)
        nn_usage("--stack 1..64, --font 1..32, --index >= 0");
    if (!(hop_ms >= 0 && hop_ms <= 1e6) || width < 200 || width > 16384)
        nn_usage("--hop-ms 0..1e6, --width 200..16384");
    if (svg && ch < 4)
        nn_usage("--cell: SVG rows need a height of at least 4");
    if (!svg && nn_is_stdio(out_path) && isatty(STDOUT_FILENO))
        nn_usage("will not write a PNG to a terminal: give -o FILE");
    o.cell_w = (int)cw;
    o.cell_h = (int)ch;
    o.font = font;
    o.cmap = (nn_cmap)nn_cmap_parse(cmap);
    if (row < 0)
        row = index;
    nn_array a;
    if (nn_npy_load(args[0], &a) < 0)
        nn_die_lib(args[0]);
    if ((a.ndim != 2 && a.ndim != 3) || !nn_dtype_is_float(a.dtype) || nn_array_convert_inplace(&a, NN_F32) < 0)
        nn_die(args[0], "expected float attention weights (tokens, steps) or (N, tokens, steps)");
    int64_t nm = a.ndim == 3 ? a.shape[0] : 1, R = a.shape[a.ndim - 2], C = a.shape[a.ndim - 1];
    if (index >= nm)
        nn_die(args[0], "%lld matrices, --index %lld is past the end", (long long)nm, (long long)index);
    const float *m = (const float *)a.data + index * R * C;
    int64_t rows = 0, cols = 0;
    for (int64_t r = 0; r < R; r++)
        for (int64_t j = 0; j < C; j++)
            if (m[r * C + j] != 0) {
                rows = r + 1;
                if (j + 1 > cols)
                    cols = j + 1;
            }
    if (rows == 0)
        nn_die(args[0], "matrix %lld is all zeros (a model without attention?)", (long long)index);
    nn_array sp = {0}, ln = {0};
    const float *spec = NULL;
    int64_t frames = row_length(len_path, row, &ln), bands = 0;
    if (frames) {
        int64_t steps = (frames + stack - 1) / stack;
        if (steps > C)
            nn_die(len_path, "length %lld does not fit the %lld steps of %s", (long long)frames, (long long)C, args[0]);
        cols = steps;
    }
    if (spec_path) {
        if (!frames)
            frames = cols * stack;
        spec = spec_row(spec_path, row, &sp, &frames, &bands);
    }
    /* the matrix trimmed to rows x cols */
    float *t = nn_alloc((size_t)(rows * cols), sizeof(float));
    if (!t)
        nn_die_lib(NULL);
    for (int64_t r = 0; r < rows; r++)
        memcpy(t + r * cols, m + r * C, sizeof(float) * (size_t)cols);
    char **lab = NULL;
    int n_lab = 0;
    if (labels)
        n_lab = make_labels(labels, (int)rows, &lab, "--labels");
    if (svg) {
        nn_heatmap_svg_opts so;
        nn_heatmap_svg_opts_init(&so);
        so.title = title;
        so.row_labels = (const char *const *)lab;
        so.n_row_labels = n_lab;
        so.frame_s = hop_ms / 1000;
        so.stack = stack;
        so.cmap = o.cmap;
        so.width = width;
        so.row_h = strcmp(cell, "8x16") ? (int)ch : 24; /* the PNG default height is cramped for text */
        nn_svg s;
        if (nn_heatmap_svg(t, rows, cols, spec, frames, bands, &so, &s) < 0)
            nn_die_lib(args[0]);
        write_svg(&s);
    } else {
        o.row_labels = (const char *const *)lab;
        o.n_row_labels = n_lab;
        uint8_t *rgb;
        int w, h;
        if (nn_heatmap_render(t, rows, cols, spec, frames, bands, stack, &o, &rgb, &w, &h) < 0)
            nn_die_lib(args[0]);
        if (nn_png_save(out_path, rgb, w, h, 3) < 0)
            nn_die_lib(out_path);
        free(rgb);
    }
    free(t);
    free_labels(lab, n_lab, labels);
    nn_array_free(&a);
    nn_array_free(&sp);
    nn_array_free(&ln);
    free(args);
    return 0;
}

static int cmd_spectrogram(int argc, char **argv)
{
    int64_t row = 0;
    int width = 860, height = 200;
    double hop_ms = 10;
    const char *len_path = NULL, *cmap = "gnuplot2", *title = NULL, *unit = "dB";
    const nn_option opts[] = {
        {"output", 'o', NN_OPT_STRING, &out_path, "FILE", "SVG file to write", NULL},
        {"row", 0, NN_OPT_INT64, &row, "R", "which utterance of an (N, T, F) array", NULL},
        {"lengths", 0, NN_OPT_STRING, &len_path, "FILE", "frames per utterance (N): trims the padding", NULL},
        {"hop-ms", 0, NN_OPT_DOUBLE, &hop_ms, "MS", "milliseconds per frame for the time axis (0: frames)", NULL},
        {"cmap", 0, NN_OPT_CHOICE, &cmap, "MAP", "colours", "gray|viridis|gnuplot2"},
        {"title", 0, NN_OPT_STRING, &title, "TEXT", "title above", NULL},
        {"unit", 0, NN_OPT_STRING, &unit, "TEXT", "colour bar label", NULL},
        {"width", 0, NN_OPT_INT, &width, "PX", "image width", NULL},
        {"height", 0, NN_OPT_INT, &height, "PX", "spectrogram height", NULL},
        {0}};
    const nn_cli cli = {"plot spectrogram", "[options] FEATS.npy -o OUT.svg",
                        "One utterance's log-mel spectrogram (or any (T, F) features) as SVG: time in\n"
                        "seconds across, bands upwards from the lowest, a colour bar on the right.  Input:\n"
                        "(N, T, F) from audio-features (--row picks the utterance, --lengths drops its\n"
                        "zero padding) or (T, F).",
                        opts, 1, 1};
    char **args;
    nn_cli_parse(&cli, argc, argv, &args);
    if (row < 0 || !(hop_ms >= 0 && hop_ms <= 1e6) || width < 200 || width > 16384 || height < 20 || height > 4096)
        nn_usage("--row >= 0, --hop-ms 0..1e6, --width 200..16384, --height 20..4096");
    nn_array sp = {0}, ln = {0};
    int64_t frames = row_length(len_path, row, &ln), bands = 0;
    const float *spec = spec_row(args[0], row, &sp, &frames, &bands);
    nn_heatmap_svg_opts so;
    nn_heatmap_svg_opts_init(&so);
    so.title = title;
    so.frame_s = hop_ms / 1000;
    so.spec_cmap = (nn_cmap)nn_cmap_parse(cmap);
    so.spec_unit = unit;
    so.width = width;
    so.spec_h = height;
    nn_svg s;
    if (nn_heatmap_svg(NULL, 0, 0, spec, frames, bands, &so, &s) < 0)
        nn_die_lib(args[0]);
    write_svg(&s);
    nn_array_free(&sp);
    nn_array_free(&ln);
    free(args);
    return 0;
}

static const nn_command commands[] = {
    {"scatter", cmd_scatter, "2-D points coloured by class (SVG)"},
    {"hist", cmd_hist, "histogram of an .npy or a TSV column (SVG)"},
    {"bar", cmd_bar, "bars from name<TAB>value lines (SVG)"},
    {"line", cmd_line, "curves from a TSV with a header, e.g. loss per epoch (SVG)"},
    {"zipf", cmd_zipf, "log-log rank-frequency of counts (SVG)"},
    {"grid", cmd_grid, "rows of images from .npy arrays (PNG)"},
    {"triples", cmd_triples, "segmentation: image | true mask | predicted mask | overlay (PNG)"},
    {"heatmap", cmd_heatmap, "attention weights (tokens x steps) under a spectrogram (PNG, or SVG with axes)"},
    {"spectrogram", cmd_spectrogram, "one utterance's spectrogram with time and band axes (SVG)"},
};

int main(int argc, char **argv)
{
    static const nn_command_set set = {"plot", "COMMAND [options] INPUT...",
                                        "Charts as SVG and image grids as PNG, from .npy arrays and TSV tables.",
                                        commands, (int)(sizeof commands / sizeof *commands), NULL};
    return nn_cli_dispatch(&set, argc, argv);
}
