/* Models: building from specs and code, forward/backward through a part
 * (finite differences), JSON architecture and safetensors round trips,
 * summaries and parameter counts, bad files. */
#include "check.h"

#include "core/error.h"
#include "io/safetensors.h"
#include "math/rng.h"
#include "nn/model.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char tmpdir[64];

static const char *tmp(const char *name)
{
    static char buf[128];
    snprintf(buf, sizeof buf, "%s/%s", tmpdir, name);
    return buf;
}

static nn_model *small_model(void)
{
    nn_model *m = nn_model_new("test");
    nn_shape in = {3, {6, 6, 1, 0}};
    nn_seq *s = nn_model_add_part(m, "encoder", &in);
    CHECK(s != NULL);
    CHECK(nn_seq_add_spec(s, "conv2d:3:3x3:relu,maxpool2d:2,batchnorm,flatten,dropout:0.25,dense:4:tanh", 5) == 0);
    nn_shape z = {1, {4, 0, 0, 0}};
    nn_seq *d = nn_model_add_part(m, "decoder", &z);
    CHECK(d != NULL);
    CHECK(nn_seq_add_spec(d, "dense:18:relu,reshape:3x3x2,upsample2d:2,conv2d_transpose:2:3x3:s1:sigmoid", 5) == 0);
    CHECK(nn_model_init(m, 11) == 0);
    return m;
}

static void test_build_and_names(void)
{
    nn_model *m = small_model();
    nn_seq *e = nn_model_part(m, "encoder");
    CHECK(e->n == 6);
    CHECK(!strcmp(e->layers[0]->name, "conv2d"));
    CHECK(!strcmp(e->layers[1]->name, "max_pooling2d"));
    CHECK(!strcmp(e->layers[5]->name, "dense"));
    nn_seq *d = nn_model_part(m, "decoder");
    CHECK(!strcmp(d->layers[0]->name, "dense_1"));
    CHECK(nn_seq_out(d)->d[0] == 6 && nn_seq_out(d)->d[2] == 2);
    /* conv 3*3*1*3+3, bn 4*3 (6 not trainable), dense 27*4+4, dense 4*18+18, convT 3*3*2*2+2 */
    CHECK(nn_model_param_count(m, 1) == 30 + 6 + 112 + 90 + 38);
    CHECK(nn_model_param_count(m, 0) == 6);
    CHECK(nn_seq_add_spec(e, "dense:x", 0) < 0);
    CHECK(strstr(nn_last_error(), "dense") != NULL);
    CHECK(nn_seq_add_spec(e, "conv2d:3:3x3", 0) < 0); /* needs an image */
    nn_model_free(m);
}

/* whole part: L = sum(y * r), numeric vs backward for a few inputs and
 * weights (double-checks the buffer ping-pong of nn_seq_backward) */
