/* The training loop: learning a small regression, resume from a
 * checkpoint equals an uninterrupted run, thread count does not change
 * results, early stopping, history TSV, NaN loss, mismatched checkpoints. */
#include "check.h"

#include "core/error.h"
#include "core/cli.h"
#include "core/parallel.h"
#include "math/rng.h"
#include "nn/losses.h"
#include "nn/train.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define NS 200
#define NV 40

static float X[NS + NV][4], Y[NS + NV];
static char dir[64];

typedef struct {
    nn_model *m;
    float xb[64 * 4], yb[64], g[64];
    int poison;
} ctx_t;

static int batch(void *vc, const int64_t *idx, int64_t n, int train, int val, uint64_t step, double *loss)
{
    (void)step;
    ctx_t *c = vc;
    for (int64_t i = 0; i < n; i++) {
        int64_t k = idx[i] + (val ? NS : 0);
        memcpy(c->xb + i * 4, X[k], sizeof X[k]);
        c->yb[i] = Y[k];
    }
    nn_seq *s = c->m->parts[0];
    const float *y = nn_seq_forward(s, c->xb, n, train, step);
    if (!y)
        return -1;
    *loss = nn_loss_mse(y, c->yb, n, 1.0 / (double)n, c->g);
    if (c->poison && step == 3)
        *loss = NAN;
    return train ? nn_seq_backward(s, c->g, NULL, n) : 0;
}

static nn_model *make(void)
{
    nn_model *m = nn_model_new("reg");
    nn_shape in = {1, {4, 0, 0, 0}};
    nn_seq *s = nn_model_add_part(m, "model", &in);
    CHECK(nn_seq_add_spec(s, "dense:16:tanh,dropout:0.1,dense:1", 3) == 0);
    CHECK(nn_model_init(m, 7) == 0);
    return m;
}

static void data(void)
{
    nn_rng r;
    nn_rng_seed(&r, 1);
    for (int i = 0; i < NS + NV; i++) {
        for (int j = 0; j < 4; j++)
            X[i][j] = (float)(2 * nn_rng_uniform(&r) - 1);
        Y[i] = X[i][0] - 2 * X[i][1] + X[i][2] * X[i][3];
    }
}

/* train a fresh model for `epochs` (resume from ckpt if asked) */
static nn_model *run(int epochs, int resume, const char *ckpt, nn_train_result *res, int poison, int *rc)
{
    nn_model *m = make();
    ctx_t *c = calloc(1, sizeof *c);
    c->m = m;
    c->poison = poison;
    nn_optim o;
    nn_optim_init(&o, NN_ADAM);
    o.lr = 0.01;
    int np;
    nn_param **ps = nn_model_params(m, 1, &np);
    CHECK(nn_optim_attach(&o, ps, np) == 0);
    free(ps);
    nn_train_task t = {c, NS, NV, batch};
    nn_train_opts op;
    nn_train_defaults(&op);
    op.epochs = epochs;
    op.batch = 32;
    op.seed = 5;
    op.checkpoint = ckpt;
    op.resume = resume;
    char hist[96];
    snprintf(hist, sizeof hist, "%s/history.tsv", dir);
    op.history = hist;
    *rc = nn_train(m, &o, &t, &op, res);
    nn_optim_free(&o);
    free(c);
    return m;
}

static int same_weights(const nn_model *a, const nn_model *b)
{
    int na, nb;
    nn_param **pa = nn_model_params(a, -1, &na), **pb = nn_model_params(b, -1, &nb);
    int same = na == nb;
    for (int i = 0; same && i < na; i++)
        same = !memcmp(pa[i]->w, pb[i]->w, sizeof(float) * (size_t)pa[i]->count);
    free(pa);
    free(pb);
    return same;
}

