/* Classification: accuracy, precision/recall/F1 per class and averaged,
 * confusion matrix, following sklearn.metrics 1.2 with zero_division=0. */
#include "ml/metrics.h"

#include "core/error.h"
#include "core/mem.h"

#include <stdlib.h>
#include <string.h>

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

/* Sorted label values with their position in the report order. */
typedef struct {
    int64_t value;
    int64_t index;
} label_slot;

static int cmp_slot(const void *a, const void *b) { return cmp_i64(a, b); }

static int64_t find_slot(const label_slot *s, size_t k, int64_t v)
{
    size_t lo = 0, hi = k;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (s[mid].value < v)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < k && s[lo].value == v ? s[lo].index : -1;
}

static int kept(const nn_classify_opts *o, int64_t t) { return !(o && o->has_ignore && t == o->ignore); }

/* Every distinct value of y_true and y_pred (kept samples), sorted. */
static int seen_labels(const int64_t *t, const int64_t *p, size_t n, const nn_classify_opts *o, int64_t **out,
                       size_t *k)
{
    int64_t *all = nn_alloc(2 * n + 1, sizeof *all);
    if (!all)
        return -1;
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        if (kept(o, t[i])) {
            all[m++] = t[i];
            if (!(o && o->has_ignore && p[i] == o->ignore))
                all[m++] = p[i];
        }
    qsort(all, m, sizeof *all, cmp_i64);
    size_t u = 0;
    for (size_t i = 0; i < m; i++)
        if (u == 0 || all[u - 1] != all[i])
            all[u++] = all[i];
    *out = all;
    *k = u;
    return 0;
}

void nn_classify_free(nn_classify_result *res)
{
    free(res->labels), free(res->tp), free(res->pred_sum), free(res->true_sum), free(res->confusion);
    free(res->precision), free(res->recall), free(res->f1), free(res->iou);
    memset(res, 0, sizeof *res);
}

static double divide(double num, double den) { return den == 0 ? 0.0 : num / den; }

/* sklearn's F-beta with beta 1: 2PR / (P + R), 0 when P + R == 0. */
static double f1_of(double p, double r) { return p + r == 0 ? 0.0 : 2 * p * r / (p + r); }

int nn_classify(const int64_t *t, const int64_t *p, size_t n, const nn_classify_opts *o, nn_classify_result *res)
{
    memset(res, 0, sizeof *res);
    size_t k;
    if (o && o->labels) {
        if (o->n_labels == 0)
            return nn_set_error("empty label list");
        res->labels = nn_alloc(o->n_labels, sizeof *res->labels);
        if (!res->labels)
            return -1;
        memcpy(res->labels, o->labels, o->n_labels * sizeof *res->labels);
        k = o->n_labels;
    } else if (seen_labels(t, p, n, o, &res->labels, &k) < 0)
        return -1;
    res->k = k;
    label_slot *slots = nn_alloc(k + 1, sizeof *slots);
    res->tp = nn_calloc(k + 1, sizeof(int64_t));
    res->pred_sum = nn_calloc(k + 1, sizeof(int64_t));
    res->true_sum = nn_calloc(k + 1, sizeof(int64_t));
    size_t kk;
    /* The matrix only for a readable number of classes (k^2 cells). */
    int with_confusion = k <= NN_CONFUSION_MAX_CLASSES;
    res->confusion = with_confusion && nn_mul_size(k, k, &kk) == 0 ? nn_calloc(kk + 1, sizeof(int64_t)) : NULL;
    res->precision = nn_calloc(k + 1, sizeof(double));
    res->recall = nn_calloc(k + 1, sizeof(double));
    res->f1 = nn_calloc(k + 1, sizeof(double));
    res->iou = nn_calloc(k + 1, sizeof(double));
    if (!res->iou || !slots || !res->tp || !res->pred_sum || !res->true_sum || (with_confusion && !res->confusion) || !res->precision ||
        !res->recall || !res->f1) {
        free(slots);
        nn_classify_free(res);
        return -1;
    }
    for (size_t i = 0; i < k; i++)
        slots[i] = (label_slot){res->labels[i], (int64_t)i};
    qsort(slots, k, sizeof *slots, cmp_slot);
    for (size_t i = 1; i < k; i++)
        if (slots[i].value == slots[i - 1].value) {
            free(slots);
            nn_classify_free(res);
            return nn_set_error("a label is listed twice");
        }

    /* Counts over all kept samples: a prediction outside the label list
     * still costs the true class a recall point (as multilabel_confusion_matrix). */
    for (size_t i = 0; i < n; i++) {
        if (!kept(o, t[i]))
            continue;
        res->n++;
        res->correct += t[i] == p[i];
        int64_t a = find_slot(slots, k, t[i]), b = find_slot(slots, k, p[i]);
        if (a >= 0)
            res->true_sum[a]++;
        if (b >= 0)
            res->pred_sum[b]++;
        if (a >= 0 && a == b)
            res->tp[a]++;
        if (a >= 0 && b >= 0 && res->confusion)
            res->confusion[(size_t)a * k + (size_t)b]++;
    }
    free(slots);
    res->accuracy = divide((double)res->correct, (double)res->n);

    int64_t tp_all = 0, pred_all = 0, true_all = 0;
    double sum_p = 0, sum_r = 0, sum_f = 0, w_p = 0, w_r = 0, w_f = 0, sum_j = 0, w_j = 0;
    for (size_t i = 0; i < k; i++) {
        res->precision[i] = divide((double)res->tp[i], (double)res->pred_sum[i]);
        res->recall[i] = divide((double)res->tp[i], (double)res->true_sum[i]);
        res->f1[i] = f1_of(res->precision[i], res->recall[i]);
        res->iou[i] = divide((double)res->tp[i], (double)(res->pred_sum[i] + res->true_sum[i] - res->tp[i]));
        sum_j += res->iou[i];
        w_j += (double)res->true_sum[i] * res->iou[i];
        res->n_never_predicted += res->pred_sum[i] == 0;
        res->n_never_true += res->true_sum[i] == 0;
        tp_all += res->tp[i], pred_all += res->pred_sum[i], true_all += res->true_sum[i];
        sum_p += res->precision[i], sum_r += res->recall[i], sum_f += res->f1[i];
        double w = (double)res->true_sum[i];
        w_p += w * res->precision[i], w_r += w * res->recall[i], w_f += w * res->f1[i];
    }
    res->avg_precision[NN_AVG_MACRO] = sum_p / (double)k;
    res->avg_recall[NN_AVG_MACRO] = sum_r / (double)k;
    res->avg_f1[NN_AVG_MACRO] = sum_f / (double)k;
    double mp = divide((double)tp_all, (double)pred_all), mr = divide((double)tp_all, (double)true_all);
    res->avg_precision[NN_AVG_MICRO] = mp;
    res->avg_recall[NN_AVG_MICRO] = mr;
    res->avg_f1[NN_AVG_MICRO] = f1_of(mp, mr);
    /* No true samples of any listed class: every weighted figure is 0
     * (sklearn's zero_division for that case). */
    res->avg_iou[NN_AVG_MACRO] = sum_j / (double)k;
    res->avg_iou[NN_AVG_MICRO] = divide((double)tp_all, (double)(pred_all + true_all - tp_all));
    res->avg_iou[NN_AVG_WEIGHTED] = divide(w_j, (double)true_all);
    res->avg_precision[NN_AVG_WEIGHTED] = divide(w_p, (double)true_all);
    res->avg_recall[NN_AVG_WEIGHTED] = divide(w_r, (double)true_all);
    res->avg_f1[NN_AVG_WEIGHTED] = divide(w_f, (double)true_all);
    return 0;
}

