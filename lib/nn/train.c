/* The training loop; see train.h. */
#include "nn/train.h"

#include "core/error.h"
#include "core/file.h"
#include "core/mem.h"
#include "core/progress.h"
#include "core/timer.h"
#include "math/rng.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void nn_train_defaults(nn_train_opts *o)
{
    memset(o, 0, sizeof *o);
    o->epochs = 10;
    o->batch = 32;
    o->seed = 1;
    o->shuffle = 1;
}

/* ---- checkpoints ---- */

static int optim_tensor_name(char *buf, size_t size, const nn_model *m, int index, const char *which)
{
    /* index-th trainable parameter, named like the weight */
    int k = 0;
    for (int q = 0; q < m->nparts; q++)
        for (int i = 0; i < m->parts[q]->n; i++) {
            const nn_layer *l = m->parts[q]->layers[i];
            for (int j = 0; j < l->nparams; j++)
                if (l->p[j].trainable && k++ == index) {
                    snprintf(buf, size, "optim.%s.%s.%s.%s", m->parts[q]->name, l->name, l->p[j].name, which);
                    return 0;
                }
        }
    return nn_set_error("optimizer state does not match the model");
}

static int set_num(nn_safetensors *st, const char *key, double v)
{
    char buf[64];
    snprintf(buf, sizeof buf, "%.17g", v);
    return nn_st_set_meta(st, key, buf);
}

int nn_checkpoint_save(const char *path, const nn_model *m, const nn_optim *opt, const nn_train_state *s,
                       uint64_t seed, const nn_meta *meta, int nmeta)
{
    nn_safetensors st;
    nn_st_init(&st);
    int rc = nn_model_to_st(m, &st);
    for (int i = 0; rc == 0 && i < opt->nparams; i++) {
        const nn_param *p = opt->params[i];
        for (int w = 0; rc == 0 && w < 2; w++) {
            char name[160];
            nn_array a = {NN_F32, p->ndim, {0}, w ? opt->v[i] : opt->m[i]};
            memcpy(a.shape, p->shape, sizeof(int64_t) * (size_t)p->ndim);
            rc = optim_tensor_name(name, sizeof name, m, i, w ? "v" : "m");
            if (rc == 0)
                rc = nn_st_add(&st, name, &a);
        }
    }
    char buf[64];
    for (int i = 0; rc == 0 && i < nmeta; i++)
        rc = nn_st_set_meta(&st, meta[i].key, meta[i].value);
    if (rc == 0) {
        snprintf(buf, sizeof buf, "%" PRIu64, seed);
        rc |= nn_st_set_meta(&st, "checkpoint_seed", buf);
        snprintf(buf, sizeof buf, "%d", s->epoch);
        rc |= nn_st_set_meta(&st, "checkpoint_epoch", buf);
        snprintf(buf, sizeof buf, "%d", s->wait);
        rc |= nn_st_set_meta(&st, "checkpoint_wait", buf);
        rc |= set_num(&st, "checkpoint_best", s->best);
        rc |= nn_st_set_meta(&st, "checkpoint_history", s->history ? s->history : "");
        rc |= nn_st_set_meta(&st, "optimizer", nn_optim_name(opt->kind));
        snprintf(buf, sizeof buf, "%" PRId64, opt->iterations);
        rc |= nn_st_set_meta(&st, "optimizer_iterations", buf);
        rc |= set_num(&st, "optimizer_lr", opt->lr);
        rc = rc ? -1 : 0;
    }
    if (rc == 0)
        rc = nn_st_save(&st, path);
    nn_st_free(&st);
    return rc;
}

static int meta_int(const nn_safetensors *st, const char *key, int64_t *v)
{
    const char *s = nn_st_meta(st, key);
    char *end;
    if (!s || !*s)
        return nn_set_error("checkpoint without %s", key);
    long long x = strtoll(s, &end, 10);
    if (*end)
        return nn_set_error("checkpoint: bad %s", key);
    *v = x;
    return 0;
}

/* The seed is written as an unsigned 64-bit number: a negative --seed
 * is above INT64_MAX there, which strtoll would clamp. */
static int meta_u64(const nn_safetensors *st, const char *key, uint64_t *v)
{
    const char *s = nn_st_meta(st, key);
    char *end;
    if (!s || !*s)
        return nn_set_error("checkpoint without %s", key);
    errno = 0;
    unsigned long long x = strtoull(s, &end, 10);
    if (*end || *s == '-' || errno)
        return nn_set_error("checkpoint: bad %s", key);
    *v = x;
    return 0;
}

