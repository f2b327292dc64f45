/* Arrays as tab-separated text: one row per line, elements separated by
 * tabs.  A 2-D array is a table, a 1-D array a column, a 0-D array one
 * value; higher dimensions are written as rows of their flattened trailing
 * dimensions.
 *
 * Numbers are written in the shortest form that reads back to the same
 * value (float32: at most 9 significant digits, float64: 17); NaN and
 * infinities as "nan", "inf", "-inf".
 * Errors: -1 and a message via nn_set_error() that names no file. */
#ifndef NN_IO_TSV_ARRAY_H
#define NN_IO_TSV_ARRAY_H

#include "core/array.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Element i of data (type t) as text; returns its length. */
int nn_tsv_format(char *buf, size_t size, const void *data, nn_dtype t, size_t i);

/* `rows` rows of `row_size` elements each as TSV lines. */
int nn_tsv_write_rows(FILE *fp, const void *data, nn_dtype t, int64_t rows, int64_t row_size);

/* Parse TSV text into an array of type t.  Every line needs the same
 * number of fields; a final newline is optional, CRLF is accepted.
 * One field per line gives a 1-D array unless keep_2d is set (then
 * (N, 1)).  Empty text gives shape (0,).  Values must fit t (integers:
 * whole numbers in range).  Errors name the line and field. */
int nn_tsv_parse(const char *text, size_t len, nn_dtype t, int keep_2d, nn_array *out);

#endif
