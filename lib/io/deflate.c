/* Deflate compressor (RFC 1951).
 *
 * The input is all in memory, so the LZ77 window is the input itself:
 * a hash of the next 3 bytes leads to the most recent position with the
 * same hash (head), and prev[] chains each position to the previous one
 * (only the last 32 KiB are reachable, so prev is indexed modulo 32 KiB).
 * Levels 1-3 take the longest match found (greedy); levels 4-9 look one
 * byte ahead before committing to a match (lazy matching).
 *
 * Symbols are collected into blocks; each block is written as dynamic
 * Huffman, fixed Huffman or stored, whichever is smallest (the sizes are
 * computed exactly before writing). */
#include "io/deflate.h"

#include "core/error.h"
#include "core/mem.h"

#include <stdlib.h>
#include <string.h>

#define WSIZE 32768
#define WMASK (WSIZE - 1)
#define HASH_BITS 15
#define MIN_MATCH 3
#define MAX_MATCH 258
#define BLOCK_SYMS 16384  /* symbols per block */
#define BLOCK_BYTES 65535 /* bytes per stored block */
#define FAR_THREE 4096    /* a 3-byte match farther away than this rarely pays */
#define NIL 0u            /* empty hash slot; slots hold position - base + 1 */
#define REBASE (1u << 30)

typedef struct {
    uint16_t good;  /* a match this long: search a quarter of the chain */
    uint16_t lazy;  /* lazy levels: do not look for a better match beyond this */
    uint16_t nice;  /* stop searching at a match this long */
    uint16_t chain; /* positions tried per search */
} level_params;

static const level_params params[10] = {
    {0, 0, 0, 0},         {4, 0, 8, 4},          {4, 0, 16, 8},    {4, 0, 32, 32},
    {4, 4, 16, 16},       {8, 16, 32, 32},       {8, 16, 128, 128}, {8, 32, 160, 256},
    {32, 128, 258, 1024}, {32, 258, 258, 4096},
};

static const uint16_t len_base[29] = {3,  4,  5,  6,  7,  8,  9,  10, 11,  13,  15,  17,  19,  23, 27,
                                      31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258};
static const uint8_t len_extra[29] = {0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2,
                                      2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0};
static const uint16_t dist_base[30] = {1,    2,    3,    4,    5,    7,     9,     13,    17,  25,
                                       33,   49,   65,   97,   129,  193,   257,   385,   513, 769,
                                       1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577};
static const uint8_t dist_extra[30] = {0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6,
                                       6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13};
static const uint8_t cl_order[19] = {16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15};

typedef struct {
    uint16_t lit; /* literal byte, or match length 3..258 */
    uint16_t dist; /* 0 for a literal, else 1..32768 */
} symbol;

typedef struct {
    /* output */
    uint8_t *out;
    size_t len, cap;
    uint64_t bits;
    unsigned nbits;
    int failed;
    /* input and matcher */
    const uint8_t *in;
    size_t n;
    size_t base; /* slots hold position - base + 1 */
    uint32_t *head, *prev;
    /* current block */
    symbol *syms;
    size_t nsyms;
    size_t block_start;
    uint32_t ll_freq[286], d_freq[30];
    int level;
} deflater;

/* ---- bit output --------------------------------------------------------- */

static void out_bytes(deflater *z, const void *p, size_t n)
{
    if (z->failed)
        return;
    if (z->cap - z->len < n) {
        size_t cap = z->cap * 2 > z->len + n ? z->cap * 2 : z->len + n + 64;
        uint8_t *q = nn_realloc(z->out, cap, 1);
        if (!q) {
            z->failed = 1;
            return;
        }
        z->out = q;
        z->cap = cap;
    }
    memcpy(z->out + z->len, p, n);
    z->len += n;
}

/* Append n <= 32 bits, least significant first. */
static inline void put(deflater *z, uint32_t v, unsigned n)
{
    z->bits |= (uint64_t)v << z->nbits;
    z->nbits += n;
    if (z->nbits >= 32) {
        uint8_t b[4] = {(uint8_t)z->bits, (uint8_t)(z->bits >> 8), (uint8_t)(z->bits >> 16),
                        (uint8_t)(z->bits >> 24)};
        if (z->cap - z->len >= 4) {
            memcpy(z->out + z->len, b, 4);
            z->len += 4;
        } else {
            out_bytes(z, b, 4);
        }
        z->bits >>= 32;
        z->nbits -= 32;
    }
}

