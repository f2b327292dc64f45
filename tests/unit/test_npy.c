/* .npy reader/writer: round trips, every accepted header form, and the
 * errors for damaged files. */
#include "check.h"

#include "core/error.h"
#include "core/mem.h"
#include "io/npy.h"

#include <stdint.h>
#include <string.h>
#include <unistd.h>

static char tmpdir[] = "/tmp/test_npy_XXXXXX";

static void path_in_tmp(char *buf, size_t n, const char *name) { snprintf(buf, n, "%s/%s", tmpdir, name); }

/* Build a .npy image with the given version, dict and data. */
static size_t make_npy(uint8_t *buf, int major, const char *dict, const void *data, size_t data_len)
{
    size_t dl = strlen(dict);
    size_t prefix = major == 1 ? 10 : 12;
    memcpy(buf, "\x93NUMPY", 6);
    buf[6] = (uint8_t)major;
    buf[7] = 0;
    buf[8] = (uint8_t)dl;
    buf[9] = (uint8_t)(dl >> 8);
    if (prefix == 12) {
        buf[10] = (uint8_t)(dl >> 16);
        buf[11] = (uint8_t)(dl >> 24);
    }
    memcpy(buf + prefix, dict, dl);
    if (data_len)
        memcpy(buf + prefix + dl, data, data_len);
    return prefix + dl + data_len;
}

static void test_roundtrip_all_dtypes(void)
{
    for (int t = 0; t < NN_DTYPE_COUNT; t++) {
        nn_array a, b;
        int64_t shape[3] = {3, 2, 5};
        CHECK(nn_array_alloc(&a, (nn_dtype)t, 3, shape) == 0);
        for (size_t i = 0; i < nn_array_count(&a); i++)
            nn_array_set(&a, i, (double)((i * 7) % 200));
        char p[256];
        path_in_tmp(p, sizeof p, "rt.npy");
        CHECK(nn_npy_save(p, &a) == 0);
        CHECK(nn_npy_load(p, &b) == 0);
        CHECK(b.dtype == (nn_dtype)t);
        CHECK(b.ndim == 3 && b.shape[0] == 3 && b.shape[1] == 2 && b.shape[2] == 5);
        CHECK(memcmp(a.data, b.data, nn_array_bytes(&a)) == 0);
        nn_array_free(&a);
        nn_array_free(&b);
        unlink(p);
    }
}

static void test_header_layout(void)
{
    uint8_t *h;
    size_t len;
    int64_t shape[1] = {7};
    CHECK(nn_npy_header(NN_F32, 1, shape, &h, &len) == 0);
    CHECK(len % 64 == 0);
    CHECK(h[6] == 1 && h[7] == 0);
    CHECK(h[len - 1] == '\n');
    CHECK(strstr((char *)h + 10, "'shape': (7,)") != NULL);
    CHECK(strstr((char *)h + 10, "'descr': '<f4'") != NULL);
    free(h);
    /* 0-D */
    CHECK(nn_npy_header(NN_U8, 0, shape, &h, &len) == 0);
    CHECK(strstr((char *)h + 10, "'shape': ()") != NULL);
    CHECK(strstr((char *)h + 10, "'descr': '|u1'") != NULL);
    free(h);
}

static void test_scalar_and_empty(void)
{
    nn_array a, b;
    CHECK(nn_array_alloc(&a, NN_F64, 0, NULL) == 0);
    ((double *)a.data)[0] = 3.25;
    char p[256];
    path_in_tmp(p, sizeof p, "s.npy");
    CHECK(nn_npy_save(p, &a) == 0);
    CHECK(nn_npy_load(p, &b) == 0);
    CHECK(b.ndim == 0 && ((double *)b.data)[0] == 3.25);
    nn_array_free(&a);
    nn_array_free(&b);
    int64_t shape[2] = {0, 4};
    CHECK(nn_array_alloc(&a, NN_F32, 2, shape) == 0);
    CHECK(nn_npy_save(p, &a) == 0);
    CHECK(nn_npy_load(p, &b) == 0);
    CHECK(b.ndim == 2 && b.shape[0] == 0 && b.shape[1] == 4);
    nn_array_free(&a);
    nn_array_free(&b);
    unlink(p);
}

