/* Decompression: checksums, hand-made and python-zlib-made streams, the
 * MNIST .gz files, and corrupt / truncated / hostile input (errors, never
 * crashes). */
#include "check.h"

#include "core/error.h"
#include "core/file.h"
#include "core/mem.h"
#include "core/timer.h"
#include "io/checksum.h"
#include "io/gzip.h"
#include "io/inflate.h"
#include "math/rng.h"

#include <stdint.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void test_checksums(void)
{
    const uint8_t *s = (const uint8_t *)"123456789";
    CHECK(nn_crc32(0, s, 9) == 0xCBF43926u);
    CHECK(nn_crc32(0, NULL, 0) == 0);
    /* running value = one pass */
    CHECK(nn_crc32(nn_crc32(0, s, 4), s + 4, 5) == 0xCBF43926u);
    CHECK(nn_adler32(1, s, 9) == 0x091E01DEu);
    CHECK(nn_adler32(1, (const uint8_t *)"Wikipedia", 9) == 0x11E60398u);
    CHECK(nn_adler32(1, NULL, 0) == 1);
    /* long input: the modulo must be taken in time (all 0xff is the worst case) */
    static uint8_t ff[100000];
    memset(ff, 0xff, sizeof ff);
    uint32_t a = 1, b = 0;
    for (size_t i = 0; i < sizeof ff; i++) {
        a = (a + 0xff) % 65521;
        b = (b + a) % 65521;
    }
    CHECK(nn_adler32(1, ff, sizeof ff) == (b << 16 | a));
    CHECK(nn_adler32(nn_adler32(1, ff, 7777), ff + 7777, sizeof ff - 7777) == (b << 16 | a));
    /* CRC-32 against a bitwise reference on odd lengths */
    uint32_t c = 0xffffffffu;
    for (size_t i = 0; i < 1001; i++) {
        c ^= (uint8_t)(i * 7);
        for (int k = 0; k < 8; k++)
            c = (c >> 1) ^ (0xEDB88320u & (0u - (c & 1)));
    }
    uint8_t buf[1001];
    for (size_t i = 0; i < sizeof buf; i++)
        buf[i] = (uint8_t)(i * 7);
    CHECK(nn_crc32(0, buf, sizeof buf) == ~c);
}

static int inflate_str(const uint8_t *in, size_t n, uint8_t **out, size_t *len)
{
    size_t used;
    return nn_inflate(in, n, 0, out, len, &used);
}

static void test_handmade(void)
{
    uint8_t *out;
    size_t len;
    /* stored block, final: "hi" */
    const uint8_t stored[] = {0x01, 0x02, 0x00, 0xfd, 0xff, 'h', 'i'};
    CHECK(inflate_str(stored, sizeof stored, &out, &len) == 0 && len == 2 && memcmp(out, "hi", 2) == 0 &&
          out[2] == 0);
    free(out);
    /* fixed Huffman "a" then end of block: zlib.compress(b'a')[2:-4] */
    const uint8_t fixed_a[] = {0x4b, 0x04, 0x00};
    CHECK(inflate_str(fixed_a, sizeof fixed_a, &out, &len) == 0 && len == 1 && out[0] == 'a');
    free(out);
    /* empty fixed block */
    const uint8_t empty[] = {0x03, 0x00};
    CHECK(inflate_str(empty, sizeof empty, &out, &len) == 0 && len == 0);
    free(out);
    /* a fixed block with a match: "abcabcabcabc" from zlib */
    const uint8_t rep[] = {0x4b, 0x4c, 0x4a, 0x4e, 0x84, 0x21, 0x00};
    CHECK(inflate_str(rep, sizeof rep, &out, &len) == 0 && len == 12 && memcmp(out, "abcabcabcabc", 12) == 0);
    free(out);
    /* consumed stops at the end of the final block */
    const uint8_t more[] = {0x03, 0x00, 0xaa, 0xbb};
    size_t used = 99;
    CHECK(nn_inflate(more, sizeof more, 0, &out, &len, &used) == 0 && used == 2);
    free(out);
}

static int expect_error(const uint8_t *in, size_t n, const char *needle)
{
    uint8_t *out = (uint8_t *)1;
    size_t len = 1;
    int rc = inflate_str(in, n, &out, &len);
    if (rc != -1 || out != NULL || len != 0)
        return 0;
    if (needle && !strstr(nn_last_error(), needle)) {
        printf("    error was: %s\n", nn_last_error());
        return 0;
    }
    return 1;
}

