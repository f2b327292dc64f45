#include "io/wav.h"

#include "core/error.h"
#include "core/file.h"
#include "core/mem.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TAG_PCM 1
#define TAG_FLOAT 3
#define TAG_EXTENSIBLE 0xFFFE
#define MAX_CHANNELS 1024

/* The 14 bytes that follow the format tag in a KSDATAFORMAT_SUBTYPE GUID. */
static const uint8_t GUID_TAIL[14] = {0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80,
                                      0x00, 0x00, 0xAA, 0x00, 0x38, 0x9B, 0x71};

static uint32_t rd32(const uint8_t *p) { return p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24; }
static uint16_t rd16(const uint8_t *p) { return (uint16_t)(p[0] | p[1] << 8); }

static const char *tag_name(unsigned tag)
{
    switch (tag) {
    case 2: return "Microsoft ADPCM";
    case 6: return "A-law";
    case 7: return "mu-law";
    case 0x11: return "IMA ADPCM";
    case 0x31: return "GSM 6.10";
    case 0x50: return "MPEG";
    case 0x55: return "MP3";
    default: return "unknown";
    }
}

int nn_wav_format_bits(nn_wav_format f)
{
    static const int bits[] = {8, 16, 24, 32, 32, 64};
    return bits[f];
}

void nn_wav_free(nn_wav *w)
{
    free(w->data);
    w->data = NULL;
}

static int parse_fmt(const uint8_t *c, uint32_t size, nn_wav *out, unsigned *block_align)
{
    if (size < 16)
        return nn_set_error("fmt chunk is %u bytes, expected at least 16", (unsigned)size);
    unsigned tag = rd16(c), channels = rd16(c + 2), bits = rd16(c + 14);
    uint32_t rate = rd32(c + 4);
    *block_align = rd16(c + 12);
    int ext = 0;
    if (tag == TAG_EXTENSIBLE) {
        if (size < 40 || rd16(c + 16) < 22)
            return nn_set_error("WAVE_FORMAT_EXTENSIBLE fmt chunk is too short (%u bytes, expected 40)",
                                (unsigned)size);
        unsigned valid = rd16(c + 18);
        if (valid > bits || valid == 0)
            return nn_set_error("WAVE_FORMAT_EXTENSIBLE: %u valid bits in a %u-bit container", valid, bits);
        if (memcmp(c + 26, GUID_TAIL, sizeof GUID_TAIL) != 0)
            return nn_set_error("WAVE_FORMAT_EXTENSIBLE with a non-standard sub-format GUID (unsupported)");
        tag = rd16(c + 24);
        ext = 1;
    }
    if (tag != TAG_PCM && tag != TAG_FLOAT)
        return nn_set_error("unsupported WAV encoding: %s (format tag 0x%04X); only PCM and IEEE float are read",
                            tag_name(tag), tag);
    if (channels == 0)
        return nn_set_error("fmt chunk says 0 channels");
    if (channels > MAX_CHANNELS)
        return nn_set_error("%u channels (at most %d are read)", channels, MAX_CHANNELS);
    if (rate == 0 || rate > 0x7fffffff)
        return nn_set_error("invalid sample rate %lu", (unsigned long)rate);
    if (tag == TAG_PCM) {
        switch (bits) {
        case 8: out->format = NN_WAV_U8; break;
        case 16: out->format = NN_WAV_S16; break;
        case 24: out->format = NN_WAV_S24; break;
        case 32: out->format = NN_WAV_S32; break;
        default: return nn_set_error("unsupported PCM sample size %u bits (8, 16, 24 or 32 are read)", bits);
        }
    } else {
        switch (bits) {
        case 32: out->format = NN_WAV_F32; break;
        case 64: out->format = NN_WAV_F64; break;
        default: return nn_set_error("unsupported float sample size %u bits (32 or 64 are read)", bits);
        }
    }
    if (*block_align != channels * (bits / 8))
        return nn_set_error("block_align %u does not match %u channels of %u bits", *block_align, channels, bits);
    out->channels = (int)channels;
    out->rate = (int)rate;
    out->extensible = ext;
    return 0;
}

