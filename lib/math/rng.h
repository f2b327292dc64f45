/* A seeded pseudo-random generator: xoshiro256** seeded through
 * splitmix64.  Same seed, same sequence, on every host.
 *
 * For work split across threads, give every task its own stream with
 * nn_rng_split(seed, task) so results do not depend on the thread count. */
#ifndef NN_MATH_RNG_H
#define NN_MATH_RNG_H

#include <stdint.h>

typedef struct {
    uint64_t s[4];
    int has_spare;   /* Box-Muller makes normals in pairs */
    double spare;
} nn_rng;

void nn_rng_seed(nn_rng *r, uint64_t seed);
/* An independent stream for task `stream` of a run seeded with `seed`. */
void nn_rng_split(nn_rng *r, uint64_t seed, uint64_t stream);

uint64_t nn_rng_u64(nn_rng *r);
/* Uniform in [0, 1) with 53 random bits. */
double nn_rng_uniform(nn_rng *r);
/* Uniform in (0, 1): never 0, for logarithms. */
double nn_rng_uniform_open(nn_rng *r);
/* Uniform integer in [0, n), without modulo bias. */
uint64_t nn_rng_below(nn_rng *r, uint64_t n);
/* Standard normal (Box-Muller). */
double nn_rng_normal(nn_rng *r);
/* Standard Gumbel: -log(-log(U)). */
double nn_rng_gumbel(nn_rng *r);
/* Binomial(n, p), exact: Bernoulli sums for n <= 32, otherwise the
 * geometric waiting-time method (cost grows with n * min(p, 1 - p)). */
int64_t nn_rng_binomial(nn_rng *r, int64_t n, double p);
/* Fisher-Yates shuffle of n indices. */
void nn_rng_shuffle_i64(nn_rng *r, int64_t *a, int64_t n);

#endif
