/* zlib reader (nn_zlib_decompress): header check bits, FDICT refusal,
 * Adler-32. */
#include "fuzz.h"
#include "io/gzip.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_setup();
    uint8_t *out = NULL;
    size_t out_len = 0;
    if (nn_zlib_decompress(data, size, &out, &out_len) < 0) {
        FUZZ_CHECK_ERROR();
        return 0;
    }
    FUZZ_ASSERT(out[out_len] == 0);
    free(out);
    return 0;
}