static const char *avg_names[NN_AVG_COUNT] = {"macro", "micro", "weighted"};

int nn_classify_report(const nn_classify_result *res, nn_report *r)
{
    int rc = 0;
    rc |= nn_report_add(r, "accuracy", NULL, res->accuracy);
    rc |= nn_report_add(r, "samples", NULL, (double)res->n);
    for (size_t i = 0; i < res->k && rc == 0; i++) {
        rc |= nn_report_add_label(r, "precision", res->labels[i], res->precision[i]);
        rc |= nn_report_add_label(r, "recall", res->labels[i], res->recall[i]);
        rc |= nn_report_add_label(r, "f1", res->labels[i], res->f1[i]);
        rc |= nn_report_add_label(r, "support", res->labels[i], (double)res->true_sum[i]);
    }
    int64_t support = 0;
    for (size_t i = 0; i < res->k; i++)
        support += res->true_sum[i];
    for (int a = 0; a < NN_AVG_COUNT && rc == 0; a++) {
        char name[32];
        snprintf(name, sizeof name, "precision_%s", avg_names[a]);
        rc |= nn_report_add(r, name, NULL, res->avg_precision[a]);
        snprintf(name, sizeof name, "recall_%s", avg_names[a]);
        rc |= nn_report_add(r, name, NULL, res->avg_recall[a]);
        snprintf(name, sizeof name, "f1_%s", avg_names[a]);
        rc |= nn_report_add(r, name, NULL, res->avg_f1[a]);
        snprintf(name, sizeof name, "support_%s", avg_names[a]);
        rc |= nn_report_add(r, name, NULL, (double)support);
    }
    for (size_t i = 0; i < res->k && rc == 0 && res->confusion; i++)
        for (size_t j = 0; j < res->k && rc == 0; j++) {
            char cell[40];
            snprintf(cell, sizeof cell, "%lld/%lld", (long long)res->labels[i], (long long)res->labels[j]);
            rc |= nn_report_add(r, "confusion", cell, (double)res->confusion[i * res->k + j]);
        }
    return rc ? -1 : 0;
}

int nn_segment_report(const nn_classify_result *res, nn_report *r)
{
    int rc = 0;
    rc |= nn_report_add(r, "pixel_accuracy", NULL, res->accuracy);
    rc |= nn_report_add(r, "pixels", NULL, (double)res->n);
    for (size_t i = 0; i < res->k && rc == 0; i++) {
        rc |= nn_report_add_label(r, "iou", res->labels[i], res->iou[i]);
        rc |= nn_report_add_label(r, "support", res->labels[i], (double)res->true_sum[i]);
    }
    for (int a = 0; a < NN_AVG_COUNT && rc == 0; a++) {
        char name[32];
        snprintf(name, sizeof name, "iou_%s", avg_names[a]);
        rc |= nn_report_add(r, name, NULL, res->avg_iou[a]);
    }
    return rc ? -1 : 0;
}
