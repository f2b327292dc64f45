/* Array operations behind `npy`: Python slicing (checked against a table
 * Python produced), argmax, shape specs, conversions, statistics, and the
 * TSV reader/writer. */
#include "check.h"

#include "core/error.h"
#include "io/tsv_array.h"
#include "math/arrayops.h"

#include <stdint.h>
#include <string.h>

/* list(range(n))[spec] as computed by Python 3. */
static const struct {
    const char *spec;
    int64_t n, count;
    int64_t idx[8];
} slices[] = {
{"0:3", 0, 0, {-1}},
{"1:", 0, 0, {-1}},
{"-2:", 0, 0, {-1}},
{"::2", 0, 0, {-1}},
{"::-1", 0, 0, {-1}},
{"3:0:-1", 0, 0, {-1}},
{"-1:-6:-2", 0, 0, {-1}},
{"10:", 0, 0, {-1}},
{"-10:2", 0, 0, {-1}},
{"2:2", 0, 0, {-1}},
{"4:1", 0, 0, {-1}},
{"::-3", 0, 0, {-1}},
{"1:-1", 0, 0, {-1}},
{":-7", 0, 0, {-1}},
{"5::-2", 0, 0, {-1}},
{"-100:100:7", 0, 0, {-1}},
{"0:5:-1", 0, 0, {-1}},
{"0:3", 1, 1, {0}},
{"1:", 1, 0, {-1}},
{"-2:", 1, 1, {0}},
{"::2", 1, 1, {0}},
{"::-1", 1, 1, {0}},
{"3:0:-1", 1, 0, {-1}},
{"-1:-6:-2", 1, 1, {0}},
{"10:", 1, 0, {-1}},
{"-10:2", 1, 1, {0}},
{"2:2", 1, 0, {-1}},
{"4:1", 1, 0, {-1}},
{"::-3", 1, 1, {0}},
{"1:-1", 1, 0, {-1}},
{":-7", 1, 0, {-1}},
{"5::-2", 1, 1, {0}},
{"-100:100:7", 1, 1, {0}},
{"0:5:-1", 1, 0, {-1}},
{"0:3", 5, 3, {0, 1, 2}},
{"1:", 5, 4, {1, 2, 3, 4}},
{"-2:", 5, 2, {3, 4}},
{"::2", 5, 3, {0, 2, 4}},
{"::-1", 5, 5, {4, 3, 2, 1, 0}},
{"3:0:-1", 5, 3, {3, 2, 1}},
{"-1:-6:-2", 5, 3, {4, 2, 0}},
{"10:", 5, 0, {-1}},
{"-10:2", 5, 2, {0, 1}},
{"2:2", 5, 0, {-1}},
{"4:1", 5, 0, {-1}},
{"::-3", 5, 2, {4, 1}},
{"1:-1", 5, 3, {1, 2, 3}},
{":-7", 5, 0, {-1}},
{"5::-2", 5, 3, {4, 2, 0}},
{"-100:100:7", 5, 1, {0}},
{"0:5:-1", 5, 0, {-1}},
{"0:3", 7, 3, {0, 1, 2}},
{"1:", 7, 6, {1, 2, 3, 4, 5, 6}},
{"-2:", 7, 2, {5, 6}},
{"::2", 7, 4, {0, 2, 4, 6}},
{"::-1", 7, 7, {6, 5, 4, 3, 2, 1, 0}},
{"3:0:-1", 7, 3, {3, 2, 1}},
{"-1:-6:-2", 7, 3, {6, 4, 2}},
{"10:", 7, 0, {-1}},
{"-10:2", 7, 2, {0, 1}},
{"2:2", 7, 0, {-1}},
{"4:1", 7, 0, {-1}},
{"::-3", 7, 3, {6, 3, 0}},
{"1:-1", 7, 5, {1, 2, 3, 4, 5}},
{":-7", 7, 0, {-1}},
{"5::-2", 7, 3, {5, 3, 1}},
{"-100:100:7", 7, 1, {0}},
{"0:5:-1", 7, 0, {-1}},
};

