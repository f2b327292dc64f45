/* An attention encoder-decoder that transcribes spoken digit sequences
 * (the speech part of the assignment): features in, token ids out.
 *
 * Encoder: frames x (n, T, F) -> stack `stack` consecutive frames
 *   (n, T', stack*F), T' = ceil(T / stack) (time downsampling) ->
 *   bidirectional GRU or LSTM (units U per direction, masked after each
 *   utterance's length) -> H (n, T', C), C = 2U.
 *   summary (n, C) = [forward state at the last frame, backward state at
 *   the first]; s_0 = tanh(summary W_b + b_b) starts the decoder.
 * Decoder step t (teacher forcing: y_in = <s> y_1 .. y_m):
 *   x_t = [E[y_in_t]; ctx_{t-1}]           (n, D + C)  (input feeding)
 *   s_t = cell(x_t, s_{t-1})                (n, Ud)     GRU or LSTM
 *   ctx_t = attention(query(s_t), K, H)     (n, C)      K = H W_k (n, T', A)
 *   logits_t = [s_t; ctx_t] W_o + b_o       (n, V)
 *   query: bahdanau q = s_t W_q + b_q (A), luong q = s_t (A = Ud);
 *   attention none: ctx_t = summary at every step (and ctx_{-1} too), so
 *   the decoder sees only the encoder's final states.
 * Loss: cross-entropy of y_1 .. y_m </s>, averaged over the real tokens.
 *
 * The model is an nn_model (kind "seq2seq") with parts "encoder",
 * "bridge", "keys", "query", "score" (v as a (A, 1) kernel), "embed",
 * "decoder" (a recurrent layer holding the cell's weights in Keras's
 * layout) and "output"; the parts the attention kind does not use are
 * absent.  Settings, the token list and the feature normalization are in
 * the file's metadata (seq2seq.*), with the audio front end's settings
 * (seq2seq.audio) when the trainer was given them. */
#ifndef NN_NN_SEQ2SEQ_H
#define NN_NN_SEQ2SEQ_H

#include "io/safetensors.h"
#include "nn/attention.h"
#include "nn/model.h"
#include "nn/rnn.h"

#include <stdint.h>

enum { NN_S2S_PAD = 0, NN_S2S_BOS = 1, NN_S2S_EOS = 2, NN_S2S_SPECIALS = 3 };

typedef struct {
    nn_cell_kind cell;   /* encoder and decoder */
    nn_att_kind att;
    int64_t feat;        /* F: features per frame */
    int stack;           /* frames stacked into one encoder step */
    int64_t enc_units;   /* U per direction */
    int64_t dec_units;   /* Ud */
    int64_t emb;         /* D: token embedding width */
    int64_t att_units;   /* A for bahdanau (luong: Ud) */
    int64_t max_out;     /* decoding stops after this many tokens */
    int chars;           /* 0: tokens are words (joined by spaces), 1: characters */
    int64_t vocab;       /* V = 3 specials + tokens */
    char **tokens;       /* (V) "<pad>" "<s>" "</s>" then the tokens */
    float *mean, *std;   /* (F) feature normalization, or NULL */
    char *audio;         /* audio-features settings (audio/features.h text
                          * form) that made the features, or NULL */
} nn_s2s_config;

void nn_s2s_defaults(nn_s2s_config *c);
void nn_s2s_config_free(nn_s2s_config *c);
/* Token list from transcripts: every distinct word (or character, spaces
 * skipped) in byte order after the three specials. */
int nn_s2s_vocab_from_texts(nn_s2s_config *c, char *const *texts, int64_t n);
/* Text -> ids (no <s> / </s>); an unknown token is an error naming it.
 * ids has room for cap ids; *len set. */
int nn_s2s_text_to_ids(const nn_s2s_config *c, const char *text, int32_t *ids, int64_t cap, int64_t *len);
/* ids -> text (stops at </s>; specials skipped), malloc'd. */
char *nn_s2s_ids_to_text(const nn_s2s_config *c, const int32_t *ids, int64_t len);

/* Per-feature mean and standard deviation over the valid frames
 * x (n, T, F), lens (n); sets c->mean, c->std. */
int nn_s2s_fit_norm(nn_s2s_config *c, const float *x, const int64_t *lens, int64_t n, int64_t T);
/* x = (x - mean) / std in place on the valid frames; padding stays 0. */
void nn_s2s_apply_norm(const nn_s2s_config *c, float *x, const int64_t *lens, int64_t n, int64_t T);

int nn_s2s_build(const nn_s2s_config *c, uint64_t seed, nn_model **out);
int nn_s2s_config_to_st(const nn_s2s_config *c, nn_safetensors *st);
int nn_s2s_config_from_st(const nn_safetensors *st, nn_s2s_config *c);

/* A data set: features (n, T, F) (normalized), frames per utterance,
 * targets (n, L) token ids padded with 0 and their lengths (y may be NULL
 * for decoding). */
typedef struct {
    const float *x;
    const int64_t *len;
    int64_t n, T;
    const int32_t *y;
    const int64_t *ylen;
    int64_t L;
} nn_s2s_data;

typedef struct {
    nn_model *m;
    nn_s2s_config c;     /* borrowed (tokens, mean, std stay the caller's) */
    nn_seq *enc, *bridge, *keys, *query, *score, *embed, *dec, *out;
    const nn_s2s_data *train, *val; /* for nn_s2s_batch */
} nn_s2s;

/* Check that m has the parts of c, with matching shapes. */
int nn_s2s_init(nn_s2s *s, nn_model *m, const nn_s2s_config *c);
void nn_s2s_free(nn_s2s *s);
/* Teacher-forced loss (mean cross-entropy per real token) of samples idx
 * of d, and when train is set the gradients (added to the parameters'). */
int nn_s2s_loss(nn_s2s *s, const nn_s2s_data *d, const int64_t *idx, int64_t n, int train, uint64_t step,
                double *loss);
/* The task callback of nn_train (ctx = nn_s2s*, data in s->train/val). */
int nn_s2s_batch(void *ctx, const int64_t *idx, int64_t n, int train, int val, uint64_t step, double *loss);

/* Decode samples idx of d: beam 1 is greedy.  out (n, max_out) ids
 * ending with </s> when it was produced, olen (n) ids written (with the
 * </s>).  att (n, max_out, T') or NULL: the attention weights of the
 * chosen output (T' = ceil(d->T / stack); zeros past the end). */
int nn_s2s_decode(nn_s2s *s, const nn_s2s_data *d, const int64_t *idx, int64_t n, int beam, int32_t *out,
                  int64_t *olen, float *att);
/* T' of a data set. */
int64_t nn_s2s_enc_len(const nn_s2s_config *c, int64_t T);

#endif
