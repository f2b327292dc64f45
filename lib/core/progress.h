/* A progress line on stderr: "label  done/total  rate unit/s  ETA m:ss".
 * Redrawn in place on a terminal (at most 10 times a second); on a pipe
 * or file a plain line every few seconds, so logs stay readable.
 * Silent when nn_quiet is set. */
#ifndef NN_CORE_PROGRESS_H
#define NN_CORE_PROGRESS_H

#include <stdint.h>

typedef struct {
    const char *label;
    const char *unit;
    int64_t total;   /* 0 if unknown: no ETA */
    double start, last_draw;
    int tty;
    char extra[128]; /* free text appended to the line, e.g. "loss 0.123" */
} nn_progress;

void nn_progress_start(nn_progress *p, const char *label, int64_t total, const char *unit);
void nn_progress_update(nn_progress *p, int64_t done);
/* Final line with the total time. */
void nn_progress_finish(nn_progress *p, int64_t done);

/* "1:02:03" or "2:03" into buf. */
void nn_format_duration(double seconds, char *buf, int size);

#endif
