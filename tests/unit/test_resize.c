/* resize: Pillow's own output for every filter (fixtures made by
 * tests/python/jpeg_fixtures.py: a 61x45 CamVid crop shrunk to 23x17 and
 * stretched to 90x31, RGB and gray), plus properties that need no
 * reference: copies, constants, nearest never blends, box averages. */
#include "check.h"

#include "core/error.h"
#include "image/image.h"
#include "image/pnm.h"
#include "image/resize.h"

#include <stdint.h>
#include <string.h>

static char path_buf[512];

static const char *fixture(const char *name)
{
    const char *root = getenv("NNPIPE_ROOT");
    snprintf(path_buf, sizeof path_buf, "%s/tests/fixtures/images/%s", root && *root ? root : ".", name);
    return path_buf;
}

static const char *const filters[] = {"nearest", "box", "bilinear", "bicubic", "lanczos"};

/* Resize src with filter f to the size of ref; count samples off by more
 * than 0 and by more than 1. */
static void against(const nn_image *src, const char *ref_name, int f, int *off0, int *off1)
{
    nn_image ref;
    *off0 = *off1 = -1;
    if (nn_pnm_load(fixture(ref_name), &ref))
        return;
    size_t n = (size_t)ref.width * ref.height * ref.channels;
    uint8_t *out = malloc(n);
    CHECK(ref.channels == src->channels);
    CHECK(nn_resize_u8(src->pixels, src->width, src->height, src->channels, out, ref.width, ref.height,
                       (nn_resize_filter)f) == 0);
    *off0 = *off1 = 0;
    const uint8_t *r = ref.pixels;
    for (size_t i = 0; i < n; i++) {
        int d = abs(out[i] - r[i]);
        *off0 += d > 0;
        *off1 += d > 1;
    }
    free(out);
    nn_image_free(&ref);
}

static void test_matches_pillow(void)
{
    nn_image rgb, gray;
    if (nn_pnm_load(fixture("camvid.ppm"), &rgb))
        SKIP("tests/fixtures/images not found (set NNPIPE_ROOT)");
    CHECK(nn_pnm_load(fixture("camvid.pgm"), &gray) == 0);
    int total0 = 0;
    for (int f = 0; f < 5; f++) {
        char name[64];
        int o0, o1;
        const char *sizes[] = {"23x17", "90x31"};
        for (int s = 0; s < 2; s++) {
            snprintf(name, sizeof name, "resize_%s_%s.ppm", filters[f], sizes[s]);
            against(&rgb, name, f, &o0, &o1);
            CHECK(o0 >= 0 && o1 == 0);
            total0 += o0;
        }
        snprintf(name, sizeof name, "resize_%s_gray.pgm", filters[f]);
        against(&gray, name, f, &o0, &o1);
        CHECK(o0 >= 0 && o1 == 0);
        total0 += o0;
    }
    /* Same weights, same fixed point: identical, not just close. */
    CHECK(total0 == 0);
    nn_image_free(&rgb);
    nn_image_free(&gray);
}

static void test_parse_names(void)
{
    for (int f = 0; f < 5; f++) {
        CHECK(nn_resize_filter_parse(filters[f]) == f);
        CHECK(strcmp(nn_resize_filter_name((nn_resize_filter)f), filters[f]) == 0);
    }
    CHECK(nn_resize_filter_parse("cubic") == -1);
}

static void test_same_size_copies(void)
{
    uint8_t src[4 * 3 * 2], dst[sizeof src];
    for (size_t i = 0; i < sizeof src; i++)
        src[i] = (uint8_t)(i * 11);
    for (int f = 0; f < 5; f++) {
        memset(dst, 0, sizeof dst);
        CHECK(nn_resize_u8(src, 4, 3, 2, dst, 4, 3, (nn_resize_filter)f) == 0);
        CHECK(memcmp(src, dst, sizeof src) == 0);
    }
}

static void test_constant_stays_constant(void)
{
    uint8_t src[17 * 13 * 3];
    memset(src, 200, sizeof src);
    uint8_t dst[40 * 5 * 3];
    for (int f = 0; f < 5; f++) {
        CHECK(nn_resize_u8(src, 17, 13, 3, dst, 40, 5, (nn_resize_filter)f) == 0);
        int ok = 1;
        for (size_t i = 0; i < sizeof dst; i++)
            ok &= dst[i] == 200;
        CHECK(ok);
    }
}

