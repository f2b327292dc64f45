/* JPEG decoder: the islow IDCT against a double-precision IDCT, every
 * fixture (cjpeg-made: baseline 4:4:4/4:2:2/4:2:0/4:4:0/4:1:1, progressive,
 * restart markers, grayscale, RGB) against djpeg's decoding stored next to
 * it (tests/python/jpeg_fixtures.py made both), refusals of unsupported
 * kinds, and robustness: every truncation and many random byte flips of
 * several files must give an error or an image, never a crash (run under
 * SANITIZE=1 to check memory). */
#include "check.h"

#include "core/error.h"
#include "core/file.h"
#include "image/image.h"
#include "image/jpeg.h"
#include "image/pnm.h"
#include "math/rng.h"

#include <stdint.h>
#include <string.h>

#ifndef M_PI
#define M_PI 3.14159265358979323846
#endif
#define INV_SQRT2 0.70710678118654752440

static char path_buf[512];

static const char *fixture(const char *name)
{
    const char *root = getenv("NNPIPE_ROOT");
    snprintf(path_buf, sizeof path_buf, "%s/tests/fixtures/images/%s", root && *root ? root : ".", name);
    return path_buf;
}

static int read_fixture(const char *name, uint8_t **data, size_t *len)
{
    return nn_read_all(fixture(name), data, len);
}

static void test_idct_matches_float(void)
{
    nn_rng rng;
    nn_rng_seed(&rng, 11);
    uint16_t q[64];
    int16_t coef[64];
    uint8_t out[64];
    int worst = 0;
    for (int trial = 0; trial < 400; trial++) {
        for (int i = 0; i < 64; i++) {
            q[i] = (uint16_t)(1 + nn_rng_uniform(&rng) * 20);
            /* mostly small, a few big coefficients, many zeros */
            double u = nn_rng_uniform(&rng);
            coef[i] = (int16_t)(u < 0.5 ? 0 : (nn_rng_uniform(&rng) - 0.5) * (i == 0 ? 100 : 16));
        }
        nn_jpeg_idct_islow(coef, q, out, 8);
        for (int y = 0; y < 8; y++)
            for (int x = 0; x < 8; x++) {
                double s = 0;
                for (int v = 0; v < 8; v++)
                    for (int u2 = 0; u2 < 8; u2++) {
                        double cu = u2 ? 1.0 : INV_SQRT2, cv = v ? 1.0 : INV_SQRT2;
                        s += cu * cv * coef[v * 8 + u2] * q[v * 8 + u2] * cos((2 * x + 1) * u2 * M_PI / 16) *
                             cos((2 * y + 1) * v * M_PI / 16);
                    }
                double ref = s / 4 + 128;
                ref = ref < 0 ? 0 : ref > 255 ? 255 : ref;
                int d = (int)fabs(out[y * 8 + x] - floor(ref + 0.5));
                if (d > worst)
                    worst = d;
            }
    }
    CHECK(worst <= 1);
}

static void test_idct_dc_only(void)
{
    int16_t coef[64] = {0};
    uint16_t q[64];
    uint8_t out[64];
    for (int i = 0; i < 64; i++)
        q[i] = 1;
    coef[0] = 80; /* 80 / 8 = +10 */
    nn_jpeg_idct_islow(coef, q, out, 8);
    for (int i = 0; i < 64; i++)
        CHECK(out[i] == 138);
    coef[0] = -2000; /* clamps to 0 */
    nn_jpeg_idct_islow(coef, q, out, 8);
    CHECK(out[0] == 0 && out[63] == 0);
}

