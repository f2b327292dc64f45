#include "text/normalize.h"

#include "text/encoding.h"

#include <string.h>

int nn_norm_parse(const char *name)
{
    if (strcmp(name, "none") == 0)
        return NN_NORM_NONE;
    if (strcmp(name, "lower") == 0)
        return NN_NORM_LOWER;
    if (strcmp(name, "stem") == 0)
        return NN_NORM_STEM;
    return -1;
}

unsigned nn_lower_codepoint(unsigned cp)
{
    if (cp >= 'A' && cp <= 'Z')
        return cp + 32;
    if (cp < 0xC0)
        return cp;
    if (cp <= 0xDE)
        return cp == 0xD7 ? cp : cp + 32; /* 0xD7 is the multiplication sign */
    if (cp < 0x100 || cp > 0x17F)
        return cp;
    /* Latin Extended-A pairs capital/small letters as even/odd code
     * points, shifted by one in 0x139-0x148 and 0x179-0x17E. */
    if (cp == 0x130 || cp == 0x131 || cp == 0x138 || cp == 0x149 || cp == 0x17F)
        return cp; /* dotted I, dotless i, kra, 'n, long s: no simple pair */
    if (cp == 0x178)
        return 0xFF; /* Y with diaeresis */
    if ((cp >= 0x139 && cp <= 0x148) || (cp >= 0x179 && cp <= 0x17E))
        return (cp & 1) ? cp + 1 : cp;
    return (cp & 1) ? cp : cp + 1;
}

/* ---- Porter stemmer -------------------------------------------------
 * Written from the published description of the algorithm: a word is
 * [C](VC)^m[V] and each step removes or replaces a suffix when the
 * measure m of what would remain meets the step's condition. */

typedef struct {
    char *b;
    int k; /* index of the last letter of the word */
    int j; /* index of the last letter of the stem before a suffix */
} stem_t;

static int is_cons(const stem_t *s, int i)
{
    switch (s->b[i]) {
    case 'a': case 'e': case 'i': case 'o': case 'u': return 0;
    case 'y': return i == 0 ? 1 : !is_cons(s, i - 1);
    default: return 1;
    }
}

/* m of b[0..j]: the number of vowel-consonant sequences. */
static int measure(const stem_t *s, int j)
{
    int n = 0, i = 0;
    while (i <= j && is_cons(s, i))
        i++;
    for (;;) {
        while (i <= j && !is_cons(s, i))
            i++;
        if (i > j)
            return n;
        while (i <= j && is_cons(s, i))
            i++;
        n++;
        if (i > j)
            return n;
    }
}

static int has_vowel(const stem_t *s, int j)
{
    for (int i = 0; i <= j; i++)
        if (!is_cons(s, i))
            return 1;
    return 0;
}

/* b[i-1..i] is a double consonant. */
static int double_cons(const stem_t *s, int i)
{
    return i >= 1 && s->b[i] == s->b[i - 1] && is_cons(s, i);
}

/* b[i-2..i] is consonant-vowel-consonant and b[i] is not w, x or y. */
static int cvc(const stem_t *s, int i)
{
    if (i < 2 || !is_cons(s, i) || is_cons(s, i - 1) || !is_cons(s, i - 2))
        return 0;
    char c = s->b[i];
    return c != 'w' && c != 'x' && c != 'y';
}

/* The word ends with suffix; if so s->j is set to the stem's end. */
static int ends(stem_t *s, const char *suffix)
{
    int len = (int)strlen(suffix);
    if (len > s->k + 1 || memcmp(s->b + s->k - len + 1, suffix, (size_t)len) != 0)
        return 0;
    s->j = s->k - len;
    return 1;
}

/* Replace the suffix after j by r. */
static void set_to(stem_t *s, const char *r)
{
    int len = (int)strlen(r);
    memcpy(s->b + s->j + 1, r, (size_t)len);
    s->k = s->j + len;
}

typedef struct {
    const char *suffix, *repl;
} rule;

static void step1ab(stem_t *s)
{
    if (s->b[s->k] == 's') {
        if (ends(s, "sses"))
            s->k -= 2;
        else if (ends(s, "ies"))
            set_to(s, "i");
        else if (s->k >= 1 && s->b[s->k - 1] != 's')
            s->k--;
    }
    if (ends(s, "eed")) {
        if (measure(s, s->j) > 0)
            s->k--;
        return;
    }
    if ((ends(s, "ed") || ends(s, "ing")) && has_vowel(s, s->j)) {
        s->k = s->j;
        if (ends(s, "at"))
            set_to(s, "ate");
        else if (ends(s, "bl"))
            set_to(s, "ble");
        else if (ends(s, "iz"))
            set_to(s, "ize");
        else if (double_cons(s, s->k)) {
            char c = s->b[s->k];
            if (c != 'l' && c != 's' && c != 'z')
                s->k--;
        } else if (measure(s, s->k) == 1 && cvc(s, s->k)) {
            s->j = s->k;
            set_to(s, "e");
        }
    }
}

