/* Netpbm decoder (nn_pnm_decode): P1-P6 headers, comments, maxval,
 * plain and raw samples.  8-bit gray/RGB results must also survive a
 * P5/P6 encode/decode round trip. */
#include "fuzz.h"
#include "image/pnm.h"
#include "image_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_setup();
    nn_image img;
    if (nn_pnm_decode(data, size, &img) < 0) {
        FUZZ_CHECK_ERROR();
        FUZZ_ASSERT(img.pixels == NULL);
        return 0;
    }
    if (img.bit_depth == 8 && (img.channels == 1 || img.channels == 3) &&
        (size_t)img.width * (size_t)img.height <= 65536) {
        uint8_t *enc = NULL;
        size_t enc_len = 0;
        FUZZ_ASSERT(nn_pnm_encode(img.pixels, img.width, img.height, img.channels, &enc, &enc_len) == 0);
        nn_image back;
        FUZZ_ASSERT(nn_pnm_decode(enc, enc_len, &back) == 0);
        FUZZ_ASSERT(back.width == img.width && back.height == img.height && back.channels == img.channels &&
                    back.bit_depth == 8);
        FUZZ_ASSERT(memcmp(back.pixels, img.pixels, (size_t)img.width * img.height * img.channels) == 0);
        nn_image_free(&back);
        free(enc);
    }
    fuzz_check_image(&img, 0);
    return 0;
}
