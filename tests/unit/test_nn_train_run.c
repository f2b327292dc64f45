/* A trainer tool's run (nn_train_run_model): the model file and the
 * checkpoints carry the settings, resume through it equals an
 * uninterrupted run, the file named by each failure, Ctrl-C as an error
 * with no model written; and the end-of-run report (file rows, stderr
 * lines silenced by nn_quiet). */
#include "check.h"

#include "core/cli.h"
#include "core/error.h"
#include "math/rng.h"
#include "nn/losses.h"
#include "nn/train_run.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define NS 64
#define NV 16

static float X[NS + NV][2], Y[NS + NV];
static char dir[64];

typedef struct {
    nn_model *m;
    float xb[16 * 2], yb[16], g[16];
    uint64_t interrupt_at, nan_at; /* 1 + the step that raises SIGINT / returns NaN; 0: never */
} ctx_t;

static int batch(void *vc, const int64_t *idx, int64_t n, int train, int val, uint64_t step, double *loss)
{
    ctx_t *c = vc;
    for (int64_t i = 0; i < n; i++) {
        int64_t k = idx[i] + (val ? NS : 0);
        memcpy(c->xb + i * 2, X[k], sizeof X[k]);
        c->yb[i] = Y[k];
    }
    nn_seq *s = c->m->parts[0];
    const float *y = nn_seq_forward(s, c->xb, n, train, step);
    if (!y)
        return -1;
    *loss = nn_loss_mse(y, c->yb, n, 1.0 / (double)n, c->g);
    if (train && c->interrupt_at == step + 1)
        raise(SIGINT); /* the loop's handler: stop after this batch */
    if (train && c->nan_at == step + 1)
        *loss = NAN;
    return train ? nn_seq_backward(s, c->g, NULL, n) : 0;
}

static nn_model *make(void)
{
    nn_model *m = nn_model_new("reg");
    nn_shape in = {1, {2, 0, 0, 0}};
    nn_seq *s = nn_model_add_part(m, "model", &in);
    CHECK(nn_seq_add_spec(s, "dense:8:tanh,dense:1", 3) == 0);
    CHECK(nn_model_init(m, 7) == 0);
    return m;
}

/* the settings of a made-up tool: its own key, then the common ones */
static int settings(const nn_train_run *run, const nn_optim *o, nn_safetensors *st)
{
    if (run->ctx && *(const int *)run->ctx)
        return nn_set_error("settings failed");
    if (nn_st_set_meta(st, "test.config", "abc") < 0 || nn_train_run_meta(run, "test-tool", o->lr, st) < 0)
        return -1;
    return 0;
}

/* dir/name, in one of 16 buffers used in turn (a test holds a few at once) */
static char *path(const char *name)
{
    static char buf[16][128];
    static int k;
    char *p = buf[k++ % 16];
    snprintf(p, sizeof buf[0], "%s/%s", dir, name);
    return p;
}

typedef struct {
    int epochs, resume, fail_settings;
    const char *out, *ckpt, *hist;
    uint64_t interrupt_at, nan_at;
    int64_t seed;
} setup;

/* one run of a fresh model; returns the model (weights as trained) */
static nn_model *run(const setup *su, nn_train_run *r, nn_train_result *res, int *rc)
{
    nn_model *m = make();
    ctx_t c = {m, {0}, {0}, {0}, su->interrupt_at, su->nan_at};
    nn_optim o;
    nn_optim_init(&o, NN_ADAM);
    o.lr = 0.02;
    nn_train_task t = {&c, NS, NV, batch};
    *r = (nn_train_run){.epochs = su->epochs, .batch = 16, .seed = su->seed, .resume = su->resume, .input = "data.npy",
                        .output = su->out, .history = su->hist, .checkpoint = su->ckpt, .settings = settings,
                        .ctx = (void *)&su->fail_settings};
    *rc = nn_train_run_model(r, m, &o, &t, res);
    nn_optim_free(&o);
    return m;
}

static size_t read_file(const char *p, char *buf, size_t size)
{
    FILE *fp = fopen(p, "r");
    size_t n = fp ? fread(buf, 1, size - 1, fp) : 0;
    buf[n] = 0;
    if (fp)
        fclose(fp);
    return n;
}

/* two files with the same bytes */
static int same_file(const char *a, const char *b)
{
    static char x[1 << 16], y[1 << 16];
    size_t nx = read_file(a, x, sizeof x), ny = read_file(b, y, sizeof y);
    return nx > 0 && nx == ny && !memcmp(x, y, nx);
}

