/* Word-vector reader (nn_wordvec_parse): word2vec text and binary, GloVe
 * and format detection (first byte picks the format).  A parsed table is
 * written in binary form (exact) and must read back identically. */
#include "fuzz.h"
#include "text/wordvec.h"

#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_setup();
    if (size < 1)
        return 0;
    nn_wv_format f = (nn_wv_format)(data[0] % 4);
    nn_wordvec wv;
    if (nn_wordvec_parse(data + 1, size - 1, f, &wv) < 0) {
        FUZZ_CHECK_ERROR();
        return 0;
    }
    FUZZ_ASSERT(wv.n >= 0 && wv.dim >= 1 && wv.index.n == wv.n);
    /* The round trip is checked for words without control characters:
     * the text reader keeps a word's leading CRs or NULs, the binary reader
     * skips leading white space and fputs stops at a NUL (known, harmless). */
    int plain = 1;
    for (int64_t i = 0; i < wv.n; i++) {
        FUZZ_ASSERT(nn_wordvec_find(&wv, wv.index.keys[i], wv.index.lens[i]) == i);
        for (uint32_t j = 0; j < wv.index.lens[i]; j++)
            plain &= (unsigned char)wv.index.keys[i][j] > ' ';
    }
    if (plain && wv.n > 0) {
        char *out = NULL;
        size_t out_len = 0;
        FILE *fp = open_memstream(&out, &out_len);
        if (fp) {
            int wrc = nn_wordvec_write(fp, &wv, 1);
            fclose(fp);
            FUZZ_ASSERT(wrc == 0);
            nn_wordvec back;
            FUZZ_ASSERT(nn_wordvec_parse((const uint8_t *)out, out_len, NN_WV_BINARY, &back) == 0);
            FUZZ_ASSERT(back.n == wv.n && back.dim == wv.dim);
            FUZZ_ASSERT(memcmp(back.vec, wv.vec, (size_t)wv.n * (size_t)wv.dim * sizeof(float)) == 0);
            for (int64_t i = 0; i < wv.n; i++)
                FUZZ_ASSERT(back.index.lens[i] == wv.index.lens[i] &&
                            memcmp(back.index.keys[i], wv.index.keys[i], wv.index.lens[i]) == 0);
            nn_wordvec_free(&back);
            free(out);
        }
    }
    nn_wordvec_free(&wv);
    return 0;
}
