#include "math/eigen.h"

#include "core/error.h"
#include "core/mem.h"
#include "core/parallel.h"
#include "math/rng.h"

#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Work is split over rows (or columns) across threads once a step is
 * large enough to pay for a round trip through the thread pool.  Every
 * element is computed by the same arithmetic whatever the split, so
 * results do not depend on the thread count. */
#define PAR_MIN_FLOPS 100000.0

typedef void (*range_fn)(void *ctx, int64_t r0, int64_t r1);
typedef struct {
    range_fn fn;
    void *ctx;
    int64_t n;
    int tasks;
} split;

static void split_task(void *vs, int task, int worker)
{
    (void)worker;
    split *s = vs;
    int64_t r0 = s->n * task / s->tasks, r1 = s->n * (task + 1) / s->tasks;
    if (r1 > r0)
        s->fn(s->ctx, r0, r1);
}

static void for_ranges(int64_t n, double flops, range_fn fn, void *ctx)
{
    int tasks = nn_threads();
    if (tasks > n)
        tasks = (int)n;
    if (tasks < 2 || flops < PAR_MIN_FLOPS) {
        fn(ctx, 0, n);
        return;
    }
    split s = {fn, ctx, n, tasks};
    nn_parallel_for(tasks, split_task, &s);
}

/* One Householder step on the trailing block B (m x m, row stride n). */
typedef struct {
    double *B;
    const double *v;
    double *p;
    double b;
    int64_t m, n;
} hh_step;

static void matvec_rows(void *vc, int64_t r0, int64_t r1)
{
    hh_step *c = vc;
    for (int64_t i = r0; i < r1; i++) {
        const double *row = c->B + i * c->n;
        double s = 0;
        for (int64_t j = 0; j < c->m; j++)
            s += row[j] * c->v[j];
        c->p[i] = c->b * s;
    }
}

static void rank2_rows(void *vc, int64_t r0, int64_t r1)
{
    hh_step *c = vc;
    const double *v = c->v, *q = c->p;
    for (int64_t i = r0; i < r1; i++) {
        double *row = c->B + i * c->n;
        double vi = v[i], qi = q[i];
        for (int64_t j = 0; j < c->m; j++)
            row[j] -= vi * q[j] + qi * v[j];
    }
}

/* Reduce the symmetric matrix t (n x n, full storage, overwritten) to
 * tridiagonal form T = Q^T A Q with Householder reflections H_k applied on
 * both sides: d (n) gets the diagonal, e (n) the off-diagonal (e[i] =
 * T[i][i+1], e[n-1] = 0).  Reflection k zeroes row k right of k+1; its
 * vector is kept in row k of t (entries k+1..n-1) and its scale in
 * beta[k] (0: no reflection was needed). */
static void tridiagonalize(int64_t n, double *t, double *d, double *e, double *beta, double *p)
{
    for (int64_t k = 0; k + 2 < n; k++) {
        double *v = t + k * n + k + 1; /* x = A[k, k+1:], length m */
        int64_t m = n - k - 1;
        double sigma = 0;
        for (int64_t i = 1; i < m; i++)
            sigma += v[i] * v[i];
        d[k] = t[k * n + k];
        if (sigma == 0) { /* already tridiagonal in this row */
            e[k] = v[0];
            beta[k] = 0;
            continue;
        }
        double norm = sqrt(v[0] * v[0] + sigma);
        double alpha = v[0] > 0 ? -norm : norm; /* avoid cancellation in v0 - alpha */
        v[0] -= alpha;
        double b = 2.0 / (v[0] * v[0] + sigma);
        beta[k] = b;
        e[k] = alpha;
        /* Trailing block B (m x m) <- H B H, H = I - b v v^T:
         *   p = b B v, q = p - (b/2)(v.p) v, B <- B - v q^T - q v^T. */
        hh_step st = {t + (k + 1) * n + k + 1, v, p, b, m, n};
        double flops = 2.0 * (double)m * (double)m;
        for_ranges(m, flops, matvec_rows, &st);
        double vp = 0;
        for (int64_t i = 0; i < m; i++)
            vp += v[i] * p[i];
        double K = 0.5 * b * vp;
        for (int64_t i = 0; i < m; i++)
            p[i] -= K * v[i];
        for_ranges(m, 2 * flops, rank2_rows, &st);
    }
    if (n >= 2) {
        d[n - 2] = t[(n - 2) * n + n - 2];
        e[n - 2] = t[(n - 2) * n + n - 1];
    }
    d[n - 1] = t[(n - 1) * n + n - 1];
    e[n - 1] = 0;
}

