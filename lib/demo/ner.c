/* Template sentences with named entities, in the layout of the Kaggle
 * ner_dataset.csv (GMB): the text pipeline reads them like the real file. */
#include "core/error.h"
#include "core/mem.h"
#include "demo/demo.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Entities: space-separated words (every word NNP unless marked word/POS). */
static const char *const per[] = {"John Smith", "Maria Lopez", "Ahmed Karimi", "George Bush", "Angela Weber",
                                  "Hu Jintao", "Kofi Annan", "Vladimir Petrov", "Ana Silva", "Omar Haddad",
                                  "President Lee", "Mr. Brown"};
static const char *const geo[] = {"Baghdad", "London", "New York", "Iraq", "Afghanistan", "Paris", "Gaza",
                                  "South Africa", "Moscow", "Kabul", "Europe", "Tokyo", "Nairobi", "Lima"};
static const char *const org[] = {"United Nations", "European Union", "NATO", "World Bank", "Hamas", "Reuters",
                                  "Red Cross", "Congress", "Interior Ministry", "Al-Qaida", "Toyota", "IMF"};
static const char *const gpe[] = {"Iranian/JJ", "American/JJ", "French/JJ", "Chinese/JJ", "Israeli/JJ",
                                  "Russian/JJ", "Iraqi/JJ", "British/JJ", "Palestinians/NNPS", "Kenyan/JJ"};
static const char *const tim[] = {"Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Sunday", "2005/CD",
                                  "January", "March", "1998/CD", "December", "Saturday"};
static const char *const art[] = {"Nobel Prize", "Windows", "Koran", "Bible"};
static const char *const eve[] = {"World Cup", "Olympics", "Christmas", "Ramadan"};
static const char *const nat[] = {"Hurricane Katrina", "H5N1", "Tsunami", "Rita"};

/* Templates: word/POS tokens and {TYPE} slots.  A few hold a comma, a
 * quote or a number with a comma, which the CSV must quote. */
static const char *const templates[] = {
    "{GPE} officials/NNS say/VBP {PER} met/VBD leaders/NNS of/IN the/DT {ORG} in/IN {GEO} on/IN {TIM} ./.",
    "{PER} arrived/VBD in/IN {GEO} on/IN {TIM} for/IN talks/NNS with/IN the/DT {ORG} ./.",
    "The/DT {ORG} said/VBD ,/, \"/`` the/DT situation/NN in/IN {GEO} is/VBZ serious/JJ \"/'' ./.",
    "Thousands/NNS of/IN people/NNS protested/VBD in/IN {GEO} on/IN {TIM} against/IN the/DT {GPE} plan/NN ./.",
    "{GPE} troops/NNS killed/VBD 10,000/CD militants/NNS near/IN {GEO} ,/, officials/NNS said/VBD ./.",
    "{PER} won/VBD the/DT {ART} in/IN {TIM} ./.",
    "Fans/NNS in/IN {GEO} celebrated/VBD the/DT {EVE} on/IN {TIM} ./.",
    "{NAT} hit/VBD {GEO} on/IN {TIM} ,/, killing/VBG dozens/NNS ./.",
    "The/DT {ORG} has/VBZ asked/VBN {PER} to/TO visit/VB {GEO} ./.",
    "Police/NNS say/VBP a/DT bomb/NN exploded/VBD in/IN {GEO} ./.",
    "{PER} told/VBD reporters/NNS the/DT {ORG} will/MD meet/VB again/RB on/IN {TIM} ./.",
    "Oil/NN prices/NNS rose/VBD sharply/RB in/IN {GEO} ./.",
    "{GPE} and/CC {GPE} diplomats/NNS met/VBD in/IN {GEO} ./.",
    "Officials/NNS from/IN the/DT {ORG} and/CC the/DT {ORG} signed/VBD an/DT agreement/NN ./.",
};

typedef struct {
    char *buf;
    size_t len, cap;
    int failed;
} sbuf;

static void put(sbuf *s, const char *fmt, ...)
{
    if (s->failed)
        return;
    va_list ap;
    for (;;) {
        va_start(ap, fmt);
        int n = vsnprintf(s->buf ? s->buf + s->len : NULL, s->buf ? s->cap - s->len : 0, fmt, ap);
        va_end(ap);
        if (n < 0) {
            s->failed = 1;
            return;
        }
        if (s->buf && s->len + (size_t)n < s->cap) {
            s->len += (size_t)n;
            return;
        }
        size_t want = (s->cap ? s->cap * 2 : 4096) + (size_t)n;
        char *p = nn_realloc(s->buf, want, 1);
        if (!p) {
            s->failed = 1;
            return;
        }
        s->buf = p;
        s->cap = want;
    }
}