static void test_seq_gradient(void)
{
    nn_model *m = nn_model_new("t");
    nn_shape in = {3, {5, 5, 2, 0}};
    nn_seq *s = nn_model_add_part(m, "p", &in);
    CHECK(nn_seq_add_spec(s, "conv2d:3:3x3:tanh,conv2d:2:2x2:s2:valid:sigmoid,flatten,dense:3:tanh,dense:2", 1) == 0);
    CHECK(nn_model_init(m, 3) == 0);
    int64_t n = 2, nx = n * 50, ny = n * 2;
    float x[100], dx[100], r[4] = {0.3f, -1, 0.7f, 0.2f};
    nn_rng g;
    nn_rng_seed(&g, 9);
    for (int i = 0; i < nx; i++)
        x[i] = (float)nn_rng_uniform(&g);
    nn_model_zero_grad(m);
    nn_seq_forward(s, x, n, 1, 0);
    CHECK(nn_seq_backward(s, r, dx, n) == 0);
    int bad = 0;
    for (int i = 0; i < nx; i += 7) {
        float sv = x[i];
        double h = 1e-2, l[2];
        for (int k = 0; k < 2; k++) {
            x[i] = (float)(sv + (k ? -h : h));
            const float *y = nn_seq_forward(s, x, n, 1, 0);
            l[k] = 0;
            for (int j = 0; j < ny; j++)
                l[k] += (double)y[j] * r[j];
        }
        x[i] = sv;
        double num = (l[0] - l[1]) / (2 * h);
        bad += !(fabs(num - dx[i]) <= 1e-3 + 3e-3 * fabs(num));
    }
    nn_param *p = &s->layers[0]->p[0];
    for (int i = 0; i < p->count; i += 5) {
        float sv = p->w[i];
        double h = 1e-2, l[2];
        for (int k = 0; k < 2; k++) {
            p->w[i] = (float)(sv + (k ? -h : h));
            const float *y = nn_seq_forward(s, x, n, 1, 0);
            l[k] = 0;
            for (int j = 0; j < ny; j++)
                l[k] += (double)y[j] * r[j];
        }
        p->w[i] = sv;
        double num = (l[0] - l[1]) / (2 * h);
        bad += !(fabs(num - p->g[i]) <= 1e-3 + 3e-3 * fabs(num));
    }
    CHECK(bad == 0);
    nn_model_free(m);
}

static void test_json_and_file_round_trip(void)
{
    nn_model *m = small_model();
    nn_jbuf b;
    nn_jbuf_init(&b);
    CHECK(nn_model_to_json(m, &b) == 0);
    nn_model *m2;
    CHECK(nn_model_from_json(b.data, &m2) == 0);
    nn_jbuf c;
    nn_jbuf_init(&c);
    CHECK(nn_model_to_json(m2, &c) == 0);
    CHECK(!strcmp(b.data, c.data));
    nn_jbuf_free(&b);
    nn_jbuf_free(&c);
    nn_model_free(m2);

    nn_meta meta[1] = {{"epochs", "3"}};
    CHECK(nn_model_save(m, tmp("m.safetensors"), meta, 1) == 0);
    nn_safetensors st;
    nn_model *m3;
    CHECK(nn_model_load(tmp("m.safetensors"), &m3, &st) == 0);
    CHECK(!strcmp(nn_st_meta(&st, "epochs"), "3"));
    CHECK(nn_st_get(&st, "encoder.conv2d.kernel") != NULL);
    CHECK(nn_st_get(&st, "encoder.batch_normalization.moving_variance") != NULL);
    nn_st_free(&st);
    float x[2 * 36];
    for (int i = 0; i < 72; i++)
        x[i] = (float)(i % 7) / 7;
    nn_seq *e1 = nn_model_part(m, "encoder"), *e3 = nn_model_part(m3, "encoder");
    const float *y1 = nn_seq_forward(e1, x, 2, 0, 0), *y3 = nn_seq_forward(e3, x, 2, 0, 0);
    CHECK(memcmp(y1, y3, sizeof(float) * 8) == 0);
    nn_model_free(m3);
    nn_model_free(m);
}

