#include "math/fft.h"

#include "core/error.h"
#include "core/mem.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

struct nn_fft_plan {
    size_t n;
    /* radix-2 (n a power of two): */
    double *tw;      /* n/2 twiddles exp(-2 pi i k / n), interleaved */
    size_t *rev;     /* bit-reversal permutation */
    /* Bluestein (other n): */
    nn_fft_plan *sub; /* power-of-two plan of length m >= 2n - 1 */
    double *chirp;    /* n values w_k = exp(-i pi k^2 / n) */
    double *bhat;     /* FFT (length m) of the conjugate chirp, wrapped */
};

static const double PI = 3.14159265358979323846;

size_t nn_fft_next_pow2(size_t n)
{
    size_t m = 1;
    while (m < n) {
        if (m > ((size_t)-1) / 2)
            return 0;
        m *= 2;
    }
    return m;
}

static int is_pow2(size_t n) { return n && !(n & (n - 1)); }

void nn_fft_plan_free(nn_fft_plan *p)
{
    if (!p)
        return;
    free(p->tw);
    free(p->rev);
    nn_fft_plan_free(p->sub);
    free(p->chirp);
    free(p->bhat);
    free(p);
}

size_t nn_fft_size(const nn_fft_plan *p) { return p->n; }

static int plan_pow2(nn_fft_plan *p)
{
    size_t n = p->n, half = n / 2 ? n / 2 : 1;
    p->tw = nn_alloc(half, 2 * sizeof(double));
    p->rev = nn_alloc(n, sizeof(size_t));
    if (!p->tw || !p->rev)
        return -1;
    for (size_t k = 0; k < half; k++) {
        double a = -2.0 * PI * (double)k / (double)n;
        p->tw[2 * k] = cos(a);
        p->tw[2 * k + 1] = sin(a);
    }
    int bits = 0;
    while (((size_t)1 << bits) < n)
        bits++;
    for (size_t i = 0; i < n; i++) {
        size_t r = 0;
        for (int b = 0; b < bits; b++)
            if (i & ((size_t)1 << b))
                r |= (size_t)1 << (bits - 1 - b);
        p->rev[i] = r;
    }
    return 0;
}

/* Radix-2 decimation in time; sign -1 forward, +1 inverse (unscaled). */
static void fft_pow2(const nn_fft_plan *p, double *x, int sign)
{
    size_t n = p->n;
    for (size_t i = 0; i < n; i++) {
        size_t j = p->rev[i];
        if (j > i) {
            double tr = x[2 * i], ti = x[2 * i + 1];
            x[2 * i] = x[2 * j];
            x[2 * i + 1] = x[2 * j + 1];
            x[2 * j] = tr;
            x[2 * j + 1] = ti;
        }
    }
    for (size_t len = 2; len <= n; len *= 2) {
        size_t half = len / 2, step = n / len;
        for (size_t s = 0; s < n; s += len) {
            for (size_t k = 0; k < half; k++) {
                double wr = p->tw[2 * k * step], wi = -sign * p->tw[2 * k * step + 1];
                double *a = x + 2 * (s + k), *b = x + 2 * (s + k + half);
                double br = b[0] * wr - b[1] * wi, bi = b[0] * wi + b[1] * wr;
                b[0] = a[0] - br;
                b[1] = a[1] - bi;
                a[0] += br;
                a[1] += bi;
            }
        }
    }
}

