#include "audio/mel.h"

#include "core/error.h"
#include "core/mem.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static const double PI = 3.14159265358979323846;

struct nn_mel {
    nn_mel_config c;
    int bins;         /* n_fft/2 + 1 */
    float *fb;        /* n_mels x bins */
    int *fb_lo, *fb_hi; /* non-zero range of each filter */
    double *window;   /* win */
    double *dct;      /* n_mfcc x n_mels */
    nn_fft_plan *plan;
};

/* Slaney's constants (Auditory Toolbox, as librosa). */
#define SL_FSP (200.0 / 3.0)
#define SL_MIN_LOG_HZ 1000.0
#define SL_MIN_LOG_MEL (SL_MIN_LOG_HZ / SL_FSP)
#define SL_LOGSTEP (0.06875177742094912) /* ln(6.4) / 27 */

double nn_hz_to_mel(double hz, int htk)
{
    if (htk)
        return 2595.0 * log10(1.0 + hz / 700.0);
    if (hz < SL_MIN_LOG_HZ)
        return hz / SL_FSP;
    return SL_MIN_LOG_MEL + log(hz / SL_MIN_LOG_HZ) / SL_LOGSTEP;
}

double nn_mel_to_hz(double mel, int htk)
{
    if (htk)
        return 700.0 * (pow(10.0, mel / 2595.0) - 1.0);
    if (mel < SL_MIN_LOG_MEL)
        return mel * SL_FSP;
    return SL_MIN_LOG_HZ * exp(SL_LOGSTEP * (mel - SL_MIN_LOG_MEL));
}

int nn_mel_filterbank(int n_mels, int n_fft, double rate, double fmin, double fmax, int htk, int slaney_norm,
                      float *weights)
{
    if (n_mels < 1 || n_fft < 1 || !(rate > 0))
        return nn_set_error("mel filterbank: bad sizes (mels %d, n_fft %d, rate %g)", n_mels, n_fft, rate);
    if (!(fmin >= 0) || !(fmax > fmin))
        return nn_set_error("mel filterbank: need 0 <= fmin < fmax (got %g, %g)", fmin, fmax);
    int bins = n_fft / 2 + 1;
    double *f = nn_alloc((size_t)n_mels + 2, sizeof *f);
    if (!f)
        return -1;
    double m0 = nn_hz_to_mel(fmin, htk), m1 = nn_hz_to_mel(fmax, htk);
    for (int i = 0; i < n_mels + 2; i++)
        f[i] = nn_mel_to_hz(m0 + (m1 - m0) * i / (n_mels + 1), htk);
    for (int i = 0; i < n_mels; i++) {
        double lo = f[i], mid = f[i + 1], hi = f[i + 2];
        double scale = slaney_norm ? 2.0 / (hi - lo) : 1.0;
        for (int k = 0; k < bins; k++) {
            double hz = (double)k * rate / n_fft;
            double up = (hz - lo) / (mid - lo), down = (hi - hz) / (hi - mid);
            double v = up < down ? up : down;
            weights[(size_t)i * bins + k] = (float)(v > 0 ? v * scale : 0.0);
        }
    }
    free(f);
    return 0;
}

void nn_dct2_ortho(const double *in, int n, double *out, int k)
{
    for (int j = 0; j < k; j++) {
        double s = 0;
        for (int i = 0; i < n; i++)
            s += in[i] * cos(PI * j * (2 * i + 1) / (2.0 * n));
        out[j] = s * sqrt((j ? 2.0 : 1.0) / n);
    }
}

void nn_mel_config_default(nn_mel_config *c, int rate)
{
    memset(c, 0, sizeof *c);
    c->rate = rate;
    c->win = (int)lround(0.025 * rate);
    c->hop = (int)lround(0.010 * rate);
    c->n_fft = (int)nn_fft_next_pow2((size_t)(c->win > 0 ? c->win : 1));
    c->n_mels = 40;
    c->fmin = 0;
    c->fmax = rate / 2.0;
    c->slaney_norm = 1;
    c->floor = 1e-10;
}

