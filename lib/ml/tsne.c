/* t-SNE driver: checks, affinities, initialisation, gradient descent. */
#include "ml/tsne.h"

#include "core/error.h"
#include "core/mem.h"
#include "math/eigen.h"
#include "math/gemm.h"
#include "math/rng.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void nn_tsne_defaults(nn_tsne_options *o)
{
    memset(o, 0, sizeof *o);
    o->dims = 2;
    o->perplexity = 30.0;
    o->method = NN_TSNE_BARNES_HUT;
    o->theta = 0.5;
    o->auto_exact_below = 300;
    o->n_iter = 1000;
    o->exaggeration_iter = 250;
    o->early_exaggeration = 12.0;
    o->learning_rate = 0.0;
    o->init = NN_TSNE_INIT_PCA;
    o->seed = 0;
    o->report_every = 50;
}

/* ---- PCA initialisation ---------------------------------------------- */

/* Orthonormalise the m columns of v (d x m, row-major) in place
 * (modified Gram-Schmidt, twice for stability). */
static void orthonormalise(double *v, int64_t d, int m)
{
    for (int pass = 0; pass < 2; pass++)
        for (int c = 0; c < m; c++) {
            for (int b = 0; b < c; b++) {
                double dot = 0.0;
                for (int64_t r = 0; r < d; r++)
                    dot += v[r * m + c] * v[r * m + b];
                for (int64_t r = 0; r < d; r++)
                    v[r * m + c] -= dot * v[r * m + b];
            }
            double s = 0.0;
            for (int64_t r = 0; r < d; r++)
                s += v[r * m + c] * v[r * m + c];
            s = s > 0 ? 1.0 / sqrt(s) : 0.0;
            for (int64_t r = 0; r < d; r++)
                v[r * m + c] *= s;
        }
}

/* Top `dims` principal axes of the centred data xc (n x d) into comp
 * (dims x d, rows).  Small d: eigenvectors of the covariance.  Large d:
 * subspace iteration on xc^T xc through GEMM (never a d x d matrix),
 * then Rayleigh-Ritz on the small block. */
static int principal_axes(const float *xc, int64_t n, int64_t d, int dims, double *comp)
{
    int rc = -1;
    if (d <= 512) {
        float *cf = nn_alloc((size_t)(d * d), sizeof *cf);
        double *c = nn_alloc((size_t)(d * d), sizeof *c);
        double *w = nn_alloc((size_t)d, sizeof *w);
        double *v = nn_alloc((size_t)(d * d), sizeof *v);
        if (cf && c && w && v) {
            /* cf (d x d) = xc^T (d x n) * xc (n x d) */
            nn_sgemm(1, 0, d, d, n, 1.0f, xc, d, xc, d, 0.0f, cf, d);
            for (int64_t m = 0; m < d * d; m++)
                c[m] = cf[m];
            if (nn_eigen_sym(d, c, w, v) == 0) {
                nn_eigen_fix_signs(dims, d, v);
                memcpy(comp, v, (size_t)(dims * d) * sizeof *comp);
                rc = 0;
            }
        }
        free(cf), free(c), free(w), free(v);
        return rc;
    }
    const int m = dims + 8;
    double *v = nn_alloc((size_t)d * m, sizeof *v);
    float *vf = nn_alloc((size_t)d * m, sizeof *vf);
    float *t = nn_alloc((size_t)n * m, sizeof *t);
    double *b = nn_alloc((size_t)(m * m), sizeof *b), *bw = nn_alloc((size_t)m, sizeof *bw);
    double *bv = nn_alloc((size_t)(m * m), sizeof *bv);
    if (!v || !vf || !t || !b || !bw || !bv)
        goto done;
    nn_rng r;
    nn_rng_seed(&r, 0x70ca5eedULL); /* fixed: the result must not depend on --seed */
    for (int64_t k = 0; k < d * m; k++)
        v[k] = nn_rng_normal(&r);
    orthonormalise(v, d, m);
    for (int it = 0; it <= 30; it++) {
        for (int64_t k = 0; k < d * m; k++)
            vf[k] = (float)v[k];
        /* t (n x m) = xc (n x d) * v (d x m) */
        nn_sgemm(0, 0, n, m, d, 1.0f, xc, d, vf, m, 0.0f, t, m);
        if (it == 30)
            break;
        /* vf (d x m) = xc^T (d x n) * t (n x m) */
        nn_sgemm(1, 0, d, m, n, 1.0f, xc, d, t, m, 0.0f, vf, m);
        for (int64_t k = 0; k < d * m; k++)
            v[k] = vf[k];
        orthonormalise(v, d, m);
    }
    /* b = t^T t = v^T C v; its eigenvectors rotate v onto the axes. */
    for (int a = 0; a < m; a++)
        for (int c = 0; c < m; c++) {
            double s = 0.0;
            for (int64_t k = 0; k < n; k++)
                s += (double)t[k * m + a] * t[k * m + c];
            b[a * m + c] = s;
        }
    if (nn_eigen_sym(m, b, bw, bv) < 0)
        goto done;
    for (int q = 0; q < dims; q++)
        for (int64_t k = 0; k < d; k++) {
            double s = 0.0;
            for (int a = 0; a < m; a++)
                s += v[k * m + a] * bv[q * m + a];
            comp[q * d + k] = s;
        }
    nn_eigen_fix_signs(dims, d, comp);
    rc = 0;
done:
    free(v), free(vf), free(t), free(b), free(bw), free(bv);
    return rc;
}

