/* audio-features: WAV files -> log-mel spectrograms or MFCCs (.npy). */
#include "audio/mel.h"
#include "audio/resample.h"
#include "core/cli.h"
#include "core/file.h"
#include "core/mem.h"
#include "core/parallel.h"
#include "core/progress.h"
#include "io/npy.h"
#include "io/wav.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int rate = 8000, n_fft = 0, mels = 40, mfcc = 0, center = 0;
static double window_ms = 25, hop_ms = 10, fmin_hz = 0, fmax_hz = 0, log_floor = 1e-10, top_db = 0;
static const char *normalize = "none", *scale = "slaney", *fnorm = "slaney", *dtype_name = "float32";
static const char *out_path = "-", *lengths_path = NULL, *list_path = NULL;

static const nn_option opts[] = {
    {"output", 'o', NN_OPT_STRING, &out_path, "FILE", "features (.npy, N x T_max x F, zero-padded)", NULL},
    {"lengths", 0, NN_OPT_STRING, &lengths_path, "FILE", "frames per utterance (.npy, int32, N)", NULL},
    {"list", 0, NN_OPT_STRING, &list_path, "FILE",
     "TSV whose first column is the WAV path (a header row starting 'path' is skipped; relative paths are "
     "taken from the TSV's folder)", NULL},
    {"rate", 'r', NN_OPT_INT, &rate, "HZ", "resample every file to this rate", NULL},
    {"window-ms", 0, NN_OPT_DOUBLE, &window_ms, "MS", "analysis window (Hann)", NULL},
    {"hop-ms", 0, NN_OPT_DOUBLE, &hop_ms, "MS", "frame step", NULL},
    {"n-fft", 0, NN_OPT_INT, &n_fft, "N", "FFT size (0: next power of two >= window; any length works)", NULL},
    {"mels", 0, NN_OPT_INT, &mels, "N", "mel bands", NULL},
    {"fmin", 0, NN_OPT_DOUBLE, &fmin_hz, "HZ", "lowest filter edge", NULL},
    {"fmax", 0, NN_OPT_DOUBLE, &fmax_hz, "HZ", "highest filter edge (0: rate/2)", NULL},
    {"mel-scale", 0, NN_OPT_CHOICE, &scale, "NAME", "mel scale (librosa's default is slaney)", "slaney|htk"},
    {"filter-norm", 0, NN_OPT_CHOICE, &fnorm, "NAME", "slaney: equal-area triangles; none: peak 1", "slaney|none"},
    {"center", 0, NN_OPT_FLAG, &center, NULL, "centre frames on t*hop (librosa) instead of starting there", NULL},
    {"floor", 0, NN_OPT_DOUBLE, &log_floor, "X", "power floor before 10*log10", NULL},
    {"top-db", 0, NN_OPT_DOUBLE, &top_db, "DB", "clip each utterance at its max - DB (0: off)", NULL},
    {"mfcc", 0, NN_OPT_INT, &mfcc, "N", "output N MFCCs (DCT-II of the log-mel) instead (0: off)", NULL},
    {"normalize", 0, NN_OPT_CHOICE, &normalize, "HOW", "per-utterance mean/variance normalization",
     "none|utterance"},
    {"dtype", 0, NN_OPT_CHOICE, &dtype_name, "TYPE", "output type", "float32|float64"},
    {"quiet", 'q', NN_OPT_FLAG, &nn_quiet, NULL, "no progress on stderr", NULL},
    {0}};

static const nn_cli cli = {
    "audio-features", "[options] [WAV... | -] [-o feats.npy] [--lengths len.npy]",
    "Read WAV files (PCM 8/16/24/32-bit or float, any channels, mixed down to mono; any\n"
    "rate, resampled to --rate) and write their log-mel spectrograms in dB (or MFCCs)\n"
    "as one float array (N, T_max, F), zero-padded after each utterance's frames.\n"
    "Inputs: WAV paths as arguments, '-' to read one path per line from stdin, or\n"
    "--list. Frames: 1 + (n - window) / hop (one zero-padded frame if shorter);\n"
    "with --center 1 + n / hop.  Mel filters as librosa.filters.mel (Slaney scale\n"
    "and area normalization by default).  Results do not depend on --threads.",
    opts, 0, -1};

typedef struct {
    char **paths;
    int n;
    const nn_mel *mel;
    int dim;
    float **feats;  /* per file: frames x dim */
    int64_t *frames;
    char **errors;  /* per file: message or NULL */
} job;

