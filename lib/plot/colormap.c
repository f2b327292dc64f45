/* Palette and colour maps.
 *
 * viridis: piecewise-linear through nine anchor colours of the map (at
 * t = 0, 1/8, ..., 1); close to the published table at screen precision.
 * gnuplot2: gnuplot's rgbformulae 30, 31, 32 (r = t/0.32 - 0.78125,
 * g = 2t - 0.84, b = 4t / 1 / 1.84 - 2t / t/0.08 - 11.5 by segment). */
#include "plot/colormap.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static const nn_rgb tab10[10] = {
    {0x1f, 0x77, 0xb4}, {0xff, 0x7f, 0x0e}, {0x2c, 0xa0, 0x2c}, {0xd6, 0x27, 0x28}, {0x94, 0x67, 0xbd},
    {0x8c, 0x56, 0x4b}, {0xe3, 0x77, 0xc2}, {0x7f, 0x7f, 0x7f}, {0xbc, 0xbd, 0x22}, {0x17, 0xbe, 0xcf},
};

nn_rgb nn_palette(int i)
{
    if (i < 0)
        i = -i;
    nn_rgb c = tab10[i % 10];
    int round = (i / 10) % 3; /* 0: as is, 1: lighter, 2: darker */
    if (round == 1) {
        c.r = (uint8_t)(c.r + (255 - c.r) / 2);
        c.g = (uint8_t)(c.g + (255 - c.g) / 2);
        c.b = (uint8_t)(c.b + (255 - c.b) / 2);
    } else if (round == 2) {
        c.r = (uint8_t)(c.r * 6 / 10);
        c.g = (uint8_t)(c.g * 6 / 10);
        c.b = (uint8_t)(c.b * 6 / 10);
    }
    return c;
}

void nn_palette_hex(int i, char buf[8])
{
    nn_rgb c = nn_palette(i);
    snprintf(buf, 8, "#%02x%02x%02x", c.r, c.g, c.b);
}

static const char *names[NN_CMAP_COUNT] = {"gray", "viridis", "gnuplot2"};

int nn_cmap_parse(const char *name)
{
    for (int i = 0; i < NN_CMAP_COUNT; i++)
        if (strcmp(name, names[i]) == 0)
            return i;
    return -1;
}

const char *nn_cmap_names(void) { return "gray|viridis|gnuplot2"; }

static const nn_rgb viridis_anchors[9] = {
    {68, 1, 84},    {72, 40, 120},  {59, 82, 139},  {44, 114, 142}, {33, 145, 140},
    {39, 173, 129}, {94, 201, 98},  {170, 220, 50}, {253, 231, 37},
};

static uint8_t to_byte(double v)
{
    v = v < 0 ? 0 : v > 1 ? 1 : v;
    return (uint8_t)lround(v * 255);
}

nn_rgb nn_cmap_color(nn_cmap map, double t)
{
    if (!(t >= 0))
        t = 0;
    if (t > 1)
        t = 1;
    switch (map) {
    case NN_CMAP_VIRIDIS: {
        double p = t * 8;
        int i = (int)p;
        if (i >= 8)
            i = 7;
        double f = p - i;
        nn_rgb a = viridis_anchors[i], b = viridis_anchors[i + 1];
        nn_rgb c = {(uint8_t)lround(a.r + f * (b.r - a.r)), (uint8_t)lround(a.g + f * (b.g - a.g)),
                    (uint8_t)lround(a.b + f * (b.b - a.b))};
        return c;
    }
    case NN_CMAP_GNUPLOT2: {
        double b = t < 0.25 ? 4 * t : t < 0.42 ? 1.0 : t < 0.92 ? -2 * t + 1.84 : t / 0.08 - 11.5;
        nn_rgb c = {to_byte(t / 0.32 - 0.78125), to_byte(2 * t - 0.84), to_byte(b)};
        return c;
    }
    default: {
        uint8_t v = to_byte(t);
        nn_rgb c = {v, v, v};
        return c;
    }
    }
}
