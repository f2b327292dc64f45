#include "ml/knn.h"

#include "core/error.h"
#include "core/mem.h"
#include "core/parallel.h"
#include "core/progress.h"
#include "math/gemm.h"

#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

/* Queries per task and training rows per GEMM call.  A block of scores is
 * QB x TB floats per worker; with many features the GEMM dominates and
 * wants long panels, with few the score scan does and wants the block to
 * stay in cache. */
#define QB_WIDE 512
#define TB_WIDE 1024
#define QB_NARROW 256
#define TB_NARROW 1024
#define NARROW_DIM 64

int nn_knn_metric_parse(const char *name)
{
    if (strcmp(name, "euclidean") == 0)
        return NN_KNN_EUCLIDEAN;
    if (strcmp(name, "cosine") == 0)
        return NN_KNN_COSINE;
    return -1;
}

typedef struct {
    const float *train, *query;
    int64_t n_train, n_query, dim, k, kc, qb, tb;
    nn_knn_metric metric;
    int exclude_self;
    const float *nb; /* euclidean: |b|^2; cosine: 1/|b| (0 for a zero row) */
    int64_t *idx;
    float *dist;
    int *task_failed;
    nn_progress *progress; /* NULL: none */
    pthread_mutex_t lock;  /* guards done and the progress line */
    int64_t done;
} search_ctx;

/* Max-heap of candidates, worst (largest score, then largest index) at
 * the root. */
typedef struct {
    float *score;
    int64_t *index;
    int64_t size;
} heap;

static int worse(const heap *h, int64_t a, int64_t b)
{
    if (h->score[a] != h->score[b])
        return h->score[a] > h->score[b];
    return h->index[a] > h->index[b];
}

static void swap_entries(heap *h, int64_t a, int64_t b)
{
    float s = h->score[a];
    h->score[a] = h->score[b];
    h->score[b] = s;
    int64_t i = h->index[a];
    h->index[a] = h->index[b];
    h->index[b] = i;
}

static void heap_push(heap *h, float s, int64_t j)
{
    int64_t c = h->size++;
    h->score[c] = s;
    h->index[c] = j;
    while (c > 0) {
        int64_t parent = (c - 1) / 2;
        if (!worse(h, c, parent))
            break;
        swap_entries(h, c, parent);
        c = parent;
    }
}

static void heap_replace_root(heap *h, float s, int64_t j)
{
    h->score[0] = s;
    h->index[0] = j;
    int64_t c = 0;
    for (;;) {
        int64_t l = 2 * c + 1, r = l + 1, m = c;
        if (l < h->size && worse(h, l, m))
            m = l;
        if (r < h->size && worse(h, r, m))
            m = r;
        if (m == c)
            break;
        swap_entries(h, c, m);
        c = m;
    }
}

typedef struct {
    double d;
    int64_t j;
} cand;

static int by_distance(const void *pa, const void *pb)
{
    const cand *a = pa, *b = pb;
    if (a->d != b->d)
        return a->d < b->d ? -1 : 1;
    return a->j < b->j ? -1 : a->j > b->j;
}

static double exact_distance(const float *a, const float *b, int64_t dim, nn_knn_metric metric)
{
    if (metric == NN_KNN_EUCLIDEAN) {
        double s = 0;
        for (int64_t t = 0; t < dim; t++) {
            double diff = (double)a[t] - (double)b[t];
            s += diff * diff;
        }
        return sqrt(s);
    }
    double ab = 0, aa = 0, bb = 0;
    for (int64_t t = 0; t < dim; t++) {
        ab += (double)a[t] * b[t];
        aa += (double)a[t] * a[t];
        bb += (double)b[t] * b[t];
    }
    if (aa == 0 || bb == 0)
        return 1.0;
    double d = 1.0 - ab / (sqrt(aa) * sqrt(bb));
    return d < 0 ? 0 : d;
}

/* Scores of one query against a chunk (nt training rows from t0): feed
 * every candidate better than the current worst into the heap.  Most
 * scores lose, so they are computed and tested SCAN at a time with a
 * branch-free (vectorizable) pass, and only a block with a winner goes
 * through the heap. */
#define SCAN 16
/* Kept out of line: GCC vectorizes it alone but not once inlined into the
 * heap loop. */
#if defined(__GNUC__) || defined(__clang__)
__attribute__((noinline))
#endif
static int any_below(const float *s, float thr)
{
    int below = 0;
    for (int t = 0; t < SCAN; t++)
        below += s[t] < thr;
    return below;
}