static void push(char ***v, int *n, int *cap, char *s)
{
    if (*n == *cap) {
        *cap = *cap ? 2 * *cap : 64;
        *v = nn_realloc(*v, (size_t)*cap, sizeof **v);
        if (!*v)
            nn_die_lib(NULL);
    }
    (*v)[(*n)++] = s;
}

static char *dup_str(const char *s, size_t len)
{
    char *d = nn_alloc(len + 1, 1);
    if (!d)
        nn_die_lib(NULL);
    memcpy(d, s, len);
    d[len] = 0;
    return d;
}

/* Lines of a text file (or stdin); with tsv, the first field, header
 * skipped and relative paths joined to the file's folder. */
static void read_list(const char *path, int tsv, char ***v, int *n, int *cap)
{
    uint8_t *buf;
    size_t len;
    if (nn_read_all(path, &buf, &len) < 0)
        nn_die_lib(path);
    size_t dirlen = 0;
    if (tsv && !nn_is_stdio(path)) {
        const char *slash = strrchr(path, '/');
        dirlen = slash ? (size_t)(slash - path) + 1 : 0;
    }
    char *s = (char *)buf;
    int line = 0;
    while (*s || s < (char *)buf + len) {
        if (s >= (char *)buf + len)
            break;
        char *e = memchr(s, '\n', (size_t)((char *)buf + len - s));
        size_t l = e ? (size_t)(e - s) : strlen(s);
        size_t f = l;
        if (f && s[f - 1] == '\r')
            f--;
        if (tsv) {
            char *tab = memchr(s, '\t', f);
            if (tab)
                f = (size_t)(tab - s);
        }
        line++;
        if (f && !(tsv && line == 1 && f == 4 && memcmp(s, "path", 4) == 0)) {
            if (memchr(s, 0, f))
                nn_die(path, "line %d: NUL byte in a path", line);
            if (dirlen && s[0] != '/') {
                char *p = nn_alloc(dirlen + f + 1, 1);
                if (!p)
                    nn_die_lib(NULL);
                memcpy(p, path, dirlen);
                memcpy(p + dirlen, s, f);
                p[dirlen + f] = 0;
                push(v, n, cap, p);
            } else {
                push(v, n, cap, dup_str(s, f));
            }
        }
        if (!e)
            break;
        s = e + 1;
    }
    free(buf);
}

static void task(void *ctx, int i, int worker)
{
    (void)worker;
    job *j = ctx;
    nn_wav w;
    if (nn_wav_load(j->paths[i], &w) < 0)
        goto fail;
    nn_wav_mixdown(&w);
    float *x;
    int64_t n;
    int rc = nn_resample(w.data, w.frames, w.rate, rate, &x, &n);
    nn_wav_free(&w);
    if (rc < 0)
        goto fail;
    int64_t T = nn_mel_frames(j->mel, n);
    float *f = nn_alloc((size_t)T * (size_t)j->dim, sizeof *f);
    if (!f || nn_mel_compute(j->mel, x, n, f) < 0) {
        free(f);
        free(x);
        goto fail;
    }
    free(x);
    j->feats[i] = f;
    j->frames[i] = T;
    return;
fail:
    j->errors[i] = dup_str(nn_last_error(), strlen(nn_last_error()));
}

