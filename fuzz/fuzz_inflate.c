/* Raw deflate decoder (nn_inflate, nn_inflate_append).  The first byte
 * picks a size hint (0 or a small value, to exercise buffer growth);
 * the rest is the stream.  A stream that decodes must decode the same
 * way when appended to a buffer that already holds data. */
#include "fuzz.h"
#include "io/inflate.h"

#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_setup();
    if (size < 1)
        return 0;
    size_t hint = data[0] & 0x80 ? (size_t)(data[0] & 0x7f) : 0;
    data++;
    size--;
    uint8_t *out = NULL;
    size_t out_len = 0, consumed = 0;
    int rc = nn_inflate(data, size, hint, &out, &out_len, &consumed);
    if (rc < 0) {
        FUZZ_CHECK_ERROR();
    } else {
        FUZZ_ASSERT(consumed <= size && out[out_len] == 0);
    }

    nn_inflate_buf buf = {0};
    static const uint8_t stored[] = {0x01, 0x03, 0x00, 0xfc, 0xff, 'a', 'b', 'c'};
    FUZZ_ASSERT(nn_inflate_append(stored, sizeof stored, 0, &buf, NULL) == 0 && buf.len == 3);
    size_t consumed2 = 0;
    int rc2 = nn_inflate_append(data, size, hint, &buf, &consumed2);
    FUZZ_ASSERT((rc == 0) == (rc2 == 0));
    if (rc == 0) {
        FUZZ_ASSERT(consumed2 == consumed && buf.len == 3 + out_len);
        FUZZ_ASSERT(memcmp(buf.data, "abc", 3) == 0 && memcmp(buf.data + 3, out, out_len) == 0);
        FUZZ_ASSERT(buf.data[buf.len] == 0);
    } else {
        FUZZ_ASSERT(buf.len == 3 && memcmp(buf.data, "abc", 3) == 0);
    }
    free(buf.data);
    free(out);
    return 0;
}
