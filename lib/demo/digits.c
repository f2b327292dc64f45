/* Handwriting-like digits from a 5x7 font: MNIST's shape (28x28, ink on
 * black, roughly centred in a 20x20 box) without its data. */
#include "core/error.h"
#include "core/file.h"
#include "core/mem.h"
#include "demo/demo.h"
#include "io/gzip.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Rows top to bottom, bit 4 = leftmost column. */
static const uint8_t font5x7[10][7] = {
    {0x0E, 0x11, 0x13, 0x15, 0x19, 0x11, 0x0E}, /* 0 */
    {0x04, 0x0C, 0x04, 0x04, 0x04, 0x04, 0x0E}, /* 1 */
    {0x0E, 0x11, 0x01, 0x02, 0x04, 0x08, 0x1F}, /* 2 */
    {0x1F, 0x02, 0x04, 0x02, 0x01, 0x11, 0x0E}, /* 3 */
    {0x02, 0x06, 0x0A, 0x12, 0x1F, 0x02, 0x02}, /* 4 */
    {0x1F, 0x10, 0x1E, 0x01, 0x01, 0x11, 0x0E}, /* 5 */
    {0x06, 0x08, 0x10, 0x1E, 0x11, 0x11, 0x0E}, /* 6 */
    {0x1F, 0x01, 0x02, 0x04, 0x08, 0x08, 0x08}, /* 7 */
    {0x0E, 0x11, 0x11, 0x0E, 0x11, 0x11, 0x0E}, /* 8 */
    {0x0E, 0x11, 0x11, 0x0F, 0x01, 0x02, 0x0C}, /* 9 */
};

static double clamp01(double v) { return v < 0 ? 0 : v > 1 ? 1 : v; }

/* Distance from (px, py) to the segment (ax, ay)-(bx, by). */
static double seg_dist(double px, double py, double ax, double ay, double bx, double by)
{
    double dx = bx - ax, dy = by - ay, l2 = dx * dx + dy * dy;
    double t = l2 > 0 ? ((px - ax) * dx + (py - ay) * dy) / l2 : 0;
    t = t < 0 ? 0 : t > 1 ? 1 : t;
    double ex = ax + t * dx - px, ey = ay + t * dy - py;
    return sqrt(ex * ex + ey * ey);
}

void nn_demo_draw_digit(nn_rng *rng, int digit, uint8_t img[28 * 28])
{
    /* Font cell (c, r) has its centre at ((c - 2), (r - 3)) in font units;
     * an affine map sends font units to pixels: scale ~2.7 px per unit
     * (the 7-row glyph spans about 19 px, as MNIST's 20-px box), a slant
     * (shear), a small rotation and a shift of up to 2 px. */
    double sy = 2.6 + 0.5 * nn_rng_uniform(rng);
    double sx = sy * (0.8 + 0.35 * nn_rng_uniform(rng));
    double shear = 0.35 * (nn_rng_uniform(rng) - 0.3);
    double rot = 0.18 * (nn_rng_uniform(rng) - 0.5);
    double cx = 13.5 + 2.0 * (nn_rng_uniform(rng) - 0.5) * 2;
    double cy = 13.5 + 2.0 * (nn_rng_uniform(rng) - 0.5) * 2;
    double width = 0.9 + 0.9 * nn_rng_uniform(rng); /* stroke half-width in px */
    double cr = cos(rot), sr = sin(rot);
    /* Pixel centres of the glyph's on-cells. */
    double pts[35][2];
    int np = 0;
    for (int r = 0; r < 7; r++)
        for (int c = 0; c < 5; c++)
            if (font5x7[digit][r] & (0x10 >> c)) {
                double u = (c - 2) * sx + (r - 3) * sy * shear * -1.0, v = (r - 3) * sy;
                pts[np][0] = cx + cr * u - sr * v;
                pts[np][1] = cy + sr * u + cr * v;
                np++;
            }
    /* A stray stroke in a quarter of the images (a pen slip). */
    int stray = nn_rng_uniform(rng) < 0.25;
    double s0x = 4 + 20 * nn_rng_uniform(rng), s0y = 4 + 20 * nn_rng_uniform(rng);
    double s1x = s0x + 8 * (nn_rng_uniform(rng) - 0.5), s1y = s0y + 8 * (nn_rng_uniform(rng) - 0.5);
    /* Strokes join neighbouring on-cells (8-connected), so the glyph reads
     * as lines rather than dots; a lone cell is a dot. */
    double segs[80][4];
    int ns = 0;
    for (int i = 0; i < np; i++)
        for (int j = i; j < np && ns < 80; j++) {
            double ddx = pts[j][0] - pts[i][0], ddy = pts[j][1] - pts[i][1];
            if (j != i && ddx * ddx + ddy * ddy > 1.4 * (sx * sx + sy * sy))
                continue;
            segs[ns][0] = pts[i][0], segs[ns][1] = pts[i][1];
            segs[ns][2] = pts[j][0], segs[ns][3] = pts[j][1];
            ns++;
        }
    for (int y = 0; y < 28; y++)
        for (int x = 0; x < 28; x++) {
            double best = 1e9;
            for (int k = 0; k < ns; k++) {
                double d = seg_dist(x, y, segs[k][0], segs[k][1], segs[k][2], segs[k][3]);
                if (d < best)
                    best = d;
            }
            double ink = clamp01(width + 0.5 - best);
            if (stray)
                ink = fmax(ink, 0.8 * clamp01(0.9 - seg_dist(x, y, s0x, s0y, s1x, s1y)));
            double noise = 0.045 * nn_rng_normal(rng);
            double v = ink > 0 ? ink * (0.85 + 0.15 * nn_rng_uniform(rng)) + noise : (noise > 0.12 ? noise : 0);
            img[y * 28 + x] = (uint8_t)lrint(255 * clamp01(v));
        }
}

