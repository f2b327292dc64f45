/* train-vae: autoencoders and variational autoencoders of MNIST-like
 * images (the assignment's ae, deep-ae, vae and cat-vae), and the
 * commands that use a trained model: encode, decode, reconstruct, grid.
 * The work is done by lib/nn (vae.c for the models and losses, train.c
 * for the loop); this file parses options, reads and writes files. */
#include "core/cli.h"
#include "core/file.h"
#include "core/mem.h"
#include "io/npy.h"
#include "io/safetensors.h"
#include "math/rng.h"
#include "nn/optim.h"
#include "nn/train_run.h"
#include "nn/vae.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- images in ---- */

/* (n, h, w), (n, h, w, 1) or (n, h*w) with a square h*w; uint8 is scaled
 * by 1/255, floats must be in [0, 1]. */
static void load_images(const char *path, nn_array *a, int64_t *h, int64_t *w)
{
    if (nn_npy_load(path, a) < 0)
        nn_die_lib(path);
    if (a->ndim == 4 && a->shape[3] == 1)
        a->ndim = 3;
    if (a->ndim == 3) {
        *h = a->shape[1];
        *w = a->shape[2];
    } else if (a->ndim == 2) {
        int64_t s = (int64_t)llround(sqrt((double)a->shape[1]));
        if (s * s != a->shape[1])
            nn_die(path, "rows of %" PRId64 " values are not square images: give (N, H, W)", a->shape[1]);
        *h = *w = s;
    } else {
        char buf[64];
        nn_shape_format(a, buf, sizeof buf);
        nn_die(path, "expected images (N, H, W), got shape %s", buf);
    }
    if (a->shape[0] < 1 || *h < 1 || *w < 1)
        nn_die(path, "no images");
    nn_dtype t = a->dtype;
    if (t != NN_U8 && t != NN_F32 && t != NN_F64)
        nn_die(path, "images must be uint8 or float, not %s", nn_dtype_name(t));
    if (nn_array_convert_inplace(a, NN_F32) < 0)
        nn_die_lib(path);
    float *x = a->data;
    size_t n = nn_array_count(a);
    for (size_t i = 0; i < n; i++) {
        if (t == NN_U8)
            x[i] /= 255.0f;
        else if (!(x[i] >= 0 && x[i] <= 1))
            nn_die(path, "value %g at index %zu is outside [0, 1] (scale the images first)", (double)x[i], i);
    }
}

/* load_images, and images of h x w only: `whose` names the size they must
 * have ("the training images", "the model's") */
static void load_images_sized(const char *path, nn_array *a, int64_t h, int64_t w, const char *whose)
{
    int64_t ih, iw;
    load_images(path, a, &ih, &iw);
    if (ih != h || iw != w)
        nn_die(path, "images are %" PRId64 "x%" PRId64 ", %s %" PRId64 "x%" PRId64, ih, iw, whose, h, w);
}

static void save_array(const char *path, const float *data, int ndim, const int64_t *shape)
{
    nn_array a = {NN_F32, ndim, {0}, (void *)data};
    memcpy(a.shape, shape, sizeof(int64_t) * (size_t)ndim);
    if (nn_npy_save(path, &a) < 0)
        nn_die_lib(path);
}

/* ---- train ---- */

static const char *model_kind = "ae", *loss_name = "bce", *optim_name = "adam", *enc_act = "sigmoid";
static const char *out_path = NULL, *val_path = NULL, *test_path = NULL, *history_path = NULL;
static const char *ckpt_path = NULL, *report_path = NULL;
static int latent = 0, categories = 10, epochs = 10, batch = 128, patience = 0, summary = 0, resume = 0;
static double lr = 0, tau = 2.0 / 3.0, tau_min = 0.5, anneal = 0, clipnorm = 0, clipvalue = 0, momentum = 0;
static int nesterov = 0;
static int64_t seed = 1;

