/* safetensors: round trip, order, metadata, and validation of offsets. */
#include "check.h"

#include "core/error.h"
#include "io/safetensors.h"

#include <stdint.h>
#include <string.h>
#include <unistd.h>

static char tmpdir[] = "/tmp/test_st_XXXXXX";

static void test_roundtrip(void)
{
    nn_safetensors st;
    nn_st_init(&st);
    const char *names[] = {"z.kernel", "a.bias", "m"};
    nn_dtype types[] = {NN_F32, NN_F64, NN_U8};
    for (int k = 0; k < 3; k++) {
        nn_array a;
        int64_t shape[2] = {k + 1, 3};
        CHECK(nn_array_alloc(&a, types[k], 2, shape) == 0);
        for (size_t i = 0; i < nn_array_count(&a); i++)
            nn_array_set(&a, i, (double)(i + 10 * k));
        CHECK(nn_st_add(&st, names[k], &a) == 0);
        nn_array_free(&a); /* nn_st_add copied it */
    }
    nn_array i64;
    int64_t one = 2;
    CHECK(nn_array_alloc(&i64, NN_I64, 1, &one) == 0);
    ((int64_t *)i64.data)[1] = -5000000000LL;
    CHECK(nn_st_add(&st, "big", &i64) == 0);
    CHECK(nn_st_add(&st, "big", &i64) == -1); /* duplicate */
    CHECK(nn_st_add(&st, "__metadata__", &i64) == -1);
    nn_array_free(&i64);
    CHECK(nn_st_set_meta(&st, "architecture", "{\"layers\": [\"dense\"], \"q\": \"\\\"\"}") == 0);
    CHECK(nn_st_set_meta(&st, "format", "pt") == 0);
    CHECK(nn_st_set_meta(&st, "format", "np") == 0); /* replaced */
    CHECK(nn_st_set_meta(&st, "bad", "\xff") == -1);  /* not UTF-8 */
    CHECK(nn_st_add(&st, "\xc0\xaf", &st.arrays[0]) == -1);
    char p[256];
    snprintf(p, sizeof p, "%s/m.safetensors", tmpdir);
    CHECK(nn_st_save(&st, p) == 0);

    nn_safetensors r;
    CHECK(nn_st_load(p, &r) == 0);
    CHECK(r.count == 4 && r.meta_count == 2);
    for (int k = 0; k < 4 && k < r.count; k++) /* data laid out in insertion order */
        CHECK(strcmp(r.names[k], st.names[k]) == 0);
    for (int k = 0; k < st.count; k++) {
        const nn_array *a = nn_st_get(&r, st.names[k]);
        CHECK(a && a->dtype == st.arrays[k].dtype && a->ndim == st.arrays[k].ndim);
        if (a)
            CHECK(memcmp(a->data, st.arrays[k].data, nn_array_bytes(a)) == 0);
    }
    CHECK(strcmp(nn_st_meta(&r, "format"), "np") == 0);
    CHECK(strcmp(nn_st_meta(&r, "architecture"), nn_st_meta(&st, "architecture")) == 0);
    CHECK(nn_st_meta(&r, "none") == NULL && nn_st_get(&r, "none") == NULL);
    nn_st_free(&r);
    nn_st_free(&st);
    /* header is 8-byte aligned */
    FILE *fp = fopen(p, "rb");
    uint8_t len8[8];
    CHECK(fp && fread(len8, 1, 8, fp) == 8);
    if (fp)
        fclose(fp);
    CHECK(len8[0] % 8 == 0);
    unlink(p);
}

static void test_empty_and_zero_sized(void)
{
    nn_safetensors st, r;
    nn_st_init(&st);
    char p[256];
    snprintf(p, sizeof p, "%s/e.safetensors", tmpdir);
    CHECK(nn_st_save(&st, p) == 0);
    CHECK(nn_st_load(p, &r) == 0 && r.count == 0);
    nn_st_free(&r);
    nn_array a;
    int64_t shape[2] = {0, 5};
    CHECK(nn_array_alloc(&a, NN_F32, 2, shape) == 0);
    CHECK(nn_st_add(&st, "empty1", &a) == 0);
    CHECK(nn_st_add(&st, "empty2", &a) == 0);
    nn_array_free(&a);
    CHECK(nn_array_alloc(&a, NN_F32, 0, NULL) == 0); /* scalar */
    ((float *)a.data)[0] = 7;
    CHECK(nn_st_add(&st, "s", &a) == 0);
    nn_array_free(&a);
    CHECK(nn_st_save(&st, p) == 0);
    CHECK(nn_st_load(p, &r) == 0 && r.count == 3);
    const nn_array *s = nn_st_get(&r, "s");
    CHECK(s && s->ndim == 0 && ((float *)s->data)[0] == 7);
    nn_st_free(&r);
    nn_st_free(&st);
    unlink(p);
}

