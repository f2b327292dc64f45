/* Log-mel spectrograms and MFCCs, following librosa's conventions.
 *
 * Mel scale: Slaney's (librosa's default, htk=False): linear below 1 kHz
 * (f / (200/3)), logarithmic above (15 + ln(f / 1000) / (ln 6.4 / 27));
 * or HTK's 2595 log10(1 + f / 700) with htk = 1.
 * Filterbank (librosa.filters.mel): n_mels triangles between n_mels + 2
 * points equally spaced in mel from fmin to fmax, evaluated at the
 * n_fft/2 + 1 bin frequencies k * rate / n_fft; with slaney_norm each
 * triangle is scaled by 2 / (f[i+2] - f[i]) (equal area), else peak 1.
 *
 * Framing: frame t covers samples [t*hop - c, t*hop - c + win), with
 * c = win/2 when center is set (librosa-like, zeros outside the signal)
 * and c = 0 otherwise (Kaldi-like).  Frames: center: 1 + n / hop;
 * otherwise 1 + (n - win) / hop, or 1 if n < win (zero-padded).  Each
 * frame is multiplied by a periodic Hann window of length win (scipy's
 * get_window('hann', win), as librosa uses), zero-padded to n_fft,
 * transformed, and its power |X|^2 taken.
 *
 * Log: 10 log10(max(mel_power, floor)) (librosa.power_to_db with
 * ref = 1, amin = floor), then, if top_db > 0, clipped below at
 * (utterance max - top_db).
 * MFCC: DCT-II with orthonormal scaling (scipy norm='ortho') of each
 * log-mel frame, first n_mfcc coefficients (as librosa.feature.mfcc).
 * Normalization "utterance": every feature minus its mean over the
 * utterance's frames, divided by its standard deviation (population,
 * plus 1e-8 so silent features do not divide by zero). */
#ifndef NN_AUDIO_MEL_H
#define NN_AUDIO_MEL_H

#include "math/fft.h"

#include <stdint.h>

double nn_hz_to_mel(double hz, int htk);
double nn_mel_to_hz(double mel, int htk);

/* weights: n_mels x (n_fft/2 + 1), row-major. */
int nn_mel_filterbank(int n_mels, int n_fft, double rate, double fmin, double fmax, int htk, int slaney_norm,
                      float *weights);

typedef struct {
    int rate;        /* Hz, of the samples given */
    int win;         /* window length in samples */
    int hop;         /* samples between frames */
    int n_fft;       /* >= win; any length */
    int n_mels;
    double fmin, fmax;
    int htk;         /* mel scale: 0 Slaney (default), 1 HTK */
    int slaney_norm; /* filter area normalization (librosa's default 1) */
    int center;
    double floor;    /* power floor before the log, e.g. 1e-10 */
    double top_db;   /* 0: no clipping */
    int n_mfcc;      /* 0: output log-mel */
    int normalize;   /* 1: per-utterance mean/variance */
} nn_mel_config;

/* Defaults for a rate: 25 ms / 10 ms, n_fft next power of two, 40 mels,
 * 0 .. rate/2, Slaney, floor 1e-10, no top_db, no MFCC, no normalization. */
void nn_mel_config_default(nn_mel_config *c, int rate);

/* Checks the configuration; makes the filterbank, window and FFT plan. */
typedef struct nn_mel nn_mel;
nn_mel *nn_mel_new(const nn_mel_config *c);
void nn_mel_free(nn_mel *m);

/* Features per frame: n_mfcc if set, else n_mels. */
int nn_mel_dim(const nn_mel *m);
/* Frames for n samples. */
int64_t nn_mel_frames(const nn_mel *m, int64_t n);

/* out: nn_mel_frames(n) x nn_mel_dim() floats.  Thread-safe on a shared
 * nn_mel (scratch is per call). */
int nn_mel_compute(const nn_mel *m, const float *x, int64_t n, float *out);

/* Orthonormal DCT-II of n values into the first k outputs. */
void nn_dct2_ortho(const double *in, int n, double *out, int k);

#endif