static void scan_row(heap *h, int64_t kc, float *row, const float *nb, int64_t nt, int64_t t0, int64_t self,
                     nn_knn_metric metric)
{
    /* Scores in place: euclidean |b|^2 - 2 a.b, cosine -a.b / |b|. */
    if (metric == NN_KNN_EUCLIDEAN)
        for (int64_t j = 0; j < nt; j++)
            row[j] = nb[j] - 2.0f * row[j];
    else
        for (int64_t j = 0; j < nt; j++)
            row[j] = -row[j] * nb[j];
    float thr = h->size == kc ? h->score[0] : INFINITY;
    for (int64_t j0 = 0; j0 < nt; j0 += SCAN) {
        int64_t jn = nt - j0 < SCAN ? nt - j0 : SCAN;
        const float *s = row + j0;
        if (jn == SCAN && h->size == kc && !any_below(s, thr))
            continue;
        for (int64_t t = 0; t < jn; t++) {
            if (!(s[t] < thr) && h->size == kc)
                continue;
            if (j0 + t == self)
                continue;
            if (h->size < kc)
                heap_push(h, s[t], t0 + j0 + t);
            else
                heap_replace_root(h, s[t], t0 + j0 + t);
            thr = h->size == kc ? h->score[0] : INFINITY;
        }
    }
}

static void search_task(void *vctx, int task, int worker)
{
    (void)worker;
    search_ctx *c = vctx;
    int64_t q0 = (int64_t)task * c->qb;
    int64_t nq = c->n_query - q0 < c->qb ? c->n_query - q0 : c->qb;
    int64_t kc = c->kc, tb = c->tb, dim = c->dim;
    float *scores = nn_alloc((size_t)(nq * tb), sizeof *scores);
    float *hs = nn_alloc((size_t)(nq * kc), sizeof *hs);
    int64_t *hi = nn_alloc((size_t)(nq * kc), sizeof *hi);
    int64_t *hn = nn_calloc((size_t)nq, sizeof *hn);
    cand *cands = nn_alloc((size_t)kc, sizeof *cands);
    if (!scores || !hs || !hi || !hn || !cands) {
        c->task_failed[task] = 1;
        goto done;
    }
    const float *qa = c->query + q0 * dim;
    for (int64_t t0 = 0; t0 < c->n_train; t0 += tb) {
        int64_t nt = c->n_train - t0 < tb ? c->n_train - t0 : tb;
        /* scores (nq x nt) = qa (nq x dim) train[t0:t0+nt]^T (dim x nt) */
        nn_sgemm(0, 1, nq, nt, dim, 1.0f, qa, dim, c->train + t0 * dim, dim, 0.0f, scores, tb);
        const float *nb = c->nb + t0;
        for (int64_t i = 0; i < nq; i++) {
            heap h = {hs + i * kc, hi + i * kc, hn[i]};
            int64_t self = c->exclude_self ? q0 + i - t0 : -1;
            scan_row(&h, kc, scores + i * tb, nb, nt, t0, self, c->metric);
            hn[i] = h.size;
        }
    }
    /* Exact distances of the candidates, sorted; keep the first k. */
    for (int64_t i = 0; i < nq; i++) {
        const float *a = qa + i * dim;
        int64_t n = hn[i];
        for (int64_t t = 0; t < n; t++) {
            int64_t j = hi[i * kc + t];
            cands[t] = (cand){exact_distance(a, c->train + j * dim, dim, c->metric), j};
        }
        qsort(cands, (size_t)n, sizeof *cands, by_distance);
        int64_t *oi = c->idx + (q0 + i) * c->k;
        for (int64_t t = 0; t < c->k; t++)
            oi[t] = cands[t].j;
        if (c->dist) {
            float *od = c->dist + (q0 + i) * c->k;
            for (int64_t t = 0; t < c->k; t++)
                od[t] = (float)cands[t].d;
        }
    }
    if (c->progress) {
        pthread_mutex_lock(&c->lock);
        c->done += nq;
        nn_progress_update(c->progress, c->done);
        pthread_mutex_unlock(&c->lock);
    }
done:
    free(scores);
    free(hs);
    free(hi);
    free(hn);
    free(cands);
}

static int check_finite(const float *x, int64_t rows, int64_t dim, const char *what)
{
    size_t n = (size_t)rows * (size_t)dim;
    float acc = 0;
    for (size_t i = 0; i < n; i++)
        acc += x[i] - x[i]; /* 0 for finite values, NaN otherwise */
    if (acc == 0)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!isfinite(x[i]))
            return nn_set_error("non-finite value (NaN or infinity) in %s row %lld", what,
                                (long long)(i / (size_t)dim));
    return 0;
}

