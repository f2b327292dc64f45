/* gzip (RFC 1952) and zlib (RFC 1950) containers. */
#include "io/gzip.h"

#include "core/error.h"
#include "core/file.h"
#include "core/mem.h"
#include "io/checksum.h"
#include "io/deflate.h"
#include "io/inflate.h"

#include <stdlib.h>
#include <string.h>

/* gzip header flags */
#define F_TEXT 1
#define F_HCRC 2
#define F_EXTRA 4
#define F_NAME 8
#define F_COMMENT 16

static uint32_t le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void put_le32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)(v >> 16);
    p[3] = (uint8_t)(v >> 24);
}

int nn_is_gzip(const uint8_t *data, size_t len) { return len >= 2 && data[0] == 0x1f && data[1] == 0x8b; }

/* Parse one member header at in[0..len); *hdr_len gets its size. */
static int gzip_header(const uint8_t *in, size_t len, size_t *hdr_len)
{
    if (len < 10)
        return nn_set_error("truncated gzip header");
    if (!nn_is_gzip(in, len))
        return nn_set_error("not gzip data (bad magic bytes)");
    if (in[2] != 8)
        return nn_set_error("gzip: unknown compression method %d", in[2]);
    unsigned flags = in[3];
    if (flags & 0xe0)
        return nn_set_error("gzip: reserved header flags set (0x%02x)", flags);
    size_t p = 10;
    if (flags & F_EXTRA) {
        if (len - p < 2)
            return nn_set_error("truncated gzip header");
        size_t xlen = in[p] | (size_t)in[p + 1] << 8;
        p += 2;
        if (len - p < xlen)
            return nn_set_error("truncated gzip header");
        p += xlen;
    }
    for (unsigned f = F_NAME; f <= F_COMMENT; f <<= 1) {
        if (!(flags & f))
            continue;
        const uint8_t *z = memchr(in + p, 0, len - p);
        if (!z)
            return nn_set_error("truncated gzip header");
        p = (size_t)(z - in) + 1;
    }
    if (flags & F_HCRC) {
        if (len - p < 2)
            return nn_set_error("truncated gzip header");
        unsigned want = in[p] | in[p + 1] << 8;
        if ((nn_crc32(0, in, p) & 0xffff) != want)
            return nn_set_error("gzip: header CRC mismatch");
        p += 2;
    }
    *hdr_len = p;
    return 0;
}

int nn_gunzip(const uint8_t *in, size_t in_len, uint8_t **out, size_t *out_len)
{
    nn_inflate_buf b = {0};
    size_t p = 0;
    *out = NULL;
    *out_len = 0;
    /* ISIZE of the last member: the whole size for a single-member file. */
    size_t hint = in_len >= 18 ? le32(in + in_len - 4) : 0;
    int members = 0;
    while (p < in_len) {
        if (members > 0) {
            /* Zero padding after the last member is tolerated. */
            size_t q = p;
            while (q < in_len && in[q] == 0)
                q++;
            if (q == in_len)
                break;
            if (!nn_is_gzip(in + p, in_len - p)) {
                free(b.data);
                return nn_set_error("trailing garbage after gzip data (offset %zu)", p);
            }
        }
        size_t hdr = 0, used = 0, start = b.len;
        if (gzip_header(in + p, in_len - p, &hdr))
            goto fail;
        p += hdr;
        if (nn_inflate_append(in + p, in_len - p, members == 0 ? hint : 0, &b, &used))
            goto fail;
        p += used;
        if (in_len - p < 8) {
            nn_set_error("truncated gzip data (missing CRC/size trailer)");
            goto fail;
        }
        uint32_t crc = nn_crc32(0, b.data + start, b.len - start);
        if (crc != le32(in + p)) {
            nn_set_error("gzip: CRC-32 mismatch (data %08x, trailer %08x)", (unsigned)crc, (unsigned)le32(in + p));
            goto fail;
        }
        if ((uint32_t)(b.len - start) != le32(in + p + 4)) {
            nn_set_error("gzip: size mismatch (data %zu bytes, trailer says %u mod 2^32)", b.len - start,
                         (unsigned)le32(in + p + 4));
            goto fail;
        }
        p += 8;
        members++;
    }
    if (members == 0) {
        free(b.data);
        return nn_set_error("empty gzip data");
    }
    *out = b.data;
    *out_len = b.len;
    return 0;
fail:
    free(b.data);
    return -1;
}

static int default_level(int level, int *out)
{
    if (level == -1)
        level = 6;
    if (level < 0 || level > 9)
        return nn_set_error("compression level %d is not in 0..9", level);
    *out = level;
    return 0;
}

