/* train-fcn: the segmentation section's fully convolutional
 * encoder-decoder (lib/nn/fcn.h), trained on image batches (N, H, W, C)
 * uint8 and label maps (N, H, W) from resize-img by the shared loop
 * (lib/nn/train.h), with optional augmentation (lib/nn/augment.h); and
 * `predict` on .npy batches or straight from an image file of any size. */
#include "core/cli.h"
#include "core/file.h"
#include "core/mem.h"
#include "image/image.h"
#include "image/png.h"
#include "image/resize.h"
#include "io/npy.h"
#include "io/safetensors.h"
#include "nn/fcn.h"
#include "nn/optim.h"
#include "nn/train_run.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- inputs ---- */

/* Images (N, H, W, C) or (N, H, W) (one channel), uint8. */
static void load_images(const char *path, nn_array *a)
{
    if (nn_npy_load(path, a) < 0)
        nn_die_lib(path);
    if (a->ndim == 3) {
        a->shape[3] = 1;
        a->ndim = 4;
    }
    char buf[64];
    nn_shape_format(a, buf, sizeof buf);
    if (a->ndim != 4 || a->shape[3] < 1 || a->shape[3] > 4)
        nn_die(path, "expected images (N, H, W, C) with 1 to 4 channels, got shape %s", buf);
    if (a->dtype != NN_U8)
        nn_die(path, "images must be uint8 (from resize-img), not %s", nn_dtype_name(a->dtype));
    if (a->shape[0] < 1)
        nn_die(path, "no images");
}

/* Label maps (N, H, W) of integer class ids 0..255, as uint8. */
static void load_masks(const char *path, nn_array *m, const nn_array *x, const char *xpath)
{
    if (nn_npy_load(path, m) < 0)
        nn_die_lib(path);
    char buf[64];
    nn_shape_format(m, buf, sizeof buf);
    if (m->ndim == 4 && m->shape[3] == 1)
        m->ndim = 3;
    if (m->ndim != 3)
        nn_die(path, "expected label maps (N, H, W), got shape %s", buf);
    if (m->dtype != NN_U8 && m->dtype != NN_I32 && m->dtype != NN_I64)
        nn_die(path, "label maps must hold integer class ids (uint8, int32, int64), not %s", nn_dtype_name(m->dtype));
    size_t count = nn_array_count(m);
    for (size_t i = 0; i < count && m->dtype != NN_U8; i++) {
        double v = nn_array_get(m, i);
        if (v < 0 || v > 255)
            nn_die(path, "class id %.0f at index %zu is outside 0..255", v, i);
    }
    if (m->dtype != NN_U8) {
        nn_array u;
        if (nn_array_alloc(&u, NN_U8, m->ndim, m->shape) < 0)
            nn_die_lib(path);
        for (size_t i = 0; i < count; i++)
            ((uint8_t *)u.data)[i] = (uint8_t)nn_array_get(m, i);
        nn_array_free(m);
        *m = u;
    }
    if (m->shape[0] != x->shape[0])
        nn_die(path, "%" PRId64 " label maps for %" PRId64 " images in %s", m->shape[0], x->shape[0], xpath);
    if (m->shape[1] != x->shape[1] || m->shape[2] != x->shape[2])
        nn_die(path, "label maps are %" PRId64 "x%" PRId64 " (HxW), the images in %s %" PRId64 "x%" PRId64,
               m->shape[1], m->shape[2], xpath, x->shape[1], x->shape[2]);
}

/* "binary:ID" or "K" */
static void parse_classes(const char *spec, nn_fcn_config *c)
{
    char *end;
    if (!strncmp(spec, "binary:", 7)) {
        long v = strtol(spec + 7, &end, 10);
        if (end == spec + 7 || *end || v < 0 || v > 255)
            nn_usage("--classes binary:ID needs a class id 0..255");
        c->classes = 1;
        c->positive = (int)v;
        return;
    }
    long v = strtol(spec, &end, 10);
    if (end == spec || *end || v < 2 || v > 255)
        nn_usage("--classes is binary:ID (one class vs the rest) or K (2..255 classes)");
    c->classes = v;
}

/* ---- train ---- */

static const char *classes_spec = "binary:8", *optim_name = "rmsprop", *out_path, *vx_path, *vy_path;
static const char *history_path, *ckpt_path, *report_path, *size_spec = "128x128";
static double width = 1, lr = 0, crop_min = 0.6, noise = 0.03;
static int depth = 2, batchnorm = 0, skip = 0, ignore = -1, epochs = 10, batch = 8, patience = 0, summary = 0;
static int resume = 0, aug_flip = 0, aug_crop = 0, aug_photo = 0, aug_denoise = 0;
static int64_t seed = 1;