/* W <- W H_k on rows k+1..n-1 (columns k+1..n-1), see accumulate(). */
typedef struct {
    double *w;
    const double *v;
    double beta;
    int64_t k, m, n;
} acc_step;

static void reflect_rows(void *vc, int64_t r0, int64_t r1)
{
    acc_step *c = vc;
    for (int64_t r = c->k + 1 + r0; r < c->k + 1 + r1; r++) {
        double *row = c->w + r * c->n + c->k + 1;
        double s = 0;
        for (int64_t j = 0; j < c->m; j++)
            s += row[j] * c->v[j];
        s *= c->beta;
        for (int64_t j = 0; j < c->m; j++)
            row[j] -= s * c->v[j];
    }
}

/* W = Q^T = H_{n-3} ... H_0 built as I * H_{n-3} * ... * H_0: multiplying
 * on the right in that order keeps every step inside the trailing block
 * (rows and columns k+1..n-1), and rows of W stay contiguous. */
static void accumulate(int64_t n, const double *t, const double *beta, double *w)
{
    memset(w, 0, (size_t)(n * n) * sizeof *w);
    for (int64_t i = 0; i < n; i++)
        w[i * n + i] = 1;
    for (int64_t k = n - 3; k >= 0; k--) {
        if (beta[k] == 0)
            continue;
        int64_t m = n - k - 1;
        acc_step st = {w, t + k * n + k + 1, beta[k], k, m, n};
        for_ranges(m, 4.0 * (double)m * (double)m, reflect_rows, &st);
    }
}

/* The plane rotations of one QL sweep, applied to the rows of w: rotation
 * i (for i = first, first-1, ..., last) mixes rows i and i+1 with
 * (c[i], s[i]); it is the transpose of the column rotation the QL step
 * applies to T's eigenvector matrix.  Columns are independent, so the
 * sweep is split over column ranges. */
typedef struct {
    double *w;
    const double *c, *s;
    int64_t first, last, n;
} sweep;

static void rotate_columns(void *vc, int64_t j0, int64_t j1)
{
    sweep *sw = vc;
    for (int64_t i = sw->first; i >= sw->last; i--) {
        double *wi = sw->w + i * sw->n, *wi1 = wi + sw->n;
        double c = sw->c[i], s = sw->s[i];
        for (int64_t j = j0; j < j1; j++) {
            double a = wi[j], b = wi1[j];
            wi1[j] = s * a + c * b;
            wi[j] = c * a - s * b;
        }
    }
}

/* Implicit QL with shifts on the tridiagonal (d, e); rotations are applied
 * to the rows of w (NULL: eigenvalues only).  Each eigenvalue d[l] is
 * split off once its off-diagonal neighbour is negligible.  rc, rs: n
 * doubles of scratch for the rotations of a sweep. */
static int tridiagonal_ql(int64_t n, double *d, double *e, double *w, double *rc, double *rs)
{
    /* Besides the relative test, an off-diagonal entry below eps times the
     * norm of the whole tridiagonal is negligible too: without it, a
     * cluster of (near-)zero eigenvalues of a rank-deficient matrix may
     * never meet the relative test, depending on the last bits of libm's
     * hypot (seen with musl).  The error this allows, eps * norm, is what a
     * backward-stable solver makes anyway. */
    double norm = 0;
    for (int64_t i = 0; i < n; i++)
        norm = fmax(norm, fabs(d[i]) + (i + 1 < n ? fabs(e[i]) : 0) + (i > 0 ? fabs(e[i - 1]) : 0));
    double negligible = DBL_EPSILON * norm;
    for (int64_t l = 0; l < n; l++) {
        int iter = 0;
        int64_t m;
        for (;;) {
            for (m = l; m + 1 < n; m++) {
                double dd = fabs(d[m]) + fabs(d[m + 1]);
                if (fabs(e[m]) <= DBL_EPSILON * dd || fabs(e[m]) <= negligible)
                    break;
            }
            if (m == l)
                break;
            if (++iter > 100)
                return nn_set_error("eigensolver did not converge");
            /* Shift: the eigenvalue of the leading 2x2 block nearer d[l]. */
            double g = (d[l + 1] - d[l]) / (2.0 * e[l]);
            double r = hypot(g, 1.0);
            g = d[m] - d[l] + e[l] / (g + (g >= 0 ? r : -r));
            double s = 1, c = 1, p = 0;
            int64_t i;
            int underflow = 0;
            for (i = m - 1; i >= l; i--) {
                double f = s * e[i], b = c * e[i];
                r = hypot(f, g);
                e[i + 1] = r;
                if (r == 0) { /* a zero off-diagonal: the block splits, restart */
                    d[i + 1] -= p;
                    e[m] = 0;
                    underflow = 1;
                    break;
                }
                s = f / r;
                c = g / r;
                g = d[i + 1] - p;
                r = (d[i] - g) * s + 2.0 * c * b;
                p = s * r;
                d[i + 1] = g + p;
                g = c * r - b;
                if (w) {
                    rc[i] = c;
                    rs[i] = s;
                }
            }
            /* Rotations m-1 down to i+1 were made (all of them unless the
             * sweep stopped early); they only touch w, so applying them
             * after the sweep changes nothing. */
            if (w && i + 1 <= m - 1) {
                sweep sw = {w, rc, rs, m - 1, i + 1, n};
                for_ranges(n, 6.0 * (double)(m - 1 - i) * (double)n, rotate_columns, &sw);
            }
            if (underflow)
                continue;
            d[l] -= p;
            e[l] = g;
            e[m] = 0;
        }
    }
    return 0;
}

