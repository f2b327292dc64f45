/* vocab: count one column of tokens.tsv into vocab.tsv (id, token, count),
 * most frequent first; id 0 <PAD> and id 1 <UNK>. */
#include "core/cli.h"
#include "core/file.h"
#include "core/mem.h"
#include "text/strmap.h"
#include "text/tokfile.h"
#include "text/vocabfile.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *column = "norm", *output = "-", *stats_dir = NULL;
static int64_t min_count = 1;

static const nn_option options[] = {
    {"column", 'c', NN_OPT_STRING, &column, "COL", "column to count: word, norm, pos, tag or a number from 1",
     NULL},
    {"min-count", 'm', NN_OPT_INT64, &min_count, "N", "tokens seen fewer than N times become <UNK>", NULL},
    {"output", 'o', NN_OPT_STRING, &output, "FILE", "where to write vocab.tsv", NULL},
    {"stats", 0, NN_OPT_STRING, &stats_dir, "DIR",
     "also write DIR/lengths.tsv (sentence lengths), DIR/zipf.tsv (rank-frequency of the counted column) "
     "and DIR/classes.tsv (counts of the tag column)",
     NULL},
    {0}};

static const nn_cli cli = {
    "vocab", "[options] TOKENS.tsv",
    "Count a column of tokens.tsv (from tokenize) and write 'id TAB token TAB count'\n"
    "lines, most frequent first, ties by token bytes. Id 0 is <PAD> (count 0) and\n"
    "id 1 <UNK> (the summed count of tokens below --min-count). Both are listed\n"
    "for tags too, so that word and tag files share one layout and pad treats them\n"
    "alike; with the default --min-count 1 the tag <UNK> has count 0 and is never\n"
    "used (pad refuses a tag missing from the tag vocabulary).",
    options, 1, 1};

static FILE *open_stat(nn_output *o, const char *name)
{
    size_t n = strlen(stats_dir) + strlen(name) + 2;
    char *path = malloc(n);
    if (!path)
        nn_die(NULL, "out of memory");
    snprintf(path, n, "%s/%s", stats_dir, name);
    if (nn_output_open(o, path) < 0)
        nn_die_lib(path);
    free(path);
    return o->fp;
}

static void commit(nn_output *o)
{
    char *p = strdup(o->path);
    if (nn_output_commit(o) < 0)
        nn_die_lib(p);
    free(p);
}

