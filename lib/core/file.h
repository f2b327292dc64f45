/* Files in and out.
 *
 * Inputs: "-" is stdin.  nn_read_all() reads a whole file or pipe.
 * Outputs are written to a temporary name beside the target and renamed
 * over it by nn_output_commit(), so an interrupted run leaves the old file
 * whole.  "-" writes to stdout directly, and so does a path that already
 * names something other than a regular file (/dev/null, a FIFO) or lies
 * under /dev or /proc (/dev/stdout): a rename would replace the device,
 * pipe or link with a regular file.
 * Outputs that are opened but not committed are removed when the process
 * exits (atexit) or is stopped by SIGINT/SIGTERM (see cli.c).  SIGKILL
 * (or a crash) cannot be caught: it leaves the target whole and may leave
 * its temporary file, "TARGET.tmp-XXXXXX", which nothing reads (the next
 * run writes a new temporary name). */
#ifndef NN_CORE_FILE_H
#define NN_CORE_FILE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

typedef struct nn_output {
    FILE *fp;
    char *path;     /* the final name ("-" for stdout) */
    char *tmp_path; /* NULL for stdout, devices and FIFOs */
    int slot;       /* index in the cleanup table */
} nn_output;

/* Open an output; 0 or -1 with nn_set_error ("cannot create ...").
 * The message names no file: the caller knows it. */
int nn_output_open(nn_output *out, const char *path);
/* Flush, check for write errors, close, rename into place. */
int nn_output_commit(nn_output *out);
/* Close and remove the temporary file. */
void nn_output_abort(nn_output *out);
/* A failed write to fp (err: its errno): sets "write error: ..." and, when
 * fp is stdout, marks the error as about stdout (core/error.h).  -1. */
int nn_write_failed(FILE *fp, int err);
/* Called from signal handlers: unlink every uncommitted temporary file. */
void nn_output_cleanup_signal(void);

/* Open an input for reading: stdin for "-". */
FILE *nn_input_open(const char *path);
void nn_input_close(FILE *fp);

/* Read a whole file (or stdin for "-") into a malloc'd buffer, with a NUL
 * after the last byte (not counted in *len). */
int nn_read_all(const char *path, uint8_t **data, size_t *len);
int nn_read_stream(FILE *fp, uint8_t **data, size_t *len);

/* Read exactly n bytes; -1 with "unexpected end of file" if short. */
int nn_read_exact(FILE *fp, void *buf, size_t n);

/* 1 if the path names stdin/stdout. */
int nn_is_stdio(const char *path);

#endif