typedef struct {
    double value;
    int64_t index;
} ranked;

static int by_value_desc(const void *pa, const void *pb)
{
    const ranked *a = pa, *b = pb;
    if (a->value != b->value)
        return a->value > b->value ? -1 : 1;
    return a->index < b->index ? -1 : a->index > b->index;
}

int nn_eigen_sym(int64_t n, const double *a, double *w, double *v)
{
    if (n < 1)
        return nn_set_error("eigensolver: empty matrix");
    size_t nn;
    if (nn_mul_size((size_t)n, (size_t)n, &nn) < 0)
        return -1;
    for (int64_t i = 0; i < n; i++)
        for (int64_t j = i; j < n; j++)
            if (!isfinite(a[i * n + j]))
                return nn_set_error("eigensolver: matrix has a non-finite entry");
    double *t = nn_alloc(nn, sizeof *t);
    double *q = v ? nn_alloc(nn, sizeof *q) : NULL;
    double *work = nn_alloc((size_t)n * 6, sizeof *work);
    ranked *order = nn_alloc((size_t)n, sizeof *order);
    int rc = -1;
    if (!t || (v && !q) || !work || !order)
        goto done;
    /* Symmetric copy from the upper triangle. */
    for (int64_t i = 0; i < n; i++)
        for (int64_t j = i; j < n; j++)
            t[i * n + j] = t[j * n + i] = a[i * n + j];
    double *d = work, *e = work + n, *beta = work + 2 * n, *p = work + 3 * n;
    tridiagonalize(n, t, d, e, beta, p);
    if (q)
        accumulate(n, t, beta, q);
    if (tridiagonal_ql(n, d, e, q, work + 4 * n, work + 5 * n) < 0)
        goto done;
    for (int64_t i = 0; i < n; i++)
        order[i] = (ranked){d[i], i};
    qsort(order, (size_t)n, sizeof *order, by_value_desc);
    for (int64_t i = 0; i < n; i++) {
        w[i] = order[i].value;
        if (v)
            memcpy(v + i * n, q + order[i].index * n, (size_t)n * sizeof *v);
    }
    rc = 0;
done:
    free(t);
    free(q);
    free(work);
    free(order);
    return rc;
}

void nn_eigen_fix_signs(int64_t rows, int64_t n, double *v)
{
    for (int64_t i = 0; i < rows; i++) {
        double *row = v + i * n;
        int64_t best = 0;
        for (int64_t j = 1; j < n; j++)
            if (fabs(row[j]) > fabs(row[best]))
                best = j;
        if (row[best] < 0)
            for (int64_t j = 0; j < n; j++)
                row[j] = -row[j];
    }
}

/* ---- the k largest eigenpairs: inverse iteration ------------------------
 * After the tridiagonal reduction and the QL eigenvalues (no vectors, O(n^2)),
 * each wanted eigenvector of T comes from inverse iteration on T - lambda I
 * (a banded LU with partial pivoting, O(n) per solve), re-orthogonalized
 * against the earlier vectors of its cluster of close eigenvalues (as
 * LAPACK's dstein does), then mapped back through the Householder
 * reflections (O(n^2) each).  Total O(n^3) for the reduction only, instead
 * of also accumulating Q and rotating n vectors. */

/* LU of the tridiagonal T - sigma I with row interchanges: U has the
 * diagonal dd, superdiagonals du and du2; dl the multipliers; piv the
 * interchanges.  Zero pivots become `tiny` (the matrix is singular to
 * working precision exactly when sigma is an eigenvalue). */
