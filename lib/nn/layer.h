/* The common layer interface of the neural-network core.
 *
 * A layer maps a batch of n samples x (n, in...) to y (n, out...), both
 * float32 in C order.  Shapes are per sample (the batch dimension is not
 * stored): images are NHWC (h, w, c), sequences (t, features), vectors
 * (features).  nn_layer_setup() infers the output shape from the input
 * shape, so the same layer object serves images or sequences of any size
 * (call setup again when the input size changes; parameters keep their
 * values as long as their shapes do not change).
 *
 * forward() may keep what backward() needs (pool arg-maxes, dropout masks,
 * batch-norm statistics) in the layer's cache; backward() gets the same x
 * and y again, plus dy = dL/dy, writes dx = dL/dx (dx may be NULL when the
 * caller does not need it: the first layer) and ADDS the parameter
 * gradients into p[i].g (the caller zeroes them once per batch, so a layer
 * applied several times, as in a recurrent loop, accumulates).
 *
 * Every matrix product goes through nn_sgemm; results never depend on the
 * thread count (work is split per sample, sums are done in a fixed order).
 *
 * Dense, conv2d and conv2d_transpose carry a fused activation like Keras
 * (activation="relu"), so model summaries count layers the Keras way. */
#ifndef NN_NN_LAYER_H
#define NN_NN_LAYER_H

#include <stdint.h>

#define NN_SHAPE_MAX 4
#define NN_LAYER_PARAMS 4

typedef struct {
    int ndim; /* per-sample dimensions, 1..NN_SHAPE_MAX */
    int64_t d[NN_SHAPE_MAX];
} nn_shape;

int64_t nn_shape_size(const nn_shape *s);
/* "(None, 28, 28, 1)" like Keras */
void nn_shape_str(const nn_shape *s, char *buf, int size);

typedef enum { NN_ACT_LINEAR, NN_ACT_RELU, NN_ACT_SIGMOID, NN_ACT_TANH, NN_ACT_SOFTMAX } nn_act;

/* "linear" "relu" "sigmoid" "tanh" "softmax"; parse gives -1 if unknown. */
const char *nn_act_name(nn_act a);
int nn_act_parse(const char *name);
/* In place on y (rows x cols, softmax over each row of cols). */
void nn_act_forward(nn_act a, float *y, int64_t rows, int64_t cols);
/* dz = dy * act'(z) written from the activated y (dz may alias dy). */
void nn_act_backward(nn_act a, const float *y, const float *dy, float *dz, int64_t rows, int64_t cols);

typedef struct {
    char name[24];   /* "kernel", "bias", "gamma", "moving_mean", ... */
    int ndim;
    int64_t shape[4];
    int64_t count;
    float *w;        /* value */
    float *g;        /* gradient, NULL when not trainable */
    int trainable;
} nn_param;

typedef struct nn_layer nn_layer;

typedef struct {
    const char *type; /* "dense", "conv2d", ... (the JSON "type") */
    int (*setup)(nn_layer *l);  /* l->in is set: set l->out, make params */
    int (*forward)(nn_layer *l, const float *x, float *y, int64_t n);
    int (*backward)(nn_layer *l, const float *x, const float *y, const float *dy, float *dx, int64_t n);
} nn_layer_ops;

typedef enum { NN_PAD_VALID, NN_PAD_SAME } nn_padding;

struct nn_layer {
    const nn_layer_ops *ops;
    char name[32];      /* "dense_1": unique in a model, names tensors */
    nn_shape in, out;
    int nparams;
    nn_param p[NN_LAYER_PARAMS];
    int training;       /* set by the model before forward */
    uint64_t step;      /* training step: seeds dropout masks */