int nn_checkpoint_load(const char *path, nn_model *m, nn_optim *opt, nn_train_state *s, uint64_t seed)
{
    nn_safetensors st;
    if (nn_st_load(path, &st) < 0)
        return -1;
    int rc = -1;
    nn_jbuf b;
    nn_jbuf_init(&b);
    const char *arch = nn_st_meta(&st, "architecture"), *fmt = nn_st_meta(&st, "format");
    const char *kind = nn_st_meta(&st, "optimizer"), *best = nn_st_meta(&st, "checkpoint_best");
    int64_t epoch = 0, wait = 0, iters = 0;
    uint64_t cseed = 0;
    if (!fmt || strcmp(fmt, NN_MODEL_FORMAT) || !arch) {
        nn_set_error("not an nnpipe checkpoint");
        goto done;
    }
    if (nn_model_to_json(m, &b) < 0)
        goto done;
    if (strcmp(b.data, arch)) {
        nn_set_error("the checkpoint was made for a different architecture");
        goto done;
    }
    if (!kind || strcmp(kind, nn_optim_name(opt->kind))) {
        nn_set_error("the checkpoint was made with optimizer %s, not %s", kind ? kind : "(none)",
                     nn_optim_name(opt->kind));
        goto done;
    }
    if (meta_int(&st, "checkpoint_epoch", &epoch) < 0 || meta_int(&st, "checkpoint_wait", &wait) < 0 ||
        meta_int(&st, "optimizer_iterations", &iters) < 0 || meta_u64(&st, "checkpoint_seed", &cseed) < 0 || !best)
        goto done;
    if (cseed != seed) {
        nn_set_error("the checkpoint was made with seed %" PRIu64 ", not %" PRIu64, cseed, seed);
        goto done;
    }
    if (nn_model_load_weights(m, &st) < 0)
        goto done;
    for (int i = 0; i < opt->nparams; i++)
        for (int w = 0; w < 2; w++) {
            char name[160];
            if (optim_tensor_name(name, sizeof name, m, i, w ? "v" : "m") < 0)
                goto done;
            const nn_array *a = nn_st_get(&st, name);
            if (!a || a->dtype != NN_F32 || (int64_t)nn_array_count(a) != opt->params[i]->count) {
                nn_set_error("checkpoint: optimizer state %s missing or of the wrong size", name);
                goto done;
            }
            memcpy(w ? opt->v[i] : opt->m[i], a->data, sizeof(float) * (size_t)opt->params[i]->count);
        }
    opt->iterations = iters;
    s->epoch = (int)epoch;
    s->wait = (int)wait;
    s->best = strtod(best, NULL);
    const char *h = nn_st_meta(&st, "checkpoint_history");
    free(s->history);
    size_t hl = h ? strlen(h) : 0;
    if (!(s->history = nn_alloc(hl + 1, 1)))
        goto done;
    memcpy(s->history, h ? h : "", hl + 1);
    rc = 0;
done:
    nn_jbuf_free(&b);
    nn_st_free(&st);
    return rc;
}

/* ---- the loop ---- */

static volatile sig_atomic_t interrupted;

static void on_sigint(int sig)
{
    (void)sig;
    interrupted = 1;
}

static int write_history(const char *path, const char *rows)
{
    nn_output out;
    if (nn_output_open(&out, path) < 0)
        return -1;
    fprintf(out.fp, "epoch\tloss\tval_loss\tseconds\n%s", rows);
    return nn_output_commit(&out);
}

static int append(char **text, const char *row)
{
    size_t a = *text ? strlen(*text) : 0, b = strlen(row);
    char *t = nn_realloc(*text, a + b + 1, 1);
    if (!t)
        return -1;
    memcpy(t + a, row, b + 1);
    *text = t;
    return 0;
}

/* mean loss over a whole set, in batches of bs */
static int evaluate(const nn_train_task *task, int64_t *idx, int64_t n, int bs, uint64_t step, double *out)
{
    double sum = 0;
    for (int64_t s = 0; s < n; s += bs) {
        int64_t cnt = n - s < bs ? n - s : bs;
        for (int64_t i = 0; i < cnt; i++)
            idx[i] = s + i;
        double l;
        /* a step of its own per batch: the VAEs seed their noise from it */
        if (task->batch(task->ctx, idx, cnt, 0, 1, step + (uint64_t)(s / bs), &l) < 0)
            return -1;
        sum += l * (double)cnt;
    }
    *out = sum / (double)n;
    return 0;
}

