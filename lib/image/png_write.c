/* PNG writer for 8-bit gray, gray+alpha, RGB and RGBA images.
 *
 * Each row gets the filter whose output has the smallest sum of absolute
 * values (bytes read as signed), the usual heuristic: small residuals mean
 * few distinct, frequent byte values, which Huffman coding rewards. */
#include "image/png.h"

#include "core/error.h"
#include "core/file.h"
#include "core/mem.h"
#include "io/checksum.h"
#include "io/gzip.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define IDAT_MAX (1u << 20) /* bytes of image data per IDAT chunk */
#define PNG_LEVEL 6

static void put_be32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

/* Append a chunk (length, type, data, CRC of type + data) at out. */
static size_t put_chunk(uint8_t *out, const char *type, const uint8_t *data, uint32_t len)
{
    put_be32(out, len);
    memcpy(out + 4, type, 4);
    if (len)
        memcpy(out + 8, data, len);
    put_be32(out + 8 + len, nn_crc32(0, out + 4, (size_t)len + 4));
    return (size_t)len + 12;
}

static inline unsigned absdiff_cost(uint8_t b) { return b < 128 ? b : 256u - b; }

static inline uint8_t paeth(int a, int b, int c)
{
    int p = a + b - c;
    int pa = abs(p - a), pb = abs(p - b), pc = abs(p - c);
    if (pa <= pb && pa <= pc)
        return (uint8_t)a;
    return (uint8_t)(pb <= pc ? b : c);
}

/* Filter one row with the five filters into cand[0..4] (each n bytes) and
 * return the index of the cheapest. */
static int best_filter(const uint8_t *row, const uint8_t *prev, size_t n, size_t bpp, uint8_t *cand[5])
{
    uint64_t cost[5] = {0};
    for (size_t i = 0; i < n; i++) {
        int x = row[i], a = i >= bpp ? row[i - bpp] : 0, b = prev[i], c = i >= bpp ? prev[i - bpp] : 0;
        uint8_t f0 = (uint8_t)x, f1 = (uint8_t)(x - a), f2 = (uint8_t)(x - b), f3 = (uint8_t)(x - ((a + b) >> 1)),
                f4 = (uint8_t)(x - paeth(a, b, c));
        cand[0][i] = f0;
        cand[1][i] = f1;
        cand[2][i] = f2;
        cand[3][i] = f3;
        cand[4][i] = f4;
        cost[0] += absdiff_cost(f0);
        cost[1] += absdiff_cost(f1);
        cost[2] += absdiff_cost(f2);
        cost[3] += absdiff_cost(f3);
        cost[4] += absdiff_cost(f4);
    }
    int best = 0;
    for (int f = 1; f < 5; f++)
        if (cost[f] < cost[best])
            best = f;
    return best;
}

int nn_png_encode(const uint8_t *pixels, int width, int height, int channels, uint8_t **out, size_t *out_len)
{
    *out = NULL;
    *out_len = 0;
    if (width <= 0 || height <= 0)
        return nn_set_error("bad image size %dx%d", width, height);
    if (channels < 1 || channels > 4)
        return nn_set_error("bad channel count %d (1 to 4)", channels);
    size_t rowbytes, filtered_len;
    if (nn_mul_size((size_t)width, (size_t)channels, &rowbytes) ||
        nn_mul_size(rowbytes + 1, (size_t)height, &filtered_len))
        return -1;
    uint8_t *filtered = nn_alloc(filtered_len, 1);
    uint8_t *scratch = nn_alloc(rowbytes, 6); /* five candidates + a zero row */
    if (!filtered || !scratch) {
        free(filtered);
        free(scratch);
        return -1;
    }
    uint8_t *cand[5];
    for (int f = 0; f < 5; f++)
        cand[f] = scratch + (size_t)f * rowbytes;
    uint8_t *zero = scratch + 5 * rowbytes;
    memset(zero, 0, rowbytes);
    for (size_t y = 0; y < (size_t)height; y++) {
        const uint8_t *row = pixels + y * rowbytes, *prev = y ? row - rowbytes : zero;
        int f = best_filter(row, prev, rowbytes, (size_t)channels, cand);
        uint8_t *dst = filtered + y * (rowbytes + 1);
        dst[0] = (uint8_t)f;
        memcpy(dst + 1, cand[f], rowbytes);
    }
    free(scratch);
    uint8_t *z;
    size_t zlen;
    int rc = nn_zlib_compress(filtered, filtered_len, PNG_LEVEL, &z, &zlen);
    free(filtered);
    if (rc)
        return -1;

    size_t nidat = zlen / IDAT_MAX + 1;
    size_t total = 8 + 25 + 12 * nidat + zlen + 12;
    uint8_t *png = nn_alloc(total, 1);
    if (!png) {
        free(z);
        return -1;
    }
    static const uint8_t sig[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    static const uint8_t color_type[5] = {0, 0, 4, 2, 6};
    memcpy(png, sig, 8);
    size_t p = 8;
    uint8_t ihdr[13];
    put_be32(ihdr, (uint32_t)width);
    put_be32(ihdr + 4, (uint32_t)height);
    ihdr[8] = 8;
    ihdr[9] = color_type[channels];
    ihdr[10] = ihdr[11] = ihdr[12] = 0;
    p += put_chunk(png + p, "IHDR", ihdr, 13);
    for (size_t off = 0; off < zlen || off == 0; off += IDAT_MAX) {
        size_t n = zlen - off < IDAT_MAX ? zlen - off : IDAT_MAX;
        p += put_chunk(png + p, "IDAT", z + off, (uint32_t)n);
        if (off + n >= zlen)
            break;
    }
    p += put_chunk(png + p, "IEND", NULL, 0);
    free(z);
    *out = png;
    *out_len = p;
    return 0;
}

int nn_png_save(const char *path, const uint8_t *pixels, int width, int height, int channels)
{
    uint8_t *png;
    size_t len;
    if (nn_png_encode(pixels, width, height, channels, &png, &len))
        return -1;
    nn_output o;
    if (nn_output_open(&o, path)) {
        free(png);
        return -1;
    }
    if (fwrite(png, 1, len, o.fp) != len) {
        nn_write_failed(o.fp, errno);
        free(png);
        nn_output_abort(&o);
        return -1;
    }
    free(png);
    return nn_output_commit(&o);
}
