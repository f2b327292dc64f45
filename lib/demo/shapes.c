/* Shapes on textured backgrounds with their label maps: a small
 * segmentation task laid out like CamVid (images/ and annotations/). */
#include "demo/demo.h"

#include <math.h>
#include <string.h>

static const char *const class_names[NN_DEMO_SHAPE_CLASSES] = {"background", "disc", "square", "triangle"};

const char *nn_demo_shape_class_name(int c)
{
    return c >= 0 && c < NN_DEMO_SHAPE_CLASSES ? class_names[c] : "?";
}

static uint8_t to_u8(double v) { return (uint8_t)(v < 0 ? 0 : v > 255 ? 255 : lrint(v)); }

/* Sign of the cross product: which side of edge a->b the point is on. */
static double edge(double ax, double ay, double bx, double by, double px, double py)
{
    return (bx - ax) * (py - ay) - (by - ay) * (px - ax);
}

void nn_demo_draw_shapes(nn_rng *rng, int w, int h, uint8_t *rgb, uint8_t *mask)
{
    /* Background: a base colour with two random stripes/waves and noise, so
     * that colour alone does not give the class away. */
    double base[3], amp[3];
    for (int c = 0; c < 3; c++) {
        base[c] = 60 + 120 * nn_rng_uniform(rng);
        amp[c] = 20 + 40 * nn_rng_uniform(rng);
    }
    double f1 = 0.05 + 0.3 * nn_rng_uniform(rng), f2 = 0.05 + 0.3 * nn_rng_uniform(rng);
    double a1 = 6.2832 * nn_rng_uniform(rng), a2 = 6.2832 * nn_rng_uniform(rng);
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) {
            double t = sin(f1 * (x * cos(a1) + y * sin(a1))) + 0.6 * sin(f2 * (x * cos(a2) + y * sin(a2)));
            for (int c = 0; c < 3; c++)
                rgb[(y * w + x) * 3 + c] = to_u8(base[c] + amp[c] * t * (c == 1 ? -1 : 1) + 12 * nn_rng_normal(rng));
        }
    memset(mask, NN_DEMO_BACKGROUND, (size_t)w * h);
    int count = 1 + (int)nn_rng_below(rng, 3);
    double m = w < h ? w : h;
    for (int s = 0; s < count; s++) {
        int cls = 1 + (int)nn_rng_below(rng, NN_DEMO_SHAPE_CLASSES - 1);
        double r = m * (0.16 + 0.18 * nn_rng_uniform(rng));
        double cx = r + (w - 2 * r) * nn_rng_uniform(rng), cy = r + (h - 2 * r) * nn_rng_uniform(rng);
        double ang = 6.2832 * nn_rng_uniform(rng);
        double col[3];
        for (int c = 0; c < 3; c++)
            col[c] = 255 * nn_rng_uniform(rng);
        /* Triangle corners, equilateral, rotated by ang. */
        double tx[3], ty[3];
        for (int k = 0; k < 3; k++) {
            tx[k] = cx + r * 1.2 * cos(ang + k * 2.0944);
            ty[k] = cy + r * 1.2 * sin(ang + k * 2.0944);
        }
        double ca = cos(ang), sa = sin(ang);
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++) {
                double px = x + 0.5, py = y + 0.5, dx = px - cx, dy = py - cy;
                int in;
                if (cls == NN_DEMO_DISC)
                    in = dx * dx + dy * dy <= r * r;
                else if (cls == NN_DEMO_SQUARE)
                    in = fabs(dx * ca + dy * sa) <= r * 0.85 && fabs(-dx * sa + dy * ca) <= r * 0.85;
                else {
                    double e0 = edge(tx[0], ty[0], tx[1], ty[1], px, py);
                    double e1 = edge(tx[1], ty[1], tx[2], ty[2], px, py);
                    double e2 = edge(tx[2], ty[2], tx[0], ty[0], px, py);
                    in = (e0 >= 0 && e1 >= 0 && e2 >= 0) || (e0 <= 0 && e1 <= 0 && e2 <= 0);
                }
                if (!in)
                    continue;
                mask[y * w + x] = (uint8_t)cls;
                /* Shading across the shape and noise: not one flat colour. */
                double shade = 0.8 + 0.2 * (dx / (r + 1));
                for (int c = 0; c < 3; c++)
                    rgb[(y * w + x) * 3 + c] = to_u8(col[c] * shade + 10 * nn_rng_normal(rng));
            }
    }
}
