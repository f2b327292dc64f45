/* Clustering agreement: normalized mutual information (arithmetic mean of
 * the entropies, sklearn's default) and the adjusted Rand index, from the
 * non-zero cells of the contingency table (found by sorting, so a million
 * singleton clusters cost O(n log n), not a dense table). */
#include "ml/metrics.h"

#include "core/error.h"
#include "core/mem.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

/* idx[i] = rank of y[i] among the distinct values; returns their count
 * in *k and each one's size in *counts (nn_alloc'd). */
static int dense_ids(const int64_t *y, size_t n, uint64_t *idx, size_t *k, int64_t **counts)
{
    int64_t *u = nn_alloc(n + 1, sizeof *u);
    if (!u)
        return -1;
    memcpy(u, y, n * sizeof *u);
    qsort(u, n, sizeof *u, cmp_i64);
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        if (m == 0 || u[m - 1] != u[i])
            u[m++] = u[i];
    int64_t *c = nn_calloc(m + 1, sizeof *c);
    if (!c) {
        free(u);
        return -1;
    }
    for (size_t i = 0; i < n; i++) {
        size_t lo = 0, hi = m;
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            if (u[mid] < y[i])
                lo = mid + 1;
            else
                hi = mid;
        }
        idx[i] = lo;
        c[lo]++;
    }
    free(u);
    *k = m;
    *counts = c;
    return 0;
}

/* Entropy (nats) of a labelling given its class sizes; 0 for one class. */
static double entropy(const int64_t *counts, size_t k, int64_t n)
{
    if (k <= 1)
        return 0.0;
    double h = 0, ln_n = log((double)n);
    for (size_t i = 0; i < k; i++)
        if (counts[i] > 0) {
            double c = (double)counts[i];
            h -= c / (double)n * (log(c) - ln_n);
        }
    return h;
}

int nn_cluster_scores(const int64_t *t, const int64_t *p, size_t n, nn_cluster_result *res)
{
    memset(res, 0, sizeof *res);
    res->n = (int64_t)n;
    if (n == 0) { /* sklearn: two empty labellings agree perfectly */
        res->nmi = res->ari = 1.0;
        return 0;
    }
    uint64_t *it = nn_alloc(n, sizeof *it), *ip = nn_alloc(n, sizeof *ip);
    int64_t *a = NULL, *b = NULL;
    if (!it || !ip || dense_ids(t, n, it, &res->n_classes, &a) < 0 || dense_ids(p, n, ip, &res->n_clusters, &b) < 0) {
        free(it), free(ip), free(a);
        return -1;
    }
    /* Contingency cells as sorted keys class * n_clusters + cluster. */
    for (size_t i = 0; i < n; i++)
        it[i] = it[i] * (uint64_t)res->n_clusters + ip[i];
    qsort(it, n, sizeof *it, cmp_u64);
    double ln_n = log((double)n), mi = 0, sum_sq = 0, sum_nb = 0, sum_na = 0;
    for (size_t i = 0; i < n;) {
        size_t j = i;
        while (j < n && it[j] == it[i])
            j++;
        double nij = (double)(j - i);
        uint64_t ci = it[i] / res->n_clusters, cj = it[i] % res->n_clusters;
        double ai = (double)a[ci], bj = (double)b[cj];
        /* sklearn's sum of n_ij/n * (log n_ij - log n - log(a_i b_j) + 2 log n) */
        mi += nij / (double)n * (log(nij) - ln_n) + nij / (double)n * (-log(ai * bj) + 2 * ln_n);
        sum_sq += nij * nij;
        sum_nb += nij * bj;
        sum_na += nij * ai;
        i = j;
    }
    if (res->n_classes == 1 || res->n_clusters == 1)
        mi = 0; /* zero entropy on one side */
    res->mutual_info = mi < 0 ? 0 : mi;
    res->h_true = entropy(a, res->n_classes, (int64_t)n);
    res->h_pred = entropy(b, res->n_clusters, (int64_t)n);
    if (res->n_classes == 1 && res->n_clusters == 1)
        res->nmi = 1.0; /* nothing split on either side: a perfect match */
    else if (res->mutual_info == 0)
        res->nmi = 0.0;
    else
        res->nmi = res->mutual_info / ((res->h_true + res->h_pred) / 2);

    /* Pair confusion matrix (ordered pairs, as sklearn). */
    double nn = (double)n;
    double tp = sum_sq - nn, fp = sum_nb - sum_sq, fn = sum_na - sum_sq;
    double tn = nn * nn - fp - fn - sum_sq;
    if (fn == 0 && fp == 0)
        res->ari = 1.0;
    else
        res->ari = 2.0 * (tp * tn - fn * fp) / ((tp + fn) * (fn + tn) + (tp + fp) * (fp + tn));
    free(it), free(ip), free(a), free(b);
    return 0;
}

int nn_cluster_report(const nn_cluster_result *res, nn_report *r)
{
    int rc = 0;
    rc |= nn_report_add(r, "nmi", NULL, res->nmi);
    rc |= nn_report_add(r, "ari", NULL, res->ari);
    rc |= nn_report_add(r, "mutual_info", NULL, res->mutual_info);
    rc |= nn_report_add(r, "entropy_true", NULL, res->h_true);
    rc |= nn_report_add(r, "entropy_pred", NULL, res->h_pred);
    rc |= nn_report_add(r, "classes", NULL, (double)res->n_classes);
    rc |= nn_report_add(r, "clusters", NULL, (double)res->n_clusters);
    rc |= nn_report_add(r, "samples", NULL, (double)res->n);
    return rc ? -1 : 0;
}
