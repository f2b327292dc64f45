/* WAV reader (nn_wav_parse): RIFF chunks, fmt (PCM, float, extensible),
 * padding, data size.  An accepted file is encoded again in its own
 * format (nn_wav_encode) and must parse to the same samples; then
 * nn_wav_mixdown runs on it. */
#include "fuzz.h"
#include "io/wav.h"

#include <math.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_setup();
    nn_wav w;
    if (nn_wav_parse(data, size, &w) < 0) {
        FUZZ_CHECK_ERROR();
        return 0;
    }
    FUZZ_ASSERT(w.channels >= 1 && w.channels <= 1024 && w.frames >= 1);
    size_t n = (size_t)w.frames * (size_t)w.channels;
    FUZZ_ASSERT(n <= size);
    uint8_t *enc = NULL;
    size_t enc_len = 0;
    if (nn_wav_encode(&w, &enc, &enc_len) == 0) {
        nn_wav b;
        FUZZ_ASSERT(nn_wav_parse(enc, enc_len, &b) == 0);
        FUZZ_ASSERT(b.rate == w.rate && b.channels == w.channels && b.frames == w.frames &&
                    b.format == w.format && b.extensible == w.extensible);
        for (size_t i = 0; i < n; i++)
            FUZZ_ASSERT(b.data[i] == w.data[i] || (isnan(b.data[i]) && isnan(w.data[i])));
        nn_wav_free(&b);
        free(enc);
    } else {
        FUZZ_CHECK_ERROR();
    }
    nn_wav_mixdown(&w);
    FUZZ_ASSERT(w.channels == 1);
    nn_wav_free(&w);
    return 0;
}
