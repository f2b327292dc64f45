#include "text/encoding.h"

#include "core/error.h"
#include "core/mem.h"

#include <stdlib.h>

/* cp1252 bytes 0x80-0x9F; 0 marks the undefined ones. */
static const uint16_t cp1252_high[32] = {
    0x20AC, 0,      0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
    0x2039, 0x0152, 0,      0x017D, 0,      0,      0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
    0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0,      0x017E, 0x0178,
};

int32_t nn_cp1252_codepoint(uint8_t b)
{
    if (b < 0x80 || b >= 0xA0)
        return b; /* ASCII and the latin-1 half are their own code points */
    uint16_t cp = cp1252_high[b - 0x80];
    return cp ? (int32_t)cp : -1;
}

int nn_utf8_put(uint32_t cp, char *buf)
{
    unsigned char *b = (unsigned char *)buf;
    if (cp < 0x80) {
        b[0] = (unsigned char)cp;
        return 1;
    }
    if (cp < 0x800) {
        b[0] = (unsigned char)(0xC0 | (cp >> 6));
        b[1] = (unsigned char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp >= 0xD800 && cp <= 0xDFFF)
        return 0;
    if (cp < 0x10000) {
        b[0] = (unsigned char)(0xE0 | (cp >> 12));
        b[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
        b[2] = (unsigned char)(0x80 | (cp & 0x3F));
        return 3;
    }
    if (cp <= 0x10FFFF) {
        b[0] = (unsigned char)(0xF0 | (cp >> 18));
        b[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3F));
        b[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
        b[3] = (unsigned char)(0x80 | (cp & 0x3F));
        return 4;
    }
    return 0;
}

int nn_cp1252_to_utf8(const uint8_t *in, size_t n, int replace, char **out, size_t *out_len, size_t *n_replaced)
{
    /* Every byte becomes at most 3 UTF-8 bytes (U+FFFD and U+20xx). */
    size_t cap;
    if (nn_mul_size(n, 3, &cap) < 0 || cap == SIZE_MAX)
        return -1;
    char *buf = nn_alloc(cap + 1, 1);
    if (!buf)
        return -1;
    size_t o = 0, bad = 0;
    for (size_t i = 0; i < n; i++) {
        uint8_t b = in[i];
        if (b < 0x80) {
            buf[o++] = (char)b;
            continue;
        }
        int32_t cp = nn_cp1252_codepoint(b);
        if (cp < 0) {
            if (!replace) {
                free(buf);
                return nn_set_error("byte 0x%02X at offset %zu is not a cp1252 character", b, i);
            }
            cp = 0xFFFD;
            bad++;
        }
        o += (size_t)nn_utf8_put((uint32_t)cp, buf + o);
    }
    buf[o] = 0;
    /* Shrink: most text is ASCII. */
    char *shrunk = realloc(buf, o + 1);
    *out = shrunk ? shrunk : buf;
    *out_len = o;
    if (n_replaced)
        *n_replaced = bad;
    return 0;
}

int nn_utf8_get(const uint8_t *s, size_t n, uint32_t *cp)
{
    if (n == 0)
        return 0;
    uint8_t b = s[0];
    if (b < 0x80) {
        *cp = b;
        return 1;
    }
    int len;
    uint32_t v, min;
    if ((b & 0xE0) == 0xC0) {
        len = 2, v = b & 0x1F, min = 0x80;
    } else if ((b & 0xF0) == 0xE0) {
        len = 3, v = b & 0x0F, min = 0x800;
    } else if ((b & 0xF8) == 0xF0) {
        len = 4, v = b & 0x07, min = 0x10000;
    } else {
        return 0;
    }
    if ((size_t)len > n)
        return 0;
    for (int i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        v = (v << 6) | (s[i] & 0x3F);
    }
    if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
        return 0;
    *cp = v;
    return len;
}

size_t nn_utf8_check(const uint8_t *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        if (s[i] < 0x80) {
            i++;
            continue;
        }
        uint32_t cp;
        int len = nn_utf8_get(s + i, n - i, &cp);
        if (!len)
            return i;
        i += (size_t)len;
    }
    return n;
}