int nn_train(nn_model *m, nn_optim *opt, const nn_train_task *task, const nn_train_opts *o, nn_train_result *res)
{
    memset(res, 0, sizeof *res);
    if (task->n_train < 1)
        return nn_set_error("no training data");
    if (o->batch < 1 || o->epochs < 0)
        return nn_set_error("bad batch size or epoch count");
    nn_train_state st = {0, INFINITY, 0, NULL};
    if (o->resume) {
        if (!o->checkpoint)
            return nn_set_error("--resume needs a checkpoint file");
        if (nn_checkpoint_load(o->checkpoint, m, opt, &st, o->seed) < 0) {
            res->failed = o->checkpoint;
            return -1;
        }
    }
    int64_t n = task->n_train, bs = o->batch, nb = (n + bs - 1) / bs;
    int64_t big = n > task->n_val ? n : task->n_val;
    int64_t *order = nn_alloc((size_t)big, sizeof *order);
    if (!order) {
        free(st.history);
        return -1;
    }
    interrupted = 0;
    struct sigaction sa, old;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_sigint;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, &old);
    int rc = 0;
    res->best = st.best;
    for (int epoch = st.epoch; epoch < o->epochs; epoch++) {
        double t0 = nn_now();
        for (int64_t i = 0; i < n; i++)
            order[i] = i;
        if (o->shuffle) {
            nn_rng r;
            nn_rng_split(&r, o->seed, (uint64_t)epoch);
            nn_rng_shuffle_i64(&r, order, n);
        }
        nn_progress pr;
        char label[48];
        snprintf(label, sizeof label, "epoch %d/%d", epoch + 1, o->epochs);
        nn_progress_start(&pr, label, nb, "batch");
        double sum = 0;
        for (int64_t b = 0; b < nb; b++) {
            int64_t s = b * bs, cnt = n - s < bs ? n - s : bs;
            double loss;
            nn_model_zero_grad(m);
            if (task->batch(task->ctx, order + s, cnt, 1, 0, (uint64_t)epoch * (uint64_t)nb + (uint64_t)b, &loss) < 0) {
                rc = -1;
                goto out;
            }
            if (!isfinite(loss)) {
                rc = nn_set_error("the loss is %s at epoch %d, batch %lld: lower the learning rate?",
                                  isnan(loss) ? "NaN" : "infinite", epoch + 1, (long long)b + 1);
                goto out;
            }
            nn_optim_step(opt);
            sum += loss * (double)cnt;
            snprintf(pr.extra, sizeof pr.extra, "loss %.4f", sum / (double)(s + cnt));
            nn_progress_update(&pr, b + 1);
            if (interrupted) {
                res->interrupted = 1;
                nn_progress_finish(&pr, b + 1);
                goto out;
            }
        }
        nn_progress_finish(&pr, nb);
        res->loss = sum / (double)n;
        res->val_loss = NAN;
        if (task->n_val > 0 && evaluate(task, order, task->n_val, (int)bs, NN_VAL_STEP + ((uint64_t)epoch << 32), &res->val_loss) < 0) {
            rc = -1;
            goto out;
        }
        double secs = nn_now() - t0, monitor = task->n_val > 0 ? res->val_loss : res->loss;
        char row[160];
        if (task->n_val > 0)
            snprintf(row, sizeof row, "%d\t%.6g\t%.6g\t%.3f\n", epoch + 1, res->loss, res->val_loss, secs);
        else
            snprintf(row, sizeof row, "%d\t%.6g\t\t%.3f\n", epoch + 1, res->loss, secs);
        if (append(&st.history, row) < 0) {
            rc = -1;
            goto out;
        }
        if (monitor < st.best - o->min_delta) {
            st.best = monitor;
            st.wait = 0;
        } else {
            st.wait++;
        }
        st.epoch = epoch + 1;
        res->epochs_done = epoch + 1;
        res->best = st.best;
        if (o->history && write_history(o->history, st.history) < 0) {
            res->failed = o->history;
            rc = -1;
            goto out;
        }
        if (o->checkpoint && nn_checkpoint_save(o->checkpoint, m, opt, &st, o->seed, o->meta, o->nmeta) < 0) {
            res->failed = o->checkpoint;
            rc = -1;
            goto out;
        }
        if (o->patience > 0 && st.wait >= o->patience) {
            res->stopped_early = 1;
            break;
        }
        if (interrupted) {
            res->interrupted = 1;
            break;
        }
    }
    res->epochs_done = st.epoch;
    /* a resumed run that was already complete still writes its history */
    if (o->history && st.history && write_history(o->history, st.history) < 0) {
        res->failed = o->history;
        rc = -1;
    }
out:
    sigaction(SIGINT, &old, NULL);
    free(order);
    free(st.history);
    return rc;
}
