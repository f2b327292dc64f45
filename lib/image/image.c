/* Format detection and dispatch (see image.h). */
#include "image/image.h"

#include "core/error.h"
#include "core/file.h"
#include "image/jpeg.h"
#include "image/pnm.h"

#include <stdlib.h>
#include <string.h>

nn_image_format nn_image_detect(const uint8_t *data, size_t len)
{
    static const uint8_t png_sig[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
    if (len >= 8 && memcmp(data, png_sig, 8) == 0)
        return NN_IMG_PNG;
    if (len >= 3 && data[0] == 0xFF && data[1] == 0xD8 && data[2] == 0xFF)
        return NN_IMG_JPEG;
    if (len >= 3 && data[0] == 'P' && data[1] >= '1' && data[1] <= '6' &&
        (data[2] == ' ' || data[2] == '\t' || data[2] == '\n' || data[2] == '\r' || data[2] == '#'))
        return NN_IMG_PNM;
    return NN_IMG_UNKNOWN;
}

const char *nn_image_format_name(nn_image_format f)
{
    switch (f) {
    case NN_IMG_PNG: return "png";
    case NN_IMG_JPEG: return "jpeg";
    case NN_IMG_PNM: return "pnm";
    default: return "unknown";
    }
}

int nn_image_decode(const uint8_t *data, size_t len, nn_image *out)
{
    memset(out, 0, sizeof *out);
    switch (nn_image_detect(data, len)) {
    case NN_IMG_PNG: return nn_png_decode(data, len, out);
    case NN_IMG_JPEG: return nn_jpeg_decode(data, len, out);
    case NN_IMG_PNM: return nn_pnm_decode(data, len, out);
    default:
        if (len == 0)
            return nn_set_error("empty file");
        return nn_set_error("unsupported image format (not PNG, JPEG or PNM)");
    }
}

int nn_image_load(const char *path, nn_image *out)
{
    uint8_t *data;
    size_t len;
    memset(out, 0, sizeof *out);
    if (nn_read_all(path, &data, &len))
        return -1;
    int rc = nn_image_decode(data, len, out);
    free(data);
    return rc;
}

int nn_image_load_u8(const char *path, int channels, nn_image *out)
{
    if (nn_image_load(path, out))
        return -1;
    if (nn_image_to_u8(out, channels)) {
        nn_image_free(out);
        return -1;
    }
    return 0;
}