/* Pad to a byte boundary with zero bits and write out whole bytes. */
static void align(deflater *z)
{
    while (z->nbits > 0) {
        uint8_t b = (uint8_t)z->bits;
        out_bytes(z, &b, 1);
        z->bits >>= 8;
        z->nbits = z->nbits > 8 ? z->nbits - 8 : 0;
    }
    z->bits = 0;
}

/* ---- Huffman codes ------------------------------------------------------ */

/* Code lengths (at most `limit` bits) for the frequencies freq[0..n), by
 * Huffman's algorithm on a sorted list with two queues (leaves, and
 * merged nodes, which are created in nondecreasing weight order).  Too
 * long codes are then cut to the limit and the Kraft sum restored by
 * moving leaves down from shorter lengths.  At least two symbols always
 * get a code, so every code is complete (strict decoders reject
 * incomplete ones). */
static void huffman_lengths(const uint32_t *freq_in, unsigned n, unsigned limit, uint8_t *lens)
{
    uint32_t freq[320];
    uint16_t leaf[320];
    unsigned m = 0;
    memcpy(freq, freq_in, n * sizeof *freq);
    memset(lens, 0, n);
    for (unsigned i = 0; i < n; i++)
        if (freq[i])
            m++;
    for (unsigned i = 0; m < 2 && i < n; i++)
        if (!freq[i]) {
            freq[i] = 1;
            m++;
        }
    m = 0;
    for (unsigned i = 0; i < n; i++)
        if (freq[i])
            leaf[m++] = (uint16_t)i;
    /* Callers pass n >= 2, so m >= 2 here; saying so also tells gcc (s390x
     * at -O3 warns of depth[nn - 1] with nn = 0 otherwise). */
    if (m < 2)
        return;
    /* Insertion sort by frequency (n <= 286, and mostly sorted runs). */
    for (unsigned i = 1; i < m; i++) {
        uint16_t s = leaf[i];
        unsigned j = i;
        while (j > 0 && freq[leaf[j - 1]] > freq[s]) {
            leaf[j] = leaf[j - 1];
            j--;
        }
        leaf[j] = s;
    }
    /* Nodes 0..m-1 are leaves (in sorted order), m.. are merged nodes. */
    uint64_t w[640];
    uint16_t parent[640];
    for (unsigned i = 0; i < m; i++)
        w[i] = freq[leaf[i]];
    unsigned li = 0, ni = m, nn = m;
    for (unsigned k = 0; k + 1 < m; k++) {
        unsigned pick[2];
        for (int t = 0; t < 2; t++) {
            if (li < m && (ni >= nn || w[li] <= w[ni]))
                pick[t] = li++;
            else
                pick[t] = ni++;
        }
        w[nn] = w[pick[0]] + w[pick[1]];
        parent[pick[0]] = parent[pick[1]] = (uint16_t)nn;
        nn++;
    }
    /* Depths, from the root (the last node) down. */
    uint8_t depth[640];
    depth[nn - 1] = 0;
    for (unsigned i = nn - 1; i-- > 0;)
        depth[i] = (uint8_t)(depth[parent[i]] + 1 > 60 ? 60 : depth[parent[i]] + 1);
    unsigned count[64] = {0};
    for (unsigned i = 0; i < m; i++)
        count[depth[i] > limit ? limit : depth[i]]++;
    uint64_t kraft = 0;
    for (unsigned len = 1; len <= limit; len++)
        kraft += (uint64_t)count[len] << (limit - len);
    /* Each step: one leaf leaves the longest length, and a shorter leaf
     * becomes two one level deeper (the removed leaf and itself). */
    while (kraft > (1u << limit)) {
        count[limit]--;
        for (unsigned len = limit - 1; len > 0; len--)
            if (count[len]) {
                count[len]--;
                count[len + 1] += 2;
                break;
            }
        kraft--;
    }
    /* Longest codes to the rarest symbols (leaf[] is rarest first). */
    unsigned k = 0;
    for (unsigned len = limit; len > 0; len--)
        for (unsigned c = 0; c < count[len]; c++)
            lens[leaf[k++]] = (uint8_t)len;
}

