/* Core helpers: checked sizes, arrays and conversions, the PRNG, the
 * parallel loop, atomic outputs. */
#include "check.h"

#include "core/array.h"
#include "core/error.h"
#include "core/file.h"
#include "core/mem.h"
#include "core/parallel.h"
#include "math/rng.h"

#include <stdint.h>
#include <string.h>
#include <unistd.h>

static void test_size_overflow(void)
{
    size_t out;
    CHECK(nn_mul_size(SIZE_MAX / 2, 3, &out) == -1);
    CHECK(nn_mul_size(1000, 1000, &out) == 0 && out == 1000000);
    int64_t dims[3] = {INT64_MAX, INT64_MAX, 2};
    CHECK(nn_shape_count(dims, 3, &out) == -1);
    int64_t neg[2] = {3, -1};
    CHECK(nn_shape_count(neg, 2, &out) == -1);
    CHECK(nn_alloc(SIZE_MAX / 4, 8) == NULL);
    CHECK(strstr(nn_last_error(), "overflow") != NULL);
}

static void test_array_convert(void)
{
    nn_array a, b;
    int64_t shape[2] = {2, 3};
    CHECK(nn_array_alloc(&a, NN_U8, 2, shape) == 0);
    for (int i = 0; i < 6; i++)
        ((uint8_t *)a.data)[i] = (uint8_t)(i * 50);
    CHECK(nn_array_convert(&a, NN_F32, &b) == 0);
    CHECK(((float *)b.data)[5] == 250.0f);
    CHECK(nn_array_rows(&b) == 2 && nn_array_row_size(&b) == 3);
    ((float *)b.data)[1] = 0.5f; /* a float label is not a class id */
    nn_array c;
    CHECK(nn_array_convert(&b, NN_I32, &c) == -1);
    ((float *)b.data)[1] = 300.0f; /* out of range for uint8 */
    CHECK(nn_array_convert(&b, NN_U8, &c) == -1);
    ((float *)b.data)[1] = 7.0f;
    CHECK(nn_array_convert(&b, NN_I64, &c) == 0 && ((int64_t *)c.data)[1] == 7);
    char buf[64];
    nn_shape_format(&a, buf, sizeof buf);
    CHECK(strcmp(buf, "(2, 3)") == 0);
    nn_array_free(&a);
    nn_array_free(&b);
    nn_array_free(&c);
}

static void test_rng(void)
{
    nn_rng r1, r2;
    nn_rng_seed(&r1, 42);
    nn_rng_seed(&r2, 42);
    for (int i = 0; i < 100; i++)
        CHECK(nn_rng_u64(&r1) == nn_rng_u64(&r2));
    /* Moments of the distributions, over many draws. */
    double sum = 0, sq = 0, gsum = 0;
    int n = 200000;
    for (int i = 0; i < n; i++) {
        double z = nn_rng_normal(&r1);
        sum += z;
        sq += z * z;
        gsum += nn_rng_gumbel(&r1);
    }
    CHECK_NEAR(sum / n, 0.0, 0.01);
    CHECK_NEAR(sq / n, 1.0, 0.01);
    CHECK_NEAR(gsum / n, 0.5772156649, 0.01); /* Euler-Mascheroni */
    double bsum = 0, bsq = 0;
    int m = 20000;
    for (int i = 0; i < m; i++) {
        double k = (double)nn_rng_binomial(&r1, 1000, 0.3);
        bsum += k;
        bsq += k * k;
    }
    double mean = bsum / m, var = bsq / m - mean * mean;
    CHECK_NEAR(mean, 300.0, 0.5);
    CHECK_NEAR(var, 210.0, 8.0);
    int counts[7] = {0};
    for (int i = 0; i < 70000; i++)
        counts[nn_rng_below(&r1, 7)]++;
    for (int i = 0; i < 7; i++)
        CHECK(counts[i] > 9500 && counts[i] < 10500);
}

static void square_task(void *ctx, int task, int worker)
{
    (void)worker;
    ((int64_t *)ctx)[task] = (int64_t)task * task;
}

static void test_parallel(void)
{
    int64_t out[1000];
    for (int threads = 1; threads <= 4; threads++) {
        nn_set_threads(threads);
        memset(out, 0, sizeof out);
        nn_parallel_for(1000, square_task, out);
        int ok = 1;
        for (int i = 0; i < 1000; i++)
            ok &= out[i] == (int64_t)i * i;
        CHECK(ok);
    }
    nn_set_threads(0);
}

static void test_atomic_output(void)
{
    char path[] = "/tmp/nnpipe-test-XXXXXX";
    int fd = mkstemp(path);
    CHECK(fd >= 0);
    if (write(fd, "old", 3) != 3)
        CHECK(0);
    close(fd);
    nn_output out;
    CHECK(nn_output_open(&out, path) == 0);
    fputs("new contents", out.fp);
    nn_output_abort(&out); /* the old file must stay whole */
    uint8_t *data;
    size_t len;
    CHECK(nn_read_all(path, &data, &len) == 0 && len == 3 && memcmp(data, "old", 3) == 0);
    free(data);
    CHECK(nn_output_open(&out, path) == 0);
    fputs("new", out.fp);
    CHECK(nn_output_commit(&out) == 0);
    CHECK(nn_read_all(path, &data, &len) == 0 && len == 3 && memcmp(data, "new", 3) == 0);
    free(data);
    unlink(path);
    CHECK(nn_output_open(&out, "/nonexistent-dir/x.npy") == -1);
}

int main(void)
{
    RUN(test_size_overflow);
    RUN(test_array_convert);
    RUN(test_rng);
    RUN(test_parallel);
    RUN(test_atomic_output);
    return check_summary();
}
