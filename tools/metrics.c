/* metrics: evaluation figures for classifiers, clusterings, reconstructions
 * and embeddings, as TSV lines "metric<TAB>class<TAB>value" (an aligned
 * table instead when stdout is a terminal). */
#include "core/cli.h"
#include "core/file.h"
#include "core/mem.h"
#include "io/npy.h"
#include "ml/metrics.h"
#include "text/strmap.h"
#include "text/textcolumn.h"
#include "text/vocabfile.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *out_path = "-";
static const char *format = "auto";

static void write_report(const nn_report *r)
{
    nn_output out;
    if (nn_output_open(&out, out_path) < 0)
        nn_die_lib(out_path);
    int table = strcmp(format, "table") == 0 ||
                (strcmp(format, "auto") == 0 && nn_is_stdio(out_path) && isatty(STDOUT_FILENO));
    int rc = table ? nn_report_write_table(r, out.fp) : nn_report_write_tsv(r, out.fp);
    if (rc < 0 || nn_output_commit(&out) < 0)
        nn_die_lib(out_path);
}

static void load(const char *path, nn_array *a)
{
    if (nn_npy_load(path, a) < 0)
        nn_die_lib(path);
    if (nn_array_count(a) == 0)
        nn_die(path, "empty array: nothing to evaluate");
}

/* Class ids from a file; the message names the file. */
static int64_t *load_labels(const char *path, size_t *n)
{
    nn_array a;
    int64_t *y;
    load(path, &a);
    if (nn_labels_from_array(&a, &y, n) < 0)
        nn_die_lib(path);
    nn_array_free(&a);
    return y;
}

static void need(const char *value, const char *option)
{
    if (!value)
        nn_usage("%s is required", option);
}

static void same_length(const char *a_path, size_t a, const char *b_path, size_t b)
{
    if (a != b)
        nn_die(b_path, "%zu labels, but %s has %zu", b, a_path, a);
}

#define COMMON_OPTIONS                                                                                       \
    {"output", 'o', NN_OPT_STRING, &out_path, "FILE", "where to write the figures", NULL},                   \
        {"format", 0, NN_OPT_CHOICE, &format, "FORMAT",                                                      \
         "tsv, table, or auto (a table when writing to a terminal)", "auto|tsv|table"}

/* classify and segment: the same counts, different figures. */
static int classify_like(int argc, char **argv, int segment)
{
    const char *true_path = NULL, *pred_path = NULL, *labels_text = NULL;
    int64_t ignore = 0;
    int has_ignore = 0;
    const char *ignore_text = NULL;
    const nn_option opts[] = {
        {"true", 't', NN_OPT_STRING, &true_path, "FILE", "true class ids (.npy, integers, any shape)", NULL},
        {"pred", 'p', NN_OPT_STRING, &pred_path, "FILE",
         "predicted class ids (.npy), or (N, C) float scores to take the argmax of", NULL},
        {"labels", 'l', NN_OPT_STRING, &labels_text, "LIST",
         "classes to report and average, e.g. 1,2,3 (default: every class seen)", NULL},
        {"ignore", 'i', NN_OPT_STRING, &ignore_text, "ID", "drop samples whose true class is ID (padding, void)",
         NULL},
        COMMON_OPTIONS,
        {0}};
    const nn_cli classify_cli = {"metrics classify", "--true FILE --pred FILE [options]",
                                 "Accuracy; precision, recall, F1 and support per class; macro, micro and weighted\n"
                                 "averages (as scikit-learn, a class never predicted gets precision 0); confusion\n"
                                 "matrix as rows 'confusion<TAB>TRUE/PRED<TAB>count'.",
                                 opts, 0, 0};
    const nn_cli segment_cli = {"metrics segment", "--true MASKS --pred MASKS [options]",
                                "Segmentation masks (any shape; (..., C) float scores take the argmax): pixel\n"
                                "accuracy, IoU per class, mean IoU (iou_macro, as scikit-learn's jaccard_score),\n"
                                "iou_micro and frequency-weighted IoU (iou_weighted).  --ignore drops void pixels.",
                                opts, 0, 0};
    const nn_cli cli = segment ? segment_cli : classify_cli;
    char **args;
    nn_cli_parse(&cli, argc, argv, &args);
    need(true_path, "--true");
    need(pred_path, "--pred");
    nn_classify_opts o = {0};
    int64_t *labels = NULL;
    if (labels_text) {
        if (nn_labels_parse(labels_text, &labels, &o.n_labels) < 0)
            nn_usage("--labels: %s", nn_last_error());
        o.labels = labels;
    }
    if (ignore_text) {
        int64_t *v;
        size_t n;
        if (nn_labels_parse(ignore_text, &v, &n) < 0 || n != 1)
            nn_usage("--ignore takes one integer class id, not '%s'", ignore_text);
        ignore = v[0];
        has_ignore = 1;
        free(v);
    }
    o.has_ignore = has_ignore;
    o.ignore = ignore;
    size_t nt, np;
    int64_t *yt = load_labels(true_path, &nt), *yp = load_labels(pred_path, &np);
    same_length(true_path, nt, pred_path, np);
    nn_classify_result res;
    if (nn_classify(yt, yp, nt, &o, &res) < 0)
        nn_die_lib(NULL);
    if (res.n == 0)
        nn_die(true_path, "every sample is ignored (--ignore %lld)", (long long)ignore);
    if (res.n_never_predicted && !segment)
        nn_warn(pred_path, "%d class(es) never predicted: their precision is ill-defined and set to 0",
                res.n_never_predicted);
    if (res.n_never_true && !segment)
        nn_warn(true_path, "%d class(es) with no true sample: their recall is ill-defined and set to 0",
                res.n_never_true);
    nn_report r;
    nn_report_init(&r);
    if ((segment ? nn_segment_report(&res, &r) : nn_classify_report(&res, &r)) < 0)
        nn_die_lib(NULL);
    write_report(&r);
    nn_report_free(&r);
    nn_classify_free(&res);
    free(yt), free(yp), free(labels), free(args);
    return 0;
}

