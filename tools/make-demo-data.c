/* make-demo-data: small synthetic data sets in the formats of the real ones
 * (MNIST, GMB NER, CamVid, FSDD), so every pipeline runs with no download. */
#include "core/cli.h"
#include "core/file.h"
#include "core/mem.h"
#include "demo/demo.h"
#include "image/png.h"
#include "io/gzip.h"
#include "io/wav.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static int64_t seed = 1;

static void make_dir(const char *path)
{
    char buf[4096];
    if (strlen(path) >= sizeof buf)
        nn_die(path, "path too long");
    strcpy(buf, path);
    for (char *p = buf + 1; *p; p++)
        if (*p == '/') {
            *p = 0;
            if (mkdir(buf, 0777) < 0 && errno != EEXIST)
                nn_die(buf, "cannot create folder: %s", strerror(errno));
            *p = '/';
        }
    if (mkdir(buf, 0777) < 0 && errno != EEXIST)
        nn_die(buf, "cannot create folder: %s", strerror(errno));
}

static char *join(const char *dir, const char *name)
{
    size_t n = strlen(dir) + strlen(name) + 2;
    char *p = nn_alloc(n, 1);
    if (!p)
        nn_die_lib(dir);
    snprintf(p, n, "%s/%s", dir, name);
    return p;
}

static void write_text(const char *path, const char *text, size_t len)
{
    nn_output out;
    if (nn_output_open(&out, path) < 0)
        nn_die_lib(path);
    if (fwrite(text, 1, len, out.fp) != len) {
        nn_output_abort(&out);
        nn_die(path, "write error");
    }
    if (nn_output_commit(&out) < 0)
        nn_die_lib(path);
}

/* ---- digits -------------------------------------------------------------- */
static int cmd_digits(int argc, char **argv)
{
    static int64_t n_train = 6000, n_test = 1000;
    static const nn_option opts[] = {
        {"train", 'n', NN_OPT_INT64, &n_train, "N", "training images", NULL},
        {"test", 't', NN_OPT_INT64, &n_test, "N", "test images", NULL},
        {"seed", 's', NN_OPT_INT64, &seed, "S", "random seed", NULL},
        {0}};
    static const nn_cli cli = {
        "make-demo-data digits", "[options] OUTDIR",
        "Digits 0-9 drawn from a built-in 5x7 font with a random slant, scale, stroke width\n"
        "and shift, sometimes a stray stroke, and noise: 28x28 uint8, ink 255 on 0, written\n"
        "as MNIST's four files OUTDIR/{train,t10k}-{images-idx3,labels-idx1}-ubyte.gz.",
        opts, 1, 1};
    char **args;
    nn_cli_parse(&cli, argc, argv, &args);
    if (n_train < 1 || n_test < 1)
        nn_usage("--train and --test must be at least 1");
    make_dir(args[0]);
    const char *names[2][2] = {{"train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz"},
                               {"t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"}};
    for (int part = 0; part < 2; part++) {
        nn_array im, lab;
        /* Different streams for train and test: no image is in both. */
        if (nn_demo_digits((uint64_t)seed * 2 + (uint64_t)part, part ? n_test : n_train, &im, &lab) < 0)
            nn_die_lib(NULL);
        for (int k = 0; k < 2; k++) {
            char *p = join(args[0], names[part][k]);
            if (nn_demo_save_idx_gz(p, k ? &lab : &im) < 0)
                nn_die_lib(p);
            free(p);
        }
        nn_array_free(&im);
        nn_array_free(&lab);
    }
    free(args);
    return 0;
}