static void test_slices_match_python(void)
{
    for (size_t c = 0; c < sizeof slices / sizeof slices[0]; c++) {
        int64_t first, step, count;
        int rc = nn_slice_parse(slices[c].spec, slices[c].n, &first, &step, &count);
        int ok = rc == 0 && count == slices[c].count;
        for (int64_t i = 0; ok && i < count; i++)
            ok = first + i * step == slices[c].idx[i];
        if (!ok) {
            printf("    slice '%s' of %lld: got first %lld step %lld count %lld\n", slices[c].spec,
                   (long long)slices[c].n, (long long)first, (long long)step, (long long)count);
            CHECK(0);
        }
    }
    int64_t f, s, k;
    CHECK(nn_slice_parse("3", 5, &f, &s, &k) == 0 && f == 3 && k == 1);
    CHECK(nn_slice_parse("-5", 5, &f, &s, &k) == 0 && f == 0 && k == 1);
    CHECK(nn_slice_parse("5", 5, &f, &s, &k) == -1);
    CHECK(nn_slice_parse("1:2:0", 5, &f, &s, &k) == -1);
    CHECK(nn_slice_parse("1:2:3:4", 5, &f, &s, &k) == -1);
    CHECK(nn_slice_parse("a:", 5, &f, &s, &k) == -1);
    CHECK(nn_slice_parse("", 5, &f, &s, &k) == -1);
    CHECK(nn_slice_parse("1:x", 5, &f, &s, &k) == -1);
}

static void test_take_rows(void)
{
    nn_array a, b;
    int64_t shape[2] = {4, 2};
    CHECK(nn_array_alloc(&a, NN_I32, 2, shape) == 0);
    for (int i = 0; i < 8; i++)
        ((int32_t *)a.data)[i] = i;
    CHECK(nn_take_rows(&a, 3, -2, 2, &b) == 0);
    CHECK(b.shape[0] == 2 && b.shape[1] == 2);
    CHECK(((int32_t *)b.data)[0] == 6 && ((int32_t *)b.data)[2] == 2);
    nn_array_free(&b);
    CHECK(nn_take_rows(&a, 3, 1, 2, &b) == -1);
    nn_array_free(&a);
}

static void test_argmax(void)
{
    nn_array a, r;
    int64_t shape[3] = {2, 3, 2};
    CHECK(nn_array_alloc(&a, NN_F32, 3, shape) == 0);
    float v[12] = {1, 9, 5, 9, 5, 0, /**/ NAN, 1, 2, 3, 2, 3};
    memcpy(a.data, v, sizeof v);
    CHECK(nn_argmax(&a, 1, &r) == 0); /* (2, 2) */
    CHECK(r.dtype == NN_I32 && r.ndim == 2 && r.shape[0] == 2 && r.shape[1] == 2);
    int32_t *o = r.data;
    CHECK(o[0] == 1 && o[1] == 0 && o[2] == 0 && o[3] == 1); /* first max wins, NaN is the max */
    nn_array_free(&r);
    CHECK(nn_argmax(&a, -1, &r) == 0); /* (2, 3) */
    o = r.data;
    CHECK(r.shape[1] == 3 && o[0] == 1 && o[1] == 1 && o[2] == 0 && o[3] == 0 && o[4] == 1);
    nn_array_free(&r);
    CHECK(nn_argmax(&a, 3, &r) == -1);
    CHECK(nn_argmax(&a, -4, &r) == -1);
    nn_array_free(&a);
    /* int64 beyond 2^53 compares exactly */
    int64_t n = 2;
    CHECK(nn_array_alloc(&a, NN_I64, 1, &n) == 0);
    ((int64_t *)a.data)[0] = (INT64_C(1) << 60) + 1;
    ((int64_t *)a.data)[1] = (INT64_C(1) << 60) + 2;
    CHECK(nn_argmax(&a, 0, &r) == 0 && r.ndim == 0 && ((int32_t *)r.data)[0] == 1);
    nn_array_free(&r);
    nn_array_free(&a);
    int64_t z[2] = {3, 0};
    CHECK(nn_array_alloc(&a, NN_F32, 2, z) == 0);
    CHECK(nn_argmax(&a, 1, &r) == -1 && strstr(nn_last_error(), "empty"));
    CHECK(nn_argmax(&a, 0, &r) == 0 && r.ndim == 1 && r.shape[0] == 0);
    nn_array_free(&r);
    nn_array_free(&a);
}