static const nn_option train_opts[] = {
    {"model", 'm', NN_OPT_CHOICE, &model_kind, "KIND", "architecture", "ae|deep-ae|vae|cat-vae"},
    {"latent", 'd', NN_OPT_INT, &latent, "D",
     "code size d (0: 32 for ae and deep-ae, 2 for vae); cat-vae: number of categorical variables (0: 1)", NULL},
    {"categories", 'k', NN_OPT_INT, &categories, "K", "cat-vae: classes per categorical variable", NULL},
    {"encoder-activation", 0, NN_OPT_CHOICE, &enc_act, "ACT", "ae: activation of the code", "sigmoid|relu|linear"},
    {"loss", 0, NN_OPT_CHOICE, &loss_name, "LOSS", "reconstruction loss", "bce|mse"},
    {"optimizer", 0, NN_OPT_CHOICE, &optim_name, "OPT", "optimizer (Keras defaults)", "adam|rmsprop|sgd"},
    {"lr", 0, NN_OPT_DOUBLE, &lr, "RATE", "learning rate (0: the optimizer's Keras default)", NULL},
    {"momentum", 0, NN_OPT_DOUBLE, &momentum, "M", "sgd momentum", NULL},
    {"nesterov", 0, NN_OPT_FLAG, &nesterov, NULL, "sgd: Nesterov momentum", NULL},
    {"clipnorm", 0, NN_OPT_DOUBLE, &clipnorm, "C", "clip each gradient tensor to this norm (0: off)", NULL},
    {"clipvalue", 0, NN_OPT_DOUBLE, &clipvalue, "C", "clip each gradient element to [-C, C] (0: off)", NULL},
    {"epochs", 'e', NN_OPT_INT, &epochs, "N", "training epochs", NULL},
    {"batch", 'b', NN_OPT_INT, &batch, "N", "mini-batch size", NULL},
    {"seed", 's', NN_OPT_INT64, &seed, "S", "seed of weights, shuffling and sampling noise", NULL},
    {"val", 0, NN_OPT_STRING, &val_path, "FILE", "validation images (.npy): val_loss, early stopping", NULL},
    {"test", 0, NN_OPT_STRING, &test_path, "FILE", "test images (.npy) for the final reconstruction report", NULL},
    {"patience", 0, NN_OPT_INT, &patience, "N", "stop after N epochs without a better val_loss (0: off)", NULL},
    {"tau", 0, NN_OPT_DOUBLE, &tau, "T", "cat-vae: Gumbel-softmax temperature", NULL},
    {"anneal", 0, NN_OPT_DOUBLE, &anneal, "R", "cat-vae: tau = max(tau-min, tau exp(-R step)) (0: constant)", NULL},
    {"tau-min", 0, NN_OPT_DOUBLE, &tau_min, "T", "cat-vae: lowest annealed temperature", NULL},
    {"summary", 0, NN_OPT_FLAG, &summary, NULL, "print the model summary (Keras-like) on stdout and exit", NULL},
    NN_TRAIN_RUN_OPTIONS(out_path, history_path, ckpt_path, resume),
    {"report", 0, NN_OPT_STRING, &report_path, "FILE", "metrics as TSV (metric, value)", NULL},
    {"quiet", 'q', NN_OPT_FLAG, &nn_quiet, NULL, "no progress or report lines on stderr (--report still writes)", NULL},
    {0}};

static const nn_cli train_cli = {
    "train-vae", "[train] [options] IMAGES.npy",
    "Train an autoencoder or a VAE on images (N, H, W): uint8 or float in [0, 1].\n"
    "  ae: dense H*W -> d -> H*W   deep-ae: convolutional (H, W multiples of 4)\n"
    "  vae: convolutional Gaussian VAE, z = mu + exp(logvar/2) eps (the assignment's\n"
    "  exp(logvar) is a mistake: that is the variance, not the standard deviation)\n"
    "  cat-vae: the same with categorical latents through Gumbel-softmax.\n"
    "Other commands: train-vae encode|decode|reconstruct|grid --help.\n"
    "Ctrl-C stops at the end of the current batch and keeps the last checkpoint.",
    train_opts, 0, 1};

static int64_t part_params(const nn_model *m, const char *name)
{
    nn_seq *s = nn_model_part(m, name);
    int64_t t = 0;
    for (int i = 0; i < s->n; i++)
        t += nn_layer_param_count(s->layers[i], 1) + nn_layer_param_count(s->layers[i], 0);
    return t;
}

