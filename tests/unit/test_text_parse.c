/* Text input: cp1252 transcoding, UTF-8 helpers, the RFC 4180 reader,
 * the NER corpus readers, lower case and the Porter stemmer. */
#include "check.h"

#include "core/error.h"
#include "text/csv.h"
#include "text/encoding.h"
#include "text/nerdata.h"
#include "text/normalize.h"
#include "text/textcolumn.h"

#include <stdlib.h>
#include <string.h>

static void test_cp1252(void)
{
    const uint8_t in[] = {'a', 0x85, 0x93, 'b', 0x94, 0xA0, 0xE9, 0x80, 0x9F};
    char *out;
    size_t len, bad = 99;
    CHECK(nn_cp1252_to_utf8(in, sizeof in, 0, &out, &len, &bad) == 0);
    const char *want = "a\xE2\x80\xA6\xE2\x80\x9C" "b\xE2\x80\x9D\xC2\xA0\xC3\xA9\xE2\x82\xAC\xC5\xB8";
    CHECK(len == strlen(want) && memcmp(out, want, len) == 0);
    CHECK(bad == 0);
    free(out);
    const uint8_t undef[] = {'x', 0x81, 'y', 0x9D};
    CHECK(nn_cp1252_to_utf8(undef, sizeof undef, 0, &out, &len, &bad) == -1);
    CHECK(strstr(nn_last_error(), "0x81") != NULL);
    CHECK(nn_cp1252_to_utf8(undef, sizeof undef, 1, &out, &len, &bad) == 0);
    CHECK(bad == 2 && strcmp(out, "x\xEF\xBF\xBDy\xEF\xBF\xBD") == 0);
    free(out);
    /* every defined byte maps to a code point that round-trips */
    for (int b = 0; b < 256; b++) {
        int32_t cp = nn_cp1252_codepoint((uint8_t)b);
        if (cp < 0)
            continue;
        char buf[4];
        uint32_t back;
        int n = nn_utf8_put((uint32_t)cp, buf);
        CHECK(n > 0 && nn_utf8_get((const uint8_t *)buf, (size_t)n, &back) == n && back == (uint32_t)cp);
    }
}

static void test_utf8(void)
{
    uint32_t cp;
    CHECK(nn_utf8_get((const uint8_t *)"\xC0\xAF", 2, &cp) == 0);         /* overlong */
    CHECK(nn_utf8_get((const uint8_t *)"\xED\xA0\x80", 3, &cp) == 0);     /* surrogate */
    CHECK(nn_utf8_get((const uint8_t *)"\xF4\x90\x80\x80", 4, &cp) == 0); /* > U+10FFFF */
    CHECK(nn_utf8_get((const uint8_t *)"\xE2\x82", 2, &cp) == 0);         /* truncated */
    CHECK(nn_utf8_get((const uint8_t *)"\xF0\x9F\x98\x80", 4, &cp) == 4 && cp == 0x1F600);
    const char *s = "ok \xC3\xA9 then \xFF";
    CHECK(nn_utf8_check((const uint8_t *)s, strlen(s)) == strlen(s) - 1);
}

static void test_csv(void)
{
    const char *text = "a,b,c\r\n\"x,1\",\"say \"\"hi\"\"\",\r\n\"multi\nline\",2,3\nbad\"q,1,2\r\nlast,\"\",z";
    nn_csv c;
    nn_csv_init(&c, text, strlen(text));
    CHECK(nn_csv_next(&c) == 1 && c.nfields == 3 && strcmp(nn_csv_field(&c, 2), "c") == 0);
    CHECK(nn_csv_next(&c) == 1 && c.nfields == 3);
    CHECK(strcmp(nn_csv_field(&c, 0), "x,1") == 0 && strcmp(nn_csv_field(&c, 1), "say \"hi\"") == 0);
    CHECK(strcmp(nn_csv_field(&c, 2), "") == 0 && nn_csv_field_len(&c, 1) == 8);
    CHECK(nn_csv_next(&c) == 1 && strcmp(nn_csv_field(&c, 0), "multi\nline") == 0 && c.row_line == 3);
    CHECK(nn_csv_next(&c) == -1 && strstr(nn_last_error(), "line 5") != NULL);
    CHECK(nn_csv_next(&c) == 1 && c.nfields == 3 && strcmp(nn_csv_field(&c, 2), "z") == 0 && c.row_line == 6);
    CHECK(nn_csv_next(&c) == 0);
    nn_csv_free(&c);
    /* an unclosed quote costs one line, not the rest of the file */
    const char *t2 = "\"open,1\nnext,2\n";
    nn_csv_init(&c, t2, strlen(t2));
    CHECK(nn_csv_next(&c) == -1);
    CHECK(nn_csv_next(&c) == 1 && strcmp(nn_csv_field(&c, 0), "next") == 0);
    nn_csv_free(&c);
}