static int cmd_classify(int argc, char **argv) { return classify_like(argc, argv, 0); }
static int cmd_segment(int argc, char **argv) { return classify_like(argc, argv, 1); }

static int cmd_cluster(int argc, char **argv)
{
    const char *true_path = NULL, *pred_path = NULL;
    const nn_option opts[] = {
        {"true", 't', NN_OPT_STRING, &true_path, "FILE", "true class ids (.npy, integers)", NULL},
        {"pred", 'p', NN_OPT_STRING, &pred_path, "FILE", "cluster ids (.npy, integers)", NULL},
        COMMON_OPTIONS,
        {0}};
    const nn_cli cli = {"metrics cluster", "--true FILE --pred FILE [options]",
                        "Normalized mutual information (arithmetic normalisation, scikit-learn's default)\n"
                        "and adjusted Rand index of a clustering against true classes.",
                        opts, 0, 0};
    char **args;
    nn_cli_parse(&cli, argc, argv, &args);
    need(true_path, "--true");
    need(pred_path, "--pred");
    size_t nt, np;
    int64_t *yt = load_labels(true_path, &nt), *yp = load_labels(pred_path, &np);
    same_length(true_path, nt, pred_path, np);
    nn_cluster_result res;
    nn_report r;
    nn_report_init(&r);
    if (nn_cluster_scores(yt, yp, nt, &res) < 0 || nn_cluster_report(&res, &r) < 0)
        nn_die_lib(NULL);
    write_report(&r);
    nn_report_free(&r);
    free(yt), free(yp), free(args);
    return 0;
}

/* Float values; uint8 images are read as pixel / 255 (what the model saw). */
static void load_values(const char *path, nn_array *a)
{
    load(path, a);
    int u8 = a->dtype == NN_U8;
    if (nn_array_convert_inplace(a, NN_F32) < 0)
        nn_die_lib(path);
    if (u8) {
        float *v = a->data;
        for (size_t i = 0, n = nn_array_count(a); i < n; i++)
            v[i] /= 255.0f;
    }
}