static const nn_option train_opts[] = {
    {"classes", 'k', NN_OPT_STRING, &classes_spec, "SPEC",
     "binary:ID (class ID vs the rest: 1 sigmoid output, binary cross-entropy) or K (K softmax outputs)", NULL},
    {"ignore", 0, NN_OPT_INT, &ignore, "ID", "multi-class: label that counts for nothing (CamVid void: 11; -1: none)", NULL},
    {"width", 'w', NN_OPT_DOUBLE, &width, "M", "filter multiplier (filters 32M, 64M, 128M, ...)", NULL},
    {"depth", 'd', NN_OPT_INT, &depth, "N", "down/up stages (2: the assignment's network)", NULL},
    {"batchnorm", 0, NN_OPT_FLAG, &batchnorm, NULL, "batch normalization between each conv and its relu", NULL},
    {"skip", 0, NN_OPT_FLAG, &skip, NULL, "U-Net style skip connections (concatenation), depth >= 2", NULL},
    {"epochs", 'e', NN_OPT_INT, &epochs, "N", "training epochs", NULL},
    {"batch", 'b', NN_OPT_INT, &batch, "N", "mini-batch size", NULL},
    {"optimizer", 0, NN_OPT_CHOICE, &optim_name, "OPT", "optimizer (Keras defaults)", "rmsprop|adam|sgd"},
    {"lr", 0, NN_OPT_DOUBLE, &lr, "RATE", "learning rate (0: the optimizer's Keras default)", NULL},
    {"seed", 's', NN_OPT_INT64, &seed, "S", "seed of weights, shuffling and augmentation", NULL},
    {"val-x", 0, NN_OPT_STRING, &vx_path, "FILE", "validation images (.npy)", NULL},
    {"val-y", 0, NN_OPT_STRING, &vy_path, "FILE", "validation label maps (.npy)", NULL},
    {"patience", 0, NN_OPT_INT, &patience, "N", "stop after N epochs without a better val_loss (0: off)", NULL},
    {"denoise", 0, NN_OPT_FLAG, &aug_denoise, NULL, "augment: drop input pixels, keep level ~ U[0.4, 0.9] per image", NULL},
    {"flip", 0, NN_OPT_FLAG, &aug_flip, NULL, "augment: horizontal flip of image and mask (p = 1/2)", NULL},
    {"crop", 0, NN_OPT_FLAG, &aug_crop, NULL, "augment: random crop rescaled back (image bilinear, mask nearest)", NULL},
    {"crop-min", 0, NN_OPT_DOUBLE, &crop_min, "F", "smallest crop side as a fraction of the image", NULL},
    {"photometric", 0, NN_OPT_FLAG, &aug_photo, NULL, "augment: brightness, contrast, colour jitter, noise (image only)", NULL},
    {"noise", 0, NN_OPT_DOUBLE, &noise, "SD", "photometric: Gaussian noise standard deviation", NULL},
    {"summary", 0, NN_OPT_FLAG, &summary, NULL, "print the model summary (output shape of every layer) and exit", NULL},
    {"size", 0, NN_OPT_STRING, &size_spec, "HxW", "--summary without images: the input size", NULL},
    NN_TRAIN_RUN_OPTIONS(out_path, history_path, ckpt_path, resume),
    {"report", 0, NN_OPT_STRING, &report_path, "FILE", "metrics as TSV (metric, value)", NULL},
    {"quiet", 'q', NN_OPT_FLAG, &nn_quiet, NULL, "no progress or report lines on stderr (--report still writes)", NULL},
    {0}};

static const nn_cli train_cli = {
    "train-fcn", "[train] [options] IMAGES.npy MASKS.npy",
    "Train the segmentation encoder-decoder on images (N, H, W, C) uint8 and label maps\n"
    "(N, H, W) (resize-img --list ... -o X.npy --masks-out Y.npy).  Depth 2 is the\n"
    "assignment's network: conv32 x2, pool, conv64 x2, pool, conv128 x2, upsample,\n"
    "convT32 x2, convT K stride 2 (3x3, relu, same); H, W multiples of 2^depth.\n"
    "Other command: train-fcn predict --help.  Ctrl-C keeps the last checkpoint.",
    train_opts, 0, 2};

/* settings as metadata, for the model file and the checkpoints
 * (run->ctx is the nn_fcn_config) */
