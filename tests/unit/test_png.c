/* PNG: our writer read back by our decoder and by PIL, the PngSuite
 * conformance images against their expected RGBA pixels, and corrupt or
 * truncated files (errors, never crashes).
 *
 * With NNPIPE_PNG_OUT=DIR set, the writer test also leaves its PNGs and
 * the raw pixels in DIR (NAME.png, NAME.raw, NAME.txt = "w h channels")
 * for tests/bats/png.bats to check with other readers. */
#include "check.h"

#include "core/error.h"
#include "core/file.h"
#include "core/mem.h"
#include "image/png.h"
#include "io/checksum.h"
#include "math/rng.h"

#include <dirent.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

typedef struct {
    char name[32];
    int w, h, ch;
    uint8_t *px;
} test_image;

static test_image images[16];
static int nimages;

static void add_image(const char *name, int w, int h, int ch, int kind, nn_rng *r)
{
    test_image *t = &images[nimages++];
    snprintf(t->name, sizeof t->name, "%s", name);
    t->w = w;
    t->h = h;
    t->ch = ch;
    size_t n = (size_t)w * (size_t)h * (size_t)ch;
    t->px = malloc(n ? n : 1);
    for (size_t i = 0; i < n; i++) {
        size_t pix = i / (size_t)ch, x = pix % (size_t)w, y = pix / (size_t)w, c = i % (size_t)ch;
        switch (kind) {
        case 0: t->px[i] = (uint8_t)nn_rng_u64(r); break;                            /* noise */
        case 1: t->px[i] = (uint8_t)(x * 3 + y * 2 + c * 50); break;                 /* gradient */
        default: t->px[i] = ((x / 8 + y / 8) % 2) ? (uint8_t)(c * 60) : 255; break; /* checks */
        }
    }
}

static void make_images(void)
{
    nn_rng r;
    nn_rng_seed(&r, 7);
    add_image("gray_1x1", 1, 1, 1, 0, &r);
    add_image("gray_28x28", 28, 28, 1, 1, &r);
    add_image("ga_17x5", 17, 5, 2, 0, &r);
    add_image("rgb_64x48", 64, 48, 3, 1, &r);
    add_image("rgb_noise_33x31", 33, 31, 3, 0, &r);
    add_image("rgba_40x40", 40, 40, 4, 2, &r);
    add_image("rgba_1x300", 1, 300, 4, 1, &r);
    add_image("gray_500x400", 500, 400, 1, 2, &r);
    add_image("rgb_noise_700x600", 700, 600, 3, 0, &r); /* > 1 MiB: two IDAT chunks */
}

static void test_round_trip(void)
{
    const char *dir = getenv("NNPIPE_PNG_OUT");
    for (int i = 0; i < nimages; i++) {
        test_image *t = &images[i];
        uint8_t *png;
        size_t len;
        CHECK(nn_png_encode(t->px, t->w, t->h, t->ch, &png, &len) == 0);
        nn_image img;
        int rc = nn_png_decode(png, len, &img);
        if (rc)
            printf("    %s: %s\n", t->name, nn_last_error());
        CHECK(rc == 0);
        CHECK(img.width == t->w && img.height == t->h && img.channels == t->ch && img.bit_depth == 8);
        CHECK(rc == 0 && memcmp(img.pixels, t->px, (size_t)t->w * t->h * t->ch) == 0);
        nn_image_free(&img);
        if (dir && *dir) {
            char path[512];
            snprintf(path, sizeof path, "%.400s/%.31s.png", dir, t->name);
            CHECK(nn_png_save(path, t->px, t->w, t->h, t->ch) == 0);
            snprintf(path, sizeof path, "%.400s/%.31s.raw", dir, t->name);
            FILE *f = fopen(path, "wb");
            CHECK(f != NULL);
            if (f) {
                fwrite(t->px, 1, (size_t)t->w * t->h * t->ch, f);
                fclose(f);
            }
            snprintf(path, sizeof path, "%.400s/%.31s.txt", dir, t->name);
            f = fopen(path, "w");
            if (f) {
                fprintf(f, "%d %d %d\n", t->w, t->h, t->ch);
                fclose(f);
            }
        }
        free(png);
    }
    /* the big noise image is split into IDAT chunks of 1 MiB */
    {
        test_image *t = &images[nimages - 1];
        uint8_t *big;
        size_t blen;
        CHECK(nn_png_encode(t->px, t->w, t->h, t->ch, &big, &blen) == 0);
        int idats = 0;
        for (size_t p = 8; p + 12 <= blen;) {
            uint32_t L = (uint32_t)big[p] << 24 | (uint32_t)big[p + 1] << 16 | (uint32_t)big[p + 2] << 8 | big[p + 3];
            idats += memcmp(big + p + 4, "IDAT", 4) == 0;
            p += (size_t)L + 12;
        }
        CHECK(idats == 2);
        free(big);
    }
    /* the filter heuristic pays: a smooth gradient compresses well */
    uint8_t *png;
    size_t len;
    CHECK(nn_png_encode(images[3].px, 64, 48, 3, &png, &len) == 0 && len < 64 * 48 * 3 / 10);
    free(png);
}

