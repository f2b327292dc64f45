/* Weight initializers (Keras's), all drawn from a seeded nn_rng.
 *   glorot_uniform  U(-l, l), l = sqrt(6 / (fan_in + fan_out))
 *   he_normal       truncated normal (|x| <= 2 sd), sd = sqrt(2 / fan_in) / 0.8796
 *   he_uniform      U(-l, l), l = sqrt(6 / fan_in)
 *   orthogonal      rows x cols with orthonormal rows or columns (the
 *                   Q of a Gaussian matrix), times gain: recurrent weights
 *   zeros
 * Fans follow Keras: a (in, out) matrix has fan_in = in, fan_out = out; a
 * conv kernel (kh, kw, a, b) has fan_in = kh*kw*a, fan_out = kh*kw*b. */
#ifndef NN_NN_INIT_H
#define NN_NN_INIT_H

#include "math/rng.h"
#include "nn/layer.h"

typedef enum { NN_INIT_GLOROT_UNIFORM, NN_INIT_HE_NORMAL, NN_INIT_HE_UNIFORM, NN_INIT_ORTHOGONAL, NN_INIT_ZEROS } nn_init_kind;

int nn_init_parse(const char *name);
void nn_fans(const nn_param *p, double *fan_in, double *fan_out);
/* Fill a parameter; orthogonal views it as (prod(shape[:-1]), shape[-1]). */
int nn_init_param(nn_param *p, nn_init_kind kind, nn_rng *r);
int nn_init_orthogonal(float *w, int64_t rows, int64_t cols, double gain, nn_rng *r);
/* Keras defaults for every parameter of a layer: kernels glorot_uniform,
 * biases and beta zeros, gamma and moving_variance ones, moving_mean
 * zeros, embeddings U(-0.05, 0.05). */
int nn_layer_init(nn_layer *l, nn_rng *r);

#endif
