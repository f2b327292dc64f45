/* Barnes-Hut quadtree / octree (see tsne_bh.h). */
#include "ml/tsne_bh.h"

#include "core/error.h"
#include "core/mem.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Deeper than this, points are treated as coinciding: a cell 2^-48 of the
 * embedding's extent is far below float resolution of the output.
 * Leaves keep up to BH_LEAF points: visiting a few points directly is
 * cheaper than walking the last levels of the tree (measured at 5,000
 * MNIST points: about 15% less CPU time than one point per leaf). */
enum { BH_MAX_DEPTH = 48, BH_STACK = BH_MAX_DEPTH * 8 + 8 };
#ifndef BH_LEAF
#define BH_LEAF 8
#endif

void nn_bh_free(nn_bh_tree *t)
{
    free(t->node);
    free(t->perm);
    free(t->tmp);
    memset(t, 0, sizeof *t);
}

static int64_t new_nodes(nn_bh_tree *t, int count)
{
    if (t->nodes + count > t->cap) {
        int64_t cap = t->cap ? t->cap : 64;
        while (cap < t->nodes + count)
            cap *= 2;
        nn_bh_node *p = nn_realloc(t->node, (size_t)cap, sizeof *p);
        if (!p)
            return -1;
        t->node = p;
        t->cap = cap;
    }
    int64_t at = t->nodes;
    t->nodes += count;
    return at;
}

/* Fill node `at` from perm[lo, hi) inside the cube centre +- half. */
static int build_node(nn_bh_tree *t, int64_t at, int64_t lo, int64_t hi, const double *centre, double half,
                      int depth)
{
    const int dims = t->dims == 3 ? 3 : 2;
    const double *y = t->y;
    double com[3] = {0, 0, 0};
    for (int64_t m = lo; m < hi; m++)
        for (int a = 0; a < dims; a++)
            com[a] += y[(int64_t)t->perm[m] * dims + a];
    nn_bh_node *nd = &t->node[at];
    for (int a = 0; a < 3; a++)
        nd->com[a] = (float)(com[a] / (double)(hi - lo));
    nd->width2 = (float)(4.0 * half * half);
    nd->count = (int32_t)(hi - lo);
    nd->child = -1;
    nd->nchild = 0;
    nd->start = (int32_t)lo;
    if (hi - lo <= BH_LEAF || depth >= BH_MAX_DEPTH)
        return 0;

    /* Counting sort of perm[lo, hi) by orthant. */
    const int north = 1 << dims;
    int64_t cnt[8] = {0}, pos[8];
    for (int64_t m = lo; m < hi; m++) {
        const double *p = y + (int64_t)t->perm[m] * dims;
        int code = 0;
        for (int a = 0; a < dims; a++)
            code |= (p[a] > centre[a]) << a;
        t->tmp[m] = code;
        cnt[code]++;
    }
    int nchild = 0;
    pos[0] = lo;
    for (int o = 0; o < north; o++) {
        if (o > 0)
            pos[o] = pos[o - 1] + cnt[o - 1];
        nchild += cnt[o] > 0;
    }
    /* tmp[0, n) holds the codes of [lo, hi); the points are placed in
     * tmp[n, 2n) (stable: input order inside an orthant) and copied back. */
    int64_t fill[8];
    memcpy(fill, pos, sizeof fill);
    int32_t *stage = t->tmp + t->n;
    for (int64_t m = lo; m < hi; m++)
        stage[fill[t->tmp[m]]++] = t->perm[m];
    memcpy(t->perm + lo, stage + lo, (size_t)(hi - lo) * sizeof *stage);

    int64_t first = new_nodes(t, nchild);
    if (first < 0)
        return -1;
    t->node[at].child = (int32_t)first;
    t->node[at].nchild = nchild;
    double q = half / 2.0;
    int64_t c = first;
    for (int o = 0; o < north; o++) {
        if (!cnt[o])
            continue;
        double sub[3] = {0, 0, 0};
        for (int a = 0; a < dims; a++)
            sub[a] = centre[a] + ((o >> a) & 1 ? q : -q);
        if (build_node(t, c, pos[o], pos[o] + cnt[o], sub, q, depth + 1) < 0)
            return -1;
        c++;
    }
    return 0;
}

