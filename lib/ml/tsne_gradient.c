/* Gradient of the t-SNE objective KL(P || Q), exact or Barnes-Hut.
 *
 *   dC/dy_i = 4 (sum_j p_ij w_ij (y_i - y_j)  -  sum_j w_ij^2 (y_i - y_j) / Z)
 *   w_ij = 1 / (1 + |y_i - y_j|^2),  Z = sum_{k != l} w_kl
 *
 * The first (attractive) sum runs over the sparse P; the second
 * (repulsive) one over all pairs, directly or through the tree. */
#include "ml/tsne.h"
#include "ml/tsne_bh.h"

#include "core/mem.h"
#include "core/parallel.h"

#include <math.h>
#include <stdlib.h>

enum { GRAD_ROWS = 128 };

typedef struct {
    const nn_tsne_sparse *p;
    const double *y;
    int64_t n;
    int dims;
    double theta2, exaggeration;
    const nn_bh_tree *tree; /* NULL: exact */
    double *attr, *rep;     /* n x dims */
    double *task_z, *task_kl;
    int want_kl;
} grad_ctx;

/* Attraction on point i: attr_i = exaggeration * sum_j p_ij w_ij (y_i - y_j).
 * Neighbours go in groups of 8 with one accumulator per lane, so the
 * compiler vectorises the divisions; lanes are added in a fixed order at
 * the end (same result for every thread count). */
enum { LANES = 8 };

static inline void attract_d(const grad_ctx *c, int64_t i, const int D)
{
    const double *y = c->y, *yi = y + i * D;
    const int64_t end = c->p->row[i + 1];
    double acc[3][LANES] = {{0}};
    for (int64_t m0 = c->p->row[i]; m0 < end; m0 += LANES) {
        double dx[3][LANES], pv[LANES];
        for (int b = 0; b < LANES; b++) {
            if (m0 + b < end) {
                const double *yj = y + (int64_t)c->p->col[m0 + b] * D;
                for (int a = 0; a < D; a++)
                    dx[a][b] = yi[a] - yj[a];
                pv[b] = c->p->val[m0 + b];
            } else {
                for (int a = 0; a < D; a++)
                    dx[a][b] = 0.0;
                pv[b] = 0.0;
            }
        }
        for (int b = 0; b < LANES; b++) {
            double d2 = 0.0;
            for (int a = 0; a < D; a++)
                d2 += dx[a][b] * dx[a][b];
            double pw = pv[b] / (1.0 + d2);
            for (int a = 0; a < D; a++)
                acc[a][b] += pw * dx[a][b];
        }
    }
    for (int a = 0; a < D; a++) {
        double s = 0.0;
        for (int b = 0; b < LANES; b++)
            s += acc[a][b];
        c->attr[i * D + a] = c->exaggeration * s;
    }
}

/* sum_j p_ij (log p_ij - log w_ij) for row i: the KL without its log Z
 * term (sum p = 1, so KL = this summed over rows + log Z). */
static double kl_row(const grad_ctx *c, int64_t i)
{
    const int D = c->dims;
    const double *yi = c->y + i * D;
    double kl = 0.0;
    for (int64_t m = c->p->row[i]; m < c->p->row[i + 1]; m++) {
        const double *yj = c->y + (int64_t)c->p->col[m] * D;
        double d2 = 0.0;
        for (int a = 0; a < D; a++)
            d2 += (yi[a] - yj[a]) * (yi[a] - yj[a]);
        double pij = c->p->val[m];
        if (pij > 0)
            kl += pij * (log(pij) + log1p(d2));
    }
    return kl;
}

