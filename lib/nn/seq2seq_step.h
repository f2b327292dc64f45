/* Internal to the seq2seq files: the encoder pass and one decoder step,
 * shared by training (seq2seq_train.c) and decoding (seq2seq_decode.c). */
#ifndef NN_NN_SEQ2SEQ_STEP_H
#define NN_NN_SEQ2SEQ_STEP_H

#include "nn/seq2seq.h"

/* The encoder's results for a batch of n utterances. */
typedef struct {
    int64_t n, T;       /* T = T' of the longest utterance in the batch */
    float *xs;          /* (n, T, stack*F) stacked frames */
    uint8_t *mask;      /* (n, T) */
    int64_t *len;       /* (n) encoder steps */
    const float *H;     /* (n, T, C) in the encoder part */
    const float *K;     /* (n, T, A) in the keys part, or NULL */
    const float *s0;    /* (n, Ud) in the bridge part */
    float *sum;         /* (n, C) summary */
    nn_seq *enc;        /* the encoder part, widened to T steps for this batch */
} s2s_enc;

int s2s_encode(nn_s2s *s, const nn_s2s_data *d, const int64_t *idx, int64_t n, int train, uint64_t step,
               s2s_enc *e);
/* Frees the batch's buffers and narrows the encoder part back to the one
 * step nn_s2s_build gave it. */
void s2s_enc_free(s2s_enc *e);

/* Buffers of one decoder step over m rows. */
typedef struct {
    float *x;    /* (m, D + C) cell input */
    float *h, *c;/* (m, Ud) new state (c: LSTM cell) */
    float *g;    /* (m, G*Ud) gate activations */
    float *rh;   /* (m, Ud) GRU: recurrent part of the candidate */
    float *q;    /* (m, A) query (bahdanau) */
    float *a;    /* (m, T) attention weights */
    float *ctx;  /* (m, C) */
} s2s_step_buf;

int s2s_gates(const nn_s2s *s);
/* The attention input over the encoder results (kind none: unused). */
void s2s_att_input(const nn_s2s *s, const s2s_enc *e, nn_att_input *ai);
/* One step: tokens tok (m), previous state hp, cp (m, Ud), previous
 * context ctxp (m, C); attention over ai (ai->n == m) or, for attention
 * none, ctx = sum (m, C).  tmp: (m, G*Ud) scratch. */
int s2s_step(nn_s2s *s, int64_t m, const int32_t *tok, const float *hp, const float *cp, const float *ctxp,
             const nn_att_input *ai, const float *sum, s2s_step_buf *b, float *tmp);
/* The backward of the cell of one step: dh (m, Ud) in, dc (m, Ud) in/out
 * (LSTM: carried cell gradient; becomes dc of the previous step), dx (m,
 * D + C) out, dhp (m, Ud) out.  Weight gradients added.  tmp: 2 (m, G*Ud). */
void s2s_cell_backward(nn_s2s *s, int64_t m, const float *x, const float *hp, const float *cp, const s2s_step_buf *b,
                       const float *dh, float *dc, float *dx, float *dhp, float *tmp);
/* logits (m, V) = [h ctx] W_o + b_o; o (m, Ud + C) scratch. */
void s2s_logits(nn_s2s *s, int64_t m, const float *h, const float *ctx, float *o, float *logits);

#endif
