/* Transcript metrics: edit distances and error rates worked by hand. */
#include "check.h"
#include "ml/metrics.h"

#include <string.h>

static void test_edit_distance(void)
{
    CHECK(nn_edit_distance_words("one two three", "one three", 0) == 1);         /* a deletion */
    CHECK(nn_edit_distance_words("one three", "one two three", 0) == 1);         /* an insertion */
    CHECK(nn_edit_distance_words("one two three", "one four three", 0) == 1);    /* a substitution */
    CHECK(nn_edit_distance_words("one two", "two one", 0) == 2);
    CHECK(nn_edit_distance_words("", "one two", 0) == 2);
    CHECK(nn_edit_distance_words("one  two\t", " one two", 0) == 0);            /* whitespace runs */
    CHECK(nn_edit_distance_words("kitten", "sitting", 1) == 3);                  /* the classic */
    CHECK(nn_edit_distance_words("one two", "one", 1) == 4);                     /* " two" */
    CHECK(nn_edit_distance_words("\xc3\xa9t\xc3\xa9", "ete", 1) == 2);          /* UTF-8 characters */
}

static void test_rates(void)
{
    const char *t1[1] = {"one two three"}, *p1[1] = {"one three"};
    nn_sequence_result r;
    CHECK(nn_sequence_scores(t1, p1, 1, &r) == 0);
    CHECK_NEAR(r.wer, 1.0 / 3.0, 1e-12);
    CHECK(r.ref_chars == 13 && r.char_errors == 4);
    CHECK_NEAR(r.cer, 4.0 / 13.0, 1e-12);
    CHECK(r.seq_accuracy == 0);
    /* corpus level: (1 + 0 + 2) errors over (3 + 1 + 2) words */
    const char *t[3] = {"one two three", "five", "six seven"}, *p[3] = {"one three", "five", "seven six"};
    CHECK(nn_sequence_scores(t, p, 3, &r) == 0);
    CHECK(r.word_errors == 3 && r.ref_words == 6);
    CHECK_NEAR(r.wer, 0.5, 1e-12);
    CHECK_NEAR(r.seq_accuracy, 1.0 / 3.0, 1e-12);
    nn_report rep;
    nn_report_init(&rep);
    CHECK(nn_sequence_report(&r, &rep) == 0);
    CHECK_NEAR(nn_report_get(&rep, "wer", NULL), 0.5, 1e-12);
    CHECK_NEAR(nn_report_get(&rep, "sequence_accuracy", NULL), 1.0 / 3.0, 1e-12);
    nn_report_free(&rep);
    CHECK(nn_sequence_scores(t, p, 0, &r) < 0);
}

int main(void)
{
    RUN(test_edit_distance);
    RUN(test_rates);
    return check_summary();
}
