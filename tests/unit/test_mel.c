/* Mel filterbank (values recorded from tests/python/audio_ref.py, a numpy
 * transcription of librosa.filters.mel), mel scales, DCT, log-mel of pure
 * tones, framing, normalization, and the resampler (frequency, amplitude,
 * anti-aliasing). */
#include "audio/mel.h"
#include "audio/resample.h"
#include "check.h"
#include "core/error.h"

#include <stdlib.h>
#include <string.h>

static const double PI = 3.14159265358979323846;

static void test_mel_scales(void)
{
    CHECK_NEAR(nn_hz_to_mel(1000, 0), 15.0, 1e-12);
    CHECK_NEAR(nn_hz_to_mel(500, 0), 7.5, 1e-12);
    CHECK_NEAR(nn_hz_to_mel(6400, 0), 42.0, 1e-12); /* 15 + ln(6.4) / (ln(6.4) / 27) */
    CHECK_NEAR(nn_hz_to_mel(700, 1), 2595.0 * log10(2.0), 1e-9);
    for (double f = 0; f < 20000; f += 123.4) {
        CHECK_NEAR(nn_mel_to_hz(nn_hz_to_mel(f, 0), 0), f, 1e-9 * (1 + f));
        CHECK_NEAR(nn_mel_to_hz(nn_hz_to_mel(f, 1), 1), f, 1e-9 * (1 + f));
    }
}

typedef struct {
    int row, first, last;
    double v[3], sum;
} fb_ref;

static void check_fb(const float *w, int bins, const fb_ref *r, int nref)
{
    for (int t = 0; t < nref; t++) {
        const float *row = w + (size_t)r[t].row * bins;
        int first = -1, last = -1;
        double sum = 0;
        for (int k = 0; k < bins; k++)
            if (row[k] != 0) {
                if (first < 0)
                    first = k;
                last = k;
                sum += row[k];
            }
        CHECK(first == r[t].first && last == r[t].last);
        for (int k = 0; k < 3 && first >= 0; k++)
            CHECK_NEAR(row[first + k], r[t].v[k], 2e-6 * fabs(r[t].v[k]) + 1e-9);
        CHECK_NEAR(sum, r[t].sum, 2e-6 * r[t].sum);
    }
}

/* audio_ref.py fb 40 256 8000 0 4000 slaney slaney (librosa's defaults). */
static void test_filterbank_slaney(void)
{
    static const fb_ref ref[] = {
        {0, 1, 3, {0.0095589377, 0.0158613188, 0.00630238109}, 0.0317226376},
        {1, 2, 5, {0.00162827831, 0.011187216, 0.0142330405}, 0.0317226376},
        {10, 19, 21, {0.00672384536, 0.0162827831, 0.00913747342}, 0.0321441019},
        {25, 50, 56, {0.00058135125, 0.0039719467, 0.00736254215}, 0.0319302508},
        {39, 114, 127, {0.000155452975, 0.000805949998, 0.00145644702}, 0.0319195893},
    };
    int bins = 129;
    float *w = malloc(40 * (size_t)bins * sizeof *w);
    CHECK(nn_mel_filterbank(40, 256, 8000, 0, 4000, 0, 1, w) == 0);
    check_fb(w, bins, ref, 5);
    free(w);
}

/* audio_ref.py fb 26 512 16000 300 8000 htk none. */
static void test_filterbank_htk(void)
{
    static const fb_ref ref[] = {
        {0, 10, 15, {0.149843441, 0.524452043, 0.899060646}, 2.77826943},
        {13, 69, 84, {0.095192108, 0.227387594, 0.359583079}, 7.87904867},
        {25, 215, 256, {0.0111979778, 0.0617399881, 0.112281998}, 20.6031872},
    };
    int bins = 257;
    float *w = malloc(26 * (size_t)bins * sizeof *w);
    CHECK(nn_mel_filterbank(26, 512, 16000, 300, 8000, 1, 0, w) == 0);
    check_fb(w, bins, ref, 3);
    CHECK(nn_mel_filterbank(26, 512, 16000, 300, 300, 1, 0, w) < 0);
    CHECK(strstr(nn_last_error(), "fmin < fmax") != NULL);
    free(w);
}