static int plan_bluestein(nn_fft_plan *p)
{
    size_t n = p->n;
    if (n > ((size_t)-1) / 4)
        return nn_set_error("FFT length %zu is too large", n);
    size_t m = nn_fft_next_pow2(2 * n - 1);
    p->sub = nn_fft_plan_new(m);
    p->chirp = nn_alloc(n, 2 * sizeof(double));
    p->bhat = nn_calloc(m, 2 * sizeof(double));
    if (!p->sub || !p->chirp || !p->bhat)
        return -1;
    for (size_t k = 0; k < n; k++) {
        /* k^2 mod 2n keeps the angle small and exact for large k. */
        unsigned long long k2 = ((unsigned long long)k * k) % (2ULL * n);
        double a = -PI * (double)k2 / (double)n;
        p->chirp[2 * k] = cos(a);
        p->chirp[2 * k + 1] = sin(a);
    }
    /* b_k = conj(w_k) for k in (-n, n), stored circularly in length m. */
    for (size_t k = 0; k < n; k++) {
        p->bhat[2 * k] = p->chirp[2 * k];
        p->bhat[2 * k + 1] = -p->chirp[2 * k + 1];
        if (k) {
            p->bhat[2 * (m - k)] = p->chirp[2 * k];
            p->bhat[2 * (m - k) + 1] = -p->chirp[2 * k + 1];
        }
    }
    fft_pow2(p->sub, p->bhat, -1);
    return 0;
}

nn_fft_plan *nn_fft_plan_new(size_t n)
{
    if (n == 0) {
        nn_set_error("FFT length must be at least 1");
        return NULL;
    }
    nn_fft_plan *p = nn_calloc(1, sizeof *p);
    if (!p)
        return NULL;
    p->n = n;
    if ((is_pow2(n) ? plan_pow2(p) : plan_bluestein(p)) < 0) {
        nn_fft_plan_free(p);
        return NULL;
    }
    return p;
}

/* Forward transform by Bluestein:
 *   X_k = w_k sum_j (x_j w_j) conj(w_{k-j}),  w_k = exp(-i pi k^2 / n). */
static int fft_bluestein(const nn_fft_plan *p, double *x)
{
    size_t n = p->n, m = p->sub->n;
    double *a = nn_calloc(m, 2 * sizeof(double));
    if (!a)
        return -1;
    for (size_t k = 0; k < n; k++) {
        double wr = p->chirp[2 * k], wi = p->chirp[2 * k + 1];
        a[2 * k] = x[2 * k] * wr - x[2 * k + 1] * wi;
        a[2 * k + 1] = x[2 * k] * wi + x[2 * k + 1] * wr;
    }
    fft_pow2(p->sub, a, -1);
    for (size_t k = 0; k < m; k++) {
        double ar = a[2 * k], ai = a[2 * k + 1], br = p->bhat[2 * k], bi = p->bhat[2 * k + 1];
        a[2 * k] = ar * br - ai * bi;
        a[2 * k + 1] = ar * bi + ai * br;
    }
    fft_pow2(p->sub, a, +1);
    double inv_m = 1.0 / (double)m;
    for (size_t k = 0; k < n; k++) {
        double wr = p->chirp[2 * k], wi = p->chirp[2 * k + 1];
        double ar = a[2 * k] * inv_m, ai = a[2 * k + 1] * inv_m;
        x[2 * k] = ar * wr - ai * wi;
        x[2 * k + 1] = ar * wi + ai * wr;
    }
    free(a);
    return 0;
}

int nn_fft_forward(const nn_fft_plan *p, double *x)
{
    if (!p->sub) {
        fft_pow2(p, x, -1);
        return 0;
    }
    return fft_bluestein(p, x);
}

/* inverse(x) = conj(forward(conj(x))) / n */
int nn_fft_inverse(const nn_fft_plan *p, double *x)
{
    size_t n = p->n;
    if (!p->sub) {
        fft_pow2(p, x, +1);
    } else {
        for (size_t k = 0; k < n; k++)
            x[2 * k + 1] = -x[2 * k + 1];
        if (fft_bluestein(p, x) < 0)
            return -1;
        for (size_t k = 0; k < n; k++)
            x[2 * k + 1] = -x[2 * k + 1];
    }
    double s = 1.0 / (double)n;
    for (size_t k = 0; k < 2 * n; k++)
        x[k] *= s;
    return 0;
}

int nn_fft_real(const nn_fft_plan *p, const double *in, double *out, double *work)
{
    size_t n = p->n;
    for (size_t k = 0; k < n; k++) {
        work[2 * k] = in[k];
        work[2 * k + 1] = 0.0;
    }
    if (nn_fft_forward(p, work) < 0)
        return -1;
    memcpy(out, work, (n / 2 + 1) * 2 * sizeof(double));
    return 0;
}
