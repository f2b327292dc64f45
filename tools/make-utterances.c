/* make-utterances: spoken digit sequences built from FSDD recordings. */
#include "audio/resample.h"
#include "core/cli.h"
#include "core/file.h"
#include "core/mem.h"
#include "core/parallel.h"
#include "core/progress.h"
#include "io/wav.h"
#include "math/rng.h"

#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static int rate = 8000, count_train = 1000, count_test = 200, min_digits = 1, max_digits = 7;
static int64_t seed = 0;
static double pause_min = 50, pause_max = 250, noise = 0.001, peak = 0.9;
static const char *out_dir = NULL, *test_speakers = NULL, *text_mode = "words", *format = "s16";

static const nn_option opts[] = {
    {"out", 'o', NN_OPT_STRING, &out_dir, "DIR", "output folder for the WAVs and utterances.tsv (required)", NULL},
    {"count-train", 0, NN_OPT_INT, &count_train, "N", "training utterances", NULL},
    {"count-test", 0, NN_OPT_INT, &count_test, "N", "test utterances", NULL},
    {"min-digits", 0, NN_OPT_INT, &min_digits, "N", "fewest digits per utterance", NULL},
    {"max-digits", 0, NN_OPT_INT, &max_digits, "N", "most digits per utterance", NULL},
    {"test-speakers", 0, NN_OPT_STRING, &test_speakers, "LIST",
     "comma-separated speakers used only in the test set (default: official split, recording index 0-4 test)",
     NULL},
    {"text", 0, NN_OPT_CHOICE, &text_mode, "HOW", "transcript as words ('three one four') or chars ('314')",
     "words|chars"},
    {"rate", 'r', NN_OPT_INT, &rate, "HZ", "sample rate of the output", NULL},
    {"pause-min-ms", 0, NN_OPT_DOUBLE, &pause_min, "MS", "shortest pause (also before and after)", NULL},
    {"pause-max-ms", 0, NN_OPT_DOUBLE, &pause_max, "MS", "longest pause", NULL},
    {"noise", 0, NN_OPT_DOUBLE, &noise, "X", "standard deviation of the Gaussian noise in pauses (0: silence)",
     NULL},
    {"peak", 0, NN_OPT_DOUBLE, &peak, "X", "every recording is scaled to this peak |sample|", NULL},
    {"format", 0, NN_OPT_CHOICE, &format, "FMT", "WAV sample format", "s16|f32"},
    {"seed", 's', NN_OPT_INT64, &seed, "N", "random seed", NULL},
    {"quiet", 'q', NN_OPT_FLAG, &nn_quiet, NULL, "no progress on stderr", NULL},
    {0}};

static const nn_cli cli = {
    "make-utterances", "[options] --out DIR RECORDINGS_DIR",
    "Build utterances of random digit sequences from the Free Spoken Digit Dataset\n"
    "recordings ({digit}_{speaker}_{index}.wav): each utterance is one speaker's\n"
    "recordings of min..max random digits, each peak-normalized and resampled to\n"
    "--rate, joined by random pauses (uniform in the pause range, low Gaussian noise),\n"
    "with a pause before and after.  Writes DIR/train-NNNNNN.wav, DIR/test-NNNNNN.wav\n"
    "and DIR/utterances.tsv (path relative to DIR, text, speaker, split; header row),\n"
    "the TSV last.  With --test-speakers, test utterances use only those speakers and\n"
    "training ones only the others; without, the official split by recording index.\n"
    "Utterance i of a split depends only on --seed, the split and i.",
    opts, 1, 1};

static const char *WORDS[10] = {"zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"};

typedef struct {
    char *name;   /* file name */
    int digit, index, speaker;
    float *x;
    int64_t n;
} rec;

typedef struct {
    const char *dir;
    rec *r;
    char **errors;
} load_job;

static char *xstrdup(const char *s)
{
    size_t l = strlen(s);
    char *d = nn_alloc(l + 1, 1);
    if (!d)
        nn_die_lib(NULL);
    memcpy(d, s, l + 1);
    return d;
}

static char *join(const char *dir, const char *name)
{
    size_t a = strlen(dir), b = strlen(name);
    char *p = nn_alloc(a + b + 2, 1);
    if (!p)
        nn_die_lib(NULL);
    memcpy(p, dir, a);
    p[a] = '/';
    memcpy(p + a + 1, name, b + 1);
    return p;
}