static int settings_meta(const nn_train_run *run, const nn_optim *o, nn_safetensors *st)
{
    char aug[64];
    snprintf(aug, sizeof aug, "%s%s%s%s", aug_denoise ? "denoise " : "", aug_flip ? "flip " : "",
             aug_crop ? "crop " : "", aug_photo ? "photometric" : "");
    if (nn_fcn_config_to_st(run->ctx, st) < 0 || nn_train_run_meta(run, "train-fcn", o->lr, st) < 0 ||
        nn_st_set_meta(st, "train.optimizer", optim_name) < 0 || nn_st_set_meta(st, "train.augment", aug) < 0)
        return -1;
    return 0;
}

static void scores(nn_train_report *r, nn_fcn *f, const nn_array *x, const nn_array *y, const char *set)
{
    const nn_fcn_config *c = &f->c;
    int64_t n = x->shape[0], pix = c->h * c->w;
    float *p = nn_alloc((size_t)n, (size_t)(pix * c->classes) * sizeof(float));
    uint8_t *ids = nn_alloc((size_t)n, (size_t)pix);
    if (!p || !ids || nn_fcn_predict(f, x->data, n, batch, p) < 0)
        nn_die_lib(NULL);
    nn_fcn_argmax(p, n * pix, c->classes, ids);
    nn_fcn_scores s;
    nn_fcn_score(c, ids, y->data, n * pix, &s);
    char name[64];
    snprintf(name, sizeof name, "%s_pixel_accuracy", set);
    nn_train_report_metric(r, name, s.pixel_acc);
    if (c->classes == 1) {
        snprintf(name, sizeof name, "%s_iou_class_%d", set, c->positive);
        nn_train_report_metric(r, name, s.iou[1]);
    } else {
        for (int64_t k = 0; k < s.nclass; k++) {
            snprintf(name, sizeof name, "%s_iou_class_%" PRId64, set, k);
            nn_train_report_metric(r, name, s.iou[k]);
        }
    }
    snprintf(name, sizeof name, "%s_mean_iou", set);
    nn_train_report_metric(r, name, s.mean_iou);
    free(p);
    free(ids);
}