/* settings as metadata, for the model file and the checkpoints
 * (run->ctx is the nn_ae_config) */
static int settings_meta(const nn_train_run *run, const nn_optim *o, nn_safetensors *st)
{
    char p[32];
    snprintf(p, sizeof p, "%d", patience);
    if (nn_ae_config_to_st(run->ctx, st) < 0 || nn_train_run_meta(run, "train-vae", o->lr, st) < 0 ||
        nn_st_set_meta(st, "train.patience", p) < 0 || nn_st_set_meta(st, "train.optimizer", optim_name) < 0)
        return -1;
    return 0;
}

static int cmd_train(int argc, char **argv)
{
    char **args;
    int nargs = nn_cli_parse(&train_cli, argc, argv, &args);
    nn_ae_config c;
    nn_ae_defaults(&c, (nn_ae_kind)nn_ae_kind_parse(model_kind));
    if (latent < 0 || categories < 2 || epochs < 0 || batch < 1 || patience < 0 || !(tau > 0) || !(tau_min > 0) ||
        anneal < 0 || lr < 0 || momentum < 0 || clipnorm < 0 || clipvalue < 0)
        nn_usage("--latent, --categories, --epochs, --batch, --patience, --tau, --lr must be positive");
    if (latent)
        c.latent = latent;
    c.categories = categories;
    c.mse = !strcmp(loss_name, "mse");
    c.code_act = (nn_act)nn_act_parse(enc_act);
    c.tau = tau;
    c.tau_min = tau_min;
    c.anneal = anneal;
    c.seed = (uint64_t)seed;

    nn_array train = {0}, val = {0}, test = {0};
    int64_t h = 28, w = 28;
    if (nargs == 1)
        load_images(args[0], &train, &h, &w);
    else if (!summary)
        nn_usage("an IMAGES.npy file to train on is required");
    c.h = h;
    c.w = w;
    nn_model *m;
    if (nn_ae_build(&c, &m) < 0)
        nn_die_lib(nargs ? args[0] : NULL);
    if (summary) {
        nn_model_summary(m, stdout);
        nn_model_free(m);
        nn_array_free(&train);
        free(args);
        return 0;
    }
    if (!out_path)
        nn_usage("-o MODEL.safetensors is required");
    if (resume && !ckpt_path)
        nn_usage("--resume needs --checkpoint FILE");
    if (val_path)
        load_images_sized(val_path, &val, h, w, "the training images");
    if (test_path)
        load_images_sized(test_path, &test, h, w, "the training images");

    nn_optim o;
    nn_optim_init(&o, (nn_optim_kind)nn_optim_parse(optim_name));
    if (lr > 0)
        o.lr = lr;
    o.momentum = momentum;
    o.nesterov = nesterov;
    o.clipnorm = clipnorm;
    o.clipvalue = clipvalue;

    nn_ae a;
    if (nn_ae_init(&a, m, &c) < 0)
        nn_die_lib(NULL);
    a.train = train.data;
    a.val = val.data;

    nn_train_task task = {&a, train.shape[0], val.data ? val.shape[0] : 0, nn_ae_batch};
    nn_train_run run = {.epochs = epochs, .batch = batch, .patience = patience, .resume = resume, .seed = seed,
                        .input = args[0], .output = out_path, .history = history_path, .checkpoint = ckpt_path,
                        .settings = settings_meta, .ctx = &c};
    nn_train_result res;
    if (nn_train_run_model(&run, m, &o, &task, &res) < 0)
        nn_die_lib(run.failed);

    nn_train_report r;
    if (nn_train_report_open(&r, report_path) < 0)
        nn_die_lib(report_path);
    nn_train_report_metric(&r, "params_encoder", (double)part_params(m, "encoder"));
    nn_train_report_metric(&r, "params_decoder", (double)part_params(m, "decoder"));
    nn_train_report_params(&r, m);
    nn_train_report_metric(&r, "compression_ratio", (double)(h * w) / (double)nn_ae_code_size(&c));
    nn_train_report_losses(&r, &res, val.data != NULL);
    const nn_array *sets[2] = {&val, &test};
    const char *names[2] = {"val", "test"};
    for (int k = 0; k < 2; k++) {
        if (!sets[k]->data)
            continue;
        int64_t n = sets[k]->shape[0];
        float *y = nn_alloc((size_t)n, (size_t)(h * w) * sizeof(float));
        double bce, mse;
        if (!y || nn_ae_reconstruct(&a, sets[k]->data, n, y, &bce, &mse) < 0)
            nn_die_lib(NULL);
        char name[64];
        snprintf(name, sizeof name, "%s_bce_per_pixel", names[k]);
        nn_train_report_metric(&r, name, bce);
        snprintf(name, sizeof name, "%s_mse_per_pixel", names[k]);
        nn_train_report_metric(&r, name, mse);
        free(y);
    }
    if (nn_train_report_close(&r) < 0)
        nn_die_lib(report_path);
    nn_ae_free(&a);
    nn_optim_free(&o);
    nn_model_free(m);
    nn_array_free(&train);
    nn_array_free(&val);
    nn_array_free(&test);
    free(args);
    return 0;
}

