/* PNM: every kind P1-P6 from hand-written bytes (comments, odd maxvals,
 * 16-bit), refusals of truncated and malformed files at every prefix, and
 * a write/read round trip. */
#include "check.h"

#include "core/error.h"
#include "image/image.h"
#include "image/pnm.h"

#include <stdint.h>
#include <string.h>

static int decode_str(const char *s, size_t n, nn_image *im) { return nn_pnm_decode((const uint8_t *)s, n, im); }

static void test_plain_kinds(void)
{
    nn_image im;
    const char p1[] = "P1\n# a comment\n3 2\n0 1 0\n1 1 0\n";
    CHECK(decode_str(p1, sizeof p1 - 1, &im) == 0);
    CHECK(im.width == 3 && im.height == 2 && im.channels == 1 && im.bit_depth == 8);
    const uint8_t *p = im.pixels;
    CHECK(p[0] == 255 && p[1] == 0 && p[2] == 255 && p[3] == 0 && p[5] == 255);
    nn_image_free(&im);

    /* P1 digits need no separators. */
    const char p1b[] = "P1 3 1 011";
    CHECK(decode_str(p1b, sizeof p1b - 1, &im) == 0);
    p = im.pixels;
    CHECK(p[0] == 255 && p[1] == 0 && p[2] == 0);
    nn_image_free(&im);

    const char p2[] = "P2 2 2 15 0 15 7#c\n 8";
    CHECK(decode_str(p2, sizeof p2 - 1, &im) == 0);
    p = im.pixels;
    CHECK(p[0] == 0 && p[1] == 255 && p[2] == 119 && p[3] == 136); /* 7*255/15 = 119 */
    nn_image_free(&im);

    const char p3[] = "P3\n1 1\n65535\n65535 0 32768\n";
    CHECK(decode_str(p3, sizeof p3 - 1, &im) == 0);
    CHECK(im.channels == 3 && im.bit_depth == 16);
    const uint16_t *q = im.pixels;
    CHECK(q[0] == 65535 && q[1] == 0 && q[2] == 32768);
    CHECK(nn_image_to_u8(&im, 0) == 0);
    p = im.pixels;
    CHECK(p[0] == 255 && p[1] == 0 && (p[2] == 128 || p[2] == 127));
    nn_image_free(&im);
}

static void test_raw_kinds(void)
{
    nn_image im;
    /* P4: 10 pixels a row = 2 bytes, MSB first. */
    const uint8_t p4[] = {'P', '4', '\n', '1', '0', ' ', '2', '\n', 0xA0, 0x40, 0xFF, 0xC0};
    CHECK(nn_pnm_decode(p4, sizeof p4, &im) == 0);
    const uint8_t *p = im.pixels;
    CHECK(p[0] == 0 && p[1] == 255 && p[2] == 0 && p[9] == 0 && p[8] == 255);
    CHECK(p[10] == 0 && p[19] == 0);
    nn_image_free(&im);

    const uint8_t p5[] = {'P', '5', ' ', '2', ' ', '1', ' ', '2', '5', '5', '\n', 7, 200};
    CHECK(nn_pnm_decode(p5, sizeof p5, &im) == 0);
    p = im.pixels;
    CHECK(im.channels == 1 && p[0] == 7 && p[1] == 200);
    nn_image_free(&im);

    /* 16-bit samples are big-endian; maxval 1000 is rescaled. */
    const uint8_t p6[] = {'P', '6', '\n', '1', ' ', '1', '\n', '1', '0', '0', '0', '\n', 0x03, 0xE8, 0x01, 0xF4, 0, 0};
    CHECK(nn_pnm_decode(p6, sizeof p6, &im) == 0);
    const uint16_t *q = im.pixels;
    CHECK(im.bit_depth == 16 && q[0] == 65535 && q[1] == 32768 && q[2] == 0);
    nn_image_free(&im);

    /* Sample above maxval. */
    const uint8_t bad[] = {'P', '5', ' ', '1', ' ', '1', ' ', '9', '\n', 10};
    CHECK(nn_pnm_decode(bad, sizeof bad, &im) < 0 && strstr(nn_last_error(), "maxval"));
}

static void test_malformed(void)
{
    nn_image im;
    const char *bad[] = {"P7 1 1 255\n", "P5 0 1 255\n", "P5 1 1 0\n", "P5 1 1 70000\n", "P2 1 1 9 10",
                         "P5 x 1 255\n", "P6 99999999999 1 255\n", "P1 1 1 2"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        CHECK(decode_str(bad[i], strlen(bad[i]), &im) < 0);
        CHECK(im.pixels == NULL);
    }
    /* Every prefix of a good file fails cleanly (the last byte is data). */
    const char good[] = "P6\n# c\n3 2\n255\n" "abcdefghijklmnopqr";
    size_t n = sizeof good - 1;
    CHECK(decode_str(good, n, &im) == 0);
    nn_image_free(&im);
    for (size_t cut = 0; cut < n; cut++) {
        char *copy = malloc(cut + 1);
        memcpy(copy, good, cut);
        CHECK(decode_str(copy, cut, &im) < 0);
        free(copy);
    }
    const char plain[] = "P2 2 1 255 10 20";
    for (size_t cut = 0; cut + 2 < sizeof plain - 1; cut++) {
        char *copy = malloc(cut + 1);
        memcpy(copy, plain, cut);
        CHECK(decode_str(copy, cut, &im) < 0);
        free(copy);
    }
}

static void test_round_trip(void)
{
    uint8_t px[5 * 3 * 3];
    for (size_t i = 0; i < sizeof px; i++)
        px[i] = (uint8_t)(i * 17);
    for (int ch = 1; ch <= 3; ch += 2) {
        uint8_t *buf;
        size_t len;
        CHECK(nn_pnm_encode(px, 5, 3, ch, &buf, &len) == 0);
        CHECK(memcmp(buf, ch == 1 ? "P5\n5 3\n255\n" : "P6\n5 3\n255\n", 11) == 0);
        nn_image im;
        CHECK(nn_image_decode(buf, len, &im) == 0);
        CHECK(im.width == 5 && im.height == 3 && im.channels == ch && im.bit_depth == 8);
        CHECK(memcmp(im.pixels, px, (size_t)(15 * ch)) == 0);
        nn_image_free(&im);
        free(buf);
    }
    uint8_t *buf;
    size_t len;
    CHECK(nn_pnm_encode(px, 5, 3, 2, &buf, &len) < 0);
}

int main(void)
{
    RUN(test_plain_kinds);
    RUN(test_raw_kinds);
    RUN(test_malformed);
    RUN(test_round_trip);
    return check_summary();
}