typedef struct {
    double *dd, *du, *du2, *dl;
    unsigned char *piv;
} band_lu;

static void lu_factor(int64_t n, const double *d, const double *e, double sigma, double tiny, band_lu *f)
{
    for (int64_t i = 0; i < n; i++) {
        f->dd[i] = d[i] - sigma;
        f->du[i] = i + 1 < n ? e[i] : 0;
        f->du2[i] = 0;
    }
    for (int64_t i = 0; i + 1 < n; i++) {
        double sub = e[i];
        if (fabs(f->dd[i]) >= fabs(sub)) {
            f->piv[i] = 0;
            if (f->dd[i] == 0)
                f->dd[i] = tiny;
            double l = sub / f->dd[i];
            f->dl[i] = l;
            f->dd[i + 1] -= l * f->du[i];
        } else { /* swap rows i and i+1, then eliminate */
            f->piv[i] = 1;
            double l = f->dd[i] / sub, next = f->dd[i + 1];
            f->dl[i] = l;
            f->dd[i] = sub;
            f->dd[i + 1] = f->du[i] - l * next;
            if (i + 2 < n) {
                f->du2[i] = f->du[i + 1];
                f->du[i + 1] = -l * f->du2[i];
            }
            f->du[i] = next;
        }
    }
    if (f->dd[n - 1] == 0)
        f->dd[n - 1] = tiny;
}

static void lu_solve(int64_t n, const band_lu *f, double *x)
{
    for (int64_t i = 0; i + 1 < n; i++) {
        if (f->piv[i]) {
            double t = x[i];
            x[i] = x[i + 1];
            x[i + 1] = t;
        }
        x[i + 1] -= f->dl[i] * x[i];
    }
    for (int64_t i = n - 1; i >= 0; i--) {
        double s = x[i];
        if (i + 1 < n)
            s -= f->du[i] * x[i + 1];
        if (i + 2 < n)
            s -= f->du2[i] * x[i + 2];
        x[i] = s / f->dd[i];
    }
}

static double norm2(int64_t n, const double *x)
{
    double s = 0;
    for (int64_t i = 0; i < n; i++)
        s += x[i] * x[i];
    return sqrt(s);
}

/* Eigenvectors s_0..s_{k-1} (rows of sv, n each) of T for the eigenvalues
 * lam[0..k-1] (descending).  0, or -1 if a vector did not pass the
 * residual check (the caller then falls back to the full method). */
static int inverse_iteration(int64_t n, const double *d, const double *e, const double *lam, int64_t k, double *sv,
                             double *work, unsigned char *piv)
{
    double tnorm = 0; /* max row sum of |T| */
    for (int64_t i = 0; i < n; i++) {
        double r = fabs(d[i]) + (i > 0 ? fabs(e[i - 1]) : 0) + (i + 1 < n ? fabs(e[i]) : 0);
        tnorm = r > tnorm ? r : tnorm;
    }
    if (tnorm == 0)
        tnorm = 1;
    double tiny = DBL_EPSILON * tnorm, ortol = 1e-3 * tnorm;
    band_lu f = {work, work + n, work + 2 * n, work + 3 * n, piv};
    double *r = work + 4 * n;
    int64_t cluster = 0; /* first vector of the current cluster */
    for (int64_t j = 0; j < k; j++) {
        if (j > 0 && lam[j - 1] - lam[j] > ortol)
            cluster = j;
        /* Equal eigenvalues: nudge the shift so the factorizations differ. */
        double sigma = lam[j];
        if (j > cluster && lam[j - 1] - lam[j] < 10 * DBL_EPSILON * tnorm)
            sigma = lam[j] - 10 * DBL_EPSILON * tnorm * (double)(j - cluster);
        lu_factor(n, d, e, sigma, tiny, &f);
        double *x = sv + j * n;
        nn_rng rng;
        nn_rng_seed(&rng, (uint64_t)j + 1);
        for (int64_t i = 0; i < n; i++)
            x[i] = nn_rng_uniform(&rng) * 2 - 1;
        for (int it = 0; it < 6; it++) {
            double xn = norm2(n, x);
            for (int64_t i = 0; i < n; i++)
                x[i] /= xn;
            lu_solve(n, &f, x);
            for (int64_t c = cluster; c < j; c++) { /* Gram-Schmidt within the cluster */
                const double *y = sv + c * n;
                double dot = 0;
                for (int64_t i = 0; i < n; i++)
                    dot += x[i] * y[i];
                for (int64_t i = 0; i < n; i++)
                    x[i] -= dot * y[i];
            }
            /* Growth of 1/(eps |T|)-ish means the shift was an eigenvalue
             * to working precision; two more rounds settle the vector. */
            if (it >= 2 && norm2(n, x) * tiny > 1e-3)
                break;
        }
        double xn = norm2(n, x);
        if (!(xn > 0) || !isfinite(xn))
            return -1;
        for (int64_t i = 0; i < n; i++)
            x[i] /= xn;
        /* Residual |T x - lambda x|. */
        for (int64_t i = 0; i < n; i++) {
            double v = (d[i] - lam[j]) * x[i];
            if (i > 0)
                v += e[i - 1] * x[i - 1];
            if (i + 1 < n)
                v += e[i] * x[i + 1];
            r[i] = v;
        }
        if (norm2(n, r) > 1e-9 * tnorm)
            return -1;
    }
    return 0;
}