/* Canonical codes, bit-reversed for LSB-first output. */
static void make_codes(const uint8_t *lens, unsigned n, uint16_t *codes)
{
    unsigned count[16] = {0}, next[16];
    for (unsigned i = 0; i < n; i++)
        count[lens[i]]++;
    count[0] = 0;
    unsigned code = 0;
    for (unsigned len = 1; len < 16; len++) {
        code = (code + count[len - 1]) << 1;
        next[len] = code;
    }
    for (unsigned i = 0; i < n; i++) {
        unsigned len = lens[i];
        if (!len)
            continue;
        unsigned c = next[len]++, r = 0;
        for (unsigned b = 0; b < len; b++) {
            r = (r << 1) | (c & 1);
            c >>= 1;
        }
        codes[i] = (uint16_t)r;
    }
}

/* Index of the highest set bit of x > 0. */
static inline unsigned top_bit(unsigned x)
{
#if defined(__GNUC__) || defined(__clang__)
    return 31 - (unsigned)__builtin_clz(x);
#else
    unsigned b = 0;
    while (x >>= 1)
        b++;
    return b;
#endif
}

static inline unsigned length_symbol(unsigned len)
{
    unsigned l = len - 3;
    if (l < 8)
        return 257 + l;
    if (l == 255)
        return 285;
    unsigned nb = top_bit(l);
    return 257 + 4 * (nb - 1) + ((l >> (nb - 2)) & 3);
}

static inline unsigned dist_symbol(unsigned dist)
{
    unsigned x = dist - 1;
    if (x < 4)
        return x;
    unsigned nb = top_bit(x);
    return 2 * nb + ((x >> (nb - 1)) & 1);
}

/* ---- blocks ------------------------------------------------------------- */

typedef struct {
    uint8_t sym, extra;
} cl_item;

/* Run-length code the code lengths (symbols 16, 17, 18). */
static unsigned rle_lengths(const uint8_t *l, unsigned total, cl_item *items)
{
    unsigned k = 0, i = 0;
    while (i < total) {
        uint8_t v = l[i];
        unsigned run = 1;
        while (i + run < total && l[i + run] == v)
            run++;
        i += run;
        if (v == 0) {
            while (run >= 11) {
                unsigned r = run < 138 ? run : 138;
                items[k++] = (cl_item){18, (uint8_t)(r - 11)};
                run -= r;
            }
            if (run >= 3) {
                items[k++] = (cl_item){17, (uint8_t)(run - 3)};
                run = 0;
            }
        } else {
            items[k++] = (cl_item){v, 0};
            run--;
            while (run >= 3) {
                unsigned r = run < 6 ? run : 6;
                items[k++] = (cl_item){16, (uint8_t)(r - 3)};
                run -= r;
            }
        }
        while (run--)
            items[k++] = (cl_item){v, 0};
    }
    return k;
}

static void fixed_lengths(uint8_t *ll, uint8_t *d)
{
    for (unsigned i = 0; i < 288; i++)
        ll[i] = i < 144 ? 8 : i < 256 ? 9 : i < 280 ? 7 : 8;
    for (unsigned i = 0; i < 30; i++)
        d[i] = 5;
}

/* Bits of the block's symbols coded with the given lengths. */
static uint64_t data_bits(const deflater *z, const uint8_t *ll, const uint8_t *d)
{
    uint64_t b = 0;
    for (unsigned i = 0; i < 286; i++)
        b += (uint64_t)z->ll_freq[i] * (ll[i] + (i >= 257 ? len_extra[i - 257] : 0));
    for (unsigned i = 0; i < 30; i++)
        b += (uint64_t)z->d_freq[i] * (d[i] + dist_extra[i]);
    return b;
}