static void test_corrupt(void)
{
    CHECK(expect_error((const uint8_t *)"", 0, "truncated"));
    const uint8_t type3[] = {0x07, 0x00};
    CHECK(expect_error(type3, 2, "block type 3"));
    const uint8_t badlen[] = {0x01, 0x02, 0x00, 0xfd, 0xfe, 'h', 'i'};
    CHECK(expect_error(badlen, sizeof badlen, "length check"));
    const uint8_t shortstored[] = {0x01, 0x05, 0x00, 0xfa, 0xff, 'h', 'i'};
    CHECK(expect_error(shortstored, sizeof shortstored, "truncated"));
    /* fixed block, first symbol a match with distance 1: nothing written yet.
     * bits: final 1, type 01, length code 257 (0000001), distance code 0 (00000) */
    const uint8_t far[] = {0x03, 0x02, 0x00, 0x00};
    CHECK(expect_error(far, sizeof far, "too far back"));
    /* fixed block using literal/length code 286 (11000110) */
    const uint8_t code286[] = {0x1b, 0x03};
    CHECK(expect_error(code286, sizeof code286, "bad literal/length"));
    /* fixed block: 'a', then length 3 with distance code 30 (11110) */
    const uint8_t dist30[] = {0x4b, 0x04, 0x3e, 0x00};
    CHECK(expect_error(dist30, sizeof dist30, "distance"));
    /* Dynamic headers built bit by bit below. */
}

/* A small LSB-first bit writer for building dynamic headers. */
typedef struct {
    uint8_t b[64];
    unsigned n;
} bw;
static void bw_put(bw *w, unsigned v, unsigned n)
{
    for (unsigned i = 0; i < n; i++, w->n++)
        if (v >> i & 1)
            w->b[w->n / 8] |= (uint8_t)(1u << (w->n % 8));
}

static void test_bad_code_lengths(void)
{
    static const uint8_t order[19] = {16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15};
    /* Code-length code with three codes of length 1: over-subscribed. */
    bw w = {{0}, 0};
    bw_put(&w, 1, 1);
    bw_put(&w, 2, 2);
    bw_put(&w, 0, 5);
    bw_put(&w, 0, 5);
    bw_put(&w, 15, 4); /* 19 code length codes */
    for (int i = 0; i < 19; i++)
        bw_put(&w, order[i] < 3 ? 1 : 0, 3);
    CHECK(expect_error(w.b, sizeof w.b, "over-subscribed code length"));
    /* Code-length code with lengths {1: 1, 2: 2}: incomplete (1 + 1/4 of the space missing) */
    memset(&w, 0, sizeof w);
    bw_put(&w, 1, 1);
    bw_put(&w, 2, 2);
    bw_put(&w, 0, 5);
    bw_put(&w, 0, 5);
    bw_put(&w, 15, 4);
    for (int i = 0; i < 19; i++)
        bw_put(&w, order[i] == 1 ? 1 : order[i] == 2 ? 2 : 0, 3);
    CHECK(expect_error(w.b, sizeof w.b, "incomplete code length"));
    /* Valid code-length code (0..3: lengths 2, 18: length 2) giving an
     * incomplete literal/length code: 257 symbols... only 0 and 256 with
     * length 2 each (half the space). */
    memset(&w, 0, sizeof w);
    bw_put(&w, 1, 1);
    bw_put(&w, 2, 2);
    bw_put(&w, 0, 5); /* 257 literal/length codes */
    bw_put(&w, 0, 5); /* 1 distance code */
    bw_put(&w, 15, 4);
    unsigned cl[19] = {0};
    cl[0] = 2;
    cl[2] = 2;
    cl[18] = 2;
    cl[17] = 2; /* four codes of length 2: complete */
    for (int i = 0; i < 19; i++)
        bw_put(&w, cl[order[i]], 3);
    /* canonical codes (MSB first): 0 -> 00, 2 -> 01, 17 -> 10, 18 -> 11;
     * written reversed: 0 -> 00, 2 -> 10, 17 -> 01, 18 -> 11 */
    bw_put(&w, 2, 2); /* symbol 0: length 2 */
    bw_put(&w, 3, 2); /* 18: 11 + 127 zeros -> 128 zeros (1..128) */
    bw_put(&w, 117, 7);
    bw_put(&w, 3, 2); /* 18: 127 more zeros (129..255) */
    bw_put(&w, 116, 7);
    bw_put(&w, 2, 2); /* 256: length 2 */
    bw_put(&w, 0, 2); /* distance 0: length 0 */
    CHECK(expect_error(w.b, sizeof w.b, "incomplete literal/length"));
    /* Repeat code 16 first: no previous length */
    memset(&w, 0, sizeof w);
    bw_put(&w, 1, 1);
    bw_put(&w, 2, 2);
    bw_put(&w, 0, 5);
    bw_put(&w, 0, 5);
    bw_put(&w, 15, 4);
    memset(cl, 0, sizeof cl);
    cl[16] = 1;
    cl[0] = 1;
    for (int i = 0; i < 19; i++)
        bw_put(&w, cl[order[i]], 3);
    bw_put(&w, 1, 1); /* 16 (codes: 0 -> 0, 16 -> 1) */
    CHECK(expect_error(w.b, sizeof w.b, "no previous"));
    /* Repeat running past the end of the lengths */
    memset(&w, 0, sizeof w);
    bw_put(&w, 1, 1);
    bw_put(&w, 2, 2);
    bw_put(&w, 0, 5);
    bw_put(&w, 0, 5);
    bw_put(&w, 15, 4);
    memset(cl, 0, sizeof cl);
    cl[18] = 1;
    cl[1] = 1;
    for (int i = 0; i < 19; i++)
        bw_put(&w, cl[order[i]], 3);
    bw_put(&w, 1, 1); /* 18: 138 zeros */
    bw_put(&w, 127, 7);
    bw_put(&w, 1, 1);
    bw_put(&w, 127, 7);
    CHECK(expect_error(w.b, sizeof w.b, "past the end"));
    /* HLIT = 30 (287 codes) is out of range */
    memset(&w, 0, sizeof w);
    bw_put(&w, 1, 1);
    bw_put(&w, 2, 2);
    bw_put(&w, 30, 5);
    CHECK(expect_error(w.b, sizeof w.b, "literal/length codes"));
}

