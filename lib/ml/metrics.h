/* Evaluation metrics, grouped by kind of task, and the report they fill.
 *
 * Every kind computes into its own result struct (so a caller can look at
 * the numbers) and can append its figures to an nn_report: a flat list of
 * (metric, class, value) rows, the form the `metrics` tool prints as TSV
 * ("metric<TAB>class<TAB>value", class "-" for overall figures).  A new
 * kind (segmentation IoU, WER/CER, entity F1) adds a result struct, a
 * compute function and a *_report() function; the printing is shared.
 *
 * Conventions that follow scikit-learn 1.2 (the reference in the tests):
 *  - classify: precision/recall/F1 per class with zero_division=0 (a class
 *    never predicted has precision 0), macro/micro/weighted averages over
 *    the chosen labels, accuracy over all samples.
 *  - cluster: NMI with arithmetic-mean normalisation, adjusted Rand index.
 *  - embed: trustworthiness (sklearn.manifold.trustworthiness, euclidean).
 *  - recon: binary cross-entropy as Keras computes it (clip to
 *    [1e-7, 1 - 1e-7], then log(p + 1e-7)). */
#ifndef NN_ML_METRICS_H
#define NN_ML_METRICS_H

#include "core/array.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* ---- the report ----------------------------------------------------- */

typedef struct {
    char metric[32]; /* "f1", "f1_macro", "confusion" */
    char cls[40];    /* "3", "-" for overall, "2/5" for a matrix cell (row/col) */
    double value;
} nn_report_row;

typedef struct {
    nn_report_row *rows;
    size_t n, cap;
} nn_report;

void nn_report_init(nn_report *r);
void nn_report_free(nn_report *r);
/* cls NULL means "-".  Names longer than the fields are an error. */
int nn_report_add(nn_report *r, const char *metric, const char *cls, double value);
int nn_report_add_label(nn_report *r, const char *metric, int64_t label, double value);
/* The row's value, or NAN when absent (cls NULL means "-"). */
double nn_report_get(const nn_report *r, const char *metric, const char *cls);
/* "metric\tclass\tvalue" lines; whole numbers print without a fraction. */
int nn_report_write_tsv(const nn_report *r, FILE *fp);
/* An aligned table for a terminal: overall figures, a class x metric
 * table (averages "X_macro" become "macro avg" rows) and matrices (rows
 * whose class is "a/b"). */
int nn_report_write_table(const nn_report *r, FILE *fp);

/* ---- labels --------------------------------------------------------- */

/* Class ids from an array: integer arrays of any shape are flattened; a
 * float array of shape (..., C) with at least 2 dimensions and C >= 2
 * (scores, probabilities or one-hot rows; per pixel for segmentation)
 * gives the argmax over the last axis.  Other float arrays are an error
 * (a float label is not a class id).  *out is nn_alloc'd. */
int nn_labels_from_array(const nn_array *a, int64_t **out, size_t *n);
/* "0,1,2" into a nn_alloc'd list; an error for anything but integers. */
int nn_labels_parse(const char *text, int64_t **out, size_t *n);

/* ---- classify ------------------------------------------------------- */

#define NN_CONFUSION_MAX_CLASSES 1024

enum { NN_AVG_MACRO, NN_AVG_MICRO, NN_AVG_WEIGHTED, NN_AVG_COUNT };

typedef struct {
    const int64_t *labels; /* the classes to report and average (sklearn's
                              labels=); NULL: every class seen */
    size_t n_labels;
    int has_ignore;        /* drop samples whose true label is `ignore` */
    int64_t ignore;        /* (padding, void pixels) */
} nn_classify_opts;

typedef struct {
    size_t k;              /* number of labels */
    int64_t *labels;       /* [k] */
    int64_t *tp, *pred_sum, *true_sum; /* [k] */
    int64_t *confusion;    /* [k][k]: row = true label, column = predicted;
                              NULL when k > NN_CONFUSION_MAX_CLASSES */
    double *precision, *recall, *f1;   /* [k] */
    double *iou;                       /* [k] tp / (tp + fp + fn): Jaccard */
    double avg_precision[NN_AVG_COUNT], avg_recall[NN_AVG_COUNT], avg_f1[NN_AVG_COUNT];
    double avg_iou[NN_AVG_COUNT];      /* macro = mean IoU (sklearn jaccard_score) */
    int64_t n;             /* samples counted (after --ignore) */
    int64_t correct;
    double accuracy;       /* correct / n (0 when n == 0) */
    int n_never_predicted; /* classes with precision ill-defined (set to 0) */
    int n_never_true;      /* classes with recall ill-defined (set to 0) */
} nn_classify_result;

int nn_classify(const int64_t *y_true, const int64_t *y_pred, size_t n, const nn_classify_opts *opts,
                nn_classify_result *res);
void nn_classify_free(nn_classify_result *res);
/* accuracy, samples; precision/recall/f1/support per class; *_macro,
 * *_micro, *_weighted; confusion "t/p" cells. */
int nn_classify_report(const nn_classify_result *res, nn_report *r);

