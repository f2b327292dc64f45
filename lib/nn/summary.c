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

void nn_model_summary(const nn_model *m, FILE *fp)
{
    const char *rule = "_________________________________________________________________";
    const char *dbl = "=================================================================";
    for (int p = 0; p < m->nparts; p++) {
        const nn_seq *s = m->parts[p];
        char shape[64], col[96], num[40];
        int64_t tr = 0, nt = 0;
        nn_shape_str(&s->in, shape, sizeof shape);
        fprintf(fp, "Model: \"%s\"\n%s\n %-28s%-26s%s\n%s\n", s->name, rule, "Layer (type)", "Output Shape", "Param #",
                dbl);
        fprintf(fp, " %-27s %-25s %s\n", "input (InputLayer)", shape, "0");
        for (int i = 0; i < s->n; i++) {
            const nn_layer *l = s->layers[i];
            int64_t a = nn_layer_param_count(l, 1), b = nn_layer_param_count(l, 0);
            tr += a;
            nt += b;
            snprintf(col, sizeof col, "%s (%s)", l->name, nn_layer_keras_name(l));
            nn_shape_str(&l->out, shape, sizeof shape);
            fprintf(fp, "\n %-27s %-25s %s\n", col, shape, commas(a + b, num));
        }
        fprintf(fp, "%s\n", dbl);
        totals(fp, tr, nt);
        fprintf(fp, "%s\n", rule);
    }
    if (m->nparts > 1) {
        fprintf(fp, "All parts (%s):\n", m->kind);
        totals(fp, nn_model_param_count(m, 1), nn_model_param_count(m, 0));
    }
}