/* ---- commands on a trained model ---- */

static const char *use_out = "-", *logvar_out = NULL;
static int grid_n = 15, samples = 0, extreme = 0;
static double q_lo = 0.05, q_hi = 0.95;
static int64_t grid_seed = 1;

/* What every command on a trained model starts from: its arguments
 * (MODEL first, then an input file), the model, and for the commands that
 * take images, those images (of the model's size). */
typedef struct {
    char **args;
    nn_model *m;
    nn_ae a;
    nn_array x; /* (n, h, w) float32 in [0, 1], or empty */
} use;

static void use_open(use *u, const nn_cli *cli, int argc, char **argv, int images)
{
    memset(u, 0, sizeof *u);
    nn_cli_parse(cli, argc, argv, &u->args);
    const char *path = u->args[0];
    nn_safetensors st;
    nn_ae_config c;
    if (nn_model_load(path, &u->m, &st) < 0)
        nn_die_lib(path);
    if (nn_ae_config_from_st(&st, &c) < 0 || nn_ae_init(&u->a, u->m, &c) < 0)
        nn_die_lib(path);
    nn_st_free(&st);
    if (images)
        load_images_sized(u->args[1], &u->x, u->a.c.h, u->a.c.w, "the model's");
}

static void use_close(use *u)
{
    nn_array_free(&u->x);
    nn_ae_free(&u->a);
    nn_model_free(u->m);
    free(u->args);
}

static const nn_option io_opts[] = {
    {"output", 'o', NN_OPT_STRING, &use_out, "FILE", "output .npy", NULL},
    {0}};

static const nn_option encode_opts[] = {
    {"output", 'o', NN_OPT_STRING, &use_out, "FILE", "output .npy", NULL},
    {"logvar", 0, NN_OPT_STRING, &logvar_out, "FILE", "vae: also the log-variances (N, d) as .npy", NULL},
    {0}};

static int cmd_encode(int argc, char **argv)
{
    static const nn_cli cli = {"train-vae encode", "[options] MODEL IMAGES.npy",
                               "Codes of images (N, d): the code of an ae, mu of a vae (and with --logvar\n"
                               "its log-variance), the category probabilities softmax(logits / tau) of a\n"
                               "cat-vae.",
                               encode_opts, 2, 2};
    use u;
    use_open(&u, &cli, argc, argv, 1);
    if (logvar_out && u.a.c.kind != NN_AE_VAE)
        nn_die(u.args[0], "--logvar: only a vae has a log-variance");
    int64_t n = u.x.shape[0], d = nn_ae_encode_size(&u.a);
    float *codes = nn_alloc((size_t)n, (size_t)d * sizeof(float));
    float *lv = logvar_out ? nn_alloc((size_t)n, (size_t)d * sizeof(float)) : NULL;
    if (!codes || (logvar_out && !lv))
        nn_die_lib(NULL);
    if (logvar_out ? nn_ae_encode_gaussian(&u.a, u.x.data, n, codes, lv) < 0 : nn_ae_encode(&u.a, u.x.data, n, codes) < 0)
        nn_die_lib(u.args[1]);
    save_array(use_out, codes, 2, (int64_t[]){n, d});
    if (logvar_out)
        save_array(logvar_out, lv, 2, (int64_t[]){n, d});
    free(codes);
    free(lv);
    use_close(&u);
    return 0;
}

