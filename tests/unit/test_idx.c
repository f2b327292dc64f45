/* IDX reader/writer: every element type, size checks, gzip. */
#include "check.h"

#include "core/error.h"
#include "io/gzip.h"
#include "io/idx.h"

#include <stdint.h>
#include <string.h>
#include <unistd.h>

static char tmpdir[] = "/tmp/test_idx_XXXXXX";

static size_t make_idx(uint8_t *buf, int type, int ndim, const uint32_t *dims, const void *data, size_t n)
{
    buf[0] = buf[1] = 0;
    buf[2] = (uint8_t)type;
    buf[3] = (uint8_t)ndim;
    for (int i = 0; i < ndim; i++)
        for (int k = 0; k < 4; k++)
            buf[4 + 4 * i + k] = (uint8_t)(dims[i] >> (24 - 8 * k));
    memcpy(buf + 4 + 4 * ndim, data, n);
    return 4 + 4 * (size_t)ndim + n;
}

static void test_types(void)
{
    uint8_t buf[256];
    nn_array a;
    uint32_t d2[2] = {2, 3};
    uint8_t u8[6] = {0, 1, 2, 250, 254, 255};
    CHECK(nn_idx_parse(buf, make_idx(buf, 0x08, 2, d2, u8, 6), &a) == 0);
    CHECK(a.dtype == NN_U8 && a.ndim == 2 && a.shape[0] == 2 && a.shape[1] == 3 && ((uint8_t *)a.data)[5] == 255);
    nn_array_free(&a);
    uint32_t d1[1] = {2};
    uint8_t s8[2] = {0xff, 0x7f};
    CHECK(nn_idx_parse(buf, make_idx(buf, 0x09, 1, d1, s8, 2), &a) == 0);
    CHECK(a.dtype == NN_I32 && ((int32_t *)a.data)[0] == -1 && ((int32_t *)a.data)[1] == 127);
    nn_array_free(&a);
    uint8_t s16[4] = {0xff, 0xfe, 0x01, 0x00};
    CHECK(nn_idx_parse(buf, make_idx(buf, 0x0B, 1, d1, s16, 4), &a) == 0);
    CHECK(a.dtype == NN_I32 && ((int32_t *)a.data)[0] == -2 && ((int32_t *)a.data)[1] == 256);
    nn_array_free(&a);
    uint8_t s32[8] = {0x80, 0, 0, 0, 0, 1, 0, 0};
    CHECK(nn_idx_parse(buf, make_idx(buf, 0x0C, 1, d1, s32, 8), &a) == 0);
    CHECK(a.dtype == NN_I32 && ((int32_t *)a.data)[0] == INT32_MIN && ((int32_t *)a.data)[1] == 65536);
    nn_array_free(&a);
    uint8_t f32[8] = {0x3f, 0xc0, 0, 0, 0xc0, 0x20, 0, 0};
    CHECK(nn_idx_parse(buf, make_idx(buf, 0x0D, 1, d1, f32, 8), &a) == 0);
    CHECK(a.dtype == NN_F32 && ((float *)a.data)[0] == 1.5f && ((float *)a.data)[1] == -2.5f);
    nn_array_free(&a);
    uint8_t f64[16] = {0x3f, 0xf8, 0, 0, 0, 0, 0, 0, 0xc0, 0x04, 0, 0, 0, 0, 0, 0};
    CHECK(nn_idx_parse(buf, make_idx(buf, 0x0E, 1, d1, f64, 16), &a) == 0);
    CHECK(a.dtype == NN_F64 && ((double *)a.data)[0] == 1.5 && ((double *)a.data)[1] == -2.5);
    nn_array_free(&a);
}

static void expect_fail(const uint8_t *buf, size_t n, const char *word)
{
    nn_array a;
    int rc = nn_idx_parse(buf, n, &a);
    CHECK(rc == -1);
    if (rc == 0)
        nn_array_free(&a);
    else if (!strstr(nn_last_error(), word)) {
        printf("    message '%s' lacks '%s'\n", nn_last_error(), word);
        CHECK(0);
    }
}