static void decode(const uint8_t *p, size_t count, nn_wav_format f, float *dst)
{
    switch (f) {
    case NN_WAV_U8:
        for (size_t i = 0; i < count; i++)
            dst[i] = (float)((int)p[i] - 128) * (1.0f / 128.0f);
        break;
    case NN_WAV_S16:
        for (size_t i = 0; i < count; i++)
            dst[i] = (float)(int16_t)rd16(p + 2 * i) * (1.0f / 32768.0f);
        break;
    case NN_WAV_S24:
        for (size_t i = 0; i < count; i++) {
            const uint8_t *q = p + 3 * i;
            int32_t v = (int32_t)((uint32_t)q[0] | (uint32_t)q[1] << 8 | (uint32_t)q[2] << 16);
            if (v & 0x800000)
                v -= 0x1000000;
            dst[i] = (float)((double)v / 8388608.0);
        }
        break;
    case NN_WAV_S32:
        for (size_t i = 0; i < count; i++)
            dst[i] = (float)((double)(int32_t)rd32(p + 4 * i) / 2147483648.0);
        break;
    case NN_WAV_F32:
        for (size_t i = 0; i < count; i++) {
            uint32_t u = rd32(p + 4 * i);
            float v;
            memcpy(&v, &u, 4);
            dst[i] = v;
        }
        break;
    case NN_WAV_F64:
        for (size_t i = 0; i < count; i++) {
            uint64_t u = rd32(p + 8 * i) | (uint64_t)rd32(p + 8 * i + 4) << 32;
            double v;
            memcpy(&v, &u, 8);
            dst[i] = (float)v;
        }
        break;
    }
}

int nn_wav_parse(const uint8_t *buf, size_t len, nn_wav *out)
{
    memset(out, 0, sizeof *out);
    if (len < 12)
        return nn_set_error("not a WAV file: %zu bytes, shorter than a RIFF header", len);
    if (memcmp(buf, "RIFF", 4) != 0 || memcmp(buf + 8, "WAVE", 4) != 0) {
        if (memcmp(buf, "RIFX", 4) == 0 || memcmp(buf, "RF64", 4) == 0)
            return nn_set_error("unsupported WAV variant %.4s (only little-endian RIFF is read)", (const char *)buf);
        return nn_set_error("not a WAV file (no RIFF/WAVE header)");
    }
    uint32_t riff = rd32(buf + 4);
    if (riff < 4)
        return nn_set_error("RIFF size %lu is too small", (unsigned long)riff);
    if ((uint64_t)riff + 8 > len)
        return nn_set_error("truncated file: the RIFF header says %llu bytes, the file has %zu",
                            (unsigned long long)riff + 8, len);
    size_t end = (size_t)riff + 8, pos = 12;
    int have_fmt = 0;
    unsigned block_align = 0;
    const uint8_t *data = NULL;
    uint32_t data_size = 0;
    while (pos < end) {
        if (end - pos < 8)
            return nn_set_error("truncated chunk header at byte %zu", pos);
        const uint8_t *h = buf + pos;
        uint32_t size = rd32(h + 4);
        pos += 8;
        if (size > end - pos)
            return nn_set_error("chunk '%.4s' is %lu bytes but only %zu remain (truncated file)",
                                (const char *)h, (unsigned long)size, end - pos);
        if (memcmp(h, "fmt ", 4) == 0) {
            if (have_fmt)
                return nn_set_error("two fmt chunks");
            if (parse_fmt(buf + pos, size, out, &block_align) < 0)
                return -1;
            have_fmt = 1;
        } else if (memcmp(h, "data", 4) == 0) {
            if (!have_fmt)
                return nn_set_error("data chunk before the fmt chunk");
            if (data)
                return nn_set_error("two data chunks");
            data = buf + pos;
            data_size = size;
        }
        pos += size;
        if ((size & 1) && pos < end)
            pos++; /* pad byte */
    }
    if (!have_fmt)
        return nn_set_error("no fmt chunk");
    if (!data)
        return nn_set_error("no data chunk");
    if (data_size == 0)
        return nn_set_error("no samples (the data chunk is empty)");
    if (data_size % block_align)
        return nn_set_error("data chunk of %lu bytes is not a whole number of %u-byte frames",
                            (unsigned long)data_size, block_align);
    out->frames = data_size / block_align;
    size_t count = data_size / (block_align / (unsigned)out->channels);
    out->data = nn_alloc(count, sizeof(float));
    if (!out->data)
        return -1;
    decode(data, count, out->format, out->data);
    return 0;
}

int nn_wav_load(const char *path, nn_wav *out)
{
    uint8_t *buf;
    size_t len;
    memset(out, 0, sizeof *out);
    if (nn_read_all(path, &buf, &len) < 0)
        return -1;
    int rc = nn_wav_parse(buf, len, out);
    free(buf);
    return rc;
}

void nn_wav_mixdown(nn_wav *w)
{
    int c = w->channels;
    if (c <= 1)
        return;
    for (int64_t i = 0; i < w->frames; i++) {
        double s = 0;
        for (int k = 0; k < c; k++)
            s += w->data[i * c + k];
        w->data[i] = (float)(s / c);
    }
    w->channels = 1;
}

static void wr16(uint8_t *p, unsigned v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}
static void wr32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

