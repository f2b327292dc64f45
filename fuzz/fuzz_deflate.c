/* Round trip of the compressor: nn_deflate at the level picked by the
 * first byte, then nn_inflate, must give the input back, within
 * nn_deflate_bound().  Also checks nn_gzip/nn_gunzip and
 * nn_zlib_compress/nn_zlib_decompress the same way. */
#include "fuzz.h"
#include "io/deflate.h"
#include "io/gzip.h"
#include "io/inflate.h"

#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_setup();
    if (size < 1)
        return 0;
    int level = data[0] % 11 - 1; /* -1 (default) .. 9 */
    int which = (data[0] / 11) % 3;
    data++;
    size--;
    uint8_t *z = NULL, *back = NULL;
    size_t z_len = 0, back_len = 0;
    if (which == 0) {
        FUZZ_ASSERT(nn_deflate(data, size, level < 0 ? 6 : level, &z, &z_len) == 0);
        FUZZ_ASSERT(z_len <= nn_deflate_bound(size));
        size_t consumed = 0;
        FUZZ_ASSERT(nn_inflate(z, z_len, 0, &back, &back_len, &consumed) == 0);
        FUZZ_ASSERT(consumed == z_len);
    } else if (which == 1) {
        FUZZ_ASSERT(nn_gzip(data, size, level, &z, &z_len) == 0);
        FUZZ_ASSERT(nn_is_gzip(z, z_len));
        FUZZ_ASSERT(nn_gunzip(z, z_len, &back, &back_len) == 0);
    } else {
        FUZZ_ASSERT(nn_zlib_compress(data, size, level, &z, &z_len) == 0);
        FUZZ_ASSERT(nn_zlib_decompress(z, z_len, &back, &back_len) == 0);
    }
    FUZZ_ASSERT(back_len == size && memcmp(back, data, size) == 0 && back[back_len] == 0);
    free(z);
    free(back);
    return 0;
}