static void test_dct_ortho(void)
{
    double x[7] = {1, -2, 3.5, 0.25, 4, -1, 2}, y[7], e0 = 0, e1 = 0;
    nn_dct2_ortho(x, 7, y, 7);
    for (int i = 0; i < 7; i++) {
        e0 += x[i] * x[i];
        e1 += y[i] * y[i];
    }
    CHECK_NEAR(e0, e1, 1e-12); /* orthonormal */
    CHECK_NEAR(y[0], (1 - 2 + 3.5 + 0.25 + 4 - 1 + 2) / sqrt(7.0), 1e-12);
}

static float *tone(int rate, double seconds, double freq, double amp, int64_t *n)
{
    *n = (int64_t)(rate * seconds);
    float *x = malloc((size_t)*n * sizeof *x);
    for (int64_t i = 0; i < *n; i++)
        x[i] = (float)(amp * sin(2 * PI * freq * (double)i / rate));
    return x;
}

/* A pure tone peaks in the band whose centre is nearest its frequency. */
static void test_tone_peaks_in_its_band(void)
{
    nn_mel_config c;
    nn_mel_config_default(&c, 8000);
    CHECK(c.win == 200 && c.hop == 80 && c.n_fft == 256 && c.n_mels == 40);
    nn_mel *m = nn_mel_new(&c);
    CHECK(m != NULL);
    double freqs[] = {250, 1000, 2500};
    for (int f = 0; f < 3; f++) {
        int64_t n;
        float *x = tone(8000, 0.5, freqs[f], 0.5, &n);
        int64_t T = nn_mel_frames(m, n);
        CHECK(T == 1 + (4000 - 200) / 80);
        float *out = malloc((size_t)T * 40 * sizeof *out);
        CHECK(nn_mel_compute(m, x, n, out) == 0);
        /* expected band: centre (point i+1 of n_mels+2) nearest in mel */
        double m0 = nn_hz_to_mel(0, 0), m1 = nn_hz_to_mel(4000, 0), target = nn_hz_to_mel(freqs[f], 0);
        int want = (int)lround((target - m0) / (m1 - m0) * 41) - 1;
        int ok = 0;
        for (int64_t t = 0; t < T; t++) {
            int best = 0;
            for (int i = 1; i < 40; i++)
                if (out[t * 40 + i] > out[t * 40 + best])
                    best = i;
            ok += best == want;
        }
        CHECK(ok == T);
        free(out);
        free(x);
    }
    nn_mel_free(m);
}

/* Power: a sine of amplitude A has Hann-windowed peak power near
 * (A * sum(w) / 2)^2 in its bin. */
static void test_silence_floor_and_frames(void)
{
    nn_mel_config c;
    nn_mel_config_default(&c, 16000);
    c.n_mels = 20;
    nn_mel *m = nn_mel_new(&c);
    CHECK(nn_mel_frames(m, 0) == 1);
    CHECK(nn_mel_frames(m, 399) == 1);
    CHECK(nn_mel_frames(m, 400) == 1);
    CHECK(nn_mel_frames(m, 560) == 2);
    float zero[500] = {0}, out[40];
    CHECK(nn_mel_compute(m, zero, 500, out) == 0);
    for (int i = 0; i < 20; i++)
        CHECK_NEAR(out[i], -100.0, 1e-4); /* 10 log10(1e-10) */
    nn_mel_free(m);
    c.center = 1;
    m = nn_mel_new(&c);
    CHECK(nn_mel_frames(m, 0) == 1);
    CHECK(nn_mel_frames(m, 160) == 2);
    nn_mel_free(m);
    /* bad configurations */
    nn_mel_config b = c;
    b.n_fft = 100;
    CHECK(nn_mel_new(&b) == NULL && strstr(nn_last_error(), "shorter than the window"));
    b = c;
    b.fmax = 9000;
    CHECK(nn_mel_new(&b) == NULL && strstr(nn_last_error(), "Nyquist"));
    b = c;
    b.n_mfcc = 21;
    CHECK(nn_mel_new(&b) == NULL);
}

