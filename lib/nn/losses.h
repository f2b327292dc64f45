/* Losses and KL terms.
 *
 * Every function returns scale * (sum of the per-element losses) and, when
 * grad is not NULL, writes grad = d(returned value)/d(input) (overwrites).
 * The caller picks the reduction through scale: 1/count for Keras's mean
 * over everything, 1/n for "sum per sample, mean over the batch" (the VAE
 * reconstruction term 28*28*bce of the assignment).  Sums are in double.
 *
 * Probabilities are clipped to [eps, 1 - eps] with Keras's epsilon (1e-7)
 * and, like the Keras backend, log(p + eps) is taken; the gradient is zero
 * where the clip is active (as the clip's gradient is). */
#ifndef NN_NN_LOSSES_H
#define NN_NN_LOSSES_H

#include <stdint.h>

#define NN_KERAS_EPS 1e-7f

/* p, t, grad (count): -[t log(p) + (1-t) log(1-p)] */
double nn_loss_bce(const float *p, const float *t, int64_t count, double scale, float *grad);
/* p = sigmoid(z) from a layer whose backward takes d/dz (nn_layer's
 * dy_is_preact): the value of nn_loss_bce (clipped, as Keras reports it),
 * grad = scale * (p - t), the gradient at the logits z, as TF's Keras and
 * PyTorch's BCEWithLogitsLoss differentiate it (no cut-off at the clip) */
double nn_loss_bce_of_sigmoid(const float *p, const float *t, int64_t count, double scale, float *grad);
/* from logits z: max(z,0) - z t + log(1 + exp(-|z|)), grad sigmoid(z) - t */
double nn_loss_bce_logits(const float *z, const float *t, int64_t count, double scale, float *grad);
/* (p - t)^2 */
double nn_loss_mse(const float *p, const float *t, int64_t count, double scale, float *grad);

/* Sparse categorical cross-entropy over rows of k classes.
 *   x (rows, k) logits (from_logits) or probabilities   labels (rows)
 *   mask (rows) or NULL: weight of each row (0 drops padding)
 *   ignore: rows with this label count for nothing (-1 if none)
 *   class_weight (k) or NULL: weight of each true class
 * A label outside [0, k) that is not `ignore` is an error: returns NAN
 * with nn_set_error. */
double nn_loss_sparse_cce(const float *x, int from_logits, const int32_t *labels, const float *mask, int32_t ignore,
                          const float *class_weight, int64_t rows, int64_t k, double scale, float *grad);

/* KL(N(mu, exp(logvar)) || N(0, I)) = -1/2 sum(1 + logvar - mu^2 - exp(logvar))
 *   mu, logvar, gmu, glogvar (count); grads may be NULL together. */
double nn_kl_gaussian(const float *mu, const float *logvar, int64_t count, double scale, float *gmu, float *glogvar);
/* KL(q || uniform over k) = log k + sum q log q, q = softmax(logits) per row
 *   logits, grad (rows, k) */
double nn_kl_categorical(const float *logits, int64_t rows, int64_t k, double scale, float *grad);

#endif
