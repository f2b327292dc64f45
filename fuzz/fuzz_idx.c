/* IDX reader (nn_idx_parse): type byte, dimension count, big-endian
 * dimensions, exact data length. */
#include "fuzz.h"
#include "io/idx.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_setup();
    nn_array a;
    if (nn_idx_parse(data, size, &a) < 0) {
        FUZZ_CHECK_ERROR();
        return 0;
    }
    FUZZ_ASSERT(a.ndim >= 1 && a.ndim <= NN_MAX_DIMS);
    FUZZ_ASSERT(nn_array_count(&a) <= size);
    nn_array_free(&a);
    return 0;
}