static void test_encode_args(void)
{
    uint8_t px[4] = {0}, *png;
    size_t len;
    CHECK(nn_png_encode(px, 0, 1, 1, &png, &len) == -1);
    CHECK(nn_png_encode(px, 1, -1, 1, &png, &len) == -1);
    CHECK(nn_png_encode(px, 1, 1, 5, &png, &len) == -1 && strstr(nn_last_error(), "channel"));
    CHECK(nn_png_encode(px, 1, 1, 0, &png, &len) == -1);
    CHECK(nn_png_save("/nonexistent-dir/x.png", px, 1, 1, 1) == -1);
}

/* Conversions to 8 bits and between channel counts. */
static void test_to_u8(void)
{
    nn_image img = {2, 1, 2, 16, NULL};
    uint16_t *p = malloc(4 * sizeof *p);
    p[0] = 65535;
    p[1] = 0;
    p[2] = 257 * 100 + 128; /* rounds to 100 or 101 */
    p[3] = 65535;
    img.pixels = p;
    CHECK(nn_image_to_u8(&img, 4) == 0 && img.channels == 4 && img.bit_depth == 8);
    uint8_t *q = img.pixels;
    CHECK(q[0] == 255 && q[1] == 255 && q[2] == 255 && q[3] == 0);
    CHECK(q[4] == 100 && q[7] == 255);
    CHECK(nn_image_to_u8(&img, 1) == 0 && img.channels == 1);
    q = img.pixels;
    CHECK(q[0] == 255 && q[1] == 100);
    CHECK(nn_image_to_u8(&img, 5) == -1);
    nn_image_free(&img);
    CHECK(img.pixels == NULL);
}

/* ---- PngSuite ------------------------------------------------------------ */

/* Read a flat JSON array of integers. */
static long *read_json_ints(const char *path, size_t *count)
{
    uint8_t *d;
    size_t n;
    if (nn_read_all(path, &d, &n))
        return NULL;
    size_t cap = 1024, k = 0;
    long *v = malloc(cap * sizeof *v);
    for (size_t i = 0; i < n;) {
        if (d[i] >= '0' && d[i] <= '9') {
            long x = 0;
            while (i < n && d[i] >= '0' && d[i] <= '9')
                x = x * 10 + (d[i++] - '0');
            if (k == cap)
                v = realloc(v, (cap *= 2) * sizeof *v);
            v[k++] = x;
        } else {
            i++;
        }
    }
    free(d);
    *count = k;
    return v;
}

/* Pixel i, channel c of the image expanded to RGBA at its own depth. */
static long rgba_at(const nn_image *img, size_t i, int c)
{
    int ch = img->channels;
    long max = img->bit_depth == 16 ? 65535 : 255;
    int src;
    if (c == 3)
        src = ch == 2 ? 1 : ch == 4 ? 3 : -1;
    else
        src = ch >= 3 ? c : 0;
    if (src < 0)
        return max;
    size_t k = i * (size_t)ch + (size_t)src;
    return img->bit_depth == 16 ? ((const uint16_t *)img->pixels)[k] : ((const uint8_t *)img->pixels)[k];
}

static int compare_json(const nn_image *img, const char *json, int tolerance)
{
    size_t n;
    long *v = read_json_ints(json, &n);
    if (!v)
        return -1;
    size_t pixels = (size_t)img->width * (size_t)img->height;
    int bad = 0;
    if (n != pixels * 4) {
        bad = 1;
    } else {
        for (size_t i = 0; i < pixels && !bad; i++)
            for (int c = 0; c < 4; c++) {
                long d = rgba_at(img, i, c) - v[i * 4 + (size_t)c];
                if (d > tolerance || d < -tolerance)
                    bad = 1;
            }
    }
    free(v);
    return bad;
}

