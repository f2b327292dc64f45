/* Principal component analysis, as scikit-learn's PCA defines it.
 *
 * Fit: the mean (double sums), then the centred scatter matrix
 * Xc^T Xc (features x features) through nn_sgemm in blocks of rows, each
 * block's float product accumulated into a double matrix (only the upper
 * triangle is computed), divided by N - 1; then the symmetric eigensolver
 * in double (math/eigen.h, nn_eigen_sym_top: all eigenvalues, only the
 * top vectors).  This is exact PCA (scikit-learn's "full" solver), not an
 * approximation like its randomized solver.
 *
 *   explained_variance[i]       = eigenvalue i of the covariance (N - 1)
 *   explained_variance_ratio[i] = explained_variance[i] / total variance
 *   singular_values[i]          = sqrt(explained_variance[i] * (N - 1))
 *
 * Signs: each component's largest-magnitude entry is positive (the first
 * one on exact ties).  That is scikit-learn's svd_flip with
 * u_based_decision=False; scikit-learn 1.2 decides on U (the scores)
 * instead, so some of its components may be the negatives of ours.
 *
 * Samples are rows: an (N, ...) array is N samples of prod(...) features;
 * any dtype is read as float (uint8 pixels widened); NaN or infinity in
 * the data is an error. */
#ifndef NN_ML_PCA_H
#define NN_ML_PCA_H

#include "core/array.h"

#include <stdint.h>

typedef struct {
    int64_t n_samples, n_features, n_components;
    int feature_ndim;                    /* shape of one sample, for inverse */
    int64_t feature_shape[NN_MAX_DIMS];
    float *mean;                         /* n_features */
    float *components;                   /* n_components x n_features, unit rows */
    double *explained_variance;          /* n_components */
    double *explained_variance_ratio;    /* n_components */
    double *singular_values;             /* n_components */
    double total_variance;               /* sum of all feature variances (N - 1) */
} nn_pca;

/* Fit n_components components on x.  progress: print a progress line on
 * stderr (core/progress.h).  Errors: fewer than 2 samples, no features,
 * n_components outside [1, min(samples, features)], non-finite data. */
int nn_pca_fit(nn_pca *p, const nn_array *x, int64_t n_components, int progress);

/* codes (float32, N x n_components) = (x - mean) components^T. */
int nn_pca_transform(const nn_pca *p, const nn_array *x, nn_array *codes);
/* xhat (float32, N x feature shape) = codes components + mean. */
int nn_pca_inverse(const nn_pca *p, const nn_array *codes, nn_array *xhat);

/* safetensors model (pca_io.c): tensors mean (F32), components (F32),
 * explained_variance, explained_variance_ratio, singular_values (F64);
 * metadata kind=pca, n_components, n_features, n_samples, feature_shape,
 * total_variance. */
int nn_pca_save(const nn_pca *p, const char *path);
int nn_pca_load(nn_pca *p, const char *path);

void nn_pca_free(nn_pca *p);

/* Rows [r0, r0 + n) of x (an (N, ...) array of any dtype, row_size
 * elements per row) as float32 into out; -1 with "non-finite value in
 * row R" if a value is NaN or infinite. */
int nn_rows_to_float(const nn_array *x, int64_t r0, int64_t n, float *out);

#endif
