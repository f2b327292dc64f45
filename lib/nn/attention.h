/* Attention over encoder states for one decoder step, for a batch.
 *
 *   keys   K (n, T, A)  encoder states projected for scoring
 *   values H (n, T, C)  encoder states averaged into the context
 *   lens   (n)          valid frames of each sample (1..T); frames at or
 *                       after lens[i] get weight 0
 *   query  q (n, A)     the decoder's query for this step
 *
 * Scores, then a softmax over the valid frames, then the context:
 *   bahdanau (additive):    e_j = v . tanh(q + K_j)       v (A)
 *   luong    (dot product): e_j = q . K_j                 (no v)
 *   a = softmax(e)  (n, T);  ctx = sum_j a_j H_j  (n, C)
 * In the seq2seq model q = s W_q (bahdanau) or the decoder state s itself
 * (luong, with K = H W_k: Luong's "general" score), so the projections are
 * plain dense products kept by the caller.
 *
 * Backward takes dctx (n, C) and the forward's a; it OVERWRITES dq (n, A)
 * and ADDS into dK, dH and dv (a decoder runs attention at every step over
 * the same keys and values).  tanh(q + K_j) is recomputed rather than kept:
 * it costs as much as reading it back.  Sums run in a fixed order, so the
 * results do not depend on the thread count. */
#ifndef NN_NN_ATTENTION_H
#define NN_NN_ATTENTION_H

#include <stdint.h>

typedef enum { NN_ATT_NONE, NN_ATT_BAHDANAU, NN_ATT_LUONG } nn_att_kind;

/* "none" "bahdanau" "luong"; parse gives -1 if unknown. */
int nn_att_parse(const char *name);
const char *nn_att_name(nn_att_kind k);

typedef struct {
    nn_att_kind kind;
    int64_t n, T, A, C;
    const float *K, *H, *v; /* v: bahdanau only */
    const int64_t *lens;
} nn_att_input;

/* a (n, T), ctx (n, C) from q (n, A).  Returns 0 or -1 (a length outside
 * 1..T, or kind none). */
int nn_attention_forward(const nn_att_input *in, const float *q, float *a, float *ctx);
/* From dctx (n, C): dq = dL/dq (overwritten); dK, dH (n, T, .) and dv (A)
 * accumulated; any of dK, dH, dv may be NULL when not wanted. */
int nn_attention_backward(const nn_att_input *in, const float *q, const float *a, const float *dctx, float *dq,
                          float *dK, float *dH, float *dv);

#endif
