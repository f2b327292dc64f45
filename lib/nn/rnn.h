/* Recurrent layers like Keras's SimpleRNN, LSTM and GRU, and a
 * Bidirectional wrapper around them.
 *
 *   x (n, t, in)  ->  y (n, t, w) with return_sequences, else (n, w)
 *   w = units, or 2 * units for a bidirectional layer merged by concat.
 *
 * Cells (activation tanh, recurrent activation sigmoid, Keras 2 defaults):
 *   rnn   h = tanh(x W + h' U + b)
 *   lstm  gates i, f, c, o (Keras's order in the kernel columns):
 *         c = f * c' + i * tanh(z_c);  h = o * tanh(c)
 *   gru   Keras's reset_after=True: gates z, r, h; bias (2, 3u) = input
 *         bias, recurrent bias:  hh = tanh(x W_h + b_h + r * (h' U_h + b'_h))
 *         h = z * h' + (1 - z) * hh
 * Parameters ("kernel" (in, G*u), "recurrent_kernel" (u, G*u), "bias" (G*u)
 * or (2, G*u) for gru; G = 1, 4, 3) have Keras's shapes; a bidirectional
 * layer stacks the forward and backward directions on a leading axis of 2.
 *
 * Masking (Keras's mask_zero): when l->mask is set (n, t), a step with
 * mask 0 carries the state through unchanged and outputs zeros; the
 * backward direction of a bidirectional layer reads the steps in reverse.
 * The mask is set by the caller before forward and must stay valid through
 * backward (nn_model_set_mask sets it on every layer that takes one).
 *
 * Input projections of all steps are one nn_sgemm (n*t, in) x (in, G*u);
 * the recurrence is one nn_sgemm per step (n, u) x (u, G*u); backward
 * (BPTT) likewise, with the weight gradients summed by one GEMM each. */
#ifndef NN_NN_RNN_H
#define NN_NN_RNN_H

#include "io/json.h"
#include "math/rng.h"
#include "nn/model.h"

#include <stdint.h>

typedef enum { NN_CELL_RNN, NN_CELL_LSTM, NN_CELL_GRU } nn_cell_kind;
typedef enum { NN_MERGE_CONCAT, NN_MERGE_SUM, NN_MERGE_MUL, NN_MERGE_AVE } nn_merge_mode;

/* "rnn" "lstm" "gru"; "concat" "sum" "mul" "ave"; parse gives -1 if unknown. */
int nn_cell_parse(const char *name);
const char *nn_cell_name(nn_cell_kind c);
int nn_merge_parse(const char *name);
const char *nn_merge_name(nn_merge_mode m);

/* JSON types "simple_rnn", "lstm", "gru" and "bidirectional" (with a
 * "cell" member).  unit_forget_bias is on, masking off by default. */
nn_layer *nn_recurrent(nn_cell_kind cell, int64_t units, int return_sequences);
nn_layer *nn_bidirectional(nn_cell_kind cell, int64_t units, int return_sequences, nn_merge_mode merge);

int nn_is_recurrent(const nn_layer *l);
/* Keras's initialisation per direction: glorot_uniform kernel, orthogonal
 * recurrent kernel, zero bias (forget gate 1 with unit_forget_bias). */
int nn_rnn_init(nn_layer *l, nn_rng *r);
/* nn_rnn_init on every recurrent layer of the model (after nn_model_init,
 * which does not know about directions or forget biases). */
int nn_rnn_model_init(nn_model *m, uint64_t seed);

/* Does a layer of the model take a padding mask?  Set it on all of them
 * (mask (n, t) for the batch about to be run, NULL to clear). */
int nn_model_uses_mask(const nn_model *m);
void nn_model_set_mask(nn_model *m, const uint8_t *mask);
/* mask[i] = ids[i] != 0 (padding id 0), count values. */
void nn_mask_from_ids(const float *ids, int64_t count, uint8_t *mask);

/* Architecture hooks for model.c: is `type` a recurrent JSON type; write
 * the layer's members; build from a JSON object or a spec
 *   lstm:UNITS[:seq][:bi][:concat|sum|mul|ave][:mask][:noforgetbias]
 * (also gru:, rnn:). */
int nn_rnn_type(const char *type);
void nn_rnn_json(const nn_layer *l, nn_jbuf *b);
nn_layer *nn_rnn_from_json(const nn_json *o, const char *name);
nn_layer *nn_rnn_from_spec(char **tok, int nt);

#endif
