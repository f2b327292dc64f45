/* Compression: round trips through our inflate at every level on data of
 * many shapes and sizes, and python's zlib/gzip decoding our streams. */
#include "check.h"

#include "core/error.h"
#include "core/file.h"
#include "io/checksum.h"
#include "io/deflate.h"
#include "io/gzip.h"
#include "io/inflate.h"
#include "math/rng.h"

#include <stdint.h>
#include <string.h>
#include <unistd.h>

typedef struct {
    const char *name;
    uint8_t *data;
    size_t n;
} sample;

static sample samples[32];
static int nsamples;

static void add_sample(const char *name, uint8_t *data, size_t n)
{
    samples[nsamples++] = (sample){name, data, n};
}

/* Text-like: words from a small vocabulary, with punctuation and lines. */
static uint8_t *make_text(nn_rng *r, size_t n)
{
    static const char *words[] = {"the", "network", "layer", "weights", "of", "a", "neural", "training",
                                  "loss", "and", "epoch", "accuracy", "gradient", "to", "is", "in"};
    uint8_t *d = malloc(n + 1);
    size_t p = 0;
    while (p < n) {
        const char *w = words[nn_rng_u64(r) % 16];
        for (size_t i = 0; w[i] && p < n; i++)
            d[p++] = (uint8_t)w[i];
        if (p < n)
            d[p++] = nn_rng_u64(r) % 12 == 0 ? '\n' : ' ';
    }
    return d;
}

static void make_samples(void)
{
    nn_rng r;
    nn_rng_seed(&r, 11);
    add_sample("empty", malloc(1), 0);
    uint8_t *one = malloc(1);
    one[0] = 'q';
    add_sample("one byte", one, 1);
    uint8_t *two = malloc(3);
    memcpy(two, "ab", 2);
    add_sample("two bytes", two, 2);
    add_sample("text 200k", make_text(&r, 200000), 200000);
    size_t n = 150000;
    uint8_t *rnd = malloc(n);
    for (size_t i = 0; i < n; i++)
        rnd[i] = (uint8_t)nn_rng_u64(&r);
    add_sample("random 150k", rnd, n);
    add_sample("zeros 1M", calloc(1 << 20, 1), 1 << 20);
    /* sizes around the stored-block (65535) and symbol-block (16384) limits */
    static const size_t edges[] = {16383, 16384, 16385, 65535, 65536, 65537, 131071};
    static const char *edge_names[] = {"random 16383", "random 16384", "random 16385", "random 65535",
                                       "random 65536", "random 65537", "random 131071"};
    for (int k = 0; k < 7; k++) {
        uint8_t *d = malloc(edges[k]);
        for (size_t i = 0; i < edges[k]; i++)
            d[i] = (uint8_t)nn_rng_u64(&r);
        add_sample(edge_names[k], d, edges[k]);
    }
    /* 16384 symbols exactly: each byte is a literal */
    /* Repeats exactly at, and just beyond, the 32 KiB window: a 40000-byte
     * random block copied, so matches at distance 32768 are legal and
     * 40000 is not. */
    static const size_t gaps[] = {32768, 32769, 40000};
    static const char *gap_names[] = {"repeat at 32768", "repeat at 32769", "repeat at 40000"};
    for (int k = 0; k < 3; k++) {
        size_t g = gaps[k];
        uint8_t *d = malloc(g * 3);
        for (size_t i = 0; i < g; i++)
            d[i] = (uint8_t)nn_rng_u64(&r);
        memcpy(d + g, d, g);
        memcpy(d + 2 * g, d, g);
        add_sample(gap_names[k], d, g * 3);
    }
    /* runs of varied lengths (tests length codes and distance 1) */
    n = 100000;
    uint8_t *runs = malloc(n);
    for (size_t p = 0; p < n;) {
        size_t len = 1 + nn_rng_u64(&r) % 400;
        uint8_t v = (uint8_t)nn_rng_u64(&r);
        for (size_t i = 0; i < len && p < n; i++)
            runs[p++] = v;
    }
    add_sample("runs", runs, n);
    /* pixel-like: a smooth 2-D field with noise (images, MNIST-ish) */
    n = 256 * 256;
    uint8_t *img = malloc(n);
    for (size_t i = 0; i < n; i++) {
        size_t y = i / 256, x = i % 256;
        img[i] = (x - 128) * (x - 128) + (y - 128) * (y - 128) < 4000 ? (uint8_t)(200 + nn_rng_u64(&r) % 40) : 0;
    }
    add_sample("image", img, n);
    /* skewed alphabet: 2 symbols -> very short codes, and one long-tail symbol */
    n = 70000;
    uint8_t *skew = malloc(n);
    for (size_t i = 0; i < n; i++) {
        uint64_t v = nn_rng_u64(&r) % 100000;
        skew[i] = v == 0 ? 'z' : v % 2 ? 'a' : 'b';
    }
    add_sample("skewed", skew, n);
}

static void free_samples(void)
{
    for (int i = 0; i < nsamples; i++)
        free(samples[i].data);
    nsamples = 0;
}

