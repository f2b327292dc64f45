/* t-SNE input affinities: exact k nearest neighbours by blocks of GEMM,
 * per-point bandwidth calibration, symmetric sparse P. */
#include "ml/tsne.h"

#include "core/error.h"
#include "core/mem.h"
#include "core/parallel.h"
#include "math/gemm.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

void nn_tsne_sparse_free(nn_tsne_sparse *p)
{
    free(p->row);
    free(p->col);
    free(p->val);
    memset(p, 0, sizeof *p);
}

/* ---- calibration ----------------------------------------------------- */

double nn_tsne_calibrate(const double *dist2, int k, double perplexity, double *p)
{
    const double target = log(perplexity), tol = 1e-5;
    if (k <= 0)
        return 1.0;
    /* Entropy and normalised p do not change when every distance is
     * shifted by the same amount, so measure from the nearest neighbour:
     * then the largest term is exp(0) = 1 and the sum never underflows,
     * whatever the scale of the data (raw 0..255 pixels included). */
    double dmin = dist2[0];
    for (int j = 1; j < k; j++)
        if (dist2[j] < dmin)
            dmin = dist2[j];
    double beta = 1.0, lo = -INFINITY, hi = INFINITY;
    for (int step = 0; step < 100; step++) {
        double sum = 0.0, sum_dp = 0.0;
        for (int j = 0; j < k; j++) {
            double dj = dist2[j] - dmin;
            p[j] = exp(-beta * dj);
            sum += p[j];
        }
        for (int j = 0; j < k; j++) {
            p[j] /= sum;
            sum_dp += (dist2[j] - dmin) * p[j];
        }
        /* H = log(sum) + beta * E[d - dmin] */
        double h = log(sum) + beta * sum_dp;
        double diff = h - target;
        if (fabs(diff) <= tol)
            break;
        if (diff > 0) { /* too flat: sharpen */
            lo = beta;
            beta = isinf(hi) ? beta * 2.0 : (beta + hi) / 2.0;
        } else {
            hi = beta;
            beta = isinf(lo) ? beta / 2.0 : (beta + lo) / 2.0;
        }
    }
    return beta;
}

/* ---- k nearest neighbours ------------------------------------------- */

enum { KNN_QB = 1024, KNN_CB = 2048, KNN_ROWS_PER_TASK = 16 };

typedef struct {
    const float *x, *norm;
    int64_t n, d;
    int k;
    int64_t q0, qn, c0, cn;
    const float *g; /* qn x cn: x[q] . x[c] */
    float *heap_d;  /* n x k, max-heaps of approximate distances */
    int32_t *heap_i;
    int *heap_len;  /* n */
} knn_ctx;

static void heap_sift_down(float *hd, int32_t *hi, int len, int at)
{
    for (;;) {
        int l = 2 * at + 1, r = l + 1, m = at;
        if (l < len && hd[l] > hd[m])
            m = l;
        if (r < len && hd[r] > hd[m])
            m = r;
        if (m == at)
            return;
        float td = hd[at];
        hd[at] = hd[m];
        hd[m] = td;
        int32_t ti = hi[at];
        hi[at] = hi[m];
        hi[m] = ti;
        at = m;
    }
}

static void heap_push(float *hd, int32_t *hi, int *len, float d, int32_t i)
{
    int at = (*len)++;
    hd[at] = d;
    hi[at] = i;
    while (at > 0) {
        int up = (at - 1) / 2;
        if (hd[up] >= hd[at])
            break;
        float td = hd[at];
        hd[at] = hd[up];
        hd[up] = td;
        int32_t ti = hi[at];
        hi[at] = hi[up];
        hi[up] = ti;
        at = up;
    }
}

static void knn_task(void *vctx, int task, int worker)
{
    (void)worker;
    knn_ctx *c = vctx;
    int64_t r0 = (int64_t)task * KNN_ROWS_PER_TASK, r1 = r0 + KNN_ROWS_PER_TASK;
    if (r1 > c->qn)
        r1 = c->qn;
    for (int64_t r = r0; r < r1; r++) {
        int64_t q = c->q0 + r;
        float *hd = c->heap_d + q * c->k;
        int32_t *hi = c->heap_i + q * c->k;
        int len = c->heap_len[q];
        const float *g = c->g + r * c->cn;
        const float nq = c->norm[q];
        const float *nc = c->norm + c->c0;
        int64_t j = 0;
        /* Fill the heap first; afterwards nearly every candidate is
         * farther than the current k-th, so test 16 at a time against
         * that bound (a loop the compiler vectorises) and only look
         * closer at blocks holding a hit. */
        for (; j < c->cn && len < c->k; j++) {
            int64_t col = c->c0 + j;
            if (col != q)
                heap_push(hd, hi, &len, nq + nc[j] - 2.0f * g[j], (int32_t)col);
        }
        for (; j < c->cn; j += 16) {
            int64_t m = c->cn - j < 16 ? c->cn - j : 16;
            float bound = hd[0];
            int any = 0;
            for (int64_t b = 0; b < m; b++)
                any |= nq + nc[j + b] - 2.0f * g[j + b] < bound;
            if (!any)
                continue;
            for (int64_t b = 0; b < m; b++) {
                int64_t col = c->c0 + j + b;
                float dd = nq + nc[j + b] - 2.0f * g[j + b];
                if (dd < hd[0] && col != q) {
                    hd[0] = dd;
                    hi[0] = (int32_t)col;
                    heap_sift_down(hd, hi, len, 0);
                }
            }
        }
        c->heap_len[q] = len;
    }
}

