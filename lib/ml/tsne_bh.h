/* Barnes-Hut space-partitioning tree for t-SNE repulsive forces: a
 * quadtree in 2-D, an octree in 3-D.  Used by tsne.c; public so that the
 * tests can compare it with the exact sums.
 *
 * A cell far enough from a point (cell width < theta * distance to the
 * cell's centre of mass) stands for all its points at once.  Leaves hold
 * one point, or several when points coincide (they are then visited one
 * by one, so a point never interacts with itself). */
#ifndef NN_ML_TSNE_BH_H
#define NN_ML_TSNE_BH_H

#include <stdint.h>

/* 32 bytes: two nodes a cache line (float is ample for a centre of mass
 * that only ever stands for far points). */
typedef struct {
    float com[3];   /* centre of mass */
    float width2;   /* squared side of the cell */
    int32_t count;  /* points below */
    int32_t child;  /* first child (children are contiguous), -1 for a leaf */
    int32_t nchild; /* non-empty children */
    int32_t start;  /* leaf: first point in perm */
} nn_bh_node;

typedef struct {
    int dims;
    int64_t n;
    nn_bh_node *node;
    int64_t nodes, cap;
    int32_t *perm;  /* points in tree order */
    int32_t *tmp;   /* scratch for partitioning */
    const double *y;
} nn_bh_tree;

/* Build (or rebuild, reusing memory) the tree of y (n x dims, dims 2 or
 * 3).  0 or -1 (memory). */
int nn_bh_build(nn_bh_tree *t, const double *y, int64_t n, int dims);
void nn_bh_free(nn_bh_tree *t);

/* Repulsion on point i: neg (dims) = sum_j w_ij^2 (y_i - y_j) and the
 * return value sum_j w_ij, with w_ij = 1 / (1 + |y_i - y_j|^2), over
 * j != i, cells summarised when width^2 < theta^2 * distance^2. */
double nn_bh_repulsion(const nn_bh_tree *t, int64_t i, double theta2, double *neg);

#endif
