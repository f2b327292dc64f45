/* Readers of token-per-row NER corpora, over UTF-8 text in memory:
 *
 *   kaggle  ner_dataset.csv: header "Sentence #,Word,POS,Tag"; a
 *           non-empty "Sentence #" starts a sentence.
 *   long    ner.csv (lemma, word, pos, tag, prev-iob, ... by name in
 *           the header); a sentence starts where prev-iob is __START1__.
 *   conll   CoNLL-2003: "word POS chunk TAG" separated by spaces or tabs,
 *           a blank line between sentences, -DOCSTART- lines skipped.
 *
 * CSV columns are found by name (case-insensitive), so extra or
 * reordered columns are fine; a missing one is an error.  Rows that
 * cannot be used (broken quoting, a wrong number of fields, an empty
 * word, POS or tag, a tab or line break inside a field) are skipped and
 * counted, with the first few messages kept for the caller to show. */
#ifndef NN_TEXT_NERDATA_H
#define NN_TEXT_NERDATA_H

#include <stddef.h>
#include <stdint.h>

typedef enum { NN_NER_AUTO, NN_NER_KAGGLE, NN_NER_LONG, NN_NER_CONLL } nn_ner_format;

/* "auto", "kaggle", "long", "conll"; -1 if unknown. */
int nn_ner_format_parse(const char *name);
const char *nn_ner_format_name(nn_ner_format f);

#define NN_NER_MAX_MESSAGES 5

typedef struct {
    nn_ner_format format;  /* the one used (after auto) */
    int64_t rows;          /* data rows read (token rows and malformed ones) */
    int64_t malformed;     /* rows skipped */
    int n_messages;
    char messages[NN_NER_MAX_MESSAGES][160]; /* "line N: what" */
} nn_ner_stats;

/* Called for every token; new_sentence is 1 on a sentence's first token.
 * Strings are NUL-terminated and valid during the call only.  Return 0 to
 * go on, -1 to stop (nn_ner_read then returns -1, keeping the message). */
typedef int (*nn_ner_token_fn)(void *ctx, int new_sentence, const char *word, size_t word_len, const char *pos,
                               const char *tag);

/* Read text[0, n).  max_rows > 0 stops after that many data rows.
 * Errors (-1): empty input, a header without the needed columns, or the
 * callback's error. */
int nn_ner_read(const char *text, size_t n, nn_ner_format format, int64_t max_rows, nn_ner_token_fn fn, void *ctx,
                nn_ner_stats *st);

#endif
