/* Stand-ins for spoken digits: each digit has its own pitch contour and
 * two partials ("formants") gliding between digit-specific frequencies;
 * a speaker scales the pitch and the formants, as voices differ. */
#include "core/error.h"
#include "core/mem.h"
#include "demo/demo.h"

#include <math.h>

/* Per digit: start and end frequency of the two partials (Hz), and the
 * pitch contour (start, end as a factor of the speaker's pitch). */
static const double digit_shape[10][6] = {
    {500, 300, 1500, 1100, 1.0, 0.8},  {700, 600, 1100, 1900, 1.1, 0.9},
    {300, 700, 2200, 1200, 0.9, 1.0},  {400, 400, 2000, 2400, 1.2, 0.8},
    {600, 400, 900, 900, 1.0, 1.0},    {750, 350, 1300, 2300, 0.8, 1.1},
    {350, 350, 2400, 1500, 1.1, 1.1},  {550, 650, 1700, 1000, 0.9, 0.7},
    {650, 450, 1800, 2100, 1.2, 1.0},  {450, 600, 1000, 1600, 1.0, 0.9},
};

int nn_demo_sound(nn_rng *rng, int digit, int speaker, int rate, float **samples, int64_t *n)
{
    if (digit < 0 || digit > 9 || rate < 4000)
        return nn_set_error("sound: digit 0-9 and a rate of at least 4000 Hz");
    const double *d = digit_shape[digit];
    double pitch = 95 + 23 * (speaker % 6);         /* Hz */
    double formant = 1.0 + 0.06 * ((speaker % 4) - 1.5); /* vocal tract length */
    double dur = 0.3 + 0.25 * nn_rng_uniform(rng) + 0.02 * digit;
    int64_t len = (int64_t)(dur * rate);
    float *x = nn_alloc((size_t)len, sizeof *x);
    if (!x)
        return -1;
    double ph0 = 0, ph1 = 0, ph2 = 0, peak = 1e-9;
    double jitter = 1 + 0.05 * nn_rng_normal(rng);
    for (int64_t i = 0; i < len; i++) {
        double t = (double)i / len; /* 0..1 through the word */
        double f0 = pitch * jitter * (d[4] + (d[5] - d[4]) * t);
        double f1 = formant * (d[0] + (d[1] - d[0]) * t), f2 = formant * (d[2] + (d[3] - d[2]) * t);
        ph0 += 2 * 3.14159265358979323846 * f0 / rate;
        ph1 += 2 * 3.14159265358979323846 * f1 / rate;
        ph2 += 2 * 3.14159265358979323846 * f2 / rate;
        /* Attack 10%, release 25%, a voiced buzz (pitch harmonics) that
         * carries the partials. */
        double env = t < 0.1 ? t / 0.1 : t > 0.75 ? (1 - t) / 0.25 : 1;
        double buzz = 0.6 + 0.4 * cos(ph0);
        double v = env * buzz * (0.7 * sin(ph1) + 0.35 * sin(ph2)) + 0.01 * nn_rng_normal(rng);
        x[i] = (float)v;
        if (fabs(v) > peak)
            peak = fabs(v);
    }
    double g = (0.3 + 0.5 * nn_rng_uniform(rng)) / peak;
    for (int64_t i = 0; i < len; i++)
        x[i] = (float)(x[i] * g);
    *samples = x;
    *n = len;
    return 0;
}
