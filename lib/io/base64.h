/* Base64 encoding (RFC 4648, standard alphabet, with '=' padding), for
 * images embedded in self-contained HTML and SVG files. */
#ifndef NN_IO_BASE64_H
#define NN_IO_BASE64_H

#include <stddef.h>
#include <stdint.h>

/* The base64 text of n bytes; malloc'd, NUL-terminated (NULL if out of
 * memory). */
char *nn_base64(const uint8_t *data, size_t n);

#endif
