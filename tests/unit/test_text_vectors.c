/* Vocabulary table, word-vector files and word2vec training. */
#include "check.h"

#include "core/error.h"
#include "core/parallel.h"
#include "math/rng.h"
#include "text/strmap.h"
#include "text/tokfile.h"
#include "text/vocabfile.h"
#include "text/w2v.h"
#include "text/wordvec.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void test_strmap(void)
{
    nn_strmap m;
    nn_strmap_init(&m);
    char key[32];
    for (int i = 0; i < 5000; i++) { /* forces several rehashes */
        int n = snprintf(key, sizeof key, "w%d", i % 2500);
        int64_t id = nn_strmap_add(&m, key, (size_t)n);
        CHECK(id == i % 2500);
        m.counts[id]++;
    }
    CHECK(m.n == 2500 && nn_strmap_find(&m, "w17", 3) == 17 && nn_strmap_find(&m, "w2500", 5) == -1);
    CHECK(nn_strmap_find(&m, "w1", 1) == -1); /* a prefix is another key */
    nn_strmap_free(&m);
    nn_strmap_init(&m);
    const char *words[] = {"b", "a", "c", "ab", "a"};
    for (int i = 0; i < 5; i++) {
        int64_t id = nn_strmap_add(&m, words[i], strlen(words[i])); /* may move m.counts */
        m.counts[id] += i == 2 ? 5 : 1;
    }
    int64_t *order = nn_strmap_sorted(&m);
    /* c (5), a (2), then ties of 1 by bytes: ab < b */
    CHECK(order && strcmp(m.keys[order[0]], "c") == 0 && strcmp(m.keys[order[1]], "a") == 0);
    CHECK(order && strcmp(m.keys[order[2]], "ab") == 0 && strcmp(m.keys[order[3]], "b") == 0);
    free(order);
    nn_strmap_free(&m);
}

static void test_tokfile_and_vocabfile(void)
{
    const char *text = "A\ta\tDT\tO\r\nRome\trome\tNNP\tB-geo\n\nx\n";
    nn_tokfile t;
    nn_tokfile_init(&t, text, strlen(text));
    CHECK(nn_tokfile_next(&t) == 1 && t.nf == 4 && t.fl[3] == 1 && t.f[3][0] == 'O'); /* CR dropped */
    CHECK(nn_tokfile_next(&t) == 1 && t.nf == 4 && t.fl[1] == 4 && memcmp(t.f[1], "rome", 4) == 0);
    CHECK(nn_tokfile_next(&t) == 2);
    CHECK(nn_tokfile_next(&t) == 1 && t.nf == 1 && t.line == 4);
    CHECK(nn_tokfile_next(&t) == 0);
    CHECK(nn_tok_column_parse("norm") == 1 && nn_tok_column_parse("4") == 3 && nn_tok_column_parse("0") == -1);

    char path[] = "/tmp/nnpipe-vocab-XXXXXX";
    int fd = mkstemp(path);
    CHECK(fd >= 0);
    const char *good = "0\t<PAD>\t0\n1\t<UNK>\t3\n2\tthe\t10\n";
    CHECK(write(fd, good, strlen(good)) == (ssize_t)strlen(good));
    close(fd);
    nn_strmap m;
    CHECK(nn_vocab_load(path, &m) == 0);
    CHECK(m.n == 3 && nn_strmap_find(&m, "the", 3) == 2 && m.counts[1] == 3);
    nn_strmap_free(&m);
    const char *bad[] = {"0\t<PAD>\t0\n1\t<UNK>\t0\n1\tx\t1\n", "0\tthe\t1\n1\t<UNK>\t0\n",
                         "0\t<PAD>\t0\n1\t<UNK>\n", "0\t<PAD>\t0\n1\t<UNK>\t0\n2\tx\t1\n3\tx\t1\n", ""};
    for (int i = 0; i < 5; i++) {
        FILE *fp = fopen(path, "wb");
        CHECK(fp != NULL);
        if (!fp)
            break;
        fputs(bad[i], fp);
        fclose(fp);
        CHECK(nn_vocab_load(path, &m) == -1);
    }
    unlink(path);
}

static int parse(const char *s, nn_wv_format f, nn_wordvec *wv)
{
    return nn_wordvec_parse((const uint8_t *)s, strlen(s), f, wv);
}