static void test_model_file_and_checkpoint_carry_the_settings(void)
{
    nn_train_run r;
    nn_train_result res;
    int rc;
    setup su = {.epochs = 3, .out = path("m.st"), .ckpt = path("ck.st"), .hist = path("h.tsv"), .seed = -5};
    nn_model *m = run(&su, &r, &res, &rc);
    CHECK(rc == 0 && res.epochs_done == 3 && !res.interrupted);
    nn_model *back;
    nn_safetensors st;
    CHECK(nn_model_load(su.out, &back, &st) == 0);
    /* the trained weights */
    const nn_param *p = &m->parts[0]->layers[0]->p[0];
    const nn_array *w = nn_st_get(&st, "model.dense.kernel");
    CHECK(w && (int64_t)nn_array_count(w) == p->count && !memcmp(w->data, p->w, sizeof(float) * (size_t)p->count));
    /* the tool's key first, then the common ones in their order, then epochs_done */
    static const char *keys[] = {"test.config", "train.tool", "train.epochs", "train.batch", "train.seed", "train.lr",
                                 "train.epochs_done"};
    static const char *values[] = {"abc", "test-tool", "3", "16", "-5", "0.02", "3"};
    int first = -1;
    for (int i = 0; i < st.meta_count; i++)
        if (!strcmp(st.meta_keys[i], "test.config"))
            first = i;
    CHECK(first >= 0 && first + 7 == st.meta_count);
    for (int i = 0; first >= 0 && i < 7 && first + i < st.meta_count; i++) {
        CHECK(!strcmp(st.meta_keys[first + i], keys[i]));
        CHECK(!strcmp(st.meta_values[first + i], values[i]));
    }
    nn_st_free(&st);
    nn_model_free(back);
    /* the checkpoint: the settings too (it is a usable model file) */
    CHECK(nn_st_load(su.ckpt, &st) == 0);
    CHECK(nn_st_meta(&st, "test.config") && !strcmp(nn_st_meta(&st, "train.seed"), "-5"));
    CHECK(nn_st_meta(&st, "checkpoint_epoch") && !strcmp(nn_st_meta(&st, "checkpoint_epoch"), "3"));
    nn_st_free(&st);
    nn_model_free(m);
}

/* (with a negative seed: the checkpoint writes it as unsigned) */
static void test_resume_equals_uninterrupted(void)
{
    nn_train_run r;
    nn_train_result a, b;
    int rc;
    setup full = {.epochs = 4, .out = path("full.st"), .seed = -5};
    nn_model_free(run(&full, &r, &a, &rc));
    CHECK(rc == 0);
    setup half = {.epochs = 2, .out = path("half.st"), .ckpt = path("ck2.st"), .seed = -5};
    nn_model_free(run(&half, &r, &b, &rc));
    CHECK(rc == 0 && b.epochs_done == 2);
    setup rest = {.epochs = 4, .resume = 1, .out = path("rest.st"), .ckpt = path("ck2.st"), .seed = -5};
    nn_model_free(run(&rest, &r, &b, &rc));
    CHECK(rc == 0 && b.epochs_done == 4);
    CHECK(same_file(full.out, rest.out)); /* the same model file, to the byte */
    CHECK(a.loss == b.loss);
}

static void test_failures_name_their_file(void)
{
    nn_train_run r;
    nn_train_result res;
    int rc;
    /* no checkpoint to resume from: the checkpoint */
    setup su = {.epochs = 2, .resume = 1, .out = path("x.st"), .ckpt = path("missing.st")};
    nn_model_free(run(&su, &r, &res, &rc));
    CHECK(rc < 0 && r.failed == su.ckpt);
    CHECK(access(su.out, F_OK) != 0);
    /* a NaN loss: the data */
    setup nan = {.epochs = 2, .out = path("x.st"), .nan_at = 3};
    nn_model_free(run(&nan, &r, &res, &rc));
    CHECK(rc < 0 && r.failed && !strcmp(r.failed, "data.npy"));
    CHECK(strstr(nn_last_error(), "NaN at epoch 1, batch 3") != NULL);
    CHECK(access(nan.out, F_OK) != 0);
    /* a history that cannot be written: the history */
    setup hist = {.epochs = 1, .out = path("x.st"), .hist = "/nonexistent-dir/h.tsv"};
    nn_model_free(run(&hist, &r, &res, &rc));
    CHECK(rc < 0 && r.failed == hist.hist);
    /* the model file cannot be written: the model file */
    setup out = {.epochs = 1, .out = "/nonexistent-dir/m.st"};
    nn_model_free(run(&out, &r, &res, &rc));
    CHECK(rc < 0 && r.failed == out.out);
    /* the tool's settings fail: no file named */
    setup bad = {.epochs = 1, .out = path("x.st"), .fail_settings = 1};
    nn_model_free(run(&bad, &r, &res, &rc));
    CHECK(rc < 0 && r.failed == NULL && strstr(nn_last_error(), "settings failed"));
    CHECK(access(bad.out, F_OK) != 0);
}

