/* Plot library: ticks, labels, colours, TSV tables, SVG charts and image
 * grids (structure of the output; the look is checked by rendering). */
#include "check.h"

#include "core/array.h"
#include "core/error.h"
#include "plot/charts.h"
#include "plot/colormap.h"
#include "plot/grid.h"
#include "plot/svg.h"
#include "plot/table.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static int count_substr(const char *s, const char *sub)
{
    int n = 0;
    for (const char *p = s; (p = strstr(p, sub)) != NULL; p += strlen(sub))
        n++;
    return n;
}

static void test_nice_ticks(void)
{
    double t[64], step;
    int n = nn_nice_ticks(0, 1, 5, t, 64, &step);
    CHECK(n == 6 && step == 0.2);
    CHECK_NEAR(t[5], 1.0, 1e-12);
    n = nn_nice_ticks(-3.7, 97, 5, t, 64, &step);
    CHECK(step == 20 && n == 5 && t[0] == 0 && t[4] == 80);
    n = nn_nice_ticks(-0.001, 0.0013, 4, t, 64, &step);
    CHECK(step == 0.0005 && t[0] == -0.001);
    for (int i = 0; i < n; i++) /* no "-0" from rounding */
        CHECK(!(t[i] == 0 && signbit(t[i])));
    n = nn_nice_ticks(5, 5, 5, t, 64, &step); /* empty range: one tick */
    CHECK(n == 1);
    CHECK(nn_nice_ticks(0, INFINITY, 5, t, 64, &step) == 0);
}

static void test_tick_labels(void)
{
    char b[64];
    nn_tick_label(0.4, 0.2, b, sizeof b);
    CHECK(strcmp(b, "0.4") == 0);
    nn_tick_label(-0.0015, 0.0005, b, sizeof b);
    CHECK(strcmp(b, "-0.0015") == 0);
    nn_tick_label(20, 20, b, sizeof b);
    CHECK(strcmp(b, "20") == 0);
    nn_tick_label(887908, 1, b, sizeof b);
    CHECK(strcmp(b, "887,908") == 0);
    nn_tick_label(-12000, 2000, b, sizeof b);
    CHECK(strcmp(b, "-12,000") == 0);
    nn_tick_label(3e7, 1e7, b, sizeof b);
    CHECK(strcmp(b, "3e+07") == 0);
    nn_tick_label(0, 0.1, b, sizeof b);
    CHECK(strcmp(b, "0") == 0);
}

static void test_colours(void)
{
    char hex[8];
    nn_palette_hex(0, hex);
    CHECK(strcmp(hex, "#1f77b4") == 0);
    nn_palette_hex(13, hex); /* beyond ten: a lighter variant, not the same colour */
    char base[8];
    nn_palette_hex(3, base);
    CHECK(strcmp(hex, base) != 0);
    nn_rgb c = nn_cmap_color(NN_CMAP_VIRIDIS, 0);
    CHECK(c.r == 68 && c.g == 1 && c.b == 84);
    c = nn_cmap_color(NN_CMAP_VIRIDIS, 1);
    CHECK(c.r == 253 && c.g == 231 && c.b == 37);
    c = nn_cmap_color(NN_CMAP_GNUPLOT2, 0);
    CHECK(c.r == 0 && c.g == 0 && c.b == 0);
    c = nn_cmap_color(NN_CMAP_GNUPLOT2, 1);
    CHECK(c.r == 255 && c.g == 255 && c.b == 255);
    c = nn_cmap_color(NN_CMAP_GNUPLOT2, 0.3); /* blue-violet part of the map */
    CHECK(c.b == 255 && c.r < 50 && c.g == 0);
    c = nn_cmap_color(NN_CMAP_GRAY, NAN);
    CHECK(c.r == 0);
    c = nn_cmap_color(NN_CMAP_GRAY, 2);
    CHECK(c.r == 255);
    CHECK(nn_cmap_parse("viridis") == NN_CMAP_VIRIDIS && nn_cmap_parse("jet") == -1);
}

static nn_table table_of(const char *text, int header)
{
    nn_table t;
    char *copy = strdup(text);
    if (nn_table_parse(copy, strlen(copy), header, &t) < 0)
        memset(&t, 0, sizeof t);
    return t;
}

