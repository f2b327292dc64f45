/* Autoencoders and variational autoencoders of images (the MNIST part of
 * the assignment): the architectures, the loss of a batch for the
 * training loop, and inference (encode, decode, reconstruct).
 *
 * Kinds (images h x w, one channel, values in [0, 1]):
 *   ae       dense h*w -> d (code activation, sigmoid by default) -> h*w sigmoid
 *   deep-ae  conv16 3x3 relu, pool2, conv32 3x3 relu, pool2, flatten, dense d;
 *            dense (h/4)(w/4)32 relu, reshape, conv32 relu, up2, conv16 relu,
 *            up2, conv1 sigmoid  (h, w multiples of 4)
 *   vae      conv32, conv32, conv64 stride 2 (relu, same), flatten,
 *            dense 128 relu, dense 2d = [mu | logvar];
 *            dense 128 relu, dense (h/2)(w/2)64 relu, reshape, convT32 s2,
 *            convT32, convT1 sigmoid (h, w even)
 *   cat-vae  the vae with n*k logits for n categorical variables of k
 *            classes, sampled with Gumbel-softmax at temperature tau.
 * Keras's two heads Dense(d) for mu and Dense(d) for logvar are one
 * Dense(2d) here: the same function and parameter count.
 *
 * Sampling: z = mu + exp(logvar / 2) * eps, eps ~ N(0, I).  The
 * assignment's z = mu + exp(logvar) * eps is a mistake: exp(logvar) is the
 * variance, and the standard deviation is its square root.
 *
 * Losses: ae and deep-ae use Keras's mean over pixels (compile
 * loss="binary_crossentropy"); the VAEs use the sum over pixels plus the KL
 * term, averaged over the batch (the Keras VAE example's
 * 28*28*bce + kl).  Noise (eps, Gumbel) of a batch comes from
 * nn_rng_split(seed, step), so resumed runs draw the same noise. */
#ifndef NN_NN_VAE_H
#define NN_NN_VAE_H

#include "io/safetensors.h"
#include "nn/model.h"

typedef enum { NN_AE_PLAIN, NN_AE_DEEP, NN_AE_VAE, NN_AE_CAT } nn_ae_kind;

typedef struct {
    nn_ae_kind kind;
    int64_t h, w;         /* image size */
    int64_t latent;       /* d; cat-vae: number of categorical variables n */
    int64_t categories;   /* cat-vae: k */
    int mse;              /* 0: binary cross-entropy, 1: squared error */
    nn_act code_act;      /* ae: activation of the code */
    double tau, tau_min, anneal; /* tau(step) = max(tau_min, tau exp(-anneal step)) */
    uint64_t seed;
} nn_ae_config;

/* "ae", "deep-ae", "vae", "cat-vae" */
int nn_ae_kind_parse(const char *name);
const char *nn_ae_kind_name(nn_ae_kind k);
/* Defaults: latent 32 (ae, deep-ae), 2 (vae), 1 (cat-vae); k 10;
 * tau 2/3, no annealing; bce; sigmoid code. */
void nn_ae_defaults(nn_ae_config *c, nn_ae_kind kind);
/* Width of the code given to the decoder: d or n*k. */
int64_t nn_ae_code_size(const nn_ae_config *c);

/* The model: parts "encoder" and "decoder" (weights initialized from
 * c->seed). */
int nn_ae_build(const nn_ae_config *c, nn_model **out);
/* Settings as metadata ("vae.kind", ...), and back. */
int nn_ae_config_to_st(const nn_ae_config *c, nn_safetensors *st);
int nn_ae_config_from_st(const nn_safetensors *st, nn_ae_config *c);

/* State of training or inference on a data set. */
typedef struct {
    nn_model *m;
    nn_seq *enc, *dec;
    nn_ae_config c;
    const float *train, *val;  /* (n, h*w) */
    float *xb, *z, *noise, *dz, *dh, *gy; /* batch buffers */
    int64_t cap;
    uint64_t last_step;
    double recon, kl;          /* of the last batch, per sample */
    int fused;                 /* BCE fused with the decoder's sigmoid output */
} nn_ae;

int nn_ae_init(nn_ae *a, nn_model *m, const nn_ae_config *c);
void nn_ae_free(nn_ae *a);
/* The task callback of nn_train (ctx = nn_ae*). */
int nn_ae_batch(void *ctx, const int64_t *idx, int64_t n, int train, int val, uint64_t step, double *loss);
/* Inference in batches (no noise: z = mu; cat-vae: softmax(logits/tau)).
 *   encode:  x (n, h*w) -> codes (n, d) (vae: mu; cat-vae: probabilities)
 *   decode:  codes (n, code size) -> images (n, h*w)
 *   reconstruct: x -> images, and the mean BCE (Keras-clipped) and squared
 *   error per pixel when bce/mse are not NULL */
int nn_ae_encode(nn_ae *a, const float *x, int64_t n, float *codes);
/* vae: mu (n, d) and log-variance (n, d) of q(z|x) together (either may be
 * NULL); an error for the other kinds. */
int nn_ae_encode_gaussian(nn_ae *a, const float *x, int64_t n, float *mu, float *logvar);
int nn_ae_decode(nn_ae *a, const float *codes, int64_t n, float *images);
int nn_ae_reconstruct(nn_ae *a, const float *x, int64_t n, float *images, double *bce, double *mse);
/* Width of nn_ae_encode's output. */
int64_t nn_ae_encode_size(const nn_ae *a);

/* The standard normal quantile function (inverse CDF), p in (0, 1). */
double nn_normal_quantile(double p);

#endif