static void test_bad_files(void)
{
    nn_model *m = small_model(), *x;
    /* a safetensors file that is not a model */
    nn_safetensors st;
    nn_st_init(&st);
    float v = 1;
    nn_array a = {NN_F32, 1, {1}, &v};
    CHECK(nn_st_add(&st, "w", &a) == 0);
    CHECK(nn_st_save(&st, tmp("other.safetensors")) == 0);
    nn_st_free(&st);
    CHECK(nn_model_load(tmp("other.safetensors"), &x, NULL) < 0);
    CHECK(strstr(nn_last_error(), "not an nnpipe model") != NULL);
    /* wrong version */
    nn_st_init(&st);
    CHECK(nn_model_to_st(m, &st) == 0);
    CHECK(nn_st_set_meta(&st, "format_version", "99") == 0);
    CHECK(nn_st_save(&st, tmp("v99.safetensors")) == 0);
    nn_st_free(&st);
    CHECK(nn_model_load(tmp("v99.safetensors"), &x, NULL) < 0);
    CHECK(strstr(nn_last_error(), "version 99") != NULL);
    /* architecture and weights disagree */
    nn_st_init(&st);
    CHECK(nn_model_to_st(m, &st) == 0);
    CHECK(nn_st_set_meta(&st, "architecture",
                         "{\"kind\":\"t\",\"parts\":[{\"name\":\"encoder\",\"input\":[6,6,1],\"layers\":[{\"type\":"
                         "\"conv2d\",\"name\":\"conv2d\",\"units\":4,\"activation\":\"relu\",\"use_bias\":true,"
                         "\"kernel\":[3,3],\"strides\":[1,1],\"padding\":\"same\"}]}]}") == 0);
    CHECK(nn_st_save(&st, tmp("mismatch.safetensors")) == 0);
    nn_st_free(&st);
    CHECK(nn_model_load(tmp("mismatch.safetensors"), &x, NULL) < 0);
    CHECK(strstr(nn_last_error(), "encoder.conv2d.kernel") != NULL);
    /* truncated file */
    CHECK(nn_model_save(m, tmp("t.safetensors"), NULL, 0) == 0);
    CHECK(truncate(tmp("t.safetensors"), 100) == 0);
    CHECK(nn_model_load(tmp("t.safetensors"), &x, NULL) < 0);
    /* bad JSON architectures */
    CHECK(nn_model_from_json("{\"kind\":\"a\"}", &x) < 0);
    CHECK(nn_model_from_json("{\"kind\":\"a\",\"parts\":[{\"name\":\"p\",\"input\":[0],\"layers\":[]}]}", &x) < 0);
    CHECK(nn_model_from_json("{\"kind\":\"a\",\"parts\":[{\"name\":\"p\",\"input\":[3],\"layers\":[{\"type\":"
                             "\"magic\",\"name\":\"m\"}]}]}",
                             &x) < 0);
    CHECK(strstr(nn_last_error(), "magic") != NULL);
    nn_model_free(m);
}

static void test_summary_keras_counts(void)
{
    /* the assignment's deep autoencoder with d = 32 */
    nn_model *m = nn_model_new("deep-ae");
    nn_shape in = {3, {28, 28, 1, 0}}, z = {1, {32, 0, 0, 0}};
    nn_seq *e = nn_model_add_part(m, "encoder", &in), *d = nn_model_add_part(m, "decoder", &z);
    CHECK(nn_seq_add_spec(e, "conv2d:16:3x3:relu,maxpool2d:2,conv2d:32:3x3:relu,maxpool2d:2,flatten,dense:32", 0) == 0);
    CHECK(nn_seq_add_spec(d, "dense:1568:relu,reshape:7x7x32,conv2d:32:3x3:relu,upsample2d:2,conv2d:16:3x3:relu,"
                             "upsample2d:2,conv2d:1:3x3:sigmoid", 0) == 0);
    /* Keras: 160 + 4640 + (1568*32+32 = 50208) ; 33*1568 = 51744, 9248, 4624, 145 */
    CHECK(nn_model_param_count(m, 1) == 160 + 4640 + 50208 + 51744 + 9248 + 4624 + 145);
    FILE *fp = tmpfile();
    nn_model_summary(m, fp);
    rewind(fp);
    char text[8192];
    size_t len = fread(text, 1, sizeof text - 1, fp);
    text[len] = 0;
    fclose(fp);
    /* widened to "up_sampling2d_1 (UpSampling2D)", 30 characters */
    CHECK(strstr(text, "conv2d (Conv2D)                (None, 28, 28, 16)        160") != NULL);
    CHECK(strstr(text, "Total params: 55,008") != NULL); /* encoder */
    CHECK(strstr(text, "Total params: 120,769") != NULL); /* both parts */
    nn_model_free(m);
}