/* All eigenpairs, then the first k vectors. */
static int top_full(int64_t n, size_t nn, const double *a, int64_t k, double *w, double *v)
{
    double *all = nn_alloc(nn, sizeof *all);
    if (!all || nn_eigen_sym(n, a, w, all) < 0) {
        free(all);
        return -1;
    }
    memcpy(v, all, (size_t)(k * n) * sizeof *v);
    free(all);
    return 0;
}

int nn_eigen_sym_top(int64_t n, const double *a, int64_t k, double *w, double *v)
{
    if (n < 1)
        return nn_set_error("eigensolver: empty matrix");
    if (k < 0 || k > n)
        return nn_set_error("eigensolver: %lld eigenvectors of a %lld x %lld matrix", (long long)k, (long long)n,
                            (long long)n);
    size_t nn;
    if (nn_mul_size((size_t)n, (size_t)n, &nn) < 0)
        return -1;
    /* Many vectors: accumulating Q and rotating all of them is as cheap. */
    if (4 * k > n || n < 16)
        return top_full(n, nn, a, k, w, v);
    for (int64_t i = 0; i < n; i++)
        for (int64_t j = i; j < n; j++)
            if (!isfinite(a[i * n + j]))
                return nn_set_error("eigensolver: matrix has a non-finite entry");
    double *t = nn_alloc(nn, sizeof *t);
    double *work = nn_alloc((size_t)n * 11, sizeof *work);
    unsigned char *piv = nn_alloc((size_t)n, 1);
    int rc = -1;
    if (!t || !work || !piv)
        goto done;
    for (int64_t i = 0; i < n; i++)
        for (int64_t j = i; j < n; j++)
            t[i * n + j] = t[j * n + i] = a[i * n + j];
    double *d = work, *e = work + n, *beta = work + 2 * n, *p = work + 3 * n;
    double *dq = work + 4 * n, *eq = work + 5 * n;
    tridiagonalize(n, t, d, e, beta, p);
    memcpy(dq, d, (size_t)n * sizeof *d);
    memcpy(eq, e, (size_t)n * sizeof *e);
    if (tridiagonal_ql(n, dq, eq, NULL, NULL, NULL) < 0)
        goto done;
    for (int64_t i = 0; i < n; i++)
        w[i] = dq[i];
    /* Descending (ties are equal values: order irrelevant). */
    for (int64_t i = 1; i < n; i++) {
        double x = w[i];
        int64_t j = i;
        for (; j > 0 && w[j - 1] < x; j--)
            w[j] = w[j - 1];
        w[j] = x;
    }
    if (inverse_iteration(n, d, e, w, k, v, work + 6 * n, piv) < 0) {
        /* Did not converge cleanly: the full method. */
        free(t);
        free(work);
        free(piv);
        return top_full(n, nn, a, k, w, v);
    }
    /* x = Q s = H_0 (H_1 (... H_{n-3} s)). */
    for (int64_t r = 0; r < k; r++) {
        double *x = v + r * n;
        for (int64_t kk = n - 3; kk >= 0; kk--) {
            if (beta[kk] == 0)
                continue;
            const double *hv = t + kk * n + kk + 1;
            double *xs = x + kk + 1;
            int64_t m = n - kk - 1;
            double s = 0;
            for (int64_t j = 0; j < m; j++)
                s += hv[j] * xs[j];
            s *= beta[kk];
            for (int64_t j = 0; j < m; j++)
                xs[j] -= s * hv[j];
        }
    }
    rc = 0;
done:
    free(t);
    free(work);
    free(piv);
    return rc;
}