static int cmd_decode(int argc, char **argv)
{
    static const nn_cli cli = {"train-vae decode", "[options] MODEL CODES.npy",
                               "Images (N, H, W) from codes (N, code size) given to the decoder.", io_opts, 2, 2};
    use u;
    use_open(&u, &cli, argc, argv, 0);
    const char *path = u.args[1];
    if (nn_npy_load_as(path, NN_F32, &u.x) < 0)
        nn_die_lib(path);
    int64_t code = nn_ae_code_size(&u.a.c);
    if (u.x.ndim != 2 || u.x.shape[1] != code)
        nn_die(path, "codes must be (N, %" PRId64 ")", code);
    int64_t n = u.x.shape[0];
    float *y = nn_alloc((size_t)n, (size_t)(u.a.c.h * u.a.c.w) * sizeof(float));
    if (!y || nn_ae_decode(&u.a, u.x.data, n, y) < 0)
        nn_die_lib(path);
    save_array(use_out, y, 3, (int64_t[]){n, u.a.c.h, u.a.c.w});
    free(y);
    use_close(&u);
    return 0;
}

static int cmd_reconstruct(int argc, char **argv)
{
    static const nn_cli cli = {"train-vae reconstruct", "[options] MODEL IMAGES.npy",
                               "Decode(encode(images)) as (N, H, W), without sampling noise; prints the\n"
                               "binary cross-entropy and squared error per pixel on stderr.",
                               io_opts, 2, 2};
    use u;
    use_open(&u, &cli, argc, argv, 1);
    int64_t n = u.x.shape[0], h = u.a.c.h, w = u.a.c.w;
    float *y = nn_alloc((size_t)n, (size_t)(h * w) * sizeof(float));
    double bce, mse;
    if (!y || nn_ae_reconstruct(&u.a, u.x.data, n, y, &bce, &mse) < 0)
        nn_die_lib(u.args[1]);
    fprintf(stderr, "%s: bce_per_pixel\t%.6g\n%s: mse_per_pixel\t%.6g\n", nn_program_name(), bce,
            nn_program_name(), mse);
    save_array(use_out, y, 3, (int64_t[]){n, h, w});
    free(y);
    use_close(&u);
    return 0;
}

static const nn_option grid_opts[] = {
    {"output", 'o', NN_OPT_STRING, &use_out, "FILE", "output .npy", NULL},
    {"n", 'n', NN_OPT_INT, &grid_n, "N", "vae: N x N grid", NULL},
    {"lo", 0, NN_OPT_DOUBLE, &q_lo, "P", "vae: lowest probability of the grid (through the normal quantile)", NULL},
    {"hi", 0, NN_OPT_DOUBLE, &q_hi, "P", "vae: highest probability", NULL},
    {"extreme", 0, NN_OPT_FLAG, &extreme, NULL, "vae: the extreme range, probabilities 0.000005 to 0.999995", NULL},
    {"samples", 0, NN_OPT_INT, &samples, "M", "cat-vae: random samples after the one-per-category images", NULL},
    {"seed", 's', NN_OPT_INT64, &grid_seed, "S", "cat-vae: seed of the random samples", NULL},
    {0}};

/* vae: the n x n grid of decoded z = (quantile(p1), quantile(p2), 0, ...)
 * as one image (n*h, n*w) */