/* ---- segment (a classification of pixels) ---------------------------
 * Same counts as classify; reports pixel accuracy, IoU per class and its
 * macro (mean IoU), micro and weighted (frequency-weighted IoU) averages,
 * as sklearn's jaccard_score with zero_division=0 (a class absent from
 * both masks counts 0 in the mean when listed with --labels). */
int nn_segment_report(const nn_classify_result *res, nn_report *r);

/* ---- cluster -------------------------------------------------------- */

typedef struct {
    int64_t n;
    size_t n_classes, n_clusters;
    double mutual_info; /* nats */
    double h_true, h_pred;
    double nmi;         /* arithmetic-mean normalisation */
    double ari;
} nn_cluster_result;

int nn_cluster_scores(const int64_t *y_true, const int64_t *y_pred, size_t n, nn_cluster_result *res);
int nn_cluster_report(const nn_cluster_result *res, nn_report *r);

/* ---- recon ---------------------------------------------------------- */

typedef struct {
    int64_t n;     /* elements */
    double mse, mae;
    double bce;    /* mean per element, Keras's clipping */
    double bce_sum_per_row, mse_sum_per_row; /* summed over a row, averaged over rows
                                                 (the form VAE losses use) */
} nn_recon_result;

#define NN_KERAS_EPSILON 1e-7

/* x, xhat: rows x cols values (float). */
int nn_recon_scores(const float *x, const float *xhat, int64_t rows, int64_t cols, nn_recon_result *res);
int nn_recon_report(const nn_recon_result *res, nn_report *r);

/* ---- embed ---------------------------------------------------------- */

typedef struct {
    int64_t n;
    int k;
    double trustworthiness;
    int has_knn;
    double knn_accuracy; /* leave-one-out k-NN vote in the embedding */
} nn_embed_result;

/* high: n x dh, low: n x dl, both float32 row-major.  labels may be NULL.
 * Needs k < n / 2 (as scikit-learn).  Cost O(n^2 (dh + dl)); the distance
 * rows are computed in parallel blocks with nn_sgemm. */
int nn_embed_scores(const float *high, int64_t dh, const float *low, int64_t dl, int64_t n, int k,
                    const int64_t *labels, nn_embed_result *res);
int nn_embed_report(const nn_embed_result *res, nn_report *r);

/* ---- entity (metrics_entity.c) ---------------------------------------
 * Entity-level scores of a sequence tagger the CoNLL way (conlleval):
 * spans are read from IOB2 tags ("B-geo", "I-geo", "O"; an I- tag that
 * does not continue a span of its type starts one, as conlleval does);
 * a predicted span counts only if its type and both boundaries equal a
 * true span's.  Tags without a B-/I- prefix (O, <PAD>, <UNK>) are
 * outside any span.  Precision/recall/F1 per type and micro-averaged
 * over all spans. */
#define NN_ENTITY_MAX_TYPES 64

typedef struct {
    int ntypes;
    char types[NN_ENTITY_MAX_TYPES][32];     /* sorted by name */
    int64_t tp[NN_ENTITY_MAX_TYPES], n_pred[NN_ENTITY_MAX_TYPES], n_true[NN_ENTITY_MAX_TYPES];
    double precision[NN_ENTITY_MAX_TYPES], recall[NN_ENTITY_MAX_TYPES], f1[NN_ENTITY_MAX_TYPES];
    int64_t tp_all, pred_all, true_all;
    double precision_micro, recall_micro, f1_micro;
    int64_t tokens;                          /* tokens scored */
} nn_entity_result;

/* y_true, y_pred: (n, t) tag ids into tags[0..ntags); lengths (n) or
 * NULL: the first lengths[i] steps of row i are scored, else the steps
 * whose true tag is not pad_id (-1: every step).  An id outside the tag
 * list is an error. */
int nn_entity_scores(const int64_t *y_true, const int64_t *y_pred, int64_t n, int64_t t, const int64_t *lengths,
                     int64_t pad_id, const char *const *tags, int64_t ntags, nn_entity_result *res);
/* entity_precision/recall/f1/support per type (class = type name) and
 * entity_*_micro overall. */
int nn_entity_report(const nn_entity_result *res, nn_report *r);

/* ---- sequence (metrics_sequence.c): transcripts ---------------------
 * Word error rate = (word substitutions + insertions + deletions) summed
 * over the corpus / reference words; character error rate the same over
 * UTF-8 characters of the words joined by single spaces (spaces count);
 * sequence accuracy = share of transcripts with no word error.  Texts are
 * split on whitespace (runs of spaces, tabs count as one). */
typedef struct {
    int64_t n, ref_words, word_errors, ref_chars, char_errors, exact;
    double wer, cer, seq_accuracy;
} nn_sequence_result;

/* Levenshtein distance between the words (chars = 0) or characters
 * (chars = 1) of two texts; -1 when out of memory. */
int64_t nn_edit_distance_words(const char *a, const char *b, int chars);
int nn_sequence_scores(const char *const *truth, const char *const *pred, int64_t n, nn_sequence_result *res);
/* wer, cer, sequence_accuracy and the counts behind them. */
int nn_sequence_report(const nn_sequence_result *res, nn_report *r);

#endif
