#include "io/endian.h"

#include "core/error.h"
#include "core/file.h"

#include <errno.h>
#include <string.h>

int nn_host_is_big_endian(void)
{
    const uint16_t one = 1;
    return *(const uint8_t *)&one == 0;
}

void nn_swap_bytes(uint8_t *p, size_t count, size_t esize)
{
    if (esize < 2)
        return;
    for (size_t i = 0; i < count; i++, p += esize)
        for (size_t a = 0, b = esize - 1; a < b; a++, b--) {
            uint8_t t = p[a];
            p[a] = p[b];
            p[b] = t;
        }
}

int nn_write_le(FILE *fp, const void *data, size_t n, size_t esize)
{
    if (!nn_host_is_big_endian() || esize == 1) {
        if (n && fwrite(data, esize, n, fp) != n)
            return nn_write_failed(fp, errno);
        return 0;
    }
    uint8_t tmp[4096];
    size_t per = sizeof tmp / esize;
    const uint8_t *p = data;
    while (n) {
        size_t k = n < per ? n : per;
        memcpy(tmp, p, k * esize);
        nn_swap_bytes(tmp, k, esize);
        if (fwrite(tmp, esize, k, fp) != k)
            return nn_write_failed(fp, errno);
        p += k * esize;
        n -= k;
    }
    return 0;
}
