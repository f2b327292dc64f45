/* resize-img: image files (PNG, JPEG, PNM) -> one resized .npy batch, or
 * resized PNG files.
 *
 *   resize-img --size 224x224 -o x.npy a.png b.jpg      (N, H, W, C)
 *   ls *.png | resize-img --size 64x64 --gray -o x.npy -
 *   resize-img --mask --classes 8 --size 224x224 -o y.npy a_mask.png b_mask.png   (N, H, W)
 *   resize-img --list train.txt --root camvid --size 480x352 -o x.npy --masks-out y.npy
 *
 * Images go through lib/image (decode by magic bytes, convert, resize as
 * Pillow does).  Images are decoded and resized on all threads, a chunk
 * at a time, and written in input order, so the output never depends on
 * the thread count and big batches stream in bounded memory. */
#include "core/cli.h"
#include "core/error.h"
#include "core/file.h"
#include "core/mem.h"
#include "core/parallel.h"
#include "core/progress.h"
#include "image/image.h"
#include "image/resize.h"
#include "io/npy.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *size_str = NULL, *filter_name = NULL, *classes = "keep", *dtype_name = "uint8";
static const char *out_path = "-", *png_dir = NULL, *list_path = NULL, *root = ".", *strip = "/SegNet/CamVid/";
static const char *masks_out = NULL;
static int width = 0, height = 0, mask_mode = 0, gray = 0, rgb = 0;

static const nn_option opts[] = {
    {"size", 's', NN_OPT_STRING, &size_str, "WxH", "output size, e.g. 224x224", NULL},
    {"width", 0, NN_OPT_INT, &width, "W", "output width (height kept in proportion if not given)", NULL},
    {"height", 0, NN_OPT_INT, &height, "H", "output height (width kept in proportion if not given)", NULL},
    {"filter", 'f', NN_OPT_STRING, &filter_name, "F",
     "nearest|box|bilinear|bicubic|lanczos (default lanczos for images; masks always nearest)", NULL},
    {"mask", 'm', NN_OPT_FLAG, &mask_mode, NULL, "inputs are label maps: single channel, nearest, never blended",
     NULL},
    {"classes", 'c', NN_OPT_STRING, &classes, "SPEC",
     "label values of masks: keep (ids as they are), N (1 where the id is N, else 0), or A,B,... (A->1, B->2, "
     "..., every other id -> 0)",
     NULL},
    {"gray", 0, NN_OPT_FLAG, &gray, NULL, "images as 1 channel (ITU-R 601 luma)", NULL},
    {"rgb", 0, NN_OPT_FLAG, &rgb, NULL, "images as 3 channels (the default)", NULL},
    {"dtype", 't', NN_OPT_CHOICE, &dtype_name, "TYPE",
     "output type: float32 is value/255 for images and the class id for masks",
     "uint8|float32|int32|int64"},
    {"output", 'o', NN_OPT_STRING, &out_path, "FILE", "the images (.npy: N,H,W,C; masks N,H,W)", NULL},
    {"png-dir", 0, NN_OPT_STRING, &png_dir, "DIR",
     "write DIR/NAME.png per input instead of a .npy (list mode: masks to the --masks-out folder)", NULL},
    {"list", 'l', NN_OPT_STRING, &list_path, "FILE", "CamVid list: lines 'image_path label_path'", NULL},
    {"root", 0, NN_OPT_STRING, &root, "DIR", "folder the list's paths are relative to", NULL},
    {"strip", 0, NN_OPT_STRING, &strip, "PREFIX", "prefix removed from the list's paths", NULL},
    {"masks-out", 0, NN_OPT_STRING, &masks_out, "FILE", "list mode: the label maps (.npy, N,H,W)", NULL},
    {"quiet", 'q', NN_OPT_FLAG, &nn_quiet, NULL, "no progress on stderr", NULL},
    {0}};

static const nn_cli cli = {
    "resize-img", "[options] IMAGE... | - | --list FILE",
    "Decode images (PNG, JPEG baseline/progressive, PNM; chosen by content) and resize\n"
    "them as Pillow's Image.resize does, into one .npy batch (N, H, W, C), or (N, H, W)\n"
    "for label maps (--mask).  '-' reads file names from stdin, one per line.  --list\n"
    "reads CamVid's train.txt/val.txt ('image label' per line, --strip removed, under\n"
    "--root): images to -o, label maps to --masks-out; every label map must have its\n"
    "image's size.  Without --size/--width/--height the first image's size is used.",
    opts, 0, -1};