static void test_interrupt_is_an_error_and_writes_no_model(void)
{
    nn_train_run r;
    nn_train_result res;
    int rc;
    /* 4 batches an epoch: SIGINT in the 2nd batch of epoch 2 */
    setup su = {.epochs = 5, .out = path("i.st"), .ckpt = path("ick.st"), .interrupt_at = 6};
    nn_model_free(run(&su, &r, &res, &rc));
    CHECK(rc < 0 && r.failed == NULL && res.interrupted);
    char want[256];
    snprintf(want, sizeof want, "interrupted; the checkpoint %s holds epoch 1 (continue with --resume)", su.ckpt);
    CHECK(!strcmp(nn_last_error(), want));
    CHECK(access(su.out, F_OK) != 0);
    CHECK(access(su.ckpt, F_OK) == 0);
    setup none = {.epochs = 5, .out = path("i.st"), .interrupt_at = 2};
    nn_model_free(run(&none, &r, &res, &rc));
    CHECK(rc < 0 && !strcmp(nn_last_error(), "interrupted; nothing saved (use --checkpoint to keep progress)"));
    CHECK(access(none.out, F_OK) != 0);
}

/* the report's stderr lines, captured in a file */
static void report_with_stderr(int quiet, char *err, size_t size)
{
    fflush(stderr);
    int saved = dup(2);
    FILE *cap = fopen(path("stderr.txt"), "w");
    CHECK(cap && saved >= 0);
    if (!cap || saved < 0)
        return;
    dup2(fileno(cap), 2);
    nn_quiet = quiet;
    nn_train_report rep;
    CHECK(nn_train_report_open(&rep, path("r.tsv")) == 0);
    nn_train_report_metric(&rep, "epochs", 3);
    nn_train_report_metric(&rep, "loss", 0.123456789012);
    CHECK(nn_train_report_close(&rep) == 0);
    fflush(stderr);
    dup2(saved, 2);
    close(saved);
    fclose(cap);
    nn_quiet = 1;
    read_file(path("stderr.txt"), err, size);
}

static void test_report(void)
{
    char text[256], err[256];
    nn_set_program_name("test-tool");
    report_with_stderr(0, err, sizeof err);
    read_file(path("r.tsv"), text, sizeof text);
    CHECK(!strcmp(text, "metric\tvalue\nepochs\t3\nloss\t0.123456789\n"));
    CHECK(!strcmp(err, "test-tool: epochs\t3\ntest-tool: loss\t0.123457\n"));
    report_with_stderr(1, err, sizeof err); /* -q: the file only */
    read_file(path("r.tsv"), text, sizeof text);
    CHECK(!strcmp(text, "metric\tvalue\nepochs\t3\nloss\t0.123456789\n"));
    CHECK(err[0] == 0);
    /* the figures of every run */
    nn_train_report rep;
    CHECK(nn_train_report_open(&rep, path("r.tsv")) == 0);
    nn_model *m = make();
    nn_train_report_params(&rep, m);
    nn_model_free(m);
    nn_train_result res = {.epochs_done = 2, .loss = 0.5, .val_loss = 0.25};
    nn_train_report_losses(&rep, &res, 1);
    res.epochs_done = 0; /* a resumed run that had nothing left to do: no losses */
    nn_train_report_losses(&rep, &res, 1);
    CHECK(nn_train_report_close(&rep) == 0);
    read_file(path("r.tsv"), text, sizeof text);
    CHECK(!strcmp(text, "metric\tvalue\nparams_trainable\t33\nparams_non_trainable\t0\nepochs\t2\nloss\t0.5\n"
                        "val_loss\t0.25\nepochs\t0\n"));
    /* no file: nothing to commit */
    CHECK(nn_train_report_open(&rep, NULL) == 0);
    nn_train_report_metric(&rep, "x", 1);
    CHECK(nn_train_report_close(&rep) == 0);
    CHECK(nn_train_report_open(&rep, "/nonexistent-dir/r.tsv") < 0);
}

int main(void)
{
    snprintf(dir, sizeof dir, "/tmp/test_nn_train_run.XXXXXX");
    if (!mkdtemp(dir))
        return 1;
    nn_quiet = 1;
    nn_rng r;
    nn_rng_seed(&r, 1);
    for (int i = 0; i < NS + NV; i++) {
        X[i][0] = (float)(2 * nn_rng_uniform(&r) - 1);
        X[i][1] = (float)(2 * nn_rng_uniform(&r) - 1);
        Y[i] = X[i][0] - 0.5f * X[i][1];
    }
    RUN(test_model_file_and_checkpoint_carry_the_settings);
    RUN(test_resume_equals_uninterrupted);
    RUN(test_failures_name_their_file);
    RUN(test_interrupt_is_an_error_and_writes_no_model);
    RUN(test_report);
    static const char *files[] = {"m.st", "ck.st", "h.tsv", "full.st", "half.st", "ck2.st", "rest.st", "ick.st",
                                  "stderr.txt", "r.tsv"};
    for (size_t i = 0; i < sizeof files / sizeof *files; i++)
        unlink(path(files[i]));
    rmdir(dir);
    return check_summary();
}