/* ---- ner ------------------------------------------------------------------- */
static int cmd_ner(int argc, char **argv)
{
    static int64_t n = 2000;
    static const nn_option opts[] = {
        {"sentences", 'n', NN_OPT_INT64, &n, "N", "number of sentences", NULL},
        {"seed", 's', NN_OPT_INT64, &seed, "S", "random seed", NULL},
        {0}};
    static const nn_cli cli = {
        "make-demo-data ner", "[options] OUTPUT.csv[.gz]",
        "Sentences from templates with named entities (per, geo, org, gpe, tim, art, eve,\n"
        "nat; IOB2 tags) in the Kaggle ner_dataset.csv layout: 'Sentence #,Word,POS,Tag',\n"
        "'Sentence: k' on a sentence's first token, RFC 4180 quoting, CRLF.  A name ending\n"
        "in .gz is gzip-compressed.",
        opts, 1, 1};
    char **args;
    nn_cli_parse(&cli, argc, argv, &args);
    if (n < 1)
        nn_usage("--sentences must be at least 1");
    /* The folder of the output, as the other commands create theirs. */
    const char *slash = strrchr(args[0], '/');
    if (slash && slash != args[0]) {
        char *dir = nn_alloc((size_t)(slash - args[0]) + 1, 1);
        if (!dir)
            nn_die_lib(args[0]);
        memcpy(dir, args[0], (size_t)(slash - args[0]));
        dir[slash - args[0]] = 0;
        make_dir(dir);
        free(dir);
    }
    char *text;
    size_t len;
    if (nn_demo_ner_csv((uint64_t)seed, n, &text, &len) < 0)
        nn_die_lib(args[0]);
    size_t pl = strlen(args[0]);
    if (pl > 3 && strcmp(args[0] + pl - 3, ".gz") == 0) {
        uint8_t *gz;
        size_t gzlen;
        if (nn_gzip((const uint8_t *)text, len, 6, &gz, &gzlen) < 0)
            nn_die_lib(args[0]);
        write_text(args[0], (const char *)gz, gzlen);
        free(gz);
    } else {
        write_text(args[0], text, len);
    }
    free(text);
    free(args);
    return 0;
}

/* ---- shapes ---------------------------------------------------------------- */
static void shapes_split(const char *root, const char *split, int64_t n, int w, int h, uint64_t s)
{
    char sub[64], annot[64], list[64];
    snprintf(sub, sizeof sub, "%s", split);
    snprintf(annot, sizeof annot, "%sannot", split);
    snprintf(list, sizeof list, "%s.txt", split);
    char *dimg = join(root, sub), *dann = join(root, annot), *plist = join(root, list);
    make_dir(dimg);
    make_dir(dann);
    uint8_t *rgb = nn_alloc((size_t)w * h, 3), *mask = nn_alloc((size_t)w * h, 1);
    size_t cap = (size_t)n * 96 + 1;
    char *txt = nn_alloc(cap, 1);
    if (!rgb || !mask || !txt)
        nn_die_lib(root);
    size_t tl = 0;
    nn_rng rng;
    nn_rng_split(&rng, s, split[0] == 't' ? 0 : 1);
    for (int64_t i = 0; i < n; i++) {
        char name[64];
        snprintf(name, sizeof name, "%s_%05lld.png", split, (long long)i);
        nn_demo_draw_shapes(&rng, w, h, rgb, mask);
        char *pi = join(dimg, name), *pm = join(dann, name);
        if (nn_png_save(pi, rgb, w, h, 3) < 0)
            nn_die_lib(pi);
        if (nn_png_save(pm, mask, w, h, 1) < 0)
            nn_die_lib(pm);
        free(pi);
        free(pm);
        /* The CamVid list layout, with its absolute prefix. */
        tl += (size_t)snprintf(txt + tl, cap - tl, "/SegNet/CamVid/%s/%s /SegNet/CamVid/%s/%s\n", sub, name, annot,
                               name);
    }
    write_text(plist, txt, tl);
    free(txt);
    free(rgb);
    free(mask);
    free(dimg);
    free(dann);
    free(plist);
}

static int cmd_shapes(int argc, char **argv)
{
    static int64_t n_train = 200, n_val = 50;
    static int w = 64, h = 48;
    static const nn_option opts[] = {
        {"train", 'n', NN_OPT_INT64, &n_train, "N", "training images", NULL},
        {"val", 'v', NN_OPT_INT64, &n_val, "N", "validation images", NULL},
        {"width", 'W', NN_OPT_INT, &w, "PX", "image width", NULL},
        {"height", 'H', NN_OPT_INT, &h, "PX", "image height", NULL},
        {"seed", 's', NN_OPT_INT64, &seed, "S", "random seed", NULL},
        {0}};
    static const nn_cli cli = {
        "make-demo-data shapes", "[options] OUTDIR",
        "Discs, squares and triangles (1 to 3, random colours, shaded, noisy) on striped\n"
        "noisy backgrounds, with label maps (0 background, 1 disc, 2 square, 3 triangle;\n"
        "the shape on top wins), laid out like CamVid: OUTDIR/train/*.png (RGB),\n"
        "OUTDIR/trainannot/*.png (gray label maps), val/, valannot/, and train.txt,\n"
        "val.txt with '/SegNet/CamVid/train/x.png /SegNet/CamVid/trainannot/x.png' lines.\n"
        "Also OUTDIR/classes.tsv (id, name).",
        opts, 1, 1};
    char **args;
    nn_cli_parse(&cli, argc, argv, &args);
    if (n_train < 1 || n_val < 1 || w < 8 || h < 8 || w > 4096 || h > 4096)
        nn_usage("--train and --val must be at least 1, sizes 8 to 4096");
    make_dir(args[0]);
    shapes_split(args[0], "train", n_train, w, h, (uint64_t)seed);
    shapes_split(args[0], "val", n_val, w, h, (uint64_t)seed);
    char classes[256];
    size_t cl = 0;
    for (int c = 0; c < NN_DEMO_SHAPE_CLASSES; c++)
        cl += (size_t)snprintf(classes + cl, sizeof classes - cl, "%d\t%s\n", c, nn_demo_shape_class_name(c));
    char *pc = join(args[0], "classes.tsv");
    write_text(pc, classes, cl);
    free(pc);
    free(args);
    return 0;
}

