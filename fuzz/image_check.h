/* Checks shared by the image harnesses: a decoded nn_image must be
 * consistent, convert to 8 bits, and survive a PNG round trip. */
#ifndef NN_FUZZ_IMAGE_CHECK_H
#define NN_FUZZ_IMAGE_CHECK_H

#include "fuzz.h"
#include "image/png.h"

#include <string.h>

/* Check img (consumed: freed here); `channels` (0..4) is passed to
 * nn_image_to_u8. */
static inline void fuzz_check_image(nn_image *img, int channels)
{
    FUZZ_ASSERT(img->width > 0 && img->height > 0);
    FUZZ_ASSERT(img->channels >= 1 && img->channels <= 4);
    FUZZ_ASSERT(img->bit_depth == 8 || img->bit_depth == 16);
    size_t n = (size_t)img->width * (size_t)img->height * (size_t)img->channels * (size_t)(img->bit_depth / 8);
    /* The last sample must be addressable (ASan checks the buffer size). */
    volatile uint8_t last = ((const uint8_t *)img->pixels)[n - 1];
    (void)last;
    if (nn_image_to_u8(img, channels) == 0) {
        FUZZ_ASSERT(img->bit_depth == 8 && (channels == 0 || img->channels == channels));
        /* Keep the round trip cheap: small images only. */
        if ((size_t)img->width * (size_t)img->height <= 4096) {
            uint8_t *png = NULL;
            size_t png_len = 0;
            FUZZ_ASSERT(nn_png_encode(img->pixels, img->width, img->height, img->channels, &png, &png_len) == 0);
            nn_image back;
            FUZZ_ASSERT(nn_png_decode(png, png_len, &back) == 0);
            FUZZ_ASSERT(back.width == img->width && back.height == img->height &&
                        back.channels == img->channels && back.bit_depth == 8);
            FUZZ_ASSERT(memcmp(back.pixels, img->pixels,
                               (size_t)img->width * (size_t)img->height * (size_t)img->channels) == 0);
            nn_image_free(&back);
            free(png);
        }
    } else {
        FUZZ_CHECK_ERROR();
    }
    nn_image_free(img);
}

#endif