static void test_shape_parse(void)
{
    int nd;
    int64_t s[NN_MAX_DIMS];
    CHECK(nn_shape_parse("3,-1", 12, &nd, s) == 0 && nd == 2 && s[1] == 4);
    CHECK(nn_shape_parse("(2, 2, 3)", 12, &nd, s) == 0 && nd == 3 && s[2] == 3);
    CHECK(nn_shape_parse("28x28", 784, &nd, s) == 0 && nd == 2);
    CHECK(nn_shape_parse("()", 1, &nd, s) == 0 && nd == 0);
    CHECK(nn_shape_parse("", 1, &nd, s) == 0 && nd == 0);
    CHECK(nn_shape_parse("-1", 0, &nd, s) == 0 && nd == 1 && s[0] == 0); /* as numpy */
    CHECK(nn_shape_parse("0,-1", 0, &nd, s) == -1);
    CHECK(nn_shape_parse("5,-1", 12, &nd, s) == -1);
    CHECK(nn_shape_parse("-1,-1", 12, &nd, s) == -1);
    CHECK(nn_shape_parse("3,4,", 12, &nd, s) == 0 && nd == 2);
    CHECK(nn_shape_parse("3;4", 12, &nd, s) == -1);
    CHECK(nn_shape_parse("-2,-6", 12, &nd, s) == -1);
    CHECK(nn_shape_parse("4294967296,4294967296,4294967296", 12, &nd, s) == -1);
}

static void test_transform(void)
{
    uint8_t u[3] = {0, 128, 255};
    float f[3];
    CHECK(nn_values_transform(u, NN_U8, f, NN_F32, 3, 1.0 / 255, 0, 0) == 0);
    CHECK(f[0] == 0 && f[2] == 1.0f);
    int32_t i[3];
    CHECK(nn_values_transform(u, NN_U8, i, NN_I32, 3, 2, -1, 0) == 0 && i[2] == 509 && i[0] == -1);
    CHECK(nn_values_transform(u, NN_U8, i, NN_I32, 3, 0.5, 0, 10) == -1);
    CHECK(strstr(nn_last_error(), "element 12") != NULL); /* index counts from first_index */
    int64_t big[2] = {INT64_MAX, -5};
    int64_t back[2];
    CHECK(nn_values_transform(big, NN_I64, back, NN_I64, 2, 1, 0, 0) == 0 && back[0] == INT64_MAX);
    CHECK(nn_values_transform(big, NN_I64, i, NN_I32, 2, 1, 0, 0) == -1);
    CHECK(nn_values_transform(big + 1, NN_I64, i, NN_I32, 1, 1, 0, 0) == 0 && i[0] == -5);
    CHECK(nn_values_transform(big + 1, NN_I64, u, NN_U8, 1, 1, 0, 0) == -1);
    double d[2] = {9223372036854775808.0, NAN};
    CHECK(nn_values_transform(d, NN_F64, back, NN_I64, 1, 1, 0, 0) == -1); /* 2^63 does not fit */
    CHECK(nn_values_transform(d + 1, NN_F64, back, NN_I64, 1, 1, 0, 0) == -1);
    CHECK(nn_values_transform(d + 1, NN_F64, f, NN_F32, 1, 1, 0, 0) == 0 && isnan(f[0]));
}

