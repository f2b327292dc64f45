/* safetensors reader (nn_st_parse).  Accepted files are looked up by
 * every name and metadata key and checked for the promised invariants
 * (unique, non-empty names; byte counts that match the shapes). */
#include "fuzz.h"
#include "io/safetensors.h"

#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_setup();
    nn_safetensors st;
    if (nn_st_parse(data, size, &st) < 0) {
        FUZZ_CHECK_ERROR();
        FUZZ_ASSERT(st.count == 0 && st.meta_count == 0);
        return 0;
    }
    size_t total = 0;
    for (int i = 0; i < st.count; i++) {
        FUZZ_ASSERT(st.names[i][0] != '\0');
        FUZZ_ASSERT(nn_st_get(&st, st.names[i]) == &st.arrays[i]);
        total += nn_array_bytes(&st.arrays[i]);
        /* Touch the first and last byte so ASan checks the buffer. */
        size_t nb = nn_array_bytes(&st.arrays[i]);
        if (nb) {
            volatile uint8_t x = ((uint8_t *)st.arrays[i].data)[0];
            x ^= ((uint8_t *)st.arrays[i].data)[nb - 1];
            (void)x;
        }
    }
    FUZZ_ASSERT(total <= size);
    for (int i = 0; i < st.meta_count; i++)
        FUZZ_ASSERT(nn_st_meta(&st, st.meta_keys[i]) == st.meta_values[i]);
    nn_st_free(&st);
    return 0;
}
