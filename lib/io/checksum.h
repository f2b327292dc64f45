/* CRC-32 (the gzip / PNG / zip polynomial, reflected 0xEDB88320) and
 * Adler-32 (zlib).  Both continue a running value: start with
 * nn_crc32(0, NULL, 0) == 0 and nn_adler32(1, NULL, 0) == 1. */
#ifndef NN_IO_CHECKSUM_H
#define NN_IO_CHECKSUM_H

#include <stddef.h>
#include <stdint.h>

uint32_t nn_crc32(uint32_t crc, const uint8_t *data, size_t len);
uint32_t nn_adler32(uint32_t adler, const uint8_t *data, size_t len);

#endif