typedef struct {
    int tokens, sentences;
    char last_word[64], last_tag[16];
} collect;

static int on_token(void *ctx, int new_sentence, const char *word, size_t len, const char *pos, const char *tag)
{
    (void)pos;
    collect *c = ctx;
    c->tokens++;
    c->sentences += new_sentence;
    snprintf(c->last_word, sizeof c->last_word, "%.*s", (int)len, word);
    snprintf(c->last_tag, sizeof c->last_tag, "%s", tag);
    return 0;
}

static void test_ner_readers(void)
{
    collect c = {0};
    nn_ner_stats st;
    const char *kaggle = "Sentence #,Word,POS,Tag\r\nSentence: 1,A,DT,O\r\n,\",\",\",\",O\r\n"
                         "Sentence: 2,b\"ad,NN,O\r\n,Rome,NNP,B-geo\r\n";
    CHECK(nn_ner_read(kaggle, strlen(kaggle), NN_NER_AUTO, 0, on_token, &c, &st) == 0);
    CHECK(st.format == NN_NER_KAGGLE && c.tokens == 3 && st.malformed == 1 && st.rows == 4);
    /* the row that would start sentence 2 is malformed: Rome continues sentence 1 */
    CHECK(c.sentences == 1 && strcmp(c.last_word, "Rome") == 0);
    memset(&c, 0, sizeof c);
    CHECK(nn_ner_read(kaggle, strlen(kaggle), NN_NER_AUTO, 2, on_token, &c, &st) == 0 && c.tokens == 2);
    const char *conll = "-DOCSTART- -X- -X- O\n\nEU NNP B-NP B-ORG\nrejects VBZ B-VP O\n\nPeter NNP B-NP B-PER\n";
    memset(&c, 0, sizeof c);
    CHECK(nn_ner_read(conll, strlen(conll), NN_NER_AUTO, 0, on_token, &c, &st) == 0);
    CHECK(st.format == NN_NER_CONLL && c.tokens == 3 && c.sentences == 2 && strcmp(c.last_tag, "B-PER") == 0);
    const char *missing = "Sentence #,Word,Tag\nSentence: 1,a,O\n";
    CHECK(nn_ner_read(missing, strlen(missing), NN_NER_AUTO, 0, on_token, &c, &st) == -1);
    CHECK(strstr(nn_last_error(), "POS") != NULL);
    CHECK(nn_ner_read("\r\n", 2, NN_NER_AUTO, 0, on_token, &c, &st) == -1);
}

static void check_norm(nn_norm_mode m, const char *in, const char *want)
{
    char out[64];
    int n = nn_normalize(m, in, strlen(in), out, sizeof out);
    CHECK(n >= 0 && strcmp(out, want) == 0);
    if (n < 0 || strcmp(out, want) != 0)
        printf("    normalize '%s' -> '%s', want '%s'\n", in, n >= 0 ? out : "(error)", want);
}

