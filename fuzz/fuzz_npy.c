/* .npy reader: the in-memory parser (nn_npy_parse) and the streaming
 * reader over a stream (nn_npy_reader via fmemopen) must agree: both
 * accept or both refuse, and accepted arrays are byte-identical.  An
 * accepted array is written again (nn_npy_write_fp) and must read back
 * the same. */
#include "fuzz.h"
#include "io/npy.h"

#include <string.h>

static int read_stream(const uint8_t *data, size_t size, nn_array *out)
{
    memset(out, 0, sizeof *out);
    FILE *fp = fmemopen((void *)data, size, "rb");
    if (!fp)
        return -2;
    int rc = nn_npy_read_fp(fp, out);
    fclose(fp);
    return rc;
}

/* Streaming in chunks of 3 rows exercises partial reads and widening. */
static int read_chunks(const uint8_t *data, size_t size)
{
    FILE *fp = fmemopen((void *)data, size, "rb");
    if (!fp)
        return -2;
    nn_npy_reader r;
    int rc = nn_npy_reader_open_fp(&r, fp);
    if (rc == 0) {
        /* Rows of 0 elements all at once: (10^11, 0) is a valid 128-byte
         * file; and (0, 2^60) is valid too, so size the buffer by the rows
         * there are. */
        int64_t chunk = r.row_size ? (r.rows < 3 ? r.rows : 3) : r.rows;
        if (chunk < 1)
            chunk = 1;
        size_t elems = r.row_size && r.rows ? (size_t)chunk * (size_t)r.row_size : 1;
        uint8_t *buf = nn_alloc(elems, nn_dtype_size(r.dtype));
        if (!buf)
            rc = -1;
        int64_t n, total = 0;
        while (rc == 0 && (n = nn_npy_reader_read_rows(&r, buf, chunk)) > 0)
            total += n;
        if (rc == 0 && n < 0)
            rc = -1;
        if (rc == 0)
            FUZZ_ASSERT(total == r.rows);
        free(buf);
    }
    nn_npy_reader_close(&r);
    fclose(fp);
    return rc;
}

static int same_array(const nn_array *a, const nn_array *b)
{
    if (a->dtype != b->dtype || a->ndim != b->ndim)
        return 0;
    for (int i = 0; i < a->ndim; i++)
        if (a->shape[i] != b->shape[i])
            return 0;
    return memcmp(a->data, b->data, nn_array_bytes(a)) == 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_setup();
    nn_array a, b;
    int rc_mem = nn_npy_parse(data, size, &a);
    if (rc_mem)
        FUZZ_CHECK_ERROR();
    if (size == 0) { /* fmemopen refuses a zero-size buffer */
        FUZZ_ASSERT(rc_mem < 0);
        return 0;
    }
    int rc_fp = read_stream(data, size, &b);
    if (rc_fp == -2) {
        nn_array_free(&a);
        return 0;
    }
    FUZZ_ASSERT((rc_mem == 0) == (rc_fp == 0));
    int rc_chunks = read_chunks(data, size);
    FUZZ_ASSERT(rc_chunks == -2 || (rc_chunks == 0) == (rc_mem == 0));
    if (rc_mem == 0) {
        FUZZ_ASSERT(same_array(&a, &b));
        char *out = NULL;
        size_t out_len = 0;
        FILE *fp = open_memstream(&out, &out_len);
        if (fp) {
            int wrc = nn_npy_write_fp(fp, &a);
            fclose(fp);
            if (wrc == 0) {
                nn_array c;
                FUZZ_ASSERT(nn_npy_parse((const uint8_t *)out, out_len, &c) == 0);
                FUZZ_ASSERT(same_array(&a, &c));
                nn_array_free(&c);
            }
            free(out);
        }
        nn_array_free(&a);
        nn_array_free(&b);
    }
    return 0;
}