/* ---- inputs ---------------------------------------------------------- */

typedef struct {
    char **img, **mask; /* mask[i] NULL when no masks */
    int n, cap;
} input_list;

static void add_input(input_list *l, char *img, char *mask)
{
    if (l->n == l->cap) {
        l->cap = l->cap ? 2 * l->cap : 64;
        l->img = nn_realloc(l->img, (size_t)l->cap, sizeof(char *));
        l->mask = nn_realloc(l->mask, (size_t)l->cap, sizeof(char *));
        if (!l->img || !l->mask)
            nn_die_lib(NULL);
    }
    l->img[l->n] = img;
    l->mask[l->n] = mask;
    l->n++;
}

static char *dup_str(const char *s, size_t n)
{
    char *p = nn_alloc(n + 1, 1);
    if (!p)
        nn_die_lib(NULL);
    memcpy(p, s, n);
    p[n] = 0;
    return p;
}

/* root/path with the list's prefix removed. */
static char *list_path_join(const char *path, size_t n)
{
    size_t sl = strlen(strip);
    if (sl && n >= sl && strncmp(path, strip, sl) == 0) {
        path += sl;
        n -= sl;
    }
    if (n && path[0] == '/')
        return dup_str(path, n);
    size_t rl = strlen(root);
    char *p = nn_alloc(rl + n + 2, 1);
    if (!p)
        nn_die_lib(NULL);
    memcpy(p, root, rl);
    p[rl] = '/';
    memcpy(p + rl + 1, path, n);
    p[rl + 1 + n] = 0;
    return p;
}

/* Lines of a file: stdin names (one field) or a CamVid list (two). */
static void read_lines(const char *path, int pairs, input_list *l)
{
    uint8_t *data;
    size_t len;
    if (nn_read_all(path, &data, &len))
        nn_die_lib(path);
    char *s = (char *)data, *stop = (char *)data + len;
    int lineno = 0;
    while (s < stop) {
        char *e = memchr(s, '\n', (size_t)(stop - s));
        if (!e)
            e = stop;
        lineno++;
        char *end = e;
        if (end > s && end[-1] == '\r')
            end--;
        if (memchr(s, 0, (size_t)(end - s)))
            nn_die(path, "line %d: NUL byte (not a text file)", lineno);
        if (!pairs) {
            if (end > s)
                add_input(l, dup_str(s, (size_t)(end - s)), NULL);
        } else {
            /* Fields separated by blanks: image, label map. */
            char *f[3];
            size_t fl[3];
            int nf = 0;
            for (char *q = s; q < end;) {
                while (q < end && (*q == ' ' || *q == '\t'))
                    q++;
                if (q == end)
                    break;
                char *qe = q;
                while (qe < end && *qe != ' ' && *qe != '\t')
                    qe++;
                if (nf == 2)
                    nn_die(path, "line %d: more than two fields", lineno);
                f[nf] = q;
                fl[nf++] = (size_t)(qe - q);
                q = qe;
            }
            if (nf > 0) {
                char *img = list_path_join(f[0], fl[0]);
                if (nf == 1 && masks_out)
                    nn_die(path, "line %d: image %s has no label map", lineno, img);
                add_input(l, img, masks_out ? list_path_join(f[1], fl[1]) : NULL);
            }
        }
        s = e + 1;
    }
    free(data);
}

/* ---- class mapping --------------------------------------------------- */

/* map[id] = output value for label id (0..255). */
static void parse_classes(const char *spec, uint8_t map[256])
{
    if (strcmp(spec, "keep") == 0) {
        for (int i = 0; i < 256; i++)
            map[i] = (uint8_t)i;
        return;
    }
    memset(map, 0, 256);
    int k = 0;
    const char *p = spec;
    for (;;) {
        char *end;
        errno = 0;
        long v = strtol(p, &end, 10);
        if (end == p || errno || v < 0 || v > 255 || (*end != ',' && *end != 0))
            nn_usage("--classes: expected keep, a class id 0..255 or a comma-separated list, not '%s'", spec);
        if (map[v])
            nn_usage("--classes: class %ld listed twice", v);
        if (++k > 255)
            nn_usage("--classes: too many classes");
        map[v] = (uint8_t)k;
        if (!*end)
            break;
        p = end + 1;
    }
}

