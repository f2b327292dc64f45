/* word2vec training: skip-gram or CBOW with negative sampling, in the
 * manner of Mikolov's word2vec.c and gensim 4 (same defaults):
 *
 *   - vocabulary: words seen at least min_count times, most frequent
 *     first (ties by bytes); rarer words are dropped before windowing;
 *   - sub-sampling of frequent words, gensim's formula: keep a word of
 *     count c with probability (sqrt(c / t) + 1) * t / c, t = sample *
 *     (retained words);
 *   - the window shrinks at random for each centre word (b in [0, window));
 *   - negatives drawn from the unigram distribution raised to 0.75;
 *   - learning rate decays linearly from alpha to min_alpha over all
 *     iterations (updated every 10,000 words);
 *   - sigmoid from a precomputed table over [-6, 6], as word2vec.c;
 *   - threads update the shared vectors without locks (Hogwild, as
 *     word2vec.c and gensim): with one thread and a seed the result is
 *     reproducible bit for bit, with more threads it is not.
 *
 * Vectors are float32 rows padded to a multiple of 8 values so the
 * inner loops vectorize. */
#ifndef NN_TEXT_W2V_H
#define NN_TEXT_W2V_H

#include "text/wordvec.h"

#include <stddef.h>
#include <stdint.h>

#define NN_W2V_MAX_NEGATIVE 64

typedef struct {
    int skipgram;        /* 1 skip-gram, 0 CBOW (mean of the context) */
    int dim;             /* vector size */
    int window;          /* max distance to a context word */
    int negative;        /* negative samples per positive one, 1..64 */
    int64_t min_count;   /* words rarer than this are dropped */
    int iterations;      /* passes over the corpus */
    double alpha, min_alpha;
    double sample;       /* sub-sampling threshold; 0: off */
    uint64_t seed;
    int threads;         /* <= 0: nn_threads() */
    int progress;        /* 1: progress line with words/s on stderr */
} nn_w2v_params;

/* gensim 4's defaults (vector_size 100, window 5, negative 5, min_count 5,
 * epochs 5, alpha 0.025, min_alpha 0.0001, sample 1e-3, CBOW). */
void nn_w2v_defaults(nn_w2v_params *p);

typedef struct {
    int64_t corpus_words;   /* words in the input */
    int64_t retained_words; /* of words in the vocabulary */
    int64_t sentences;
    double seconds;         /* training time (without reading) */
    double words_per_second;/* retained words * iterations / seconds */
    double cpu_seconds;     /* CPU time of the process during training (all threads) */
} nn_w2v_report;

/* Train on text (one sentence a line, words separated by spaces or tabs)
 * and fill wv (the input vectors, one row per vocabulary word). */
int nn_w2v_train(const char *text, size_t len, const nn_w2v_params *p, nn_wordvec *wv, nn_w2v_report *rep);

#endif
