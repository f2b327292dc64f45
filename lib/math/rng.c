#include "math/rng.h"

#include <math.h>

static uint64_t splitmix64(uint64_t *x)
{
    uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

void nn_rng_seed(nn_rng *r, uint64_t seed)
{
    uint64_t x = seed;
    for (int i = 0; i < 4; i++)
        r->s[i] = splitmix64(&x);
    r->has_spare = 0;
    r->spare = 0;
}

void nn_rng_split(nn_rng *r, uint64_t seed, uint64_t stream)
{
    uint64_t x = seed ^ 0x6a09e667f3bcc909ULL;
    uint64_t mixed = splitmix64(&x) ^ (stream * 0xd1342543de82ef95ULL + 0x2545f4914f6cdd1dULL);
    nn_rng_seed(r, mixed);
}

static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

uint64_t nn_rng_u64(nn_rng *r)
{
    uint64_t *s = r->s;
    uint64_t result = rotl(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
}

double nn_rng_uniform(nn_rng *r) { return (double)(nn_rng_u64(r) >> 11) * 0x1.0p-53; }

double nn_rng_uniform_open(nn_rng *r) { return ((double)(nn_rng_u64(r) >> 11) + 0.5) * 0x1.0p-53; }

uint64_t nn_rng_below(nn_rng *r, uint64_t n)
{
    if (n <= 1)
        return 0;
    /* Reject the top partial block so every value is equally likely. */
    uint64_t limit = UINT64_MAX - UINT64_MAX % n;
    uint64_t x;
    do
        x = nn_rng_u64(r);
    while (x >= limit);
    return x % n;
}

double nn_rng_normal(nn_rng *r)
{
    if (r->has_spare) {
        r->has_spare = 0;
        return r->spare;
    }
    double u1 = nn_rng_uniform_open(r), u2 = nn_rng_uniform(r);
    double radius = sqrt(-2.0 * log(u1)), angle = 6.283185307179586 * u2;
    r->spare = radius * sin(angle);
    r->has_spare = 1;
    return radius * cos(angle);
}

double nn_rng_gumbel(nn_rng *r) { return -log(-log(nn_rng_uniform_open(r))); }

int64_t nn_rng_binomial(nn_rng *r, int64_t n, double p)
{
    if (n <= 0 || p <= 0)
        return 0;
    if (p >= 1)
        return n;
    if (p > 0.5)
        return n - nn_rng_binomial(r, n, 1 - p);
    if (n <= 32) {
        int64_t k = 0;
        for (int64_t i = 0; i < n; i++)
            k += nn_rng_uniform(r) < p;
        return k;
    }
    /* Waiting time: gaps between successes are geometric; count how many
     * successes fit in n trials. */
    double log_q = log1p(-p);
    int64_t k = 0, trials = 0;
    for (;;) {
        double gap = floor(log(nn_rng_uniform_open(r)) / log_q) + 1;
        if (gap > (double)(n - trials))
            return k;
        trials += (int64_t)gap;
        k++;
    }
}

void nn_rng_shuffle_i64(nn_rng *r, int64_t *a, int64_t n)
{
    for (int64_t i = n - 1; i > 0; i--) {
        int64_t j = (int64_t)nn_rng_below(r, (uint64_t)i + 1);
        int64_t t = a[i];
        a[i] = a[j];
        a[j] = t;
    }
}
