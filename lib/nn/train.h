/* The training loop shared by the trainers.
 *
 * The trainer describes its data and loss as a task: batch() computes the
 * loss of the samples idx[0..n) (and, when train is set, the gradients:
 * the loop has zeroed them and applies the optimizer afterwards).  The
 * loop does the rest:
 *   - epochs of shuffled mini-batches: the order of epoch e comes from
 *     nn_rng_split(seed, e) and the noise of a batch from its global step
 *     number, so nothing random has to be carried between epochs;
 *   - the validation loss after each epoch (batches of the same size, in
 *     order, train = 0, step = NN_VAL_STEP + (epoch << 32) + batch, so
 *     each validation batch draws its own noise);
 *   - early stopping on the validation loss (or the training loss when
 *     there is no validation data) after `patience` epochs without an
 *     improvement larger than min_delta;
 *   - a history TSV (epoch, loss, val_loss, seconds), rewritten whole
 *     after every epoch;
 *   - a progress line with ETA on stderr;
 *   - a checkpoint after every epoch: the model, the optimizer state
 *     (tensors optim.<name>.m / .v, metadata), the epoch, the early
 *     stopping state and the history so far.  resume = 1 restarts from it
 *     and gives the same result as an uninterrupted run (bit for bit);
 *   - Ctrl-C (SIGINT) stops at the end of the current batch and keeps the
 *     last checkpoint (result->interrupted = 1);
 *   - a NaN or infinite loss stops with an error naming the epoch and
 *     batch. */
#ifndef NN_NN_TRAIN_H
#define NN_NN_TRAIN_H

#include "nn/model.h"
#include "nn/optim.h"

#include <stdint.h>

#define NN_VAL_STEP ((uint64_t)1 << 62)

typedef struct {
    void *ctx;
    int64_t n_train, n_val;
    /* val = 1: idx are validation samples.  Returns 0 or -1 (error set). */
    int (*batch)(void *ctx, const int64_t *idx, int64_t n, int train, int val, uint64_t step, double *loss);
} nn_train_task;

typedef struct {
    int epochs, batch;
    uint64_t seed;
    int patience;          /* 0: no early stopping */
    double min_delta;
    int shuffle;           /* 1 by default */
    const char *history;   /* TSV path or NULL */
    const char *checkpoint;/* path or NULL */
    int resume;            /* start from the checkpoint */
    const nn_meta *meta;   /* extra metadata stored in checkpoints */
    int nmeta;
} nn_train_opts;

typedef struct {
    int epochs_done;
    double loss, val_loss, best;
    int stopped_early, interrupted;
    /* after a failure: o->checkpoint or o->history when the error is about
     * that file (it could not be read or written), NULL when it is about
     * the data; for the tool's "tool: file: message" */
    const char *failed;
} nn_train_result;

void nn_train_defaults(nn_train_opts *o);
int nn_train(nn_model *m, nn_optim *opt, const nn_train_task *task, const nn_train_opts *o, nn_train_result *res);

/* Checkpoints on their own (used by nn_train; public for tests). */
typedef struct {
    int epoch;         /* epochs completed */
    double best;
    int wait;
    char *history;     /* TSV rows so far (malloc'd) */
} nn_train_state;

int nn_checkpoint_save(const char *path, const nn_model *m, const nn_optim *opt, const nn_train_state *s,
                       uint64_t seed, const nn_meta *meta, int nmeta);
/* Restores weights and optimizer state into m and opt (built the same way
 * as when the checkpoint was written; a different architecture, optimizer
 * or seed is an error). */
int nn_checkpoint_load(const char *path, nn_model *m, nn_optim *opt, nn_train_state *s, uint64_t seed);

#endif
