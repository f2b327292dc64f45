/* Shared bits of the libFuzzer harnesses (fuzz/fuzz_*.c).
 *
 * Every harness defines LLVMFuzzerTestOneInput and calls fuzz_setup()
 * first.  The allocation limit is set small so inputs whose header asks
 * for huge arrays take the library's "too large" error path quickly
 * instead of exhausting the fuzzer's memory: a header size that slips
 * past nn_alloc() then shows up as libFuzzer's malloc-limit report
 * (run.sh sets -malloc_limit_mb well above this limit).
 *
 * fuzz/driver.c supplies a main() for builds without libFuzzer (the
 * regression tests run every file of tests/regress/NAME through it). */
#ifndef NN_FUZZ_H
#define NN_FUZZ_H

#include "core/error.h"
#include "core/mem.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define FUZZ_ALLOC_LIMIT ((size_t)16 << 20)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static inline void fuzz_setup(void)
{
    static int done;
    if (!done) {
        nn_set_alloc_limit(FUZZ_ALLOC_LIMIT);
        done = 1;
    }
}

/* A property the library promises did not hold: report and abort, so
 * libFuzzer records the input as a crash. */
#define FUZZ_ASSERT(cond)                                                                                    \
    do {                                                                                                     \
        if (!(cond)) {                                                                                       \
            fprintf(stderr, "%s:%d: FUZZ_ASSERT(%s) failed (last error: %s)\n", __FILE__, __LINE__, #cond,    \
                    nn_last_error());                                                                        \
            abort();                                                                                         \
        }                                                                                                    \
    } while (0)

/* Failures must come with a message. */
#define FUZZ_CHECK_ERROR() FUZZ_ASSERT(nn_last_error()[0] != '\0')

#endif
