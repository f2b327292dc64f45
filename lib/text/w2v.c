#include "text/w2v.h"

#include "core/error.h"
#include "core/mem.h"
#include "core/parallel.h"
#include "core/progress.h"
#include "core/timer.h"
#include "math/rng.h"

#include <math.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define EXP_TABLE_SIZE 1024
#define MAX_EXP 6
#define MAX_SENTENCE 10000 /* longer lines are cut into pieces, as gensim */
#define ALPHA_EVERY 10000  /* words between learning-rate updates */

void nn_w2v_defaults(nn_w2v_params *p)
{
    memset(p, 0, sizeof *p);
    p->skipgram = 0;
    p->dim = 100;
    p->window = 5;
    p->negative = 5;
    p->min_count = 5;
    p->iterations = 5;
    p->alpha = 0.025;
    p->min_alpha = 0.0001;
    p->sample = 1e-3;
    p->seed = 1;
}

typedef struct {
    const nn_w2v_params *p;
    int64_t vocab;
    int stride;              /* dim rounded up to 8 */
    float *syn0, *syn1neg;   /* vocab x stride */
    uint32_t *keep;          /* sub-sampling: keep when rand32 < keep[w] */
    int32_t *table;          /* unigram^0.75 table */
    int64_t table_size;
    const int32_t *corpus;   /* word ids, sentences back to back */
    const int64_t *sent_start; /* sentence s is corpus[sent_start[s] .. sent_start[s+1]) */
    int64_t n_sent, total_words;
    int n_tasks;
    const int64_t *task_sent;  /* task t trains sentences [task_sent[t], task_sent[t+1]) */
    float exp_table[EXP_TABLE_SIZE];
    _Atomic int64_t words_done;
    nn_progress progress;
    double start;
} w2v_ctx;

/* A linear congruential generator like word2vec.c's: fast and inline;
 * each task gets its own, seeded from the run's seed. */
static inline uint64_t lcg(uint64_t *s)
{
    *s = *s * 25214903917ull + 11;
    return *s;
}

static inline uint32_t rand32(uint64_t *s) { return (uint32_t)(lcg(s) >> 16); }

/* dot of two padded rows (n a multiple of 8): 8 partial sums so the
 * compiler can keep them in one vector register without reassociating. */
static inline float dot8(const float *restrict a, const float *restrict b, int n)
{
    float acc[8] = {0};
    for (int i = 0; i < n; i += 8)
        for (int j = 0; j < 8; j++)
            acc[j] += a[i + j] * b[i + j];
    return ((acc[0] + acc[4]) + (acc[1] + acc[5])) + ((acc[2] + acc[6]) + (acc[3] + acc[7]));
}

static inline void axpy(float *restrict y, float a, const float *restrict x, int n)
{
    for (int i = 0; i < n; i++)
        y[i] += a * x[i];
}

static inline float gradient(const w2v_ctx *c, float f, float label, float alpha)
{
    if (f >= MAX_EXP)
        return (label - 1) * alpha;
    if (f <= -MAX_EXP)
        return label * alpha;
    float s = c->exp_table[(int)((f + MAX_EXP) * ((float)EXP_TABLE_SIZE / MAX_EXP / 2))];
    return (label - s) * alpha;
}

/* One positive and `negative` negative updates of output rows for the
 * hidden vector h; the error for h accumulates in neu1e. */
static inline void neg_sampling_n(w2v_ctx *c, uint64_t *rs, int32_t word, const float *restrict h,
                                  float *restrict neu1e, float alpha, const int n)
{
    /* Draw every target first and compute all the dot products before any
     * update: the k dot products are independent, so the CPU overlaps
     * them instead of waiting on dot -> sigmoid -> update k times in a
     * row.  Same result as word2vec.c's interleaved loop unless a negative
     * is drawn twice for one pair (then its second dot product misses the
     * first update, a difference of the same kind as Hogwild's). */
    const int neg = c->p->negative;
    int32_t tgt[NN_W2V_MAX_NEGATIVE + 1];
    float g[NN_W2V_MAX_NEGATIVE + 1];
    int k = 0;
    tgt[k++] = word;
    for (int d = 0; d < neg; d++) {
        /* multiply-shift instead of a 64-bit division per draw */
        int32_t t = c->table[((uint64_t)rand32(rs) * (uint64_t)c->table_size) >> 32];
        if (t == word)
            continue;
#if defined(__GNUC__) || defined(__clang__)
        __builtin_prefetch(c->syn1neg + (int64_t)t * n);
#endif
        tgt[k++] = t;
    }
    for (int d = 0; d < k; d++)
        g[d] = dot8(h, c->syn1neg + (int64_t)tgt[d] * n, n);
    for (int d = 0; d < k; d++)
        g[d] = gradient(c, g[d], d == 0 ? 1.0f : 0.0f, alpha);
    for (int d = 0; d < k; d++) {
        float *out = c->syn1neg + (int64_t)tgt[d] * n;
        axpy(neu1e, g[d], out, n);
        axpy(out, g[d], h, n);
    }
}

