/* Netpbm reader and writer (see pnm.h). */
#include "image/pnm.h"

#include "core/error.h"
#include "core/file.h"
#include "core/mem.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    const uint8_t *p;
    size_t len, pos;
} cursor;

static int is_space(int c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'; }

/* Skip whitespace and '#' comments (to the end of the line). */
static void skip_blank(cursor *c)
{
    while (c->pos < c->len) {
        int ch = c->p[c->pos];
        if (ch == '#') {
            while (c->pos < c->len && c->p[c->pos] != '\n' && c->p[c->pos] != '\r')
                c->pos++;
        } else if (is_space(ch)) {
            c->pos++;
        } else {
            break;
        }
    }
}

/* A decimal number in 0..limit; max_digits 1 reads a single P1 digit. */
static int read_uint(cursor *c, long limit, int max_digits, long *out, const char *what)
{
    skip_blank(c);
    if (c->pos >= c->len)
        return nn_set_error("truncated PNM file (reading %s)", what);
    if (c->p[c->pos] < '0' || c->p[c->pos] > '9')
        return nn_set_error("corrupt PNM file: expected a number for %s", what);
    long v = 0;
    int digits = 0;
    while (c->pos < c->len && c->p[c->pos] >= '0' && c->p[c->pos] <= '9' && digits < max_digits) {
        v = v * 10 + (c->p[c->pos++] - '0');
        digits++;
        if (v > limit)
            return nn_set_error("PNM %s out of range (above %ld)", what, limit);
    }
    *out = v;
    return 0;
}

int nn_pnm_decode(const uint8_t *data, size_t len, nn_image *out)
{
    memset(out, 0, sizeof *out);
    if (len < 2 || data[0] != 'P' || data[1] < '1' || data[1] > '6')
        return nn_set_error("not a PNM file");
    int kind = data[1] - '0';
    int plain = kind <= 3, bitmap = kind == 1 || kind == 4;
    int channels = (kind == 3 || kind == 6) ? 3 : 1;
    cursor c = {data, len, 2};
    long w, h, maxval = 1;
    if (read_uint(&c, 1 << 24, 9, &w, "width") || read_uint(&c, 1 << 24, 9, &h, "height"))
        return -1;
    if (!bitmap && read_uint(&c, 65535, 9, &maxval, "maxval"))
        return -1;
    if (w == 0 || h == 0)
        return nn_set_error("PNM image with zero width or height");
    if (maxval == 0)
        return nn_set_error("corrupt PNM file: maxval 0");
    if (!plain) {
        /* Exactly one whitespace byte separates the header from raw data. */
        if (c.pos >= c.len || !is_space(c.p[c.pos]))
            return nn_set_error("corrupt PNM file: no whitespace after the header");
        c.pos++;
    }
    int depth16 = maxval > 255;
    size_t n;
    if (nn_mul_size((size_t)w, (size_t)h, &n) || nn_mul_size(n, (size_t)channels, &n))
        return -1;
    /* Check the data can be there before allocating for it: every sample
     * takes at least one bit (P4), byte (plain) or sample size (raw). */
    size_t avail = c.len - c.pos;
    if (bitmap && !plain ? (avail / (((size_t)w + 7) / 8) < (size_t)h)
                         : (avail / (plain ? 1 : depth16 ? 2 : 1) < n))
        return nn_set_error("truncated PNM file");
    void *pix = nn_alloc(n, depth16 ? 2 : 1);
    if (!pix)
        return -1;
    uint8_t *p8 = pix;
    uint16_t *p16 = pix;
    long full = depth16 ? 65535 : 255;
    if (bitmap && !plain) {
        size_t rowbytes = ((size_t)w + 7) / 8;
        if ((c.len - c.pos) / rowbytes < (size_t)h) {
            free(pix);
            return nn_set_error("truncated PNM file");
        }
        for (long y = 0; y < h; y++) {
            const uint8_t *row = c.p + c.pos + (size_t)y * rowbytes;
            for (long x = 0; x < w; x++)
                p8[(size_t)y * (size_t)w + (size_t)x] = (row[x >> 3] >> (7 - (x & 7)) & 1) ? 0 : 255;
        }
    } else if (plain) {
        for (size_t i = 0; i < n; i++) {
            long v = 0;
            if (read_uint(&c, maxval, bitmap ? 1 : 9, &v, "sample")) {
                free(pix);
                return -1;
            }
            if (bitmap)
                p8[i] = v ? 0 : 255;
            else if (depth16)
                p16[i] = (uint16_t)((v * 65535 + maxval / 2) / maxval);
            else
                p8[i] = (uint8_t)((v * 255 + maxval / 2) / maxval);
        }
    } else {
        size_t bps = depth16 ? 2 : 1;
        if ((c.len - c.pos) / bps < n) {
            free(pix);
            return nn_set_error("truncated PNM file");
        }
        const uint8_t *s = c.p + c.pos;
        for (size_t i = 0; i < n; i++) {
            long v = depth16 ? (s[2 * i] << 8 | s[2 * i + 1]) : s[i];
            if (v > maxval) {
                free(pix);
                return nn_set_error("corrupt PNM file: sample %ld above maxval %ld", v, maxval);
            }
            if (maxval != full)
                v = (v * full + maxval / 2) / maxval;
            if (depth16)
                p16[i] = (uint16_t)v;
            else
                p8[i] = (uint8_t)v;
        }
    }
    out->width = (int)w;
    out->height = (int)h;
    out->channels = channels;
    out->bit_depth = depth16 ? 16 : 8;
    out->pixels = pix;
    return 0;
}

int nn_pnm_load(const char *path, nn_image *out)
{
    uint8_t *data;
    size_t len;
    memset(out, 0, sizeof *out);
    if (nn_read_all(path, &data, &len))
        return -1;
    int rc = nn_pnm_decode(data, len, out);
    free(data);
    return rc;
}

int nn_pnm_encode(const uint8_t *pixels, int width, int height, int channels, uint8_t **out, size_t *out_len)
{
    *out = NULL;
    *out_len = 0;
    if (channels != 1 && channels != 3)
        return nn_set_error("PNM output needs 1 or 3 channels, not %d", channels);
    if (width <= 0 || height <= 0)
        return nn_set_error("PNM output needs a positive size");
    char hdr[64];
    int hl = snprintf(hdr, sizeof hdr, "P%d\n%d %d\n255\n", channels == 1 ? 5 : 6, width, height);
    size_t n;
    if (nn_mul_size((size_t)width, (size_t)height, &n) || nn_mul_size(n, (size_t)channels, &n))
        return -1;
    uint8_t *buf = nn_alloc(n + (size_t)hl, 1);
    if (!buf)
        return -1;
    memcpy(buf, hdr, (size_t)hl);
    memcpy(buf + hl, pixels, n);
    *out = buf;
    *out_len = n + (size_t)hl;
    return 0;
}

int nn_pnm_save(const char *path, const uint8_t *pixels, int width, int height, int channels)
{
    uint8_t *buf;
    size_t len;
    if (nn_pnm_encode(pixels, width, height, channels, &buf, &len))
        return -1;
    nn_output o;
    if (nn_output_open(&o, path)) {
        free(buf);
        return -1;
    }
    if (fwrite(buf, 1, len, o.fp) != len) {
        free(buf);
        nn_output_abort(&o);
        return nn_set_error("write error");
    }
    free(buf);
    return nn_output_commit(&o);
}