/* Round and clip x * scale into [lo, hi]. */
static int64_t quant(float x, double scale, int64_t lo, int64_t hi)
{
    double v = (double)x * scale;
    if (!(v == v))
        return 0;
    v = floor(v + 0.5);
    if (v < (double)lo)
        return lo;
    if (v > (double)hi)
        return hi;
    return (int64_t)v;
}

int nn_wav_encode(const nn_wav *w, uint8_t **out, size_t *out_len)
{
    if (w->channels < 1 || w->channels > MAX_CHANNELS)
        return nn_set_error("cannot write %d channels", w->channels);
    if (w->rate < 1)
        return nn_set_error("cannot write sample rate %d", w->rate);
    unsigned bits = (unsigned)nn_wav_format_bits(w->format), bps = bits / 8;
    size_t count, data_size;
    if (nn_mul_size((size_t)w->frames, (size_t)w->channels, &count) < 0 || nn_mul_size(count, bps, &data_size) < 0)
        return -1;
    size_t fmt_size = w->extensible ? 40 : (w->format >= NN_WAV_F32 ? 18 : 16);
    size_t header = 12 + 8 + fmt_size + 8;
    size_t total = header + data_size + (data_size & 1);
    if (total - 8 > 0xFFFFFFFFu)
        return nn_set_error("audio too long for a WAV file (%zu bytes of samples)", data_size);
    uint8_t *b = nn_calloc(total, 1);
    if (!b)
        return -1;
    unsigned tag = w->format >= NN_WAV_F32 ? TAG_FLOAT : TAG_PCM;
    memcpy(b, "RIFF", 4);
    wr32(b + 4, (uint32_t)(total - 8));
    memcpy(b + 8, "WAVEfmt ", 8);
    wr32(b + 16, (uint32_t)fmt_size);
    uint8_t *f = b + 20;
    wr16(f, w->extensible ? TAG_EXTENSIBLE : tag);
    wr16(f + 2, (unsigned)w->channels);
    wr32(f + 4, (uint32_t)w->rate);
    wr32(f + 8, (uint32_t)w->rate * (uint32_t)w->channels * bps);
    wr16(f + 12, (unsigned)w->channels * bps);
    wr16(f + 14, bits);
    if (fmt_size >= 18)
        wr16(f + 16, (unsigned)fmt_size - 18);
    if (w->extensible) {
        wr16(f + 18, bits);
        /* Front speakers for 1-2 channels; 0 (no assignment) beyond. */
        wr32(f + 20, w->channels == 1 ? 0x4 : w->channels == 2 ? 0x3 : 0);
        wr16(f + 24, tag);
        memcpy(f + 26, GUID_TAIL, sizeof GUID_TAIL);
    }
    uint8_t *d = f + fmt_size;
    memcpy(d, "data", 4);
    wr32(d + 4, (uint32_t)data_size);
    uint8_t *p = d + 8;
    const float *x = w->data;
    for (size_t i = 0; i < count; i++) {
        switch (w->format) {
        case NN_WAV_U8: p[i] = (uint8_t)(quant(x[i], 128.0, -128, 127) + 128); break;
        case NN_WAV_S16: wr16(p + 2 * i, (unsigned)(quant(x[i], 32768.0, -32768, 32767) & 0xFFFF)); break;
        case NN_WAV_S24: {
            uint32_t v = (uint32_t)quant(x[i], 8388608.0, -8388608, 8388607);
            p[3 * i] = (uint8_t)v;
            p[3 * i + 1] = (uint8_t)(v >> 8);
            p[3 * i + 2] = (uint8_t)(v >> 16);
            break;
        }
        case NN_WAV_S32: wr32(p + 4 * i, (uint32_t)quant(x[i], 2147483648.0, INT32_MIN, INT32_MAX)); break;
        case NN_WAV_F32: {
            uint32_t u;
            memcpy(&u, &x[i], 4);
            wr32(p + 4 * i, u);
            break;
        }
        case NN_WAV_F64: {
            double v = x[i];
            uint64_t u;
            memcpy(&u, &v, 8);
            wr32(p + 8 * i, (uint32_t)u);
            wr32(p + 8 * i + 4, (uint32_t)(u >> 32));
            break;
        }
        }
    }
    *out = b;
    *out_len = total;
    return 0;
}

int nn_wav_save(const char *path, const nn_wav *w)
{
    uint8_t *buf;
    size_t len;
    if (nn_wav_encode(w, &buf, &len) < 0)
        return -1;
    nn_output o;
    if (nn_output_open(&o, path) < 0) {
        free(buf);
        return -1;
    }
    if (fwrite(buf, 1, len, o.fp) != len) {
        nn_write_failed(o.fp, errno);
        free(buf);
        nn_output_abort(&o);
        return -1;
    }
    free(buf);
    return nn_output_commit(&o);
}
