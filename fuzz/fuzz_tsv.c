/* TSV array reader (nn_tsv_parse).  The first byte picks the dtype and
 * keep_2d; the rest is the text.  Parsed arrays are written back with
 * nn_tsv_write_rows and must parse to the same shape and values (the
 * writer promises the shortest text that reads back exactly). */
#include "fuzz.h"
#include "io/tsv_array.h"

#include <math.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_setup();
    if (size < 1)
        return 0;
    nn_dtype t = (nn_dtype)(data[0] % NN_DTYPE_COUNT);
    int keep_2d = (data[0] / NN_DTYPE_COUNT) & 1;
    const char *text = (const char *)data + 1;
    size_t len = size - 1;
    nn_array a;
    if (nn_tsv_parse(text, len, t, keep_2d, &a) < 0) {
        FUZZ_CHECK_ERROR();
        return 0;
    }
    FUZZ_ASSERT(a.dtype == t && a.ndim >= 1 && a.ndim <= 2);
    char *out = NULL;
    size_t out_len = 0;
    FILE *fp = open_memstream(&out, &out_len);
    if (fp) {
        int wrc = nn_tsv_write_rows(fp, a.data, t, nn_array_rows(&a), nn_array_row_size(&a));
        fclose(fp);
        FUZZ_ASSERT(wrc == 0);
        nn_array b;
        FUZZ_ASSERT(nn_tsv_parse(out, out_len, t, keep_2d, &b) == 0);
        size_t n = nn_array_count(&a);
        FUZZ_ASSERT(nn_array_count(&b) == n);
        if (n) {
            FUZZ_ASSERT(b.ndim == a.ndim);
            for (int i = 0; i < a.ndim; i++)
                FUZZ_ASSERT(a.shape[i] == b.shape[i]);
        }
        for (size_t i = 0; i < n; i++) {
            double x = nn_array_get(&a, i), y = nn_array_get(&b, i);
            FUZZ_ASSERT(x == y || (isnan(x) && isnan(y)));
        }
        nn_array_free(&b);
        free(out);
    }
    nn_array_free(&a);
    return 0;
}
