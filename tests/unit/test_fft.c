/* FFT: radix-2 and Bluestein against a naive DFT, inverse round trips,
 * the real-input helper. */
#include "check.h"
#include "core/error.h"
#include "math/fft.h"
#include "math/rng.h"

#include <stdlib.h>
#include <string.h>

static const double PI = 3.14159265358979323846;

static void naive_dft(const double *x, size_t n, double *y)
{
    for (size_t k = 0; k < n; k++) {
        /* long double and an exact (jk mod n) angle: the reference must be
         * better than what it checks. */
        long double re = 0, im = 0;
        for (size_t j = 0; j < n; j++) {
            long double a = -2.0L * 3.14159265358979323846264338L * (long double)((j * k) % n) / (long double)n;
            re += x[2 * j] * cosl(a) - x[2 * j + 1] * sinl(a);
            im += x[2 * j] * sinl(a) + x[2 * j + 1] * cosl(a);
        }
        y[2 * k] = (double)re;
        y[2 * k + 1] = (double)im;
    }
}

static const size_t LENGTHS[] = {1, 2, 3, 4, 5, 7, 8, 12, 16, 97, 100, 128, 400, 1000, 1024};

static void test_against_naive_dft(void)
{
    nn_rng g;
    nn_rng_seed(&g, 7);
    for (size_t t = 0; t < sizeof LENGTHS / sizeof *LENGTHS; t++) {
        size_t n = LENGTHS[t];
        double *x = malloc(2 * n * sizeof *x), *y = malloc(2 * n * sizeof *y), *ref = malloc(2 * n * sizeof *ref);
        for (size_t i = 0; i < 2 * n; i++)
            x[i] = nn_rng_normal(&g);
        naive_dft(x, n, ref);
        memcpy(y, x, 2 * n * sizeof *y);
        nn_fft_plan *p = nn_fft_plan_new(n);
        CHECK(p != NULL);
        CHECK(nn_fft_size(p) == n);
        CHECK(nn_fft_forward(p, y) == 0);
        double err = 0, scale = 0;
        for (size_t i = 0; i < 2 * n; i++) {
            err = fmax(err, fabs(y[i] - ref[i]));
            scale = fmax(scale, fabs(ref[i]));
        }
        if (err > 1e-12 * scale * (1 + log2((double)n)))
            printf("    n = %zu: max error %g (scale %g)\n", n, err, scale);
        CHECK(err <= 1e-12 * scale * (1 + log2((double)n)));
        /* inverse(forward(x)) == x */
        CHECK(nn_fft_inverse(p, y) == 0);
        double rt = 0;
        for (size_t i = 0; i < 2 * n; i++)
            rt = fmax(rt, fabs(y[i] - x[i]));
        CHECK(rt < 1e-12);
        nn_fft_plan_free(p);
        free(x);
        free(y);
        free(ref);
    }
}

/* Known transforms: a delta is flat, a pure complex exponential is one bin. */
static void test_known_transforms(void)
{
    size_t sizes[] = {6, 64, 1000};
    for (int t = 0; t < 3; t++) {
        size_t n = sizes[t];
        double *x = calloc(2 * n, sizeof *x);
        nn_fft_plan *p = nn_fft_plan_new(n);
        x[0] = 1;
        nn_fft_forward(p, x);
        for (size_t k = 0; k < n; k++) {
            CHECK_NEAR(x[2 * k], 1.0, 1e-12);
            CHECK_NEAR(x[2 * k + 1], 0.0, 1e-12);
        }
        size_t f = n / 3;
        for (size_t j = 0; j < n; j++) {
            x[2 * j] = cos(2 * PI * (double)(f * j % n) / (double)n);
            x[2 * j + 1] = sin(2 * PI * (double)(f * j % n) / (double)n);
        }
        nn_fft_forward(p, x);
        for (size_t k = 0; k < n; k++) {
            CHECK_NEAR(x[2 * k], k == f ? (double)n : 0.0, 1e-9);
            CHECK_NEAR(x[2 * k + 1], 0.0, 1e-9);
        }
        nn_fft_plan_free(p);
        free(x);
    }
}

static void test_real_helper(void)
{
    size_t sizes[] = {1, 2, 9, 200, 256};
    nn_rng g;
    nn_rng_seed(&g, 3);
    for (int t = 0; t < 5; t++) {
        size_t n = sizes[t];
        double *in = malloc(n * sizeof *in), *c = calloc(2 * n, sizeof *c), *ref = malloc(2 * n * sizeof *ref);
        double *out = malloc((n / 2 + 1) * 2 * sizeof *out), *work = malloc(2 * n * sizeof *work);
        for (size_t i = 0; i < n; i++)
            c[2 * i] = in[i] = nn_rng_uniform(&g) - 0.5;
        naive_dft(c, n, ref);
        nn_fft_plan *p = nn_fft_plan_new(n);
        CHECK(nn_fft_real(p, in, out, work) == 0);
        for (size_t k = 0; k <= n / 2; k++) {
            CHECK_NEAR(out[2 * k], ref[2 * k], 1e-11);
            CHECK_NEAR(out[2 * k + 1], ref[2 * k + 1], 1e-11);
        }
        nn_fft_plan_free(p);
        free(in);
        free(c);
        free(ref);
        free(out);
        free(work);
    }
}

static void test_errors_and_pow2(void)
{
    CHECK(nn_fft_plan_new(0) == NULL);
    CHECK(strstr(nn_last_error(), "at least 1") != NULL);
    CHECK(nn_fft_next_pow2(1) == 1);
    CHECK(nn_fft_next_pow2(200) == 256);
    CHECK(nn_fft_next_pow2(256) == 256);
    CHECK(nn_fft_next_pow2(((size_t)-1) / 2 + 2) == 0);
}

/* Large prime length: Bluestein stays accurate (Parseval). */
static void test_large_prime_parseval(void)
{
    size_t n = 10007;
    double *x = malloc(2 * n * sizeof *x);
    nn_rng g;
    nn_rng_seed(&g, 11);
    double e0 = 0;
    for (size_t i = 0; i < 2 * n; i++) {
        x[i] = nn_rng_normal(&g);
        e0 += x[i] * x[i];
    }
    nn_fft_plan *p = nn_fft_plan_new(n);
    nn_fft_forward(p, x);
    double e1 = 0;
    for (size_t i = 0; i < 2 * n; i++)
        e1 += x[i] * x[i];
    CHECK_NEAR(e1 / (double)n / e0, 1.0, 1e-12);
    nn_fft_plan_free(p);
    free(x);
}

int main(void)
{
    RUN(test_against_naive_dft);
    RUN(test_known_transforms);
    RUN(test_real_helper);
    RUN(test_errors_and_pow2);
    RUN(test_large_prime_parseval);
    return check_summary();
}
