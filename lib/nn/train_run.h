/* A trainer tool's training run, from a built model to the saved model
 * file: what train-vae, train-fcn, train-rnn and train-seq2seq share, so
 * that each of them keeps only its data, its model and its report.
 *
 *   nn_train_run run = {.epochs = epochs, .batch = batch, .seed = seed, ...,
 *                       .input = x_path, .output = out_path, .settings = settings};
 *   nn_train_result res;
 *   if (nn_train_run_model(&run, m, &o, &task, &res) < 0)
 *       nn_die_lib(run.failed);
 *
 * nn_train_run_model attaches the optimizer to the model's trainable
 * parameters, runs nn_train (checkpoints, resume, history, Ctrl-C: see
 * train.h) with the settings metadata in every checkpoint, turns an
 * interruption into an error that says what was kept, logs an early stop,
 * and writes the model file: weights, architecture, settings and
 * train.epochs_done.  The checkpoints and the model file carry the same
 * settings, so a checkpoint is a usable model file too.
 *
 * Logs (the early-stop line, the report's lines) go to stderr unless
 * nn_quiet (-q) is set, like the progress lines; results asked for on
 * stdout (a report written to "-") are never silenced. */
#ifndef NN_NN_TRAIN_RUN_H
#define NN_NN_TRAIN_RUN_H

#include "core/file.h"
#include "io/safetensors.h"
#include "nn/model.h"
#include "nn/optim.h"
#include "nn/train.h"

#include <stdint.h>

typedef struct nn_train_run nn_train_run;

struct nn_train_run {
    /* the loop, as the tools' options give it (see nn_train_opts) */
    int epochs, batch, patience, resume;
    int64_t seed;            /* signed as the --seed option; nn_train gets it as uint64_t */
    /* files; NULL when not asked for (input and output are required) */
    const char *input;       /* the training data, named when the loop fails */
    const char *output;      /* the model file */
    const char *history, *checkpoint;
    /* Writes the tool's settings metadata (its architecture config and
     * train.* keys) into st: once for the checkpoints, once for the model
     * file; ctx is the tool's.  NULL: none. */
    int (*settings)(const nn_train_run *run, const nn_optim *o, nn_safetensors *st);
    void *ctx;
    /* out: after a failure, the file the error is about (NULL: none), for
     * nn_die_lib(run.failed) */
    const char *failed;
};

/* The option rows of a trainer's files (for its nn_option table; the
 * variables are its own): -o, --history, --checkpoint, --resume. */
#define NN_TRAIN_RUN_OPTIONS(output, history, checkpoint, resume)                                               \
    {"output", 'o', NN_OPT_STRING, &(output), "FILE", "the trained model (.safetensors)", NULL},                  \
    {"history", 0, NN_OPT_STRING, &(history), "FILE", "per-epoch TSV: epoch, loss, val_loss, seconds", NULL},     \
    {"checkpoint", 0, NN_OPT_STRING, &(checkpoint), "FILE", "checkpoint written after every epoch", NULL},        \
    {"resume", 0, NN_OPT_FLAG, &(resume), NULL, "continue from --checkpoint (same options as the first run)", NULL}

/* The whole run; 0, or -1 with the error set and run->failed.  o is
 * initialized with its settings by the caller (and freed by it); res gets
 * the loop's result.  Ctrl-C is an error: "interrupted; the checkpoint F
 * holds epoch N (continue with --resume)" or "interrupted; nothing saved
 * (use --checkpoint to keep progress)", and no model file is written. */
int nn_train_run_model(nn_train_run *run, nn_model *m, nn_optim *o, const nn_train_task *task,
                       nn_train_result *res);

/* The settings every trainer records, in this order: train.tool,
 * train.epochs, train.batch, train.seed, train.lr (%.17g). */
int nn_train_run_meta(const nn_train_run *run, const char *tool, double lr, nn_safetensors *st);

/* ---- the end-of-run report ----
 * Each figure is one line "tool: name<TAB>value" on stderr (a log: not
 * with -q) and, with a report file, one row "name<TAB>value" of a TSV
 * with the header "metric<TAB>value".  Whole numbers print without a
 * fraction; other values with 6 significant digits on stderr and 9 in the
 * file. */
typedef struct {
    nn_output out;
    int open;
} nn_train_report;

/* path NULL: stderr only.  On failure the error names no file: the tool
 * adds path. */
int nn_train_report_open(nn_train_report *r, const char *path);
void nn_train_report_metric(nn_train_report *r, const char *name, double value);
/* The figures of every run: params_trainable, params_non_trainable ... */
void nn_train_report_params(nn_train_report *r, const nn_model *m);
/* ... and epochs (done), then, when an epoch ran, loss and with
 * validation data val_loss (of the last epoch). */
void nn_train_report_losses(nn_train_report *r, const nn_train_result *res, int has_val);
/* Commits the file (if any; a failed write shows here); 0 or -1. */
int nn_train_report_close(nn_train_report *r);

#endif
