/* JPEG decoder (nn_jpeg_decode): markers, Huffman and quantisation
 * tables, sampling factors, progressive scans, restart markers. */
#include "fuzz.h"
#include "image/jpeg.h"
#include "image_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_setup();
    nn_image img;
    if (nn_jpeg_decode(data, size, &img) < 0) {
        FUZZ_CHECK_ERROR();
        FUZZ_ASSERT(img.pixels == NULL);
        return 0;
    }
    FUZZ_ASSERT(img.bit_depth == 8 && (img.channels == 1 || img.channels == 3));
    fuzz_check_image(&img, 0);
    return 0;
}
