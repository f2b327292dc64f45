/* RIFF/WAVE audio: a strict reader and a writer.
 *
 * Read: PCM (format tag 1) with 8 (unsigned), 16, 24 or 32-bit samples,
 * IEEE float (tag 3) 32 or 64-bit, and WAVE_FORMAT_EXTENSIBLE (0xFFFE)
 * whose sub-format is PCM or float.  Any number of channels (1..1024),
 * any rate.  Samples are scaled to [-1, 1): integer / 2^(bits-1)
 * (8-bit: (v - 128) / 128); floats are kept as they are.
 *
 * Strict parsing: the RIFF header, every chunk header and the fmt chunk
 * must be complete; a chunk larger than what the file holds is an error
 * (truncated file), and so are a missing or duplicated fmt chunk, a data
 * chunk before fmt, no data chunk, an empty data chunk, a data size that
 * is not a whole number of frames, block_align that does not match the
 * channels and bits, and encodings we do not decode (ADPCM, mu-law,
 * A-law, ... are named in the message).  Chunks are word-aligned: an odd
 * size is followed by one pad byte (a missing pad at the very end of the
 * file is tolerated, as many writers omit it).  Unknown chunks (LIST,
 * fact, cue ...) are skipped.  Bytes after the RIFF chunk are ignored.
 *
 * Write: PCM 8/16/24/32 or float 32/64, optionally as
 * WAVE_FORMAT_EXTENSIBLE; integer output is rounded and clipped. */
#ifndef NN_IO_WAV_H
#define NN_IO_WAV_H

#include <stddef.h>
#include <stdint.h>

typedef enum {
    NN_WAV_U8,  /* PCM unsigned 8-bit */
    NN_WAV_S16, /* PCM signed 16-bit */
    NN_WAV_S24,
    NN_WAV_S32,
    NN_WAV_F32, /* IEEE float */
    NN_WAV_F64,
} nn_wav_format;

typedef struct {
    int rate;           /* samples per second per channel */
    int channels;
    int64_t frames;     /* samples per channel */
    nn_wav_format format;
    int extensible;     /* read from / write as WAVE_FORMAT_EXTENSIBLE */
    float *data;        /* frames * channels, interleaved; malloc'd */
} nn_wav;

/* Parse a whole in-memory file.  0, or -1 with nn_set_error(). */
int nn_wav_parse(const uint8_t *buf, size_t len, nn_wav *out);
/* Read a file ("-" = stdin) and parse it. */
int nn_wav_load(const char *path, nn_wav *out);
void nn_wav_free(nn_wav *w);

/* Average the channels into one (in place; no-op for mono). */
void nn_wav_mixdown(nn_wav *w);

/* Write w->data (frames * channels interleaved) in w->format at w->rate,
 * as extensible if w->extensible.  Atomic (see core/file.h). */
int nn_wav_save(const char *path, const nn_wav *w);
/* The same into a malloc'd buffer. */
int nn_wav_encode(const nn_wav *w, uint8_t **buf, size_t *len);

int nn_wav_format_bits(nn_wav_format f);

#endif