/* ---- work ------------------------------------------------------------ */

typedef struct {
    const input_list *in;
    int first;          /* index of the chunk's first input */
    int w, h, channels; /* output image size, image channels */
    nn_resize_filter filter;
    int masks_too;      /* list mode with masks */
    const uint8_t *map;
    uint8_t *img_buf, *mask_buf; /* chunk outputs */
    char **err;         /* per task: message, NULL if fine */
    char **err_file;    /* per task: the file it concerns */
} job;

static void fail(job *j, int t, const char *file, const char *msg)
{
    j->err[t] = dup_str(msg, strlen(msg));
    j->err_file[t] = dup_str(file, strlen(file));
}

/* Load a label map as one 8-bit channel (16-bit ids must fit 8 bits). */
static int load_mask(const char *path, nn_image *m)
{
    if (nn_image_load(path, m))
        return -1;
    if (m->channels != 1) {
        nn_image_free(m);
        return nn_set_error("a label map must have one channel, this image has %d", m->channels);
    }
    if (m->bit_depth == 16) {
        size_t n = (size_t)m->width * (size_t)m->height;
        uint16_t *s = m->pixels;
        uint8_t *d = m->pixels;
        for (size_t i = 0; i < n; i++) {
            if (s[i] > 255) {
                nn_image_free(m);
                return nn_set_error("label value %u above 255", (unsigned)s[i]);
            }
            d[i] = (uint8_t)s[i];
        }
        m->bit_depth = 8;
    }
    return 0;
}

static void run_task(void *ctx, int t, int worker)
{
    (void)worker;
    job *j = ctx;
    int i = j->first + t;
    const char *ipath = j->in->img[i];
    size_t npix = (size_t)j->w * (size_t)j->h;
    nn_image im = {0}, m = {0};
    if (mask_mode) {
        if (load_mask(ipath, &im) ||
            nn_resize_u8(im.pixels, im.width, im.height, 1, j->img_buf + (size_t)t * npix, j->w, j->h,
                         NN_RESIZE_NEAREST)) {
            fail(j, t, ipath, nn_last_error());
        } else {
            uint8_t *o = j->img_buf + (size_t)t * npix;
            for (size_t k = 0; k < npix; k++)
                o[k] = j->map[o[k]];
        }
        nn_image_free(&im);
        return;
    }
    if (nn_image_load_u8(ipath, j->channels, &im) ||
        nn_resize_u8(im.pixels, im.width, im.height, j->channels, j->img_buf + (size_t)t * npix * (size_t)j->channels,
                     j->w, j->h, j->filter)) {
        fail(j, t, ipath, nn_last_error());
        nn_image_free(&im);
        return;
    }
    if (j->masks_too) {
        const char *mpath = j->in->mask[i];
        uint8_t *o = j->mask_buf + (size_t)t * npix;
        if (load_mask(mpath, &m)) {
            fail(j, t, mpath, nn_last_error());
        } else if (m.width != im.width || m.height != im.height) {
            char msg[160];
            snprintf(msg, sizeof msg, "label map is %dx%d but its image %s is %dx%d", m.width, m.height, ipath,
                     im.width, im.height);
            fail(j, t, mpath, msg);
        } else if (nn_resize_u8(m.pixels, m.width, m.height, 1, o, j->w, j->h, NN_RESIZE_NEAREST)) {
            fail(j, t, mpath, nn_last_error());
        } else {
            for (size_t k = 0; k < npix; k++)
                o[k] = j->map[o[k]];
        }
        nn_image_free(&m);
    }
    nn_image_free(&im);
}