void nn_mel_free(nn_mel *m)
{
    if (!m)
        return;
    free(m->fb);
    free(m->fb_lo);
    free(m->fb_hi);
    free(m->window);
    free(m->dct);
    nn_fft_plan_free(m->plan);
    free(m);
}

nn_mel *nn_mel_new(const nn_mel_config *c)
{
    if (c->rate < 1)
        return nn_set_error("sample rate must be positive"), NULL;
    if (c->win < 1 || c->hop < 1)
        return nn_set_error("window (%d) and hop (%d) must be at least one sample", c->win, c->hop), NULL;
    if (c->n_fft < c->win)
        return nn_set_error("n_fft %d is shorter than the window (%d samples)", c->n_fft, c->win), NULL;
    if (c->n_fft > (1 << 24))
        return nn_set_error("n_fft %d is too large", c->n_fft), NULL;
    if (c->n_mels < 1 || c->n_mels > 4096)
        return nn_set_error("mel bands must be in 1..4096 (got %d)", c->n_mels), NULL;
    if (c->fmax > c->rate / 2.0 + 1e-9)
        return nn_set_error("fmax %g is above the Nyquist frequency %g", c->fmax, c->rate / 2.0), NULL;
    if (c->n_mfcc < 0 || c->n_mfcc > c->n_mels)
        return nn_set_error("MFCC count %d must be in 0..%d (the mel bands)", c->n_mfcc, c->n_mels), NULL;
    if (!(c->floor > 0))
        return nn_set_error("the log floor must be positive"), NULL;
    if (!(c->top_db >= 0))
        return nn_set_error("top_db must be >= 0"), NULL;
    nn_mel *m = nn_calloc(1, sizeof *m);
    if (!m)
        return NULL;
    m->c = *c;
    m->bins = c->n_fft / 2 + 1;
    m->fb = nn_alloc((size_t)c->n_mels * (size_t)m->bins, sizeof *m->fb);
    m->fb_lo = nn_alloc((size_t)c->n_mels, sizeof(int));
    m->fb_hi = nn_alloc((size_t)c->n_mels, sizeof(int));
    m->window = nn_alloc((size_t)c->win, sizeof *m->window);
    m->plan = nn_fft_plan_new((size_t)c->n_fft);
    if (!m->fb || !m->fb_lo || !m->fb_hi || !m->window || !m->plan)
        goto fail;
    if (nn_mel_filterbank(c->n_mels, c->n_fft, c->rate, c->fmin, c->fmax, c->htk, c->slaney_norm, m->fb) < 0)
        goto fail;
    for (int i = 0; i < c->n_mels; i++) {
        const float *row = m->fb + (size_t)i * m->bins;
        int lo = 0, hi = m->bins;
        while (lo < hi && row[lo] == 0)
            lo++;
        while (hi > lo && row[hi - 1] == 0)
            hi--;
        m->fb_lo[i] = lo;
        m->fb_hi[i] = hi;
    }
    for (int i = 0; i < c->win; i++)
        m->window[i] = 0.5 - 0.5 * cos(2 * PI * i / c->win);
    if (c->n_mfcc) {
        m->dct = nn_alloc((size_t)c->n_mfcc * (size_t)c->n_mels, sizeof *m->dct);
        if (!m->dct)
            goto fail;
        for (int j = 0; j < c->n_mfcc; j++)
            for (int i = 0; i < c->n_mels; i++)
                m->dct[(size_t)j * c->n_mels + i] =
                    cos(PI * j * (2 * i + 1) / (2.0 * c->n_mels)) * sqrt((j ? 2.0 : 1.0) / c->n_mels);
    }
    return m;
fail:
    nn_mel_free(m);
    return NULL;
}