int nn_demo_digits(uint64_t seed, int64_t n, nn_array *images, nn_array *labels)
{
    if (n < 1)
        return nn_set_error("the number of images must be at least 1");
    int64_t ishape[3] = {n, 28, 28}, lshape[1] = {n};
    if (nn_array_alloc(images, NN_U8, 3, ishape) < 0)
        return -1;
    if (nn_array_alloc(labels, NN_U8, 1, lshape) < 0) {
        nn_array_free(images);
        return -1;
    }
    nn_rng rng;
    nn_rng_seed(&rng, seed);
    int64_t *order = nn_alloc((size_t)n, sizeof *order);
    if (!order) {
        nn_array_free(images);
        nn_array_free(labels);
        return -1;
    }
    for (int64_t i = 0; i < n; i++)
        order[i] = i % 10;
    nn_rng_shuffle_i64(&rng, order, n);
    uint8_t *im = images->data, *lab = labels->data;
    for (int64_t i = 0; i < n; i++) {
        lab[i] = (uint8_t)order[i];
        nn_demo_draw_digit(&rng, (int)order[i], im + i * 784);
    }
    free(order);
    return 0;
}

int nn_demo_save_idx_gz(const char *path, const nn_array *a)
{
    if (a->dtype != NN_U8 || a->ndim < 1 || a->ndim > 3)
        return nn_set_error("IDX .gz: uint8 arrays of 1 to 3 dimensions only");
    size_t hdr = 4 + 4 * (size_t)a->ndim, body = nn_array_bytes(a);
    uint8_t *raw = nn_alloc(hdr + body, 1);
    if (!raw)
        return -1;
    raw[0] = raw[1] = 0;
    raw[2] = 0x08;
    raw[3] = (uint8_t)a->ndim;
    for (int d = 0; d < a->ndim; d++) {
        uint32_t v = (uint32_t)a->shape[d];
        raw[4 + 4 * d] = (uint8_t)(v >> 24);
        raw[5 + 4 * d] = (uint8_t)(v >> 16);
        raw[6 + 4 * d] = (uint8_t)(v >> 8);
        raw[7 + 4 * d] = (uint8_t)v;
    }
    memcpy(raw + hdr, a->data, body);
    uint8_t *gz;
    size_t gzlen;
    int rc = nn_gzip(raw, hdr + body, 6, &gz, &gzlen);
    free(raw);
    if (rc < 0)
        return -1;
    nn_output out;
    if (nn_output_open(&out, path) < 0) {
        free(gz);
        return -1;
    }
    if (fwrite(gz, 1, gzlen, out.fp) != gzlen) {
        free(gz);
        nn_output_abort(&out);
        return nn_set_error("write error");
    }
    free(gz);
    return nn_output_commit(&out);
}