/* Write n items of `per` uint8 values in the output type. */
static void write_rows(nn_npy_writer *w, const char *path, const uint8_t *src, int n, size_t per, nn_dtype t,
                       int scale, void *tmp)
{
    size_t count = (size_t)n * per;
    const void *rows = src;
    if (t == NN_F32) {
        float *f = tmp;
        for (size_t i = 0; i < count; i++)
            f[i] = scale ? src[i] / 255.0f : (float)src[i];
        rows = f;
    } else if (t == NN_I32) {
        int32_t *d = tmp;
        for (size_t i = 0; i < count; i++)
            d[i] = src[i];
        rows = d;
    } else if (t == NN_I64) {
        int64_t *d = tmp;
        for (size_t i = 0; i < count; i++)
            d[i] = src[i];
        rows = d;
    }
    if (nn_npy_writer_write_rows(w, rows, n))
        nn_die_lib(path);
}

static const char *base_name(const char *p)
{
    const char *s = strrchr(p, '/');
    return s ? s + 1 : p;
}

/* DIR/NAME.png, NAME being the input's file name without its extension. */
static void save_png(const char *dir, const char *input, const uint8_t *pix, int w, int h, int c)
{
    const char *b = base_name(input);
    const char *dot = strrchr(b, '.');
    size_t bl = dot && dot != b ? (size_t)(dot - b) : strlen(b);
    size_t dl = strlen(dir);
    char *p = nn_alloc(dl + bl + 6, 1);
    if (!p)
        nn_die_lib(NULL);
    snprintf(p, dl + bl + 6, "%s/%.*s.png", dir, (int)bl, b);
    if (nn_png_save(p, pix, w, h, c))
        nn_die_lib(p);
    free(p);
}

/* Width/height of the first input, for sizes not given. */
static void first_size(const char *path, int *w, int *h)
{
    nn_image im;
    if (nn_image_load(path, &im))
        nn_die_lib(path);
    *w = im.width;
    *h = im.height;
    nn_image_free(&im);
}

