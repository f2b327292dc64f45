/* PNG decoder: chunk parsing with CRC checks, zlib data through our
 * inflate, the five row filters, Adam7 passes, and conversion of every
 * colour type / bit depth to 8- or 16-bit samples (see png.h). */
#include "image/png.h"

#include "core/error.h"
#include "core/file.h"
#include "core/mem.h"
#include "io/checksum.h"
#include "io/gzip.h"

#include <stdlib.h>
#include <string.h>

static const uint8_t png_signature[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

/* Adam7: first column, first row, column step, row step of each pass. */
static const int adam7[7][4] = {{0, 0, 8, 8}, {4, 0, 8, 8}, {0, 4, 4, 8}, {2, 0, 4, 4},
                                {0, 2, 2, 4}, {1, 0, 2, 2}, {0, 1, 1, 2}};

/* Deflate cannot expand data more than about 1032 : 1; a header asking
 * for more image data than that from its IDAT bytes is lying. */
#define MAX_INFLATE_RATIO 1032

typedef struct {
    uint32_t width, height;
    int depth, color, interlace;
    int in_channels;       /* samples per pixel in the file */
    uint8_t palette[256][4];
    int npal;
    int has_trns;
    uint16_t trns_key[3];  /* gray or RGB colour key (file bit depth) */
    uint8_t *idat;
    size_t idat_len, idat_cap;
} png_info;

static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static int channels_of(int color)
{
    switch (color) {
    case 0: return 1;
    case 2: return 3;
    case 3: return 1;
    case 4: return 2;
    case 6: return 4;
    default: return 0;
    }
}

static int parse_ihdr(png_info *info, const uint8_t *d, uint32_t len)
{
    if (len != 13)
        return nn_set_error("bad IHDR chunk length %u", (unsigned)len);
    info->width = be32(d);
    info->height = be32(d + 4);
    info->depth = d[8];
    info->color = d[9];
    info->interlace = d[12];
    if (info->width == 0 || info->height == 0 || info->width > 0x7fffffffu || info->height > 0x7fffffffu)
        return nn_set_error("bad image size %ux%u", (unsigned)info->width, (unsigned)info->height);
    int ok;
    switch (info->color) {
    case 0: ok = info->depth == 1 || info->depth == 2 || info->depth == 4 || info->depth == 8 || info->depth == 16; break;
    case 3: ok = info->depth == 1 || info->depth == 2 || info->depth == 4 || info->depth == 8; break;
    case 2:
    case 4:
    case 6: ok = info->depth == 8 || info->depth == 16; break;
    default: return nn_set_error("bad colour type %d", info->color);
    }
    if (!ok)
        return nn_set_error("bad bit depth %d for colour type %d", info->depth, info->color);
    if (d[10] != 0)
        return nn_set_error("unknown compression method %d", d[10]);
    if (d[11] != 0)
        return nn_set_error("unknown filter method %d", d[11]);
    if (info->interlace > 1)
        return nn_set_error("unknown interlace method %d", info->interlace);
    info->in_channels = channels_of(info->color);
    return 0;
}

static int append_idat(png_info *info, const uint8_t *d, uint32_t len)
{
    if (info->idat_cap - info->idat_len < len) {
        size_t cap = info->idat_cap ? info->idat_cap : 4096;
        while (cap - info->idat_len < len) {
            if (cap > SIZE_MAX / 2)
                return nn_set_error("image data too large");
            cap *= 2;
        }
        uint8_t *p = nn_realloc(info->idat, cap, 1);
        if (!p)
            return -1;
        info->idat = p;
        info->idat_cap = cap;
    }
    memcpy(info->idat + info->idat_len, d, len);
    info->idat_len += len;
    return 0;
}

/* Walk the chunks: validate order and CRCs, keep IHDR / PLTE / tRNS and
 * gather the IDAT data. */
static int read_chunks(png_info *info, const uint8_t *data, size_t len)
{
    if (len < 8 || memcmp(data, png_signature, 8) != 0)
        return nn_set_error("not a PNG file (bad signature)");
    size_t pos = 8;
    int have_ihdr = 0, have_plte = 0, idat_state = 0; /* 0 none yet, 1 in the run, 2 run ended */
    for (;;) {
        if (len - pos < 12)
            return nn_set_error("truncated PNG (no IEND chunk)");
        uint32_t clen = be32(data + pos);
        const uint8_t *type = data + pos + 4, *d = data + pos + 8;
        if (clen > 0x7fffffffu)
            return nn_set_error("bad chunk length %u", (unsigned)clen);
        if (len - pos - 12 < clen)
            return nn_set_error("truncated PNG (chunk %.4s at offset %zu)", (const char *)type, pos);
        for (int i = 0; i < 4; i++) {
            uint8_t c = type[i] & ~0x20;
            if (c < 'A' || c > 'Z')
                return nn_set_error("bad chunk type at offset %zu", pos);
        }
        char name[5];
        memcpy(name, type, 4);
        name[4] = 0;
        if (nn_crc32(0, type, (size_t)clen + 4) != be32(d + clen))
            return nn_set_error("CRC error in %s chunk", name);
        pos += (size_t)clen + 12;
        if (!have_ihdr && strcmp(name, "IHDR") != 0)
            return nn_set_error("first chunk is %s, not IHDR", name);
        if (idat_state == 1 && strcmp(name, "IDAT") != 0)
            idat_state = 2;

        if (strcmp(name, "IHDR") == 0) {
            if (have_ihdr)
                return nn_set_error("more than one IHDR chunk");
            if (parse_ihdr(info, d, clen))
                return -1;
            have_ihdr = 1;
        } else if (strcmp(name, "PLTE") == 0) {
            if (have_plte)
                return nn_set_error("more than one PLTE chunk");
            if (idat_state)
                return nn_set_error("PLTE chunk after image data");
            if (info->color == 0 || info->color == 4)
                return nn_set_error("PLTE chunk in a gray image");
            if (clen % 3 || clen == 0 || clen > 768)
                return nn_set_error("bad PLTE chunk length %u", (unsigned)clen);
            if (info->has_trns)
                return nn_set_error("tRNS chunk before PLTE");
            int n = (int)clen / 3;
            if (info->color == 3 && n > (1 << info->depth))
                return nn_set_error("palette of %d entries for bit depth %d", n, info->depth);
            for (int i = 0; i < n; i++) {
                memcpy(info->palette[i], d + 3 * i, 3);
                info->palette[i][3] = 255;
            }
            info->npal = n;
            have_plte = 1;
        } else if (strcmp(name, "tRNS") == 0) {
            if (info->has_trns)
                return nn_set_error("more than one tRNS chunk");
            if (idat_state)
                return nn_set_error("tRNS chunk after image data");
            if (info->color == 0) {
                if (clen != 2)
                    return nn_set_error("bad tRNS chunk length %u", (unsigned)clen);
                info->trns_key[0] = (uint16_t)(d[0] << 8 | d[1]);
            } else if (info->color == 2) {
                if (clen != 6)
                    return nn_set_error("bad tRNS chunk length %u", (unsigned)clen);
                for (int i = 0; i < 3; i++)
                    info->trns_key[i] = (uint16_t)(d[2 * i] << 8 | d[2 * i + 1]);
            } else if (info->color == 3) {
                if (!have_plte)
                    return nn_set_error("tRNS chunk before PLTE");
                if ((int)clen > info->npal)
                    return nn_set_error("tRNS chunk longer than the palette");
                for (uint32_t i = 0; i < clen; i++)
                    info->palette[i][3] = d[i];
            } else {
                return nn_set_error("tRNS chunk in an image with an alpha channel");
            }
            info->has_trns = 1;
        } else if (strcmp(name, "IDAT") == 0) {
            if (idat_state == 2)
                return nn_set_error("IDAT chunks are not consecutive");
            if (info->color == 3 && !have_plte)
                return nn_set_error("palette image without a PLTE chunk");
            idat_state = 1;
            if (append_idat(info, d, clen))
                return -1;
        } else if (strcmp(name, "IEND") == 0) {
            break;
        } else if (!(type[0] & 0x20)) {
            return nn_set_error("unknown critical chunk %s", name);
        }
        /* other ancillary chunks (gAMA, tEXt, ...) carry nothing we use */
    }
    if (idat_state == 0)
        return nn_set_error("no IDAT chunk");
    return 0;
}

static inline int paeth(int a, int b, int c)
{
    int p = a + b - c;
    int pa = abs(p - a), pb = abs(p - b), pc = abs(p - c);
    if (pa <= pb && pa <= pc)
        return a;
    return pb <= pc ? b : c;
}

/* Undo the filter of one row in place; prev is the unfiltered row above
 * (all zeros for the first row of a pass). */
static int unfilter(uint8_t *row, const uint8_t *prev, size_t n, size_t bpp, int type)
{
    switch (type) {
    case 0:
        break;
    case 1:
        for (size_t i = bpp; i < n; i++)
            row[i] = (uint8_t)(row[i] + row[i - bpp]);
        break;
    case 2:
        for (size_t i = 0; i < n; i++)
            row[i] = (uint8_t)(row[i] + prev[i]);
        break;
    case 3:
        for (size_t i = 0; i < bpp && i < n; i++)
            row[i] = (uint8_t)(row[i] + (prev[i] >> 1));
        for (size_t i = bpp; i < n; i++)
            row[i] = (uint8_t)(row[i] + ((row[i - bpp] + prev[i]) >> 1));
        break;
    case 4:
        for (size_t i = 0; i < bpp && i < n; i++)
            row[i] = (uint8_t)(row[i] + prev[i]);
        for (size_t i = bpp; i < n; i++)
            row[i] = (uint8_t)(row[i] + paeth(row[i - bpp], prev[i], prev[i - bpp]));
        break;
    default:
        return nn_set_error("bad filter type %d", type);
    }
    return 0;
}

/* Sample i of a row at bit depth d (big-endian bit and byte order). */
static inline unsigned sample(const uint8_t *row, size_t i, int d)
{
    switch (d) {
    case 8: return row[i];
    case 16: return (unsigned)row[2 * i] << 8 | row[2 * i + 1];
    default: {
        size_t bit = i * (size_t)d;
        return (row[bit >> 3] >> (8 - d - (bit & 7))) & ((1u << d) - 1);
    }
    }
}

/* Write the pixels of one unfiltered row of a pass into the image. */
static int convert_row(const png_info *info, const uint8_t *row, size_t pw, nn_image *img, size_t y, size_t x0,
                       size_t dx)
{
    int d = info->depth, inch = info->in_channels, och = img->channels;
    size_t w = (size_t)img->width;
    if (d == 16) {
        uint16_t *out = (uint16_t *)img->pixels + (y * w + x0) * (size_t)och;
        for (size_t x = 0; x < pw; x++, out += dx * (size_t)och) {
            unsigned s[4];
            for (int c = 0; c < inch; c++)
                s[c] = sample(row, x * (size_t)inch + (size_t)c, 16);
            for (int c = 0; c < inch; c++)
                out[c] = (uint16_t)s[c];
            if (och > inch) { /* tRNS colour key */
                int match = 1;
                for (int c = 0; c < inch; c++)
                    match &= s[c] == info->trns_key[c];
                out[inch] = match ? 0 : 65535;
            }
        }
        return 0;
    }
    uint8_t *out = (uint8_t *)img->pixels + (y * w + x0) * (size_t)och;
    if (info->color == 3) {
        for (size_t x = 0; x < pw; x++, out += dx * (size_t)och) {
            unsigned idx = sample(row, x, d);
            if ((int)idx >= info->npal)
                return nn_set_error("palette index %u out of range (%d entries)", idx, info->npal);
            memcpy(out, info->palette[idx], (size_t)och);
        }
        return 0;
    }
    if (d == 8 && och == inch && dx == 1) {
        memcpy(out, row, pw * (size_t)och);
        return 0;
    }
    /* gray depths 1, 2, 4 scale to 0..255 (times 255, 85, 17) */
    unsigned scale = d == 8 ? 1 : 255 / ((1u << d) - 1);
    for (size_t x = 0; x < pw; x++, out += dx * (size_t)och) {
        unsigned s[4];
        for (int c = 0; c < inch; c++)
            s[c] = sample(row, x * (size_t)inch + (size_t)c, d);
        for (int c = 0; c < inch; c++)
            out[c] = (uint8_t)(s[c] * scale);
        if (och > inch) {
            int match = 1;
            for (int c = 0; c < inch; c++)
                match &= s[c] == info->trns_key[c];
            out[inch] = match ? 0 : 255;
        }
    }
    return 0;
}

/* Size of the filtered data of one pass (rows of 1 + row bytes). */
static int pass_size(const png_info *info, size_t pw, size_t ph, size_t *rowbytes, size_t *total)
{
    size_t bits;
    *rowbytes = *total = 0;
    if (nn_mul_size(pw, (size_t)info->in_channels * (size_t)info->depth, &bits))
        return -1;
    *rowbytes = bits / 8 + (bits % 8 != 0);
    if (pw == 0 || ph == 0) {
        *total = 0;
        return 0;
    }
    return nn_mul_size(*rowbytes + 1, ph, total);
}

static void pass_dims(const png_info *info, int pass, size_t *pw, size_t *ph, size_t *x0, size_t *y0, size_t *dx,
                      size_t *dy)
{
    if (!info->interlace) {
        *pw = info->width;
        *ph = info->height;
        *x0 = *y0 = 0;
        *dx = *dy = 1;
        return;
    }
    const int *a = adam7[pass];
    *x0 = (size_t)a[0];
    *y0 = (size_t)a[1];
    *dx = (size_t)a[2];
    *dy = (size_t)a[3];
    *pw = info->width > *x0 ? (info->width - *x0 + *dx - 1) / *dx : 0;
    *ph = info->height > *y0 ? (info->height - *y0 + *dy - 1) / *dy : 0;
}

static int decode_image(png_info *info, nn_image *img)
{
    int npass = info->interlace ? 7 : 1;
    size_t expected = 0, max_row = 0;
    for (int p = 0; p < npass; p++) {
        size_t pw, ph, x0, y0, dx, dy, rb, t;
        pass_dims(info, p, &pw, &ph, &x0, &y0, &dx, &dy);
        if (pass_size(info, pw, ph, &rb, &t))
            return -1;
        if (t > SIZE_MAX - expected)
            return nn_set_error("image too large");
        expected += t;
        if (rb > max_row)
            max_row = rb;
    }
    if (expected / MAX_INFLATE_RATIO > info->idat_len + 64)
        return nn_set_error("image data too short for %ux%u pixels", (unsigned)info->width,
                            (unsigned)info->height);

    img->width = (int)info->width;
    img->height = (int)info->height;
    img->bit_depth = info->depth == 16 ? 16 : 8;
    img->channels = info->in_channels;
    if (info->color == 3)
        img->channels = info->has_trns ? 4 : 3;
    else if (info->has_trns)
        img->channels++;
    size_t count;
    int64_t dims[3] = {(int64_t)info->width, (int64_t)info->height, (int64_t)img->channels};
    if (nn_shape_count(dims, 3, &count))
        return -1;
    img->pixels = nn_alloc(count, (size_t)img->bit_depth / 8);
    if (!img->pixels)
        return -1;

    uint8_t *raw;
    size_t raw_len;
    if (nn_zlib_decompress(info->idat, info->idat_len, &raw, &raw_len))
        return -1;
    /* Extra bytes after the image are ignored, as libpng does. */
    if (raw_len < expected) {
        free(raw);
        return nn_set_error("image data too short (%zu of %zu bytes)", raw_len, expected);
    }
    uint8_t *zero = nn_calloc(max_row + 1, 1);
    if (!zero) {
        free(raw);
        return -1;
    }
    size_t bpp = (size_t)(info->in_channels * info->depth + 7) / 8;
    uint8_t *p = raw;
    int rc = 0;
    for (int pass = 0; pass < npass && !rc; pass++) {
        size_t pw, ph, x0, y0, dx, dy, rb = 0, t = 0;
        pass_dims(info, pass, &pw, &ph, &x0, &y0, &dx, &dy);
        pass_size(info, pw, ph, &rb, &t);
        if (t == 0)
            continue;
        const uint8_t *prev = zero;
        for (size_t y = 0; y < ph && !rc; y++) {
            uint8_t *row = p + 1;
            rc = unfilter(row, prev, rb, bpp, p[0]);
            if (!rc)
                rc = convert_row(info, row, pw, img, y0 + y * dy, x0, dx);
            prev = row;
            p += rb + 1;
        }
    }
    free(zero);
    free(raw);
    return rc;
}

int nn_png_decode(const uint8_t *data, size_t len, nn_image *out)
{
    memset(out, 0, sizeof *out);
    png_info *info = calloc(1, sizeof *info);
    if (!info)
        return nn_set_error("out of memory");
    int rc = read_chunks(info, data, len);
    if (!rc)
        rc = decode_image(info, out);
    free(info->idat);
    free(info);
    if (rc)
        nn_image_free(out);
    return rc;
}

int nn_png_load(const char *path, nn_image *out)
{
    uint8_t *data;
    size_t len;
    memset(out, 0, sizeof *out);
    if (nn_read_all(path, &data, &len))
        return -1;
    int rc = nn_png_decode(data, len, out);
    free(data);
    return rc;
}

void nn_image_free(nn_image *img)
{
    free(img->pixels);
    memset(img, 0, sizeof *img);
}

int nn_image_to_u8(nn_image *img, int channels)
{
    int ich = img->channels, och = channels ? channels : ich;
    if (och < 1 || och > 4)
        return nn_set_error("bad channel count %d", och);
    if (och == ich && img->bit_depth == 8)
        return 0;
    size_t n = (size_t)img->width * (size_t)img->height; /* fits: the pixels exist */
    uint8_t *out = nn_alloc(n, (size_t)och);
    if (!out)
        return -1;
    int has_alpha_in = ich == 2 || ich == 4, color_in = ich >= 3;
    int has_alpha_out = och == 2 || och == 4, color_out = och >= 3;
    for (size_t i = 0; i < n; i++) {
        unsigned s[4] = {0, 0, 0, 0};
        for (int c = 0; c < ich; c++) {
            if (img->bit_depth == 16) {
                unsigned v = ((const uint16_t *)img->pixels)[i * (size_t)ich + (size_t)c];
                s[c] = (v * 255u + 32767u) / 65535u;
            } else {
                s[c] = ((const uint8_t *)img->pixels)[i * (size_t)ich + (size_t)c];
            }
        }
        unsigned r, g, b, a = has_alpha_in ? s[ich - 1] : 255;
        if (color_in) {
            r = s[0];
            g = s[1];
            b = s[2];
        } else {
            r = g = b = s[0];
        }
        uint8_t *o = out + i * (size_t)och;
        if (color_out) {
            o[0] = (uint8_t)r;
            o[1] = (uint8_t)g;
            o[2] = (uint8_t)b;
        } else {
            /* ITU-R 601 luma in PIL's own fixed point (convert("L")), so
             * gray images match PIL to the level, not just within one. */
            o[0] = color_in ? (uint8_t)(((uint32_t)r * 19595 + (uint32_t)g * 38470 + (uint32_t)b * 7471 + 0x8000) >> 16)
                            : (uint8_t)r;
        }
        if (has_alpha_out)
            o[och - 1] = (uint8_t)a;
    }
    free(img->pixels);
    img->pixels = out;
    img->channels = och;
    img->bit_depth = 8;
    return 0;
}