static int pngsuite_dir(char *dir, size_t size)
{
    const char *data = check_shared_data();
    if (!data)
        return -1;
    snprintf(dir, size, "%s/pngsuite", data);
    char probe[600];
    snprintf(probe, sizeof probe, "%s/png/basn0g01.png", dir);
    return access(probe, R_OK) == 0 ? 0 : -1;
}

static void test_pngsuite(void)
{
    char dir[512];
    if (pngsuite_dir(dir, sizeof dir))
        SKIP("no pngsuite in SHARED_DATA");
    char pngdir[600];
    snprintf(pngdir, sizeof pngdir, "%s/png", dir);
    DIR *dd = opendir(pngdir);
    CHECK(dd != NULL);
    if (!dd)
        return;
    int valid = 0, corrupt = 0, to8 = 0, sixteen = 0;
    struct dirent *e;
    while ((e = readdir(dd)) != NULL) {
        size_t L = strlen(e->d_name);
        if (L < 5 || strcmp(e->d_name + L - 4, ".png") != 0)
            continue;
        char base[64], path[800], json[800];
        snprintf(base, sizeof base, "%.*s", (int)(L - 4), e->d_name);
        snprintf(path, sizeof path, "%s/%s", pngdir, e->d_name);
        nn_image img;
        int rc = nn_png_load(path, &img);
        if (base[0] == 'x') {
            if (rc == 0)
                printf("    %s: corrupt file decoded without error\n", base);
            CHECK(rc == -1);
            if (rc == 0)
                nn_image_free(&img);
            corrupt++;
            continue;
        }
        if (rc) {
            printf("    %s: %s\n", base, nn_last_error());
            CHECK(rc == 0);
            continue;
        }
        snprintf(json, sizeof json, "%s/json/%s.json", dir, base);
        int cmp = compare_json(&img, json, 0);
        if (cmp)
            printf("    %s: pixels differ from %s.json (%dx%d, %d channels, %d bits)\n", base, base, img.width,
                   img.height, img.channels, img.bit_depth);
        CHECK(cmp == 0);
        valid++;
        if (img.bit_depth == 16) {
            sixteen++;
            snprintf(json, sizeof json, "%s/json/%s_to8.json", dir, base);
            if (access(json, R_OK) == 0) {
                CHECK(nn_image_to_u8(&img, 4) == 0);
                /* upstream's own 16 -> 8 rounding is off by one in places */
                int c8 = compare_json(&img, json, 1);
                if (c8)
                    printf("    %s: 8-bit pixels differ from %s_to8.json\n", base, base);
                CHECK(c8 == 0);
                to8++;
            }
        }
        nn_image_free(&img);
    }
    closedir(dd);
    printf("    info: pngsuite: %d valid images match, %d corrupt rejected, %d 16-bit (%d _to8)\n", valid, corrupt,
           sixteen, to8);
    CHECK(valid == 161 && corrupt == 14);
}

/* Every prefix of a few PngSuite files fails; flipped bytes never crash. */
static void test_damage(void)
{
    char dir[512];
    if (pngsuite_dir(dir, sizeof dir))
        SKIP("no pngsuite in SHARED_DATA");
    static const char *files[] = {"basi6a16", "basn3p02", "oi9n2c16", "tbbn3p08", "s09i3p02", "f04n2c08"};
    nn_rng r;
    nn_rng_seed(&r, 99);
    for (int f = 0; f < 6; f++) {
        char path[700];
        snprintf(path, sizeof path, "%s/png/%s.png", dir, files[f]);
        uint8_t *d;
        size_t n;
        CHECK(nn_read_all(path, &d, &n) == 0);
        int all_fail = 1;
        nn_image img;
        for (size_t cut = 0; cut < n; cut++) {
            if (nn_png_decode(d, cut, &img) == 0) {
                all_fail = 0;
                nn_image_free(&img);
            }
        }
        CHECK(all_fail);
        /* Random byte changes, with the chunk CRCs fixed up afterwards so the
         * damage reaches the zlib data and the filters. */
        uint8_t *c = malloc(n);
        for (int t = 0; t < 300; t++) {
            memcpy(c, d, n);
            for (int k = 0; k < 3; k++) {
                size_t at = 8 + nn_rng_u64(&r) % (n - 8);
                c[at] = (uint8_t)nn_rng_u64(&r);
            }
            if (t % 2) {
                for (size_t p = 8; p + 12 <= n;) {
                    uint32_t L = (uint32_t)c[p] << 24 | (uint32_t)c[p + 1] << 16 | (uint32_t)c[p + 2] << 8 | c[p + 3];
                    if (L > n - p - 12)
                        break;
                    uint32_t crc = nn_crc32(0, c + p + 4, (size_t)L + 4);
                    c[p + 8 + L] = (uint8_t)(crc >> 24);
                    c[p + 9 + L] = (uint8_t)(crc >> 16);
                    c[p + 10 + L] = (uint8_t)(crc >> 8);
                    c[p + 11 + L] = (uint8_t)crc;
                    p += (size_t)L + 12;
                }
            }
            if (nn_png_decode(c, n, &img) == 0)
                nn_image_free(&img);
        }
        free(c);
        free(d);
    }
}

