/* Symmetric eigendecomposition in double precision.
 *
 * Householder reduction to tridiagonal form, then the implicit QL method
 * with Wilkinson-type shifts; both accumulate into the eigenvector matrix.
 * Cost about 9 n^3 flops (about 1 s for n = 784 on one busy core).  The
 * Householder steps and the rotations of each QL sweep are split over
 * nn_threads() threads by rows / columns: results are bit-identical for
 * any thread count.
 *
 * Layout: eigenvectors are returned as ROWS (v[i*n + j] is component j of
 * eigenvector i), the layout PCA components use, so that
 *   A = sum_i w[i] v_i v_i^T = V^T diag(w) V  with V = v as an n x n matrix.
 * Eigenvalues are sorted in descending order (equal values keep the order
 * the QL iteration found them in, which is deterministic). */
#ifndef NN_MATH_EIGEN_H
#define NN_MATH_EIGEN_H

#include <stdint.h>

/* a: n x n row-major, symmetric (only the upper triangle is read), not
 * modified.  w: n values, v: n x n (may be NULL for eigenvalues only).
 * Errors: n < 1, non-finite entries, no convergence (practically never). */
int nn_eigen_sym(int64_t n, const double *a, double *w, double *v);

/* All n eigenvalues (w, descending) but only the eigenvectors of the k
 * largest (v: k x n rows).  For k <= n/4 it uses inverse iteration on the
 * tridiagonal form (vectors of close eigenvalues re-orthogonalized, every
 * vector checked by its residual; a failed check falls back to the full
 * method), several times faster than nn_eigen_sym for small k. */
int nn_eigen_sym_top(int64_t n, const double *a, int64_t k, double *w, double *v);

/* Make every eigenvector's largest-magnitude entry positive (the first
 * such entry on exact ties), so the signs are deterministic.  rows x n. */
void nn_eigen_fix_signs(int64_t rows, int64_t n, double *v);

#endif