/* The row length as a compile-time constant for common sizes, so the
 * dot product and updates unroll completely. */
static void neg_sampling(w2v_ctx *c, uint64_t *rs, int32_t word, const float *restrict h, float *restrict neu1e,
                         float alpha)
{
    switch (c->stride) {
    case 32: neg_sampling_n(c, rs, word, h, neu1e, alpha, 32); break;
    case 64: neg_sampling_n(c, rs, word, h, neu1e, alpha, 64); break;
    case 104: neg_sampling_n(c, rs, word, h, neu1e, alpha, 104); break;
    case 128: neg_sampling_n(c, rs, word, h, neu1e, alpha, 128); break;
    default: neg_sampling_n(c, rs, word, h, neu1e, alpha, c->stride); break;
    }
}

static void train_task(void *arg, int task, int worker)
{
    (void)worker;
    w2v_ctx *c = arg;
    const nn_w2v_params *p = c->p;
    const int n = c->stride, window = p->window;
    nn_rng seeder;
    nn_rng_split(&seeder, p->seed, (uint64_t)task + 1);
    uint64_t rs = nn_rng_u64(&seeder);
    float *neu1 = nn_alloc_aligned((size_t)n, sizeof(float));
    float *neu1e = nn_alloc_aligned((size_t)n, sizeof(float));
    int32_t *sen = nn_alloc(MAX_SENTENCE, sizeof *sen);
    if (!neu1 || !neu1e || !sen) {
        nn_free_aligned(neu1);
        nn_free_aligned(neu1e);
        free(sen);
        return; /* checked by the caller through words_done */
    }
    const double total = (double)p->iterations * (double)c->total_words + 1;
    float alpha = (float)p->alpha;
    int64_t local = 0; /* words since the last update of words_done */
    for (int it = 0; it < p->iterations; it++) {
        for (int64_t s = c->task_sent[task]; s < c->task_sent[task + 1]; s++) {
            int64_t b0 = c->sent_start[s], b1 = c->sent_start[s + 1];
            for (int64_t piece = b0; piece < b1; piece += MAX_SENTENCE) {
                int64_t pend = piece + MAX_SENTENCE < b1 ? piece + MAX_SENTENCE : b1;
                int len = 0;
                for (int64_t i = piece; i < pend; i++) {
                    int32_t w = c->corpus[i];
                    if (rand32(&rs) < c->keep[w])
                        sen[len++] = w;
                }
                local += pend - piece;
                if (local >= ALPHA_EVERY) {
                    int64_t done = atomic_fetch_add(&c->words_done, local) + local;
                    local = 0;
                    alpha = (float)(p->alpha - (p->alpha - p->min_alpha) * ((double)done / total));
                    if (alpha < (float)p->min_alpha)
                        alpha = (float)p->min_alpha;
                    if (task == 0 && p->progress) {
                        snprintf(c->progress.extra, sizeof c->progress.extra, "alpha %.5f", alpha);
                        nn_progress_update(&c->progress, done);
                    }
                }
                for (int i = 0; i < len; i++) {
                    int32_t word = sen[i];
                    int b = (int)(((uint64_t)rand32(&rs) * (uint64_t)window) >> 32);
                    int lo = i - window + b, hi = i + window - b;
                    if (lo < 0)
                        lo = 0;
                    if (hi > len - 1)
                        hi = len - 1;
                    if (p->skipgram) {
                        for (int j = lo; j <= hi; j++) {
                            if (j == i)
                                continue;
                            float *l1 = c->syn0 + (int64_t)sen[j] * n;
                            memset(neu1e, 0, (size_t)n * sizeof(float));
                            neg_sampling(c, &rs, word, l1, neu1e, alpha);
                            axpy(l1, 1.0f, neu1e, n);
                        }
                    } else {
                        int cw = 0;
                        memset(neu1, 0, (size_t)n * sizeof(float));
                        for (int j = lo; j <= hi; j++) {
                            if (j == i)
                                continue;
                            axpy(neu1, 1.0f, c->syn0 + (int64_t)sen[j] * n, n);
                            cw++;
                        }
                        if (!cw)
                            continue;
                        float inv = 1.0f / (float)cw;
                        for (int d = 0; d < n; d++)
                            neu1[d] *= inv;
                        memset(neu1e, 0, (size_t)n * sizeof(float));
                        neg_sampling(c, &rs, word, neu1, neu1e, alpha);
                        for (int j = lo; j <= hi; j++)
                            if (j != i)
                                axpy(c->syn0 + (int64_t)sen[j] * n, 1.0f, neu1e, n);
                    }
                }
            }
        }
    }
    atomic_fetch_add(&c->words_done, local);
    nn_free_aligned(neu1);
    nn_free_aligned(neu1e);
    free(sen);
}