/* ---- python zlib cross-check ------------------------------------------ */

static const char *python(void)
{
    const char *p = getenv("PYTHON");
    if (p && *p)
        return access(p, X_OK) == 0 ? p : NULL;
    return access("/usr/bin/python3", X_OK) == 0 ? "/usr/bin/python3" : NULL;
}

static char tmpdir[64];
static int make_tmp(void)
{
    strcpy(tmpdir, "/tmp/nn-inflate-XXXXXX");
    return mkdtemp(tmpdir) ? 0 : -1;
}
static void rm_tmp(void)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    if (system(cmd) != 0)
        printf("    cannot remove %s\n", tmpdir);
}

static const char *py_make =
    "import zlib, gzip, sys, os, random\n"
    "d = sys.argv[1]\n"
    "r = random.Random(5)\n"
    "words = [bytes(r.choice(b'abcdefghijklmnopqrstuvwxyz') for _ in range(r.randint(1, 9))) for _ in range(500)]\n"
    "text = b' '.join(r.choice(words) for _ in range(60000))\n"
    "rnd = bytes(r.getrandbits(8) for _ in range(70000))\n"
    "zeros = bytes(300000)\n"
    "runs = b''.join(bytes([r.getrandbits(8)]) * r.randint(1, 300) for _ in range(2000))\n"
    "geo = bytes(min(int(r.expovariate(0.7)), 255) for _ in range(200000))\n"
    "data = {'text': text, 'rnd': rnd, 'zeros': zeros, 'runs': runs, 'one': b'x', 'empty': b'', 'geo': geo}\n"
    "for name, raw in data.items():\n"
    "    open(os.path.join(d, name + '.raw'), 'wb').write(raw)\n"
    "    for lvl in (0, 1, 6, 9):\n"
    "        open(os.path.join(d, '%s.%d.zlib' % (name, lvl)), 'wb').write(zlib.compress(raw, lvl))\n"
    "    for st, sname in ((zlib.Z_HUFFMAN_ONLY, 'huff'), (zlib.Z_RLE, 'rle'), (zlib.Z_FIXED, 'fixed')):\n"
    "        c = zlib.compressobj(6, zlib.DEFLATED, -15, 9, st)\n"
    "        open(os.path.join(d, '%s.%s.raw-deflate' % (name, sname)), 'wb').write(c.compress(raw) + c.flush())\n"
    "    c = zlib.compressobj(6, zlib.DEFLATED, -15)\n"
    "    half = len(raw) // 2\n"
    "    out = c.compress(raw[:half]) + c.flush(zlib.Z_FULL_FLUSH) + c.compress(raw[half:]) + c.flush()\n"
    "    open(os.path.join(d, '%s.flush.raw-deflate' % name), 'wb').write(out)\n"
    "    open(os.path.join(d, '%s.gz' % name), 'wb').write(gzip.compress(raw) + gzip.compress(raw[:100]))\n"
    "    open(os.path.join(d, '%s.gzraw' % name), 'wb').write(raw + raw[:100])\n";