static void test_versions_and_forms(void)
{
    uint8_t buf[512];
    nn_array a;
    /* 1.5f and -2.0f as '<f4' bytes, whatever the host's byte order */
    static const uint8_t v[8] = {0, 0, 0xc0, 0x3f, 0, 0, 0, 0xc0};
    /* version 2 and 3, double quotes, keys in another order, no trailing comma */
    for (int major = 1; major <= 3; major++) {
        size_t n = make_npy(buf, major, "{\"shape\": (2,), \"fortran_order\": False, \"descr\": \"<f4\"}  \n", v, 8);
        CHECK(nn_npy_parse(buf, n, &a) == 0);
        CHECK(a.dtype == NN_F32 && a.ndim == 1 && a.shape[0] == 2);
        CHECK(a.data && ((float *)a.data)[0] == 1.5f && ((float *)a.data)[1] == -2);
        nn_array_free(&a);
    }
    /* Python 2 long suffix */
    size_t n = make_npy(buf, 1, "{'descr': '<f4', 'fortran_order': False, 'shape': (1L, 2L), }\n", v, 8);
    CHECK(nn_npy_parse(buf, n, &a) == 0);
    CHECK(a.ndim == 2 && a.shape[1] == 2);
    nn_array_free(&a);
}

static void test_big_endian_and_widening(void)
{
    uint8_t buf[512];
    nn_array a;
    uint8_t be_i4[8] = {0, 0, 1, 2, 0xff, 0xff, 0xff, 0xfe};
    size_t n = make_npy(buf, 1, "{'descr': '>i4', 'fortran_order': False, 'shape': (2,), }\n", be_i4, 8);
    CHECK(nn_npy_parse(buf, n, &a) == 0);
    CHECK(a.dtype == NN_I32 && ((int32_t *)a.data)[0] == 258 && ((int32_t *)a.data)[1] == -2);
    nn_array_free(&a);
    uint8_t be_f8[8] = {0x40, 0x09, 0x21, 0xfb, 0x54, 0x44, 0x2d, 0x18}; /* pi */
    n = make_npy(buf, 1, "{'descr': '>f8', 'fortran_order': False, 'shape': (), }\n", be_f8, 8);
    CHECK(nn_npy_parse(buf, n, &a) == 0);
    CHECK(a.dtype == NN_F64 && ((double *)a.data)[0] == 3.141592653589793);
    nn_array_free(&a);
    uint8_t i2[4] = {0xff, 0xff, 0x10, 0x00};
    n = make_npy(buf, 1, "{'descr': '<i2', 'fortran_order': False, 'shape': (2,), }\n", i2, 4);
    CHECK(nn_npy_parse(buf, n, &a) == 0);
    CHECK(a.dtype == NN_I32 && ((int32_t *)a.data)[0] == -1 && ((int32_t *)a.data)[1] == 16);
    nn_array_free(&a);
    n = make_npy(buf, 1, "{'descr': '<u2', 'fortran_order': False, 'shape': (2,), }\n", i2, 4);
    CHECK(nn_npy_parse(buf, n, &a) == 0);
    CHECK(a.dtype == NN_I32 && ((int32_t *)a.data)[0] == 65535);
    nn_array_free(&a);
    uint8_t b1[3] = {0, 1, 1};
    n = make_npy(buf, 1, "{'descr': '|b1', 'fortran_order': False, 'shape': (3,), }\n", b1, 3);
    CHECK(nn_npy_parse(buf, n, &a) == 0);
    CHECK(a.dtype == NN_U8 && ((uint8_t *)a.data)[1] == 1);
    nn_array_free(&a);
    uint8_t i1[2] = {0xff, 5};
    n = make_npy(buf, 1, "{'descr': '|i1', 'fortran_order': False, 'shape': (2,), }\n", i1, 2);
    CHECK(nn_npy_parse(buf, n, &a) == 0);
    CHECK(a.dtype == NN_I32 && ((int32_t *)a.data)[0] == -1 && ((int32_t *)a.data)[1] == 5);
    nn_array_free(&a);
    uint8_t u4[4] = {0xff, 0xff, 0xff, 0xff};
    n = make_npy(buf, 1, "{'descr': '<u4', 'fortran_order': False, 'shape': (1,), }\n", u4, 4);
    CHECK(nn_npy_parse(buf, n, &a) == 0);
    CHECK(a.dtype == NN_I64 && ((int64_t *)a.data)[0] == 4294967295LL);
    nn_array_free(&a);
}

