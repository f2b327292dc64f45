/* A very small unit-test harness.  A test file defines test functions and
 * lists them in main():
 *
 *   static void test_add(void) { CHECK(1 + 1 == 2); CHECK_NEAR(0.1 + 0.2, 0.3, 1e-12); }
 *   int main(void) { RUN(test_add); return check_summary(); }
 *
 * Each test prints "PASS name" or "FAIL name" with the failed checks
 * (file:line and the expression); tests/run adds up the lines of every
 * test program and prints "N passed, N failed" last. */
#ifndef NN_TESTS_CHECK_H
#define NN_TESTS_CHECK_H

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

static int check_failures_in_test;
static int check_tests_passed, check_tests_failed, check_tests_skipped;
static const char *check_skip_reason;

#define CHECK(cond)                                                                                          \
    do {                                                                                                     \
        if (!(cond)) {                                                                                       \
            if (check_failures_in_test++ < 5)                                                                \
                printf("    %s:%d: CHECK(%s) failed\n", __FILE__, __LINE__, #cond);                          \
        }                                                                                                    \
    } while (0)

#define CHECK_NEAR(a, b, tol)                                                                                \
    do {                                                                                                     \
        double check_a_ = (double)(a), check_b_ = (double)(b);                                               \
        if (!(fabs(check_a_ - check_b_) <= (tol))) {                                                         \
            if (check_failures_in_test++ < 5)                                                                \
                printf("    %s:%d: %s = %.9g, %s = %.9g, differ by more than %g\n", __FILE__, __LINE__, #a,   \
                       check_a_, #b, check_b_, (double)(tol));                                               \
        }                                                                                                    \
    } while (0)

/* Inside a test: stop it and count it as skipped (for missing data). */
#define SKIP(reason)                                                                                         \
    do {                                                                                                     \
        check_skip_reason = (reason);                                                                        \
        return;                                                                                              \
    } while (0)

#define RUN(fn)                                                                                              \
    do {                                                                                                     \
        check_failures_in_test = 0;                                                                          \
        check_skip_reason = NULL;                                                                            \
        fn();                                                                                                \
        if (check_skip_reason) {                                                                             \
            printf("SKIP %s: %s\n", #fn, check_skip_reason);                                                 \
            check_tests_skipped++;                                                                           \
        } else if (check_failures_in_test) {                                                                 \
            printf("FAIL %s\n", #fn);                                                                        \
            check_tests_failed++;                                                                            \
        } else {                                                                                             \
            printf("PASS %s\n", #fn);                                                                        \
            check_tests_passed++;                                                                            \
        }                                                                                                    \
        fflush(stdout);                                                                                      \
    } while (0)

static inline int check_summary(void) { return check_tests_failed ? 1 : 0; }

/* The folder of the real data sets, or NULL when absent. */
static inline const char *check_shared_data(void)
{
    const char *d = getenv("SHARED_DATA");
    return d && *d ? d : NULL;
}

#endif
