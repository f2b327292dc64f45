/* Entity-level precision/recall/F1 of IOB2 tag sequences, as conlleval
 * counts them (see metrics.h). */
#include "core/error.h"
#include "core/mem.h"
#include "ml/metrics.h"

#include <stdlib.h>
#include <string.h>

typedef struct {
    char prefix; /* 'B', 'I' or 'O' (outside: O, <PAD>, anything else) */
    int type;    /* index into res->types, -1 outside */
} tag_info;

typedef struct {
    int64_t start, end; /* [start, end) */
    int type;
} span;

static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

/* chunks of one row, conlleval's start/end rules */
static int64_t spans_of(const int64_t *y, int64_t len, const tag_info *info, span *out)
{
    int64_t k = 0;
    char prev = 'O';
    int prev_type = -1;
    for (int64_t i = 0; i <= len; i++) {
        char p = i < len ? info[y[i]].prefix : 'O';
        int ty = i < len ? info[y[i]].type : -1;
        int end = prev != 'O' && (p == 'O' || p == 'B' || ty != prev_type);
        int start = p == 'B' || (p == 'I' && (prev == 'O' || ty != prev_type));
        if (end)
            out[k - 1].end = i;
        if (start) {
            out[k].start = i;
            out[k].type = ty;
            k++;
        }
        prev = p;
        prev_type = ty;
    }
    return k;
}

int nn_entity_scores(const int64_t *y_true, const int64_t *y_pred, int64_t n, int64_t t, const int64_t *lengths,
                     int64_t pad_id, const char *const *tags, int64_t ntags, nn_entity_result *res)
{
    memset(res, 0, sizeof *res);
    /* entity types: the names after "B-" / "I-", sorted */
    const char *names[NN_ENTITY_MAX_TYPES];
    int nt = 0;
    for (int64_t i = 0; i < ntags; i++) {
        const char *s = tags[i];
        if ((s[0] != 'B' && s[0] != 'I') || s[1] != '-' || !s[2])
            continue;
        int found = 0;
        for (int j = 0; j < nt && !found; j++)
            found = !strcmp(names[j], s + 2);
        if (found)
            continue;
        if (nt == NN_ENTITY_MAX_TYPES || strlen(s + 2) >= sizeof res->types[0])
            return nn_set_error("too many entity types or a type name too long (\"%s\")", s);
        names[nt++] = s + 2;
    }
    qsort(names, (size_t)nt, sizeof *names, cmp_str);
    res->ntypes = nt;
    for (int j = 0; j < nt; j++)
        snprintf(res->types[j], sizeof res->types[j], "%s", names[j]);
    tag_info *info = nn_alloc((size_t)ntags, sizeof *info);
    span *st = nn_alloc((size_t)t + 1, sizeof *st), *sp = nn_alloc((size_t)t + 1, sizeof *sp);
    if (!info || !st || !sp) {
        free(info), free(st), free(sp);
        return -1;
    }
    for (int64_t i = 0; i < ntags; i++) {
        const char *s = tags[i];
        info[i].prefix = 'O';
        info[i].type = -1;
        if ((s[0] == 'B' || s[0] == 'I') && s[1] == '-' && s[2])
            for (int j = 0; j < nt; j++)
                if (!strcmp(res->types[j], s + 2)) {
                    info[i].prefix = s[0];
                    info[i].type = j;
                }
    }
    int rc = 0;
    for (int64_t r = 0; r < n && rc == 0; r++) {
        const int64_t *yt = y_true + r * t, *yp = y_pred + r * t;
        int64_t len = t;
        if (lengths) {
            if (lengths[r] < 0 || lengths[r] > t) {
                rc = nn_set_error("length %lld of row %lld is outside [0, %lld]", (long long)lengths[r],
                                  (long long)r, (long long)t);
                break;
            }
            len = lengths[r];
        } else if (pad_id >= 0) { /* up to the first padding step */
            len = 0;
            while (len < t && yt[len] != pad_id)
                len++;
        }
        for (int64_t i = 0; i < len; i++)
            if (yt[i] < 0 || yt[i] >= ntags || yp[i] < 0 || yp[i] >= ntags) {
                rc = nn_set_error("row %lld, step %lld: tag id %lld outside the %lld tags", (long long)r,
                                  (long long)i, (long long)(yt[i] < 0 || yt[i] >= ntags ? yt[i] : yp[i]),
                                  (long long)ntags);
                break;
            }
        if (rc)
            break;
        res->tokens += len;
        int64_t a = spans_of(yt, len, info, st), b = spans_of(yp, len, info, sp);
        for (int64_t i = 0; i < a; i++)
            res->n_true[st[i].type]++;
        for (int64_t i = 0; i < b; i++)
            res->n_pred[sp[i].type]++;
        /* both lists are ordered by start and do not overlap */
        for (int64_t i = 0, j = 0; i < a && j < b;) {
            if (st[i].start == sp[j].start) {
                if (st[i].end == sp[j].end && st[i].type == sp[j].type)
                    res->tp[st[i].type]++;
                i++, j++;
            } else if (st[i].start < sp[j].start) {
                i++;
            } else {
                j++;
            }
        }
    }
    free(info), free(st), free(sp);
    if (rc)
        return rc;
    for (int j = 0; j < nt; j++) {
        res->tp_all += res->tp[j];
        res->pred_all += res->n_pred[j];
        res->true_all += res->n_true[j];
        res->precision[j] = res->n_pred[j] ? (double)res->tp[j] / (double)res->n_pred[j] : 0;
        res->recall[j] = res->n_true[j] ? (double)res->tp[j] / (double)res->n_true[j] : 0;
        double s = res->precision[j] + res->recall[j];
        res->f1[j] = s > 0 ? 2 * res->precision[j] * res->recall[j] / s : 0;
    }
    res->precision_micro = res->pred_all ? (double)res->tp_all / (double)res->pred_all : 0;
    res->recall_micro = res->true_all ? (double)res->tp_all / (double)res->true_all : 0;
    double s = res->precision_micro + res->recall_micro;
    res->f1_micro = s > 0 ? 2 * res->precision_micro * res->recall_micro / s : 0;
    return 0;
}

int nn_entity_report(const nn_entity_result *res, nn_report *r)
{
    int rc = 0;
    rc |= nn_report_add(r, "tokens", NULL, (double)res->tokens);
    for (int j = 0; j < res->ntypes && rc == 0; j++) {
        rc |= nn_report_add(r, "entity_precision", res->types[j], res->precision[j]);
        rc |= nn_report_add(r, "entity_recall", res->types[j], res->recall[j]);
        rc |= nn_report_add(r, "entity_f1", res->types[j], res->f1[j]);
        rc |= nn_report_add(r, "entity_support", res->types[j], (double)res->n_true[j]);
        rc |= nn_report_add(r, "entity_predicted", res->types[j], (double)res->n_pred[j]);
    }
    rc |= nn_report_add(r, "entity_precision_micro", NULL, res->precision_micro);
    rc |= nn_report_add(r, "entity_recall_micro", NULL, res->recall_micro);
    rc |= nn_report_add(r, "entity_f1_micro", NULL, res->f1_micro);
    rc |= nn_report_add(r, "entity_support_micro", NULL, (double)res->true_all);
    rc |= nn_report_add(r, "entity_predicted_micro", NULL, (double)res->pred_all);
    return rc ? -1 : 0;
}