int nn_tsne_pca_init(const float *x, int64_t n, int64_t d, int dims, double *y)
{
    if (d < dims)
        return nn_set_error("PCA initialisation needs at least %d features per point, got %lld "
                            "(use random initialisation)",
                            dims, (long long)d);
    double *mean = nn_calloc((size_t)d, sizeof *mean);
    double *comp = nn_alloc((size_t)dims * (size_t)d, sizeof *comp);
    float *xc = nn_alloc((size_t)n * (size_t)d, sizeof *xc);
    int rc = -1;
    if (!mean || !comp || !xc)
        goto done;
    for (int64_t i = 0; i < n; i++)
        for (int64_t a = 0; a < d; a++)
            mean[a] += x[i * d + a];
    for (int64_t a = 0; a < d; a++)
        mean[a] /= (double)n;
    for (int64_t i = 0; i < n; i++)
        for (int64_t a = 0; a < d; a++)
            xc[i * d + a] = (float)(x[i * d + a] - mean[a]);
    if (principal_axes(xc, n, d, dims, comp) < 0)
        goto done;
    for (int64_t i = 0; i < n; i++)
        for (int q = 0; q < dims; q++) {
            double s = 0.0;
            for (int64_t a = 0; a < d; a++)
                s += (double)xc[i * d + a] * comp[q * d + a];
            y[i * dims + q] = s;
        }
    /* Scale as scikit-learn: standard deviation of component 0 is 1e-4
     * (a tiny start, so early exaggeration can form the clusters). */
    double m0 = 0.0, v0 = 0.0;
    for (int64_t i = 0; i < n; i++)
        m0 += y[i * dims];
    m0 /= (double)n;
    for (int64_t i = 0; i < n; i++)
        v0 += (y[i * dims] - m0) * (y[i * dims] - m0);
    double sd = sqrt(v0 / (double)n);
    if (!(sd > 0) || !isfinite(sd)) {
        nn_set_error("PCA initialisation: all points are identical");
        goto done;
    }
    for (int64_t k = 0; k < n * dims; k++)
        y[k] *= 1e-4 / sd;
    rc = 0;
done:
    free(mean), free(comp), free(xc);
    return rc;
}

/* ---- the optimiser -------------------------------------------------- */

static int check_options(const nn_tsne_options *o, int64_t n, int64_t d)
{
    if (n < 2)
        return nn_set_error("t-SNE needs at least 2 points, got %lld", (long long)n);
    if (n > INT32_MAX)
        return nn_set_error("too many points (%lld)", (long long)n);
    if (d < 1)
        return nn_set_error("points have no features");
    if (o->dims != 2 && o->dims != 3)
        return nn_set_error("output dimensions must be 2 or 3, got %d", o->dims);
    if (!(o->perplexity > 0) || !isfinite(o->perplexity))
        return nn_set_error("perplexity must be positive, got %g", o->perplexity);
    if (!(o->perplexity < (double)n))
        return nn_set_error("perplexity (%g) must be less than the number of points (%lld)", o->perplexity,
                            (long long)n);
    if (!(o->theta >= 0) || !isfinite(o->theta))
        return nn_set_error("theta must be >= 0, got %g", o->theta);
    if (o->n_iter < 0 || o->exaggeration_iter < 0)
        return nn_set_error("iteration counts must be >= 0");
    if (!(o->early_exaggeration > 0) || !isfinite(o->early_exaggeration))
        return nn_set_error("early exaggeration must be positive, got %g", o->early_exaggeration);
    if (!isfinite(o->learning_rate))
        return nn_set_error("learning rate must be finite");
    return 0;
}