static void test_stats(void)
{
    nn_stats s;
    nn_stats_init(&s);
    double a[4] = {1e8 + 1, NAN, 1e8 + 2, 1e8 + 3};
    nn_stats_update(&s, a, NN_F64, 2);
    nn_stats_update(&s, a + 2, NN_F64, 2);
    CHECK(s.count == 4 && s.nan_count == 1);
    CHECK(s.min == 1e8 + 1 && s.max == 1e8 + 3);
    CHECK(nn_stats_mean(&s) == 1e8 + 2);
    CHECK_NEAR(nn_stats_std(&s), sqrt(2.0 / 3), 1e-12);
    nn_stats_init(&s);
    CHECK(isnan(nn_stats_mean(&s)) && isnan(s.min));
    float inf[2] = {INFINITY, 1};
    nn_stats_update(&s, inf, NN_F32, 2);
    CHECK(s.max == INFINITY && s.min == 1 && isinf(nn_stats_mean(&s)));
}

static void test_tsv(void)
{
    nn_array a;
    const char *t = "1\t2.5\n-3\tnan\r\n";
    CHECK(nn_tsv_parse(t, strlen(t), NN_F64, 0, &a) == 0);
    CHECK(a.ndim == 2 && a.shape[0] == 2 && a.shape[1] == 2);
    CHECK(((double *)a.data)[1] == 2.5 && isnan(((double *)a.data)[3]));
    nn_array_free(&a);
    CHECK(nn_tsv_parse("7\n8", 3, NN_U8, 0, &a) == 0 && a.ndim == 1 && a.shape[0] == 2);
    nn_array_free(&a);
    CHECK(nn_tsv_parse("7\n8", 3, NN_U8, 1, &a) == 0 && a.ndim == 2 && a.shape[1] == 1);
    nn_array_free(&a);
    CHECK(nn_tsv_parse("", 0, NN_F32, 0, &a) == 0 && a.ndim == 1 && a.shape[0] == 0);
    nn_array_free(&a);
    CHECK(nn_tsv_parse("1e3\n", 4, NN_I32, 0, &a) == 0 && ((int32_t *)a.data)[0] == 1000);
    nn_array_free(&a);
    CHECK(nn_tsv_parse("1\n\n2\n", 5, NN_F32, 0, &a) == -1 && strstr(nn_last_error(), "line 2"));
    CHECK(nn_tsv_parse("1\t\n", 3, NN_F32, 0, &a) == -1 && strstr(nn_last_error(), "empty field"));
    CHECK(nn_tsv_parse("9223372036854775808\n", 20, NN_I64, 0, &a) == -1);
    CHECK(nn_tsv_parse("-1\n", 3, NN_U8, 0, &a) == -1);
    CHECK(nn_tsv_parse("1\0", 2, NN_U8, 0, &a) == -1);
    char buf[64];
    float f = 0.1f;
    nn_tsv_format(buf, sizeof buf, &f, NN_F32, 0);
    CHECK(strcmp(buf, "0.1") == 0);
    f = 16777216.0f;
    nn_tsv_format(buf, sizeof buf, &f, NN_F32, 0);
    CHECK(strcmp(buf, "16777216") == 0);
    double d = 0.1 + 0.2;
    nn_tsv_format(buf, sizeof buf, &d, NN_F64, 0);
    CHECK(strcmp(buf, "0.30000000000000004") == 0);
    d = -INFINITY;
    nn_tsv_format(buf, sizeof buf, &d, NN_F64, 0);
    CHECK(strcmp(buf, "-inf") == 0);
    /* every float32 bit pattern in a sample reads back exactly */
    int bad = 0;
    for (uint32_t bits = 1; bits < 0x7f800000u; bits += 0x10001u) {
        float x, y;
        memcpy(&x, &bits, 4);
        nn_tsv_format(buf, sizeof buf, &x, NN_F32, 0);
        y = strtof(buf, NULL);
        bad += x != y;
    }
    CHECK(bad == 0);
}

int main(void)
{
    RUN(test_slices_match_python);
    RUN(test_take_rows);
    RUN(test_argmax);
    RUN(test_shape_parse);
    RUN(test_transform);
    RUN(test_stats);
    RUN(test_tsv);
    return check_summary();
}