/* Build a file from a header string and n data bytes; expect failure with
 * `word` in the message. */
static void expect_fail(const char *header, size_t data_len, const char *word)
{
    size_t hl = strlen(header);
    uint8_t buf[1024] = {0};
    for (int i = 0; i < 8; i++)
        buf[i] = (uint8_t)((uint64_t)hl >> (8 * i));
    memcpy(buf + 8, header, hl);
    nn_safetensors st;
    int rc = nn_st_parse(buf, 8 + hl + data_len, &st);
    CHECK(rc == -1);
    if (rc == 0)
        nn_st_free(&st);
    else if (!strstr(nn_last_error(), word)) {
        printf("    message '%s' lacks '%s'\n", nn_last_error(), word);
        CHECK(0);
    }
    CHECK(st.count == 0 && st.names == NULL);
}

static void test_validation(void)
{
    expect_fail("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}", 4, "past the end");
    expect_fail("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}", 12, "after the last");
    expect_fail("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,12]}}", 12, "need");
    expect_fail("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", 8, "gap");
    expect_fail("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                "\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", 8, "overlaps");
    expect_fail("{\"a\":{\"dtype\":\"BF16\",\"shape\":[2],\"data_offsets\":[0,4]}}", 4, "dtype");
    expect_fail("{\"a\":{\"dtype\":\"F32\",\"shape\":[-1],\"data_offsets\":[0,4]}}", 4, "non-negative");
    expect_fail("{\"a\":{\"dtype\":\"F32\",\"shape\":[1.5],\"data_offsets\":[0,4]}}", 4, "non-negative");
    expect_fail("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,4]}}", 4, "data_offsets");
    expect_fail("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0]}}", 4, "data_offsets");
    expect_fail("{\"a\":{\"dtype\":\"F32\",\"shape\":[1]}}", 4, "needs");
    expect_fail("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4],\"x\":1}}", 4, "unknown field");
    expect_fail("{\"a\":{\"dtype\":\"F32\",\"shape\":[4294967296,4294967296,4294967296],\"data_offsets\":[0,4]}}", 4,
                "too large");
    expect_fail("{\"__metadata__\":{\"k\":1}}", 0, "not a string");
    expect_fail("{\"__metadata__\":[]}", 0, "not an object");
    expect_fail("{\"a\":1}", 0, "not an object");
    expect_fail("[1]", 0, "start with");
    expect_fail("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},}", 4, "bad JSON");
    expect_fail("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
                "\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", 8, "repeated");
    /* header length beyond the file / above the limit / empty file */
    nn_safetensors st;
    uint8_t buf[16] = {200, 0, 0, 0, 0, 0, 0, 0, '{', '}'};
    CHECK(nn_st_parse(buf, 10, &st) == -1 && strstr(nn_last_error(), "truncated"));
    uint8_t huge[10] = {0, 0, 0, 0, 0, 0, 0, 0x10, '{', '}'};
    CHECK(nn_st_parse(huge, 10, &st) == -1 && strstr(nn_last_error(), "limit"));
    CHECK(nn_st_parse(buf, 0, &st) == -1 && strstr(nn_last_error(), "empty"));
    CHECK(nn_st_parse(buf, 5, &st) == -1);
    CHECK(nn_st_load("/nonexistent/x.safetensors", &st) == -1);
}

static void test_spaces_in_header(void)
{
    /* Python's safetensors pads with spaces; we must accept them. */
    const char *h = "{\"a\":{\"dtype\":\"U8\",\"shape\":[3],\"data_offsets\":[0,3]}}     ";
    size_t hl = strlen(h);
    uint8_t buf[256] = {0};
    buf[0] = (uint8_t)hl;
    memcpy(buf + 8, h, hl);
    buf[8 + hl] = 1;
    buf[8 + hl + 2] = 3;
    nn_safetensors st;
    CHECK(nn_st_parse(buf, 8 + hl + 3, &st) == 0);
    const nn_array *a = nn_st_get(&st, "a");
    CHECK(a && a->dtype == NN_U8 && ((uint8_t *)a->data)[2] == 3);
    nn_st_free(&st);
}

int main(void)
{
    if (!mkdtemp(tmpdir)) {
        perror("mkdtemp");
        return 1;
    }
    RUN(test_roundtrip);
    RUN(test_empty_and_zero_sized);
    RUN(test_validation);
    RUN(test_spaces_in_header);
    rmdir(tmpdir);
    return check_summary();
}
