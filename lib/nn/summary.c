/* A Keras-like model summary: one table per part, then the totals. */
#include "nn/model.h"

#include <string.h>

const char *nn_layer_keras_name(const nn_layer *l)
{
    static const char *map[][2] = {
        {"dense", "Dense"},           {"conv2d", "Conv2D"},         {"conv2d_transpose", "Conv2DTranspose"},
        {"maxpool2d", "MaxPooling2D"}, {"upsample2d", "UpSampling2D"}, {"flatten", "Flatten"},
        {"reshape", "Reshape"},       {"dropout", "Dropout"},       {"embedding", "Embedding"},
        {"batchnorm", "BatchNormalization"}, {"activation", "Activation"}, {"lstm", "LSTM"},
        {"gru", "GRU"},               {"simple_rnn", "SimpleRNN"},  {"bidirectional", "Bidirectional"}};
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
        if (!strcmp(l->ops->type, map[i][0]))
            return map[i][1];
    return l->ops->type;
}

/* 1234567 -> "1,234,567" */
static const char *commas(int64_t v, char *buf)
{
    char tmp[32];
    int n = snprintf(tmp, sizeof tmp, "%lld", (long long)v), k = 0;
    for (int i = 0; i < n; i++) {
        if (i && (n - i) % 3 == 0 && tmp[i - 1] != '-')
            buf[k++] = ',';
        buf[k++] = tmp[i];
    }
    buf[k] = 0;
    return buf;
}

static void totals(FILE *fp, int64_t tr, int64_t nt)
{
    char a[40], b[40], c[40];
    fprintf(fp, "Total params: %s\nTrainable params: %s\nNon-trainable params: %s\n", commas(tr + nt, a),
            commas(tr, b), commas(nt, c));
}

static void layer_column(const nn_layer *l, char *col, size_t size)
{
    snprintf(col, size, "%s (%s)", l->name, nn_layer_keras_name(l));
}

/* Keras's widths (27 and 25 characters), widened for a model whose names
 * or shapes are longer ("bidirectional_1 (Bidirectional)") so the columns
 * stay aligned. */
static void column_widths(const nn_model *m, int *w_layer, int *w_shape)
{
    char shape[64], col[96];
    *w_layer = 27;
    *w_shape = 25;
    for (int p = 0; p < m->nparts; p++) {
        const nn_seq *s = m->parts[p];
        for (int i = -1; i < s->n; i++) {
            const nn_layer *l = i < 0 ? NULL : s->layers[i];
            if (l)
                layer_column(l, col, sizeof col);
            else
                snprintf(col, sizeof col, "input (InputLayer)");
            nn_shape_str(l ? &l->out : &s->in, shape, sizeof shape);
            int a = (int)strlen(col), b = (int)strlen(shape);
            *w_layer = a > *w_layer ? a : *w_layer;
            *w_shape = b > *w_shape ? b : *w_shape;
        }
    }
}

static void line_of(FILE *fp, char c, int n)
{
    for (int i = 0; i < n; i++)
        fputc(c, fp);
    fputc('\n', fp);
}

void nn_model_summary(const nn_model *m, FILE *fp)
{
    int w1, w2;
    column_widths(m, &w1, &w2);
    int width = w1 + w2 + 13; /* 65 at Keras's widths */
    for (int p = 0; p < m->nparts; p++) {
        const nn_seq *s = m->parts[p];
        char shape[64], col[96], num[40];
        int64_t tr = 0, nt = 0;
        nn_shape_str(&s->in, shape, sizeof shape);
        fprintf(fp, "Model: \"%s\"\n", s->name);
        line_of(fp, '_', width);
        fprintf(fp, " %-*s %-*s %s\n", w1, "Layer (type)", w2, "Output Shape", "Param #");
        line_of(fp, '=', width);
        fprintf(fp, " %-*s %-*s %s\n", w1, "input (InputLayer)", w2, shape, "0");
        for (int i = 0; i < s->n; i++) {
            const nn_layer *l = s->layers[i];
            int64_t a = nn_layer_param_count(l, 1), b = nn_layer_param_count(l, 0);
            tr += a;
            nt += b;
            layer_column(l, col, sizeof col);
            nn_shape_str(&l->out, shape, sizeof shape);
            fprintf(fp, "\n %-*s %-*s %s\n", w1, col, w2, shape, commas(a + b, num));
        }
        line_of(fp, '=', width);
        totals(fp, tr, nt);
        line_of(fp, '_', width);
    }
    if (m->nparts > 1) {
        fprintf(fp, "All parts (%s):\n", m->kind);
        totals(fp, nn_model_param_count(m, 1), nn_model_param_count(m, 0));
    }
}