static void test_learns_and_resume_equals_uninterrupted(void)
{
    char ck[96];
    snprintf(ck, sizeof ck, "%s/ck.safetensors", dir);
    nn_train_result r1, r2;
    int rc;
    nn_model *full = run(6, 0, NULL, &r1, 0, &rc);
    CHECK(rc == 0 && r1.epochs_done == 6);
    CHECK(r1.val_loss < 0.2); /* variance of Y is about 5.1 */
    nn_model *half = run(3, 0, ck, &r2, 0, &rc);
    CHECK(rc == 0 && r2.epochs_done == 3);
    nn_model_free(half);
    nn_model *rest = run(6, 1, ck, &r2, 0, &rc);
    CHECK(rc == 0 && r2.epochs_done == 6);
    CHECK(same_weights(full, rest));
    CHECK(r1.val_loss == r2.val_loss);
    /* the history has every epoch, the first three from the checkpoint */
    char hist[96], text[2048];
    snprintf(hist, sizeof hist, "%s/history.tsv", dir);
    FILE *fp = fopen(hist, "r");
    CHECK(fp != NULL);
    size_t len = fp ? fread(text, 1, sizeof text - 1, fp) : 0;
    text[len] = 0;
    if (fp)
        fclose(fp);
    CHECK(!strncmp(text, "epoch\tloss\tval_loss\tseconds\n1\t", 30));
    CHECK(strstr(text, "\n6\t") != NULL);
    nn_model_free(full);
    nn_model_free(rest);
    unlink(ck);
}

static void test_threads_same_result(void)
{
    nn_train_result r;
    int rc;
    nn_set_threads(1);
    nn_model *a = run(2, 0, NULL, &r, 0, &rc);
    nn_set_threads(2);
    nn_model *b = run(2, 0, NULL, &r, 0, &rc);
    nn_set_threads(0);
    CHECK(same_weights(a, b));
    nn_model_free(a);
    nn_model_free(b);
}

static void test_nan_and_bad_checkpoint(void)
{
    nn_train_result r;
    int rc;
    nn_model *m = run(2, 0, NULL, &r, 1, &rc);
    CHECK(rc < 0);
    CHECK(strstr(nn_last_error(), "NaN at epoch 1, batch 4") != NULL);
    nn_model_free(m);
    char ck[96];
    snprintf(ck, sizeof ck, "%s/none.safetensors", dir);
    m = run(2, 1, ck, &r, 0, &rc); /* no such checkpoint */
    CHECK(rc < 0);
    nn_model_free(m);
    /* a checkpoint of another architecture */
    nn_model *other = nn_model_new("reg");
    nn_shape in = {1, {4, 0, 0, 0}};
    nn_seq *s = nn_model_add_part(other, "model", &in);
    CHECK(nn_seq_add_spec(s, "dense:8:tanh,dense:1", 3) == 0);
    nn_optim o;
    nn_optim_init(&o, NN_ADAM);
    nn_train_state st = {1, 1.0, 0, NULL};
    CHECK(nn_checkpoint_save(ck, other, &o, &st, 5, NULL, 0) == 0);
    nn_model_free(other);
    m = run(2, 1, ck, &r, 0, &rc);
    CHECK(rc < 0);
    CHECK(strstr(nn_last_error(), "different architecture") != NULL);
    nn_model_free(m);
    unlink(ck);
}

static int flat_batch(void *vc, const int64_t *idx, int64_t n, int train, int val, uint64_t step, double *loss)
{
    (void)vc, (void)idx, (void)n, (void)train, (void)val, (void)step;
    *loss = 1.0; /* never improves */
    return 0;
}

static void test_early_stopping(void)
{
    nn_model *m = make();
    nn_optim o;
    nn_optim_init(&o, NN_SGD);
    int np;
    nn_param **ps = nn_model_params(m, 1, &np);
    CHECK(nn_optim_attach(&o, ps, np) == 0);
    free(ps);
    nn_train_task t = {NULL, NS, NV, flat_batch};
    nn_train_opts op;
    nn_train_defaults(&op);
    op.epochs = 10;
    op.patience = 2;
    nn_train_result r;
    CHECK(nn_train(m, &o, &t, &op, &r) == 0);
    /* epoch 1 sets the best, epochs 2 and 3 do not improve: stop */
    CHECK(r.stopped_early && r.epochs_done == 3 && r.best == 1.0);
    nn_optim_free(&o);
    nn_model_free(m);
}

int main(void)
{
    snprintf(dir, sizeof dir, "/tmp/test_nn_train.XXXXXX");
    if (!mkdtemp(dir))
        return 1;
    nn_quiet = 1;
    data();
    RUN(test_learns_and_resume_equals_uninterrupted);
    RUN(test_threads_same_result);
    RUN(test_nan_and_bad_checkpoint);
    RUN(test_early_stopping);
    char h[96];
    snprintf(h, sizeof h, "%s/history.tsv", dir);
    unlink(h);
    rmdir(dir);
    return check_summary();
}
