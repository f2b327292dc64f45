/* Optimizers with Keras's defaults and update rules (TensorFlow 2):
 *   sgd      lr 0.01, momentum 0:  v = momentum v - lr g;  w += v
 *            (nesterov: w += momentum v - lr g)
 *   rmsprop  lr 1e-3, rho 0.9, eps 1e-7:
 *            ms = rho ms + (1 - rho) g^2;  w -= lr g / (sqrt(ms) + eps)
 *   adam     lr 1e-3, beta1 0.9, beta2 0.999, eps 1e-7:
 *            m = b1 m + (1-b1) g;  v = b2 v + (1-b2) g^2;
 *            w -= lr sqrt(1-b2^t)/(1-b1^t) m / (sqrt(v) + eps)
 * Gradient clipping before the update, as Keras's optimizer arguments:
 * clipnorm (each tensor to this L2 norm), global_clipnorm (all tensors
 * together), clipvalue (each element to [-c, c]); 0 turns one off.
 *
 * The state (m, v per parameter, iteration count) is public so that a
 * checkpoint can save and restore it. */
#ifndef NN_NN_OPTIM_H
#define NN_NN_OPTIM_H

#include "nn/layer.h"

#include <stdint.h>

typedef enum { NN_SGD, NN_RMSPROP, NN_ADAM } nn_optim_kind;

typedef struct {
    nn_optim_kind kind;
    double lr, momentum, rho, beta1, beta2, eps;
    int nesterov;
    double clipnorm, global_clipnorm, clipvalue;
    int64_t iterations;  /* updates done (Adam's t) */
    int nparams;
    nn_param **params;   /* borrowed: the trainable parameters */
    float **m, **v;      /* state per parameter (v unused by sgd/rmsprop) */
} nn_optim;

/* "sgd", "rmsprop", "adam"; -1 if unknown. */
int nn_optim_parse(const char *name);
const char *nn_optim_name(nn_optim_kind k);
/* Keras's defaults for the kind; no parameters attached yet. */
void nn_optim_init(nn_optim *o, nn_optim_kind kind);
/* Attach trainable parameters (state zeroed). */
int nn_optim_attach(nn_optim *o, nn_param **params, int n);
/* Clip the gradients, update the parameters, count the iteration. */
void nn_optim_step(nn_optim *o);
void nn_optim_free(nn_optim *o);

#endif