    /* configuration (which fields matter depends on the type) */
    int64_t units;      /* dense units, conv filters, embedding dim */
    int64_t vocab;      /* embedding input dim */
    int kh, kw;         /* kernel / pool / upsampling size */
    int sh, sw;         /* strides */
    nn_padding padding;
    nn_act act;
    int dy_is_preact;   /* backward gets d(loss)/d(pre-activation) already: a
                         * cross-entropy fused with this layer's sigmoid or
                         * softmax (see nn_fcn_loss), so act' is skipped */
    int use_bias;
    float rate;         /* dropout */
    uint64_t seed;      /* dropout */
    float momentum, eps;/* batch norm */
    nn_shape target;    /* reshape target */

    /* scratch owned by the layer, grown on demand */
    float *cache;
    int64_t cache_cap;
    float *work;
    int64_t work_cap;

    /* recurrent layers (rnn.c, see rnn.h) */
    int cell;             /* nn_cell_kind */
    int return_sequences;
    int directions;       /* 1, or 2 for a bidirectional wrapper */
    int merge;            /* nn_merge_mode of the two directions */
    int unit_forget_bias; /* LSTM forget-gate bias initialised to 1 */
    int masking;          /* takes a padding mask (ids == 0) from the caller */
    const uint8_t *mask;  /* (n, t) 1 = real step, set by the caller; NULL: none */
};

/* Constructors: the layer is not usable before nn_layer_setup(). */
nn_layer *nn_dense(int64_t units, nn_act act);
nn_layer *nn_conv2d(int64_t filters, int kh, int kw, int sh, int sw, nn_padding pad, nn_act act);
nn_layer *nn_conv2d_transpose(int64_t filters, int kh, int kw, int sh, int sw, nn_padding pad, nn_act act);
nn_layer *nn_maxpool2d(int ph, int pw);
nn_layer *nn_upsample2d(int fh, int fw);
nn_layer *nn_flatten(void);
nn_layer *nn_reshape(const nn_shape *target);
nn_layer *nn_dropout(float rate, uint64_t seed);
nn_layer *nn_embedding(int64_t vocab, int64_t dim);
nn_layer *nn_batchnorm(float momentum, float eps);
nn_layer *nn_activation(nn_act act);

/* Set the input shape, infer the output shape, allocate parameters (zero)
 * when they are missing or their shape changed. */
int nn_layer_setup(nn_layer *l, const nn_shape *in);
void nn_layer_free(nn_layer *l);
int64_t nn_layer_param_count(const nn_layer *l, int trainable);

/* Shared helpers for the layer files. */
nn_layer *nn_layer_new(const nn_layer_ops *ops);
int nn_layer_add_param(nn_layer *l, const char *name, int ndim, const int64_t *shape, int trainable);
float *nn_layer_cache(nn_layer *l, int64_t count);
float *nn_layer_work(nn_layer *l, int64_t count);

/* Convolution geometry for one sample: input h x w x c, output oh x ow,
 * kernel kh x kw, strides, top/left padding. */
typedef struct {
    int64_t h, w, c, oh, ow;
    int kh, kw, sh, sw, pt, pl;
} nn_conv_geom;

/* Output size and padding of a convolution over `in` pixels. */
void nn_conv_out(int64_t in, int k, int s, nn_padding pad, int64_t *out, int *pad_before);
/* cols (oh*ow, kh*kw*c) from one sample x (h, w, c); zeros outside. */
void nn_im2col(const nn_conv_geom *g, const float *x, float *cols);
/* x (h, w, c) += the columns scattered back (the adjoint of im2col). */
void nn_col2im(const nn_conv_geom *g, const float *cols, float *x);
/* Bands of rows of the whole batch: row r is position r % (oh*ow) of
 * sample r / (oh*ow).  nn_conv_band: how many rows make a band of
 * kh*kw*c = K columns (at most `rows`).  im2col_band: cols (r1 - r0, K)
 * from x (n, h, w, c); col2im_band: x += the columns added back (the
 * caller zeroes x first). */
int64_t nn_conv_band(int64_t K, int64_t rows);
void nn_conv_im2col_band(const nn_conv_geom *g, const float *x, float *cols, int64_t r0, int64_t r1);
void nn_conv_col2im_band(const nn_conv_geom *g, const float *cols, float *x, int64_t r0, int64_t r1);

#endif