static void test_table(void)
{
    nn_table t = table_of("epoch\tloss\tval_loss\n1\t0.5\t0.6\r\n# comment\n\n2\t0.4\t\n", NN_TABLE_HEADER_AUTO);
    CHECK(t.header != NULL && t.rows == 2 && t.cols == 3);
    CHECK(nn_table_column(&t, "val_loss") == 2 && nn_table_column(&t, "2") == 1);
    CHECK(nn_table_column(&t, "acc") == -1 && strstr(nn_last_error(), "val_loss") != NULL);
    double *v;
    CHECK(nn_table_numbers(&t, 1, &v) == 0 && v[1] == 0.4);
    free(v);
    CHECK(nn_table_numbers(&t, 2, &v) == -1 && strstr(nn_last_error(), "line 5") != NULL);
    CHECK(strcmp(nn_table_cell(&t, 1, 2), "") == 0);
    nn_table_free(&t);

    t = table_of("cat\t5\ndog\t7\n", NN_TABLE_HEADER_AUTO); /* names in both rows: no header */
    CHECK(t.header == NULL && t.rows == 2);
    nn_table_free(&t);
    char *bad = strdup("a\tb\nc\n");
    CHECK(nn_table_parse(bad, strlen(bad), NN_TABLE_HEADER_AUTO, &t) == -1 && strstr(nn_last_error(), "line 2"));
    nn_table_free(&t);
    char *empty = strdup("\n\n");
    CHECK(nn_table_parse(empty, strlen(empty), NN_TABLE_HEADER_AUTO, &t) == -1);
    nn_table_free(&t);
}

static void test_svg_escape(void)
{
    nn_svg s;
    nn_svg_begin(&s, 100, 100);
    nn_svg_text(&s, 1, 2, "start", 12, NULL, "a<b & \"c\"");
    CHECK(nn_svg_finish(&s) == 0);
    CHECK(strstr(s.buf, "a&lt;b &amp; &quot;c&quot;") != NULL);
    CHECK(strstr(s.buf, "</svg>") != NULL);
    nn_svg_free(&s);
}

static void test_scatter(void)
{
    enum { N = 300 };
    float xy[2 * N];
    int64_t lab[N];
    for (int i = 0; i < N; i++) {
        xy[2 * i] = (float)cos(i * 0.1) * (float)(i % 3 + 1);
        xy[2 * i + 1] = (float)sin(i * 0.1);
        lab[i] = i % 3 == 2 ? 4 : i % 3; /* classes 0, 1, 4 (2 and 3 absent) */
    }
    xy[10] = NAN; /* skipped */
    nn_chart_opts o;
    nn_chart_opts_init(&o);
    o.title = "digits & co";
    const char *names[] = {"zero", "one"};
    nn_svg s;
    CHECK(nn_plot_scatter(xy, N, lab, names, 2, 0, 0, &o, &s) == 0);
    CHECK(count_substr(s.buf, "<path stroke=") == 3);
    CHECK(count_substr(s.buf, "h0") == N - 1);
    CHECK(strstr(s.buf, ">zero</text>") && strstr(s.buf, ">one</text>") && strstr(s.buf, ">4</text>"));
    CHECK(strstr(s.buf, "digits &amp; co") != NULL);
    nn_svg_free(&s);
    lab[7] = -1;
    CHECK(nn_plot_scatter(xy, N, lab, NULL, 0, 0, 0, &o, &s) == -1);
    CHECK(nn_plot_scatter(xy, 0, NULL, NULL, 0, 0, 0, &o, &s) == -1);
    o.width = 10;
    CHECK(nn_plot_scatter(xy, N, NULL, NULL, 0, 0, 0, &o, &s) == -1);
}

static void test_hist_bar_lines(void)
{
    double v[] = {0, 0.1, 0.2, 0.9, 1.0, 1.0, NAN};
    nn_chart_opts o;
    nn_chart_opts_init(&o);
    nn_svg s;
    CHECK(nn_plot_hist(v, 7, 2, &o, &s) == 0);
    /* two bars: 3 values in [0, 0.5), 3 in [0.5, 1] (last edge included) */
    CHECK(count_substr(s.buf, "<rect x=") == 2 + 2); /* + clip path and frame */
    nn_svg_free(&s);
    CHECK(nn_plot_hist(v, 7, 0, &o, &s) == -1);
    double nanv[] = {NAN};
    CHECK(nn_plot_hist(nanv, 1, 10, &o, &s) == -1);

    const char *names[] = {"O", "B-geo", "I-geo"};
    double counts[] = {887908, 37644, 7414};
    CHECK(nn_plot_bar(names, counts, 3, 1, &o, &s) == 0);
    CHECK(strstr(s.buf, ">887,908</text>") != NULL && strstr(s.buf, ">B-geo</text>") != NULL);
    nn_svg_free(&s);
    /* A long UTF-8 name is cut after 24 characters, on a character boundary. */
    const char *long_names[] = {"\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
                                "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
                                "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"};
    double one[] = {1};
    CHECK(nn_plot_bar(long_names, one, 1, 0, &o, &s) == 0);
    CHECK(strstr(s.buf, "\xc3\xa9\xe2\x80\xa6</text>") != NULL);
    nn_svg_free(&s);

    double x[] = {1, 2, 3, 4}, y0[] = {1, 0.5, 0.25, 0.2}, y1[] = {1.1, 0.7, NAN, 0.5};
    const double *ys[] = {y0, y1};
    const char *ln[] = {"loss", "val_loss"};
    CHECK(nn_plot_lines(x, ys, ln, 2, 4, &o, &s) == 0);
    CHECK(count_substr(s.buf, "<path fill=\"none\"") == 3); /* the NaN splits val_loss */
    CHECK(strstr(s.buf, ">val_loss</text>") != NULL);
    /* whole x values (epochs): ticks 1, 2, 3, 4 and none between them */
    CHECK(strstr(s.buf, ">2</text>") != NULL && strstr(s.buf, ">3</text>") != NULL);
    CHECK(strstr(s.buf, ">1.5</text>") == NULL && strstr(s.buf, ">2.5</text>") == NULL);
    nn_svg_free(&s);
    double xf[] = {1, 1.5, 2, 4}; /* not whole: half steps are fine */
    CHECK(nn_plot_lines(xf, ys, ln, 2, 4, &o, &s) == 0);
    CHECK(strstr(s.buf, ">1.5</text>") != NULL);
    nn_svg_free(&s);
}