int main(int argc, char **argv)
{
    char **args;
    int nargs = nn_cli_parse(&cli, argc, argv, &args);
    if (gray && rgb)
        nn_usage("--gray and --rgb exclude each other");
    if (size_str) {
        char *end;
        long w = strtol(size_str, &end, 10), h = 0;
        if (end != size_str && (*end == 'x' || *end == 'X')) {
            char *e2;
            h = strtol(end + 1, &e2, 10);
            if (*e2)
                h = 0;
        }
        if (w < 1 || h < 1 || w > 65535 || h > 65535)
            nn_usage("--size: expected WxH with 1..65535 each, not '%s'", size_str);
        if (width || height)
            nn_usage("--size and --width/--height exclude each other");
        width = (int)w;
        height = (int)h;
    }
    if (width < 0 || height < 0 || width > 65535 || height > 65535)
        nn_usage("--width/--height: expected 1..65535");
    nn_resize_filter filter = NN_RESIZE_LANCZOS;
    if (filter_name) {
        int f = nn_resize_filter_parse(filter_name);
        if (f < 0)
            nn_usage("--filter: expected nearest, box, bilinear, bicubic or lanczos, not '%s'", filter_name);
        if (mask_mode && f != NN_RESIZE_NEAREST)
            nn_usage("--mask always uses nearest (class ids are never blended); drop --filter %s", filter_name);
        filter = (nn_resize_filter)f;
    }
    uint8_t map[256];
    parse_classes(classes, map);
    if (strcmp(classes, "keep") != 0 && !mask_mode && !masks_out)
        nn_usage("--classes applies to label maps (--mask or --list with --masks-out)");
    if (mask_mode && (gray || rgb))
        nn_usage("--mask images are single-channel ids: --gray/--rgb do not apply");
    if (masks_out && !list_path)
        nn_usage("--masks-out needs --list");
    if (list_path && mask_mode)
        nn_usage("--list reads images and masks; do not add --mask");
    nn_dtype dtype = (nn_dtype)nn_dtype_parse(dtype_name);

    input_list in = {0};
    if (list_path) {
        if (nargs)
            nn_usage("--list and file arguments exclude each other");
        read_lines(list_path, 1, &in);
        if (in.n == 0)
            nn_die(list_path, "no images listed");
    } else if (nargs == 1 && strcmp(args[0], "-") == 0) {
        read_lines("-", 0, &in);
        if (in.n == 0)
            nn_die("-", "no file names on stdin");
    } else {
        if (nargs == 0)
            nn_usage("no input images (give file names, '-' for names on stdin, or --list)");
        for (int i = 0; i < nargs; i++)
            add_input(&in, dup_str(args[i], strlen(args[i])), NULL);
    }
    int masks_too = masks_out != NULL;

    int w = width, h = height;
    if (!w || !h) {
        int fw, fh;
        first_size(in.img[0], &fw, &fh);
        if (!w && !h) {
            w = fw;
            h = fh;
        } else if (!w) {
            w = (int)((double)fw * h / fh + 0.5);
        } else {
            h = (int)((double)fh * w / fw + 0.5);
        }
        if (w < 1)
            w = 1;
        if (h < 1)
            h = 1;
    }
    int channels = mask_mode ? 1 : gray ? 1 : 3;
    size_t npix = (size_t)w * (size_t)h;

    /* Chunks: a few images per thread, so memory stays bounded. */
    int chunk = nn_threads() * 4;
    if (chunk > in.n)
        chunk = in.n;
    job j = {.in = &in, .w = w, .h = h, .channels = channels, .filter = filter, .masks_too = masks_too, .map = map};
    j.img_buf = nn_alloc((size_t)chunk, npix * (size_t)channels);
    j.mask_buf = masks_too ? nn_alloc((size_t)chunk, npix) : NULL;
    j.err = nn_calloc((size_t)chunk, sizeof(char *));
    j.err_file = nn_calloc((size_t)chunk, sizeof(char *));
    void *tmp = png_dir || dtype == NN_U8 ? NULL : nn_alloc((size_t)chunk * npix * (size_t)channels, nn_dtype_size(dtype));
    if (!j.img_buf || (masks_too && !j.mask_buf) || !j.err || !j.err_file || (!png_dir && dtype != NN_U8 && !tmp))
        nn_die_lib(NULL);

    nn_npy_writer wi, wm;
    if (png_dir) {
        if (mkdir(png_dir, 0777) && errno != EEXIST)
            nn_die(png_dir, "cannot create folder: %s", strerror(errno));
        if (masks_too && mkdir(masks_out, 0777) && errno != EEXIST)
            nn_die(masks_out, "cannot create folder: %s", strerror(errno));
    } else {
        if ((nn_is_stdio(out_path) || (masks_out && nn_is_stdio(masks_out))) && isatty(STDOUT_FILENO))
            nn_die("-", "refusing to write binary .npy data to a terminal (use -o FILE or a pipe)");
        int64_t shape[4] = {in.n, h, w, channels};
        if (nn_npy_writer_open(&wi, out_path, dtype, mask_mode ? 3 : 4, shape))
            nn_die_lib(out_path);
        if (masks_too && nn_npy_writer_open(&wm, masks_out, dtype, 3, shape))
            nn_die_lib(masks_out);
    }

    nn_progress prog;
    nn_progress_start(&prog, "resize-img", in.n, "img");
    for (int first = 0; first < in.n; first += chunk) {
        int n = in.n - first < chunk ? in.n - first : chunk;
        j.first = first;
        nn_parallel_for(n, run_task, &j);
        for (int t = 0; t < n; t++)
            if (j.err[t])
                nn_die(j.err_file[t], "%s", j.err[t]);
        if (png_dir) {
            for (int t = 0; t < n; t++) {
                save_png(png_dir, in.img[first + t], j.img_buf + (size_t)t * npix * (size_t)channels, w, h, channels);
                if (masks_too)
                    save_png(masks_out, in.mask[first + t], j.mask_buf + (size_t)t * npix, w, h, 1);
            }
        } else {
            write_rows(&wi, out_path, j.img_buf, n, npix * (size_t)channels, dtype, !mask_mode, tmp);
            if (masks_too)
                write_rows(&wm, masks_out, j.mask_buf, n, npix, dtype, 0, tmp);
        }
        nn_progress_update(&prog, first + n);
    }
    if (!png_dir) {
        if (nn_npy_writer_close(&wi))
            nn_die_lib(out_path);
        if (masks_too && nn_npy_writer_close(&wm))
            nn_die_lib(masks_out);
    }
    nn_progress_finish(&prog, in.n);
    for (int i = 0; i < in.n; i++) {
        free(in.img[i]);
        free(in.mask[i]);
    }
    free(in.img);
    free(in.mask);
    free(j.img_buf);
    free(j.mask_buf);
    free(j.err);
    free(j.err_file);
    free(tmp);
    free(args);
    return 0;
}
