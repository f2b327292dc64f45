/* Brute-force k-nearest neighbours and the majority vote, as
 * scikit-learn's KNeighborsClassifier(weights="uniform", algorithm="brute").
 *
 * Search: queries are taken in blocks; each block's dot products with a
 * chunk of training rows come from nn_sgemm (float), turned into a ranking
 * score (euclidean: |b|^2 - 2 a.b, the |a|^2 term is the same for every
 * candidate; cosine: -a.b / |b|), and a bounded max-heap per query keeps
 * the best k + margin candidates (no full sort).  The candidates' exact
 * distances are then recomputed in double and sorted; the first k are the
 * answer.  The margin absorbs the float rounding of the GEMM form, so the
 * result is the exact k nearest unless more than `margin` float scores
 * were misordered across the k-th place.  Distance ties (exact, in double)
 * go to the smaller training index.  Memory: one block of scores per
 * worker (queries x training chunk), never the whole distance matrix.
 * Threads: blocks of queries in parallel; results do not depend on the
 * thread count.
 *
 * Distances: euclidean sqrt(sum (a-b)^2); cosine 1 - a.b / (|a| |b|),
 * with a zero vector at distance 1 from everything (as scikit-learn's
 * cosine_distances, which normalizes a zero vector to zero).
 *
 * Vote: the most frequent label among the k neighbours; on a tie the
 * smallest label (scikit-learn takes scipy.stats.mode of the labels,
 * which returns the smallest of the most frequent values). */
#ifndef NN_ML_KNN_H
#define NN_ML_KNN_H

#include <stdint.h>

typedef enum { NN_KNN_EUCLIDEAN, NN_KNN_COSINE } nn_knn_metric;

/* "euclidean" or "cosine"; -1 if neither. */
int nn_knn_metric_parse(const char *name);

/* train: n_train x dim, query: n_query x dim (float32, row-major).
 * exclude_self: query i is training row i and may not be its own
 * neighbour (leave-one-out, like scikit-learn's kneighbors() without X);
 * then n_query <= n_train.  Writes idx (n_query x k) and, unless NULL,
 * dist (n_query x k), nearest first.  Errors: k outside [1, available
 * training rows], dim < 1, non-finite values.  progress: a progress line
 * on stderr (core/progress.h; silent when nn_quiet is set). */
int nn_knn_search(const float *train, int64_t n_train, const float *query, int64_t n_query, int64_t dim,
                  int64_t k, nn_knn_metric metric, int exclude_self, int64_t *idx, float *dist, int progress);

/* pred[q] = majority label of labels[idx[q*k .. q*k+k-1]] (ties: the
 * smallest label).  idx entries must be in [0, n_train). */
int nn_knn_vote(const int64_t *labels, int64_t n_train, const int64_t *idx, int64_t n_query, int64_t k,
                int64_t *pred);

/* Fraction of pred equal to truth (n > 0). */
double nn_knn_accuracy(const int64_t *pred, const int64_t *truth, int64_t n);

#endif