/* CPU seconds of the whole process: with the wall time it shows how much
 * of the machine training had (the machine may be shared). */
static double cpu_now(void)
{
    struct timespec ts;
    if (clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts) != 0)
        return 0;
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static int is_sep(char ch) { return ch == ' ' || ch == '\t' || ch == '\r'; }

int nn_w2v_train(const char *text, size_t len, const nn_w2v_params *p, nn_wordvec *wv, nn_w2v_report *rep)
{
    memset(rep, 0, sizeof *rep);
    memset(wv, 0, sizeof *wv);
    if (p->dim < 1 || p->dim > 10000 || p->window < 1 || p->negative < 1 || p->negative > NN_W2V_MAX_NEGATIVE ||
        p->iterations < 1 || p->min_count < 1 ||
        !(p->alpha > 0) || p->min_alpha < 0 || p->sample < 0)
        return nn_set_error("invalid training settings");

    /* Pass 1: every token as a provisional id, sentence starts. */
    nn_strmap all;
    nn_strmap_init(&all);
    int64_t cap_tok = 1 << 16, n_tok = 0, cap_sent = 1 << 12, n_sent = 0;
    int32_t *tok = nn_alloc((size_t)cap_tok, sizeof *tok);
    int64_t *sent = nn_alloc((size_t)cap_sent + 1, sizeof *sent);
    int rc = -1;
    w2v_ctx *c = NULL;
    int64_t *order = NULL, *remap = NULL, *task_sent = NULL;
    if (!tok || !sent)
        goto done;
    const char *q = text, *end = text + len;
    while (q < end) {
        const char *eol = memchr(q, '\n', (size_t)(end - q));
        if (!eol)
            eol = end;
        int64_t first = n_tok;
        while (q < eol) {
            while (q < eol && is_sep(*q))
                q++;
            if (q >= eol)
                break;
            const char *w = q;
            while (q < eol && !is_sep(*q))
                q++;
            int64_t id = nn_strmap_add(&all, w, (size_t)(q - w));
            if (id < 0 || id > INT32_MAX)
                goto done;
            all.counts[id]++;
            if (n_tok == cap_tok) {
                int32_t *t = nn_realloc(tok, (size_t)cap_tok * 2, sizeof *t);
                if (!t)
                    goto done;
                tok = t;
                cap_tok *= 2;
            }
            tok[n_tok++] = (int32_t)id;
        }
        if (n_tok > first) {
            if (n_sent == cap_sent) {
                int64_t *s = nn_realloc(sent, (size_t)cap_sent * 2 + 1, sizeof *s);
                if (!s)
                    goto done;
                sent = s;
                cap_sent *= 2;
            }
            sent[n_sent++] = first;
        }
        q = eol + 1;
    }
    rep->corpus_words = n_tok;

    /* The vocabulary: frequent words, most frequent first. */
    order = nn_strmap_sorted(&all);
    remap = nn_alloc((size_t)all.n + 1, sizeof *remap);
    c = calloc(1, sizeof *c);
    if (!order || !remap || !c)
        goto done;
    int64_t vocab = 0;
    nn_strmap_init(&wv->index);
    for (int64_t i = 0; i < all.n; i++)
        remap[i] = -1;
    for (int64_t i = 0; i < all.n && all.counts[order[i]] >= p->min_count; i++) {
        int64_t id = nn_strmap_add(&wv->index, all.keys[order[i]], all.lens[order[i]]);
        if (id < 0)
            goto done;
        wv->index.counts[id] = all.counts[order[i]];
        remap[order[i]] = vocab++;
    }
    if (vocab == 0) {
        nn_set_error("no word occurs --min-count (%lld) times: the vocabulary is empty", (long long)p->min_count);
        goto done;
    }
    /* Rewrite the corpus in place with vocabulary ids, dropping the rest. */
    int64_t w = 0, s_out = 0;
    for (int64_t s = 0; s < n_sent; s++) {
        int64_t b0 = sent[s], b1 = s + 1 < n_sent ? sent[s + 1] : n_tok, first = w;
        for (int64_t i = b0; i < b1; i++) {
            int64_t v = remap[tok[i]];
            if (v >= 0)
                tok[w++] = (int32_t)v;
        }
        if (w > first)
            sent[s_out++] = first;
    }
    n_sent = s_out;
    sent[n_sent] = w;
    rep->retained_words = w;
    rep->sentences = n_sent;
    nn_strmap_free(&all);

    c->p = p;
    c->vocab = vocab;
    c->stride = (p->dim + 7) / 8 * 8;
    c->corpus = tok;
    c->sent_start = sent;
    c->n_sent = n_sent;
    c->total_words = w;
    c->syn0 = nn_alloc_aligned((size_t)vocab * (size_t)c->stride, sizeof(float));
    c->syn1neg = nn_alloc_aligned((size_t)vocab * (size_t)c->stride, sizeof(float));
    c->keep = nn_alloc((size_t)vocab, sizeof *c->keep);
    c->table_size = vocab * 100 > 1000000 ? (vocab * 100 < 100000000 ? vocab * 100 : 100000000) : 1000000;
    c->table = nn_alloc((size_t)c->table_size, sizeof *c->table);
    if (!c->syn0 || !c->syn1neg || !c->keep || !c->table)
        goto done;
    memset(c->syn1neg, 0, (size_t)vocab * (size_t)c->stride * sizeof(float));
    /* Input vectors: uniform in [-0.5/dim, 0.5/dim), padding lanes 0. */
    nn_rng r;
    nn_rng_seed(&r, p->seed);
    for (int64_t v = 0; v < vocab; v++)
        for (int d = 0; d < c->stride; d++)
            c->syn0[v * c->stride + d] = d < p->dim ? (float)((nn_rng_uniform(&r) - 0.5) / p->dim) : 0.0f;
    /* Sub-sampling thresholds (gensim's formula). */
    double threshold = p->sample * (double)w;
    for (int64_t v = 0; v < vocab; v++) {
        double cnt = (double)wv->index.counts[v];
        double keep = p->sample > 0 ? (sqrt(cnt / threshold) + 1) * threshold / cnt : 1.0;
        c->keep[v] = keep >= 1.0 ? UINT32_MAX : (uint32_t)(keep * 4294967296.0);
    }
    /* Unigram^0.75 table. */
    double norm = 0;
    for (int64_t v = 0; v < vocab; v++)
        norm += pow((double)wv->index.counts[v], 0.75);
    int64_t v = 0;
    double cum = pow((double)wv->index.counts[0], 0.75) / norm;
    for (int64_t i = 0; i < c->table_size; i++) {
        c->table[i] = (int32_t)v;
        if ((double)(i + 1) / (double)c->table_size > cum && v < vocab - 1) {
            v++;
            cum += pow((double)wv->index.counts[v], 0.75) / norm;
        }
    }
    for (int i = 0; i < EXP_TABLE_SIZE; i++) {
        double x = exp(((double)i / EXP_TABLE_SIZE * 2 - 1) * MAX_EXP);
        c->exp_table[i] = (float)(x / (x + 1));
    }

    /* Split the sentences into contiguous chunks of about equal words. */
    int threads = p->threads > 0 ? p->threads : nn_threads();
    if (threads > n_sent)
        threads = (int)n_sent;
    task_sent = nn_alloc((size_t)threads + 1, sizeof *task_sent);
    if (!task_sent)
        goto done;
    task_sent[0] = 0;
    int64_t s = 0;
    for (int t = 1; t < threads; t++) {
        int64_t target = w * t / threads;
        while (s < n_sent && sent[s] < target)
            s++;
        task_sent[t] = s;
    }
    task_sent[threads] = n_sent;
    c->n_tasks = threads;
    c->task_sent = task_sent;
    atomic_init(&c->words_done, 0);
    if (p->progress)
        nn_progress_start(&c->progress, "word2vec", (int64_t)p->iterations * w, "words");
    int saved = nn_threads();
    nn_set_threads(threads);
    double cpu0 = cpu_now();
    c->start = nn_now();
    nn_parallel_for(threads, train_task, c);
    rep->seconds = nn_now() - c->start;
    rep->cpu_seconds = cpu_now() - cpu0;
    nn_set_threads(saved);
    int64_t done_words = atomic_load(&c->words_done);
    if (p->progress)
        nn_progress_finish(&c->progress, done_words);
    if (done_words < (int64_t)p->iterations * w) {
        nn_set_error("out of memory in a training thread");
        goto done;
    }
    rep->words_per_second = rep->seconds > 0 ? (double)done_words / rep->seconds : 0;

    /* The result: unpadded rows. */
    wv->n = vocab;
    wv->dim = p->dim;
    wv->vec = nn_alloc((size_t)vocab * (size_t)p->dim, sizeof(float));
    if (!wv->vec)
        goto done;
    for (int64_t i = 0; i < vocab; i++)
        memcpy(wv->vec + i * p->dim, c->syn0 + i * c->stride, (size_t)p->dim * sizeof(float));
    rc = 0;
done:
    nn_strmap_free(&all);
    if (c) {
        nn_free_aligned(c->syn0);
        nn_free_aligned(c->syn1neg);
        free(c->keep);
        free(c->table);
        free(c);
    }
    free(tok);
    free(sent);
    free(order);
    free(remap);
    free(task_sent);
    if (rc < 0)
        nn_wordvec_free(wv);
    return rc;
}
