/* WAV: round trips for every sample format (plain and extensible, mono and
 * multi-channel), hand-built headers, and malformed files (every
 * truncation, wrong sizes, unsupported encodings) giving clean errors. */
#include "check.h"
#include "core/error.h"
#include "io/wav.h"
#include "math/rng.h"

#include <dirent.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void put16(uint8_t *p, unsigned v) { p[0] = (uint8_t)v, p[1] = (uint8_t)(v >> 8); }
static void put32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static int has(const char *needle) { return strstr(nn_last_error(), needle) != NULL; }

/* Parse must fail, with a message containing `needle`. */
static int fails_with(const uint8_t *b, size_t len, const char *needle)
{
    nn_wav w;
    int rc = nn_wav_parse(b, len, &w);
    if (rc == 0) {
        nn_wav_free(&w);
        printf("    parsed, expected an error with '%s'\n", needle);
        return 0;
    }
    if (!has(needle))
        printf("    error '%s', expected '%s'\n", nn_last_error(), needle);
    return has(needle);
}

static void test_round_trip_all_formats(void)
{
    nn_rng g;
    nn_rng_seed(&g, 5);
    for (int f = NN_WAV_U8; f <= NN_WAV_F64; f++)
        for (int ext = 0; ext < 2; ext++)
            for (int ch = 1; ch <= 3; ch += 2) {
                int64_t frames = 101; /* odd: an 8-bit mono data chunk needs a pad byte */
                nn_wav w = {.rate = 11025, .channels = ch, .frames = frames, .format = (nn_wav_format)f,
                            .extensible = ext};
                w.data = malloc((size_t)(frames * ch) * sizeof(float));
                for (int64_t i = 0; i < frames * ch; i++)
                    w.data[i] = (float)(nn_rng_uniform(&g) * 1.9 - 0.95);
                w.data[0] = -1.0f; /* full scale: exact in every format */
                uint8_t *buf;
                size_t len;
                CHECK(nn_wav_encode(&w, &buf, &len) == 0);
                CHECK(len % 2 == 0);
                nn_wav r;
                CHECK(nn_wav_parse(buf, len, &r) == 0);
                CHECK(r.rate == 11025 && r.channels == ch && r.frames == frames);
                CHECK((int)r.format == f && r.extensible == ext);
                int bits = nn_wav_format_bits((nn_wav_format)f);
                double tol = f >= NN_WAV_F32 ? 0 : 0.5 / ldexp(1.0, bits - 1) + 1e-7;
                double err = 0;
                for (int64_t i = 0; i < frames * ch; i++)
                    err = fmax(err, fabs(r.data[i] - w.data[i]));
                if (err > tol)
                    printf("    format %d ext %d ch %d: error %g > %g\n", f, ext, ch, err, tol);
                CHECK(err <= tol);
                CHECK(r.data[0] == -1.0f);
                /* Every shorter prefix is an error, never a crash. */
                int bad = 0;
                for (size_t cut = 0; cut < len; cut++) {
                    nn_wav t;
                    if (nn_wav_parse(buf, cut, &t) == 0) {
                        bad++; /* the RIFF size counts the pad byte too */
                        nn_wav_free(&t);
                    } else if (!*nn_last_error()) {
                        bad++;
                    }
                }
                CHECK(bad == 0);
                nn_wav_free(&r);
                free(buf);
                free(w.data);
            }
}

static void test_save_load_file(void)
{
    char path[] = "/tmp/nnpipe_test_wav_XXXXXX";
    int fd = mkstemp(path);
    CHECK(fd >= 0);
    close(fd);
    float x[4] = {0.5f, -0.25f, 0.125f, 0};
    nn_wav w = {.rate = 8000, .channels = 2, .frames = 2, .format = NN_WAV_S16, .data = x};
    CHECK(nn_wav_save(path, &w) == 0);
    nn_wav r;
    CHECK(nn_wav_load(path, &r) == 0);
    CHECK(r.frames == 2 && r.channels == 2 && r.rate == 8000);
    CHECK(r.data[0] == 0.5f && r.data[1] == -0.25f && r.data[2] == 0.125f && r.data[3] == 0);
    nn_wav_mixdown(&r);
    CHECK(r.channels == 1);
    CHECK_NEAR(r.data[0], 0.125, 1e-7);
    CHECK_NEAR(r.data[1], 0.0625, 1e-7);
    nn_wav_free(&r);
    unlink(path);
    CHECK(nn_wav_load(path, &r) < 0);
}