static void test_errors(void)
{
    uint8_t buf[256];
    uint32_t d2[2] = {2, 3};
    uint8_t u8[8] = {0};
    expect_fail(buf, make_idx(buf, 0x08, 2, d2, u8, 5), "truncated");
    expect_fail(buf, make_idx(buf, 0x08, 2, d2, u8, 7), "after");
    expect_fail(buf, make_idx(buf, 0x0A, 2, d2, u8, 6), "element type");
    expect_fail(buf, make_idx(buf, 0x08, 0, d2, u8, 6), "0 dimensions");
    expect_fail(buf, 0, "empty");
    expect_fail(buf, 3, "truncated");
    make_idx(buf, 0x08, 2, d2, u8, 6);
    expect_fail(buf, 8, "truncated"); /* header cut in the dims */
    buf[0] = 1;
    expect_fail(buf, 16, "not an IDX");
    uint32_t big[3] = {0xffffffffu, 0xffffffffu, 0xffffffffu};
    expect_fail(buf, make_idx(buf, 0x0E, 3, big, u8, 0), "overflow");
    uint32_t d9[9] = {1, 1, 1, 1, 1, 1, 1, 1, 1};
    expect_fail(buf, make_idx(buf, 0x08, 9, d9, u8, 1), "dimensions");
}

static void test_save_load_gz(void)
{
    char p[256], q[256];
    snprintf(p, sizeof p, "%s/x.idx", tmpdir);
    snprintf(q, sizeof q, "%s/x.idx.gz", tmpdir);
    nn_dtype types[] = {NN_U8, NN_I32, NN_F32, NN_F64};
    for (int k = 0; k < 4; k++) {
        nn_array a, b;
        int64_t shape[3] = {4, 3, 2};
        CHECK(nn_array_alloc(&a, types[k], 3, shape) == 0);
        for (size_t i = 0; i < nn_array_count(&a); i++)
            nn_array_set(&a, i, (double)i * (k == 2 ? -0.5 : 1));
        CHECK(nn_idx_save(p, &a) == 0);
        CHECK(nn_idx_load(p, &b) == 0);
        CHECK(b.dtype == a.dtype && b.ndim == 3 && memcmp(a.data, b.data, nn_array_bytes(&a)) == 0);
        nn_array_free(&b);
        /* the same file gzipped */
        FILE *fp = fopen(p, "rb");
        uint8_t raw[1024], *gz;
        size_t n = fread(raw, 1, sizeof raw, fp), gzlen;
        fclose(fp);
        CHECK(nn_gzip(raw, n, 6, &gz, &gzlen) == 0);
        fp = fopen(q, "wb");
        fwrite(gz, 1, gzlen, fp);
        fclose(fp);
        CHECK(nn_idx_load(q, &b) == 0);
        CHECK(b.dtype == a.dtype && memcmp(a.data, b.data, nn_array_bytes(&a)) == 0);
        nn_array_free(&b);
        /* truncated .gz */
        fp = fopen(q, "wb");
        fwrite(gz, 1, gzlen / 2, fp);
        fclose(fp);
        CHECK(nn_idx_load(q, &b) == -1);
        free(gz);
        nn_array_free(&a);
    }
    nn_array a;
    int64_t shape[1] = {2};
    CHECK(nn_array_alloc(&a, NN_I64, 1, shape) == 0);
    CHECK(nn_idx_save(p, &a) == -1); /* no int64 in IDX */
    nn_array_free(&a);
    unlink(p);
    unlink(q);
}

static void test_mnist(void)
{
    const char *d = check_shared_data();
    if (!d)
        SKIP("SHARED_DATA not set");
    char p[512];
    snprintf(p, sizeof p, "%s/mnist/t10k-labels-idx1-ubyte.gz", d);
    if (access(p, R_OK) != 0)
        SKIP("no MNIST test labels in SHARED_DATA");
    nn_array a;
    CHECK(nn_idx_load(p, &a) == 0);
    CHECK(a.dtype == NN_U8 && a.ndim == 1 && a.shape[0] == 10000);
    int hist[10] = {0}, bad = 0;
    for (int64_t i = 0; i < a.shape[0]; i++) {
        uint8_t v = ((uint8_t *)a.data)[i];
        if (v > 9)
            bad++;
        else
            hist[v]++;
    }
    CHECK(bad == 0 && hist[1] == 1135); /* digit 1 is the most common in the test set */
    nn_array_free(&a);
}

int main(void)
{
    if (!mkdtemp(tmpdir)) {
        perror("mkdtemp");
        return 1;
    }
    RUN(test_types);
    RUN(test_errors);
    RUN(test_save_load_gz);
    RUN(test_mnist);
    rmdir(tmpdir);
    return check_summary();
}