/* A CSV field, quoted when it holds a comma or a quote (RFC 4180). */
static void put_field(sbuf *s, const char *f, size_t n)
{
    int quote = memchr(f, ',', n) || memchr(f, '"', n);
    if (!quote) {
        put(s, "%.*s", (int)n, f);
        return;
    }
    put(s, "\"");
    for (size_t i = 0; i < n; i++)
        if (f[i] == '"')
            put(s, "\"\"");
        else
            put(s, "%c", f[i]);
    put(s, "\"");
}

/* One token: "word/POS" (or a bare word with default_pos) and its tag. */
static void put_token(sbuf *s, int *first, int64_t sent, const char *tok, size_t n, const char *default_pos,
                      const char *tag)
{
    const char *slash = NULL;
    for (size_t i = n; i > 1; i--)
        if (tok[i - 1] == '/') {
            slash = tok + i - 1;
            break;
        }
    size_t wlen = slash ? (size_t)(slash - tok) : n;
    const char *pos = slash ? slash + 1 : default_pos;
    size_t plen = slash ? n - wlen - 1 : strlen(default_pos);
    if (*first)
        put(s, "Sentence: %lld,", (long long)sent);
    else
        put(s, ",");
    *first = 0;
    put_field(s, tok, wlen);
    put(s, ",");
    put_field(s, pos, plen);
    put(s, ",%s\r\n", tag);
}

static const char *pick(nn_rng *r, const char *const *list, size_t n) { return list[nn_rng_below(r, n)]; }
#define PICK(r, a) pick(r, a, sizeof a / sizeof *a)

int nn_demo_ner_csv(uint64_t seed, int64_t n, char **text, size_t *len)
{
    if (n < 1)
        return nn_set_error("the number of sentences must be at least 1");
    nn_rng rng;
    nn_rng_seed(&rng, seed);
    sbuf s = {0};
    put(&s, "Sentence #,Word,POS,Tag\r\n");
    for (int64_t k = 1; k <= n && !s.failed; k++) {
        const char *t = templates[nn_rng_below(&rng, sizeof templates / sizeof *templates)];
        int first = 1;
        while (*t) {
            while (*t == ' ')
                t++;
            if (!*t)
                break;
            const char *e = t;
            while (*e && *e != ' ')
                e++;
            if (*t == '{') {
                const char *ent = NULL, *type = NULL;
                if (!strncmp(t, "{PER}", 5)) ent = PICK(&rng, per), type = "per";
                else if (!strncmp(t, "{GEO}", 5)) ent = PICK(&rng, geo), type = "geo";
                else if (!strncmp(t, "{ORG}", 5)) ent = PICK(&rng, org), type = "org";
                else if (!strncmp(t, "{GPE}", 5)) ent = PICK(&rng, gpe), type = "gpe";
                else if (!strncmp(t, "{TIM}", 5)) ent = PICK(&rng, tim), type = "tim";
                else if (!strncmp(t, "{ART}", 5)) ent = PICK(&rng, art), type = "art";
                else if (!strncmp(t, "{EVE}", 5)) ent = PICK(&rng, eve), type = "eve";
                else ent = PICK(&rng, nat), type = "nat";
                int inside = 0;
                while (*ent) {
                    const char *we = strchr(ent, ' ');
                    size_t wl = we ? (size_t)(we - ent) : strlen(ent);
                    char tag[8];
                    snprintf(tag, sizeof tag, "%c-%s", inside ? 'I' : 'B', type);
                    put_token(&s, &first, k, ent, wl, "NNP", tag);
                    inside = 1;
                    ent += wl;
                    while (*ent == ' ')
                        ent++;
                }
            } else {
                put_token(&s, &first, k, t, (size_t)(e - t), "NN", "O");
            }
            t = e;
        }
    }
    if (s.failed) {
        free(s.buf);
        return nn_set_error("out of memory");
    }
    *text = s.buf;
    *len = s.len;
    return 0;
}