typedef struct {
    double d;
    int32_t i;
} dist_idx;

static int cmp_dist_idx(const void *a, const void *b)
{
    const dist_idx *x = a, *y = b;
    if (x->d != y->d)
        return x->d < y->d ? -1 : 1;
    return (x->i > y->i) - (x->i < y->i);
}

typedef struct {
    const float *x;
    int64_t n, d;
    int k;
    int32_t *idx;
    double *dist2;
    dist_idx *tmp; /* per task: k */
    int rows_per_task;
} knn_final_ctx;

/* Exact distances (double) for the chosen neighbours, then sort them:
 * the float GEMM form |a|^2 + |b|^2 - 2 a.b loses digits for close
 * points, which matters for the bandwidth of dense clusters. */
static void knn_final_task(void *vctx, int task, int worker)
{
    (void)worker;
    knn_final_ctx *c = vctx;
    dist_idx *t = c->tmp + (size_t)task * c->k;
    int64_t r0 = (int64_t)task * c->rows_per_task, r1 = r0 + c->rows_per_task;
    if (r1 > c->n)
        r1 = c->n;
    for (int64_t i = r0; i < r1; i++) {
        const float *xi = c->x + i * c->d;
        for (int m = 0; m < c->k; m++) {
            int32_t j = c->idx[i * c->k + m];
            const float *xj = c->x + (int64_t)j * c->d;
            double s = 0.0;
            for (int64_t a = 0; a < c->d; a++) {
                double diff = (double)xi[a] - (double)xj[a];
                s += diff * diff;
            }
            t[m].d = s;
            t[m].i = j;
        }
        qsort(t, (size_t)c->k, sizeof *t, cmp_dist_idx);
        for (int m = 0; m < c->k; m++) {
            c->idx[i * c->k + m] = t[m].i;
            c->dist2[i * c->k + m] = t[m].d;
        }
    }
}

int nn_tsne_knn(const float *x, int64_t n, int64_t d, int k, int32_t *idx, double *dist2)
{
    if (n < 2 || k < 1 || k >= n || n > INT32_MAX)
        return nn_set_error("kNN: need 1 <= k < n (k = %d, n = %lld)", k, (long long)n);
    float *norm = nn_alloc((size_t)n, sizeof *norm);
    float *heap_d = nn_alloc((size_t)n * (size_t)k, sizeof *heap_d);
    int *heap_len = nn_calloc((size_t)n, sizeof *heap_len);
    int64_t qb = n < KNN_QB ? n : KNN_QB, cb = n < KNN_CB ? n : KNN_CB;
    float *g = nn_alloc((size_t)(qb * cb), sizeof *g);
    int ntask_final = (int)((n + 63) / 64);
    dist_idx *tmp = nn_alloc((size_t)ntask_final * (size_t)k, sizeof *tmp);
    if (!norm || !heap_d || !heap_len || !g || !tmp) {
        free(norm), free(heap_d), free(heap_len), free(g), free(tmp);
        return -1;
    }
    for (int64_t i = 0; i < n; i++) {
        double s = 0.0;
        for (int64_t a = 0; a < d; a++)
            s += (double)x[i * d + a] * x[i * d + a];
        norm[i] = (float)s;
    }
    knn_ctx c = {x, norm, n, d, k, 0, 0, 0, 0, g, heap_d, idx, heap_len};
    for (int64_t q0 = 0; q0 < n; q0 += qb) {
        c.q0 = q0;
        c.qn = n - q0 < qb ? n - q0 : qb;
        for (int64_t c0 = 0; c0 < n; c0 += cb) {
            c.c0 = c0;
            c.cn = n - c0 < cb ? n - c0 : cb;
            /* g (qn x cn) = x[q0..] (qn x d) * x[c0..]^T (d x cn) */
            nn_sgemm(0, 1, c.qn, c.cn, d, 1.0f, x + q0 * d, d, x + c0 * d, d, 0.0f, g, c.cn);
            nn_parallel_for((int)((c.qn + KNN_ROWS_PER_TASK - 1) / KNN_ROWS_PER_TASK), knn_task, &c);
        }
    }
    knn_final_ctx f = {x, n, d, k, idx, dist2, tmp, 64};
    nn_parallel_for(ntask_final, knn_final_task, &f);
    free(norm), free(heap_d), free(heap_len), free(g), free(tmp);
    return 0;
}

/* ---- joint probabilities --------------------------------------------- */

typedef struct {
    const double *dist2;
    double *p;
    int64_t n;
    int k;
    double perplexity;
} calib_ctx;

