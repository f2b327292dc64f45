/* Transcript metrics: word and character error rates and whole-sequence
 * accuracy, from Levenshtein distances (substitution, insertion and
 * deletion each cost 1), summed over the corpus before dividing (as
 * jiwer and most ASR papers do: long references weigh more). */
#include "ml/metrics.h"

#include "core/error.h"
#include "core/mem.h"

#include <stdlib.h>
#include <string.h>

typedef struct {
    const char *s;
    size_t n;
} span;

static int is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

/* words of text into w (cap >= strlen / 2 + 1) */
static int64_t split_words(const char *t, span *w)
{
    int64_t k = 0;
    while (*t) {
        while (is_space(*t))
            t++;
        if (!*t)
            break;
        const char *b = t;
        while (*t && !is_space(*t))
            t++;
        w[k++] = (span){b, (size_t)(t - b)};
    }
    return k;
}

/* characters (UTF-8 sequences) of the words joined by single spaces */
static int64_t split_chars(const span *w, int64_t nw, span *c)
{
    int64_t k = 0;
    for (int64_t i = 0; i < nw; i++) {
        if (i > 0)
            c[k++] = (span){" ", 1};
        for (size_t j = 0; j < w[i].n;) {
            size_t l = 1;
            while (j + l < w[i].n && ((unsigned char)w[i].s[j + l] & 0xC0) == 0x80)
                l++;
            c[k++] = (span){w[i].s + j, l};
            j += l;
        }
    }
    return k;
}

static int same(span a, span b) { return a.n == b.n && memcmp(a.s, b.s, a.n) == 0; }

/* Levenshtein distance with one row of b's length + 1 */
static int64_t distance(const span *a, int64_t na, const span *b, int64_t nb, int64_t *row)
{
    for (int64_t j = 0; j <= nb; j++)
        row[j] = j;
    for (int64_t i = 1; i <= na; i++) {
        int64_t diag = row[0];
        row[0] = i;
        for (int64_t j = 1; j <= nb; j++) {
            int64_t up = row[j];
            int64_t best = diag + !same(a[i - 1], b[j - 1]);
            if (up + 1 < best)
                best = up + 1;
            if (row[j - 1] + 1 < best)
                best = row[j - 1] + 1;
            row[j] = best;
            diag = up;
        }
    }
    return row[nb];
}

int64_t nn_edit_distance_words(const char *a, const char *b, int chars)
{
    size_t la = strlen(a), lb = strlen(b);
    span *wa = nn_alloc(la + 1, sizeof(span)), *wb = nn_alloc(lb + 1, sizeof(span));
    span *ca = nn_alloc(la + 1, sizeof(span)), *cb = nn_alloc(lb + 1, sizeof(span));
    int64_t *row = nn_alloc(lb + 2, sizeof(int64_t)), d = -1;
    if (wa && wb && ca && cb && row) {
        int64_t na = split_words(a, wa), nb = split_words(b, wb);
        if (chars) {
            int64_t ka = split_chars(wa, na, ca), kb = split_chars(wb, nb, cb);
            d = distance(ca, ka, cb, kb, row);
        } else {
            d = distance(wa, na, wb, nb, row);
        }
    }
    free(wa), free(wb), free(ca), free(cb), free(row);
    return d;
}

int nn_sequence_scores(const char *const *truth, const char *const *pred, int64_t n, nn_sequence_result *res)
{
    memset(res, 0, sizeof *res);
    if (n < 1)
        return nn_set_error("no sequences to score");
    for (int64_t i = 0; i < n; i++) {
        size_t lt = strlen(truth[i]);
        span *w = nn_alloc(lt + 1, sizeof(span)), *c = nn_alloc(lt + 1, sizeof(span));
        if (!w || !c) {
            free(w), free(c);
            return -1;
        }
        int64_t nw = split_words(truth[i], w), nc = split_chars(w, nw, c);
        free(w), free(c);
        int64_t dw = nn_edit_distance_words(truth[i], pred[i], 0), dc = nn_edit_distance_words(truth[i], pred[i], 1);
        if (dw < 0 || dc < 0)
            return -1;
        res->ref_words += nw;
        res->ref_chars += nc;
        res->word_errors += dw;
        res->char_errors += dc;
        res->exact += dw == 0;
    }
    res->n = n;
    /* an empty reference with errors has no finite rate: report the count */
    res->wer = res->ref_words ? (double)res->word_errors / (double)res->ref_words : (double)res->word_errors;
    res->cer = res->ref_chars ? (double)res->char_errors / (double)res->ref_chars : (double)res->char_errors;
    res->seq_accuracy = (double)res->exact / (double)n;
    return 0;
}

int nn_sequence_report(const nn_sequence_result *res, nn_report *r)
{
    if (nn_report_add(r, "wer", NULL, res->wer) < 0 || nn_report_add(r, "cer", NULL, res->cer) < 0 ||
        nn_report_add(r, "sequence_accuracy", NULL, res->seq_accuracy) < 0 ||
        nn_report_add(r, "word_errors", NULL, (double)res->word_errors) < 0 ||
        nn_report_add(r, "ref_words", NULL, (double)res->ref_words) < 0 ||
        nn_report_add(r, "char_errors", NULL, (double)res->char_errors) < 0 ||
        nn_report_add(r, "ref_chars", NULL, (double)res->ref_chars) < 0 ||
        nn_report_add(r, "sequences", NULL, (double)res->n) < 0)
        return -1;
    return 0;
}