int nn_tsne(const float *x, int64_t n, int64_t d, const nn_tsne_options *o, float *out, nn_tsne_info *info)
{
    if (check_options(o, n, d) < 0)
        return -1;
    for (int64_t i = 0; i < n; i++)
        for (int64_t a = 0; a < d; a++)
            if (!isfinite(x[i * d + a]))
                return nn_set_error("point %lld has a value that is not finite (NaN or infinity) at feature %lld",
                                    (long long)i, (long long)a);
    const int dims = o->dims;
    nn_tsne_method method = o->method;
    if (method == NN_TSNE_BARNES_HUT && o->auto_exact_below > 0 && n < o->auto_exact_below)
        method = NN_TSNE_EXACT;
    if (method == NN_TSNE_EXACT && n > NN_TSNE_EXACT_MAX)
        return nn_set_error("exact t-SNE keeps all N^2 affinities and is limited to %d points, got %lld "
                            "(use Barnes-Hut)",
                            NN_TSNE_EXACT_MAX, (long long)n);
    int k;
    if (method == NN_TSNE_EXACT) {
        k = (int)(n - 1);
    } else {
        double kk = floor(3.0 * o->perplexity + 1.0);
        k = kk < (double)(n - 1) ? (int)kk : (int)(n - 1);
    }
    double theta = method == NN_TSNE_EXACT ? 0.0 : o->theta;
    double lr = o->learning_rate > 0 ? o->learning_rate : fmax((double)n / o->early_exaggeration / 4.0, 50.0);

    size_t nd = (size_t)n * (size_t)dims;
    nn_tsne_sparse p = {0};
    double *y = nn_alloc(nd, sizeof *y), *grad = nn_alloc(nd, sizeof *grad);
    double *update = nn_alloc(nd, sizeof *update), *gains = nn_alloc(nd, sizeof *gains);
    nn_tsne_grad_ws *ws = nn_tsne_grad_ws_new(n, dims);
    int rc = -1;
    if (!y || !grad || !update || !gains || !ws)
        goto done;
    if (nn_tsne_affinities(x, n, d, o->perplexity, k, &p) < 0)
        goto done;
    if (o->stage) {
        char msg[160];
        snprintf(msg, sizeof msg, "affinities: %d neighbours per point, %lld nonzeros in P (%s)", k,
                 (long long)p.row[n], method == NN_TSNE_EXACT ? "exact" : "Barnes-Hut");
        o->stage(o->report_ctx, msg);
    }

    int use_random = o->init == NN_TSNE_INIT_RANDOM;
    if (!use_random && nn_tsne_pca_init(x, n, d, dims, y) < 0) {
        /* identical points leave PCA nothing to show; a random start
         * is as good as any */
        if (strstr(nn_last_error(), "identical"))
            use_random = 1;
        else
            goto done;
    }
    if (use_random) {
        nn_rng r;
        nn_rng_seed(&r, o->seed);
        for (size_t m = 0; m < nd; m++)
            y[m] = 1e-4 * nn_rng_normal(&r);
    }
    if (o->stage)
        o->stage(o->report_ctx, use_random ? "init: random" : "init: PCA");

    /* Two stages as scikit-learn: each starts with zero momentum buffer
     * and unit gains. */
    const int check_every = 50, patience = 300;
    int stage_end[2], it = 0, stopped = 0;
    stage_end[0] = o->exaggeration_iter < o->n_iter ? o->exaggeration_iter : o->n_iter;
    stage_end[1] = o->n_iter;
    for (int stage = 0; stage < 2 && !stopped; stage++) {
        double momentum = stage == 0 ? 0.5 : 0.8;
        double exag = stage == 0 ? o->early_exaggeration : 1.0;
        double best = INFINITY;
        int best_it = it;
        for (size_t m = 0; m < nd; m++) {
            update[m] = 0.0;
            gains[m] = 1.0;
        }
        for (; it < stage_end[stage]; it++) {
            int check = (it + 1) % check_every == 0;
            int report = o->report && o->report_every > 0 && (it + 1) % o->report_every == 0;
            double kl = 0.0;
            if (nn_tsne_gradient_ws(ws, &p, y, theta, exag, grad, (check || report) ? &kl : NULL) < 0)
                goto done;
            double gnorm = 0.0;
            for (size_t m = 0; m < nd; m++) {
                double g = grad[m];
                gnorm += g * g;
                if (update[m] * g < 0.0)
                    gains[m] += 0.2;
                else
                    gains[m] *= 0.8;
                if (gains[m] < 0.01)
                    gains[m] = 0.01;
                update[m] = momentum * update[m] - lr * gains[m] * g;
                y[m] += update[m];
            }
            gnorm = sqrt(gnorm);
            if (report)
                o->report(o->report_ctx, it + 1, kl, gnorm);
            if (check) {
                if (kl < best) {
                    best = kl;
                    best_it = it;
                } else if (it - best_it > patience) {
                    stopped = 1;
                }
                if (gnorm < 1e-7)
                    stopped = 1;
                if (stopped) {
                    it++;
                    break;
                }
            }
        }
    }
    for (size_t m = 0; m < nd; m++)
        out[m] = (float)y[m];
    if (info) {
        info->method = method;
        info->neighbours = k;
        info->learning_rate = lr;
        info->iterations = it;
        info->nnz = p.row[n];
        info->kl = 0.0;
        if (nn_tsne_gradient_ws(ws, &p, y, theta, 1.0, grad, &info->kl) < 0)
            goto done;
    }
    rc = 0;
done:
    nn_tsne_sparse_free(&p);
    nn_tsne_grad_ws_free(ws);
    free(y), free(grad), free(update), free(gains);
    return rc;
}
