/* Embedding quality: trustworthiness (Venna & Kaski, as
 * sklearn.manifold.trustworthiness computes it) and leave-one-out k-NN
 * accuracy in the embedding.
 *
 * Trustworthiness penalises points that are among the k nearest of i in
 * the embedding but not in the input space, by how far down the input
 * ranking they are:  T = 1 - 2 / (n k (2n - 3k - 1)) * sum_i sum_{j in
 * U_k(i)} (r(i, j) - k), where r is the 1-based rank of j among i's input
 * neighbours.  Instead of sklearn's n x n rank table we compute, per row,
 * the input distances (a block of rows at a time with nn_sgemm) and count
 * how many are smaller than each of the k embedded neighbours: O(n k)
 * extra per row, O(block n) memory. */
#include "ml/metrics.h"

#include "core/error.h"
#include "core/mem.h"
#include "core/parallel.h"
#include "math/gemm.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define EMBED_BLOCK 128

typedef struct {
    const float *high, *low;
    int64_t dh, dl, n;
    int k;
    const int64_t *labels;
    const double *sq_norm; /* [n] squared norms of the input rows */
    const float *dot;      /* [block][n] input dot products for rows row0.. */
    int64_t row0;
    int64_t *penalty;      /* [n] per row: sum of (rank - k) over bad neighbours */
    unsigned char *hit;    /* [n] per row: k-NN vote right */
    int64_t *nbr;          /* [n_tasks][k] scratch */
    double *nbr_d;         /* [n_tasks][k] */
    int64_t *votes;        /* [n_tasks][k] */
} embed_ctx;

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

/* The k nearest of row i in the embedding (self excluded), ties by index. */
static void low_neighbours(const embed_ctx *c, int64_t i, int64_t *nbr, double *nd)
{
    int m = 0;
    const float *xi = c->low + i * c->dl;
    for (int64_t j = 0; j < c->n; j++) {
        if (j == i)
            continue;
        const float *xj = c->low + j * c->dl;
        double d = 0;
        for (int64_t t = 0; t < c->dl; t++) {
            double e = (double)xi[t] - xj[t];
            d += e * e;
        }
        if (m == c->k && d >= nd[m - 1])
            continue;
        int pos = m < c->k ? m++ : m - 1;
        while (pos > 0 && nd[pos - 1] > d) {
            nd[pos] = nd[pos - 1];
            nbr[pos] = nbr[pos - 1];
            pos--;
        }
        nd[pos] = d;
        nbr[pos] = j;
    }
}

static double exact_sq_dist(const embed_ctx *c, int64_t i, int64_t j)
{
    const float *a = c->high + i * c->dh, *b = c->high + j * c->dh;
    double d = 0;
    for (int64_t t = 0; t < c->dh; t++) {
        double e = (double)a[t] - b[t];
        d += e * e;
    }
    return d;
}

static void embed_row(void *ctx, int task, int worker)
{
    (void)worker;
    embed_ctx *c = ctx;
    int64_t i = c->row0 + task;
    int64_t *nbr = c->nbr + (size_t)task * (size_t)c->k;
    double *nd = c->nbr_d + (size_t)task * (size_t)c->k;
    low_neighbours(c, i, nbr, nd);

    /* Input-space squared distances from i, from the float dot products;
     * a distance close enough to dj for float rounding to swap the order
     * is recomputed exactly, so ranks match a float64 computation. */
    const float *g = c->dot + (size_t)task * (size_t)c->n;
    double si = c->sq_norm[i];
    const double rel = 1.2e-7 * (double)(c->dh + 2);
    int64_t penalty = 0;
    for (int q = 0; q < c->k; q++) {
        int64_t j = nbr[q];
        double dj = exact_sq_dist(c, i, j);
        int64_t rank = 1; /* 1-based rank of j among i's input neighbours */
        for (int64_t m = 0; m < c->n; m++) {
            if (m == i || m == j)
                continue;
            double dm = si + c->sq_norm[m] - 2.0 * g[m];
            if (fabs(dm - dj) <= rel * (si + c->sq_norm[m]) + 1e-300)
                dm = exact_sq_dist(c, i, m);
            /* Exact comparison, ties by index.  sklearn sorts distances
             * from the dot-product expansion, whose rounding can order
             * near-equal distances (common with pixels v/255) differently:
             * on 3,000 MNIST digits that moves its result by 2e-8. */
            rank += dm < dj || (dm == dj && m < j);
        }
        if (rank > c->k)
            penalty += rank - c->k;
    }
    c->penalty[i] = penalty;

    if (c->labels) {
        /* Majority vote; a tie goes to the smallest label (scipy's mode). */
        int64_t *v = c->votes + (size_t)task * (size_t)c->k;
        for (int q = 0; q < c->k; q++)
            v[q] = c->labels[nbr[q]];
        qsort(v, (size_t)c->k, sizeof *v, cmp_i64);
        int64_t best = v[0];
        int best_n = 0;
        for (int q = 0; q < c->k;) {
            int r = q;
            while (r < c->k && v[r] == v[q])
                r++;
            if (r - q > best_n) {
                best_n = r - q;
                best = v[q];
            }
            q = r;
        }
        c->hit[i] = best == c->labels[i];
    }
}

