/* Byte order of the files nnpipe writes: .npy and safetensors data are
 * little-endian on every host, so big-endian hosts swap on the way in and
 * out.  Shared by the npy and safetensors modules. */
#ifndef NN_IO_ENDIAN_H
#define NN_IO_ENDIAN_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

int nn_host_is_big_endian(void);
/* Reverse the bytes of each of count elements of esize bytes, in place. */
void nn_swap_bytes(uint8_t *p, size_t count, size_t esize);
/* Write n elements of esize bytes little-endian (swapping through a small
 * buffer on big-endian hosts); -1 with "write error: ..." on failure. */
int nn_write_le(FILE *fp, const void *data, size_t n, size_t esize);

#endif
