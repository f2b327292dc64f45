/* word2vec: train word vectors (skip-gram or CBOW, negative sampling) on
 * one sentence a line, write word2vec text or binary format; or convert
 * a vector file (word2vec text/binary, GloVe) with --from-vectors. */
#include "core/cli.h"
#include "core/file.h"
#include "io/gzip.h"
#include "text/w2v.h"
#include "text/wordvec.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *model = "cbow", *output = "-", *from_vectors = NULL, *input_format = "auto";
static int dim = 100, window = 5, negative = 5, iterations = 5, binary = 0;
static int64_t min_count = 5, seed = 1;
static double alpha = 0.025, min_alpha = 0.0001, sample = 1e-3;

static const nn_option options[] = {
    {"model", 'm', NN_OPT_CHOICE, &model, "M", "skip-gram or CBOW (mean of the context)", "sg|cbow"},
    {"dim", 'd', NN_OPT_INT, &dim, "N", "vector size", NULL},
    {"window", 'w', NN_OPT_INT, &window, "N", "max distance to a context word (shrunk at random per word)", NULL},
    {"negative", 'k', NN_OPT_INT, &negative, "N", "negative samples per positive one", NULL},
    {"min-count", 0, NN_OPT_INT64, &min_count, "N", "drop words seen fewer than N times", NULL},
    {"iter", 'i', NN_OPT_INT, &iterations, "N", "passes over the corpus (epochs)", NULL},
    {"alpha", 0, NN_OPT_DOUBLE, &alpha, "A", "initial learning rate", NULL},
    {"min-alpha", 0, NN_OPT_DOUBLE, &min_alpha, "A", "final learning rate (linear decay)", NULL},
    {"sample", 0, NN_OPT_DOUBLE, &sample, "T", "sub-sampling threshold of frequent words (0: off)", NULL},
    {"seed", 0, NN_OPT_INT64, &seed, "N", "random seed", NULL},
    {"binary", 'b', NN_OPT_FLAG, &binary, NULL, "write word2vec binary format instead of text", NULL},
    {"output", 'o', NN_OPT_STRING, &output, "FILE", "where to write the vectors", NULL},
    {"from-vectors", 0, NN_OPT_STRING, &from_vectors, "FILE",
     "no training: read FILE (word2vec text or binary, or GloVe text) and write it in the output format", NULL},
    {"input-format", 0, NN_OPT_CHOICE, &input_format, "F", "format of --from-vectors", "auto|text|binary|glove"},
    {"quiet", 'q', NN_OPT_FLAG, &nn_quiet, NULL, "no progress or summary on stderr", NULL},
    {0}};

static const nn_cli cli = {
    "word2vec", "[options] SENTENCES.txt | --from-vectors FILE",
    "Train word vectors on one sentence a line (words separated by spaces; e.g. from\n"
    "tokenize --sentences) with negative sampling, as word2vec.c and gensim do\n"
    "(defaults are gensim 4's), and write word2vec's text format (or --binary);\n"
    "both load with gensim's KeyedVectors.load_word2vec_format.\n"
    "Threads update the vectors without locks (Hogwild, as word2vec.c and gensim):\n"
    "with --threads 1 and a --seed the output is reproducible bit for bit; with\n"
    "more threads it is not (as in gensim).  Progress (words/s, ETA) on stderr.",
    options, 0, 1};

int main(int argc, char **argv)
{
    char **args;
    int nargs = nn_cli_parse(&cli, argc, argv, &args);
    nn_wordvec wv;
    if (from_vectors) {
        if (nargs)
            nn_usage("--from-vectors takes no SENTENCES argument");
        if (nn_wordvec_load(from_vectors, (nn_wv_format)nn_wv_format_parse(input_format), &wv) < 0)
            nn_die_lib(from_vectors);
        if (wv.duplicates)
            nn_warn(from_vectors, "%lld words listed more than once (the first kept)", (long long)wv.duplicates);
    } else {
        if (nargs != 1)
            nn_usage("missing SENTENCES argument");
        nn_w2v_params p;
        nn_w2v_defaults(&p);
        p.skipgram = strcmp(model, "sg") == 0;
        p.dim = dim;
        p.window = window;
        p.negative = negative;
        p.min_count = min_count;
        p.iterations = iterations;
        p.alpha = alpha;
        p.min_alpha = min_alpha;
        p.sample = sample;
        p.seed = (uint64_t)seed;
        p.threads = 0;
        p.progress = !nn_quiet;
        if (dim < 1 || dim > 10000)
            nn_usage("--dim takes 1 to 10000");
        if (window < 1 || negative < 1 || iterations < 1 || min_count < 1)
            nn_usage("--window, --negative, --iter and --min-count take 1 or more");
        if (negative > NN_W2V_MAX_NEGATIVE)
            nn_usage("--negative takes at most %d", NN_W2V_MAX_NEGATIVE);
        if (!(alpha > 0) || min_alpha < 0 || min_alpha > alpha || sample < 0)
            nn_usage("need alpha > 0, 0 <= min-alpha <= alpha and sample >= 0");
        uint8_t *text;
        size_t len;
        if (nn_read_all_maybe_gz(args[0], &text, &len) < 0)
            nn_die_lib(args[0]);
        nn_w2v_report rep;
        if (nn_w2v_train((const char *)text, len, &p, &wv, &rep) < 0)
            nn_die_lib(args[0]);
        free(text);
        if (!nn_quiet)
            fprintf(stderr,
                    "word2vec: %lld sentences, %lld words, %lld in the vocabulary of %lld; training %.2f s "
                    "(CPU %.2f s, %.0f words per CPU second), %.0f words/s\n",
                    (long long)rep.sentences, (long long)rep.corpus_words, (long long)rep.retained_words,
                    (long long)wv.n, rep.seconds, rep.cpu_seconds,
                    rep.cpu_seconds > 0 ? (double)rep.retained_words * iterations / rep.cpu_seconds : 0,
                    rep.words_per_second);
    }
    nn_output out;
    if (nn_output_open(&out, output) < 0)
        nn_die_lib(output);
    if (nn_wordvec_write(out.fp, &wv, binary) < 0 || nn_output_commit(&out) < 0)
        nn_die_lib(output);
    nn_wordvec_free(&wv);
    free(args);
    return 0;
}