int nn_embed_scores(const float *high, int64_t dh, const float *low, int64_t dl, int64_t n, int k,
                    const int64_t *labels, nn_embed_result *res)
{
    memset(res, 0, sizeof *res);
    if (k < 1)
        return nn_set_error("k must be at least 1, not %d", k);
    if ((double)k >= (double)n / 2)
        return nn_set_error("k (%d) must be less than half the number of points (%lld)", k, (long long)n);
    if (dh < 1 || dl < 1)
        return nn_set_error("points need at least one coordinate");
    int64_t block = n < EMBED_BLOCK ? n : EMBED_BLOCK;
    embed_ctx c = {high, low, dh, dl, n, k, labels, NULL, NULL, 0, NULL, NULL, NULL, NULL, NULL};
    double *sq = nn_alloc((size_t)n, sizeof *sq);
    float *dot = nn_alloc((size_t)block * (size_t)n, sizeof *dot);
    c.penalty = nn_calloc((size_t)n, sizeof *c.penalty);
    c.hit = nn_calloc((size_t)n, 1);
    c.nbr = nn_alloc((size_t)block * (size_t)k, sizeof *c.nbr);
    c.nbr_d = nn_alloc((size_t)block * (size_t)k, sizeof *c.nbr_d);
    c.votes = nn_alloc((size_t)block * (size_t)k, sizeof *c.votes);
    int rc = -1;
    if (!sq || !dot || !c.penalty || !c.hit || !c.nbr || !c.nbr_d || !c.votes)
        goto done;
    for (int64_t i = 0; i < n; i++) {
        double s = 0;
        for (int64_t t = 0; t < dh; t++)
            s += (double)high[i * dh + t] * high[i * dh + t];
        sq[i] = s;
    }
    c.sq_norm = sq;
    c.dot = dot;
    for (int64_t r0 = 0; r0 < n; r0 += block) {
        int64_t rows = n - r0 < block ? n - r0 : block;
        /* dot (rows x n) = high[r0..] (rows x dh) * high^T (dh x n) */
        nn_sgemm(0, 1, rows, n, dh, 1.0f, high + r0 * dh, dh, high, dh, 0.0f, dot, n);
        c.row0 = r0;
        nn_parallel_for((int)rows, embed_row, &c);
    }
    double total = 0;
    int64_t hits = 0;
    for (int64_t i = 0; i < n; i++) {
        total += (double)c.penalty[i];
        hits += c.hit[i];
    }
    res->n = n;
    res->k = k;
    res->trustworthiness =
        1.0 - total * (2.0 / ((double)n * k * (2.0 * (double)n - 3.0 * k - 1.0)));
    res->has_knn = labels != NULL;
    res->knn_accuracy = labels ? (double)hits / (double)n : 0;
    rc = 0;
done:
    free(sq), free(dot), free(c.penalty), free(c.hit), free(c.nbr), free(c.nbr_d), free(c.votes);
    return rc;
}

int nn_embed_report(const nn_embed_result *res, nn_report *r)
{
    int rc = 0;
    rc |= nn_report_add(r, "trustworthiness", NULL, res->trustworthiness);
    if (res->has_knn)
        rc |= nn_report_add(r, "knn_accuracy", NULL, res->knn_accuracy);
    rc |= nn_report_add(r, "k", NULL, res->k);
    rc |= nn_report_add(r, "samples", NULL, (double)res->n);
    return rc ? -1 : 0;
}
