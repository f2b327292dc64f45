/* Losses and KL terms; see losses.h for the conventions. */
#include "nn/losses.h"

#include "core/error.h"

#include <math.h>
#include <stddef.h>

double nn_loss_bce(const float *p, const float *t, int64_t count, double scale, float *grad)
{
    const double eps = NN_KERAS_EPS;
    double s = 0;
    for (int64_t i = 0; i < count; i++) {
        double q = p[i], clipped = 0;
        if (q < eps) {
            q = eps;
            clipped = 1;
        } else if (q > 1 - eps) {
            q = 1 - eps;
            clipped = 1;
        }
        s -= t[i] * log(q + eps) + (1 - t[i]) * log(1 - q + eps);
        if (grad)
            grad[i] = clipped ? 0.0f : (float)(scale * (-t[i] / (q + eps) + (1 - t[i]) / (1 - q + eps)));
    }
    return s * scale;
}

double nn_loss_bce_of_sigmoid(const float *p, const float *t, int64_t count, double scale, float *grad)
{
    if (grad)
        for (int64_t i = 0; i < count; i++)
            grad[i] = (float)(scale * ((double)p[i] - t[i]));
    return nn_loss_bce(p, t, count, scale, NULL);
}

double nn_loss_bce_logits(const float *z, const float *t, int64_t count, double scale, float *grad)
{
    double s = 0;
    for (int64_t i = 0; i < count; i++) {
        double x = z[i];
        s += (x > 0 ? x : 0) - x * t[i] + log1p(exp(-fabs(x)));
        if (grad) {
            double sig = x >= 0 ? 1 / (1 + exp(-x)) : exp(x) / (1 + exp(x));
            grad[i] = (float)(scale * (sig - t[i]));
        }
    }
    return s * scale;
}

double nn_loss_mse(const float *p, const float *t, int64_t count, double scale, float *grad)
{
    double s = 0;
    for (int64_t i = 0; i < count; i++) {
        double d = (double)p[i] - t[i];
        s += d * d;
        if (grad)
            grad[i] = (float)(scale * 2 * d);
    }
    return s * scale;
}

double nn_loss_sparse_cce(const float *x, int from_logits, const int32_t *labels, const float *mask, int32_t ignore,
                          const float *class_weight, int64_t rows, int64_t k, double scale, float *grad)
{
    const double eps = NN_KERAS_EPS;
    double s = 0;
    for (int64_t r = 0; r < rows; r++) {
        const float *v = x + r * k;
        float *g = grad ? grad + r * k : NULL;
        int32_t y = labels[r];
        double w = mask ? mask[r] : 1.0;
        if (y == ignore || w == 0) {
            if (g)
                for (int64_t j = 0; j < k; j++)
                    g[j] = 0;
            continue;
        }
        if (y < 0 || y >= k) {
            nn_set_error("label %d outside [0, %lld)", (int)y, (long long)k);
            return NAN;
        }
        if (class_weight)
            w *= class_weight[y];
        if (from_logits) {
            double m = v[0], z = 0;
            for (int64_t j = 1; j < k; j++)
                m = v[j] > m ? v[j] : m;
            for (int64_t j = 0; j < k; j++)
                z += exp(v[j] - m);
            double lse = m + log(z);
            s += w * (lse - v[y]);
            if (g)
                for (int64_t j = 0; j < k; j++)
                    g[j] = (float)(scale * w * (exp(v[j] - lse) - (j == y)));
        } else {
            /* Keras: probabilities renormalized, clipped, -log p_y */
            double tot = 0;
            for (int64_t j = 0; j < k; j++)
                tot += v[j];
            double q = v[y] / tot, qc = q < eps ? eps : q > 1 - eps ? 1 - eps : q;
            s -= w * log(qc);
            if (g) {
                /* d(-log(v_y / tot))/dv_j = 1/tot - [j == y]/v_y (zero when clipped) */
                int clipped = q < eps || q > 1 - eps;
                for (int64_t j = 0; j < k; j++)
                    g[j] = clipped ? 0.0f : (float)(scale * w * (1 / tot - (j == y ? 1 / (double)v[y] : 0)));
            }
        }
    }
    return s * scale;
}

double nn_kl_gaussian(const float *mu, const float *logvar, int64_t count, double scale, float *gmu, float *glogvar)
{
    double s = 0;
    for (int64_t i = 0; i < count; i++) {
        double e = exp((double)logvar[i]);
        s += -0.5 * (1 + logvar[i] - (double)mu[i] * mu[i] - e);
        if (gmu) {
            gmu[i] = (float)(scale * mu[i]);
            glogvar[i] = (float)(scale * 0.5 * (e - 1));
        }
    }
    return s * scale;
}

double nn_kl_categorical(const float *logits, int64_t rows, int64_t k, double scale, float *grad)
{
    double s = 0, logk = log((double)k);
    for (int64_t r = 0; r < rows; r++) {
        const float *v = logits + r * k;
        double m = v[0], z = 0;
        for (int64_t j = 1; j < k; j++)
            m = v[j] > m ? v[j] : m;
        for (int64_t j = 0; j < k; j++)
            z += exp(v[j] - m);
        double lse = m + log(z), h = 0; /* h = sum q log q */
        for (int64_t j = 0; j < k; j++) {
            double lq = v[j] - lse;
            h += exp(lq) * lq;
        }
        s += logk + h;
        /* d/dz_j sum q log q = q_j (log q_j - h) */
        if (grad)
            for (int64_t j = 0; j < k; j++) {
                double lq = v[j] - lse;
                grad[r * k + j] = (float)(scale * exp(lq) * (lq - h));
            }
    }
    return s * scale;
}
