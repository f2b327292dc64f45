/* The end-of-run report of the trainer tools; see train_run.h. */
#include "nn/train_run.h"

#include "core/cli.h"

#include <math.h>
#include <stdio.h>

int nn_train_report_open(nn_train_report *r, const char *path)
{
    r->open = 0;
    if (!path)
        return 0;
    if (nn_output_open(&r->out, path) < 0)
        return -1;
    r->open = 1;
    fprintf(r->out.fp, "metric\tvalue\n");
    return 0;
}

void nn_train_report_metric(nn_train_report *r, const char *name, double value)
{
    /* counts print as integers, measures with 6 (stderr) or 9 digits */
    int whole = value == floor(value) && fabs(value) < 1e15;
    if (!nn_quiet)
        fprintf(stderr, whole ? "%s: %s\t%.0f\n" : "%s: %s\t%.6g\n", nn_program_name(), name, value);
    if (r->open)
        fprintf(r->out.fp, whole ? "%s\t%.0f\n" : "%s\t%.9g\n", name, value);
}

void nn_train_report_params(nn_train_report *r, const nn_model *m)
{
    nn_train_report_metric(r, "params_trainable", (double)nn_model_param_count(m, 1));
    nn_train_report_metric(r, "params_non_trainable", (double)nn_model_param_count(m, 0));
}

void nn_train_report_losses(nn_train_report *r, const nn_train_result *res, int has_val)
{
    nn_train_report_metric(r, "epochs", res->epochs_done);
    if (res->epochs_done > 0) {
        nn_train_report_metric(r, "loss", res->loss);
        if (has_val)
            nn_train_report_metric(r, "val_loss", res->val_loss);
    }
}

int nn_train_report_close(nn_train_report *r)
{
    if (!r->open)
        return 0;
    r->open = 0;
    return nn_output_commit(&r->out);
}