/* A header that must fail, and a word its message must contain. */
static void expect_fail(const char *dict, size_t data_len, const char *word)
{
    uint8_t buf[1024] = {0};
    uint8_t data[64] = {0};
    nn_array a;
    size_t n = make_npy(buf, 1, dict, data, data_len);
    int rc = nn_npy_parse(buf, n, &a);
    CHECK(rc == -1);
    if (rc == -1 && !strstr(nn_last_error(), word)) {
        printf("    message '%s' lacks '%s'\n", nn_last_error(), word);
        CHECK(0);
    }
    if (rc == 0)
        nn_array_free(&a);
}

static void test_bad_headers(void)
{
    expect_fail("{'descr': '<f4', 'fortran_order': True, 'shape': (2,), }\n", 8, "Fortran");
    expect_fail("{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }\n", 4, "truncated");
    expect_fail("{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }\n", 12, "after");
    expect_fail("{'descr': '<c8', 'fortran_order': False, 'shape': (2,), }\n", 16, "dtype");
    expect_fail("{'descr': '<u8', 'fortran_order': False, 'shape': (2,), }\n", 16, "uint64");
    expect_fail("{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (2,), }\n", 8, "structured");
    expect_fail("{'descr': '<f4', 'fortran_order': False, 'shape': (2), }\n", 8, "comma");
    expect_fail("{'descr': '<f4', 'fortran_order': False, 'shape': (-2,), }\n", 8, "non-negative");
    expect_fail("{'descr': '<f4', 'fortran_order': False}\n", 8, "shape");
    expect_fail("{'descr': '<f4', 'descr': '<f4', 'fortran_order': False, 'shape': (2,)}\n", 8, "repeated");
    expect_fail("{'descr': '<f4', 'fortran_order': False, 'shape': (2,), 'x': 1}\n", 8, "unexpected");
    expect_fail("{'descr': '<f4', 'fortran_order': False, 'shape': (2,), } junk\n", 8, "after the dict");
    expect_fail("{'descr': '<f4', 'fortran_order': 0, 'shape': (2,), }\n", 8, "True or False");
    expect_fail("{'descr': '<f4', 'fortran_order': False, 'shape': (4294967296, 4294967296, 4294967296), }\n", 0,
                "overflow");
    expect_fail("{'descr': '<f4', 'fortran_order': False, 'shape': (99999999999999999999,), }\n", 0, "too large");
    expect_fail("{'descr': '<f4', 'fortran_order': False, 'shape': (1,1,1,1,1,1,1,1,1), }\n", 4, "dimensions");
    expect_fail("{'descr': '<f4', 'fortran_order': False, 'shape': (2,), \n", 8, "expected");
    /* bad magic / version */
    nn_array a;
    uint8_t junk[16] = "\x93NUMPX\x01\x00\x00\x00";
    CHECK(nn_npy_parse(junk, 16, &a) == -1 && strstr(nn_last_error(), "magic"));
    uint8_t v9[16] = "\x93NUMPY\x09\x00\x00\x00";
    CHECK(nn_npy_parse(v9, 16, &a) == -1 && strstr(nn_last_error(), "version"));
    CHECK(nn_npy_parse(v9, 5, &a) == -1);
}

static void test_huge_shape_is_refused_early(void)
{
    /* A file claiming 2^40 floats with no data: the reader must say
     * "truncated" at open time, not try to allocate 4 TB. */
    char p[256];
    path_in_tmp(p, sizeof p, "huge.npy");
    uint8_t buf[256];
    size_t n = make_npy(buf, 1, "{'descr': '<f4', 'fortran_order': False, 'shape': (1099511627776,), }\n", NULL, 0);
    FILE *fp = fopen(p, "wb");
    fwrite(buf, 1, n, fp);
    fclose(fp);
    nn_array a;
    CHECK(nn_npy_load(p, &a) == -1);
    CHECK(strstr(nn_last_error(), "truncated") != NULL);
    unlink(p);
}