static void write_symbols(deflater *z, const uint8_t *ll_len, const uint16_t *ll_code, const uint8_t *d_len,
                          const uint16_t *d_code)
{
    for (size_t i = 0; i < z->nsyms; i++) {
        symbol s = z->syms[i];
        if (s.dist == 0) {
            put(z, ll_code[s.lit], ll_len[s.lit]);
            continue;
        }
        unsigned ls = length_symbol(s.lit), ds = dist_symbol(s.dist);
        put(z, ll_code[ls], ll_len[ls]);
        put(z, s.lit - len_base[ls - 257], len_extra[ls - 257]);
        put(z, d_code[ds], d_len[ds]);
        put(z, s.dist - dist_base[ds], dist_extra[ds]);
    }
    put(z, ll_code[256], ll_len[256]);
}

static void write_stored(deflater *z, const uint8_t *p, size_t n, int final)
{
    do {
        size_t k = n < BLOCK_BYTES ? n : BLOCK_BYTES;
        n -= k;
        put(z, final && n == 0, 1);
        put(z, 0, 2);
        align(z);
        uint8_t hdr[4] = {(uint8_t)k, (uint8_t)(k >> 8), (uint8_t)~k, (uint8_t)(~k >> 8)};
        out_bytes(z, hdr, 4);
        out_bytes(z, p, k);
        p += k;
    } while (n > 0);
}

/* Write the symbols collected for in[block_start..end) as one block. */
static void flush_block(deflater *z, size_t end, int final)
{
    size_t nbytes = end - z->block_start;
    const uint8_t *raw = z->in + z->block_start;
    /* stored: 3 header bits, padding, 4 length bytes per 64 KiB piece */
    uint64_t stored = (uint64_t)nbytes * 8 + 40 * (nbytes / BLOCK_BYTES + 1) + 7;
    if (z->level == 0) {
        write_stored(z, raw, nbytes, final);
        goto done;
    }
    z->ll_freq[256] = 1;
    uint8_t ll_len[288], d_len[30], fl[288], fd[30], cl_len[19];
    uint16_t ll_code[288], d_code[30], cl_code[19];
    huffman_lengths(z->ll_freq, 286, 15, ll_len);
    huffman_lengths(z->d_freq, 30, 15, d_len);
    unsigned hlit = 286, hdist = 30;
    while (hlit > 257 && ll_len[hlit - 1] == 0)
        hlit--;
    while (hdist > 1 && d_len[hdist - 1] == 0)
        hdist--;
    uint8_t all[316];
    memcpy(all, ll_len, hlit);
    memcpy(all + hlit, d_len, hdist);
    cl_item items[316];
    unsigned nitems = rle_lengths(all, hlit + hdist, items);
    uint32_t cl_freq[19] = {0};
    for (unsigned i = 0; i < nitems; i++)
        cl_freq[items[i].sym]++;
    huffman_lengths(cl_freq, 19, 7, cl_len);
    unsigned hclen = 19;
    while (hclen > 4 && cl_len[cl_order[hclen - 1]] == 0)
        hclen--;
    uint64_t dyn = 3 + 14 + 3 * hclen;
    for (unsigned i = 0; i < nitems; i++)
        dyn += cl_len[items[i].sym] + (items[i].sym == 16 ? 2 : items[i].sym == 17 ? 3 : items[i].sym == 18 ? 7 : 0);
    dyn += data_bits(z, ll_len, d_len);
    fixed_lengths(fl, fd);
    uint64_t fixed = 3 + data_bits(z, fl, fd);

    if (stored <= dyn && stored <= fixed) {
        write_stored(z, raw, nbytes, final);
    } else if (fixed <= dyn) {
        uint16_t fc[288], fdc[30];
        make_codes(fl, 288, fc);
        make_codes(fd, 30, fdc);
        put(z, final, 1);
        put(z, 1, 2);
        write_symbols(z, fl, fc, fd, fdc);
    } else {
        make_codes(ll_len, 286, ll_code);
        make_codes(d_len, 30, d_code);
        make_codes(cl_len, 19, cl_code);
        put(z, final, 1);
        put(z, 2, 2);
        put(z, hlit - 257, 5);
        put(z, hdist - 1, 5);
        put(z, hclen - 4, 4);
        for (unsigned i = 0; i < hclen; i++)
            put(z, cl_len[cl_order[i]], 3);
        for (unsigned i = 0; i < nitems; i++) {
            cl_item it = items[i];
            put(z, cl_code[it.sym], cl_len[it.sym]);
            if (it.sym >= 16)
                put(z, it.extra, it.sym == 16 ? 2 : it.sym == 17 ? 3 : 7);
        }
        write_symbols(z, ll_len, ll_code, d_len, d_code);
    }
done:
    z->nsyms = 0;
    z->block_start = end;
    memset(z->ll_freq, 0, sizeof z->ll_freq);
    memset(z->d_freq, 0, sizeof z->d_freq);
}

