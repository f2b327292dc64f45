/* CSV reader (nn_csv) and the NER corpus readers (nn_ner_read).  The
 * first byte picks the target: 0-1 the CSV reader with ',' or ';' as
 * separator, 2-5 nn_ner_read with format auto/kaggle/long/conll (odd
 * bytes above also set a small max_rows).  The rest is the text. */
#include "fuzz.h"
#include "text/csv.h"
#include "text/nerdata.h"

#include <string.h>

static int on_token(void *ctx, int new_sentence, const char *word, size_t word_len, const char *pos,
                    const char *tag)
{
    int64_t *n = ctx;
    (void)new_sentence;
    FUZZ_ASSERT(word[word_len] == '\0' && word_len > 0);
    /* strlen walks the whole strings, so ASan checks them.  (A CoNLL field
     * that starts with a NUL byte reaches here as an empty POS or tag: a
     * known gap, see fuzz/README.md.) */
    volatile size_t n_pos = strlen(pos), n_tag = strlen(tag);
    (void)n_pos;
    (void)n_tag;
    ++*n;
    return 0;
}

static void fuzz_csv_reader(const char *text, size_t len, char sep)
{
    nn_csv c;
    nn_csv_init(&c, text, len);
    c.sep = sep;
    int64_t rows = 0, prev_line = 0;
    int rc;
    while ((rc = nn_csv_next(&c)) != 0 && rc != -2) {
        FUZZ_ASSERT(c.row_line > prev_line); /* progress: no endless loop */
        prev_line = c.row_line;
        if (rc < 0) {
            FUZZ_CHECK_ERROR();
            continue;
        }
        FUZZ_ASSERT(c.nfields >= 1);
        for (int i = 0; i < c.nfields; i++) {
            const char *f = nn_csv_field(&c, i);
            size_t fl = nn_csv_field_len(&c, i);
            FUZZ_ASSERT(fl <= len && f[fl] == '\0');
        }
        rows++;
    }
    FUZZ_ASSERT(rows <= (int64_t)len + 1);
    nn_csv_free(&c);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_setup();
    if (size < 1)
        return 0;
    int mode = data[0] % 6;
    const char *text = (const char *)data + 1;
    size_t len = size - 1;
    if (mode < 2) {
        fuzz_csv_reader(text, len, mode == 0 ? ',' : ';');
        return 0;
    }
    nn_ner_format f = (nn_ner_format)(mode - 2);
    int64_t max_rows = (data[0] / 6) & 1 ? 1 + data[0] / 12 : 0;
    int64_t tokens = 0;
    nn_ner_stats st;
    memset(&st, 0, sizeof st);
    if (nn_ner_read(text, len, f, max_rows, on_token, &tokens, &st) < 0) {
        FUZZ_CHECK_ERROR();
        return 0;
    }
    FUZZ_ASSERT(st.format != NN_NER_AUTO);
    FUZZ_ASSERT(st.malformed <= st.rows && tokens <= st.rows);
    FUZZ_ASSERT(max_rows == 0 || st.rows <= max_rows);
    FUZZ_ASSERT(st.n_messages >= 0 && st.n_messages <= NN_NER_MAX_MESSAGES);
    for (int i = 0; i < st.n_messages; i++)
        FUZZ_ASSERT(memchr(st.messages[i], 0, sizeof st.messages[i]) != NULL);
    return 0;
}