/* A 16-bit mono file with 4 samples, built by hand. */
static size_t base_file(uint8_t *b)
{
    memset(b, 0, 64);
    memcpy(b, "RIFF", 4);
    put32(b + 4, 36 + 8);
    memcpy(b + 8, "WAVEfmt ", 8);
    put32(b + 16, 16);
    put16(b + 20, 1);          /* PCM */
    put16(b + 22, 1);          /* channels */
    put32(b + 24, 8000);
    put32(b + 28, 16000);
    put16(b + 32, 2);          /* block align */
    put16(b + 34, 16);
    memcpy(b + 36, "data", 4);
    put32(b + 40, 8);
    put16(b + 44, 0x4000);     /* 0.5 */
    put16(b + 46, 0xC000);     /* -0.5 */
    put16(b + 48, 0x7FFF);
    put16(b + 50, 0x8000);     /* -1 */
    return 52;
}

static void test_hand_built_and_chunks(void)
{
    uint8_t b[128];
    size_t len = base_file(b);
    nn_wav w;
    CHECK(nn_wav_parse(b, len, &w) == 0);
    CHECK(w.frames == 4 && w.format == NN_WAV_S16);
    CHECK(w.data[0] == 0.5f && w.data[1] == -0.5f && w.data[3] == -1.0f);
    nn_wav_free(&w);
    /* An odd-sized LIST chunk with its pad byte before the data chunk. */
    uint8_t c[128];
    memcpy(c, b, 36);
    memcpy(c + 36, "LIST", 4);
    put32(c + 40, 3);
    memcpy(c + 44, "abc", 3);
    c[47] = 0;
    memcpy(c + 48, b + 36, 16);
    put32(c + 4, 64 - 8);
    CHECK(nn_wav_parse(c, 64, &w) == 0);
    CHECK(w.frames == 4 && w.data[1] == -0.5f);
    nn_wav_free(&w);
    /* Bytes after the RIFF chunk are ignored. */
    b[52] = 0x55;
    CHECK(nn_wav_parse(b, 53, &w) == 0);
    nn_wav_free(&w);
}

static void test_malformed(void)
{
    uint8_t b[128];
    size_t len;
    len = base_file(b);
    CHECK(fails_with(b, 0, "shorter than a RIFF header"));
    CHECK(fails_with(b, 11, "shorter than a RIFF header"));
    CHECK(fails_with(b, 30, "truncated"));
    CHECK(fails_with(b, 40, "truncated"));
    memcpy(b, "RIFX", 4);
    CHECK(fails_with(b, len, "RIFX"));
    memcpy(b, "OggS", 4);
    CHECK(fails_with(b, len, "not a WAV file"));
    /* data chunk longer than the file (RIFF size consistent with the file) */
    len = base_file(b);
    put32(b + 40, 1000);
    CHECK(fails_with(b, len, "chunk 'data' is 1000 bytes but only 8 remain"));
    /* RIFF size larger than the file */
    len = base_file(b);
    put32(b + 4, 5000);
    CHECK(fails_with(b, len, "truncated file"));
    /* zero channels */
    len = base_file(b);
    put16(b + 22, 0);
    CHECK(fails_with(b, len, "0 channels"));
    /* unsupported encodings */
    len = base_file(b);
    put16(b + 20, 7);
    CHECK(fails_with(b, len, "mu-law"));
    put16(b + 20, 2);
    CHECK(fails_with(b, len, "ADPCM"));
    put16(b + 20, 0x1234);
    CHECK(fails_with(b, len, "0x1234"));
    /* 12-bit PCM */
    len = base_file(b);
    put16(b + 34, 12);
    CHECK(fails_with(b, len, "12 bits"));
    /* float 16 */
    len = base_file(b);
    put16(b + 20, 3);
    CHECK(fails_with(b, len, "float sample size 16"));
    /* block_align mismatch */
    len = base_file(b);
    put16(b + 32, 4);
    CHECK(fails_with(b, len, "block_align"));
    /* zero sample rate */
    len = base_file(b);
    put32(b + 24, 0);
    CHECK(fails_with(b, len, "sample rate"));
    /* zero-length data */
    len = base_file(b);
    put32(b + 40, 0);
    put32(b + 4, 36);
    CHECK(fails_with(b, 44, "no samples"));
    /* data not a whole number of frames */
    len = base_file(b);
    put32(b + 40, 7);
    put32(b + 4, 36 + 8);
    CHECK(fails_with(b, 52, "whole number"));
    /* no data chunk */
    len = base_file(b);
    put32(b + 4, 36 - 8 + 8 - 8);
    CHECK(fails_with(b, 36, "no data chunk"));
    /* data before fmt */
    len = base_file(b);
    memcpy(b + 12, "data", 4);
    CHECK(fails_with(b, len, "before the fmt"));
    /* short fmt */
    len = base_file(b);
    put32(b + 16, 14);
    CHECK(fails_with(b, len, "fmt chunk is 14 bytes"));
    /* two fmt chunks */
    len = base_file(b);
    memcpy(b + 36, "fmt ", 4);
    CHECK(fails_with(b, len, "two fmt"));
}