enum { CALIB_ROWS = 64 };

static void calib_task(void *vctx, int task, int worker)
{
    (void)worker;
    calib_ctx *c = vctx;
    int64_t r0 = (int64_t)task * CALIB_ROWS, r1 = r0 + CALIB_ROWS;
    if (r1 > c->n)
        r1 = c->n;
    for (int64_t i = r0; i < r1; i++)
        nn_tsne_calibrate(c->dist2 + i * c->k, c->k, c->perplexity, c->p + i * c->k);
}

typedef struct {
    int32_t col;
    double val;
} entry;

static int cmp_entry(const void *a, const void *b)
{
    const entry *x = a, *y = b;
    return (x->col > y->col) - (x->col < y->col);
}

typedef struct {
    entry *e;
    const int64_t *start;
    int64_t *len; /* in: entries; out: after merging duplicates */
    int64_t n;
} merge_ctx;

static void merge_task(void *vctx, int task, int worker)
{
    (void)worker;
    merge_ctx *c = vctx;
    int64_t r0 = (int64_t)task * CALIB_ROWS, r1 = r0 + CALIB_ROWS;
    if (r1 > c->n)
        r1 = c->n;
    for (int64_t i = r0; i < r1; i++) {
        entry *e = c->e + c->start[i];
        int64_t len = c->len[i], out = 0;
        qsort(e, (size_t)len, sizeof *e, cmp_entry);
        for (int64_t m = 0; m < len; m++) {
            if (out > 0 && e[out - 1].col == e[m].col)
                e[out - 1].val += e[m].val;
            else
                e[out++] = e[m];
        }
        c->len[i] = out;
    }
}

int nn_tsne_affinities(const float *x, int64_t n, int64_t d, double perplexity, int k, nn_tsne_sparse *p)
{
    memset(p, 0, sizeof *p);
    size_t nk;
    if (nn_mul_size((size_t)n, (size_t)k, &nk) < 0)
        return -1;
    int32_t *idx = nn_alloc(nk, sizeof *idx);
    double *dist2 = nn_alloc(nk, sizeof *dist2);
    double *cond = nn_alloc(nk, sizeof *cond);
    int64_t *start = nn_calloc((size_t)n + 1, sizeof *start);
    int64_t *len = nn_calloc((size_t)n, sizeof *len);
    entry *e = NULL;
    int rc = -1;
    if (!idx || !dist2 || !cond || !start || !len)
        goto done;
    if (nn_tsne_knn(x, n, d, k, idx, dist2) < 0)
        goto done;
    calib_ctx cc = {dist2, cond, n, k, perplexity};
    nn_parallel_for((int)((n + CALIB_ROWS - 1) / CALIB_ROWS), calib_task, &cc);
    free(dist2);
    dist2 = NULL;
    e = nn_alloc(2 * nk, sizeof *e); /* after dist2 is gone: lower peak */
    if (!e)
        goto done;

    /* P_cond + P_cond^T: row i gets its own k entries and one entry for
     * every point that has i among its neighbours. */
    for (int64_t i = 0; i < n; i++) {
        len[i] += k;
        for (int m = 0; m < k; m++)
            len[idx[i * k + m]]++;
    }
    for (int64_t i = 0; i < n; i++)
        start[i + 1] = start[i] + len[i];
    memset(len, 0, (size_t)n * sizeof *len);
    for (int64_t i = 0; i < n; i++) {
        for (int m = 0; m < k; m++) {
            int32_t j = idx[i * k + m];
            double v = cond[i * k + m];
            e[start[i] + len[i]++] = (entry){(int32_t)j, v};
            e[start[j] + len[j]++] = (entry){(int32_t)i, v};
        }
    }
    free(idx), free(cond);
    idx = NULL, cond = NULL;
    merge_ctx mc = {e, start, len, n};
    nn_parallel_for((int)((n + CALIB_ROWS - 1) / CALIB_ROWS), merge_task, &mc);

    int64_t nnz = 0;
    double total = 0.0;
    for (int64_t i = 0; i < n; i++) {
        nnz += len[i];
        for (int64_t m = 0; m < len[i]; m++)
            total += e[start[i] + m].val;
    }
    p->n = n;
    p->row = nn_alloc((size_t)n + 1, sizeof *p->row);
    p->col = nn_alloc((size_t)nnz, sizeof *p->col);
    p->val = nn_alloc((size_t)nnz, sizeof *p->val);
    if (!p->row || !p->col || !p->val) {
        nn_tsne_sparse_free(p);
        goto done;
    }
    if (!(total > 0.0))
        total = 1.0;
    int64_t at = 0;
    for (int64_t i = 0; i < n; i++) {
        p->row[i] = at;
        for (int64_t m = 0; m < len[i]; m++) {
            p->col[at] = e[start[i] + m].col;
            p->val[at] = e[start[i] + m].val / total;
            at++;
        }
    }
    p->row[n] = at;
    rc = 0;
done:
    free(idx), free(dist2), free(cond), free(start), free(len), free(e);
    return rc;
}