static int cmd_recon(int argc, char **argv)
{
    const char *true_path = NULL, *pred_path = NULL;
    const nn_option opts[] = {
        {"true", 't', NN_OPT_STRING, &true_path, "FILE", "inputs (.npy; uint8 is read as value/255)", NULL},
        {"pred", 'p', NN_OPT_STRING, &pred_path, "FILE", "reconstructions, same shape", NULL},
        COMMON_OPTIONS,
        {0}};
    const nn_cli cli = {"metrics recon", "--true FILE --pred FILE [options]",
                        "Reconstruction error: MSE, MAE and binary cross-entropy per element (Keras's\n"
                        "clipping, epsilon 1e-7), and MSE and BCE summed over each row (sample) then\n"
                        "averaged, the form a VAE's loss uses.",
                        opts, 0, 0};
    char **args;
    nn_cli_parse(&cli, argc, argv, &args);
    need(true_path, "--true");
    need(pred_path, "--pred");
    nn_array x, xh;
    load_values(true_path, &x);
    load_values(pred_path, &xh);
    char s1[96], s2[96];
    nn_shape_format(&x, s1, sizeof s1);
    nn_shape_format(&xh, s2, sizeof s2);
    if (strcmp(s1, s2) != 0)
        nn_die(pred_path, "shape %s differs from %s's %s", s2, true_path, s1);
    int64_t rows = nn_array_rows(&x), cols = nn_array_row_size(&x);
    nn_recon_result res;
    nn_report r;
    nn_report_init(&r);
    if (nn_recon_scores(x.data, xh.data, rows, cols, &res) < 0 || nn_recon_report(&res, &r) < 0)
        nn_die_lib(NULL);
    write_report(&r);
    nn_report_free(&r);
    nn_array_free(&x), nn_array_free(&xh);
    free(args);
    return 0;
}

/* Distances to NaN compare false both ways: such points would look perfect. */
static void require_finite(const char *path, const nn_array *a)
{
    const float *v = a->data;
    for (size_t i = 0, n = nn_array_count(a); i < n; i++)
        if (!isfinite(v[i]))
            nn_die(path, "value %zu is not finite (%g)", i, (double)v[i]);
}

static int cmd_embed(int argc, char **argv)
{
    const char *high_path = NULL, *low_path = NULL, *labels_path = NULL;
    int k = 10;
    const nn_option opts[] = {
        {"high", 0, NN_OPT_STRING, &high_path, "FILE", "input points (N, ...) .npy", NULL},
        {"low", 0, NN_OPT_STRING, &low_path, "FILE", "their embedding (N, d) .npy", NULL},
        {"k", 'k', NN_OPT_INT, &k, "K", "neighbours (must be below N/2)", NULL},
        {"labels", 'l', NN_OPT_STRING, &labels_path, "FILE",
         "class ids (.npy): also report leave-one-out k-NN accuracy in the embedding", NULL},
        COMMON_OPTIONS,
        {0}};
    const nn_cli cli = {"metrics embed", "--high FILE --low FILE [options]",
                        "Trustworthiness of an embedding (as sklearn.manifold.trustworthiness, euclidean)\n"
                        "and, with --labels, the accuracy of a k-NN vote among each point's embedded\n"
                        "neighbours.  Costs O(N^2) distance computations.",
                        opts, 0, 0};
    char **args;
    nn_cli_parse(&cli, argc, argv, &args);
    need(high_path, "--high");
    need(low_path, "--low");
    nn_array hi, lo;
    load_values(high_path, &hi);
    load_values(low_path, &lo);
    require_finite(high_path, &hi);
    require_finite(low_path, &lo);
    int64_t n = nn_array_rows(&hi);
    if (nn_array_rows(&lo) != n)
        nn_die(low_path, "%lld points, but %s has %lld", (long long)nn_array_rows(&lo), high_path, (long long)n);
    int64_t *labels = NULL;
    if (labels_path) {
        size_t nl;
        labels = load_labels(labels_path, &nl);
        if ((int64_t)nl != n)
            nn_die(labels_path, "%zu labels, but %s has %lld points", nl, high_path, (long long)n);
    }
    nn_embed_result res;
    nn_report r;
    nn_report_init(&r);
    if (nn_embed_scores(hi.data, nn_array_row_size(&hi), lo.data, nn_array_row_size(&lo), n, k, labels, &res) < 0)
        nn_die_lib(low_path);
    if (nn_embed_report(&res, &r) < 0)
        nn_die_lib(NULL);
    write_report(&r);
    nn_report_free(&r);
    nn_array_free(&hi), nn_array_free(&lo);
    free(labels), free(args);
    return 0;
}