static void test_normalize(void)
{
    check_norm(NN_NORM_LOWER, "ÉCOLE Ÿ ĀB", "école ÿ āb");
    check_norm(NN_NORM_LOWER, "×", "×");
    check_norm(NN_NORM_NONE, "MiXeD", "MiXeD");
    /* Examples from Porter (1980). */
    static const char *pairs[][2] = {
        {"caresses", "caress"}, {"ponies", "poni"},        {"ties", "ti"},         {"caress", "caress"},
        {"cats", "cat"},        {"feed", "feed"},          {"agreed", "agre"},     {"plastered", "plaster"},
        {"bled", "bled"},       {"motoring", "motor"},     {"sing", "sing"},       {"conflated", "conflat"},
        {"troubled", "troubl"}, {"sized", "size"},         {"hopping", "hop"},     {"tanned", "tan"},
        {"falling", "fall"},    {"hissing", "hiss"},       {"fizzed", "fizz"},     {"failing", "fail"},
        {"filing", "file"},     {"happy", "happi"},        {"sky", "sky"},         {"relational", "relat"},
        {"conditional", "condit"}, {"valenci", "valenc"},  {"digitizer", "digit"}, {"vietnamization", "vietnam"},
        {"predication", "predic"}, {"operator", "oper"},   {"feudalism", "feudal"}, {"decisiveness", "decis"},
        {"hopefulness", "hope"}, {"callousness", "callous"}, {"formaliti", "formal"}, {"sensitiviti", "sensit"},
        {"triplicate", "triplic"}, {"formative", "form"},  {"formalize", "formal"}, {"electriciti", "electr"},
        {"electrical", "electr"}, {"hopeful", "hope"},     {"goodness", "good"},   {"revival", "reviv"},
        {"allowance", "allow"}, {"inference", "infer"},    {"airliner", "airlin"}, {"adjustable", "adjust"},
        {"defensible", "defens"}, {"irritant", "irrit"},   {"replacement", "replac"}, {"adjustment", "adjust"},
        {"dependent", "depend"}, {"adoption", "adopt"},    {"homologou", "homolog"}, {"communism", "commun"},
        {"activate", "activ"},  {"angulariti", "angular"}, {"homologous", "homolog"}, {"effective", "effect"},
        {"bowdlerize", "bowdler"}, {"probate", "probat"},  {"rate", "rate"},       {"cease", "ceas"},
        {"controll", "control"}, {"roll", "roll"},         {"generalizations", "gener"}, {"oscillators", "oscil"},
    };
    for (size_t i = 0; i < sizeof pairs / sizeof *pairs; i++)
        check_norm(NN_NORM_STEM, pairs[i][0], pairs[i][1]);
    check_norm(NN_NORM_STEM, "Running", "run");
    check_norm(NN_NORM_STEM, "10,000", "10,000"); /* not a word: only lower-cased */
    check_norm(NN_NORM_STEM, "Cafés", "cafés");
}

static void test_text_column(void)
{
    char text[] = "path\ttext\r\na.wav\tone two\textra\n\nb.wav\tthree\n";
    char **rows;
    size_t n;
    /* header skipped, CRLF and an empty line, a third column cut off */
    CHECK(nn_text_column(text, strlen(text), 2, "text", &rows, &n) == 0);
    CHECK(n == 2 && strcmp(rows[0], "one two") == 0 && strcmp(rows[1], "three") == 0);
    free(rows);
    char text2[] = "text\nfour";
    CHECK(nn_text_column(text2, strlen(text2), 1, NULL, &rows, &n) == 0);
    CHECK(n == 2 && strcmp(rows[0], "text") == 0 && strcmp(rows[1], "four") == 0);
    free(rows);
    char text3[] = "a\tb\nc\n";
    CHECK(nn_text_column(text3, strlen(text3), 2, NULL, &rows, &n) < 0);
    CHECK(strstr(nn_last_error(), "line 2: no column 2") != NULL);
    char text4[] = "a\0b";
    CHECK(nn_text_column(text4, 3, 1, NULL, &rows, &n) < 0);
}

int main(void)
{
    RUN(test_cp1252);
    RUN(test_utf8);
    RUN(test_csv);
    RUN(test_ner_readers);
    RUN(test_normalize);
    RUN(test_text_column);
    return check_summary();
}
