/* Image grid composition and the tiny bitmap font. */
#include "plot/grid.h"

#include "core/error.h"
#include "core/mem.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* 3x5 glyphs, one row per 3-bit number (top row first, bit 2 = left). */
static const char glyph_chars[] = "0123456789-.";
static const uint8_t glyphs[12][5] = {
    {7, 5, 5, 5, 7}, /* 0 */
    {2, 6, 2, 2, 7}, /* 1 */
    {7, 1, 7, 4, 7}, /* 2 */
    {7, 1, 7, 1, 7}, /* 3 */
    {5, 5, 7, 1, 1}, /* 4 */
    {7, 4, 7, 1, 7}, /* 5 */
    {7, 4, 7, 5, 7}, /* 6 */
    {7, 1, 1, 2, 2}, /* 7 */
    {7, 5, 7, 5, 7}, /* 8 */
    {7, 5, 7, 1, 7}, /* 9 */
    {0, 0, 7, 0, 0}, /* - */
    {0, 0, 0, 0, 2}, /* . */
};

void nn_grid_opts_init(nn_grid_opts *o)
{
    memset(o, 0, sizeof *o);
    o->cols = 10;
    o->scale = 1;
    o->pad = 1;
    o->cmap = NN_CMAP_GRAY;
    o->vmin = 0;
    o->vmax = 1;
}

int nn_grid_text_ok(const char *text)
{
    for (const char *c = text; *c; c++)
        if (!strchr(glyph_chars, *c))
            return 0;
    return 1;
}

/* '.' is narrow: one column plus a gap; others three plus a gap. */
static int char_advance(char c, int px) { return (c == '.' ? 2 : 4) * px; }

int nn_grid_text_width(const char *text, int px)
{
    int w = 0;
    for (const char *c = text; *c; c++)
        w += char_advance(*c, px);
    return w > 0 ? w - px : 0; /* no gap after the last */
}

int nn_grid_text(uint8_t *rgb, int width, int height, int x, int y, int px, const char *text, nn_rgb color)
{
    int x0 = x;
    for (const char *c = text; *c; c++) {
        const char *pos = strchr(glyph_chars, *c);
        if (!pos || !*c)
            return -1;
        const uint8_t *g = glyphs[pos - glyph_chars];
        int narrow = *c == '.';
        for (int gy = 0; gy < 5; gy++)
            for (int gx = 0; gx < 3; gx++) {
                if (!(g[gy] >> (2 - gx) & 1))
                    continue;
                int cx = narrow ? 0 : gx; /* the dot sits in column 1: draw it at 0 */
                for (int dy = 0; dy < px; dy++)
                    for (int dx = 0; dx < px; dx++) {
                        int X = x + cx * px + dx, Y = y + gy * px + dy;
                        if (X < 0 || Y < 0 || X >= width || Y >= height)
                            continue;
                        uint8_t *p = rgb + ((size_t)Y * (size_t)width + (size_t)X) * 3;
                        p[0] = color.r, p[1] = color.g, p[2] = color.b;
                    }
            }
        x += char_advance(*c, px);
    }
    return x - x0;
}

int nn_grid_geometry(const nn_array *a, int64_t *n, int *h, int *w, int *c)
{
    *n = a->ndim >= 1 ? a->shape[0] : 0;
    int64_t H, W, C = 1;
    if (a->ndim == 2) {
        int64_t d = a->shape[1], s = (int64_t)llround(sqrt((double)d));
        if (s * s != d || d == 0)
            return nn_set_error("(N, %lld) rows are not square images: give (N, H, W)", (long long)d);
        H = W = s;
    } else if (a->ndim == 3) {
        H = a->shape[1], W = a->shape[2];
    } else if (a->ndim == 4) {
        H = a->shape[1], W = a->shape[2], C = a->shape[3];
        if (C != 1 && C != 3 && C != 4)
            return nn_set_error("%lld channels: images need 1, 3 or 4", (long long)C);
    } else
        return nn_set_error("a %d-D array is not a stack of images: give (N, H, W) or (N, H, W, C)", a->ndim);
    if (H < 1 || W < 1 || H > 4096 || W > 4096)
        return nn_set_error("image size %lldx%lld is out of range (1 to 4096)", (long long)H, (long long)W);
    *h = (int)H, *w = (int)W, *c = (int)C;
    return 0;
}