int main(int argc, char **argv)
{
    char **args;
    int nargs = nn_cli_parse(&cli, argc, argv, &args);
    if (rate < 1)
        nn_usage("--rate must be positive");
    if (!(window_ms > 0) || !(hop_ms > 0))
        nn_usage("--window-ms and --hop-ms must be positive");
    nn_mel_config c;
    nn_mel_config_default(&c, rate);
    c.win = (int)lround(window_ms * rate / 1000.0);
    c.hop = (int)lround(hop_ms * rate / 1000.0);
    if (c.win < 1 || c.hop < 1)
        nn_usage("window %g ms / hop %g ms is less than one sample at %d Hz", window_ms, hop_ms, rate);
    c.n_fft = n_fft ? n_fft : (int)nn_fft_next_pow2((size_t)c.win);
    if (n_fft < 0 || c.n_fft < c.win)
        nn_usage("--n-fft %d is shorter than the window (%d samples)", c.n_fft, c.win);
    c.n_mels = mels;
    c.fmin = fmin_hz;
    c.fmax = fmax_hz > 0 ? fmax_hz : rate / 2.0;
    c.htk = strcmp(scale, "htk") == 0;
    c.slaney_norm = strcmp(fnorm, "slaney") == 0;
    c.center = center;
    c.floor = log_floor;
    c.top_db = top_db;
    c.n_mfcc = mfcc;
    c.normalize = strcmp(normalize, "utterance") == 0;
    nn_mel *mel = nn_mel_new(&c);
    if (!mel)
        nn_usage("%s", nn_last_error());

    char **paths = NULL;
    int n = 0, cap = 0;
    if (list_path)
        read_list(list_path, 1, &paths, &n, &cap);
    for (int i = 0; i < nargs; i++) {
        if (strcmp(args[i], "-") == 0)
            read_list("-", 0, &paths, &n, &cap);
        else
            push(&paths, &n, &cap, dup_str(args[i], strlen(args[i])));
    }
    if (n == 0)
        nn_usage(nargs || list_path ? "the input list is empty" : "no input files (give WAV paths, '-' or --list)");

    job j = {.paths = paths, .n = n, .mel = mel, .dim = nn_mel_dim(mel)};
    j.feats = nn_calloc((size_t)n, sizeof *j.feats);
    j.frames = nn_calloc((size_t)n, sizeof *j.frames);
    j.errors = nn_calloc((size_t)n, sizeof *j.errors);
    if (!j.feats || !j.frames || !j.errors)
        nn_die_lib(NULL);
    nn_progress prog;
    nn_progress_start(&prog, "audio-features", n, "file");
    /* Batches keep the progress line moving and stop early on a bad file. */
    const int batch = 64;
    int64_t tmax = 0;
    for (int b = 0; b < n; b += batch) {
        int m = n - b < batch ? n - b : batch;
        job sub = j;
        sub.paths += b;
        sub.feats += b;
        sub.frames += b;
        sub.errors += b;
        nn_parallel_for(m, task, &sub);
        for (int i = b; i < b + m; i++) {
            if (j.errors[i])
                nn_die(paths[i], "%s", j.errors[i]);
            if (j.frames[i] > tmax)
                tmax = j.frames[i];
        }
        nn_progress_update(&prog, b + m);
    }
    nn_progress_finish(&prog, n);

    nn_dtype dt = strcmp(dtype_name, "float64") == 0 ? NN_F64 : NN_F32;
    int64_t shape[3] = {n, tmax, j.dim};
    nn_npy_writer w;
    if (nn_npy_writer_open(&w, out_path, dt, 3, shape) < 0)
        nn_die_lib(out_path);
    size_t row = (size_t)tmax * (size_t)j.dim;
    void *buf = nn_alloc(row ? row : 1, nn_dtype_size(dt));
    if (!buf)
        nn_die_lib(NULL);
    for (int i = 0; i < n; i++) {
        size_t used = (size_t)j.frames[i] * (size_t)j.dim;
        if (dt == NN_F32) {
            memcpy(buf, j.feats[i], used * sizeof(float));
            memset((float *)buf + used, 0, (row - used) * sizeof(float));
        } else {
            double *d = buf;
            for (size_t k = 0; k < row; k++)
                d[k] = k < used ? j.feats[i][k] : 0.0;
        }
        free(j.feats[i]);
        if (nn_npy_writer_write_rows(&w, buf, 1) < 0) {
            nn_npy_writer_abort(&w);
            nn_die_lib(out_path);
        }
    }
    if (nn_npy_writer_close(&w) < 0)
        nn_die_lib(out_path);
    if (lengths_path) {
        nn_array len = {.dtype = NN_I32, .ndim = 1, .shape = {n}};
        int32_t *l = nn_alloc((size_t)n, sizeof *l);
        if (!l)
            nn_die_lib(NULL);
        for (int i = 0; i < n; i++)
            l[i] = (int32_t)j.frames[i];
        len.data = l;
        if (nn_npy_save(lengths_path, &len) < 0)
            nn_die_lib(lengths_path);
        free(l);
    }
    for (int i = 0; i < n; i++)
        free(paths[i]);
    free(paths);
    free(j.feats);
    free(j.frames);
    free(j.errors);
    free(buf);
    if (!nn_quiet)
        fprintf(stderr, "audio-features: %d files, %lld frames max, %d features per frame\n", n, (long long)tmax,
                j.dim);
    nn_mel_free(mel);
    free(args);
    return 0;
}