static void test_stream_reader_writer(void)
{
    char p[256];
    path_in_tmp(p, sizeof p, "stream.npy");
    nn_npy_writer w;
    int64_t shape[2] = {10, 3};
    CHECK(nn_npy_writer_open(&w, p, NN_I32, 2, shape) == 0);
    int32_t rows[12];
    for (int chunk = 0; chunk < 3; chunk++) {
        int k = chunk < 2 ? 4 : 2;
        for (int i = 0; i < k * 3; i++)
            rows[i] = chunk * 100 + i;
        CHECK(nn_npy_writer_write_rows(&w, rows, k) == 0);
    }
    CHECK(nn_npy_writer_write_rows(&w, rows, 1) == -1); /* one too many */
    nn_npy_writer_abort(&w);
    CHECK(access(p, F_OK) != 0); /* aborted: nothing left */

    CHECK(nn_npy_writer_open(&w, p, NN_I32, 2, shape) == 0);
    for (int chunk = 0; chunk < 3; chunk++) {
        int k = chunk < 2 ? 4 : 2;
        for (int i = 0; i < k * 3; i++)
            rows[i] = chunk * 100 + i;
        CHECK(nn_npy_writer_write_rows(&w, rows, k) == 0);
    }
    CHECK(nn_npy_writer_close(&w) == 0);

    nn_npy_reader r;
    CHECK(nn_npy_reader_open(&r, p) == 0);
    CHECK(r.rows == 10 && r.row_size == 3 && r.dtype == NN_I32);
    int64_t total = 0, got;
    int32_t buf[9];
    while ((got = nn_npy_reader_read_rows(&r, buf, 3)) > 0) {
        if (total == 4)
            CHECK(buf[0] == 100);
        total += got;
    }
    CHECK(got == 0 && total == 10);
    nn_npy_reader_close(&r);

    /* short write: close fails and leaves no file */
    char q[256];
    path_in_tmp(q, sizeof q, "short.npy");
    CHECK(nn_npy_writer_open(&w, q, NN_I32, 2, shape) == 0);
    CHECK(nn_npy_writer_write_rows(&w, rows, 2) == 0);
    CHECK(nn_npy_writer_close(&w) == -1);
    CHECK(access(q, F_OK) != 0);
    unlink(p);
}

static void test_load_as(void)
{
    char p[256];
    path_in_tmp(p, sizeof p, "u8.npy");
    nn_array a, b;
    int64_t shape[1] = {3};
    CHECK(nn_array_alloc(&a, NN_U8, 1, shape) == 0);
    ((uint8_t *)a.data)[2] = 255;
    CHECK(nn_npy_save(p, &a) == 0);
    CHECK(nn_npy_load_as(p, NN_F32, &b) == 0);
    CHECK(b.dtype == NN_F32 && ((float *)b.data)[2] == 255.0f);
    nn_array_free(&a);
    nn_array_free(&b);
    unlink(p);
}

static void test_missing_and_unwritable(void)
{
    nn_array a;
    CHECK(nn_npy_load("/nonexistent/x.npy", &a) == -1);
    CHECK(strstr(nn_last_error(), "cannot open") != NULL);
    CHECK(nn_npy_load(tmpdir, &a) == -1); /* a directory */
    int64_t shape[1] = {1};
    CHECK(nn_array_alloc(&a, NN_U8, 1, shape) == 0);
    CHECK(nn_npy_save("/nonexistent/dir/x.npy", &a) == -1);
    nn_array_free(&a);
}

int main(void)
{
    if (!mkdtemp(tmpdir)) {
        perror("mkdtemp");
        return 1;
    }
    RUN(test_roundtrip_all_dtypes);
    RUN(test_header_layout);
    RUN(test_scalar_and_empty);
    RUN(test_versions_and_forms);
    RUN(test_big_endian_and_widening);
    RUN(test_bad_headers);
    RUN(test_huge_shape_is_refused_early);
    RUN(test_stream_reader_writer);
    RUN(test_load_as);
    RUN(test_missing_and_unwritable);
    rmdir(tmpdir);
    return check_summary();
}
