/* Reconstruction error between inputs and their reconstructions: MSE,
 * MAE, and binary cross-entropy computed the way Keras does (so numbers
 * match a Keras autoencoder's reported loss). */
#include "ml/metrics.h"

#include "core/error.h"

#include <math.h>
#include <string.h>

int nn_recon_scores(const float *x, const float *xhat, int64_t rows, int64_t cols, nn_recon_result *res)
{
    memset(res, 0, sizeof *res);
    if (rows <= 0 || cols <= 0)
        return nn_set_error("no values to compare");
    const double eps = NN_KERAS_EPSILON;
    double se = 0, ae = 0, bce = 0;
    for (int64_t r = 0; r < rows; r++) {
        /* Per-row partial sums keep the rounding independent of the size. */
        double rse = 0, rae = 0, rbce = 0;
        for (int64_t c = 0; c < cols; c++) {
            double t = x[r * cols + c], p = xhat[r * cols + c];
            double d = p - t;
            rse += d * d;
            rae += fabs(d);
            /* keras.backend.binary_crossentropy: clip, then log(p + eps). */
            double q = p < eps ? eps : p > 1 - eps ? 1 - eps : p;
            if (isnan(p))
                q = p;
            rbce -= t * log(q + eps) + (1 - t) * log(1 - q + eps);
        }
        se += rse, ae += rae, bce += rbce;
    }
    double count = (double)rows * (double)cols;
    res->n = rows * cols;
    res->mse = se / count;
    res->mae = ae / count;
    res->bce = bce / count;
    res->mse_sum_per_row = se / (double)rows;
    res->bce_sum_per_row = bce / (double)rows;
    return 0;
}

int nn_recon_report(const nn_recon_result *res, nn_report *r)
{
    int rc = 0;
    rc |= nn_report_add(r, "mse", NULL, res->mse);
    rc |= nn_report_add(r, "mae", NULL, res->mae);
    rc |= nn_report_add(r, "bce", NULL, res->bce);
    rc |= nn_report_add(r, "mse_sum_per_row", NULL, res->mse_sum_per_row);
    rc |= nn_report_add(r, "bce_sum_per_row", NULL, res->bce_sum_per_row);
    rc |= nn_report_add(r, "elements", NULL, (double)res->n);
    return rc ? -1 : 0;
}
