/* PNG decoder (nn_png_decode): chunks and CRCs, IHDR limits, palette and
 * tRNS, all bit depths, Adam7, filters, zlib data.  Decoded images go
 * through nn_image_to_u8 (channel count picked from the input's last
 * byte) and a PNG encode/decode round trip. */
#include "fuzz.h"
#include "image_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_setup();
    nn_image img;
    if (nn_png_decode(data, size, &img) < 0) {
        FUZZ_CHECK_ERROR();
        FUZZ_ASSERT(img.pixels == NULL);
        return 0;
    }
    fuzz_check_image(&img, size ? data[size - 1] % 5 : 0);
    return 0;
}