/* entity: CoNLL entity scores plus token-level macro F1 */
static int cmd_entity(int argc, char **argv)
{
    const char *true_path = NULL, *pred_path = NULL, *tags_path = NULL, *len_path = NULL;
    const nn_option opts[] = {
        {"true", 't', NN_OPT_STRING, &true_path, "FILE", "true tag ids (N, T) .npy", NULL},
        {"pred", 'p', NN_OPT_STRING, &pred_path, "FILE", "predicted tag ids (N, T), or (N, T, K) scores", NULL},
        {"tags", 0, NN_OPT_STRING, &tags_path, "FILE", "the tag vocab.tsv (names with B-/I- prefixes)", NULL},
        {"lengths", 'l', NN_OPT_STRING, &len_path, "FILE",
         "sentence lengths (N) .npy (default: up to the first <PAD> true tag)", NULL},
        COMMON_OPTIONS,
        {0}};
    const nn_cli cli = {"metrics entity", "--true Y.npy --pred P.npy --tags tags.tsv [options]",
                        "Entity-level precision/recall/F1 the CoNLL way (spans from IOB2 tags, a span counts\n"
                        "only with its exact type and boundaries), per type and micro-averaged; and token-level\n"
                        "macro F1: over every step and class (token_f1_macro_with_pad), over the real tokens\n"
                        "without the <PAD>/<UNK> classes (token_f1_macro), and also without O\n"
                        "(token_f1_macro_no_o).",
                        opts, 0, 0};
    char **args;
    nn_cli_parse(&cli, argc, argv, &args);
    need(true_path, "--true");
    need(pred_path, "--pred");
    need(tags_path, "--tags");
    nn_strmap tags;
    if (nn_vocab_load(tags_path, &tags) < 0)
        nn_die_lib(tags_path);
    nn_array ta;
    load(true_path, &ta);
    if (ta.ndim != 2 || nn_dtype_is_float(ta.dtype))
        nn_die(true_path, "expected integer tag ids of shape (N, T)");
    int64_t n = ta.shape[0], t = ta.shape[1];
    nn_array_free(&ta);
    size_t nt, np;
    int64_t *yt = load_labels(true_path, &nt), *yp = load_labels(pred_path, &np);
    same_length(true_path, nt, pred_path, np);
    int64_t *lengths = NULL;
    if (len_path) {
        size_t nl;
        lengths = load_labels(len_path, &nl);
        if ((int64_t)nl != n)
            nn_die(len_path, "%zu lengths, but %s has %lld rows", nl, true_path, (long long)n);
    }
    int64_t pad = nn_strmap_find(&tags, NN_VOCAB_PAD, strlen(NN_VOCAB_PAD));
    int64_t unk = nn_strmap_find(&tags, NN_VOCAB_UNK, strlen(NN_VOCAB_UNK));
    int64_t o_id = nn_strmap_find(&tags, "O", 1);
    nn_entity_result er;
    if (nn_entity_scores(yt, yp, n, t, lengths, pad, (const char *const *)tags.keys, tags.n, &er) < 0)
        nn_die_lib(pred_path);
    nn_report r;
    nn_report_init(&r);
    if (nn_entity_report(&er, &r) < 0)
        nn_die_lib(NULL);
    /* token level: the scored steps only, unless with_pad */
    int64_t *lt = nn_alloc(nt, sizeof *lt), *lp = nn_alloc(nt, sizeof *lp);
    int64_t *labels = nn_alloc((size_t)tags.n, sizeof *labels);
    if (!lt || !lp || !labels)
        nn_die_lib(NULL);
    size_t k = 0;
    for (int64_t i = 0; i < n; i++) {
        int64_t len = t;
        if (lengths)
            len = lengths[i] < t ? lengths[i] : t;
        for (int64_t j = 0; j < len; j++) {
            if (!lengths && yt[i * t + j] == pad)
                continue;
            lt[k] = yt[i * t + j];
            lp[k++] = yp[i * t + j];
        }
    }
    for (int pass = 0; pass < 3; pass++) {
        static const char *names[3] = {"token_f1_macro_with_pad", "token_f1_macro", "token_f1_macro_no_o"};
        size_t nlab = 0;
        for (int64_t c = 0; c < tags.n; c++)
            if (pass == 0 || (c != pad && c != unk && (pass == 1 || c != o_id)))
                labels[nlab++] = c;
        nn_classify_opts co = {labels, nlab, 0, 0};
        nn_classify_result cr;
        int rc = pass == 0 ? nn_classify(yt, yp, nt, &co, &cr) : nn_classify(lt, lp, k, &co, &cr);
        if (rc < 0)
            nn_die_lib(pred_path);
        if (nn_report_add(&r, names[pass], NULL, cr.avg_f1[NN_AVG_MACRO]) < 0)
            nn_die_lib(NULL);
        if (pass == 1 && nn_report_add(&r, "token_accuracy", NULL, cr.accuracy) < 0)
            nn_die_lib(NULL);
        nn_classify_free(&cr);
    }
    write_report(&r);
    nn_report_free(&r);
    nn_strmap_free(&tags);
    free(yt), free(yp), free(lengths), free(lt), free(lp), free(labels), free(args);
    return 0;
}

