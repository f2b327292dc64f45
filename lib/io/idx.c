/* IDX reader and writer (see idx.h). */
#include "io/idx.h"

#include "core/error.h"
#include "core/file.h"
#include "core/mem.h"
#include "io/gzip.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static uint64_t be_uint(const uint8_t *p, int n)
{
    uint64_t v = 0;
    for (int i = 0; i < n; i++)
        v = v << 8 | p[i];
    return v;
}

int nn_idx_parse(const uint8_t *buf, size_t len, nn_array *out)
{
    memset(out, 0, sizeof *out);
    if (len < 4)
        return nn_set_error(len ? "truncated IDX header" : "empty file (not an IDX file)");
    if (buf[0] || buf[1])
        return nn_set_error("not an IDX file (magic %02x%02x%02x%02x does not start with two zero bytes)", buf[0],
                            buf[1], buf[2], buf[3]);
    int type = buf[2], ndim = buf[3];
    nn_dtype t;
    int esize;
    switch (type) {
    case 0x08: t = NN_U8; esize = 1; break;
    case 0x09: t = NN_I32; esize = 1; break;
    case 0x0B: t = NN_I32; esize = 2; break;
    case 0x0C: t = NN_I32; esize = 4; break;
    case 0x0D: t = NN_F32; esize = 4; break;
    case 0x0E: t = NN_F64; esize = 8; break;
    default: return nn_set_error("not an IDX file (unknown element type 0x%02x)", type);
    }
    if (ndim == 0)
        return nn_set_error("IDX file with 0 dimensions");
    if (ndim > NN_MAX_DIMS)
        return nn_set_error("IDX file with %d dimensions (at most %d are supported)", ndim, NN_MAX_DIMS);
    if (len - 4 < (size_t)ndim * 4)
        return nn_set_error("truncated IDX header");
    int64_t shape[NN_MAX_DIMS];
    for (int i = 0; i < ndim; i++)
        shape[i] = be32(buf + 4 + 4 * i);
    size_t count, bytes;
    if (nn_shape_count(shape, ndim, &count) || nn_mul_size(count, (size_t)esize, &bytes))
        return -1;
    const uint8_t *data = buf + 4 + 4 * (size_t)ndim;
    size_t have = len - 4 - 4 * (size_t)ndim;
    if (have < bytes)
        return nn_set_error("truncated IDX data: the dimensions need %zu bytes, the file has %zu", bytes, have);
    if (have > bytes)
        return nn_set_error("%zu bytes after the IDX data (the dimensions need %zu)", have - bytes, bytes);
    nn_array a;
    if (nn_array_alloc(&a, t, ndim, shape))
        return -1;
    switch (type) {
    case 0x08: memcpy(a.data, data, count); break;
    case 0x09:
        for (size_t i = 0; i < count; i++)
            ((int32_t *)a.data)[i] = (int8_t)data[i];
        break;
    case 0x0B:
        for (size_t i = 0; i < count; i++)
            ((int32_t *)a.data)[i] = (int16_t)(uint16_t)be_uint(data + 2 * i, 2);
        break;
    case 0x0C:
        for (size_t i = 0; i < count; i++)
            ((int32_t *)a.data)[i] = (int32_t)be32(data + 4 * i);
        break;
    case 0x0D:
        for (size_t i = 0; i < count; i++) {
            uint32_t u = be32(data + 4 * i);
            memcpy((float *)a.data + i, &u, 4);
        }
        break;
    case 0x0E:
        for (size_t i = 0; i < count; i++) {
            uint64_t u = be_uint(data + 8 * i, 8);
            memcpy((double *)a.data + i, &u, 8);
        }
        break;
    }
    *out = a;
    return 0;
}

int nn_idx_load(const char *path, nn_array *out)
{
    memset(out, 0, sizeof *out);
    uint8_t *buf;
    size_t len;
    if (nn_read_all_maybe_gz(path, &buf, &len))
        return -1;
    int rc = nn_idx_parse(buf, len, out);
    free(buf);
    return rc;
}

int nn_idx_save(const char *path, const nn_array *a)
{
    int type, esize = (int)nn_dtype_size(a->dtype);
    switch (a->dtype) {
    case NN_U8: type = 0x08; break;
    case NN_I32: type = 0x0C; break;
    case NN_F32: type = 0x0D; break;
    case NN_F64: type = 0x0E; break;
    default: return nn_set_error("IDX has no %s element type", nn_dtype_name(a->dtype));
    }
    if (a->ndim < 1)
        return nn_set_error("IDX cannot hold a 0-dimensional array");
    for (int i = 0; i < a->ndim; i++)
        if (a->shape[i] < 0 || a->shape[i] > (int64_t)UINT32_MAX)
            return nn_set_error("dimension %lld does not fit IDX's 32-bit sizes", (long long)a->shape[i]);
    nn_output out;
    if (nn_output_open(&out, path))
        return -1;
    uint8_t hdr[4 + 4 * NN_MAX_DIMS] = {0, 0, (uint8_t)type, (uint8_t)a->ndim};
    for (int i = 0; i < a->ndim; i++)
        for (int k = 0; k < 4; k++)
            hdr[4 + 4 * i + k] = (uint8_t)((uint64_t)a->shape[i] >> (24 - 8 * k));
    int rc = fwrite(hdr, 1, 4 + 4 * (size_t)a->ndim, out.fp) == 4 + 4 * (size_t)a->ndim ? 0 : -1;
    /* Big-endian elements, a block at a time. */
    uint8_t block[4096];
    size_t n = nn_array_count(a), per = sizeof block / (size_t)esize;
    const uint8_t *src = a->data;
    for (size_t i = 0; i < n && rc == 0; i += per) {
        size_t k = n - i < per ? n - i : per;
        for (size_t j = 0; j < k; j++) {
            uint64_t u = 0;
            if (esize == 1)
                u = src[i + j];
            else if (esize == 4) {
                uint32_t v;
                memcpy(&v, src + 4 * (i + j), 4);
                u = v;
            } else {
                memcpy(&u, src + 8 * (i + j), 8);
            }
            for (int b = 0; b < esize; b++)
                block[(size_t)esize * j + (size_t)b] = (uint8_t)(u >> (8 * (esize - 1 - b)));
        }
        if (fwrite(block, (size_t)esize, k, out.fp) != k)
            rc = -1;
    }
    if (rc) {
        nn_write_failed(out.fp, errno);
        nn_output_abort(&out);
        return -1;
    }
    return nn_output_commit(&out);
}