/* Compress into a buffer with `head` bytes free in front and `tail` bytes
 * free at the end for a container. */
static int wrap(const uint8_t *in, size_t in_len, int level, size_t head, size_t tail, uint8_t **out,
                size_t *out_len)
{
    uint8_t *d;
    size_t dlen;
    if (nn_deflate(in, in_len, level, &d, &dlen))
        return -1;
    if (dlen > SIZE_MAX - head - tail) {
        free(d);
        return nn_set_error("output too large");
    }
    uint8_t *buf = nn_alloc(head + dlen + tail, 1);
    if (!buf) {
        free(d);
        return -1;
    }
    memcpy(buf + head, d, dlen);
    free(d);
    *out = buf;
    *out_len = head + dlen + tail;
    return 0;
}

int nn_gzip(const uint8_t *in, size_t in_len, int level, uint8_t **out, size_t *out_len)
{
    if (default_level(level, &level))
        return -1;
    uint8_t *buf = NULL;
    size_t n = 0;
    if (wrap(in, in_len, level, 10, 8, &buf, &n))
        return -1;
    /* No name, no time stamp (reproducible output); XFL 2 = best, 4 = fast; OS 3 = Unix. */
    static const uint8_t hdr[10] = {0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3};
    memcpy(buf, hdr, 10);
    buf[8] = level >= 9 ? 2 : level == 1 ? 4 : 0;
    put_le32(buf + n - 8, nn_crc32(0, in, in_len));
    put_le32(buf + n - 4, (uint32_t)in_len);
    *out = buf;
    *out_len = n;
    return 0;
}

int nn_zlib_compress(const uint8_t *in, size_t in_len, int level, uint8_t **out, size_t *out_len)
{
    if (default_level(level, &level))
        return -1;
    uint8_t *buf = NULL;
    size_t n = 0;
    if (wrap(in, in_len, level, 2, 4, &buf, &n))
        return -1;
    /* CMF: deflate, 32 KiB window.  FLG: level class, then FCHECK makes
     * CMF*256 + FLG a multiple of 31. */
    unsigned cmf = 0x78, lvl = level <= 1 ? 0 : level <= 5 ? 1 : level == 6 ? 2 : 3;
    unsigned flg = lvl << 6;
    flg += 31 - (cmf * 256 + flg) % 31;
    buf[0] = (uint8_t)cmf;
    buf[1] = (uint8_t)flg;
    uint32_t a = nn_adler32(1, in, in_len);
    buf[n - 4] = (uint8_t)(a >> 24);
    buf[n - 3] = (uint8_t)(a >> 16);
    buf[n - 2] = (uint8_t)(a >> 8);
    buf[n - 1] = (uint8_t)a;
    *out = buf;
    *out_len = n;
    return 0;
}

int nn_zlib_decompress(const uint8_t *in, size_t in_len, uint8_t **out, size_t *out_len)
{
    *out = NULL;
    *out_len = 0;
    if (in_len < 2)
        return nn_set_error("truncated zlib header");
    unsigned cmf = in[0], flg = in[1];
    if ((cmf & 15) != 8)
        return nn_set_error("zlib: unknown compression method %u", cmf & 15);
    if ((cmf >> 4) > 7)
        return nn_set_error("zlib: invalid window size");
    if ((cmf * 256 + flg) % 31 != 0)
        return nn_set_error("zlib: header check fails");
    if (flg & 0x20)
        return nn_set_error("zlib: preset dictionary not supported");
    uint8_t *d;
    size_t dlen, used;
    if (nn_inflate(in + 2, in_len - 2, 0, &d, &dlen, &used))
        return -1;
    const uint8_t *t = in + 2 + used;
    if (in_len - 2 - used < 4) {
        free(d);
        return nn_set_error("truncated zlib data (missing Adler-32)");
    }
    uint32_t want = (uint32_t)t[0] << 24 | (uint32_t)t[1] << 16 | (uint32_t)t[2] << 8 | t[3];
    if (nn_adler32(1, d, dlen) != want) {
        free(d);
        return nn_set_error("zlib: Adler-32 mismatch");
    }
    *out = d;
    *out_len = dlen;
    return 0;
}

int nn_read_all_maybe_gz(const char *path, uint8_t **data, size_t *len)
{
    uint8_t *raw;
    size_t n = 0;
    if (nn_read_all(path, &raw, &n))
        return -1;
    if (!nn_is_gzip(raw, n)) {
        *data = raw;
        *len = n;
        return 0;
    }
    int rc = nn_gunzip(raw, n, data, len);
    free(raw);
    return rc;
}