static void step1c(stem_t *s)
{
    if (ends(s, "y") && has_vowel(s, s->j))
        s->b[s->k] = 'i';
}

static const rule step2_rules[] = {
    {"ational", "ate"}, {"tional", "tion"}, {"enci", "ence"},   {"anci", "ance"},    {"izer", "ize"},
    {"abli", "able"},   {"alli", "al"},     {"entli", "ent"},   {"eli", "e"},        {"ousli", "ous"},
    {"ization", "ize"}, {"ation", "ate"},   {"ator", "ate"},    {"alism", "al"},     {"iveness", "ive"},
    {"fulness", "ful"}, {"ousness", "ous"}, {"aliti", "al"},    {"iviti", "ive"},    {"biliti", "ble"},
    {NULL, NULL}};

static const rule step3_rules[] = {{"icate", "ic"}, {"ative", ""}, {"alize", "al"}, {"iciti", "ic"},
                                   {"ical", "ic"},  {"ful", ""},   {"ness", ""},    {NULL, NULL}};

static const char *const step4_suffixes[] = {"al",  "ance", "ence", "er",  "ic",  "able", "ible", "ant",
                                             "ement", "ment", "ent", "ion", "ou",  "ism",  "ate",  "iti",
                                             "ous", "ive",  "ize",  NULL};

/* Porter's steps 2-4 take the longest matching suffix only: if its
 * condition fails, no shorter suffix is tried. */
static const rule *longest_rule(stem_t *s, const rule *rules)
{
    const rule *best = NULL;
    int best_len = 0;
    for (const rule *r = rules; r->suffix; r++) {
        int len = (int)strlen(r->suffix);
        if (len > best_len && ends(s, r->suffix)) {
            best = r;
            best_len = len;
        }
    }
    if (best)
        ends(s, best->suffix);
    return best;
}

static void step23(stem_t *s, const rule *rules)
{
    const rule *r = longest_rule(s, rules);
    if (r && measure(s, s->j) > 0)
        set_to(s, r->repl);
}

static void step4(stem_t *s)
{
    const char *best = NULL;
    int best_len = 0;
    for (int i = 0; step4_suffixes[i]; i++) {
        int len = (int)strlen(step4_suffixes[i]);
        if (len > best_len && ends(s, step4_suffixes[i])) {
            best = step4_suffixes[i];
            best_len = len;
        }
    }
    if (!best)
        return;
    ends(s, best);
    if (strcmp(best, "ion") == 0 && !(s->j >= 0 && (s->b[s->j] == 's' || s->b[s->j] == 't')))
        return;
    if (measure(s, s->j) > 1)
        s->k = s->j;
}

static void step5(stem_t *s)
{
    s->j = s->k;
    if (s->b[s->k] == 'e') {
        int m = measure(s, s->k - 1);
        if (m > 1 || (m == 1 && !cvc(s, s->k - 1)))
            s->k--;
    }
    if (s->b[s->k] == 'l' && double_cons(s, s->k) && measure(s, s->k) > 1)
        s->k--;
}

size_t nn_porter_stem(char *w, size_t len)
{
    if (len <= 2)
        return len; /* too short to stem, as in Porter's own version */
    stem_t s = {w, (int)len - 1, 0};
    step1ab(&s);
    if (s.k > 0) {
        step1c(&s);
        step23(&s, step2_rules);
        step23(&s, step3_rules);
        step4(&s);
        step5(&s);
    }
    return (size_t)s.k + 1;
}

int nn_normalize(nn_norm_mode mode, const char *w, size_t len, char *out, size_t out_size)
{
    if (mode == NN_NORM_NONE) {
        if (len + 1 > out_size)
            return -1;
        memcpy(out, w, len);
        out[len] = 0;
        return (int)len;
    }
    size_t o = 0;
    int ascii_letters = len > 0;
    const unsigned char *u = (const unsigned char *)w;
    for (size_t i = 0; i < len;) {
        uint32_t cp;
        int n = nn_utf8_get(u + i, len - i, &cp);
        if (n == 0) { /* not UTF-8: copy the byte as it is */
            cp = 0;
            n = 1;
        }
        if (o + 5 > out_size)
            return -1;
        if (cp == 0) {
            out[o++] = (char)u[i];
            ascii_letters = 0;
        } else {
            unsigned lc = nn_lower_codepoint(cp);
            o += (size_t)nn_utf8_put(lc, out + o);
            if (lc < 'a' || lc > 'z')
                ascii_letters = 0;
        }
        i += (size_t)n;
    }
    if (mode == NN_NORM_STEM && ascii_letters)
        o = nn_porter_stem(out, o);
    out[o] = 0;
    return (int)o;
}