int nn_knn_search(const float *train, int64_t n_train, const float *query, int64_t n_query, int64_t dim,
                  int64_t k, nn_knn_metric metric, int exclude_self, int64_t *idx, float *dist, int progress)
{
    if (dim < 1)
        return nn_set_error("the rows have no features");
    if (metric != NN_KNN_EUCLIDEAN && metric != NN_KNN_COSINE)
        return nn_set_error("unknown metric");
    if (exclude_self && n_query > n_train)
        return nn_set_error("leave-one-out needs the queries to be the training rows");
    int64_t avail = n_train - (exclude_self ? 1 : 0);
    if (k < 1 || k > avail)
        return nn_set_error("k = %lld, but there %s %lld training sample%s%s", (long long)k,
                            avail == 1 ? "is" : "are", (long long)(avail > 0 ? avail : 0), avail == 1 ? "" : "s",
                            exclude_self ? " besides the query itself" : "");
    if (check_finite(train, n_train, dim, "training") < 0 || check_finite(query, n_query, dim, "query") < 0)
        return -1;
    if (n_query == 0)
        return 0;
    int64_t kc = k + 8 + k / 4; /* margin for float rounding, see knn.h */
    if (kc > avail)
        kc = avail;
    int64_t qb = dim <= NARROW_DIM ? QB_NARROW : QB_WIDE, tb = dim <= NARROW_DIM ? TB_NARROW : TB_WIDE;
    if (tb > n_train)
        tb = n_train;
    /* The heaps take qb x kc entries per worker: keep that bounded (about
     * 50 MB) when k is very large. */
    if (qb * kc > ((int64_t)1 << 22))
        qb = ((int64_t)1 << 22) / kc > 8 ? ((int64_t)1 << 22) / kc : 8;
    int64_t tasks = (n_query + qb - 1) / qb;
    if (tasks > 0x7fffffff)
        return nn_set_error("too many queries");
    float *nb = nn_alloc((size_t)n_train, sizeof *nb);
    int *failed = nn_calloc((size_t)tasks, sizeof *failed);
    if (!nb || !failed) {
        free(nb);
        free(failed);
        return -1;
    }
    for (int64_t j = 0; j < n_train; j++) {
        const float *b = train + j * dim;
        double s = 0;
        for (int64_t t = 0; t < dim; t++)
            s += (double)b[t] * b[t];
        if (metric == NN_KNN_EUCLIDEAN)
            nb[j] = (float)s;
        else
            nb[j] = s > 0 ? (float)(1.0 / sqrt(s)) : 0.0f;
    }
    nn_progress pr;
    search_ctx ctx = {train, query, n_train, n_query, dim, k, kc, qb, tb, metric, exclude_self, nb, idx, dist,
                      failed, progress ? &pr : NULL, PTHREAD_MUTEX_INITIALIZER, 0};
    if (progress)
        nn_progress_start(&pr, "knn", n_query, "queries");
    nn_parallel_for((int)tasks, search_task, &ctx);
    if (progress)
        nn_progress_finish(&pr, ctx.done);
    int rc = 0;
    for (int64_t t = 0; t < tasks; t++)
        if (failed[t])
            rc = nn_set_error("out of memory in the neighbour search");
    free(nb);
    free(failed);
    return rc;
}

static int cmp_i64(const void *pa, const void *pb)
{
    int64_t a = *(const int64_t *)pa, b = *(const int64_t *)pb;
    return a < b ? -1 : a > b;
}

int nn_knn_vote(const int64_t *labels, int64_t n_train, const int64_t *idx, int64_t n_query, int64_t k,
                int64_t *pred)
{
    if (k < 1)
        return nn_set_error("k must be at least 1");
    int64_t *tmp = nn_alloc((size_t)k, sizeof *tmp);
    if (!tmp)
        return -1;
    for (int64_t q = 0; q < n_query; q++) {
        for (int64_t t = 0; t < k; t++) {
            int64_t j = idx[q * k + t];
            if (j < 0 || j >= n_train) {
                free(tmp);
                return nn_set_error("neighbour index %lld out of range", (long long)j);
            }
            tmp[t] = labels[j];
        }
        qsort(tmp, (size_t)k, sizeof *tmp, cmp_i64);
        /* Runs of equal labels in ascending order: the first longest run
         * is the smallest of the most frequent labels. */
        int64_t best = tmp[0], best_count = 0;
        for (int64_t s = 0; s < k;) {
            int64_t e = s;
            while (e < k && tmp[e] == tmp[s])
                e++;
            if (e - s > best_count) {
                best_count = e - s;
                best = tmp[s];
            }
            s = e;
        }
        pred[q] = best;
    }
    free(tmp);
    return 0;
}

double nn_knn_accuracy(const int64_t *pred, const int64_t *truth, int64_t n)
{
    int64_t hit = 0;
    for (int64_t i = 0; i < n; i++)
        hit += pred[i] == truth[i];
    return n > 0 ? (double)hit / (double)n : 0.0;
}