/* A name longer than Keras's 27-character column widens the table
 * instead of pushing its row's shape and count out of line. */
static void test_summary_long_names_stay_aligned(void)
{
    nn_model *m = nn_model_new("m");
    nn_shape in = {1, {6, 0, 0, 0}};
    nn_seq *s = nn_model_add_part(m, "model", &in);
    CHECK(nn_seq_add_spec(s, "dense:4:relu,dense:3", 0) == 0);
    CHECK(nn_model_init(m, 1) == 0);
    snprintf(s->layers[0]->name, sizeof s->layers[0]->name, "a_rather_long_layer_name_1");
    FILE *fp = tmpfile();
    nn_model_summary(m, fp);
    rewind(fp);
    char line[256];
    long header = -1, rows = 0, width = -1;
    while (fgets(line, sizeof line, fp)) {
        char *shape = strstr(line, "(None"), *head = strstr(line, "Output Shape");
        if (head)
            header = head - line;
        if (shape) {
            rows++;
            CHECK(shape - line == header);
        }
        if (line[0] == '_' || line[0] == '=') {
            long w = (long)strcspn(line, "\n");
            CHECK(width < 0 || w == width);
            width = w;
        }
    }
    fclose(fp);
    CHECK(rows == 3 && header == 1 + 34 + 1 && width == 34 + 25 + 13);
    nn_model_free(m);
}

static void test_images_of_any_size(void)
{
    /* a fully convolutional part runs on 8x8 and on 12x10 images */
    nn_model *m = nn_model_new("fcn");
    nn_shape a = {3, {8, 8, 1, 0}}, b = {3, {12, 10, 1, 0}};
    nn_seq *s = nn_model_add_part(m, "p", &a);
    CHECK(nn_seq_add_spec(s, "conv2d:4:3x3:relu,maxpool2d:2,conv2d_transpose:2:3x3:s2:sigmoid", 0) == 0);
    CHECK(nn_model_init(m, 1) == 0);
    float x[120];
    for (int i = 0; i < 120; i++)
        x[i] = (float)(i % 9) / 9;
    CHECK(nn_seq_forward(s, x, 1, 0, 0) != NULL);
    float k0 = s->layers[0]->p[0].w[0];
    CHECK(nn_seq_set_input(s, &b) == 0);
    CHECK(nn_seq_out(s)->d[0] == 12 && nn_seq_out(s)->d[1] == 10 && nn_seq_out(s)->d[2] == 2);
    CHECK(s->layers[0]->p[0].w[0] == k0); /* weights kept */
    const float *y = nn_seq_forward(s, x, 1, 0, 0);
    CHECK(y != NULL && y[0] > 0 && y[0] < 1);
    nn_model_free(m);
    /* a dense layer after flatten cannot follow a size change */
    m = nn_model_new("d");
    s = nn_model_add_part(m, "p", &a);
    CHECK(nn_seq_add_spec(s, "conv2d:2:3x3,flatten,dense:3", 0) == 0);
    CHECK(nn_seq_set_input(s, &b) < 0);
    nn_model_free(m);
}

int main(void)
{
    snprintf(tmpdir, sizeof tmpdir, "/tmp/test_nn_model.XXXXXX");
    if (!mkdtemp(tmpdir))
        return 1;
    RUN(test_build_and_names);
    RUN(test_seq_gradient);
    RUN(test_json_and_file_round_trip);
    RUN(test_bad_files);
    RUN(test_summary_keras_counts);
    RUN(test_summary_long_names_stay_aligned);
    RUN(test_images_of_any_size);
    const char *names[] = {"m", "other", "v99", "mismatch", "t"};
    for (int i = 0; i < 5; i++) {
        char f[64];
        snprintf(f, sizeof f, "%s.safetensors", names[i]);
        unlink(tmp(f));
    }
    rmdir(tmpdir);
    return check_summary();
}
