/* JSON reader/writer: values, escapes, strictness and limits. */
#include "check.h"

#include "core/error.h"
#include "io/json.h"

#include <string.h>

static int parses(const char *s)
{
    nn_json v;
    int rc = nn_json_parse(s, strlen(s), &v);
    nn_json_free(&v);
    return rc == 0;
}

static void test_values(void)
{
    const char *s = " {\"a\": [1, -2.5e3, true, false, null], \"b\": {\"c\": \"x\"}, \"n\": 9007199254740993} ";
    nn_json v;
    CHECK(nn_json_parse(s, strlen(s), &v) == 0);
    CHECK(v.type == NN_JSON_OBJECT && v.count == 3);
    CHECK(strcmp(v.keys[0], "a") == 0 && strcmp(v.keys[2], "n") == 0); /* file order */
    const nn_json *a = nn_json_get(&v, "a");
    CHECK(a && a->type == NN_JSON_ARRAY && a->count == 5);
    if (a && a->count == 5) {
        CHECK(a->items[0].is_int && a->items[0].integer == 1);
        CHECK(!a->items[1].is_int && a->items[1].number == -2500);
        CHECK(a->items[2].type == NN_JSON_BOOL && a->items[2].boolean);
        CHECK(a->items[3].type == NN_JSON_BOOL && !a->items[3].boolean);
        CHECK(a->items[4].type == NN_JSON_NULL);
    }
    CHECK(strcmp(nn_json_str(nn_json_get(nn_json_get(&v, "b"), "c")), "x") == 0);
    int64_t n = 0;
    CHECK(nn_json_get_int(nn_json_get(&v, "n"), &n) == 0 && n == 9007199254740993LL); /* exact above 2^53 */
    CHECK(nn_json_get(&v, "zz") == NULL);
    CHECK(nn_json_get_int(nn_json_get(&v, "b"), &n) == -1);
    nn_json_free(&v);
    /* integers beyond int64 are numbers but not is_int */
    CHECK(nn_json_parse("99999999999999999999", 20, &v) == 0 && !v.is_int && v.number > 9e19);
    nn_json_free(&v);
}

static void test_escapes(void)
{
    const char *s = "\"a\\\"b\\\\c\\/d\\n\\t\\u00e9\\u20ac\\ud83d\\ude00\\u0000z\"";
    nn_json v;
    CHECK(nn_json_parse(s, strlen(s), &v) == 0);
    const char want[] = "a\"b\\c/d\n\t\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\0z";
    CHECK(v.type == NN_JSON_STRING && v.len == sizeof want - 1 && memcmp(v.string, want, v.len) == 0);
    /* write it back and read it again */
    nn_jbuf b;
    nn_jbuf_init(&b);
    nn_json_write(&b, &v);
    CHECK(nn_jbuf_check(&b) == 0);
    nn_json w;
    CHECK(nn_json_parse(b.data, b.len, &w) == 0);
    CHECK(w.len == v.len && memcmp(w.string, v.string, v.len) == 0);
    CHECK(strstr(b.data, "\\u0000") != NULL);
    nn_json_free(&w);
    nn_jbuf_free(&b);
    nn_json_free(&v);
    /* raw UTF-8 passes */
    CHECK(parses("\"\xc3\xa9\xf0\x9f\x98\x80\""));
}

static void test_strictness(void)
{
    const char *bad[] = {
        "", " ", "{", "[1,]", "{\"a\":1,}", "[1 2]", "01", "1.", ".5", "+1", "-", "1e", "NaN", "Infinity",
        "tru", "nul", "'a'", "\"a", "\"\\x\"", "\"\\u12\"", "\"\\u12G4\"", "\"\\ud800\"", "\"\\udc00\"",
        "\"\\ud800\\u0041\"", "\"a\tb\"", "\"\xc0\xaf\"", "\"\xed\xa0\x80\"", "\"\xff\"", "\"\xe2\x82\"",
        "{\"a\":1,\"a\":2}", "{1:2}", "[1] x", "{\"a\" 1}", "[\"\\u0000\" : 1]",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        if (parses(bad[i])) {
            printf("    accepted bad JSON: %s\n", bad[i]);
            CHECK(0);
        }
    const char *good[] = {"0", "-0", "1e5", "1E+5", "-1.25e-3", "[]", "{}", "\"\"", "[[],{}]", " true\n", "null"};
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++)
        if (!parses(good[i])) {
            printf("    refused good JSON: %s (%s)\n", good[i], nn_last_error());
            CHECK(0);
        }
    nn_json v;
    CHECK(nn_json_parse("[1, x]", 6, &v) == -1 && strstr(nn_last_error(), "byte 4"));
    CHECK(v.type == NN_JSON_NULL);
}

static void test_depth_limit(void)
{
    char s[2 * NN_JSON_MAX_DEPTH + 8];
    int d = NN_JSON_MAX_DEPTH;
    for (int i = 0; i < d; i++) {
        s[i] = '[';
        s[2 * d - 1 - i] = ']';
    }
    s[2 * d] = 0;
    CHECK(parses(s));
    char t[2 * NN_JSON_MAX_DEPTH + 8];
    d = NN_JSON_MAX_DEPTH + 1;
    for (int i = 0; i < d; i++) {
        t[i] = '[';
        t[2 * d - 1 - i] = ']';
    }
    t[2 * d] = 0;
    CHECK(!parses(t));
    CHECK(strstr(nn_last_error(), "deep") != NULL);
    /* a very deep input must not overflow the stack */
    size_t n = 1000000;
    char *deep = malloc(n);
    memset(deep, '[', n);
    nn_json v;
    CHECK(nn_json_parse(deep, n, &v) == -1);
    free(deep);
}

static void test_writer(void)
{
    nn_jbuf b;
    nn_jbuf_init(&b);
    nn_jbuf_puts(&b, "{");
    nn_jbuf_string(&b, "k\x01\"", 3);
    nn_jbuf_puts(&b, ":[");
    nn_jbuf_number(&b, 3);
    nn_jbuf_puts(&b, ",");
    nn_jbuf_number(&b, 0.1);
    nn_jbuf_puts(&b, ",");
    nn_jbuf_number(&b, NAN);
    nn_jbuf_printf(&b, ",%d]}", 42);
    CHECK(nn_jbuf_check(&b) == 0);
    CHECK(strcmp(b.data, "{\"k\\u0001\\\"\":[3,0.10000000000000001,null,42]}") == 0);
    nn_json v;
    CHECK(nn_json_parse(b.data, b.len, &v) == 0);
    CHECK(v.count == 1 && strcmp(v.keys[0], "k\x01\"") == 0 && v.items[0].items[1].number == 0.1);
    /* tree round trip */
    nn_jbuf c;
    nn_jbuf_init(&c);
    nn_json_write(&c, &v);
    CHECK(strcmp(b.data, c.data) == 0);
    nn_jbuf_free(&c);
    nn_json_free(&v);
    nn_jbuf_free(&b);
}

int main(void)
{
    RUN(test_values);
    RUN(test_escapes);
    RUN(test_strictness);
    RUN(test_depth_limit);
    RUN(test_writer);
    return check_summary();
}
