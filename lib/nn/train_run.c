/* A trainer tool's training run; see train_run.h. */
#include "nn/train_run.h"

#include "core/cli.h"
#include "core/error.h"
#include "core/mem.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

static int write_settings(const nn_train_run *run, const nn_optim *o, nn_safetensors *st)
{
    return run->settings ? run->settings(run, o, st) : 0;
}

static int attach_trainable(nn_optim *o, const nn_model *m)
{
    int np;
    nn_param **ps = nn_model_params(m, 1, &np);
    if (!ps)
        return -1;
    int rc = nn_optim_attach(o, ps, np);
    free(ps);
    return rc;
}

/* The loop with the settings in every checkpoint.  nn_train takes them as
 * (key, value) pairs: they point into `meta`, which outlives the loop. */
static int train(nn_train_run *run, nn_model *m, nn_optim *o, const nn_train_task *task, nn_train_result *res)
{
    nn_safetensors meta;
    nn_st_init(&meta);
    nn_meta *mv = NULL;
    int rc = -1;
    if (write_settings(run, o, &meta) < 0 || !(mv = nn_calloc((size_t)meta.meta_count + 1, sizeof *mv)))
        goto done;
    for (int i = 0; i < meta.meta_count; i++) {
        mv[i].key = meta.meta_keys[i];
        mv[i].value = meta.meta_values[i];
    }
    nn_train_opts to;
    nn_train_defaults(&to);
    to.epochs = run->epochs;
    to.batch = run->batch;
    to.seed = (uint64_t)run->seed;
    to.patience = run->patience;
    to.history = run->history;
    to.checkpoint = run->checkpoint;
    to.resume = run->resume;
    to.meta = mv;
    to.nmeta = meta.meta_count;
    rc = nn_train(m, o, task, &to, res);
    if (rc < 0) /* a checkpoint or history the loop could not read or write, else the data */
        run->failed = res->failed ? res->failed : run->input;
done:
    free(mv);
    nn_st_free(&meta);
    return rc;
}

static int save_model(const nn_train_run *run, const nn_model *m, const nn_optim *o, int epochs_done)
{
    nn_safetensors st;
    nn_st_init(&st);
    char done[32];
    snprintf(done, sizeof done, "%d", epochs_done);
    int rc = nn_model_to_st(m, &st) < 0 || write_settings(run, o, &st) < 0 ||
                     nn_st_set_meta(&st, "train.epochs_done", done) < 0 || nn_st_save(&st, run->output) < 0
                 ? -1
                 : 0;
    nn_st_free(&st);
    return rc;
}

int nn_train_run_model(nn_train_run *run, nn_model *m, nn_optim *o, const nn_train_task *task,
                       nn_train_result *res)
{
    run->failed = NULL;
    if (!run->output)
        return nn_set_error("no model file to write");
    if (attach_trainable(o, m) < 0 || train(run, m, o, task, res) < 0)
        return -1;
    if (res->interrupted) {
        if (run->checkpoint)
            return nn_set_error("interrupted; the checkpoint %s holds epoch %d (continue with --resume)",
                                run->checkpoint, res->epochs_done);
        return nn_set_error("interrupted; nothing saved (use --checkpoint to keep progress)");
    }
    if (res->stopped_early && !nn_quiet)
        fprintf(stderr, "%s: early stop after epoch %d (best val_loss %.6g)\n", nn_program_name(), res->epochs_done,
                res->best);
    if (save_model(run, m, o, res->epochs_done) < 0) {
        run->failed = run->output;
        return -1;
    }
    return 0;
}

int nn_train_run_meta(const nn_train_run *run, const char *tool, double lr, nn_safetensors *st)
{
    char v[4][64];
    snprintf(v[0], sizeof v[0], "%d", run->epochs);
    snprintf(v[1], sizeof v[1], "%d", run->batch);
    snprintf(v[2], sizeof v[2], "%" PRId64, run->seed);
    snprintf(v[3], sizeof v[3], "%.17g", lr);
    if (nn_st_set_meta(st, "train.tool", tool) < 0 || nn_st_set_meta(st, "train.epochs", v[0]) < 0 ||
        nn_st_set_meta(st, "train.batch", v[1]) < 0 || nn_st_set_meta(st, "train.seed", v[2]) < 0 ||
        nn_st_set_meta(st, "train.lr", v[3]) < 0)
        return -1;
    return 0;
}