/* "{digit}_{speaker}_{index}.wav" -> parts (speaker points into a static
 * copy the caller dups).  0 if the name does not fit. */
static int parse_name(const char *s, int *digit, char *speaker, size_t cap, int *index)
{
    size_t l = strlen(s);
    if (l < 10 || strcmp(s + l - 4, ".wav") != 0 || s[0] < '0' || s[0] > '9' || s[1] != '_')
        return 0;
    const char *sp = s + 2, *us = strchr(sp, '_');
    if (!us || us == sp || (size_t)(us - sp) >= cap)
        return 0;
    for (const char *c = sp; c < us; c++)
        if (*c < 'a' || *c > 'z')
            return 0;
    const char *num = us + 1, *dot = s + l - 4;
    if (num == dot || dot - num > 6)
        return 0;
    int v = 0;
    for (const char *c = num; c < dot; c++) {
        if (*c < '0' || *c > '9')
            return 0;
        v = v * 10 + (*c - '0');
    }
    *digit = s[0] - '0';
    memcpy(speaker, sp, (size_t)(us - sp));
    speaker[us - sp] = 0;
    *index = v;
    return 1;
}

static void load_task(void *ctx, int i, int worker)
{
    (void)worker;
    load_job *j = ctx;
    rec *r = &j->r[i];
    char *path = join(j->dir, r->name);
    nn_wav w;
    int rc = nn_wav_load(path, &w);
    free(path);
    if (rc == 0) {
        nn_wav_mixdown(&w);
        rc = nn_resample(w.data, w.frames, w.rate, rate, &r->x, &r->n);
        nn_wav_free(&w);
    }
    if (rc < 0) {
        j->errors[i] = xstrdup(nn_last_error());
        return;
    }
    float m = 0;
    for (int64_t k = 0; k < r->n; k++)
        m = fabsf(r->x[k]) > m ? fabsf(r->x[k]) : m;
    if (m > 0)
        for (int64_t k = 0; k < r->n; k++)
            r->x[k] = (float)(r->x[k] * (peak / m));
}

static int cmp_rec(const void *a, const void *b) { return strcmp(((const rec *)a)->name, ((const rec *)b)->name); }

typedef struct {
    char **names;
    int n;
} strlist;

static int find_or_add(strlist *l, const char *s, int add)
{
    for (int i = 0; i < l->n; i++)
        if (strcmp(l->names[i], s) == 0)
            return i;
    if (!add)
        return -1;
    l->names = nn_realloc(l->names, (size_t)l->n + 1, sizeof *l->names);
    if (!l->names)
        nn_die_lib(NULL);
    l->names[l->n] = xstrdup(s);
    return l->n++;
}

/* Append n samples to a growing buffer. */
typedef struct {
    float *x;
    int64_t n, cap;
} buf;

static float *grow(buf *b, int64_t n)
{
    if (b->n + n > b->cap) {
        int64_t c = b->cap ? b->cap : 16384;
        while (c < b->n + n)
            c *= 2;
        b->x = nn_realloc(b->x, (size_t)c, sizeof *b->x);
        if (!b->x)
            nn_die_lib(NULL);
        b->cap = c;
    }
    float *p = b->x + b->n;
    b->n += n;
    return p;
}

static void add_pause(buf *b, nn_rng *g)
{
    double ms = pause_min + (pause_max - pause_min) * nn_rng_uniform(g);
    int64_t n = (int64_t)llround(ms * rate / 1000.0);
    float *p = grow(b, n);
    for (int64_t k = 0; k < n; k++)
        p[k] = noise > 0 ? (float)(noise * nn_rng_normal(g)) : 0.0f;
}

