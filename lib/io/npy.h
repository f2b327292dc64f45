/* NumPy .npy files: the array format every nnpipe tool reads and writes.
 *
 * Read: format versions 1.0, 2.0 and 3.0; dtypes |u1 |i1 |b1 <i2 <u2 <i4
 * <u4 <i8 <f4 <f8 and their big-endian (">") variants.  Types nn_array has
 * no slot for are widened on load: bool -> uint8, int8/int16/uint16 ->
 * int32, uint32 -> int64 (uint64 is refused: it may not fit int64).  Data always ends up in host
 * byte order.  Only C order: fortran_order True is an error.
 * The header (a Python dict literal) is parsed strictly; element counts
 * that overflow, sizes above nn_alloc_limit(), truncated data and bytes
 * after the data are errors.
 *
 * Write: version 1.0 (2.0 when the header would not fit in 65535 bytes),
 * little-endian on every host, header padded so the data starts on a
 * 64-byte boundary (as numpy does).
 *
 * Paths: "-" is stdin / stdout, so every function works on pipes.
 * Errors: -1 and a message via nn_set_error() that names no file. */
#ifndef NN_IO_NPY_H
#define NN_IO_NPY_H

#include "core/array.h"

#include <stdint.h>
#include <stdio.h>

/* Whole-array I/O. */
int nn_npy_load(const char *path, nn_array *out);
/* Load, then nn_array_convert() to `want` (no copy if already `want`). */
int nn_npy_load_as(const char *path, nn_dtype want, nn_array *out);
/* Atomic (nn_output_*): the target is complete or untouched. */
int nn_npy_save(const char *path, const nn_array *a);
/* From / to an open stream.  nn_npy_read_fp reads exactly one array and
 * checks nothing follows it (it reads to EOF). */
int nn_npy_read_fp(FILE *fp, nn_array *out);
int nn_npy_write_fp(FILE *fp, const nn_array *a);

/* Parse an in-memory .npy image (the whole file, nothing after it). */
int nn_npy_parse(const uint8_t *buf, size_t len, nn_array *out);

/* ---- streaming --------------------------------------------------------
 * Reader: parses the header, then hands out rows (along the first axis)
 * in chunks, converted to host order.  A 0-D array is 1 row of 1.
 *
 *   nn_npy_reader r;
 *   if (nn_npy_reader_open(&r, "-") < 0) ...;       // r.dtype, r.ndim, r.shape
 *   float *buf = ...rows_per_chunk * r.row_size elements...;
 *   int64_t n;
 *   while ((n = nn_npy_reader_read_rows(&r, buf, 256)) > 0) ...;
 *   if (n < 0) ...error...;
 *   nn_npy_reader_close(&r);
 *
 * read_rows returns the number of rows read (0 at the end, after checking
 * that no trailing bytes follow), -1 on error (truncated file...).
 * `buf` receives rows in r.dtype (the loaded type, after widening). */
typedef struct {
    FILE *fp;
    int own_fp;                 /* close fp in _close (not for stdin) */
    nn_dtype dtype;             /* type of the rows handed out */
    int ndim;
    int64_t shape[NN_MAX_DIMS];
    int64_t rows;               /* shape[0] (1 for a 0-D array) */
    int64_t row_size;           /* elements per row */
    int64_t rows_done;
    /* private */
    int file_code;              /* element code in the file */
    int swap;                   /* file is big-endian */
    size_t file_esize;          /* bytes per element in the file */
    uint8_t *tmp;               /* staging buffer for widening */
    size_t tmp_size;
} nn_npy_reader;

int nn_npy_reader_open(nn_npy_reader *r, const char *path);
int nn_npy_reader_open_fp(nn_npy_reader *r, FILE *fp);
int64_t nn_npy_reader_read_rows(nn_npy_reader *r, void *buf, int64_t max_rows);
void nn_npy_reader_close(nn_npy_reader *r);

/* Writer: given the full shape up front, accepts rows in chunks (so a
 * tool can stream to a pipe).  close checks that exactly shape[0] rows
 * were written and commits the output (atomic for files); abort removes
 * it.  For "-" data goes straight to stdout.
 *
 *   nn_npy_writer w;
 *   nn_npy_writer_open(&w, "out.npy", NN_F32, 2, (int64_t[]){n, 10});
 *   nn_npy_writer_write_rows(&w, rows, k);   // k rows of 10 float32
 *   nn_npy_writer_close(&w);                 // 0 or -1 */
typedef struct {
    void *out;                  /* nn_output*, private */
    FILE *fp;
    nn_dtype dtype;
    int ndim;
    int64_t shape[NN_MAX_DIMS];
    int64_t rows;
    int64_t row_size;
    int64_t rows_done;
    int failed;
} nn_npy_writer;

int nn_npy_writer_open(nn_npy_writer *w, const char *path, nn_dtype t, int ndim, const int64_t *shape);
int nn_npy_writer_write_rows(nn_npy_writer *w, const void *rows, int64_t n);
int nn_npy_writer_close(nn_npy_writer *w);
void nn_npy_writer_abort(nn_npy_writer *w);

/* The header bytes (magic, version, length, dict, padding) for an array
 * of this type and shape; *len receives its size.  malloc'd. */
int nn_npy_header(nn_dtype t, int ndim, const int64_t *shape, uint8_t **hdr, size_t *len);

#endif
