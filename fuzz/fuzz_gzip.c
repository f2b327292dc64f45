/* gzip reader (nn_gunzip): members, header flags, CRC-32 and ISIZE
 * checks, trailing padding. */
#include "fuzz.h"
#include "io/gzip.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_setup();
    uint8_t *out = NULL;
    size_t out_len = 0;
    if (nn_gunzip(data, size, &out, &out_len) < 0) {
        FUZZ_CHECK_ERROR();
        return 0;
    }
    FUZZ_ASSERT(out[out_len] == 0);
    free(out);
    return 0;
}