/* Decode name.jpg, compare with name.ref.EXT (djpeg); max difference. */
static int compare_with_djpeg(const char *name, const char *ext, int *max_diff)
{
    char jpg[128], ref[128];
    snprintf(jpg, sizeof jpg, "%s.jpg", name);
    snprintf(ref, sizeof ref, "%s.ref.%s", name, ext);
    nn_image a, b;
    if (nn_jpeg_load(fixture(jpg), &a)) {
        printf("    %s: %s\n", jpg, nn_last_error());
        return -1;
    }
    if (nn_pnm_load(fixture(ref), &b)) {
        nn_image_free(&a);
        return -1;
    }
    int rc = 0;
    *max_diff = 0;
    if (a.width != b.width || a.height != b.height || a.channels != b.channels || b.bit_depth != 8) {
        printf("    %s: %dx%dx%d, djpeg %dx%dx%d\n", jpg, a.width, a.height, a.channels, b.width, b.height,
               b.channels);
        rc = -1;
    } else {
        size_t n = (size_t)a.width * a.height * a.channels;
        const uint8_t *p = a.pixels, *r = b.pixels;
        for (size_t i = 0; i < n; i++) {
            int d = abs(p[i] - r[i]);
            if (d > *max_diff)
                *max_diff = d;
        }
    }
    nn_image_free(&a);
    nn_image_free(&b);
    return rc;
}

static const char *const variants[] = {"b444", "b422", "b420", "b440", "b411", "p420", "p444",
                                       "r420", "rp420", "gray", "pgray", "rgb", "q100", "q5", "seq3", "psa"};

static void test_matches_djpeg(void)
{
    uint8_t *probe;
    size_t plen;
    if (read_fixture("camvid_b420.jpg", &probe, &plen))
        SKIP("tests/fixtures/images not found (set NNPIPE_ROOT)");
    free(probe);
    const char *bases[] = {"camvid", "synth"};
    int worst = 0;
    for (int b = 0; b < 2; b++)
        for (size_t v = 0; v < sizeof variants / sizeof *variants; v++) {
            char name[64];
            snprintf(name, sizeof name, "%s_%s", bases[b], variants[v]);
            int d;
            int rc = compare_with_djpeg(name, strstr(variants[v], "gray") ? "pgm" : "ppm", &d);
            CHECK(rc == 0);
            if (rc == 0 && d > 2)
                printf("    %s: differs from djpeg by %d\n", name, d);
            if (rc == 0 && d > worst)
                worst = d;
        }
    /* The goal is 2 levels; the same arithmetic as djpeg gives 0. */
    CHECK(worst <= 2);
    printf("    largest difference from djpeg over %d files: %d\n",
           (int)(2 * sizeof variants / sizeof *variants), worst);
}

static void test_load_by_magic(void)
{
    nn_image im;
    if (nn_image_load(fixture("synth_p420.jpg"), &im))
        SKIP("fixtures not found");
    CHECK(im.width == 50 && im.height == 37 && im.channels == 3 && im.bit_depth == 8);
    nn_image_free(&im);
    CHECK(nn_image_load(fixture("camvid.pgm"), &im) == 0);
    CHECK(im.channels == 1 && im.width == 61 && im.height == 45);
    nn_image_free(&im);
    uint8_t junk[16] = "GIF89a.........";
    CHECK(nn_image_decode(junk, sizeof junk, &im) < 0);
    CHECK(strstr(nn_last_error(), "unsupported") != NULL);
    CHECK(nn_image_decode(junk, 0, &im) < 0);
}

static void test_arithmetic_refused(void)
{
    uint8_t *d;
    size_t n;
    if (read_fixture("synth_arith.jpg", &d, &n))
        SKIP("fixtures not found");
    nn_image im;
    CHECK(nn_jpeg_decode(d, n, &im) < 0);
    CHECK(strstr(nn_last_error(), "arithmetic") != NULL);
    CHECK(im.pixels == NULL);
    free(d);
}

/* Decode a fixture after an edit; returns the pixel sum (or -1). */
static long decode_sum(const uint8_t *d, size_t n)
{
    nn_image im;
    if (nn_jpeg_decode(d, n, &im))
        return -1;
    long s = 0;
    const uint8_t *p = im.pixels;
    for (size_t i = 0; i < (size_t)im.width * im.height * im.channels; i++)
        s += p[i] * (long)(i % 7 + 1);
    nn_image_free(&im);
    return s;
}