int main(int argc, char **argv)
{
    char **args;
    nn_cli_parse(&cli, argc, argv, &args);
    const char *dir = args[0];
    if (!out_dir)
        nn_usage("--out is required");
    if (rate < 1)
        nn_usage("--rate must be positive");
    if (count_train < 0 || count_test < 0)
        nn_usage("counts must be >= 0");
    if (min_digits < 1 || max_digits < min_digits || max_digits > 1000)
        nn_usage("need 1 <= --min-digits <= --max-digits <= 1000");
    if (!(pause_min >= 0) || !(pause_max >= pause_min) || pause_max > 60000)
        nn_usage("need 0 <= --pause-min-ms <= --pause-max-ms <= 60000");
    if (!(noise >= 0) || !(peak > 0) || peak > 1)
        nn_usage("need --noise >= 0 and 0 < --peak <= 1");

    /* The recordings, sorted by name (readdir order is not stable). */
    DIR *d = opendir(dir);
    if (!d)
        nn_die(dir, "cannot open folder: %s", strerror(errno));
    rec *recs = NULL;
    int nrec = 0, skipped = 0;
    strlist speakers = {0};
    struct dirent *e;
    char spk[64];
    while ((e = readdir(d))) {
        int digit, index;
        if (!parse_name(e->d_name, &digit, spk, sizeof spk, &index)) {
            if (e->d_name[0] != '.')
                skipped++;
            continue;
        }
        recs = nn_realloc(recs, (size_t)nrec + 1, sizeof *recs);
        if (!recs)
            nn_die_lib(NULL);
        recs[nrec++] = (rec){.name = xstrdup(e->d_name), .digit = digit, .index = index};
    }
    closedir(d);
    if (nrec == 0)
        nn_die(dir, "no recordings named {digit}_{speaker}_{index}.wav");
    if (skipped && !nn_quiet)
        nn_warn(dir, "%d entries not named {digit}_{speaker}_{index}.wav were ignored", skipped);
    qsort(recs, (size_t)nrec, sizeof *recs, cmp_rec);
    for (int i = 0; i < nrec; i++) {
        int digit, index;
        parse_name(recs[i].name, &digit, spk, sizeof spk, &index);
        recs[i].speaker = find_or_add(&speakers, spk, 1);
    }
    /* is_test[s]: speaker s is a test speaker (with --test-speakers). */
    int *is_test = nn_calloc((size_t)speakers.n, sizeof *is_test);
    if (!is_test)
        nn_die_lib(NULL);
    if (test_speakers) {
        char *list = xstrdup(test_speakers);
        int any = 0;
        for (char *tok = strtok(list, ","); tok; tok = strtok(NULL, ",")) {
            int s = find_or_add(&speakers, tok, 0);
            if (s < 0)
                nn_die(dir, "test speaker '%s' has no recordings", tok);
            is_test[s] = 1;
            any = 1;
        }
        free(list);
        if (!any)
            nn_usage("--test-speakers is empty");
        int train_left = 0;
        for (int s = 0; s < speakers.n; s++)
            train_left += !is_test[s];
        if (!train_left && count_train > 0)
            nn_usage("every speaker is a test speaker: no training speakers left");
    }

    nn_progress prog;
    load_job lj = {dir, recs, nn_calloc((size_t)nrec, sizeof(char *))};
    if (!lj.errors)
        nn_die_lib(NULL);
    nn_progress_start(&prog, "make-utterances: loading", nrec, "file");
    nn_parallel_for(nrec, load_task, &lj);
    for (int i = 0; i < nrec; i++)
        if (lj.errors[i]) {
            char *path = join(dir, recs[i].name);
            nn_die(path, "%s", lj.errors[i]);
        }
    nn_progress_finish(&prog, nrec);

    /* pool[split][speaker][digit]: recording indices. */
    int nsp = speakers.n;
    int *pool_n = nn_calloc((size_t)2 * nsp * 10, sizeof *pool_n);
    int *pool = nn_alloc((size_t)2 * nsp * 10 * nrec, sizeof *pool);
    if (!pool_n || !pool)
        nn_die_lib(NULL);
    for (int i = 0; i < nrec; i++) {
        int split = test_speakers ? is_test[recs[i].speaker] : recs[i].index < 5;
        int cell = (split * nsp + recs[i].speaker) * 10 + recs[i].digit;
        pool[(size_t)cell * nrec + pool_n[cell]++] = i;
    }
    /* Speakers usable in each split: those with every digit present. */
    int *sp_ok[2], sp_n[2] = {0, 0};
    for (int split = 0; split < 2; split++) {
        sp_ok[split] = nn_alloc((size_t)nsp, sizeof(int));
        if (!sp_ok[split])
            nn_die_lib(NULL);
        for (int s = 0; s < nsp; s++) {
            int full = 1, any = 0;
            for (int dg = 0; dg < 10; dg++) {
                int c = pool_n[(split * nsp + s) * 10 + dg];
                full &= c > 0;
                any |= c > 0;
            }
            if (full)
                sp_ok[split][sp_n[split]++] = s;
            else if (any && !nn_quiet)
                nn_warn(dir, "speaker %s lacks some digits in the %s split: not used there", speakers.names[s],
                        split ? "test" : "train");
        }
        if (sp_n[split] == 0 && (split ? count_test : count_train) > 0)
            nn_die(dir, "no speaker has recordings of all ten digits for the %s split", split ? "test" : "train");
    }

    if (mkdir(out_dir, 0777) < 0 && errno != EEXIST)
        nn_die(out_dir, "cannot create folder: %s", strerror(errno));
    char *tsv_path = join(out_dir, "utterances.tsv");
    nn_output tsv;
    if (nn_output_open(&tsv, tsv_path) < 0)
        nn_die_lib(tsv_path);
    fprintf(tsv.fp, "path\ttext\tspeaker\tsplit\n");
    int total = count_train + count_test;
    nn_progress_start(&prog, "make-utterances: writing", total, "utt");
    buf b = {0};
    char *text = nn_alloc((size_t)max_digits * 7 + 1, 1);
    if (!text)
        nn_die_lib(NULL);
    for (int u = 0; u < total; u++) {
        int split = u >= count_train, i = split ? u - count_train : u;
        nn_rng g;
        nn_rng_split(&g, (uint64_t)seed, ((uint64_t)split << 32) | (uint64_t)i);
        int s = sp_ok[split][nn_rng_below(&g, (uint64_t)sp_n[split])];
        int nd = min_digits + (int)nn_rng_below(&g, (uint64_t)(max_digits - min_digits + 1));
        b.n = 0;
        text[0] = 0;
        size_t tl = 0;
        add_pause(&b, &g);
        for (int k = 0; k < nd; k++) {
            int dg = (int)nn_rng_below(&g, 10);
            int cell = (split * nsp + s) * 10 + dg;
            const rec *r = &recs[pool[(size_t)cell * nrec + nn_rng_below(&g, (uint64_t)pool_n[cell])]];
            memcpy(grow(&b, r->n), r->x, (size_t)r->n * sizeof(float));
            add_pause(&b, &g);
            if (strcmp(text_mode, "words") == 0)
                tl += (size_t)sprintf(text + tl, "%s%s", k ? " " : "", WORDS[dg]);
            else
                text[tl++] = (char)('0' + dg), text[tl] = 0;
        }
        char name[64];
        snprintf(name, sizeof name, "%s-%06d.wav", split ? "test" : "train", i);
        char *path = join(out_dir, name);
        nn_wav w = {.rate = rate, .channels = 1, .frames = b.n,
                    .format = strcmp(format, "f32") == 0 ? NN_WAV_F32 : NN_WAV_S16, .data = b.x};
        if (nn_wav_save(path, &w) < 0)
            nn_die_lib(path);
        free(path);
        fprintf(tsv.fp, "%s\t%s\t%s\t%s\n", name, text, speakers.names[s], split ? "test" : "train");
        nn_progress_update(&prog, u + 1);
    }
    nn_progress_finish(&prog, total);
    if (nn_output_commit(&tsv) < 0)
        nn_die_lib(tsv_path);
    if (!nn_quiet)
        fprintf(stderr, "make-utterances: %d train + %d test utterances from %d recordings of %d speakers in %s\n",
                count_train, count_test, nrec, nsp, out_dir);
    free(tsv_path);
    free(text);
    free(b.x);
    for (int i = 0; i < nrec; i++) {
        free(recs[i].name);
        free(recs[i].x);
    }
    free(recs);
    for (int s = 0; s < nsp; s++)
        free(speakers.names[s]);
    free(speakers.names);
    free(is_test);
    free(lj.errors);
    free(pool);
    free(pool_n);
    free(sp_ok[0]);
    free(sp_ok[1]);
    free(args);
    return 0;
}