static void test_mfcc_normalize_odd_fft(void)
{
    int64_t n;
    float *x = tone(8000, 0.3, 700, 0.3, &n);
    for (int64_t i = 0; i < n; i++)
        x[i] += (float)(0.05 * sin(0.37 * (double)i * (double)i)); /* some broadband content */
    nn_mel_config c;
    nn_mel_config_default(&c, 8000);
    c.n_fft = 300; /* Bluestein path */
    nn_mel *lm = nn_mel_new(&c);
    int64_t T = nn_mel_frames(lm, n);
    float *a = malloc((size_t)T * 40 * sizeof *a), *b = malloc((size_t)T * 13 * sizeof *b);
    CHECK(nn_mel_compute(lm, x, n, a) == 0);
    c.n_mfcc = 13;
    c.normalize = 1;
    nn_mel *mf = nn_mel_new(&c);
    CHECK(nn_mel_dim(mf) == 13);
    CHECK(nn_mel_compute(mf, x, n, b) == 0);
    /* MFCC = DCT of the log-mel, then normalized per coefficient. */
    double *col = malloc((size_t)T * sizeof *col);
    for (int j = 0; j < 13; j++) {
        double mean = 0, var = 0;
        for (int64_t t = 0; t < T; t++) {
            double in[40], out[13];
            for (int i = 0; i < 40; i++)
                in[i] = a[t * 40 + i];
            nn_dct2_ortho(in, 40, out, 13);
            col[t] = out[j];
            mean += out[j];
        }
        mean /= (double)T;
        for (int64_t t = 0; t < T; t++)
            var += (col[t] - mean) * (col[t] - mean);
        double sd = sqrt(var / (double)T) + 1e-8;
        double m2 = 0, v2 = 0;
        for (int64_t t = 0; t < T; t++) {
            CHECK_NEAR(b[t * 13 + j], (col[t] - mean) / sd, 2e-3);
            m2 += b[t * 13 + j];
            v2 += (double)b[t * 13 + j] * b[t * 13 + j];
        }
        CHECK_NEAR(m2 / (double)T, 0.0, 1e-5);
        CHECK_NEAR(v2 / (double)T, 1.0, 1e-3);
    }
    free(col);
    free(a);
    free(b);
    free(x);
    nn_mel_free(lm);
    nn_mel_free(mf);
}

/* top_db clips each utterance at its maximum - top_db; center pads
 * win/2 zeros in front, so frame t of a centred run is frame t - 1 of an
 * uncentred one shifted by hop - win/2 (here win = 2 hop: the same frames). */
static void test_top_db_and_center(void)
{
    int64_t n;
    float *x = tone(8000, 0.3, 500, 0.5, &n);
    nn_mel_config c;
    nn_mel_config_default(&c, 8000);
    c.win = 160; /* 2 hops */
    c.top_db = 30;
    nn_mel *m = nn_mel_new(&c);
    int64_t T = nn_mel_frames(m, n);
    float *a = malloc((size_t)T * 40 * sizeof *a);
    CHECK(nn_mel_compute(m, x, n, a) == 0);
    float hi = -1e30f, lo = 1e30f;
    for (int64_t i = 0; i < T * 40; i++)
        hi = fmaxf(hi, a[i]), lo = fminf(lo, a[i]);
    CHECK_NEAR(lo, hi - 30, 1e-4);
    c.center = 1;
    nn_mel *mc = nn_mel_new(&c);
    int64_t Tc = nn_mel_frames(mc, n);
    CHECK(Tc == 1 + n / 80 && Tc == T + 2);
    float *b = malloc((size_t)Tc * 40 * sizeof *b);
    CHECK(nn_mel_compute(mc, x, n, b) == 0);
    for (int64_t t = 0; t < T; t++)
        for (int i = 0; i < 40; i++)
            CHECK_NEAR(b[(t + 1) * 40 + i], a[t * 40 + i], 1e-4);
    free(a);
    free(b);
    free(x);
    nn_mel_free(m);
    nn_mel_free(mc);
}

