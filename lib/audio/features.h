/* audio-features's settings as a value of their own, and WAV file ->
 * features in one call.
 *
 * Why: a model trained on features (train-seq2seq) must compute the same
 * features when it is handed a recording.  audio-features writes its
 * settings (--settings FILE), the trainer keeps them in the model's
 * metadata, and `train-seq2seq transcribe` rebuilds the same front end
 * from them.
 *
 * Text form: one "option<TAB>value" line per setting, named like
 * audio-features's options (rate, window-ms, hop-ms, n-fft, mels, fmin,
 * fmax, mel-scale, filter-norm, center, floor, top-db, mfcc, normalize);
 * numbers are written with enough digits to read back exactly.  The
 * parser accepts the lines in any order, a missing option keeps its
 * default, an unknown option or a bad value is an error. */
#ifndef NN_AUDIO_FEATURES_H
#define NN_AUDIO_FEATURES_H

#include "audio/mel.h"

#include <stdint.h>

typedef struct {
    int rate;               /* Hz: every file is resampled to it */
    double window_ms;       /* analysis window (Hann) */
    double hop_ms;          /* frame step */
    int n_fft;              /* 0: next power of two >= window */
    int mels;
    double fmin, fmax;      /* fmax 0: rate / 2 */
    int htk;                /* mel scale: 0 slaney, 1 htk */
    int slaney_norm;        /* filter-norm: 1 slaney (equal area), 0 none */
    int center;
    double floor;           /* power floor before 10 log10 */
    double top_db;          /* 0: off */
    int mfcc;               /* 0: log-mel output */
    int normalize;          /* 1: per-utterance mean/variance */
} nn_audio_settings;

/* 8 kHz, 25 ms / 10 ms, n_fft 0 (auto), 40 mels, 0 .. rate/2, Slaney with
 * area normalization, no centring, floor 1e-10, no top-db, no MFCC, no
 * normalization: audio-features's defaults. */
void nn_audio_settings_default(nn_audio_settings *s);

/* The mel front end the settings describe; an error (-1) when the window
 * or hop is under one sample, the FFT is shorter than the window or a
 * value is out of range. */
int nn_audio_settings_mel(const nn_audio_settings *s, nn_mel_config *c);

/* Text form (malloc'd), or NULL when out of memory. */
char *nn_audio_settings_format(const nn_audio_settings *s);
/* Reads the text form (NUL-terminated) over the defaults and checks the
 * result with nn_audio_settings_mel. */
int nn_audio_settings_parse(const char *text, nn_audio_settings *s);

/* One WAV file -> channels mixed down -> resampled to `rate` -> features
 * (*frames x nn_mel_dim(m), malloc'd into *out).  Thread-safe. */
int nn_audio_features_file(const nn_mel *m, int rate, const char *path, float **out, int64_t *frames);

#endif