static void test_round_trip_all_levels(void)
{
    int bad = 0;
    for (int s = 0; s < nsamples; s++) {
        for (int level = 0; level <= 9; level++) {
            uint8_t *c, *d;
            size_t cn, dn, used;
            if (nn_deflate(samples[s].data, samples[s].n, level, &c, &cn)) {
                printf("    %s level %d: %s\n", samples[s].name, level, nn_last_error());
                bad++;
                continue;
            }
            if (cn > nn_deflate_bound(samples[s].n)) {
                printf("    %s level %d: %zu bytes > bound\n", samples[s].name, level, cn);
                bad++;
            }
            if (nn_inflate(c, cn, 0, &d, &dn, &used) || dn != samples[s].n ||
                memcmp(d, samples[s].data, dn) != 0 || used != cn) {
                printf("    %s level %d: round trip fails (%s)\n", samples[s].name, level, nn_last_error());
                bad++;
            } else {
                free(d);
            }
            free(c);
        }
    }
    CHECK(bad == 0);
}

static size_t compressed_size(const sample *s, int level)
{
    uint8_t *c;
    size_t cn;
    if (nn_deflate(s->data, s->n, level, &c, &cn))
        return 0;
    free(c);
    return cn;
}

static const sample *find(const char *name)
{
    for (int i = 0; i < nsamples; i++)
        if (strcmp(samples[i].name, name) == 0)
            return &samples[i];
    return NULL;
}

static void test_ratios(void)
{
    const sample *text = find("text 200k"), *zeros = find("zeros 1M"), *rnd = find("random 150k");
    const sample *far = find("repeat at 32768"), *toofar = find("repeat at 40000");
    size_t t1 = compressed_size(text, 1), t6 = compressed_size(text, 6), t9 = compressed_size(text, 9);
    /* 16 words: about 3.6 bits per word of 6 bytes, well under a third */
    CHECK(t6 > 0 && t6 < text->n / 3);
    CHECK(t9 <= t6 && t6 <= t1);
    CHECK(compressed_size(zeros, 6) < 2000);
    /* random data: stored blocks, 5 bytes of overhead per block of 16384 symbols */
    CHECK(compressed_size(rnd, 6) <= rnd->n + 5 * (rnd->n / 16384 + 1) + 1);
    CHECK(compressed_size(rnd, 0) == rnd->n + 5 * 3);
    /* a repeat exactly 32 KiB back is found; 40000 back is out of reach */
    CHECK(compressed_size(far, 6) < far->n / 2);
    CHECK(compressed_size(toofar, 6) > toofar->n * 9 / 10);
}

static void test_levels_and_args(void)
{
    uint8_t *c;
    size_t cn;
    CHECK(nn_deflate((const uint8_t *)"x", 1, 10, &c, &cn) == -1 && strstr(nn_last_error(), "level"));
    CHECK(nn_deflate((const uint8_t *)"x", 1, -2, &c, &cn) == -1);
    CHECK(nn_deflate((const uint8_t *)"x", 1, -1, &c, &cn) == 0);
    free(c);
    CHECK(nn_gzip((const uint8_t *)"x", 1, 11, &c, &cn) == -1);
    /* output is deterministic (no time stamp in the gzip header) */
    const sample *text = find("text 200k");
    uint8_t *a = NULL, *b = NULL;
    size_t an = 0, bn = 0;
    CHECK(nn_gzip(text->data, text->n, 6, &a, &an) == 0 && nn_gzip(text->data, text->n, 6, &b, &bn) == 0);
    CHECK(an == bn && memcmp(a, b, an) == 0);
    free(a);
    free(b);
}

static void test_containers_round_trip(void)
{
    for (int s = 0; s < nsamples; s++) {
        uint8_t *c, *d;
        size_t cn, dn;
        CHECK(nn_gzip(samples[s].data, samples[s].n, 6, &c, &cn) == 0);
        CHECK(nn_gunzip(c, cn, &d, &dn) == 0 && dn == samples[s].n && memcmp(d, samples[s].data, dn) == 0);
        free(c);
        free(d);
        CHECK(nn_zlib_compress(samples[s].data, samples[s].n, 1, &c, &cn) == 0);
        CHECK(nn_zlib_decompress(c, cn, &d, &dn) == 0 && dn == samples[s].n && memcmp(d, samples[s].data, dn) == 0);
        CHECK((c[0] * 256 + c[1]) % 31 == 0);
        free(c);
        free(d);
    }
    /* two gzip members concatenated = the two inputs concatenated */
    uint8_t *g1, *g2, *d;
    size_t n1, n2, dn;
    CHECK(nn_gzip((const uint8_t *)"first ", 6, 9, &g1, &n1) == 0);
    CHECK(nn_gzip((const uint8_t *)"second", 6, 0, &g2, &n2) == 0);
    uint8_t *both = malloc(n1 + n2);
    memcpy(both, g1, n1);
    memcpy(both + n1, g2, n2);
    CHECK(nn_gunzip(both, n1 + n2, &d, &dn) == 0 && dn == 12 && memcmp(d, "first second", 12) == 0);
    free(d);
    free(both);
    free(g1);
    free(g2);
}