static void test_colour_markers(void)
{
    uint8_t *d;
    size_t n;
    if (read_fixture("camvid_rgb.jpg", &d, &n))
        SKIP("fixtures not found");
    /* cjpeg -rgb: Adobe APP14 (transform 0) first, ids 'R','G','B'. */
    CHECK(n > 20 && d[2] == 0xFF && d[3] == 0xEE && memcmp(d + 6, "Adobe", 5) == 0);
    size_t seg = 2 + (size_t)(d[4] << 8 | d[5]);
    long rgb = decode_sum(d, n);
    CHECK(rgb > 0);
    /* transform 1: the same planes read as YCbCr. */
    d[6 + 11] = 1;
    long ycc = decode_sum(d, n);
    CHECK(ycc > 0 && ycc != rgb);
    /* Adobe marker removed: the ids 'R','G','B' still mean RGB. */
    uint8_t *cut = malloc(n);
    memcpy(cut, d, 2);
    memcpy(cut + 2, d + 2 + seg, n - 2 - seg);
    CHECK(decode_sum(cut, n - seg) == rgb);
    /* A JFIF marker wins over the Adobe marker (as in libjpeg). */
    d[6 + 11] = 0;
    static const uint8_t jfif[18] = {0xFF, 0xE0, 0, 16, 'J', 'F', 'I', 'F', 0, 1, 1, 0, 0, 1, 0, 1, 0, 0};
    uint8_t *with = malloc(n + sizeof jfif);
    memcpy(with, d, 2);
    memcpy(with + 2, jfif, sizeof jfif);
    memcpy(with + 2 + sizeof jfif, d + 2, n - 2);
    CHECK(decode_sum(with, n + sizeof jfif) == ycc);
    free(with);
    free(cut);
    free(d);
}

/* SOI + SOF (marker m, precision p, nc components) + EOI. */
static size_t make_header(uint8_t *b, int m, int p, int nc)
{
    size_t k = 0;
    b[k++] = 0xFF;
    b[k++] = 0xD8;
    b[k++] = 0xFF;
    b[k++] = (uint8_t)m;
    int len = 8 + 3 * nc;
    b[k++] = (uint8_t)(len >> 8);
    b[k++] = (uint8_t)len;
    b[k++] = (uint8_t)p;
    b[k++] = 0;
    b[k++] = 16;
    b[k++] = 0;
    b[k++] = 16;
    b[k++] = (uint8_t)nc;
    for (int i = 0; i < nc; i++) {
        b[k++] = (uint8_t)(i + 1);
        b[k++] = 0x11;
        b[k++] = 0;
    }
    b[k++] = 0xFF;
    b[k++] = 0xD9;
    return k;
}

static void test_unsupported_kinds(void)
{
    uint8_t b[64];
    nn_image im;
    size_t n = make_header(b, 0xC0, 8, 4);
    CHECK(nn_jpeg_decode(b, n, &im) < 0 && strstr(nn_last_error(), "CMYK"));
    n = make_header(b, 0xC1, 12, 3);
    CHECK(nn_jpeg_decode(b, n, &im) < 0 && strstr(nn_last_error(), "12-bit"));
    n = make_header(b, 0xC3, 8, 3);
    CHECK(nn_jpeg_decode(b, n, &im) < 0 && strstr(nn_last_error(), "lossless"));
    n = make_header(b, 0xC9, 8, 3);
    CHECK(nn_jpeg_decode(b, n, &im) < 0 && strstr(nn_last_error(), "arithmetic"));
    n = make_header(b, 0xC0, 8, 3);
    CHECK(nn_jpeg_decode(b, n, &im) < 0 && strstr(nn_last_error(), "no image data"));
    CHECK(nn_jpeg_decode(b, 1, &im) < 0);
}