static void grad_task(void *vctx, int task, int worker)
{
    (void)worker;
    grad_ctx *c = vctx;
    const int D = c->dims;
    int64_t r0 = (int64_t)task * GRAD_ROWS, r1 = r0 + GRAD_ROWS;
    if (r1 > c->n)
        r1 = c->n;
    double z = 0.0, kl = 0.0;
    for (int64_t i = r0; i < r1; i++) {
        if (D == 2)
            attract_d(c, i, 2);
        else
            attract_d(c, i, 3);
        if (c->want_kl)
            kl += kl_row(c, i);
    }
    for (int64_t k = r0; k < r1; k++) {
        double fr[3] = {0, 0, 0};
        if (c->tree) {
            /* tree order: consecutive points are neighbours and walk
             * mostly the same nodes, which stay in cache */
            int64_t i = c->tree->perm[k];
            z += nn_bh_repulsion(c->tree, i, c->theta2, fr);
            for (int a = 0; a < D; a++)
                c->rep[i * D + a] = fr[a];
            continue;
        }
        const int64_t i = k;
        const double *yi = c->y + i * D;
        for (int64_t j = 0; j < c->n; j++) {
            if (j == i)
                continue;
            double diff[3], d2 = 0.0;
            for (int a = 0; a < D; a++) {
                diff[a] = yi[a] - c->y[j * D + a];
                d2 += diff[a] * diff[a];
            }
            double w = 1.0 / (1.0 + d2);
            z += w;
            for (int a = 0; a < D; a++)
                fr[a] += w * w * diff[a];
        }
        for (int a = 0; a < D; a++)
            c->rep[i * D + a] = fr[a];
    }
    c->task_z[task] = z;
    c->task_kl[task] = kl;
}

struct nn_tsne_grad_ws {
    int64_t n;
    int dims, ntask;
    double *rep, *task_z, *task_kl;
    nn_bh_tree tree;
};

nn_tsne_grad_ws *nn_tsne_grad_ws_new(int64_t n, int dims)
{
    nn_tsne_grad_ws *w = nn_calloc(1, sizeof *w);
    if (!w)
        return NULL;
    w->n = n;
    w->dims = dims;
    w->ntask = (int)((n + GRAD_ROWS - 1) / GRAD_ROWS);
    w->rep = nn_alloc((size_t)n * (size_t)dims, sizeof *w->rep);
    w->task_z = nn_alloc((size_t)w->ntask, sizeof *w->task_z);
    w->task_kl = nn_alloc((size_t)w->ntask, sizeof *w->task_kl);
    if (!w->rep || !w->task_z || !w->task_kl) {
        nn_tsne_grad_ws_free(w);
        return NULL;
    }
    return w;
}

void nn_tsne_grad_ws_free(nn_tsne_grad_ws *w)
{
    if (!w)
        return;
    free(w->rep), free(w->task_z), free(w->task_kl);
    nn_bh_free(&w->tree);
    free(w);
}

int nn_tsne_gradient_ws(nn_tsne_grad_ws *w, const nn_tsne_sparse *p, const double *y, double theta,
                        double exaggeration, double *grad, double *kl)
{
    const int64_t n = w->n;
    const int dims = w->dims;
    if (theta > 0 && nn_bh_build(&w->tree, y, n, dims) < 0)
        return -1;
    grad_ctx c = {p, y, n, dims, theta * theta, exaggeration, theta > 0 ? &w->tree : NULL, grad, w->rep,
                  w->task_z, w->task_kl, kl != NULL};
    nn_parallel_for(w->ntask, grad_task, &c);
    double z = 0.0, klsum = 0.0;
    for (int t = 0; t < w->ntask; t++) {
        z += w->task_z[t];
        klsum += w->task_kl[t];
    }
    if (!(z > 0))
        z = 1e-300;
    size_t total = (size_t)n * (size_t)dims;
    for (size_t m = 0; m < total; m++)
        grad[m] = 4.0 * (grad[m] - w->rep[m] / z);
    if (kl)
        *kl = klsum + log(z);
    return 0;
}

int nn_tsne_gradient(const nn_tsne_sparse *p, const double *y, int64_t n, int dims, double theta,
                     double exaggeration, double *grad, double *kl)
{
    nn_tsne_grad_ws *w = nn_tsne_grad_ws_new(n, dims);
    if (!w)
        return -1;
    int rc = nn_tsne_gradient_ws(w, p, y, theta, exaggeration, grad, kl);
    nn_tsne_grad_ws_free(w);
    return rc;
}
