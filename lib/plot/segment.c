/* Segmentation triples; see segment.h. */
#include "plot/segment.h"

#include "core/error.h"
#include "core/mem.h"
#include "plot/colormap.h"

#include <string.h>

void nn_seg_opts_init(nn_seg_opts *o)
{
    o->scale = 2;
    o->pad = 2;
    o->alpha = 0.5;
    o->ignore = -1;
    o->positive = -1;
}

/* Colour of pixel (i, j) of panel `panel` of one sample. */
static nn_rgb pixel(const uint8_t *im, int c, const uint8_t *t, const uint8_t *p, int k, int panel,
                    const nn_seg_opts *o)
{
    nn_rgb v = c == 3 ? (nn_rgb){im[k * 3], im[k * 3 + 1], im[k * 3 + 2]} : (nn_rgb){im[k], im[k], im[k]};
    if (panel == 0)
        return v;
    int id = panel == 1 ? t[k] : p[k];
    if (panel == 1 && o->positive >= 0)
        id = id == o->positive;
    nn_rgb col = id == o->ignore ? (nn_rgb){0, 0, 0} : nn_palette(id);
    if (panel < 3)
        return col;
    double a = o->alpha;
    return (nn_rgb){(uint8_t)(v.r * (1 - a) + col.r * a + 0.5), (uint8_t)(v.g * (1 - a) + col.g * a + 0.5),
                    (uint8_t)(v.b * (1 - a) + col.b * a + 0.5)};
}

int nn_seg_render(const uint8_t *img, int c, const uint8_t *truth, const uint8_t *pred, int h, int w, int64_t start,
                  int64_t count, const nn_seg_opts *o, uint8_t **rgb, int *width, int *height)
{
    *rgb = NULL;
    if ((c != 1 && c != 3) || h < 1 || w < 1 || count < 1 || o->scale < 1 || o->pad < 0)
        return nn_set_error("bad picture geometry");
    /* panels: image, truth (optional), prediction, overlay (optional) */
    int panels[4], np = 0;
    panels[np++] = 0;
    if (truth)
        panels[np++] = 1;
    panels[np++] = 2;
    if (o->alpha > 0)
        panels[np++] = 3;
    int64_t pw = (int64_t)w * o->scale, ph = (int64_t)h * o->scale;
    int64_t W = np * (pw + o->pad) + o->pad, H = count * (ph + o->pad) + o->pad;
    if (W > 30000 || H > 60000)
        return nn_set_error("picture too large (%lldx%lld): show fewer or smaller images", (long long)W, (long long)H);
    uint8_t *out = nn_alloc((size_t)(W * H), 3);
    if (!out)
        return -1;
    memset(out, 255, (size_t)(W * H * 3));
    for (int64_t s = 0; s < count; s++) {
        int64_t n = start + s, px = (int64_t)h * w;
        const uint8_t *im = img + n * px * c, *t = truth ? truth + n * px : NULL, *p = pred + n * px;
        for (int q = 0; q < np; q++)
            for (int64_t y = 0; y < ph; y++)
                for (int64_t x = 0; x < pw; x++) {
                    int k = (int)((y / o->scale) * w + x / o->scale);
                    nn_rgb v = pixel(im, c, t, p, k, panels[q], o);
                    uint8_t *d = out + ((o->pad + s * (ph + o->pad) + y) * W + o->pad + q * (pw + o->pad) + x) * 3;
                    d[0] = v.r;
                    d[1] = v.g;
                    d[2] = v.b;
                }
    }
    *rgb = out;
    *width = (int)W;
    *height = (int)H;
    return 0;
}
