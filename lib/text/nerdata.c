#include "text/nerdata.h"

#include "core/error.h"
#include "text/csv.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

static const char *const format_names[] = {"auto", "kaggle", "long", "conll"};

int nn_ner_format_parse(const char *name)
{
    for (int i = 0; i < 4; i++)
        if (strcmp(name, format_names[i]) == 0)
            return i;
    return -1;
}

const char *nn_ner_format_name(nn_ner_format f) { return (unsigned)f < 4 ? format_names[f] : "?"; }

static void note(nn_ner_stats *st, int64_t line, const char *what)
{
    st->malformed++;
    if (st->n_messages < NN_NER_MAX_MESSAGES)
        snprintf(st->messages[st->n_messages++], sizeof st->messages[0], "line %lld: %s", (long long)line, what);
}

static void note_error(nn_ner_stats *st)
{
    st->malformed++;
    if (st->n_messages < NN_NER_MAX_MESSAGES)
        snprintf(st->messages[st->n_messages++], sizeof st->messages[0], "%s", nn_last_error());
}

/* Fields fit in TSV output: no tab, CR or LF, not empty. */
static const char *bad_field(const char *s)
{
    if (!*s)
        return "empty";
    for (; *s; s++)
        if (*s == '\t' || *s == '\n' || *s == '\r')
            return "has a tab or line break";
    return NULL;
}

/* ---- CSV layouts ---------------------------------------------------- */

static int find_column(const nn_csv *c, const char *name)
{
    for (int i = 0; i < c->nfields; i++) {
        const char *f = nn_csv_field(c, i);
        /* tolerate a UTF-8 byte-order mark before the first name */
        if (i == 0 && strncmp(f, "\xEF\xBB\xBF", 3) == 0)
            f += 3;
        if (strcasecmp(f, name) == 0)
            return i;
    }
    return -1;
}

static int read_csv(const char *text, size_t n, nn_ner_format format, int64_t max_rows, nn_ner_token_fn fn,
                    void *ctx, nn_ner_stats *st)
{
    nn_csv c;
    nn_csv_init(&c, text, n);
    int rc = nn_csv_next(&c);
    while (rc == 1 && c.nfields == 1 && !*nn_csv_field(&c, 0))
        rc = nn_csv_next(&c); /* blank lines before the header */
    if (rc == 0) {
        nn_csv_free(&c);
        return nn_set_error("empty input: no header line");
    }
    if (rc < 0) {
        int64_t line = c.row_line;
        nn_csv_free(&c);
        return rc == -2 ? -1 : nn_set_error("line %lld: the header line is not valid CSV", (long long)line);
    }
    int ncols = c.nfields;
    int col_word, col_pos, col_tag, col_start;
    if (format == NN_NER_AUTO)
        format = find_column(&c, "prev-iob") >= 0 ? NN_NER_LONG : NN_NER_KAGGLE;
    st->format = format;
    const char *need[4];
    if (format == NN_NER_KAGGLE) {
        need[0] = "Word", need[1] = "POS", need[2] = "Tag", need[3] = "Sentence #";
    } else {
        need[0] = "word", need[1] = "pos", need[2] = "tag", need[3] = "prev-iob";
    }
    int cols[4];
    for (int i = 0; i < 4; i++) {
        cols[i] = find_column(&c, need[i]);
        if (cols[i] < 0) {
            nn_csv_free(&c);
            return nn_set_error("line 1: no column '%s' in the header (a %s file needs %s, %s, %s and %s)", need[i],
                                nn_ner_format_name(format), need[3], need[0], need[1], need[2]);
        }
    }
    col_word = cols[0], col_pos = cols[1], col_tag = cols[2], col_start = cols[3];
    int first = 1;
    while (max_rows <= 0 || st->rows < max_rows) {
        rc = nn_csv_next(&c);
        if (rc == 0)
            break;
        if (rc == -2) {
            nn_csv_free(&c);
            return -1;
        }
        if (rc < 0) {
            st->rows++;
            note_error(st);
            continue;
        }
        if (c.nfields == 1 && !*nn_csv_field(&c, 0))
            continue; /* a blank line (e.g. at the end) is not a row */
        st->rows++;
        if (c.nfields != ncols) {
            char what[96];
            snprintf(what, sizeof what, "%d fields, the header has %d", c.nfields, ncols);
            note(st, c.row_line, what);
            continue;
        }
        const char *word = nn_csv_field(&c, col_word), *pos = nn_csv_field(&c, col_pos),
                   *tag = nn_csv_field(&c, col_tag), *start = nn_csv_field(&c, col_start), *why;
        char what[96];
        if ((why = bad_field(word)) || (why = bad_field(pos)) || (why = bad_field(tag))) {
            snprintf(what, sizeof what, "a word, POS or tag field is %s", why);
            note(st, c.row_line, what);
            continue;
        }
        int new_sentence = format == NN_NER_KAGGLE ? *start != 0 : strcmp(start, "__START1__") == 0;
        if (first)
            new_sentence = 1; /* a file that starts mid-sentence */
        first = 0;
        if (fn(ctx, new_sentence, word, nn_csv_field_len(&c, col_word), pos, tag) < 0) {
            nn_csv_free(&c);
            return -1;
        }
    }
    nn_csv_free(&c);
    return 0;
}

