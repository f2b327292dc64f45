/* Discrete Fourier transform of any length, in double precision.
 *
 * Powers of two use an iterative radix-2 transform with precomputed
 * twiddles; other lengths go through Bluestein's chirp-z algorithm (a
 * circular convolution done with a power-of-two FFT of length >= 2n - 1),
 * so every length costs O(n log n).
 *
 * Data is interleaved complex: x[2k] = Re, x[2k + 1] = Im, n values.
 * Forward:  X[k] = sum_j x[j] exp(-2 pi i jk / n)   (no scaling)
 * Inverse:  x[j] = 1/n sum_k X[k] exp(+2 pi i jk / n) (scaled, so that
 *           inverse(forward(x)) == x).
 *
 * A plan is read-only after nn_fft_plan_new(), so one plan can serve
 * several threads at once (Bluestein's scratch is per call). */
#ifndef NN_MATH_FFT_H
#define NN_MATH_FFT_H

#include <stddef.h>

typedef struct nn_fft_plan nn_fft_plan;

/* NULL (with nn_set_error) for n == 0 or when memory runs out. */
nn_fft_plan *nn_fft_plan_new(size_t n);
void nn_fft_plan_free(nn_fft_plan *p);
size_t nn_fft_size(const nn_fft_plan *p);

/* In place on 2n doubles.  0, or -1 when Bluestein scratch cannot be
 * allocated (radix-2 never fails). */
int nn_fft_forward(const nn_fft_plan *p, double *x);
int nn_fft_inverse(const nn_fft_plan *p, double *x);

/* Real input of n values -> the n/2 + 1 non-negative-frequency bins
 * (interleaved complex, 2 * (n/2 + 1) doubles); work holds 2n doubles. */
int nn_fft_real(const nn_fft_plan *p, const double *in, double *out, double *work);

/* The smallest power of two >= n (n >= 1; 0 if it would overflow). */
size_t nn_fft_next_pow2(size_t n);

#endif
