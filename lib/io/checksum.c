#include "io/checksum.h"

#include <pthread.h>

/* CRC-32 by "slicing by 8": table[k][b] is the CRC of byte b followed by k
 * zero bytes, so eight input bytes cost eight independent lookups instead
 * of a serial chain of eight.  The tables are built once (pthread_once, so
 * concurrent first calls are safe). */
static uint32_t crc_table[8][256];
static pthread_once_t crc_once = PTHREAD_ONCE_INIT;

static void crc_init(void)
{
    for (uint32_t b = 0; b < 256; b++) {
        uint32_t c = b;
        for (int k = 0; k < 8; k++)
            c = (c & 1) ? (c >> 1) ^ 0xEDB88320u : c >> 1;
        crc_table[0][b] = c;
    }
    for (int t = 1; t < 8; t++)
        for (int b = 0; b < 256; b++)
            crc_table[t][b] = (crc_table[t - 1][b] >> 8) ^ crc_table[0][crc_table[t - 1][b] & 0xff];
}

uint32_t nn_crc32(uint32_t crc, const uint8_t *p, size_t len)
{
    if (len == 0)
        return crc;
    pthread_once(&crc_once, crc_init);
    uint32_t c = ~crc;
    while (len >= 8) {
        uint32_t lo = c ^ ((uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24);
        uint32_t hi = (uint32_t)p[4] | (uint32_t)p[5] << 8 | (uint32_t)p[6] << 16 | (uint32_t)p[7] << 24;
        c = crc_table[7][lo & 0xff] ^ crc_table[6][(lo >> 8) & 0xff] ^ crc_table[5][(lo >> 16) & 0xff] ^
            crc_table[4][lo >> 24] ^ crc_table[3][hi & 0xff] ^ crc_table[2][(hi >> 8) & 0xff] ^
            crc_table[1][(hi >> 16) & 0xff] ^ crc_table[0][hi >> 24];
        p += 8;
        len -= 8;
    }
    while (len--)
        c = (c >> 8) ^ crc_table[0][(c ^ *p++) & 0xff];
    return ~c;
}

/* Adler-32 (RFC 1950): sums modulo 65521.  5552 is the largest number of
 * bytes after which the 32-bit sum b cannot overflow before the modulo. */
#define ADLER_MOD 65521u
#define ADLER_RUN 5552

uint32_t nn_adler32(uint32_t adler, const uint8_t *p, size_t len)
{
    uint32_t a = adler & 0xffff, b = adler >> 16;
    while (len > 0) {
        size_t n = len < ADLER_RUN ? len : ADLER_RUN;
        len -= n;
        while (n >= 4) {
            a += p[0];
            b += a;
            a += p[1];
            b += a;
            a += p[2];
            b += a;
            a += p[3];
            b += a;
            p += 4;
            n -= 4;
        }
        while (n--) {
            a += *p++;
            b += a;
        }
        a %= ADLER_MOD;
        b %= ADLER_MOD;
    }
    return b << 16 | a;
}
