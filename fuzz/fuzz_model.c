/* Model architecture readers: nn_model_from_json (the JSON kept in a
 * model file's metadata) and nn_seq_add_spec (the command-line layer
 * spec).  The first byte picks which.  A model read from JSON is
 * written back with nn_model_to_json and must read again to the same
 * JSON; small models are then run forward and backward.  Layer sizes come from the input, so this also checks that
 * absurd units/filters/kernel sizes are errors, not huge allocations. */
#include "fuzz.h"
#include "nn/model.h"

#include <string.h>

/* Small models also run: init, then a forward and a backward pass on two
 * samples of zeros/ones (layer code with odd kernels, strides, shapes). */
static void run_small(nn_model *m)
{
    if (nn_model_param_count(m, 0) > 100000)
        return;
    for (int p = 0; p < m->nparts; p++) {
        nn_seq *s = m->parts[p];
        if (nn_shape_size(&s->in) < 1 || nn_shape_size(&s->in) > 4096)
            return;
        for (int i = 0; i < s->n; i++) {
            int64_t sz = nn_shape_size(&s->layers[i]->out);
            if (sz < 1 || sz > 65536)
                return;
        }
    }
    if (nn_model_init(m, 7) < 0) {
        FUZZ_CHECK_ERROR();
        return;
    }
    for (int p = 0; p < m->nparts; p++) {
        nn_seq *s = m->parts[p];
        int64_t in = nn_shape_size(&s->in), out = nn_shape_size(nn_seq_out(s));
        float *x = malloc(sizeof(float) * (size_t)(2 * in));
        float *dy = malloc(sizeof(float) * (size_t)(2 * out));
        float *dx = malloc(sizeof(float) * (size_t)(2 * in));
        if (x && dy && dx) {
            /* Small whole numbers: valid embedding indices too. */
            for (int64_t i = 0; i < 2 * in; i++)
                x[i] = (float)(i % 2);
            for (int64_t i = 0; i < 2 * out; i++)
                dy[i] = 0.5f;
            const float *y = nn_seq_forward(s, x, 2, 1, 1);
            if (y) {
                volatile float last = y[2 * out - 1];
                (void)last;
                nn_model_zero_grad(m);
                if (nn_seq_backward(s, dy, dx, 2) < 0)
                    FUZZ_CHECK_ERROR();
            } else {
                FUZZ_CHECK_ERROR();
            }
        }
        free(x);
        free(dy);
        free(dx);
    }
}

static void from_json(const char *text)
{
    nn_model *m = NULL;
    if (nn_model_from_json(text, &m) < 0) {
        FUZZ_CHECK_ERROR();
        FUZZ_ASSERT(m == NULL);
        return;
    }
    nn_jbuf b1, b2;
    nn_jbuf_init(&b1);
    if (nn_model_to_json(m, &b1) == 0 && nn_jbuf_check(&b1) == 0) {
        nn_model *m2 = NULL;
        FUZZ_ASSERT(nn_model_from_json(b1.data, &m2) == 0);
        nn_jbuf_init(&b2);
        FUZZ_ASSERT(nn_model_to_json(m2, &b2) == 0 && nn_jbuf_check(&b2) == 0);
        FUZZ_ASSERT(b1.len == b2.len && memcmp(b1.data, b2.data, b1.len) == 0);
        nn_jbuf_free(&b2);
        nn_model_free(m2);
    }
    nn_jbuf_free(&b1);
    run_small(m);
    nn_model_free(m);
}

static void from_spec(const char *spec, int image)
{
    nn_model *m = nn_model_new("sequential");
    FUZZ_ASSERT(m != NULL);
    nn_shape in;
    memset(&in, 0, sizeof in);
    if (image) {
        in.ndim = 3;
        in.d[0] = 12, in.d[1] = 12, in.d[2] = 2;
    } else {
        in.ndim = 1;
        in.d[0] = 20;
    }
    nn_seq *s = nn_model_add_part(m, "model", &in);
    FUZZ_ASSERT(s != NULL);
    if (nn_seq_add_spec(s, spec, 1) < 0)
        FUZZ_CHECK_ERROR();
    else
        run_small(m);
    nn_model_free(m);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_setup();
    if (size < 1)
        return 0;
    /* Both readers take NUL-terminated text. */
    char *text = malloc(size);
    if (!text)
        return 0;
    memcpy(text, data + 1, size - 1);
    text[size - 1] = '\0';
    switch (data[0] % 3) {
    case 0:
        from_json(text);
        break;
    case 1:
        from_spec(text, 0);
        break;
    default:
        from_spec(text, 1);
        break;
    }
    free(text);
    return 0;
}