/* ---- CoNLL ------------------------------------------------------------ */

#define CONLL_MAX_FIELDS 16

static int read_conll(const char *text, size_t n, int64_t max_rows, nn_ner_token_fn fn, void *ctx,
                      nn_ner_stats *st)
{
    st->format = NN_NER_CONLL;
    const char *p = text, *end = text + n;
    int64_t line = 0;
    int new_sentence = 1;
    char buf[4096];
    while (p < end && (max_rows <= 0 || st->rows < max_rows)) {
        const char *eol = memchr(p, '\n', (size_t)(end - p));
        if (!eol)
            eol = end;
        const char *q = p, *stop = eol;
        p = eol < end ? eol + 1 : end;
        line++;
        if (stop > q && stop[-1] == '\r')
            stop--;
        /* split on spaces and tabs */
        const char *fs[CONLL_MAX_FIELDS];
        size_t fl[CONLL_MAX_FIELDS];
        int nf = 0, too_many = 0;
        while (q < stop) {
            while (q < stop && (*q == ' ' || *q == '\t'))
                q++;
            if (q >= stop)
                break;
            const char *s = q;
            while (q < stop && *q != ' ' && *q != '\t')
                q++;
            if (nf == CONLL_MAX_FIELDS) {
                too_many = 1;
                break;
            }
            fs[nf] = s;
            fl[nf++] = (size_t)(q - s);
        }
        if (nf == 0) {
            new_sentence = 1;
            continue;
        }
        if (fl[0] == 10 && memcmp(fs[0], "-DOCSTART-", 10) == 0) {
            new_sentence = 1;
            continue;
        }
        st->rows++;
        if (nf < 3 || too_many) {
            note(st, line, too_many ? "too many fields" : "fewer than 3 fields (word, POS, ..., tag)");
            continue;
        }
        size_t need = fl[0] + fl[1] + fl[nf - 1] + 3;
        if (need > sizeof buf) {
            note(st, line, "line too long");
            continue;
        }
        char *word = buf, *pos = buf + fl[0] + 1, *tag = pos + fl[1] + 1;
        memcpy(word, fs[0], fl[0]);
        word[fl[0]] = 0;
        memcpy(pos, fs[1], fl[1]);
        pos[fl[1]] = 0;
        memcpy(tag, fs[nf - 1], fl[nf - 1]);
        tag[fl[nf - 1]] = 0;
        if (fn(ctx, new_sentence, word, fl[0], pos, tag) < 0)
            return -1;
        new_sentence = 0;
    }
    return 0;
}

/* CoNLL when the first non-blank line is -DOCSTART- or splits on
 * spaces/tabs into 3 or more fields and has no comma-separated header. */
static int looks_conll(const char *text, size_t n)
{
    const char *p = text, *end = text + n;
    while (p < end && (*p == '\n' || *p == '\r' || *p == ' ' || *p == '\t'))
        p++;
    if ((size_t)(end - p) >= 10 && memcmp(p, "-DOCSTART-", 10) == 0)
        return 1;
    const char *eol = memchr(p, '\n', (size_t)(end - p));
    if (!eol)
        eol = end;
    int spaces = 0, commas = 0;
    for (const char *q = p; q < eol; q++) {
        spaces += *q == ' ' || *q == '\t';
        commas += *q == ',';
    }
    return commas == 0 && spaces >= 2;
}

int nn_ner_read(const char *text, size_t n, nn_ner_format format, int64_t max_rows, nn_ner_token_fn fn, void *ctx,
                nn_ner_stats *st)
{
    memset(st, 0, sizeof *st);
    size_t i = 0;
    while (i < n && (text[i] == '\n' || text[i] == '\r' || text[i] == ' ' || text[i] == '\t'))
        i++;
    if (i == n)
        return nn_set_error("empty input");
    if (format == NN_NER_CONLL || (format == NN_NER_AUTO && looks_conll(text, n)))
        return read_conll(text, n, max_rows, fn, ctx, st);
    return read_csv(text, n, format, max_rows, fn, ctx, st);
}