/* sequence: transcripts of a TSV column, read whole; a first row whose
 * column reads "text" is a header.  *buf keeps the strings. */
static char **load_column(const char *path, int col, size_t *n, char **buf)
{
    uint8_t *data;
    size_t len;
    char **rows;
    if (nn_read_all(path, &data, &len) < 0 || nn_text_column((char *)data, len, col, "text", &rows, n) < 0)
        nn_die_lib(path);
    *buf = (char *)data;
    return rows;
}

static int cmd_sequence(int argc, char **argv)
{
    const char *true_path = NULL, *pred_path = NULL;
    int tcol = 2, pcol = 2;
    const nn_option opts[] = {
        {"true", 't', NN_OPT_STRING, &true_path, "FILE", "reference transcripts (TSV, e.g. make-utterances's)", NULL},
        {"pred", 'p', NN_OPT_STRING, &pred_path, "FILE", "predicted transcripts (TSV, e.g. train-seq2seq decode's)",
         NULL},
        {"true-column", 0, NN_OPT_INT, &tcol, "N", "column of the text in --true (1-based)", NULL},
        {"pred-column", 0, NN_OPT_INT, &pcol, "N", "column of the text in --pred (1-based)", NULL},
        COMMON_OPTIONS,
        {0}};
    const nn_cli cli = {"metrics sequence", "--true REF.tsv --pred HYP.tsv [options]",
                        "Word error rate, character error rate and whole-sequence accuracy of transcripts,\n"
                        "row by row (a first row whose text column reads 'text' is a header).  WER and CER are\n"
                        "edit distances summed over the corpus divided by the reference length (CER counts\n"
                        "the single spaces between words); sequence_accuracy is the share of rows without a\n"
                        "word error.",
                        opts, 0, 0};
    char **args;
    nn_cli_parse(&cli, argc, argv, &args);
    need(true_path, "--true");
    need(pred_path, "--pred");
    if (tcol < 1 || pcol < 1)
        nn_usage("columns are counted from 1");
    size_t nt, np;
    char *bt, *bp;
    char **rt = load_column(true_path, tcol, &nt, &bt), **rp = load_column(pred_path, pcol, &np, &bp);
    if (nt != np)
        nn_die(pred_path, "%zu transcripts, but %s has %zu", np, true_path, nt);
    nn_sequence_result sr;
    if (nn_sequence_scores((const char *const *)rt, (const char *const *)rp, (int64_t)nt, &sr) < 0)
        nn_die_lib(true_path);
    nn_report r;
    nn_report_init(&r);
    if (nn_sequence_report(&sr, &r) < 0)
        nn_die_lib(NULL);
    write_report(&r);
    nn_report_free(&r);
    free(rt), free(rp), free(bt), free(bp), free(args);
    return 0;
}

static const nn_command commands[] = {
    {"classify", cmd_classify, "accuracy, precision/recall/F1 per class and averaged, confusion matrix"},
    {"segment", cmd_segment, "pixel accuracy and IoU per class, mean IoU (segmentation masks)"},
    {"cluster", cmd_cluster, "normalized mutual information and adjusted Rand index"},
    {"recon", cmd_recon, "reconstruction error: MSE, MAE, binary cross-entropy"},
    {"embed", cmd_embed, "trustworthiness and k-NN accuracy of an embedding"},
    {"entity", cmd_entity, "entity-level (CoNLL) precision/recall/F1 of IOB2 tags, token macro F1"},
    {"sequence", cmd_sequence, "word/character error rate and sequence accuracy of transcripts (TSV)"},
};

int main(int argc, char **argv)
{
    static const nn_command_set set = {"metrics", "COMMAND [options]",
                                        "Evaluation figures as TSV lines 'metric<TAB>class<TAB>value' (class '-' for overall\n"
                                        "figures); an aligned table when writing to a terminal.",
                                        commands, (int)(sizeof commands / sizeof *commands), NULL};
    return nn_cli_dispatch(&set, argc, argv);
}
