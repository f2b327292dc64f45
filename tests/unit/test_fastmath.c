/* nn_tanhf against tanh in double: within 2 ulp over a sweep of floats,
 * odd, exact at 0 and at the limits, NaN kept. */
#include "check.h"

#include "math/fastmath.h"

#include <stdint.h>
#include <string.h>

static float from_bits(uint32_t b)
{
    float f;
    memcpy(&f, &b, sizeof f);
    return f;
}

static void test_tanh_within_2_ulp(void)
{
    double worst = 0;
    /* every 997th float from 1e-38 to 20 (both branches, the 0.4 seam) */
    for (uint32_t b = 0x00800000u; from_bits(b) < 20.0f; b += 997) {
        float x = from_bits(b), f = nn_tanhf(x);
        double r = tanh((double)x);
        float rf = (float)r;
        double ulp = (double)(nextafterf(rf, 2.0f) - rf);
        double err = fabs((double)f - r) / ulp;
        worst = err > worst ? err : worst;
        CHECK(nn_tanhf(-x) == -f);
    }
    printf("    worst error %.2f ulp\n", worst);
    CHECK(worst < 2.0);
}

static void test_tanh_special_values(void)
{
    CHECK(nn_tanhf(0.0f) == 0.0f);
    CHECK(nn_tanhf(9.5f) == 1.0f && nn_tanhf(-9.5f) == -1.0f);
    CHECK(nn_tanhf(100.0f) == 1.0f && nn_tanhf(-INFINITY) == -1.0f && nn_tanhf(INFINITY) == 1.0f);
    CHECK(isnan(nn_tanhf(NAN)));
    /* through a float variable: where floats are evaluated in double
     * (FLT_EVAL_METHOD 1, s390x with -std=c11) the literal 1e-30f keeps
     * double precision and is not the float nn_tanhf returns */
    volatile float tiny = 1e-30f;
    CHECK(nn_tanhf(tiny) == tiny);
}

int main(void)
{
    RUN(test_tanh_within_2_ulp);
    RUN(test_tanh_special_values);
    return check_summary();
}
