/* tokenize: NER corpus (Kaggle CSV, ner.csv, CoNLL; .gz too) to one
 * token a line "word TAB norm TAB pos TAB tag", a blank line between
 * sentences, or with --sentences one sentence a line of normalized forms
 * (the input of word2vec). */
#include "core/cli.h"
#include "core/file.h"
#include "io/gzip.h"
#include "text/encoding.h"
#include "text/nerdata.h"
#include "text/normalize.h"
#include "text/strmap.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *format = "auto", *encoding = "auto", *invalid = "error", *normalize = "lower", *output = "-";
static int sentences_only = 0;
static int64_t max_rows = 0;

static const nn_option options[] = {
    {"format", 'f', NN_OPT_CHOICE, &format, "F", "input layout; auto looks at the first line", "auto|kaggle|long|conll"},
    {"encoding", 'e', NN_OPT_CHOICE, &encoding, "E", "input encoding; auto: UTF-8 if valid, else cp1252",
     "auto|cp1252|utf-8"},
    {"invalid", 0, NN_OPT_CHOICE, &invalid, "WHAT",
     "bytes with no meaning in the encoding: an error, or U+FFFD (counted)", "error|replace"},
    {"normalize", 'n', NN_OPT_CHOICE, &normalize, "MODE", "the normalized form: as is, lower case, Porter stem",
     "none|lower|stem"},
    {"sentences", 's', NN_OPT_FLAG, &sentences_only, NULL,
     "write one sentence a line of normalized forms (spaces inside a token become _)", NULL},
    {"max-rows", 0, NN_OPT_INT64, &max_rows, "N", "stop after N data rows (0: all)", NULL},
    {"output", 'o', NN_OPT_STRING, &output, "FILE", "where to write", NULL},
    {"quiet", 'q', NN_OPT_FLAG, &nn_quiet, NULL, "no summary on stderr", NULL},
    {0}};

static const nn_cli cli = {
    "tokenize", "[options] INPUT",
    "Read a token-per-row NER corpus and write tokens.tsv: one token a line\n"
    "(word, normalized form, POS, tag; TAB separated; UTF-8) with a blank line\n"
    "after every sentence, or with --sentences one sentence a line.\n"
    "Layouts: kaggle (ner_dataset.csv: Sentence #, Word, POS, Tag), long (ner.csv:\n"
    "word, pos, tag, prev-iob; a sentence starts at prev-iob __START1__), conll\n"
    "(CoNLL-2003: word POS chunk tag, blank lines between sentences). CSV follows\n"
    "RFC 4180 quoting; .gz input is read directly. Malformed rows are skipped and\n"
    "counted; a summary (sentences, tokens, tags, longest sentence, malformed rows)\n"
    "goes to stderr.",
    options, 1, 1};

typedef struct {
    FILE *out;
    nn_norm_mode mode;
    int sentences_only;
    int64_t sentences, tokens, cur_len, longest, non_ascii;
    nn_strmap tags, pos, words;
    char *norm;
    size_t norm_cap;
} state;

static int on_token(void *ctx, int new_sentence, const char *word, size_t len, const char *pos, const char *tag)
{
    state *s = ctx;
    if (new_sentence || s->sentences == 0) {
        if (s->sentences > 0)
            fputc('\n', s->out);
        s->sentences++;
        s->cur_len = 0;
    }
    if (len + 5 > s->norm_cap) {
        size_t cap = (len + 5) * 2;
        char *nb = realloc(s->norm, cap);
        if (!nb)
            return nn_set_error("out of memory");
        s->norm = nb;
        s->norm_cap = cap;
    }
    int nlen = nn_normalize(s->mode, word, len, s->norm, s->norm_cap);
    if (nlen < 0)
        return nn_set_error("normalizing a token failed");
    s->tokens++;
    if (++s->cur_len > s->longest)
        s->longest = s->cur_len;
    for (size_t i = 0; i < len; i++)
        if ((unsigned char)word[i] >= 0x80) {
            s->non_ascii++;
            break;
        }
    if (nn_strmap_add(&s->tags, tag, strlen(tag)) < 0 || nn_strmap_add(&s->pos, pos, strlen(pos)) < 0 ||
        nn_strmap_add(&s->words, word, len) < 0)
        return -1;
    if (s->sentences_only) {
        for (int i = 0; i < nlen; i++)
            if (s->norm[i] == ' ')
                s->norm[i] = '_';
        if (s->cur_len > 1)
            fputc(' ', s->out);
        fwrite(s->norm, 1, (size_t)nlen, s->out);
    } else {
        fprintf(s->out, "%s\t%s\t%s\t%s\n", word, s->norm, pos, tag);
    }
    return 0;
}