/* A header asking for a huge image with a few bytes of data is refused
 * before any big allocation. */
static void test_hostile_header(void)
{
    uint8_t px[1] = {0}, *png;
    size_t len;
    CHECK(nn_png_encode(px, 1, 1, 1, &png, &len) == 0);
    /* IHDR data starts at 16: width, height */
    uint8_t w[4] = {0x7f, 0xff, 0xff, 0xff};
    memcpy(png + 16, w, 4);
    memcpy(png + 20, w, 4);
    uint32_t crc = nn_crc32(0, png + 12, 17);
    png[29] = (uint8_t)(crc >> 24);
    png[30] = (uint8_t)(crc >> 16);
    png[31] = (uint8_t)(crc >> 8);
    png[32] = (uint8_t)crc;
    nn_image img;
    CHECK(nn_png_decode(png, len, &img) == -1 && img.pixels == NULL);
    CHECK(strstr(nn_last_error(), "too short") != NULL || strstr(nn_last_error(), "limit") != NULL);
    /* and a CRC error is reported as such */
    png[32] ^= 1;
    CHECK(nn_png_decode(png, len, &img) == -1 && strstr(nn_last_error(), "CRC error in IHDR"));
    free(png);
    CHECK(nn_png_decode((const uint8_t *)"GIF89a", 6, &img) == -1 && strstr(nn_last_error(), "signature"));
    CHECK(nn_png_load("/nonexistent.png", &img) == -1);
}

/* ---- PIL reads our files ------------------------------------------------- */

static const char *python(void)
{
    const char *p = getenv("PYTHON");
    if (p && *p)
        return access(p, X_OK) == 0 ? p : NULL;
    return access("/usr/bin/python3", X_OK) == 0 ? "/usr/bin/python3" : NULL;
}

static const char *py_pil =
    "import sys, os\n"
    "try:\n"
    "    from PIL import Image\n"
    "except ImportError:\n"
    "    sys.exit(77)\n"
    "d = sys.argv[1]\n"
    "modes = {1: 'L', 2: 'LA', 3: 'RGB', 4: 'RGBA'}\n"
    "bad = 0\n"
    "for f in sorted(os.listdir(d)):\n"
    "    if not f.endswith('.png'): continue\n"
    "    b = f[:-4]\n"
    "    w, h, c = map(int, open(os.path.join(d, b + '.txt')).read().split())\n"
    "    im = Image.open(os.path.join(d, f)); im.load()\n"
    "    ok = im.size == (w, h) and im.mode == modes[c] and im.tobytes() == open(os.path.join(d, b + '.raw'), 'rb').read()\n"
    "    if not ok: print('    PIL disagrees on', f, im.size, im.mode); bad += 1\n"
    "sys.exit(1 if bad else 0)\n";