static int cmd_train(int argc, char **argv)
{
    char **args;
    int nargs = nn_cli_parse(&train_cli, argc, argv, &args);
    nn_fcn_config c;
    nn_fcn_defaults(&c);
    parse_classes(classes_spec, &c);
    if (epochs < 0 || batch < 1 || patience < 0 || lr < 0 || !(crop_min > 0 && crop_min <= 1) || noise < 0)
        nn_usage("--epochs, --batch, --patience, --lr, --noise must be >= 0 and --crop-min in (0, 1]");
    if (ignore < -1 || ignore > 255)
        nn_usage("--ignore must be -1 (none) or a label 0..255");
    if (c.classes == 1 && ignore >= 0)
        nn_usage("--ignore is for multi-class models (binary masks count every pixel)");
    c.ignore = ignore;
    c.width = width;
    c.depth = depth;
    c.batchnorm = batchnorm;
    c.skip = skip;
    c.seed = (uint64_t)seed;

    nn_array x = {0}, y = {0}, vx = {0}, vy = {0};
    if (nargs == 2) {
        load_images(args[0], &x);
        load_masks(args[1], &y, &x, args[0]);
        c.h = x.shape[1];
        c.w = x.shape[2];
        c.channels = x.shape[3];
    } else if (nargs == 1) {
        nn_die(args[0], "images without label maps: give IMAGES.npy MASKS.npy");
    } else if (summary) {
        long long hh, ww;
        char extra;
        if (sscanf(size_spec, "%lldx%lld%c", &hh, &ww, &extra) != 2 || hh < 1 || ww < 1 || hh > 100000 || ww > 100000)
            nn_usage("--size must be HxW");
        c.h = hh;
        c.w = ww;
    } else {
        nn_usage("IMAGES.npy and MASKS.npy are required");
    }
    nn_model *m;
    if (nn_fcn_build(&c, &m) < 0)
        nn_die_lib(nargs ? args[0] : NULL);
    if (summary) {
        nn_model_summary(m, stdout);
        nn_model_free(m);
        nn_array_free(&x);
        nn_array_free(&y);
        free(args);
        return 0;
    }
    if (nn_fcn_check_labels(&c, y.data, (int64_t)nn_array_count(&y)) < 0)
        nn_die_lib(args[1]);
    if (!out_path)
        nn_usage("-o MODEL.safetensors is required");
    if (resume && !ckpt_path)
        nn_usage("--resume needs --checkpoint FILE");
    if (!vx_path != !vy_path)
        nn_usage("--val-x and --val-y go together");
    if (vx_path) {
        load_images(vx_path, &vx);
        load_masks(vy_path, &vy, &vx, vx_path);
        if (vx.shape[1] != c.h || vx.shape[2] != c.w || vx.shape[3] != c.channels)
            nn_die(vx_path, "images are %" PRId64 "x%" PRId64 "x%" PRId64 ", the training images %" PRId64 "x%" PRId64
                   "x%" PRId64, vx.shape[1], vx.shape[2], vx.shape[3], c.h, c.w, c.channels);
        if (nn_fcn_check_labels(&c, vy.data, (int64_t)nn_array_count(&vy)) < 0)
            nn_die_lib(vy_path);
    }

    nn_optim o;
    nn_optim_init(&o, (nn_optim_kind)nn_optim_parse(optim_name));
    if (lr > 0)
        o.lr = lr;

    nn_fcn f;
    if (nn_fcn_init(&f, m, &c) < 0)
        nn_die_lib(NULL);
    f.x = x.data;
    f.y = y.data;
    f.vx = vx.data;
    f.vy = vy.data;
    f.aug.flip = aug_flip;
    f.aug.crop = aug_crop;
    f.aug.photometric = aug_photo;
    f.aug.denoise = aug_denoise;
    f.aug.crop_min = crop_min;
    f.aug.noise = noise;
    f.aug_seed = (uint64_t)seed;

    nn_train_task task = {&f, x.shape[0], vx.data ? vx.shape[0] : 0, nn_fcn_batch};
    nn_train_run run = {.epochs = epochs, .batch = batch, .patience = patience, .resume = resume, .seed = seed,
                        .input = args[0], .output = out_path, .history = history_path, .checkpoint = ckpt_path,
                        .settings = settings_meta, .ctx = &c};
    nn_train_result res;
    if (nn_train_run_model(&run, m, &o, &task, &res) < 0)
        nn_die_lib(run.failed);

    nn_train_report r;
    if (nn_train_report_open(&r, report_path) < 0)
        nn_die_lib(report_path);
    nn_train_report_params(&r, m);
    nn_train_report_losses(&r, &res, vx.data != NULL);
    if (vx.data)
        scores(&r, &f, &vx, &vy, "val");
    if (nn_train_report_close(&r) < 0)
        nn_die_lib(report_path);
    nn_fcn_free(&f);
    nn_optim_free(&o);
    nn_model_free(m);
    nn_array_free(&x);
    nn_array_free(&y);
    nn_array_free(&vx);
    nn_array_free(&vy);
    free(args);
    return 0;
}

/* ---- predict ---- */

static const char *model_path, *pred_out = "-", *image_path, *resize_name = "bilinear";
static int argmax = 0, pred_batch = 8, png_scale = 0;

static const nn_option pred_opts[] = {
    {"model", 'm', NN_OPT_STRING, &model_path, "FILE", "the model (.safetensors from train-fcn)", NULL},
    {"output", 'o', NN_OPT_STRING, &pred_out, "FILE", "output: .npy, or the mask PNG with --image", NULL},
    {"out", 0, NN_OPT_STRING, &pred_out, "FILE", "the same as --output", NULL},
    {"argmax", 'a', NN_OPT_FLAG, &argmax, NULL, "write class ids (N, H, W) uint8 instead of probabilities (N, H, W, K)", NULL},
    {"image", 'i', NN_OPT_STRING, &image_path, "FILE", "segment one image file (PNG, JPEG, PNM) of any size: a mask PNG of its size", NULL},
    {"filter", 0, NN_OPT_CHOICE, &resize_name, "F", "--image: how the image is resized to the model's size", "bilinear|bicubic|lanczos|box|nearest"},
    {"scale", 0, NN_OPT_INT, &png_scale, "S", "--image: PNG value = class id * S (0: 255 for binary, 1 for multi-class)", NULL},
    {"batch", 'b', NN_OPT_INT, &pred_batch, "N", "images per forward pass", NULL},
    {0}};

static void open_model(const char *path, nn_model **m, nn_fcn *f)
{
    nn_safetensors st;
    nn_fcn_config c;
    if (nn_model_load(path, m, &st) < 0)
        nn_die_lib(path);
    if (nn_fcn_config_from_st(&st, &c) < 0 || nn_fcn_init(f, *m, &c) < 0)
        nn_die_lib(path);
    nn_st_free(&st);
}