/* Amplitude and phase of frequency f in x (least squares over the middle,
 * away from the edges). */
static void fit_sine(const float *x, int64_t n, int rate, double f, double *amp, double *resid)
{
    double ss = 0, sc = 0, cc = 0, ys = 0, yc = 0;
    int64_t a = n / 10, b = n - n / 10;
    for (int64_t i = a; i < b; i++) {
        double s = sin(2 * PI * f * (double)i / rate), c = cos(2 * PI * f * (double)i / rate);
        ss += s * s, sc += s * c, cc += c * c, ys += x[i] * s, yc += x[i] * c;
    }
    double det = ss * cc - sc * sc, p = (ys * cc - yc * sc) / det, q = (yc * ss - ys * sc) / det;
    *amp = sqrt(p * p + q * q);
    double r = 0, e = 0;
    for (int64_t i = a; i < b; i++) {
        double fit = p * sin(2 * PI * f * (double)i / rate) + q * cos(2 * PI * f * (double)i / rate);
        r += (x[i] - fit) * (x[i] - fit);
        e += fit * fit;
    }
    *resid = sqrt(r / e);
}

static void test_resample_sine(void)
{
    struct {
        int in, out;
        double f;
    } cases[] = {{44100, 8000, 440}, {8000, 16000, 1000}, {22050, 16000, 3000}, {16000, 8000, 3000},
                 {48000, 44100, 10000}, {8000, 8001, 600}};
    for (int c = 0; c < 6; c++) {
        int64_t n, m;
        float *x = tone(cases[c].in, 0.25, cases[c].f, 0.8, &n), *y;
        CHECK(nn_resample(x, n, cases[c].in, cases[c].out, &y, &m) == 0);
        CHECK(m == nn_resample_length(n, cases[c].in, cases[c].out));
        CHECK(llabs(m - (int64_t)(0.25 * cases[c].out)) <= 1);
        double amp, resid;
        fit_sine(y, m, cases[c].out, cases[c].f, &amp, &resid);
        if (fabs(amp - 0.8) > 0.008 || resid > 0.01)
            printf("    %d -> %d, %g Hz: amplitude %g, residual %g\n", cases[c].in, cases[c].out, cases[c].f, amp,
                   resid);
        CHECK_NEAR(amp, 0.8, 0.008);
        CHECK(resid < 0.01);
        free(x);
        free(y);
    }
}

/* Down-sampling removes what the new rate cannot hold. */
static void test_resample_antialias(void)
{
    int64_t n, m;
    float *x = tone(16000, 0.25, 6000, 0.8, &n), *y;
    CHECK(nn_resample(x, n, 16000, 8000, &y, &m) == 0);
    double e = 0;
    for (int64_t i = m / 10; i < m - m / 10; i++)
        e += (double)y[i] * y[i];
    CHECK(sqrt(e / (double)(m - m / 5)) < 0.8 * 0.01); /* below -40 dB */
    free(y);
    /* equal rates copy; a constant stays constant */
    for (int64_t i = 0; i < n; i++)
        x[i] = 0.5f;
    CHECK(nn_resample(x, n, 16000, 16000, &y, &m) == 0 && m == n && y[7] == 0.5f);
    free(y);
    CHECK(nn_resample(x, n, 16000, 11025, &y, &m) == 0);
    CHECK_NEAR(y[m / 2], 0.5, 1e-6);
    free(y);
    CHECK(nn_resample(x, n, 0, 8000, &y, &m) < 0);
    free(x);
}

int main(void)
{
    RUN(test_mel_scales);
    RUN(test_filterbank_slaney);
    RUN(test_filterbank_htk);
    RUN(test_dct_ortho);
    RUN(test_tone_peaks_in_its_band);
    RUN(test_silence_floor_and_frames);
    RUN(test_mfcc_normalize_odd_fft);
    RUN(test_top_db_and_center);
    RUN(test_resample_sine);
    RUN(test_resample_antialias);
    return check_summary();
}