static void test_zipf(void)
{
    double c[1000];
    for (int i = 0; i < 1000; i++)
        c[999 - i] = 1e6 / (i + 1); /* exact power law, reversed order */
    nn_chart_opts o;
    nn_chart_opts_init(&o);
    nn_svg s;
    CHECK(nn_plot_zipf(c, 1000, &o, &s) == 0);
    CHECK(strstr(s.buf, "slope -1.00") != NULL);
    CHECK(strstr(s.buf, "<tspan") != NULL); /* 10^k labels */
    nn_svg_free(&s);
    double z[] = {0, 0};
    CHECK(nn_plot_zipf(z, 2, &o, &s) == -1);
    double neg[] = {3, -1};
    CHECK(nn_plot_zipf(neg, 2, &o, &s) == -1);
}

static void test_font(void)
{
    uint8_t img[20 * 10 * 3];
    memset(img, 255, sizeof img);
    nn_rgb ink = {0, 0, 0};
    CHECK(nn_grid_text_width("-1.5", 1) == 4 + 4 + 2 + 3);
    CHECK(nn_grid_text(img, 20, 10, 0, 0, 1, "1", ink) == 4);
    /* "1": top row 010, second row 110 */
    CHECK(img[0] == 255 && img[3] == 0 && img[(20 + 0) * 3] == 0);
    CHECK(nn_grid_text(img, 20, 10, 0, 0, 1, "a", ink) == -1);
    CHECK(nn_grid_text_ok("-0.25") && !nn_grid_text_ok("z=1"));
}

static void test_grid(void)
{
    nn_array a, b;
    int64_t shape[3] = {4, 2, 3};
    CHECK(nn_array_alloc(&a, NN_U8, 3, shape) == 0);
    CHECK(nn_array_alloc(&b, NN_F32, 3, shape) == 0);
    for (int i = 0; i < 24; i++) {
        ((uint8_t *)a.data)[i] = (uint8_t)(i * 10);
        ((float *)b.data)[i] = 1.0f;
    }
    const nn_array *in[2] = {&a, &b};
    nn_grid_opts o;
    nn_grid_opts_init(&o);
    o.cols = 2;
    o.scale = 2;
    uint8_t *rgb;
    int w, h;
    CHECK(nn_grid_render(in, 2, 0, 4, &o, &rgb, &w, &h) == 0);
    /* 2 columns of 6 px + 3 pads; 2 blocks x 2 inputs of 4 px + 5 pads + a block gap of 3 */
    CHECK(w == 2 * 6 + 3 && h == 4 * 4 + 5 + 3);
    /* first image, pixel (0, 0) = 0 -> black; b is all 1.0 -> white */
    CHECK(rgb[(1 * w + 1) * 3] == 0);
    CHECK(rgb[((1 + 4 + 1) * w + 1) * 3] == 255);
    free(rgb);
    CHECK(nn_grid_render(in, 2, 2, 4, &o, &rgb, &w, &h) == -1); /* not enough images */
    const char *labels[] = {"-1", "x"};
    o.col_labels = labels;
    o.n_col_labels = 2;
    CHECK(nn_grid_render(in, 1, 0, 2, &o, &rgb, &w, &h) == -1 && strstr(nn_last_error(), "'x'"));
    int64_t n;
    int gh, gw, gc;
    int64_t flat[2] = {5, 784};
    nn_array f;
    CHECK(nn_array_alloc(&f, NN_F32, 2, flat) == 0);
    CHECK(nn_grid_geometry(&f, &n, &gh, &gw, &gc) == 0 && gh == 28 && gw == 28 && gc == 1);
    f.shape[1] = 785;
    CHECK(nn_grid_geometry(&f, &n, &gh, &gw, &gc) == -1);
    f.shape[1] = 784;
    nn_array_free(&f);
    nn_array_free(&a);
    nn_array_free(&b);
}

int main(void)
{
    RUN(test_nice_ticks);
    RUN(test_tick_labels);
    RUN(test_colours);
    RUN(test_table);
    RUN(test_svg_escape);
    RUN(test_scatter);
    RUN(test_hist_bar_lines);
    RUN(test_zipf);
    RUN(test_font);
    RUN(test_grid);
    return check_summary();
}
