#include "audio/features.h"

#include "audio/resample.h"
#include "core/error.h"
#include "core/mem.h"
#include "io/wav.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void nn_audio_settings_default(nn_audio_settings *s)
{
    memset(s, 0, sizeof *s);
    s->rate = 8000;
    s->window_ms = 25;
    s->hop_ms = 10;
    s->mels = 40;
    s->slaney_norm = 1;
    s->floor = 1e-10;
}

int nn_audio_settings_mel(const nn_audio_settings *s, nn_mel_config *c)
{
    if (s->rate < 1 || s->rate > 10000000)
        return nn_set_error("rate %d Hz is outside 1..10000000", s->rate);
    if (!(s->window_ms > 0 && s->window_ms < 1e6) || !(s->hop_ms > 0 && s->hop_ms < 1e6))
        return nn_set_error("the window and hop must be positive milliseconds");
    nn_mel_config_default(c, s->rate);
    double win = s->window_ms * s->rate / 1000.0, hop = s->hop_ms * s->rate / 1000.0;
    if (win > 1 << 24 || hop > 1 << 24)
        return nn_set_error("window %g ms / hop %g ms is too long", s->window_ms, s->hop_ms);
    c->win = (int)lround(win);
    c->hop = (int)lround(hop);
    if (c->win < 1 || c->hop < 1)
        return nn_set_error("window %g ms / hop %g ms is less than one sample at %d Hz", s->window_ms, s->hop_ms,
                            s->rate);
    c->n_fft = s->n_fft ? s->n_fft : (int)nn_fft_next_pow2((size_t)c->win);
    if (s->n_fft < 0 || c->n_fft < c->win)
        return nn_set_error("n-fft %d is shorter than the window (%d samples)", c->n_fft, c->win);
    c->n_mels = s->mels;
    c->fmin = s->fmin;
    c->fmax = s->fmax > 0 ? s->fmax : s->rate / 2.0;
    c->htk = s->htk;
    c->slaney_norm = s->slaney_norm;
    c->center = s->center;
    c->floor = s->floor;
    c->top_db = s->top_db;
    c->n_mfcc = s->mfcc;
    c->normalize = s->normalize;
    return 0;
}

char *nn_audio_settings_format(const nn_audio_settings *s)
{
    char *t = nn_alloc(1024, 1);
    if (!t)
        return NULL;
    /* %.17g reads back to the same double */
    snprintf(t, 1024,
             "rate\t%d\nwindow-ms\t%.17g\nhop-ms\t%.17g\nn-fft\t%d\nmels\t%d\nfmin\t%.17g\nfmax\t%.17g\n"
             "mel-scale\t%s\nfilter-norm\t%s\ncenter\t%d\nfloor\t%.17g\ntop-db\t%.17g\nmfcc\t%d\nnormalize\t%s\n",
             s->rate, s->window_ms, s->hop_ms, s->n_fft, s->mels, s->fmin, s->fmax, s->htk ? "htk" : "slaney",
             s->slaney_norm ? "slaney" : "none", s->center, s->floor, s->top_db, s->mfcc,
             s->normalize ? "utterance" : "none");
    return t;
}

static int read_double(const char *v, double *out)
{
    char *end;
    errno = 0;
    double d = strtod(v, &end);
    if (end == v || *end || errno || !isfinite(d))
        return -1;
    *out = d;
    return 0;
}

static int read_int(const char *v, int lo, int hi, int *out)
{
    char *end;
    errno = 0;
    long x = strtol(v, &end, 10);
    if (end == v || *end || errno || x < lo || x > hi)
        return -1;
    *out = (int)x;
    return 0;
}

/* which: 0/1 from two names */
static int read_word(const char *v, const char *zero, const char *one, int *out)
{
    if (!strcmp(v, zero))
        *out = 0;
    else if (!strcmp(v, one))
        *out = 1;
    else
        return -1;
    return 0;
}

static int set_option(nn_audio_settings *s, const char *k, const char *v)
{
    int rc;
    if (!strcmp(k, "rate"))
        rc = read_int(v, 1, 10000000, &s->rate);
    else if (!strcmp(k, "window-ms"))
        rc = read_double(v, &s->window_ms);
    else if (!strcmp(k, "hop-ms"))
        rc = read_double(v, &s->hop_ms);
    else if (!strcmp(k, "n-fft"))
        rc = read_int(v, 0, 1 << 24, &s->n_fft);
    else if (!strcmp(k, "mels"))
        rc = read_int(v, 1, 1 << 16, &s->mels);
    else if (!strcmp(k, "fmin"))
        rc = read_double(v, &s->fmin);
    else if (!strcmp(k, "fmax"))
        rc = read_double(v, &s->fmax);
    else if (!strcmp(k, "mel-scale"))
        rc = read_word(v, "slaney", "htk", &s->htk);
    else if (!strcmp(k, "filter-norm"))
        rc = read_word(v, "none", "slaney", &s->slaney_norm);
    else if (!strcmp(k, "center"))
        rc = read_int(v, 0, 1, &s->center);
    else if (!strcmp(k, "floor"))
        rc = read_double(v, &s->floor);
    else if (!strcmp(k, "top-db"))
        rc = read_double(v, &s->top_db);
    else if (!strcmp(k, "mfcc"))
        rc = read_int(v, 0, 1 << 16, &s->mfcc);
    else if (!strcmp(k, "normalize"))
        rc = read_word(v, "none", "utterance", &s->normalize);
    else
        return nn_set_error("audio settings: unknown option '%s'", k);
    if (rc < 0)
        return nn_set_error("audio settings: '%s' is not a valid value of %s", v, k);
    return 0;
}

int nn_audio_settings_parse(const char *text, nn_audio_settings *s)
{
    nn_audio_settings_default(s);
    int line = 0;
    const char *p = text;
    while (*p) {
        line++;
        const char *e = strchr(p, '\n');
        size_t len = e ? (size_t)(e - p) : strlen(p);
        size_t l = len && p[len - 1] == '\r' ? len - 1 : len;
        if (l) {
            char buf[256];
            if (l >= sizeof buf)
                return nn_set_error("audio settings: line %d is too long", line);
            memcpy(buf, p, l);
            buf[l] = 0;
            char *tab = strchr(buf, '\t');
            if (!tab)
                return nn_set_error("audio settings: line %d is not 'option<TAB>value'", line);
            *tab = 0;
            if (set_option(s, buf, tab + 1) < 0)
                return -1;
        }
        p += len + (e != NULL);
    }
    nn_mel_config c;
    if (nn_audio_settings_mel(s, &c) < 0)
        return -1;
    nn_mel *m = nn_mel_new(&c); /* the mel code checks the rest (bands, frequencies, MFCC count) */
    if (!m)
        return -1;
    nn_mel_free(m);
    return 0;
}

int nn_audio_features_file(const nn_mel *m, int rate, const char *path, float **out, int64_t *frames)
{
    nn_wav w;
    *out = NULL;
    if (nn_wav_load(path, &w) < 0)
        return -1;
    nn_wav_mixdown(&w);
    float *x;
    int64_t n;
    int rc = nn_resample(w.data, w.frames, w.rate, rate, &x, &n);
    nn_wav_free(&w);
    if (rc < 0)
        return -1;
    int64_t T = nn_mel_frames(m, n);
    float *f = nn_alloc((size_t)T * (size_t)nn_mel_dim(m), sizeof *f);
    if (!f || nn_mel_compute(m, x, n, f) < 0) {
        free(f);
        free(x);
        return -1;
    }
    free(x);
    *out = f;
    *frames = T;
    return 0;
}