int main(int argc, char **argv)
{
    char **args;
    nn_cli_parse(&cli, argc, argv, &args);
    const char *path = args[0];
    if (max_rows < 0)
        nn_usage("--max-rows takes 0 (all) or more");

    uint8_t *raw;
    size_t raw_len;
    if (nn_read_all_maybe_gz(path, &raw, &raw_len) < 0)
        nn_die_lib(path);
    char *text;
    size_t text_len, replaced = 0;
    const char *used = encoding;
    size_t bad_at = nn_utf8_check(raw, raw_len);
    if (strcmp(encoding, "utf-8") == 0 || (strcmp(encoding, "auto") == 0 && bad_at == raw_len)) {
        if (bad_at != raw_len)
            nn_die(path, "byte 0x%02X at offset %zu is not valid UTF-8 (try --encoding cp1252)", raw[bad_at], bad_at);
        text = (char *)raw;
        text_len = raw_len;
        used = "utf-8";
    } else {
        if (nn_cp1252_to_utf8(raw, raw_len, strcmp(invalid, "replace") == 0, &text, &text_len, &replaced) < 0)
            nn_die(path, "%s (try --invalid replace)", nn_last_error());
        free(raw);
        used = "cp1252";
    }

    state s;
    memset(&s, 0, sizeof s);
    s.mode = (nn_norm_mode)nn_norm_parse(normalize);
    s.sentences_only = sentences_only;
    nn_strmap_init(&s.tags);
    nn_strmap_init(&s.pos);
    nn_strmap_init(&s.words);
    nn_output out;
    if (nn_output_open(&out, output) < 0)
        nn_die_lib(output);
    s.out = out.fp;
    nn_ner_stats st;
    if (nn_ner_read(text, text_len, (nn_ner_format)nn_ner_format_parse(format), max_rows, on_token, &s, &st) < 0)
        nn_die_lib(path);
    if (s.sentences > 0)
        fputc('\n', s.out); /* end the last token line block / sentence line */
    if (s.tokens == 0)
        nn_die(path, "no tokens found (%lld rows, %lld malformed)", (long long)st.rows, (long long)st.malformed);
    if (nn_output_commit(&out) < 0)
        nn_die_lib(output);

    for (int i = 0; i < st.n_messages; i++)
        nn_warn(path, "skipped %s", st.messages[i]);
    if (st.malformed > st.n_messages)
        nn_warn(path, "... and %lld more malformed rows", (long long)(st.malformed - st.n_messages));
    if (replaced)
        nn_warn(path, "%zu bytes undefined in cp1252 replaced by U+FFFD", replaced);
    if (!nn_quiet)
        fprintf(stderr,
                "tokenize: %s: %s layout, %s: %lld sentences, %lld tokens, %lld tags, %lld POS tags, "
                "%lld distinct words, %lld tokens with non-ASCII characters, longest sentence %lld tokens, "
                "%lld malformed rows\n",
                nn_is_stdio(path) ? "(stdin)" : path, nn_ner_format_name(st.format), used, (long long)s.sentences,
                (long long)s.tokens, (long long)s.tags.n, (long long)s.pos.n, (long long)s.words.n,
                (long long)s.non_ascii, (long long)s.longest, (long long)st.malformed);
    free(text);
    free(s.norm);
    nn_strmap_free(&s.tags);
    nn_strmap_free(&s.pos);
    nn_strmap_free(&s.words);
    free(args);
    return 0;
}
