/* safetensors files (Hugging Face's tensor container): model weights and
 * their metadata.
 *
 * Layout: 8-byte little-endian header length N, N bytes of JSON
 *   {"name": {"dtype": "F32", "shape": [..], "data_offsets": [begin, end]},
 *    ..., "__metadata__": {"key": "value", ...}}
 * then the tensor bytes (little-endian, C order).  Offsets are relative to
 * the end of the header.
 *
 * Supported dtypes: F32 F64 I32 I64 U8.  On load the header is checked
 * strictly: the header size limit (100 MB), every tensor's byte count
 * matches dtype x shape, tensors are in bounds, do not overlap and leave no
 * gaps, and the data region has nothing after the last tensor.
 * Save keeps the order in which tensors were added (load keeps the order
 * of the data offsets, i.e. the file's layout), pads the header with
 * spaces to a multiple of 8 bytes, and is atomic (nn_output_*); "-" is
 * stdin/stdout.
 * Errors: -1 and a message via nn_set_error() that names no file. */
#ifndef NN_IO_SAFETENSORS_H
#define NN_IO_SAFETENSORS_H

#include "core/array.h"

#include <stddef.h>
#include <stdint.h>

typedef struct {
    int count;
    char **names;
    nn_array *arrays;
    int meta_count;
    char **meta_keys;
    char **meta_values;
} nn_safetensors;

void nn_st_init(nn_safetensors *st);
/* Add a copy of `a` under `name`; error if the name is already there,
 * empty, "__metadata__", or not valid UTF-8. */
int nn_st_add(nn_safetensors *st, const char *name, const nn_array *a);
/* Set (or replace) a metadata entry; both strings are copied and must be
 * valid UTF-8 (JSON strings). */
int nn_st_set_meta(nn_safetensors *st, const char *key, const char *value);
/* NULL if absent. */
const nn_array *nn_st_get(const nn_safetensors *st, const char *name);
const char *nn_st_meta(const nn_safetensors *st, const char *key);

int nn_st_save(const nn_safetensors *st, const char *path);
/* `st` needs no init; on error it is left empty (freed). */
int nn_st_load(const char *path, nn_safetensors *st);
/* Parse an in-memory file image. */
int nn_st_parse(const uint8_t *buf, size_t len, nn_safetensors *st);
void nn_st_free(nn_safetensors *st);

/* safetensors' dtype names ("F32"...) to and from nn_dtype; -1 if unknown. */
const char *nn_st_dtype_name(nn_dtype t);
int nn_st_dtype_parse(const char *name);

#endif
