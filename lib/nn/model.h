/* Models: named sequential stacks of layers ("parts"), e.g. a VAE's
 * "encoder" and "decoder", or the single "model" part of a classifier.
 *
 *   nn_model *m = nn_model_new("ae");
 *   nn_seq *enc = nn_model_add_part(m, "encoder", &input_shape);
 *   nn_seq_add(enc, nn_dense(32, NN_ACT_SIGMOID));
 *   nn_model_init(m, seed);                    // Keras initializers
 *   const float *y = nn_seq_forward(enc, x, n); // (n, out...)
 *   nn_model_zero_grad(m);
 *   nn_seq_backward(enc, dy, NULL, n);          // param grads += ...
 *
 * A part keeps the output of every layer for the backward pass, sized for
 * the largest batch seen.  nn_seq_forward returns a pointer into the part
 * (valid until the next forward).  Layers get Keras-style unique names in
 * the model ("dense", "dense_1", ...); tensors are named
 * "<part>.<layer>.<param>" (see docs/model-format.md).
 *
 * Architecture: nn_model_to_json() / nn_model_from_json() describe the
 * parts and layers; nn_seq_add_spec() builds layers from a compact
 * command-line form ("conv2d:32:3x3:relu,maxpool2d:2,flatten,dense:10:softmax"). */
#ifndef NN_NN_MODEL_H
#define NN_NN_MODEL_H

#include "io/json.h"
#include "io/safetensors.h"
#include "nn/layer.h"

#include <stdio.h>

#define NN_MODEL_MAX_PARTS 8

typedef struct nn_model nn_model;

typedef struct {
    char name[32];
    nn_model *model;
    nn_shape in;
    int n;
    nn_layer **layers;
    float **acts;       /* acts[i]: output of layer i (cap, out_i) */
    float *ga, *gb;     /* ping-pong gradient buffers (cap, largest) */
    int64_t cap;        /* samples of the last forward (backward checks it) */
    int64_t *act_floats;/* floats allocated in acts[i] */
    int64_t grad_floats;/* floats allocated in ga and in gb */
    const float *x;     /* the input of the last forward */
    int training;
    uint64_t step;
} nn_seq;

struct nn_model {
    char kind[32];      /* "ae", "vae", "cat-vae", "sequential", ... */
    int nparts;
    nn_seq *parts[NN_MODEL_MAX_PARTS];
};

nn_model *nn_model_new(const char *kind);
void nn_model_free(nn_model *m);
nn_seq *nn_model_add_part(nn_model *m, const char *name, const nn_shape *in);
nn_seq *nn_model_part(const nn_model *m, const char *name); /* NULL if absent */

/* Append a layer (taken over, freed with the model even on failure):
 * sets it up on the part's current output shape. */
int nn_seq_add(nn_seq *s, nn_layer *l);
/* Append layers from a spec, comma separated:
 *   dense:UNITS[:ACT]            conv2d:FILTERS:KHxKW[:sN][:same|valid][:ACT]
 *   conv2d_transpose:... (same)  maxpool2d:N[xM]   upsample2d:N[xM]
 *   flatten   reshape:AxBxC   dropout:RATE   embedding:VOCAB:DIM
 *   batchnorm   activation:ACT
 * Padding defaults to same, strides to 1, activation to linear. */
int nn_seq_add_spec(nn_seq *s, const char *spec, uint64_t seed);
const nn_shape *nn_seq_out(const nn_seq *s);
/* Change the input shape (e.g. images of another size for a fully
 * convolutional part, or a batch of shorter sequences): every layer is set
 * up again; parameters keep their values (an error if a parameter's shape
 * would change; the part is then unusable: rebuild it).  Buffers are kept
 * while they are big enough, so a smaller shape allocates nothing. */
int nn_seq_set_input(nn_seq *s, const nn_shape *in);

/* Run the part on n samples x (n, in...); returns (n, out...) or NULL. */
const float *nn_seq_forward(nn_seq *s, const float *x, int64_t n, int training, uint64_t step);
/* Backward after a forward on the same batch: dy (n, out...), dx (n,
 * in...) or NULL.  Parameter gradients are added. */
int nn_seq_backward(nn_seq *s, const float *dy, float *dx, int64_t n);

/* Keras initializers for every layer, from one seed (layer i of part p
 * draws from its own stream, so adding a part does not shift the rest). */
int nn_model_init(nn_model *m, uint64_t seed);
void nn_model_zero_grad(nn_model *m);
/* Trainable parameters of all parts, in order; *n set.  malloc'd list. */
nn_param **nn_model_params(const nn_model *m, int trainable, int *n);
int64_t nn_model_param_count(const nn_model *m, int trainable);

/* ---- architecture as JSON ---- */
/* {"kind":..,"parts":[{"name":..,"input":[..],"layers":[{..},..]}]} */
int nn_model_to_json(const nn_model *m, nn_jbuf *b);
int nn_model_from_json(const char *text, nn_model **out);

/* ---- summary (summary.c): a Keras-like table ---- */
void nn_model_summary(const nn_model *m, FILE *fp);
/* "Dense", "Conv2D", ... */
const char *nn_layer_keras_name(const nn_layer *l);

/* ---- files (model_io.c): safetensors, see docs/model-format.md ---- */
#define NN_MODEL_FORMAT "nnpipe-model"
#define NN_MODEL_FORMAT_VERSION 1

typedef struct {
    const char *key, *value;
} nn_meta;

/* Put the weights ("<part>.<layer>.<param>", float32) and the metadata
 * format, format_version and architecture into st (initialized by the
 * caller, who may add more: training settings, optimizer state). */
int nn_model_to_st(const nn_model *m, nn_safetensors *st);
/* nn_model_to_st + extra metadata + nn_st_save (atomic). */
int nn_model_save(const nn_model *m, const char *path, const nn_meta *extra, int nextra);
/* Rebuild a model from a loaded file: checks format and version, parses
 * the architecture, copies every weight (shape and dtype checked; a
 * missing or extra tensor is an error). */
int nn_model_from_st(const nn_safetensors *st, nn_model **out);
/* Copy the weights of st into an existing model (same checks). */
int nn_model_load_weights(nn_model *m, const nn_safetensors *st);
/* Load a file; st_out (may be NULL) receives the file for its metadata
 * and other tensors (free with nn_st_free). */
int nn_model_load(const char *path, nn_model **out, nn_safetensors *st_out);

#endif
