/* Fully convolutional encoder-decoder for image segmentation (the
 * assignment's segmentation network), its loss for the training loop, and
 * inference.
 *
 * The assignment's network (depth 2, width 1), 3x3 kernels, relu, same:
 *   conv32 conv32 pool  conv64 conv64 pool  conv128 conv128
 *   upsample2  convT32 convT32  convT K stride 2 (sigmoid or softmax)
 * Generalised: stage i = 0..depth has two convs of round(32 width 2^i)
 * filters, a 2x2 max-pool between stages; the decoder has depth - 1
 * blocks "upsample2, two convT of round(32 width 2^(j-1)) filters" for
 * j = depth-1 .. 1, then the strided output convT (so H and W must be
 * multiples of 2^depth).  batchnorm: conv (linear) -> batch norm -> relu.
 *
 * Without skip connections the model is one sequential part "model"
 * (kind "fcn": the generic predict tool runs it).  With skip (U-Net
 * style, kind "fcn-unet") the concatenations cannot be expressed by a
 * sequential part, so the model has parts "down0".."down<depth>" and
 * "up<depth-1>".."up1"; the input of up_j is the channel concatenation
 * [previous output upsampled | output of down_j] (stage 0's full-size
 * features are not joined: the output convT is the last upsampling).
 *
 * Classes: 1 output channel with a sigmoid and binary cross-entropy (the
 * mask is "class id == positive"), or K >= 2 channels with a softmax and
 * sparse cross-entropy where pixels labelled `ignore` count for nothing
 * (CamVid void = 11).  Losses are means over the (counted) pixels, as
 * Keras's. */
#ifndef NN_NN_FCN_H
#define NN_NN_FCN_H

#include "io/safetensors.h"
#include "nn/augment.h"
#include "nn/model.h"

#include <stdint.h>

#define NN_FCN_MAX_DEPTH 4

typedef struct {
    int64_t h, w, channels; /* input images (h, w, channels) */
    double width;           /* filter multiplier */
    int depth;              /* pooling stages, 1..NN_FCN_MAX_DEPTH */
    int batchnorm, skip;
    int64_t classes;        /* 1: binary (sigmoid), K >= 2: softmax */
    int positive;           /* binary: the class id that is 1 */
    int ignore;             /* label that counts for nothing, -1: none */
    uint64_t seed;
} nn_fcn_config;

/* 128x128x3, width 1, depth 2, binary car (8) vs rest, no ignore. */
void nn_fcn_defaults(nn_fcn_config *c);
/* Filters of encoder stage i. */
int64_t nn_fcn_filters(const nn_fcn_config *c, int stage);
int nn_fcn_build(const nn_fcn_config *c, nn_model **out);
/* Settings as metadata ("fcn.height", ...) and back. */
int nn_fcn_config_to_st(const nn_fcn_config *c, nn_safetensors *st);
int nn_fcn_config_from_st(const nn_safetensors *st, nn_fcn_config *c);
/* Every label is < classes or == ignore (binary: any value is fine);
 * otherwise an error naming the first bad index. */
int nn_fcn_check_labels(const nn_fcn_config *c, const uint8_t *y, int64_t count);

/* Training / inference state. */
typedef struct {
    nn_model *m;
    nn_fcn_config c;
    int nparts;
    nn_seq *parts[2 * NN_FCN_MAX_DEPTH];  /* forward order */
    /* data (uint8 as loaded): images (n, h, w, channels), masks (n, h, w) */
    const uint8_t *x, *y, *vx, *vy;
    nn_augment aug;
    uint64_t aug_seed;
    /* buffers, sized for cap samples */
    int64_t cap;
    float *xb, *gout;                     /* (cap, h, w, channels), (cap, h, w, K) */
    uint8_t *mb;                          /* (cap, h, w) */
    float *tb;                            /* binary targets (cap, h, w) */
    int32_t *lb;                          /* labels (cap, h, w) */
    float *cat[NN_FCN_MAX_DEPTH];         /* skip: concatenated inputs of up_j */
    float *dcat[NN_FCN_MAX_DEPTH];        /* skip: their gradients */
    float *gx[2 * NN_FCN_MAX_DEPTH + 1];  /* skip: gradient ping-pong */
} nn_fcn;

/* m built by nn_fcn_build (or loaded) with the settings c. */
int nn_fcn_init(nn_fcn *f, nn_model *m, const nn_fcn_config *c);
void nn_fcn_free(nn_fcn *f);
/* x (n, h, w, channels) in [0, 1] -> output (n, h, w, K) probabilities;
 * a pointer into the model, valid until the next forward. */
const float *nn_fcn_forward(nn_fcn *f, const float *x, int64_t n, int training, uint64_t step);
/* After a forward on the same batch: dy (n, h, w, K) the gradient at the
 * output layer's logits, as nn_fcn_loss gives it (the output's sigmoid or
 * softmax is not differentiated again); grads are added. */
int nn_fcn_backward(nn_fcn *f, const float *dy, int64_t n);
/* The loss of a batch (and its gradient at the logits into gout when grad
 * is set):
 * out (n, h, w, K), masks (n, h, w); an error for labels out of range. */
int nn_fcn_loss(nn_fcn *f, const float *out, const uint8_t *masks, int64_t n, int grad, double *loss);
/* The task callback of nn_train (ctx = nn_fcn*). */
int nn_fcn_batch(void *ctx, const int64_t *idx, int64_t n, int train, int val, uint64_t step, double *loss);
/* Probabilities (n, h, w, K) of uint8 images (n, h, w, channels), in
 * batches of `batch`. */
int nn_fcn_predict(nn_fcn *f, const uint8_t *x, int64_t n, int64_t batch, float *probs);
/* Class ids (count) from probabilities (count, K): argmax, or p >= 0.5
 * for one channel (1 = positive). */
void nn_fcn_argmax(const float *probs, int64_t count, int64_t k, uint8_t *ids);

/* Segmentation scores of predicted ids against masks (count pixels).
 * Binary: truth is mask == positive, iou of the positive class (and
 * iou[0] of the rest).  Multi-class: pixels labelled ignore skipped;
 * iou[k] per class (NaN when absent from both), mean over the others. */
typedef struct {
    double pixel_acc, mean_iou;
    double iou[256];
    int64_t nclass;
} nn_fcn_scores;
void nn_fcn_score(const nn_fcn_config *c, const uint8_t *pred, const uint8_t *mask, int64_t count, nn_fcn_scores *s);

#endif