static int read_file(const char *dir, const char *name, uint8_t **d, size_t *n)
{
    char path[256];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    return nn_read_all(path, d, n);
}

static void test_python_streams(void)
{
    const char *py = python();
    if (!py)
        SKIP("no python ($PYTHON)");
    if (make_tmp())
        SKIP("cannot make a temporary folder");
    char script[128], cmd[512];
    snprintf(script, sizeof script, "%s/make.py", tmpdir);
    FILE *f = fopen(script, "w");
    fputs(py_make, f);
    fclose(f);
    snprintf(cmd, sizeof cmd, "'%s' '%s' '%s'", py, script, tmpdir);
    if (system(cmd) != 0) {
        rm_tmp();
        SKIP("python could not make the zlib streams");
    }
    const char *names[] = {"text", "rnd", "zeros", "runs", "one", "empty", "geo"};
    const char *kinds[] = {"0.zlib", "1.zlib", "6.zlib", "9.zlib", "huff.raw-deflate", "rle.raw-deflate",
                           "fixed.raw-deflate", "flush.raw-deflate", "gz"};
    int tried = 0;
    for (int i = 0; i < 7; i++) {
        char fn[64];
        uint8_t *raw, *gzraw;
        size_t rn, gn;
        snprintf(fn, sizeof fn, "%s.raw", names[i]);
        CHECK(read_file(tmpdir, fn, &raw, &rn) == 0);
        snprintf(fn, sizeof fn, "%s.gzraw", names[i]);
        CHECK(read_file(tmpdir, fn, &gzraw, &gn) == 0);
        for (int k = 0; k < 9; k++) {
            uint8_t *c, *d = NULL;
            size_t cn, dn = 0;
            snprintf(fn, sizeof fn, "%s.%s", names[i], kinds[k]);
            CHECK(read_file(tmpdir, fn, &c, &cn) == 0);
            int rc;
            if (k < 4)
                rc = nn_zlib_decompress(c, cn, &d, &dn);
            else if (k < 8)
                rc = nn_inflate(c, cn, 0, &d, &dn, NULL);
            else
                rc = nn_gunzip(c, cn, &d, &dn);
            if (rc)
                printf("    %s: %s\n", fn, nn_last_error());
            CHECK(rc == 0);
            if (k < 8)
                CHECK(dn == rn && memcmp(d, raw, rn) == 0);
            else
                CHECK(dn == gn && memcmp(d, gzraw, gn) == 0);
            tried++;
            free(c);
            free(d);
        }
        free(raw);
        free(gzraw);
    }
    CHECK(tried == 63);
    rm_tmp();
}

/* ---- damage: every truncation fails, bit flips never crash -------------- */

