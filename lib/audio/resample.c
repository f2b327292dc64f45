#include "audio/resample.h"

#include "core/error.h"
#include "core/mem.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static const double PI = 3.14159265358979323846;
static const double KAISER_BETA = 8.6;
#define MAX_TAPS 4096

static int64_t gcd64(int64_t a, int64_t b)
{
    while (b) {
        int64_t t = a % b;
        a = b;
        b = t;
    }
    return a;
}

/* Modified Bessel function of the first kind, order 0 (power series). */
static double bessel_i0(double x)
{
    double sum = 1, term = 1, q = x * x / 4;
    for (int k = 1; k < 60; k++) {
        term *= q / ((double)k * k);
        sum += term;
        if (term < sum * 1e-17)
            break;
    }
    return sum;
}

/* The low-pass kernel at distance d input samples; cutoff fc in cycles per
 * input sample, support |d| < width. */
static double kernel(double d, double fc, double width)
{
    double r = d / width;
    if (r <= -1 || r >= 1)
        return 0;
    double s = d == 0 ? 1.0 : sin(2 * PI * fc * d) / (2 * PI * fc * d);
    return 2 * fc * s * bessel_i0(KAISER_BETA * sqrt(1 - r * r));
}

/* sum h[k] x[k] in 8 float lanes (vectorizes; fixed order, so results do
 * not depend on threads or the caller). */
static float dot(const float *h, const float *x, int n)
{
    float lane[8] = {0};
    int k = 0;
    for (; k + 8 <= n; k += 8)
        for (int l = 0; l < 8; l++)
            lane[l] += h[k + l] * x[k + l];
    float acc = 0;
    for (; k < n; k++)
        acc += h[k] * x[k];
    for (int l = 0; l < 8; l++)
        acc += lane[l];
    return acc;
}

int64_t nn_resample_length(int64_t n, int in_rate, int out_rate)
{
    if (in_rate == out_rate)
        return n;
    /* ceil(n * out / in) without overflow for audio-sized n. */
    return (int64_t)ceil((double)n * out_rate / in_rate - 1e-9);
}

/* Taps for one phase (fractional offset frac in [0, 1)): weights of input
 * samples base - taps/2 + 1 + k, k in [0, taps), normalized to sum 1. */
static void phase_taps(double frac, int taps, double fc, double width, float *w)
{
    double sum = 0;
    double tmp[MAX_TAPS];
    for (int k = 0; k < taps; k++) {
        double d = (double)(k - taps / 2 + 1) - frac;
        tmp[k] = kernel(d, fc, width);
        sum += tmp[k];
    }
    for (int k = 0; k < taps; k++)
        w[k] = (float)(sum != 0 ? tmp[k] / sum : 0);
}

int nn_resample(const float *x, int64_t n, int in_rate, int out_rate, float **out, int64_t *out_n)
{
    *out = NULL;
    *out_n = 0;
    if (in_rate < 1 || out_rate < 1)
        return nn_set_error("sample rates must be positive (got %d -> %d)", in_rate, out_rate);
    if (n < 0)
        return nn_set_error("negative sample count");
    int64_t m = nn_resample_length(n, in_rate, out_rate);
    float *y = nn_alloc((size_t)(m ? m : 1), sizeof *y);
    if (!y)
        return -1;
    if (in_rate == out_rate) {
        if (n)
            memcpy(y, x, (size_t)n * sizeof *y);
        *out = y;
        *out_n = n;
        return 0;
    }
    int64_t g = gcd64(in_rate, out_rate), up = out_rate / g, down = in_rate / g;
    double fc = 0.5 * NN_RESAMPLE_ROLLOFF * (out_rate < in_rate ? (double)out_rate / in_rate : 1.0);
    /* Half-width in input samples: ZEROS zero crossings of the sinc. */
    double width = NN_RESAMPLE_ZEROS / (2 * fc);
    int taps = 2 * (int)ceil(width) + 2;
    if (taps > MAX_TAPS) /* down-sampling by more than ~60x */
        return free(y), nn_set_error("resampling %d -> %d: ratio too large", in_rate, out_rate);
    float *table = NULL, *w = NULL;
    if ((double)up * taps <= 4e6) {
        table = nn_alloc((size_t)up * (size_t)taps, sizeof *table);
        if (!table)
            return free(y), -1;
        for (int64_t p = 0; p < up; p++)
            phase_taps((double)p / (double)up, taps, fc, width, table + p * taps);
    } else {
        w = nn_alloc((size_t)taps, sizeof *w);
        if (!w)
            return free(y), -1;
    }
    for (int64_t j = 0; j < m; j++) {
        /* Input position j * down / up = base + phase / up. */
        int64_t pos = j * down, base = pos / up, phase = pos % up;
        const float *h = table ? table + phase * taps : w;
        if (!table)
            phase_taps((double)phase / (double)up, taps, fc, width, w);
        int64_t first = base - taps / 2 + 1;
        int k0 = first < 0 ? (int)-first : 0;
        int k1 = first + taps > n ? (int)(n - first) : taps;
        y[j] = dot(h + k0, x + first + k0, k1 - k0);
    }
    free(table);
    free(w);
    *out = y;
    *out_n = m;
    return 0;
}