static void test_nearest_never_blends(void)
{
    /* Labels 0..11 in a pattern; every output value must be an input one. */
    enum { W = 31, H = 23 };
    uint8_t src[W * H], dst[64 * 9];
    int seen[256] = {0};
    for (int i = 0; i < W * H; i++) {
        src[i] = (uint8_t)((i * 7 + i / W) % 12);
        seen[src[i]] = 1;
    }
    CHECK(nn_resize_u8(src, W, H, 1, dst, 64, 9, NN_RESIZE_NEAREST) == 0);
    int ok = 1;
    for (size_t i = 0; i < sizeof dst; i++)
        ok &= seen[dst[i]];
    CHECK(ok);
    /* Exact 2x reduction picks the pixel holding the centre: (2x+1, 2y+1). */
    uint8_t a[4 * 4] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15}, b[4];
    CHECK(nn_resize_u8(a, 4, 4, 1, b, 2, 2, NN_RESIZE_NEAREST) == 0);
    CHECK(b[0] == 5 && b[1] == 7 && b[2] == 13 && b[3] == 15);
}

static void test_box_averages(void)
{
    /* 2x2 box reduction = the rounded mean of each 2x2 square. */
    uint8_t a[4 * 2] = {10, 20, 30, 41, 0, 255, 100, 100}, b[2];
    CHECK(nn_resize_u8(a, 4, 2, 1, b, 2, 1, NN_RESIZE_BOX) == 0);
    /* horizontal pass: (10+20)/2=15, (30+41)/2=35.5->36; (0+255)/2=127.5->128, 100 */
    CHECK(b[0] == 72 && b[1] == 68); /* (15+128)/2 = 71.5 -> 72; (36+100)/2 = 68 */
}

static void test_extreme_sizes(void)
{
    uint8_t one[3] = {77, 0, 255}, big[9 * 4 * 3];
    for (int f = 0; f < 5; f++) {
        CHECK(nn_resize_u8(one, 1, 1, 3, big, 9, 4, (nn_resize_filter)f) == 0);
        int ok = 1;
        for (int i = 0; i < 36; i++)
            ok &= big[3 * i] == 77 && big[3 * i + 1] == 0 && big[3 * i + 2] == 255;
        CHECK(ok);
    }
    /* A 1-pixel-high ramp of 0..99 shrunk to one pixel: the mean 49.5,
     * less the truncation of the 22-bit weights: Pillow 9.4 gives 49 for
     * box, 50 bilinear, 50 bicubic, 49 lanczos. */
    uint8_t ramp[100], px;
    for (int i = 0; i < 100; i++)
        ramp[i] = (uint8_t)i;
    CHECK(nn_resize_u8(ramp, 100, 1, 1, &px, 1, 1, NN_RESIZE_BOX) == 0);
    CHECK(px == 49);
    const uint8_t pil[5] = {0, 49, 50, 50, 49};
    for (int f = 2; f < 5; f++) {
        CHECK(nn_resize_u8(ramp, 100, 1, 1, &px, 1, 1, (nn_resize_filter)f) == 0);
        CHECK(px == pil[f]);
    }
}

static void test_bad_arguments(void)
{
    uint8_t a[4] = {0}, b[4];
    CHECK(nn_resize_u8(a, 0, 2, 1, b, 2, 2, NN_RESIZE_BOX) < 0);
    CHECK(nn_resize_u8(a, 2, 2, 5, b, 2, 2, NN_RESIZE_BOX) < 0);
    CHECK(nn_resize_u8(a, 2, 2, 1, b, 2, -1, NN_RESIZE_BOX) < 0);
    CHECK(nn_resize_u8(a, 2, 2, 1, b, 1, 1, (nn_resize_filter)9) < 0);
}

int main(void)
{
    RUN(test_matches_pillow);
    RUN(test_parse_names);
    RUN(test_same_size_copies);
    RUN(test_constant_stays_constant);
    RUN(test_nearest_never_blends);
    RUN(test_box_averages);
    RUN(test_extreme_sizes);
    RUN(test_bad_arguments);
    return check_summary();
}