static void test_truncation_and_flips(void)
{
    /* A gzip stream of varied data (made by our compressor; the python
     * streams above cover other encoders). */
    nn_rng r;
    nn_rng_seed(&r, 3);
    size_t n = 20000;
    uint8_t *raw = malloc(n);
    for (size_t i = 0; i < n; i++)
        raw[i] = i % 300 < 150 ? (uint8_t)"the quick brown fox "[i % 20] : (uint8_t)(nn_rng_u64(&r) % 7);
    uint8_t *gz;
    size_t gzn;
    CHECK(nn_gzip(raw, n, 6, &gz, &gzn) == 0);
    uint8_t *d;
    size_t dn;
    int all_fail = 1;
    for (size_t cut = 0; cut < gzn; cut++) {
        if (nn_gunzip(gz, cut, &d, &dn) == 0) {
            all_fail = 0;
            free(d);
        }
    }
    CHECK(all_fail);
    /* raw deflate: every strict prefix fails too */
    uint8_t *z;
    size_t zn;
    CHECK(nn_zlib_compress(raw, n, 9, &z, &zn) == 0);
    all_fail = 1;
    for (size_t cut = 2; cut < zn - 4; cut++)
        if (nn_inflate(z + 2, cut - 2, 0, &d, &dn, NULL) == 0) {
            all_fail = 0;
            free(d);
        }
    CHECK(all_fail);
    /* single bit flips: gunzip must fail (CRC) or give the same bytes */
    int wrong = 0;
    for (size_t i = 0; i < gzn * 8; i += 7) {
        gz[i / 8] ^= (uint8_t)(1u << (i % 8));
        if (nn_gunzip(gz, gzn, &d, &dn) == 0) {
            if (dn != n || memcmp(d, raw, n) != 0)
                wrong++;
            free(d);
        }
        gz[i / 8] ^= (uint8_t)(1u << (i % 8));
    }
    CHECK(wrong == 0);
    /* random garbage as raw deflate: anything but a crash */
    uint8_t junk[512];
    for (int t = 0; t < 3000; t++) {
        size_t len = 1 + nn_rng_u64(&r) % sizeof junk;
        for (size_t i = 0; i < len; i++)
            junk[i] = (uint8_t)nn_rng_u64(&r);
        if (t % 3 == 0)
            junk[0] = (uint8_t)((junk[0] & ~6u) | 4u); /* dynamic block header, more interesting */
        if (nn_inflate(junk, len, 0, &d, &dn, NULL) == 0)
            free(d);
    }
    free(z);
    free(gz);
    free(raw);
}

static void test_gzip_container(void)
{
    uint8_t *gz, *d;
    size_t gzn, dn;
    const uint8_t msg[] = "hello, gzip";
    CHECK(nn_gzip(msg, 11, 6, &gz, &gzn) == 0);
    CHECK(nn_is_gzip(gz, gzn) && !nn_is_gzip(msg, 11) && !nn_is_gzip(gz, 1));
    /* header with FEXTRA, FNAME, FCOMMENT and a correct FHCRC */
    uint8_t big[256];
    size_t p = 0;
    const uint8_t h0[10] = {0x1f, 0x8b, 8, 4 | 8 | 16 | 2, 0, 0, 0, 0, 0, 3};
    memcpy(big, h0, 10);
    p = 10;
    big[p++] = 3;
    big[p++] = 0;
    memcpy(big + p, "abc", 3);
    p += 3;
    memcpy(big + p, "name.txt", 9);
    p += 9;
    memcpy(big + p, "a comment", 10);
    p += 10;
    uint32_t hc = nn_crc32(0, big, p);
    big[p++] = (uint8_t)hc;
    big[p++] = (uint8_t)(hc >> 8);
    memcpy(big + p, gz + 10, gzn - 10);
    size_t bn = p + gzn - 10;
    CHECK(nn_gunzip(big, bn, &d, &dn) == 0 && dn == 11 && memcmp(d, msg, 11) == 0);
    free(d);
    big[p - 1] ^= 1; /* header CRC wrong */
    CHECK(nn_gunzip(big, bn, &d, &dn) == -1 && strstr(nn_last_error(), "header CRC"));
    /* trailer checks */
    gz[gzn - 5] ^= 1; /* CRC */
    CHECK(nn_gunzip(gz, gzn, &d, &dn) == -1 && strstr(nn_last_error(), "CRC-32"));
    gz[gzn - 5] ^= 1;
    gz[gzn - 1] ^= 1; /* ISIZE */
    CHECK(nn_gunzip(gz, gzn, &d, &dn) == -1 && strstr(nn_last_error(), "size mismatch"));
    gz[gzn - 1] ^= 1;
    gz[3] = 0x20; /* reserved flag */
    CHECK(nn_gunzip(gz, gzn, &d, &dn) == -1 && strstr(nn_last_error(), "reserved"));
    gz[3] = 0;
    /* zero padding after a member is fine, other bytes are not */
    uint8_t *pad = malloc(gzn + 8);
    memcpy(pad, gz, gzn);
    memset(pad + gzn, 0, 8);
    CHECK(nn_gunzip(pad, gzn + 8, &d, &dn) == 0 && dn == 11);
    free(d);
    pad[gzn + 3] = 7;
    CHECK(nn_gunzip(pad, gzn + 8, &d, &dn) == -1 && strstr(nn_last_error(), "trailing garbage"));
    free(pad);
    CHECK(nn_gunzip(gz, 0, &d, &dn) == -1);
    /* zlib header checks */
    uint8_t *z;
    size_t zn;
    CHECK(nn_zlib_compress(msg, 11, 6, &z, &zn) == 0);
    CHECK(nn_zlib_decompress(z, zn, &d, &dn) == 0 && dn == 11);
    free(d);
    z[zn - 1] ^= 1;
    CHECK(nn_zlib_decompress(z, zn, &d, &dn) == -1 && strstr(nn_last_error(), "Adler"));
    z[1] ^= 1;
    CHECK(nn_zlib_decompress(z, zn, &d, &dn) == -1 && strstr(nn_last_error(), "header check"));
    free(z);
    free(gz);
}