static void test_wordvec_files(void)
{
    nn_wordvec wv;
    CHECK(parse("2 3\nthe 0.5 -1 2\ncat 1e-3 0 0.25\n", NN_WV_AUTO, &wv) == 0);
    CHECK(wv.n == 2 && wv.dim == 3 && wv.vec[2] == 2.0f && nn_wordvec_find(&wv, "cat", 3) == 1);
    /* text -> binary -> parse again: same values */
    char *buf;
    size_t len;
    FILE *fp = open_memstream(&buf, &len);
    CHECK(fp && nn_wordvec_write(fp, &wv, 1) == 0);
    fclose(fp);
    nn_wordvec back;
    CHECK(nn_wordvec_parse((const uint8_t *)buf, len, NN_WV_AUTO, &back) == 0);
    CHECK(back.n == 2 && back.dim == 3 && memcmp(back.vec, wv.vec, 6 * sizeof(float)) == 0);
    nn_wordvec_free(&back);
    /* truncated binary */
    CHECK(nn_wordvec_parse((const uint8_t *)buf, len - 5, NN_WV_BINARY, &back) == -1 ||
          (nn_wordvec_free(&back), 0));
    CHECK(strstr(nn_last_error(), "truncated") != NULL);
    free(buf);
    nn_wordvec_free(&wv);
    /* GloVe: no header */
    CHECK(parse("the 0.1 0.2\ncat 0.3 0.4\n", NN_WV_AUTO, &wv) == 0 && wv.n == 2 && wv.dim == 2);
    nn_wordvec_free(&wv);
    /* errors: wrong width, not a number, count mismatch, empty */
    CHECK(parse("2 3\nthe 0.5 -1 2\ncat 1 2\n", NN_WV_AUTO, &wv) == -1);
    CHECK(strstr(nn_last_error(), "line 3") && strstr(nn_last_error(), "expected 3"));
    CHECK(parse("the 0.5 -1 2\ncat 1 2 3 4\n", NN_WV_AUTO, &wv) == -1 && strstr(nn_last_error(), "line 2"));
    CHECK(parse("1 2\nthe 0.5 x\n", NN_WV_TEXT, &wv) == -1 && strstr(nn_last_error(), "not a finite number"));
    CHECK(parse("3 2\nthe 0.5 1\ncat 1 2\n", NN_WV_AUTO, &wv) == -1 && strstr(nn_last_error(), "header says 3"));
    CHECK(parse("", NN_WV_AUTO, &wv) == -1);
}

/* Two topics that never share a sentence: words of one topic should end
 * up closer to each other than to the other topic's words. */
static char *topic_corpus(int sentences)
{
    size_t cap = (size_t)sentences * 64 + 1, o = 0;
    char *s = malloc(cap);
    nn_rng r;
    nn_rng_seed(&r, 5);
    for (int i = 0; i < sentences; i++) {
        char topic = i % 2 ? 'a' : 'b';
        for (int j = 0; j < 8; j++)
            o += (size_t)snprintf(s + o, cap - o, "%c%d%c", topic, (int)nn_rng_below(&r, 6), j == 7 ? '\n' : ' ');
    }
    return s;
}

static float cosine(const nn_wordvec *wv, const char *a, const char *b)
{
    int64_t i = nn_wordvec_find(wv, a, strlen(a)), j = nn_wordvec_find(wv, b, strlen(b));
    if (i < 0 || j < 0)
        return -2;
    const float *x = wv->vec + i * wv->dim, *y = wv->vec + j * wv->dim;
    double xy = 0, xx = 0, yy = 0;
    for (int d = 0; d < wv->dim; d++) {
        xy += x[d] * y[d];
        xx += x[d] * x[d];
        yy += y[d] * y[d];
    }
    return (float)(xy / sqrt(xx * yy));
}

static void test_w2v(void)
{
    char *text = topic_corpus(2000);
    for (int sg = 0; sg <= 1; sg++) {
        nn_w2v_params p;
        nn_w2v_defaults(&p);
        p.skipgram = sg;
        p.dim = 12; /* not a multiple of 8: padded rows */
        p.min_count = 1;
        p.sample = 0;
        p.threads = 1;
        p.seed = 7;
        nn_wordvec a, b;
        nn_w2v_report rep;
        CHECK(nn_w2v_train(text, strlen(text), &p, &a, &rep) == 0);
        CHECK(a.n == 12 && a.dim == 12 && rep.corpus_words == 16000 && rep.sentences == 2000);
        CHECK(nn_w2v_train(text, strlen(text), &p, &b, &rep) == 0);
        CHECK(memcmp(a.vec, b.vec, (size_t)a.n * 12 * sizeof(float)) == 0); /* reproducible */
        float same = (cosine(&a, "a1", "a2") + cosine(&a, "b3", "b4")) / 2;
        float cross = (cosine(&a, "a1", "b2") + cosine(&a, "a3", "b4")) / 2;
        CHECK(same > cross + 0.3f);
        nn_wordvec_free(&b);
        p.seed = 8;
        CHECK(nn_w2v_train(text, strlen(text), &p, &b, &rep) == 0);
        CHECK(memcmp(a.vec, b.vec, (size_t)a.n * 12 * sizeof(float)) != 0);
        nn_wordvec_free(&a);
        nn_wordvec_free(&b);
        /* two threads: runs, same vocabulary, still learns the topics */
        p.threads = 2;
        CHECK(nn_w2v_train(text, strlen(text), &p, &a, &rep) == 0);
        CHECK(a.n == 12 && cosine(&a, "a1", "a2") > cosine(&a, "a1", "b2"));
        nn_wordvec_free(&a);
    }
    nn_w2v_params p;
    nn_w2v_defaults(&p);
    p.min_count = 100000;
    nn_wordvec a;
    nn_w2v_report rep;
    CHECK(nn_w2v_train(text, strlen(text), &p, &a, &rep) == -1 && strstr(nn_last_error(), "empty"));
    CHECK(nn_w2v_train("", 0, &p, &a, &rep) == -1);
    free(text);
}

int main(void)
{
    RUN(test_strmap);
    RUN(test_tokfile_and_vocabfile);
    RUN(test_wordvec_files);
    RUN(test_w2v);
    return check_summary();
}
