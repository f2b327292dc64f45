/* JSON reader.  A parsed document is written back (nn_json_write); the
 * result must parse again and serialise to the same text (a fixed
 * point), and every object key must be found by nn_json_get. */
#include "fuzz.h"
#include "io/json.h"

#include <string.h>

static void walk(const nn_json *v)
{
    if (v->type == NN_JSON_STRING)
        FUZZ_ASSERT(v->string[v->len] == '\0' && nn_utf8_valid(v->string, v->len));
    if (v->type == NN_JSON_OBJECT)
        for (size_t i = 0; i < v->count; i++)
            FUZZ_ASSERT(nn_json_get(v, v->keys[i]) != NULL);
    if (v->type == NN_JSON_ARRAY || v->type == NN_JSON_OBJECT)
        for (size_t i = 0; i < v->count; i++)
            walk(&v->items[i]);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_setup();
    nn_json doc;
    if (nn_json_parse((const char *)data, size, &doc) < 0) {
        FUZZ_CHECK_ERROR();
        FUZZ_ASSERT(doc.type == NN_JSON_NULL);
        return 0;
    }
    walk(&doc);
    nn_jbuf b1, b2;
    nn_jbuf_init(&b1);
    nn_json_write(&b1, &doc);
    if (nn_jbuf_check(&b1) == 0) {
        nn_json again;
        FUZZ_ASSERT(nn_json_parse(b1.data, b1.len, &again) == 0);
        nn_jbuf_init(&b2);
        nn_json_write(&b2, &again);
        if (nn_jbuf_check(&b2) == 0)
            FUZZ_ASSERT(b1.len == b2.len && memcmp(b1.data, b2.data, b1.len) == 0);
        nn_jbuf_free(&b2);
        nn_json_free(&again);
    }
    nn_jbuf_free(&b1);
    nn_json_free(&doc);
    return 0;
}