int nn_bh_build(nn_bh_tree *t, const double *y, int64_t n, int dims)
{
    if (n < 1 || n > INT32_MAX || (dims != 2 && dims != 3))
        return nn_set_error("Barnes-Hut tree: need 1 <= n < 2^31 and 2 or 3 dimensions");
    if (t->n != n || !t->perm) {
        free(t->perm);
        free(t->tmp);
        t->perm = nn_alloc((size_t)n, sizeof *t->perm);
        t->tmp = nn_alloc(2 * (size_t)n, sizeof *t->tmp);
        if (!t->perm || !t->tmp)
            return -1;
    }
    t->n = n;
    t->dims = dims;
    t->y = y;
    t->nodes = 0;
    for (int64_t i = 0; i < n; i++)
        t->perm[i] = (int32_t)i;
    double mn[3] = {INFINITY, INFINITY, INFINITY}, mx[3] = {-INFINITY, -INFINITY, -INFINITY};
    for (int64_t i = 0; i < n; i++)
        for (int a = 0; a < dims; a++) {
            double v = y[i * dims + a];
            mn[a] = v < mn[a] ? v : mn[a];
            mx[a] = v > mx[a] ? v : mx[a];
        }
    double centre[3] = {0, 0, 0}, half = 0.0;
    for (int a = 0; a < dims; a++) {
        centre[a] = 0.5 * (mn[a] + mx[a]);
        double h = 0.5 * (mx[a] - mn[a]);
        half = h > half ? h : half;
    }
    half = half * (1.0 + 1e-6) + 1e-12;
    if (new_nodes(t, 1) < 0)
        return -1;
    return build_node(t, 0, 0, n, centre, half, 0);
}

/* The traversal, specialised by the compiler for D = 2 and D = 3. */
static inline double repulsion_d(const nn_bh_tree *t, int64_t i, double theta2, double *neg, const int D)
{
    const double *yi = t->y + i * D;
    double f[3] = {0, 0, 0}, sumw = 0.0;
    int32_t stack[BH_STACK];
    int sp = 0;
    stack[sp++] = 0;
    while (sp > 0) {
        const nn_bh_node *nd = &t->node[stack[--sp]];
        double diff[3], d2 = 0.0;
        for (int a = 0; a < D; a++) {
            diff[a] = yi[a] - nd->com[a];
            d2 += diff[a] * diff[a];
        }
        if (nd->count == 1) {
            if (t->perm[nd->start] == i)
                continue;
            double w = 1.0 / (1.0 + d2), w2 = w * w;
            sumw += w;
            for (int a = 0; a < D; a++)
                f[a] += w2 * diff[a];
        } else if (nd->width2 < theta2 * d2) {
            double w = 1.0 / (1.0 + d2), c = (double)nd->count;
            sumw += c * w;
            for (int a = 0; a < D; a++)
                f[a] += c * w * w * diff[a];
        } else if (nd->child < 0) {
            for (int32_t m = nd->start; m < nd->start + nd->count; m++) {
                int32_t j = t->perm[m];
                if (j == i)
                    continue;
                double e2 = 0.0, dj[3];
                for (int a = 0; a < D; a++) {
                    dj[a] = yi[a] - t->y[(int64_t)j * D + a];
                    e2 += dj[a] * dj[a];
                }
                double w = 1.0 / (1.0 + e2), w2 = w * w;
                sumw += w;
                for (int a = 0; a < D; a++)
                    f[a] += w2 * dj[a];
            }
        } else {
            for (int32_t c = nd->nchild - 1; c >= 0; c--)
                stack[sp++] = nd->child + c;
        }
    }
    for (int a = 0; a < D; a++)
        neg[a] = f[a];
    return sumw;
}

double nn_bh_repulsion(const nn_bh_tree *t, int64_t i, double theta2, double *neg)
{
    return t->dims == 2 ? repulsion_d(t, i, theta2, neg, 2) : repulsion_d(t, i, theta2, neg, 3);
}