int main(int argc, char **argv)
{
    char **args;
    nn_cli_parse(&cli, argc, argv, &args);
    const char *path = args[0];
    int col = nn_tok_column_parse(column);
    if (col < 0)
        nn_usage("--column takes word, norm, pos, tag or a number from 1, not '%s'", column);
    if (min_count < 1)
        nn_usage("--min-count takes 1 or more");

    uint8_t *data;
    size_t len;
    if (nn_read_all(path, &data, &len) < 0)
        nn_die_lib(path);
    nn_strmap counts, tags;
    nn_strmap_init(&counts);
    nn_strmap_init(&tags);
    int64_t *lengths = NULL, n_lengths = 0, cur = 0, tokens = 0;
    nn_tokfile t;
    nn_tokfile_init(&t, (const char *)data, len);
    int rc;
    for (;;) {
        rc = nn_tokfile_next(&t);
        if (rc != 1 && cur > 0) { /* a sentence ended */
            if (cur >= n_lengths) {
                int64_t nl = cur * 2 + 16;
                int64_t *l = nn_realloc(lengths, (size_t)nl, sizeof *l);
                if (!l)
                    nn_die_lib(path);
                memset(l + n_lengths, 0, (size_t)(nl - n_lengths) * sizeof *l);
                lengths = l;
                n_lengths = nl;
            }
            lengths[cur]++;
            cur = 0;
        }
        if (rc == 0)
            break;
        if (rc == 2)
            continue;
        if (t.nf <= col)
            nn_die(path, "line %lld: %d field%s, no column %d (is this a tokens.tsv from tokenize?)",
                   (long long)t.line, t.nf, t.nf == 1 ? "" : "s", col + 1);
        if (t.fl[col] == 0)
            nn_die(path, "line %lld: column %d is empty", (long long)t.line, col + 1);
        int64_t id = nn_strmap_add(&counts, t.f[col], t.fl[col]);
        if (id < 0)
            nn_die_lib(path);
        counts.counts[id]++;
        if (stats_dir && t.nf > 3) {
            int64_t tid = nn_strmap_add(&tags, t.f[3], t.fl[3]);
            if (tid < 0)
                nn_die_lib(path);
            tags.counts[tid]++;
        }
        tokens++;
        cur++;
    }
    if (tokens == 0)
        nn_die(path, "no tokens: empty input");

    int64_t *order = nn_strmap_sorted(&counts);
    if (!order)
        nn_die_lib(path);
    int64_t unk = 0;
    for (int64_t i = 0; i < counts.n; i++) {
        int64_t id = order[i];
        if (counts.counts[id] < min_count || strcmp(counts.keys[id], NN_VOCAB_UNK) == 0)
            unk += counts.counts[id];
    }
    nn_output out;
    if (nn_output_open(&out, output) < 0)
        nn_die_lib(output);
    fprintf(out.fp, "0\t%s\t0\n1\t%s\t%lld\n", NN_VOCAB_PAD, NN_VOCAB_UNK, (long long)unk);
    int64_t next = 2;
    for (int64_t i = 0; i < counts.n; i++) {
        int64_t id = order[i];
        const char *k = counts.keys[id];
        if (counts.counts[id] < min_count || strcmp(k, NN_VOCAB_UNK) == 0)
            continue;
        if (strcmp(k, NN_VOCAB_PAD) == 0)
            nn_die(path, "the token %s occurs in the data; it is reserved for padding", NN_VOCAB_PAD);
        fprintf(out.fp, "%lld\t%s\t%lld\n", (long long)next++, k, (long long)counts.counts[id]);
    }

    if (stats_dir) {
        nn_output o;
        FILE *fp = open_stat(&o, "lengths.tsv");
        fprintf(fp, "length\tsentences\n");
        int64_t longest = 0;
        for (int64_t l = 1; l < n_lengths; l++)
            if (lengths[l])
                longest = l;
        for (int64_t l = 1; l <= longest; l++)
            fprintf(fp, "%lld\t%lld\n", (long long)l, (long long)lengths[l]);
        commit(&o);
        fp = open_stat(&o, "zipf.tsv");
        fprintf(fp, "rank\ttoken\tcount\tfrequency\n");
        for (int64_t i = 0; i < counts.n; i++)
            fprintf(fp, "%lld\t%s\t%lld\t%.6g\n", (long long)i + 1, counts.keys[order[i]],
                    (long long)counts.counts[order[i]], (double)counts.counts[order[i]] / (double)tokens);
        commit(&o);
        if (tags.n == 0)
            nn_die(path, "--stats: no tag column (4th) for classes.tsv");
        int64_t *torder = nn_strmap_sorted(&tags);
        if (!torder)
            nn_die_lib(path);
        fp = open_stat(&o, "classes.tsv");
        fprintf(fp, "class\tcount\tfraction\n");
        for (int64_t i = 0; i < tags.n; i++)
            fprintf(fp, "%s\t%lld\t%.6g\n", tags.keys[torder[i]], (long long)tags.counts[torder[i]],
                    (double)tags.counts[torder[i]] / (double)tokens);
        commit(&o);
        free(torder);
    }
    if (nn_output_commit(&out) < 0)
        nn_die_lib(output);
    free(order);
    free(lengths);
    free(data);
    nn_strmap_free(&counts);
    nn_strmap_free(&tags);
    free(args);
    return 0;
}