/* ---- sounds ---------------------------------------------------------------- */
static const char *const speakers[] = {"ada", "bob", "cyd", "dee", "eve", "fay"};

static int cmd_sounds(int argc, char **argv)
{
    static int per = 10, nspk = 4, rate = 8000;
    static const nn_option opts[] = {
        {"per-digit", 'n', NN_OPT_INT, &per, "N", "recordings per digit and speaker (index 0..N-1)", NULL},
        {"speakers", 'k', NN_OPT_INT, &nspk, "K", "speakers (1 to 6)", NULL},
        {"rate", 'r', NN_OPT_INT, &rate, "HZ", "sample rate", NULL},
        {"seed", 's', NN_OPT_INT64, &seed, "S", "random seed", NULL},
        {0}};
    static const nn_cli cli = {
        "make-demo-data sounds", "[options] OUTDIR",
        "Stand-ins for spoken digits: a voiced buzz carrying two partials that glide along a\n"
        "digit-specific contour, pitch and formants shifted per speaker, random length and\n"
        "loudness; 16-bit mono WAV named as the Free Spoken Digit Dataset:\n"
        "OUTDIR/recordings/{digit}_{speaker}_{index}.wav, and OUTDIR/speakers.tsv.",
        opts, 1, 1};
    char **args;
    nn_cli_parse(&cli, argc, argv, &args);
    if (per < 1 || per > 1000 || nspk < 1 || nspk > 6 || rate < 4000 || rate > 192000)
        nn_usage("--per-digit 1 to 1000, --speakers 1 to 6, --rate 4000 to 192000");
    char *rec = join(args[0], "recordings");
    make_dir(rec);
    for (int s = 0; s < nspk; s++)
        for (int d = 0; d < 10; d++)
            for (int i = 0; i < per; i++) {
                nn_rng rng;
                nn_rng_split(&rng, (uint64_t)seed, (uint64_t)((s * 10 + d) * 1000 + i));
                nn_wav w = {0};
                if (nn_demo_sound(&rng, d, s, rate, &w.data, &w.frames) < 0)
                    nn_die_lib(NULL);
                w.rate = rate;
                w.channels = 1;
                w.format = NN_WAV_S16;
                char name[64];
                snprintf(name, sizeof name, "%d_%s_%d.wav", d, speakers[s], i);
                char *p = join(rec, name);
                if (nn_wav_save(p, &w) < 0)
                    nn_die_lib(p);
                free(p);
                free(w.data);
            }
    char tsv[512];
    size_t tl = (size_t)snprintf(tsv, sizeof tsv, "speaker\tgender\taccent\tlanguage\n");
    for (int s = 0; s < nspk; s++)
        tl += (size_t)snprintf(tsv + tl, sizeof tsv - tl, "%s\tsynthetic\tnone\tnone\n", speakers[s]);
    char *ps = join(args[0], "speakers.tsv");
    write_text(ps, tsv, tl);
    free(ps);
    free(rec);
    free(args);
    return 0;
}

static const nn_command commands[] = {
    {"digits", cmd_digits, "MNIST-like digits (IDX .gz files)"},
    {"ner", cmd_ner, "GMB-like NER sentences (ner_dataset.csv layout)"},
    {"shapes", cmd_shapes, "shapes on textures with masks (CamVid layout)"},
    {"sounds", cmd_sounds, "spoken-digit stand-ins (FSDD WAV names)"},
};

int main(int argc, char **argv)
{
    static const nn_command_set set = {"make-demo-data", "COMMAND [options] OUTPUT",
                                        "Small seeded synthetic data sets in the formats of the real ones, so every\n"
                                        "pipeline runs on a machine with no data (make demo).  The same seed and sizes\n"
                                        "give the same files.",
                                        commands, (int)(sizeof commands / sizeof *commands), NULL};
    return nn_cli_dispatch(&set, argc, argv);
}