static void test_bad_tables_and_sizes(void)
{
    nn_image im;
    /* A Huffman table with three 1-bit codes (only two exist). */
    uint8_t dht[] = {0xFF, 0xD8, 0xFF, 0xC4, 0, 22, 0x00, 3, 0, 0, 0, 0, 0, 0, 0,
                     0,    0,    0,    0,    0, 0,  0,    0, 1, 2, 0xFF, 0xD9};
    CHECK(nn_jpeg_decode(dht, sizeof dht, &im) < 0 && strstr(nn_last_error(), "Huffman"));
    /* 200 codes of length 7 (128 exist): the fast table must not overflow. */
    uint8_t big[17 + 200 + 8] = {0xFF, 0xD8, 0xFF, 0xC4, 0, (uint8_t)(2 + 17 + 200), 0x10, 0, 0, 0, 0, 0, 0, 200};
    CHECK(nn_jpeg_decode(big, sizeof big, &im) < 0 && strstr(nn_last_error(), "Huffman"));
    /* A tiny file declaring 65535 x 65535 is refused before any allocation. */
    uint8_t b[64];
    size_t n = make_header(b, 0xC0, 8, 1);
    b[7] = b[8] = b[9] = b[10] = 0xFF;
    CHECK(nn_jpeg_decode(b, n, &im) < 0 && strstr(nn_last_error(), "too large"));
}

/* Every prefix must fail cleanly (or, for a prefix missing only the
 * EOI marker... also fail: the decoder asks for the whole file). */
static void test_truncations(void)
{
    const char *files[] = {"synth_b420.jpg", "synth_p420.jpg", "synth_rp420.jpg", "synth_pgray.jpg",
                           "synth_seq3.jpg", "synth_psa.jpg"};
    for (size_t f = 0; f < sizeof files / sizeof *files; f++) {
        uint8_t *d;
        size_t n;
        if (read_fixture(files[f], &d, &n))
            SKIP("fixtures not found");
        nn_image im;
        CHECK(nn_jpeg_decode(d, n, &im) == 0);
        nn_image_free(&im);
        int ok = 0;
        for (size_t cut = 0; cut < n; cut++) {
            uint8_t *copy = malloc(cut ? cut : 1); /* exact size: ASan sees over-reads */
            memcpy(copy, d, cut);
            if (nn_jpeg_decode(copy, cut, &im) == 0) {
                ok++;
                nn_image_free(&im);
            } else {
                CHECK(im.pixels == NULL && nn_last_error()[0]);
            }
            free(copy);
        }
        CHECK(ok == 0);
        free(d);
    }
}

static void test_random_corruption(void)
{
    const char *files[] = {"synth_b420.jpg", "synth_p420.jpg", "synth_r420.jpg", "camvid_b411.jpg",
                           "synth_rp420.jpg", "synth_gray.jpg", "synth_psa.jpg", "synth_seq3.jpg"};
    nn_rng rng;
    nn_rng_seed(&rng, 2024);
    int decoded = 0, failed = 0;
    for (size_t f = 0; f < sizeof files / sizeof *files; f++) {
        uint8_t *d;
        size_t n;
        if (read_fixture(files[f], &d, &n))
            SKIP("fixtures not found");
        uint8_t *copy = malloc(n);
        for (int trial = 0; trial < 300; trial++) {
            memcpy(copy, d, n);
            int flips = 1 + (int)(nn_rng_uniform(&rng) * 4);
            for (int k = 0; k < flips; k++) {
                size_t at = (size_t)(nn_rng_uniform(&rng) * n);
                if (nn_rng_uniform(&rng) < 0.5)
                    copy[at] ^= (uint8_t)(1u << (int)(nn_rng_uniform(&rng) * 8));
                else
                    copy[at] = (uint8_t)(nn_rng_uniform(&rng) * 256);
            }
            nn_image im;
            if (nn_jpeg_decode(copy, n, &im) == 0) {
                decoded++;
                CHECK(im.pixels != NULL && im.width > 0 && im.height > 0);
                nn_image_free(&im);
            } else {
                failed++;
            }
        }
        free(copy);
        free(d);
    }
    CHECK(decoded + failed == 300 * (int)(sizeof files / sizeof *files));
    CHECK(failed > 0);
}

int main(void)
{
    RUN(test_idct_matches_float);
    RUN(test_idct_dc_only);
    RUN(test_matches_djpeg);
    RUN(test_load_by_magic);
    RUN(test_arithmetic_refused);
    RUN(test_colour_markers);
    RUN(test_unsupported_kinds);
    RUN(test_bad_tables_and_sizes);
    RUN(test_truncations);
    RUN(test_random_corruption);
    return check_summary();
}