static void test_size_limit(void)
{
    /* 1 MB of zeros compresses to about 1 KB; with a 64 KiB limit the
     * decompressor must stop with an error instead of allocating. */
    size_t n = 1 << 20;
    uint8_t *zero = calloc(n, 1), *gz, *d;
    size_t gzn, dn;
    CHECK(nn_gzip(zero, n, 9, &gz, &gzn) == 0 && gzn < 2048);
    size_t old = nn_alloc_limit();
    nn_set_alloc_limit(1 << 16);
    CHECK(nn_gunzip(gz, gzn, &d, &dn) == -1 && strstr(nn_last_error(), "limit"));
    nn_set_alloc_limit(old);
    CHECK(nn_gunzip(gz, gzn, &d, &dn) == 0 && dn == n);
    free(d);
    /* a lying ISIZE (4 GB) is only a hint: no huge allocation, right result */
    gz[gzn - 1] = 0xff;
    nn_set_alloc_limit(1 << 22);
    CHECK(nn_gunzip(gz, gzn, &d, &dn) == -1 && strstr(nn_last_error(), "size mismatch"));
    nn_set_alloc_limit(old);
    free(gz);
    free(zero);
}

/* The four MNIST files decompress to the sums in shared/data/README.md. */
static void test_mnist(void)
{
    const char *dir = check_shared_data();
    if (!dir)
        SKIP("SHARED_DATA not set");
    static const char *files[4][2] = {
        {"train-images-idx3-ubyte.gz", "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db"},
        {"train-labels-idx1-ubyte.gz", "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5"},
        {"t10k-images-idx3-ubyte.gz", "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7"},
        {"t10k-labels-idx1-ubyte.gz", "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2"},
    };
    char path[512];
    snprintf(path, sizeof path, "%s/mnist/%s", dir, files[0][0]);
    if (access(path, R_OK) != 0)
        SKIP("no mnist folder in SHARED_DATA");
    if (system("command -v sha256sum >/dev/null 2>&1") != 0)
        SKIP("no sha256sum");
    for (int i = 0; i < 4; i++) {
        snprintf(path, sizeof path, "%s/mnist/%s", dir, files[i][0]);
        uint8_t *d;
        size_t n;
        double t0 = nn_now();
        int rc = nn_read_all_maybe_gz(path, &d, &n);
        double t = nn_now() - t0;
        CHECK(rc == 0);
        if (rc)
            continue;
        if (i == 0)
            printf("    info: %s: %zu bytes in %.3f s (%.0f MB/s incl. reading)\n", files[i][0], n, t, n / t / 1e6);
        char out[128];
        snprintf(out, sizeof out, "/tmp/nn-mnist-sum-%d", (int)getpid());
        char cmd[256];
        snprintf(cmd, sizeof cmd, "sha256sum > %s", out);
        FILE *p = popen(cmd, "w");
        CHECK(p != NULL);
        if (p) {
            fwrite(d, 1, n, p);
            pclose(p);
            uint8_t *s;
            size_t sn;
            CHECK(nn_read_all(out, &s, &sn) == 0 && sn >= 64 && memcmp(s, files[i][1], 64) == 0);
            free(s);
            unlink(out);
        }
        free(d);
    }
}

int main(void)
{
    RUN(test_checksums);
    RUN(test_handmade);
    RUN(test_corrupt);
    RUN(test_bad_code_lengths);
    RUN(test_python_streams);
    RUN(test_truncation_and_flips);
    RUN(test_gzip_container);
    RUN(test_size_limit);
    RUN(test_mnist);
    return check_summary();
}