static inline void emit_literal(deflater *z, uint8_t c)
{
    z->syms[z->nsyms++] = (symbol){c, 0};
    z->ll_freq[c]++;
}

static inline void emit_match(deflater *z, unsigned len, unsigned dist)
{
    z->syms[z->nsyms++] = (symbol){(uint16_t)len, (uint16_t)dist};
    z->ll_freq[length_symbol(len)]++;
    z->d_freq[dist_symbol(dist)]++;
}

/* ---- LZ77 matching ------------------------------------------------------ */

static inline uint32_t hash3(const uint8_t *p)
{
    uint32_t v = (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16;
    return (v * 0x9E3779B1u) >> (32 - HASH_BITS);
}

/* Positions are stored relative to base (+1, 0 = empty) in 32 bits; every
 * 2^30 bytes base moves up and older entries, long out of the window,
 * are dropped. */
static void rebase(deflater *z, size_t pos)
{
    if (pos - z->base < 2 * (size_t)REBASE)
        return;
    for (size_t i = 0; i < (1u << HASH_BITS); i++)
        z->head[i] = z->head[i] > REBASE ? z->head[i] - REBASE : NIL;
    for (size_t i = 0; i < WSIZE; i++)
        z->prev[i] = z->prev[i] > REBASE ? z->prev[i] - REBASE : NIL;
    z->base += REBASE;
}

/* Insert pos into its hash chain; returns the previous head (or NIL). */
static inline uint32_t insert(deflater *z, size_t pos)
{
    uint32_t h = hash3(z->in + pos);
    uint32_t old = z->head[h];
    z->prev[pos & WMASK] = old;
    z->head[h] = (uint32_t)(pos - z->base + 1);
    return old;
}

static inline unsigned match_length(const uint8_t *a, const uint8_t *b, unsigned max)
{
    unsigned len = 0;
#if (defined(__GNUC__) || defined(__clang__)) && defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    /* 8 bytes at a time; the first differing byte is the lowest set bit / 8. */
    while (len + 8 <= max) {
        uint64_t x, y;
        memcpy(&x, a + len, 8);
        memcpy(&y, b + len, 8);
        if (x != y)
            return len + (unsigned)__builtin_ctzll(x ^ y) / 8;
        len += 8;
    }
#endif
    while (len < max && a[len] == b[len])
        len++;
    return len;
}

/* Longest match for pos among the chain starting at cand (a slot value),
 * longer than `best`.  Returns its length (or best if none), *dist. */
static unsigned longest_match(const deflater *z, size_t pos, uint32_t cand, unsigned best, unsigned *dist)
{
    const level_params *lp = &params[z->level];
    unsigned chain = lp->chain;
    unsigned max = z->n - pos < MAX_MATCH ? (unsigned)(z->n - pos) : MAX_MATCH;
    unsigned nice = lp->nice < max ? lp->nice : max;
    if (best >= max)
        return best;
    if (best >= lp->good)
        chain >>= 2;
    const uint8_t *s = z->in + pos;
    size_t lowest = pos > WSIZE ? pos - WSIZE : 0;
    while (cand != NIL && chain-- > 0) {
        size_t c = z->base + cand - 1;
        if (c < lowest)
            break;
        const uint8_t *p = z->in + c;
        if (p[best] == s[best] && p[0] == s[0] && p[1] == s[1]) {
            unsigned len = match_length(p, s, max);
            if (len > best) {
                best = len;
                *dist = (unsigned)(pos - c);
                if (len >= nice)
                    break;
            }
        }
        uint32_t next = z->prev[c & WMASK];
        if (next >= cand) /* stale slot (cannot happen within the window) */
            break;
        cand = next;
    }
    return best;
}

static void maybe_flush(deflater *z, size_t upto)
{
    if (z->nsyms >= BLOCK_SYMS)
        flush_block(z, upto, 0);
}

static void compress_greedy(deflater *z)
{
    size_t pos = 0, n = z->n;
    while (pos < n) {
        unsigned len = 0, dist = 0;
        if (n - pos >= MIN_MATCH) {
            rebase(z, pos);
            uint32_t cand = insert(z, pos);
            len = longest_match(z, pos, cand, MIN_MATCH - 1, &dist);
            if (len == MIN_MATCH && dist > FAR_THREE)
                len = 0;
        }
        if (len >= MIN_MATCH) {
            emit_match(z, len, dist);
            size_t end = pos + len;
            for (size_t q = pos + 1; q < end && n - q >= MIN_MATCH; q++)
                insert(z, q);
            pos = end;
        } else {
            emit_literal(z, z->in[pos]);
            pos++;
        }
        maybe_flush(z, pos);
    }
}

static void compress_lazy(deflater *z)
{
    const level_params *lp = &params[z->level];
    size_t pos = 0, n = z->n;
    int pending = 0; /* a literal or match at pos - 1 not yet emitted */
    unsigned prev_len = 0, prev_dist = 0;
    while (pos < n) {
        unsigned len = MIN_MATCH - 1, dist = 0;
        if (n - pos >= MIN_MATCH) {
            rebase(z, pos);
            uint32_t cand = insert(z, pos);
            if (!pending || prev_len < lp->lazy) {
                unsigned from = pending && prev_len >= MIN_MATCH ? prev_len : MIN_MATCH - 1;
                len = longest_match(z, pos, cand, from, &dist);
                if (len == from)
                    len = MIN_MATCH - 1;
                if (len == MIN_MATCH && dist > FAR_THREE)
                    len = MIN_MATCH - 1;
            }
        }
        if (pending && prev_len >= MIN_MATCH && len <= prev_len) {
            /* The match at pos - 1 is at least as good: take it. */
            emit_match(z, prev_len, prev_dist);
            size_t end = pos - 1 + prev_len;
            for (size_t q = pos + 1; q < end && n - q >= MIN_MATCH; q++)
                insert(z, q);
            pos = end;
            pending = 0;
            maybe_flush(z, pos);
            continue;
        }
        if (pending) {
            emit_literal(z, z->in[pos - 1]);
            maybe_flush(z, pos);
        }
        pending = 1;
        prev_len = len;
        prev_dist = dist;
        pos++;
    }
    if (pending)
        emit_literal(z, z->in[n - 1]);
}

size_t nn_deflate_bound(size_t n)
{
    /* Every block costs at most its stored size: 5 bytes per 64 KiB
     * piece; blocks end every BLOCK_SYMS symbols (>= that many bytes). */
    return n + 5 * (n / BLOCK_BYTES + n / BLOCK_SYMS + 2) + 16;
}

int nn_deflate(const uint8_t *in, size_t in_len, int level, uint8_t **out, size_t *out_len)
{
    if (level == -1)
        level = 6;
    if (level < 0 || level > 9)
        return nn_set_error("compression level %d is not in 0..9", level);
    deflater *z = calloc(1, sizeof *z);
    if (!z)
        return nn_set_error("out of memory");
    z->in = in;
    z->n = in_len;
    z->level = level;
    z->cap = nn_deflate_bound(in_len);
    z->out = nn_alloc(z->cap, 1);
    if (level > 0) {
        z->head = nn_calloc((size_t)1 << HASH_BITS, sizeof *z->head);
        z->prev = nn_calloc(WSIZE, sizeof *z->prev);
        z->syms = nn_alloc(BLOCK_SYMS + 1, sizeof *z->syms);
    }
    if (!z->out || (level > 0 && (!z->head || !z->prev || !z->syms))) {
        free(z->out);
        free(z->head);
        free(z->prev);
        free(z->syms);
        free(z);
        return -1;
    }
    if (level == 0)
        ;
    else if (params[level].lazy == 0)
        compress_greedy(z);
    else
        compress_lazy(z);
    flush_block(z, in_len, 1);
    align(z);
    free(z->head);
    free(z->prev);
    free(z->syms);
    if (z->failed) {
        free(z->out);
        free(z);
        return -1;
    }
    *out = z->out;
    *out_len = z->len;
    free(z);
    return 0;
}