static void test_extensible_errors(void)
{
    float x[2] = {0.25f, -0.25f};
    nn_wav w = {.rate = 16000, .channels = 1, .frames = 2, .format = NN_WAV_S24, .extensible = 1, .data = x};
    uint8_t *buf;
    size_t len;
    CHECK(nn_wav_encode(&w, &buf, &len) == 0);
    nn_wav r;
    CHECK(nn_wav_parse(buf, len, &r) == 0);
    CHECK(r.data[0] == 0.25f && r.data[1] == -0.25f);
    nn_wav_free(&r);
    buf[20 + 24] = 7; /* sub-format mu-law */
    CHECK(fails_with(buf, len, "mu-law"));
    buf[20 + 24] = 1;
    buf[20 + 30] ^= 1; /* GUID tail */
    CHECK(fails_with(buf, len, "GUID"));
    buf[20 + 30] ^= 1;
    put16(buf + 20 + 18, 32); /* valid bits > container */
    CHECK(fails_with(buf, len, "valid bits"));
    free(buf);
}

/* Random byte corruption: errors or success, never a crash (ASan). */
static void test_fuzz(void)
{
    nn_rng g;
    nn_rng_seed(&g, 99);
    float x[30];
    for (int i = 0; i < 30; i++)
        x[i] = (float)(i - 15) / 16;
    nn_wav w = {.rate = 8000, .channels = 3, .frames = 10, .format = NN_WAV_S24, .extensible = 1, .data = x};
    uint8_t *buf;
    size_t len;
    CHECK(nn_wav_encode(&w, &buf, &len) == 0);
    uint8_t *m = malloc(len);
    int ok = 0;
    for (int t = 0; t < 20000; t++) {
        memcpy(m, buf, len);
        int flips = 1 + (int)nn_rng_below(&g, 3);
        for (int k = 0; k < flips; k++)
            m[nn_rng_below(&g, 80)] = (uint8_t)nn_rng_u64(&g);
        nn_wav r;
        size_t l = len - nn_rng_below(&g, 4);
        if (nn_wav_parse(m, l, &r) == 0) {
            CHECK(r.frames * r.channels * (int64_t)(nn_wav_format_bits(r.format) / 8) <= (int64_t)l);
            nn_wav_free(&r);
            ok++;
        }
    }
    CHECK(ok > 0);
    free(m);
    free(buf);
}

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

/* Every FSDD recording: 8 kHz 16-bit mono; durations as its README says
 * (min 1,148 samples, median 3,358.5, max 18,262). */
static void test_fsdd(void)
{
    const char *data = check_shared_data();
    if (!data)
        SKIP("SHARED_DATA is not set");
    char dir[4096];
    snprintf(dir, sizeof dir, "%s/fsdd/recordings", data);
    DIR *d = opendir(dir);
    if (!d)
        SKIP("no fsdd/recordings in SHARED_DATA");
    int64_t *frames = malloc(4000 * sizeof *frames);
    int n = 0, bad = 0;
    struct dirent *e;
    while ((e = readdir(d)) && n < 4000) {
        size_t l = strlen(e->d_name);
        if (l < 4 || strcmp(e->d_name + l - 4, ".wav") != 0)
            continue;
        char path[8192];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        nn_wav w;
        if (nn_wav_load(path, &w) < 0) {
            printf("    %s: %s\n", e->d_name, nn_last_error());
            bad++;
            continue;
        }
        bad += w.rate != 8000 || w.channels != 1 || w.format != NN_WAV_S16 || w.extensible;
        frames[n++] = w.frames;
        nn_wav_free(&w);
    }
    closedir(d);
    CHECK(n == 3000 && bad == 0);
    if (n == 3000) {
        qsort(frames, (size_t)n, sizeof *frames, cmp_i64);
        CHECK(frames[0] == 1148);
        CHECK(frames[1499] + frames[1500] == 6717); /* median 3,358.5 */
        CHECK(frames[2999] == 18262);
        printf("    FSDD durations: min %.4f s, median %.4f s, max %.4f s\n", frames[0] / 8000.0,
               (frames[1499] + frames[1500]) / 16000.0, frames[2999] / 8000.0);
    }
    free(frames);
}

int main(void)
{
    RUN(test_round_trip_all_formats);
    RUN(test_save_load_file);
    RUN(test_hand_built_and_chunks);
    RUN(test_malformed);
    RUN(test_extensible_errors);
    RUN(test_fuzz);
    RUN(test_fsdd);
    return check_summary();
}