static int cmd_predict(int argc, char **argv)
{
    static const nn_cli cli = {"train-fcn predict", "[options] -m MODEL [IMAGES.npy] | -m MODEL --image FILE --out MASK.png",
                               "Segment images (N, H, W, C) uint8 of the model's size: probabilities (N, H, W, K)\n"
                               "float32 or --argmax class ids (N, H, W) uint8 (binary: 1 = the positive class).\n"
                               "--image: any size; resized to the model's size, the predicted mask resized back\n"
                               "with nearest and written as a gray PNG.",
                               pred_opts, 0, 1};
    char **args;
    int nargs = nn_cli_parse(&cli, argc, argv, &args);
    if (!model_path)
        nn_usage("-m MODEL is required");
    if (pred_batch < 1 || png_scale < 0 || png_scale > 255)
        nn_usage("--batch must be >= 1 and --scale 0..255");
    if (!image_path == !nargs)
        nn_usage("give either IMAGES.npy or --image FILE");
    nn_model *m;
    nn_fcn f;
    open_model(model_path, &m, &f);
    const nn_fcn_config *c = &f.c;
    int64_t pix = c->h * c->w;
    if (image_path) {
        nn_image img;
        if (nn_image_load_u8(image_path, (int)c->channels, &img) < 0)
            nn_die_lib(image_path);
        uint8_t *in = nn_alloc((size_t)pix, (size_t)c->channels), *ids = nn_alloc((size_t)pix, 1);
        uint8_t *big = nn_alloc((size_t)img.width, (size_t)img.height);
        float *p = nn_alloc((size_t)pix, (size_t)c->classes * sizeof(float));
        if (!in || !ids || !big || !p)
            nn_die_lib(image_path);
        if (nn_resize_u8(img.pixels, img.width, img.height, (int)c->channels, in, (int)c->w, (int)c->h,
                         (nn_resize_filter)nn_resize_filter_parse(resize_name)) < 0 ||
            nn_fcn_predict(&f, in, 1, 1, p) < 0)
            nn_die_lib(image_path);
        nn_fcn_argmax(p, pix, c->classes, ids);
        int s = png_scale ? png_scale : c->classes == 1 ? 255 : 1;
        for (int64_t i = 0; i < pix; i++)
            ids[i] = (uint8_t)(ids[i] * s > 255 ? 255 : ids[i] * s);
        if (nn_resize_u8(ids, (int)c->w, (int)c->h, 1, big, img.width, img.height, NN_RESIZE_NEAREST) < 0)
            nn_die_lib(image_path);
        if (nn_png_save(pred_out, big, img.width, img.height, 1) < 0)
            nn_die_lib(pred_out);
        nn_image_free(&img);
        free(in);
        free(ids);
        free(big);
        free(p);
    } else {
        nn_array x;
        load_images(args[0], &x);
        if (x.shape[1] != c->h || x.shape[2] != c->w || x.shape[3] != c->channels)
            nn_die(args[0], "images are %" PRId64 "x%" PRId64 "x%" PRId64 ", the model's %" PRId64 "x%" PRId64 "x%" PRId64
                   " (resize them, or use --image)", x.shape[1], x.shape[2], x.shape[3], c->h, c->w, c->channels);
        int64_t n = x.shape[0];
        float *p = nn_alloc((size_t)n, (size_t)(pix * c->classes) * sizeof(float));
        if (!p || nn_fcn_predict(&f, x.data, n, pred_batch, p) < 0)
            nn_die_lib(args[0]);
        nn_array out;
        if (argmax) {
            int64_t shape[3] = {n, c->h, c->w};
            if (nn_array_alloc(&out, NN_U8, 3, shape) < 0)
                nn_die_lib(NULL);
            nn_fcn_argmax(p, n * pix, c->classes, out.data);
            free(p);
        } else {
            out = (nn_array){NN_F32, 4, {n, c->h, c->w, c->classes}, p};
        }
        if (nn_npy_save(pred_out, &out) < 0)
            nn_die_lib(pred_out);
        nn_array_free(&out);
        nn_array_free(&x);
    }
    nn_fcn_free(&f);
    nn_model_free(m);
    free(args);
    return 0;
}

int main(int argc, char **argv)
{
    nn_set_program_name("train-fcn");
    if (argc >= 2) {
        if (!strcmp(argv[1], "predict"))
            return cmd_predict(argc - 1, argv + 1);
        if (!strcmp(argv[1], "train"))
            return cmd_train(argc - 1, argv + 1);
    }
    return cmd_train(argc, argv);
}