int nn_mel_dim(const nn_mel *m) { return m->c.n_mfcc ? m->c.n_mfcc : m->c.n_mels; }

int64_t nn_mel_frames(const nn_mel *m, int64_t n)
{
    if (m->c.center)
        return 1 + n / m->c.hop;
    if (n < m->c.win)
        return 1;
    return 1 + (n - m->c.win) / m->c.hop;
}

int nn_mel_compute(const nn_mel *m, const float *x, int64_t n, float *out)
{
    const nn_mel_config *c = &m->c;
    int64_t T = nn_mel_frames(m, n);
    int nf = c->n_fft, bins = m->bins, nm = c->n_mels, dim = nn_mel_dim(m);
    double *frame = nn_alloc((size_t)nf, sizeof *frame);
    double *spec = nn_alloc((size_t)bins, 2 * sizeof *spec);
    double *work = nn_alloc((size_t)nf, 2 * sizeof *work);
    double *power = nn_alloc((size_t)bins, sizeof *power);
    int rc = -1;
    if (!frame || !spec || !work || !power)
        goto done;
    int64_t off = c->center ? c->win / 2 : 0;
    double maxdb = -HUGE_VAL;
    /* log-mel into out when no MFCC; with MFCC keep the log-mel frames of
     * the whole utterance first (top_db needs the utterance maximum). */
    float *lm = out;
    if (c->n_mfcc && !(lm = nn_alloc((size_t)T * (size_t)nm, sizeof *lm)))
        goto done;
    for (int64_t t = 0; t < T; t++) {
        int64_t s0 = t * c->hop - off;
        for (int i = 0; i < nf; i++)
            frame[i] = 0;
        for (int i = 0; i < c->win; i++) {
            int64_t s = s0 + i;
            if (s >= 0 && s < n)
                frame[i] = x[s] * m->window[i];
        }
        if (nn_fft_real(m->plan, frame, spec, work) < 0)
            goto done_lm;
        for (int k = 0; k < bins; k++)
            power[k] = spec[2 * k] * spec[2 * k] + spec[2 * k + 1] * spec[2 * k + 1];
        float *row = lm + t * nm;
        for (int i = 0; i < nm; i++) {
            const float *w = m->fb + (size_t)i * bins;
            double s = 0;
            for (int k = m->fb_lo[i]; k < m->fb_hi[i]; k++)
                s += w[k] * power[k];
            double db = 10.0 * log10(s > c->floor ? s : c->floor);
            row[i] = (float)db;
            if (db > maxdb)
                maxdb = db;
        }
    }
    if (c->top_db > 0) {
        float lo = (float)(maxdb - c->top_db);
        for (int64_t i = 0; i < T * nm; i++)
            if (lm[i] < lo)
                lm[i] = lo;
    }
    if (c->n_mfcc) {
        for (int64_t t = 0; t < T; t++)
            for (int j = 0; j < c->n_mfcc; j++) {
                const double *d = m->dct + (size_t)j * nm;
                double s = 0;
                for (int i = 0; i < nm; i++)
                    s += d[i] * lm[t * nm + i];
                out[t * dim + j] = (float)s;
            }
    }
    if (c->normalize) {
        for (int j = 0; j < dim; j++) {
            double mean = 0, var = 0;
            for (int64_t t = 0; t < T; t++)
                mean += out[t * dim + j];
            mean /= (double)T;
            for (int64_t t = 0; t < T; t++) {
                double d = out[t * dim + j] - mean;
                var += d * d;
            }
            double sd = sqrt(var / (double)T) + 1e-8;
            for (int64_t t = 0; t < T; t++)
                out[t * dim + j] = (float)((out[t * dim + j] - mean) / sd);
        }
    }
    rc = 0;
done_lm:
    if (lm != out)
        free(lm);
done:
    free(frame);
    free(spec);
    free(work);
    free(power);
    return rc;
}
