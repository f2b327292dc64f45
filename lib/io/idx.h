/* IDX files, the format of the MNIST distribution (LeCun & Cortes):
 *   bytes 0-1: zero, byte 2: element type, byte 3: number of dimensions,
 *   then one big-endian uint32 per dimension, then the data, big-endian,
 *   C order.  Files may be gzip-compressed (.gz; detected by content).
 *
 * Element types and what they load as:
 *   0x08 unsigned byte -> uint8     0x09 signed byte -> int32
 *   0x0B short (2 B)   -> int32     0x0C int (4 B)   -> int32
 *   0x0D float (4 B)   -> float32   0x0E double (8 B) -> float64
 * e.g. MNIST images: 0x00000803 (uint8, 3 dims), labels 0x00000801.
 *
 * The data length must match the dimensions exactly: a short file is
 * "truncated", extra bytes are an error.  Errors: -1 and a message via
 * nn_set_error() that names no file. */
#ifndef NN_IO_IDX_H
#define NN_IO_IDX_H

#include "core/array.h"

#include <stddef.h>
#include <stdint.h>

/* Read a raw or gzipped IDX file ("-" = stdin). */
int nn_idx_load(const char *path, nn_array *out);
/* Parse an uncompressed in-memory IDX image. */
int nn_idx_parse(const uint8_t *buf, size_t len, nn_array *out);
/* Write an uncompressed IDX file (atomic; "-" = stdout).  uint8 -> 0x08,
 * int32 -> 0x0C, float32 -> 0x0D, float64 -> 0x0E; int64 is refused.
 * 1 to 255 dimensions, each below 2^32; 0-D arrays are refused. */
int nn_idx_save(const char *path, const nn_array *a);

#endif