static void test_pil_reads_ours(void)
{
    const char *py = python();
    if (!py)
        SKIP("no python ($PYTHON)");
    char dir[64] = "/tmp/nn-png-XXXXXX";
    if (!mkdtemp(dir))
        SKIP("cannot make a temporary folder");
    char path[512];
    for (int i = 0; i < nimages; i++) {
        test_image *t = &images[i];
        snprintf(path, sizeof path, "%.400s/%.31s.png", dir, t->name);
        CHECK(nn_png_save(path, t->px, t->w, t->h, t->ch) == 0);
        snprintf(path, sizeof path, "%.400s/%.31s.raw", dir, t->name);
        FILE *f = fopen(path, "wb");
        fwrite(t->px, 1, (size_t)t->w * t->h * t->ch, f);
        fclose(f);
        snprintf(path, sizeof path, "%.400s/%.31s.txt", dir, t->name);
        f = fopen(path, "w");
        fprintf(f, "%d %d %d\n", t->w, t->h, t->ch);
        fclose(f);
    }
    snprintf(path, sizeof path, "%s/check.py", dir);
    FILE *f = fopen(path, "w");
    fputs(py_pil, f);
    fclose(f);
    char cmd[1200];
    snprintf(cmd, sizeof cmd, "'%s' '%s' '%s'", py, path, dir);
    int rc = system(cmd);
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        printf("    cannot remove %s\n", dir);
    if (rc != -1 && WIFEXITED(rc) && WEXITSTATUS(rc) == 77)
        SKIP("python has no PIL");
    CHECK(rc == 0);
}

/* Real-world files: a few CamVid photos and label maps decode to the same
 * bytes as Pillow gives (palette images compared after conversion). */
static const char *py_camvid =
    "import sys\n"
    "try:\n"
    "    from PIL import Image\n"
    "except ImportError:\n"
    "    sys.exit(77)\n"
    "d = sys.argv[1]\n"
    "bad = 0\n"
    "for line in open(d + '/list.txt'):\n"
    "    i, path, w, h, c = line.split()\n"
    "    im = Image.open(path); im.load()\n"
    "    mode = {'1': 'L', '2': 'LA', '3': 'RGB', '4': 'RGBA'}[c]\n"
    "    if im.mode != mode: im = im.convert(mode)\n"
    "    if im.size != (int(w), int(h)) or im.tobytes() != open('%s/%s.raw' % (d, i), 'rb').read():\n"
    "        print('    differs from PIL:', path); bad += 1\n"
    "sys.exit(1 if bad else 0)\n";

static void test_camvid_vs_pil(void)
{
    const char *data = check_shared_data(), *py = python();
    if (!data)
        SKIP("SHARED_DATA not set");
    if (!py)
        SKIP("no python ($PYTHON)");
    static const char *files[] = {"train/0001TP_006690.png", "trainannot/0001TP_006690.png",
                                  "val/0016E5_07959.png", "valannot/0016E5_07959.png"};
    char dir[64] = "/tmp/nn-camvid-XXXXXX";
    if (!mkdtemp(dir))
        SKIP("cannot make a temporary folder");
    char path[1200], list[128];
    snprintf(list, sizeof list, "%s/list.txt", dir);
    FILE *lf = fopen(list, "w");
    int n = 0;
    for (int i = 0; i < 4; i++) {
        snprintf(path, sizeof path, "%.500s/camvid/%s", data, files[i]);
        if (access(path, R_OK) != 0)
            continue;
        nn_image img;
        CHECK(nn_png_load(path, &img) == 0);
        if (!img.pixels)
            continue;
        fprintf(lf, "%d %s %d %d %d\n", i, path, img.width, img.height, img.channels);
        char raw[128];
        snprintf(raw, sizeof raw, "%s/%d.raw", dir, i);
        FILE *f = fopen(raw, "wb");
        fwrite(img.pixels, 1, (size_t)img.width * img.height * img.channels * (img.bit_depth / 8), f);
        fclose(f);
        nn_image_free(&img);
        n++;
    }
    fclose(lf);
    int rc = -1;
    if (n > 0) {
        snprintf(path, sizeof path, "%s/check.py", dir);
        FILE *f = fopen(path, "w");
        fputs(py_camvid, f);
        fclose(f);
        char cmd[1400];
        snprintf(cmd, sizeof cmd, "'%s' '%s' '%s'", py, path, dir);
        rc = system(cmd);
    }
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        printf("    cannot remove %s\n", dir);
    if (n == 0)
        SKIP("no camvid images in SHARED_DATA");
    if (rc != -1 && WIFEXITED(rc) && WEXITSTATUS(rc) == 77)
        SKIP("python has no PIL");
    CHECK(rc == 0);
}

int main(void)
{
    make_images();
    RUN(test_round_trip);
    RUN(test_encode_args);
    RUN(test_to_u8);
    RUN(test_pngsuite);
    RUN(test_damage);
    RUN(test_hostile_header);
    RUN(test_pil_reads_ours);
    RUN(test_camvid_vs_pil);
    for (int i = 0; i < nimages; i++)
        free(images[i].px);
    return check_summary();
}