/* nn_read_all_maybe_gz: a .gz file and a plain file read the same. */
static void test_read_maybe_gz(void)
{
    char plain[64], gzp[64];
    snprintf(plain, sizeof plain, "/tmp/nn-deflate-%d.txt", (int)getpid());
    snprintf(gzp, sizeof gzp, "/tmp/nn-deflate-%d.txt.gz", (int)getpid());
    const sample *text = find("text 200k");
    uint8_t *c;
    size_t cn;
    CHECK(nn_gzip(text->data, text->n, 6, &c, &cn) == 0);
    FILE *f = fopen(gzp, "wb");
    fwrite(c, 1, cn, f);
    fclose(f);
    f = fopen(plain, "wb");
    fwrite(text->data, 1, text->n, f);
    fclose(f);
    free(c);
    uint8_t *a = NULL, *b = NULL;
    size_t an = 0, bn = 0;
    CHECK(nn_read_all_maybe_gz(gzp, &a, &an) == 0 && nn_read_all_maybe_gz(plain, &b, &bn) == 0);
    CHECK(an == text->n && bn == an && memcmp(a, b, an) == 0 && a[an] == 0);
    free(a);
    free(b);
    /* damaged .gz: an error, not the raw bytes */
    f = fopen(gzp, "r+b");
    fseek(f, 40, SEEK_SET);
    fputc(0x55, f);
    fclose(f);
    CHECK(nn_read_all_maybe_gz(gzp, &a, &an) == -1);
    unlink(gzp);
    unlink(plain);
}

/* ---- python decodes ours ---------------------------------------------- */

static const char *python(void)
{
    const char *p = getenv("PYTHON");
    if (p && *p)
        return access(p, X_OK) == 0 ? p : NULL;
    return access("/usr/bin/python3", X_OK) == 0 ? "/usr/bin/python3" : NULL;
}

static const char *py_check =
    "import zlib, gzip, sys, os\n"
    "d = sys.argv[1]\n"
    "n = int(sys.argv[2])\n"
    "bad = 0\n"
    "for i in range(n):\n"
    "    raw = open(os.path.join(d, '%d.raw' % i), 'rb').read()\n"
    "    for lvl in range(10):\n"
    "        z = open(os.path.join(d, '%d.%d.zlib' % (i, lvl)), 'rb').read()\n"
    "        g = open(os.path.join(d, '%d.%d.gz' % (i, lvl)), 'rb').read()\n"
    "        try:\n"
    "            ok = zlib.decompress(z) == raw and gzip.decompress(g) == raw\n"
    "        except Exception as e:\n"
    "            print('    %d level %d: %s' % (i, lvl, e)); ok = False\n"
    "        if not ok: bad += 1\n"
    "sys.exit(1 if bad else 0)\n";

static void test_python_decodes_ours(void)
{
    const char *py = python();
    if (!py)
        SKIP("no python ($PYTHON)");
    char dir[64] = "/tmp/nn-deflate-XXXXXX";
    if (!mkdtemp(dir))
        SKIP("cannot make a temporary folder");
    char path[256];
    for (int s = 0; s < nsamples; s++) {
        snprintf(path, sizeof path, "%s/%d.raw", dir, s);
        FILE *f = fopen(path, "wb");
        fwrite(samples[s].data, 1, samples[s].n, f);
        fclose(f);
        for (int level = 0; level <= 9; level++) {
            uint8_t *c;
            size_t cn;
            CHECK(nn_zlib_compress(samples[s].data, samples[s].n, level, &c, &cn) == 0);
            snprintf(path, sizeof path, "%s/%d.%d.zlib", dir, s, level);
            f = fopen(path, "wb");
            fwrite(c, 1, cn, f);
            fclose(f);
            free(c);
            CHECK(nn_gzip(samples[s].data, samples[s].n, level, &c, &cn) == 0);
            snprintf(path, sizeof path, "%s/%d.%d.gz", dir, s, level);
            f = fopen(path, "wb");
            fwrite(c, 1, cn, f);
            fclose(f);
            free(c);
        }
    }
    snprintf(path, sizeof path, "%s/check.py", dir);
    FILE *f = fopen(path, "w");
    fputs(py_check, f);
    fclose(f);
    char cmd[512];
    snprintf(cmd, sizeof cmd, "'%s' '%s' '%s' %d", py, path, dir, nsamples);
    CHECK(system(cmd) == 0);
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        printf("    cannot remove %s\n", dir);
}

int main(void)
{
    make_samples();
    RUN(test_round_trip_all_levels);
    RUN(test_ratios);
    RUN(test_levels_and_args);
    RUN(test_containers_round_trip);
    RUN(test_read_maybe_gz);
    RUN(test_python_decodes_ours);
    free_samples();
    return check_summary();
}
