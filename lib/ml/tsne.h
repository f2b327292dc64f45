/* t-SNE: embed N points in 2 or 3 dimensions so that neighbours stay
 * neighbours (van der Maaten & Hinton 2008; Barnes-Hut version van der
 * Maaten 2014).  Follows scikit-learn >= 1.2 (TSNE defaults) so results
 * can be compared side by side:
 *
 *   - input affinities: each point's Gaussian bandwidth is found by a
 *     binary search on beta = 1 / (2 sigma^2) so that the entropy of its
 *     conditional distribution over its k = min(N - 1, 3 * perplexity + 1)
 *     nearest neighbours (squared Euclidean distances) equals
 *     log(perplexity); then P = (P_cond + P_cond^T) / (2 N), kept sparse
 *     (CSR), so memory grows with N * k, never N^2.  The exact method uses
 *     every other point as a neighbour (k = N - 1: O(N^2), for small N).
 *   - output similarities: Student-t with one degree of freedom,
 *     q_ij = (1 + |y_i - y_j|^2)^-1 / Z.
 *   - optimisation: gradient descent on KL(P || Q) with momentum 0.5 and
 *     early exaggeration 12 for 250 iterations, then momentum 0.8 without
 *     exaggeration; per-coordinate gains (+0.2 when the gradient changes
 *     sign, * 0.8 otherwise, at least 0.01); learning rate 'auto' =
 *     max(N / exaggeration / 4, 50); stop early when the gradient norm
 *     falls under 1e-7 or the KL has not improved for 300 iterations
 *     (checked every 50, as scikit-learn).
 *   - repulsive forces: exact O(N^2) or a Barnes-Hut quadtree (2-D) /
 *     octree (3-D) with opening angle theta (cell width / distance).
 *   - init: PCA of the input (top components, scaled so that the first
 *     has standard deviation 1e-4) or N(0, 1e-4^2) random.
 *
 * Threads: kNN search, calibration and forces run on nn_parallel_for in
 * fixed chunks of points; sums across chunks are added in chunk order, so
 * the embedding is bit-identical for every thread count. */
#ifndef NN_ML_TSNE_H
#define NN_ML_TSNE_H

#include <stdint.h>

typedef enum { NN_TSNE_BARNES_HUT, NN_TSNE_EXACT } nn_tsne_method;
/* The exact method's P is dense: about 44 N^2 bytes at the peak, while
 * it is symmetrised (1.1 GB at this limit). */
#define NN_TSNE_EXACT_MAX 5000
typedef enum { NN_TSNE_INIT_PCA, NN_TSNE_INIT_RANDOM } nn_tsne_init;

typedef struct {
    int dims;                  /* 2 or 3 */
    double perplexity;         /* 30; must be < N */
    nn_tsne_method method;     /* Barnes-Hut */
    double theta;              /* 0.5 (Barnes-Hut opening angle) */
    int auto_exact_below;      /* 300: Barnes-Hut switches to exact when N < this (0: never) */
    int n_iter;                /* 1000, including the exaggeration phase */
    int exaggeration_iter;     /* 250 */
    double early_exaggeration; /* 12 */
    double learning_rate;      /* <= 0: 'auto' */
    nn_tsne_init init;         /* PCA */
    uint64_t seed;             /* random init (and PCA fallback) */
    int report_every;          /* 50: call `report` every this many iterations (0: never) */
    /* Progress: iteration (1-based), the KL(P || Q) with the true
     * (non-exaggerated) P, and the gradient norm.  May be NULL. */
    void (*report)(void *ctx, int iter, double kl, double grad_norm);
    void *report_ctx;
    /* Called (if not NULL) when a stage ends, with a short description:
     * "affinities: ..." after the kNN search and calibration (minutes for
     * 70,000 points), "init: ..." after the initialisation. */
    void (*stage)(void *ctx, const char *what);
} nn_tsne_options;

/* What happened during a run. */
typedef struct {
    nn_tsne_method method; /* the method used (after the automatic switch) */
    int neighbours;        /* k used for the affinities */
    double learning_rate;  /* the value used */
    int iterations;        /* iterations done (fewer than n_iter if stopped early) */
    double kl;             /* final KL(P || Q) */
    int64_t nnz;           /* nonzeros of the symmetric P */
} nn_tsne_info;

void nn_tsne_defaults(nn_tsne_options *o);

/* Embed x (n x d, row-major float32) into y (n x o->dims float32).
 * info may be NULL.  Errors: n < 2, d < 1, perplexity out of (0, n),
 * non-finite input, dims not 2 or 3, invalid options, memory. */
int nn_tsne(const float *x, int64_t n, int64_t d, const nn_tsne_options *o, float *y, nn_tsne_info *info);

/* ---- pieces, public for tests and for other tools ------------------- */

/* A sparse symmetric matrix in CSR form: row i holds columns
 * col[row[i] .. row[i+1]) (sorted, no duplicates) with values val[]. */
typedef struct {
    int64_t n;
    int64_t *row; /* n + 1 */
    int32_t *col;
    double *val;
} nn_tsne_sparse;

void nn_tsne_sparse_free(nn_tsne_sparse *p);

/* Find beta for one point: dist2[0..k) are squared distances to its
 * neighbours; on return p[0..k) is the conditional distribution
 * exp(-beta * dist2) / sum whose entropy (natural log) is
 * log(perplexity) within 1e-5 when reachable (k >= perplexity).
 * Returns the beta found.  100 bisection steps at most. */
double nn_tsne_calibrate(const double *dist2, int k, double perplexity, double *p);

/* The k nearest neighbours of every row of x (n x d), itself excluded,
 * by blocks of GEMM: idx (n x k) sorted by increasing distance, dist2
 * (n x k) squared Euclidean distances recomputed in double.  k < n. */
int nn_tsne_knn(const float *x, int64_t n, int64_t d, int k, int32_t *idx, double *dist2);

/* Joint probabilities P from x: kNN with k neighbours, calibration,
 * symmetrisation.  Sum of P is 1. */
int nn_tsne_affinities(const float *x, int64_t n, int64_t d, double perplexity, int k, nn_tsne_sparse *p);

/* Gradient of KL(exaggeration * P || Q) with respect to y (n x dims,
 * double), into grad (n x dims).  theta = 0 computes exact repulsion
 * (O(N^2)); theta > 0 uses Barnes-Hut.  If kl is not NULL it receives
 * KL(P || Q) for the un-exaggerated P.  Returns 0 or -1 (memory). */
int nn_tsne_gradient(const nn_tsne_sparse *p, const double *y, int64_t n, int dims, double theta,
                     double exaggeration, double *grad, double *kl);

/* The same with buffers (and the tree) kept between calls, for loops. */
typedef struct nn_tsne_grad_ws nn_tsne_grad_ws;
nn_tsne_grad_ws *nn_tsne_grad_ws_new(int64_t n, int dims);
void nn_tsne_grad_ws_free(nn_tsne_grad_ws *w);
int nn_tsne_gradient_ws(nn_tsne_grad_ws *w, const nn_tsne_sparse *p, const double *y, double theta,
                        double exaggeration, double *grad, double *kl);

/* PCA initialisation: the top `dims` principal components of x (n x d)
 * into y (n x dims), scaled so that column 0 has standard deviation
 * 1e-4.  Errors: d < dims, or all points identical. */
int nn_tsne_pca_init(const float *x, int64_t n, int64_t d, int dims, double *y);

#endif
