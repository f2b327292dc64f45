/* Base64: the test vectors of RFC 4648 section 10, and every byte value
 * through a decoder written here. */
#include "check.h"

#include "io/base64.h"

#include <stdlib.h>
#include <string.h>

static void test_rfc4648_vectors(void)
{
    static const char *in[] = {"", "f", "fo", "foo", "foob", "fooba", "foobar"};
    static const char *want[] = {"", "Zg==", "Zm8=", "Zm9v", "Zm9vYg==", "Zm9vYmE=", "Zm9vYmFy"};
    for (int i = 0; i < 7; i++) {
        char *s = nn_base64((const uint8_t *)in[i], strlen(in[i]));
        CHECK(s != NULL && strcmp(s, want[i]) == 0);
        free(s);
    }
}

static int value(char c)
{
    const char *tab = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    const char *p = strchr(tab, c);
    return c && p ? (int)(p - tab) : -1;
}

static void test_all_bytes_round_trip(void)
{
    uint8_t data[256], back[256];
    for (int i = 0; i < 256; i++)
        data[i] = (uint8_t)(255 - i);
    char *s = nn_base64(data, sizeof data);
    CHECK(s != NULL && strlen(s) == 344); /* 86 groups, the last padded by two */
    if (!s)
        return;
    size_t n = 0;
    for (size_t i = 0; s[i] && s[i] != '='; i += 4) {
        int v[4];
        for (int k = 0; k < 4; k++)
            v[k] = s[i + k] == '=' ? 0 : value(s[i + k]);
        CHECK(v[0] >= 0 && v[1] >= 0 && v[2] >= 0 && v[3] >= 0);
        uint32_t w = (uint32_t)v[0] << 18 | (uint32_t)v[1] << 12 | (uint32_t)v[2] << 6 | (uint32_t)v[3];
        for (int k = 0; k < 3 && n < sizeof back; k++)
            back[n++] = (uint8_t)(w >> (16 - 8 * k));
    }
    CHECK(n == sizeof back && memcmp(back, data, sizeof data) == 0);
    free(s);
}

int main(void)
{
    RUN(test_rfc4648_vectors);
    RUN(test_all_bytes_round_trip);
    return check_summary();
}