/* Per input: how values map to [0, 1]. */
static void value_range(const nn_array *a, const nn_grid_opts *o, double *lo, double *hi)
{
    if (a->dtype == NN_U8) {
        *lo = 0, *hi = 255;
        return;
    }
    int integer = !nn_dtype_is_float(a->dtype);
    if (!integer && !isnan(o->vmin) && !isnan(o->vmax)) {
        *lo = o->vmin, *hi = o->vmax;
        return;
    }
    double a0 = INFINITY, a1 = -INFINITY;
    for (size_t i = 0, n = nn_array_count(a); i < n; i++) {
        double v = nn_array_get(a, i);
        if (isfinite(v)) {
            a0 = v < a0 ? v : a0;
            a1 = v > a1 ? v : a1;
        }
    }
    if (integer && a0 >= 0 && a1 <= 255) { /* pixels widened to int32/int64 */
        *lo = 0, *hi = 255;
        return;
    }
    if (!(a0 < a1)) { /* constant or empty: the low end of the map */
        a0 = isfinite(a0) ? a0 : 0;
        a1 = a0 + 1;
    }
    *lo = a0, *hi = a1;
}

int nn_grid_render(const nn_array *const *in, int n_in, int64_t start, int64_t count, const nn_grid_opts *o,
                   uint8_t **rgb_out, int *width_out, int *height_out)
{
    *rgb_out = NULL;
    if (n_in < 1)
        return nn_set_error("no input arrays");
    if (o->cols < 1 || o->scale < 1 || o->scale > 64 || o->pad < 0 || o->pad > 256)
        return nn_set_error("cols must be >= 1, scale 1..64 and pad 0..256");
    if (start < 0 || count < 1)
        return nn_set_error("nothing to draw (start %lld, count %lld)", (long long)start, (long long)count);
    int h = 0, w = 0, c;
    for (int i = 0; i < n_in; i++) {
        int64_t n;
        int hi_, wi, ci;
        if (nn_grid_geometry(in[i], &n, &hi_, &wi, &ci) < 0)
            return nn_set_error("input %d: %s", i + 1, nn_last_error());
        if (i == 0)
            h = hi_, w = wi;
        else if (hi_ != h || wi != w)
            return nn_set_error("input %d holds %dx%d images, input 1 %dx%d: they must match", i + 1, hi_, wi, h, w);
        if (n < start + count)
            return nn_set_error("input %d has %lld images, %lld needed (start %lld + count %lld)", i + 1,
                                (long long)n, (long long)(start + count), (long long)start, (long long)count);
    }
    int cols = count < o->cols ? (int)count : o->cols;
    int64_t blocks = (count + cols - 1) / cols;
    int64_t grid_rows = blocks * n_in;
    if (o->n_col_labels > cols)
        return nn_set_error("%d column labels for %d columns", o->n_col_labels, cols);
    if (o->n_row_labels > grid_rows)
        return nn_set_error("%d row labels for %lld rows", o->n_row_labels, (long long)grid_rows);
    for (int i = 0; i < o->n_col_labels; i++)
        if (!nn_grid_text_ok(o->col_labels[i]))
            return nn_set_error("label '%s': only digits, '-' and '.' can be drawn", o->col_labels[i]);
    for (int i = 0; i < o->n_row_labels; i++)
        if (!nn_grid_text_ok(o->row_labels[i]))
            return nn_set_error("label '%s': only digits, '-' and '.' can be drawn", o->row_labels[i]);

    int cw = w * o->scale, ch = h * o->scale, pad = o->pad;
    int px = o->font > 0 ? o->font : (ch >= 60 ? 3 : ch >= 28 ? 2 : 1);
    /* Column labels must fit their column: a smaller font, then only
     * every k-th label. */
    int widest = 0, every = 1;
    for (int i = 0; i < o->n_col_labels; i += every) {
        int tw = nn_grid_text_width(o->col_labels[i], 1);
        widest = tw > widest ? tw : widest;
    }
    if (o->font <= 0)
        while (px > 1 && widest * px > cw + pad - 2 * px)
            px--;
    while (every < cols && widest * px > every * (cw + pad) - 3 * px)
        every++;
    /* Inputs stacked in blocks: a wider gap between blocks groups them. */
    int block_gap = n_in > 1 ? 3 * (pad > 0 ? pad : 1) : 0;
    int left = 0, bottom = 0;
    for (int i = 0; i < o->n_row_labels; i++) {
        int tw = nn_grid_text_width(o->row_labels[i], px) + 3 * px;
        left = tw > left ? tw : left;
    }
    if (o->n_col_labels)
        bottom = 8 * px;
    double W = (double)left + pad + (double)cols * (cw + pad),
           H = (double)pad + (double)grid_rows * (ch + pad) + (double)(blocks - 1) * block_gap + bottom;
    if (W * H > 1e9 || W > 65535 || H > 65535)
        return nn_set_error("the grid would be %.0fx%.0f pixels: too large", W, H);
    int width = (int)W, height = (int)H;
    uint8_t *rgb = nn_alloc((size_t)width * (size_t)height, 3);
    if (!rgb)
        return -1;
    memset(rgb, 255, (size_t)width * (size_t)height * 3);

    for (int i = 0; i < n_in; i++) {
        const nn_array *a = in[i];
        int64_t n;
        nn_grid_geometry(a, &n, &h, &w, &c);
        double lo, hi;
        value_range(a, o, &lo, &hi);
        size_t img = (size_t)h * (size_t)w * (size_t)c;
        for (int64_t k = 0; k < count; k++) {
            int64_t b = k / cols;
            int col = (int)(k % cols);
            int64_t row = b * n_in + i;
            int x0 = left + pad + col * (cw + pad), y0 = pad + (int)row * (ch + pad) + (int)b * block_gap;
            size_t base = (size_t)(start + k) * img;
            for (int y = 0; y < h; y++)
                for (int x = 0; x < w; x++) {
                    size_t e = base + ((size_t)y * (size_t)w + (size_t)x) * (size_t)c;
                    nn_rgb px_color;
                    if (c >= 3) {
                        uint8_t v[3];
                        for (int q = 0; q < 3; q++) {
                            double t = (nn_array_get(a, e + (size_t)q) - lo) / (hi - lo);
                            t = t < 0 || isnan(t) ? 0 : t > 1 ? 1 : t;
                            v[q] = (uint8_t)lround(t * 255);
                        }
                        px_color = (nn_rgb){v[0], v[1], v[2]};
                    } else
                        px_color = nn_cmap_color(o->cmap, (nn_array_get(a, e) - lo) / (hi - lo));
                    for (int dy = 0; dy < o->scale; dy++) {
                        uint8_t *p = rgb + ((size_t)(y0 + y * o->scale + dy) * (size_t)width +
                                            (size_t)(x0 + x * o->scale)) * 3;
                        for (int dx = 0; dx < o->scale; dx++, p += 3)
                            p[0] = px_color.r, p[1] = px_color.g, p[2] = px_color.b;
                    }
                }
        }
    }
    nn_rgb ink = {34, 34, 34};
    for (int i = 0; i < o->n_col_labels; i += every) {
        int tw = nn_grid_text_width(o->col_labels[i], px);
        int x = left + pad + i * (cw + pad) + (cw - tw) / 2;
        nn_grid_text(rgb, width, height, x, height - bottom + 2 * px, px, o->col_labels[i], ink);
    }
    for (int i = 0; i < o->n_row_labels; i++) {
        int tw = nn_grid_text_width(o->row_labels[i], px);
        int y = pad + i * (ch + pad) + i / n_in * block_gap + (ch - 5 * px) / 2;
        nn_grid_text(rgb, width, height, left - 2 * px - tw, y, px, o->row_labels[i], ink);
    }
    *rgb_out = rgb;
    *width_out = width;
    *height_out = height;
    return 0;
}