static void grid_vae(use *u)
{
    const nn_ae_config *c = &u->a.c;
    if (extreme) {
        q_lo = 0.000005; /* z from -4.42 to 4.42 */
        q_hi = 0.999995;
    }
    if (grid_n < 1 || grid_n > 1000 || !(q_lo > 0 && q_lo < q_hi && q_hi < 1))
        nn_usage("need 1 <= n <= 1000 and 0 < lo < hi < 1");
    if (c->latent < 2)
        nn_die(u->args[0], "the grid needs a latent space of at least 2 dimensions");
    int64_t n = grid_n, h = c->h, w = c->w, p = h * w, code = nn_ae_code_size(c);
    float *z = nn_calloc((size_t)(n * n), (size_t)code * sizeof(float));
    float *y = nn_alloc((size_t)(n * n), (size_t)p * sizeof(float));
    float *img = nn_alloc((size_t)(n * n), (size_t)p * sizeof(float));
    if (!z || !y || !img)
        nn_die_lib(NULL);
    for (int64_t i = 0; i < n; i++)
        for (int64_t j = 0; j < n; j++) {
            double t1 = n > 1 ? (double)j / (double)(n - 1) : 0.5, t2 = n > 1 ? (double)i / (double)(n - 1) : 0.5;
            z[(i * n + j) * code] = (float)nn_normal_quantile(q_lo + (q_hi - q_lo) * t1);
            z[(i * n + j) * code + 1] = (float)nn_normal_quantile(q_hi - (q_hi - q_lo) * t2);
        }
    if (nn_ae_decode(&u->a, z, n * n, y) < 0)
        nn_die_lib(u->args[0]);
    for (int64_t i = 0; i < n; i++)
        for (int64_t j = 0; j < n; j++)
            for (int64_t r = 0; r < h; r++)
                memcpy(img + ((i * h + r) * n + j) * w, y + (i * n + j) * p + r * w, sizeof(float) * (size_t)w);
    save_array(use_out, img, 2, (int64_t[]){n * h, n * w});
    free(z);
    free(y);
    free(img);
}

/* cat-vae: one image per category (every variable set to it), then
 * --samples random ones: (k + samples, h, w) */
static void grid_cat(use *u)
{
    const nn_ae_config *c = &u->a.c;
    if (samples < 0)
        nn_usage("--samples must be >= 0");
    int64_t k = c->categories, d = c->latent, n = k + samples, code = nn_ae_code_size(c);
    float *z = nn_calloc((size_t)n, (size_t)code * sizeof(float));
    float *y = nn_alloc((size_t)n, (size_t)(c->h * c->w) * sizeof(float));
    if (!z || !y)
        nn_die_lib(NULL);
    nn_rng r;
    nn_rng_seed(&r, (uint64_t)grid_seed);
    for (int64_t i = 0; i < n; i++)
        for (int64_t v = 0; v < d; v++) {
            int64_t cat = i < k ? i : (int64_t)nn_rng_below(&r, (uint64_t)k);
            z[i * code + v * k + cat] = 1;
        }
    if (nn_ae_decode(&u->a, z, n, y) < 0)
        nn_die_lib(u->args[0]);
    save_array(use_out, y, 3, (int64_t[]){n, c->h, c->w});
    free(z);
    free(y);
}

static int cmd_grid(int argc, char **argv)
{
    static const nn_cli cli = {
        "train-vae grid", "[options] MODEL",
        "vae: the decoded latent manifold of the first two latent dimensions as one\n"
        "image (N*H, N*W); z = normal quantile of probabilities evenly spaced in [lo, hi]\n"
        "(columns: z1 left to right, rows: z2 top to bottom from high to low).\n"
        "cat-vae: one image per category (every variable set to that category), then\n"
        "--samples random ones: (K + M, H, W).",
        grid_opts, 1, 1};
    use u;
    use_open(&u, &cli, argc, argv, 0);
    if (u.a.c.kind == NN_AE_VAE)
        grid_vae(&u);
    else if (u.a.c.kind == NN_AE_CAT)
        grid_cat(&u);
    else
        nn_die(u.args[0], "grid needs a vae or cat-vae model (this one is %s)", nn_ae_kind_name(u.a.c.kind));
    use_close(&u);
    return 0;
}

int main(int argc, char **argv)
{
    nn_set_program_name("train-vae");
    if (argc >= 2) {
        const char *cmd = argv[1];
        if (!strcmp(cmd, "encode"))
            return cmd_encode(argc - 1, argv + 1);
        if (!strcmp(cmd, "decode"))
            return cmd_decode(argc - 1, argv + 1);
        if (!strcmp(cmd, "reconstruct"))
            return cmd_reconstruct(argc - 1, argv + 1);
        if (!strcmp(cmd, "grid"))
            return cmd_grid(argc - 1, argv + 1);
        if (!strcmp(cmd, "train"))
            return cmd_train(argc - 1, argv + 1);
    }
    return cmd_train(argc, argv);
}
