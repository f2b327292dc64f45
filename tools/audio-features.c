/* audio-features: WAV files -> log-mel spectrograms or MFCCs (.npy). */
#include "audio/features.h"
#include "core/cli.h"
#include "core/file.h"
#include "core/mem.h"
#include "core/parallel.h"
#include "core/progress.h"
#include "io/npy.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Numbers straight into the settings (defaults set in main before parsing);
 * the three choices are read into them after parsing. */
static nn_audio_settings set;
static const char *normalize = "none", *scale = "slaney", *fnorm = "slaney", *dtype_name = "float32";
static const char *out_path = "-", *lengths_path = NULL, *list_path = NULL, *settings_path = NULL;

static const nn_option opts[] = {
    {"output", 'o', NN_OPT_STRING, &out_path, "FILE", "features (.npy, N x T_max x F, zero-padded)", NULL},
    {"lengths", 0, NN_OPT_STRING, &lengths_path, "FILE", "frames per utterance (.npy, int32, N)", NULL},
    {"list", 0, NN_OPT_STRING, &list_path, "FILE",
     "TSV whose first column is the WAV path (a header row starting 'path' is skipped; relative paths are "
     "taken from the TSV's folder)", NULL},
    {"rate", 'r', NN_OPT_INT, &set.rate, "HZ", "resample every file to this rate", NULL},
    {"window-ms", 0, NN_OPT_DOUBLE, &set.window_ms, "MS", "analysis window (Hann)", NULL},
    {"hop-ms", 0, NN_OPT_DOUBLE, &set.hop_ms, "MS", "frame step", NULL},
    {"n-fft", 0, NN_OPT_INT, &set.n_fft, "N", "FFT size (0: next power of two >= window; any length works)", NULL},
    {"mels", 0, NN_OPT_INT, &set.mels, "N", "mel bands", NULL},
    {"fmin", 0, NN_OPT_DOUBLE, &set.fmin, "HZ", "lowest filter edge", NULL},
    {"fmax", 0, NN_OPT_DOUBLE, &set.fmax, "HZ", "highest filter edge (0: rate/2)", NULL},
    {"mel-scale", 0, NN_OPT_CHOICE, &scale, "NAME", "mel scale (librosa's default is slaney)", "slaney|htk"},
    {"filter-norm", 0, NN_OPT_CHOICE, &fnorm, "NAME", "slaney: equal-area triangles; none: peak 1", "slaney|none"},
    {"center", 0, NN_OPT_FLAG, &set.center, NULL, "centre frames on t*hop (librosa) instead of starting there", NULL},
    {"floor", 0, NN_OPT_DOUBLE, &set.floor, "X", "power floor before 10*log10", NULL},
    {"top-db", 0, NN_OPT_DOUBLE, &set.top_db, "DB", "clip each utterance at its max - DB (0: off)", NULL},
    {"mfcc", 0, NN_OPT_INT, &set.mfcc, "N", "output N MFCCs (DCT-II of the log-mel) instead (0: off)", NULL},
    {"normalize", 0, NN_OPT_CHOICE, &normalize, "HOW", "per-utterance mean/variance normalization",
     "none|utterance"},
    {"settings", 0, NN_OPT_STRING, &settings_path, "FILE",
     "also write these settings (TSV: option, value) for train-seq2seq --audio-settings", NULL},
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
    if (nn_audio_features_file(j->mel, set.rate, j->paths[i], &j->feats[i], &j->frames[i]) < 0)
        j->errors[i] = dup_str(nn_last_error(), strlen(nn_last_error()));
}

int main(int argc, char **argv)
{
    char **args;
    nn_audio_settings_default(&set);
    int nargs = nn_cli_parse(&cli, argc, argv, &args);
    set.htk = strcmp(scale, "htk") == 0;
    set.slaney_norm = strcmp(fnorm, "slaney") == 0;
    set.normalize = strcmp(normalize, "utterance") == 0;
    nn_mel_config c;
    if (nn_audio_settings_mel(&set, &c) < 0)
        nn_usage("%s", nn_last_error());
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
    if (settings_path) {
        char *text = nn_audio_settings_format(&set);
        nn_output o;
        if (!text || nn_output_open(&o, settings_path) < 0)
            nn_die_lib(settings_path);
        fputs(text, o.fp);
        if (nn_output_commit(&o) < 0)
            nn_die_lib(settings_path);
        free(text);
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
