/* Deflate decoder (RFC 1951).
 *
 * Speed comes from three things:
 *  - a 64-bit bit buffer refilled 7-8 bytes at a time with one unaligned
 *    load, so one refill covers a whole length/distance pair (at most
 *    15 + 5 + 15 + 13 = 48 bits);
 *  - two-level decoding tables: a root table indexed by the next ROOT
 *    bits gives the symbol and its code length at once; the few longer
 *    codes go through a link to a small second-level table;
 *  - table entries that already hold the length/distance base value and
 *    the number of extra bits, so no second lookup is needed.
 *
 * The whole output stays in memory, so the "window" is simply the output
 * buffer and distances are checked against the bytes written so far. */
#include "io/inflate.h"

#include "core/error.h"
#include "core/mem.h"

#include <stdlib.h>
#include <string.h>

#define LL_ROOT 10 /* root bits of the literal/length table */
#define D_ROOT 8   /* root bits of the distance table */
#define MAX_BITS 15
/* A second-level table of s bits covers a complete subtree of depth s,
 * which holds at least s + 1 codes, and s <= 15 - root.  So n symbols need
 * at most n / (16 - root) tables of 2^(15 - root) entries beyond the root
 * (build_table still checks, in case this reasoning is ever wrong). */
#define LL_SIZE ((1 << LL_ROOT) + (286 / (16 - LL_ROOT) + 1) * (1 << (MAX_BITS - LL_ROOT)))
#define D_SIZE ((1 << D_ROOT) + (30 / (16 - D_ROOT) + 1) * (1 << (MAX_BITS - D_ROOT)))
/* Bytes allocated past cap so that 8-byte match copies may overrun. */
#define SLACK 16

/* Table entry: value << 16 | kind << 8 | bits.
 * kind: K_LIT literal (value = byte), K_LEN | extra: length or distance
 * base with `extra` extra bits, K_END end of block, K_LINK: value = offset
 * of a second-level table with `bits` index bits (after the root bits),
 * K_BAD: a symbol that may not occur (or a code that does not exist). */
enum { K_LIT = 0x00, K_LEN = 0x20, K_END = 0x40, K_LINK = 0x80, K_BAD = 0xC0 };

static const uint16_t len_base[29] = {3,  4,  5,  6,  7,  8,  9,  10, 11,  13,  15,  17,  19,  23, 27,
                                      31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258};
static const uint8_t len_extra[29] = {0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2,
                                      2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0};
static const uint16_t dist_base[30] = {1,    2,    3,    4,    5,    7,     9,     13,    17,  25,
                                       33,   49,   65,   97,   129,  193,   257,   385,   513, 769,
                                       1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577};
static const uint8_t dist_extra[30] = {0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6,
                                       6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13};
/* Order of the code-length code lengths in a dynamic block header. */
static const uint8_t cl_order[19] = {16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15};

typedef enum { T_LITLEN, T_DIST, T_CODELEN } table_kind;

typedef struct {
    const uint8_t *ip, *end;
    uint64_t bb;      /* bit buffer, next bit in bit 0 */
    unsigned bitcnt;  /* valid bits in bb */
    size_t over;      /* zero bytes invented past the end of the input */
    uint8_t *out;     /* output buffer */
    size_t pos, cap;  /* bytes written, usable capacity */
    size_t start;     /* first byte of this stream in out */
    uint32_t ll[LL_SIZE];
    uint32_t dist[D_SIZE];
    uint32_t fixed_ll[LL_SIZE];
    uint32_t fixed_dist[D_SIZE];
    int have_fixed;
} inflater;

static inline uint64_t load_le64(const uint8_t *p)
{
    /* Compilers turn this into one load on little-endian machines. */
    return (uint64_t)p[0] | (uint64_t)p[1] << 8 | (uint64_t)p[2] << 16 | (uint64_t)p[3] << 24 |
           (uint64_t)p[4] << 32 | (uint64_t)p[5] << 40 | (uint64_t)p[6] << 48 | (uint64_t)p[7] << 56;
}

/* Near the end of the input: add bytes one by one, zeros past the end.
 * Invented zeros are fine to look at (a table lookup may peek past the
 * last code) but not to consume: once more bits were consumed than the
 * input holds, the stream was truncated. */
static int refill_slow(inflater *s)
{
    if (s->over * 8 > s->bitcnt)
        return nn_set_error("truncated deflate data");
    while (s->bitcnt <= 56) {
        if (s->ip < s->end)
            s->bb |= (uint64_t)*s->ip++ << s->bitcnt;
        else
            s->over++;
        s->bitcnt += 8;
    }
    return 0;
}

/* Make at least 56 bits available.  The fast path loads 8 bytes and keeps
 * the whole bytes that fit; the bits above bitcnt are then the next input
 * bytes, which the next refill ORs in again unchanged. */
static inline int refill(inflater *s)
{
    if (s->end - s->ip >= 8) {
        s->bb |= load_le64(s->ip) << s->bitcnt;
        s->ip += (63 - s->bitcnt) >> 3;
        s->bitcnt |= 56;
        return 0;
    }
    return refill_slow(s);
}

static inline uint32_t bits(inflater *s, unsigned n) { return (uint32_t)(s->bb & (((uint64_t)1 << n) - 1)); }

static inline void drop(inflater *s, unsigned n)
{
    s->bb >>= n;
    s->bitcnt -= n;
}

/* Read n <= 32 bits (after a refill, so at most 56 available). */
static int getbits(inflater *s, unsigned n, uint32_t *v)
{
    if (s->bitcnt < n && refill(s))
        return -1;
    *v = bits(s, n);
    drop(s, n);
    return 0;
}

static uint32_t reverse_bits(uint32_t code, unsigned len)
{
    uint32_t r = 0;
    for (unsigned i = 0; i < len; i++) {
        r = (r << 1) | (code & 1);
        code >>= 1;
    }
    return r;
}

static uint32_t make_entry(table_kind kind, unsigned sym, unsigned nbits)
{
    unsigned k, v;
    if (kind == T_CODELEN) {
        k = K_LIT;
        v = sym;
    } else if (kind == T_LITLEN) {
        if (sym < 256) {
            k = K_LIT;
            v = sym;
        } else if (sym == 256) {
            k = K_END;
            v = 0;
        } else if (sym <= 285) {
            k = K_LEN | len_extra[sym - 257];
            v = len_base[sym - 257];
        } else {
            k = K_BAD;
            v = 0;
        }
    } else {
        if (sym < 30) {
            k = K_LEN | dist_extra[sym];
            v = dist_base[sym];
        } else {
            k = K_BAD;
            v = 0;
        }
    }
    return (uint32_t)v << 16 | (uint32_t)k << 8 | nbits;
}

/* Build a two-level table from code lengths lens[0..n).  Rejects
 * over-subscribed sets, and incomplete ones except a single code of
 * length 1 (RFC 1951 allows one distance code; zlib accepts the same for
 * literal/length codes).  An all-zero set is accepted for distances (a
 * block with literals only); its entries are K_BAD. */
static int build_table(uint32_t *table, unsigned size, unsigned root, const uint8_t *lens, unsigned n,
                       table_kind kind)
{
    unsigned count[MAX_BITS + 1] = {0}, offs[MAX_BITS + 2];
    uint16_t sorted[320];
    const char *what = kind == T_LITLEN ? "literal/length" : kind == T_DIST ? "distance" : "code length";

    for (unsigned i = 0; i < n; i++)
        count[lens[i]]++;
    count[0] = 0;
    unsigned used = n, max = MAX_BITS;
    while (max > 0 && count[max] == 0)
        max--;
    for (unsigned i = 0; i < n; i++)
        if (lens[i] == 0)
            used--;
    const uint32_t bad = (uint32_t)K_BAD << 8; /* consumes no bits; decoding it is an error */
    if (used == 0) {
        if (kind != T_DIST)
            return nn_set_error("invalid deflate data: empty %s code", what);
        for (unsigned i = 0; i < (1u << root); i++)
            table[i] = bad;
        return 0;
    }
    int left = 1;
    for (unsigned len = 1; len <= MAX_BITS; len++) {
        left <<= 1;
        left -= (int)count[len];
        if (left < 0)
            return nn_set_error("invalid deflate data: over-subscribed %s code", what);
    }
    if (left > 0 && !(used == 1 && max == 1 && kind != T_CODELEN))
        return nn_set_error("invalid deflate data: incomplete %s code", what);

    offs[1] = 0;
    for (unsigned len = 1; len <= MAX_BITS; len++)
        offs[len + 1] = offs[len] + count[len];
    for (unsigned i = 0; i < n; i++)
        if (lens[i])
            sorted[offs[lens[i]]++] = (uint16_t)i;

    unsigned root_size = 1u << root;
    if (left > 0) /* the single-code case: the other half stays invalid */
        for (unsigned i = 0; i < root_size; i++)
            table[i] = bad;

    /* Walk the codes in canonical order (by length, then symbol).  code is
     * the canonical (MSB-first) code; the decoder sees it bit-reversed. */
    uint32_t code = 0;
    unsigned next_free = root_size; /* next second-level table */
    uint32_t cur_prefix = UINT32_MAX;
    unsigned sub_base = 0, sub_bits = 0;
    unsigned remaining[MAX_BITS + 1];
    memcpy(remaining, count, sizeof remaining);
    unsigned k = 0;
    for (unsigned len = 1; len <= max; len++) {
        for (unsigned c = 0; c < count[len]; c++, k++) {
            unsigned sym = sorted[k];
            uint32_t rev = reverse_bits(code, len);
            if (len <= root) {
                uint32_t e = make_entry(kind, sym, len);
                for (uint32_t i = rev; i < root_size; i += 1u << len)
                    table[i] = e;
            } else {
                uint32_t prefix = rev & (root_size - 1);
                if (prefix != cur_prefix) {
                    /* Size the new table: enough bits for the codes that
                     * share this prefix, taken from the remaining counts. */
                    unsigned sb = len - root;
                    int room = 1 << sb;
                    while (sb + root < max) {
                        room -= (int)remaining[sb + root];
                        if (room <= 0)
                            break;
                        sb++;
                        room <<= 1;
                    }
                    if (next_free + (1u << sb) > size)
                        return nn_set_error("invalid deflate data: %s code too sparse", what);
                    cur_prefix = prefix;
                    sub_base = next_free;
                    sub_bits = sb;
                    next_free += 1u << sb;
                    table[prefix] = (uint32_t)sub_base << 16 | (uint32_t)K_LINK << 8 | sb;
                }
                uint32_t e = make_entry(kind, sym, len - root);
                for (uint32_t i = rev >> root; i < (1u << sub_bits); i += 1u << (len - root))
                    table[sub_base + i] = e;
            }
            remaining[len]--;
            code++;
        }
        code <<= 1;
    }
    return 0;
}

/* Decode one symbol (the caller has refilled). */
static inline uint32_t decode(inflater *s, const uint32_t *table, unsigned root)
{
    uint32_t e = table[s->bb & ((1u << root) - 1)];
    if ((e >> 8 & 0xff) == K_LINK) {
        drop(s, root);
        e = table[(e >> 16) + bits(s, e & 0xff)];
    }
    drop(s, e & 0xff);
    return e;
}

static int build_fixed(inflater *s)
{
    uint8_t lens[288];
    unsigned i = 0;
    for (; i < 144; i++)
        lens[i] = 8;
    for (; i < 256; i++)
        lens[i] = 9;
    for (; i < 280; i++)
        lens[i] = 7;
    for (; i < 288; i++)
        lens[i] = 8;
    if (build_table(s->fixed_ll, LL_SIZE, LL_ROOT, lens, 288, T_LITLEN))
        return -1;
    for (i = 0; i < 32; i++)
        lens[i] = 5;
    if (build_table(s->fixed_dist, D_SIZE, D_ROOT, lens, 32, T_DIST))
        return -1;
    s->have_fixed = 1;
    return 0;
}

static int read_dynamic(inflater *s)
{
    uint32_t hlit, hdist, hclen, v;
    if (getbits(s, 5, &hlit) || getbits(s, 5, &hdist) || getbits(s, 4, &hclen))
        return -1;
    unsigned nlit = hlit + 257, ndist = hdist + 1, ncl = hclen + 4;
    if (nlit > 286)
        return nn_set_error("invalid deflate data: %u literal/length codes", nlit);
    if (ndist > 30)
        return nn_set_error("invalid deflate data: %u distance codes", ndist);
    uint8_t cl_lens[19] = {0};
    for (unsigned i = 0; i < ncl; i++) {
        if (getbits(s, 3, &v))
            return -1;
        cl_lens[cl_order[i]] = (uint8_t)v;
    }
    uint32_t cl_table[1 << 7];
    if (build_table(cl_table, 1 << 7, 7, cl_lens, 19, T_CODELEN))
        return -1;

    uint8_t lens[286 + 30];
    unsigned n = 0, total = nlit + ndist;
    while (n < total) {
        if (s->bitcnt < 14 && refill(s)) /* 7-bit code + 7 extra bits */
            return -1;
        uint32_t e = cl_table[s->bb & 127];
        if ((e >> 8 & 0xff) == K_BAD)
            return nn_set_error("invalid deflate data: bad code length code");
        drop(s, e & 0xff);
        unsigned sym = e >> 16;
        if (sym < 16) {
            lens[n++] = (uint8_t)sym;
            continue;
        }
        unsigned rep;
        uint8_t val = 0;
        if (sym == 16) {
            if (n == 0)
                return nn_set_error("invalid deflate data: repeat with no previous length");
            val = lens[n - 1];
            rep = 3 + bits(s, 2);
            drop(s, 2);
        } else if (sym == 17) {
            rep = 3 + bits(s, 3);
            drop(s, 3);
        } else {
            rep = 11 + bits(s, 7);
            drop(s, 7);
        }
        if (rep > total - n)
            return nn_set_error("invalid deflate data: code lengths repeat past the end");
        memset(lens + n, val, rep);
        n += rep;
    }
    if (lens[256] == 0)
        return nn_set_error("invalid deflate data: no end-of-block code");
    if (build_table(s->ll, LL_SIZE, LL_ROOT, lens, nlit, T_LITLEN) ||
        build_table(s->dist, D_SIZE, D_ROOT, lens + nlit, ndist, T_DIST))
        return -1;
    return 0;
}

/* Make room for `need` more bytes, doubling up to the allocation limit. */
static int grow(inflater *s, size_t need)
{
    size_t limit = nn_alloc_limit();
    limit = limit > SLACK ? limit - SLACK : 0;
    if (need > limit || s->pos > limit - need)
        return nn_set_error("decompressed data exceeds the size limit (%zu bytes)", limit);
    size_t cap = s->cap < 4096 ? 4096 : s->cap;
    while (cap - s->pos < need)
        cap = cap > limit / 2 ? limit : cap * 2;
    if (cap > limit)
        cap = limit;
    uint8_t *p = nn_realloc(s->out, cap + SLACK, 1);
    if (!p)
        return -1;
    s->out = p;
    s->cap = cap;
    return 0;
}

static int copy_stored(inflater *s)
{
    /* Give back the whole bytes still in the bit buffer (invented zero
     * bytes first), so that ip points at the LEN field. */
    drop(s, s->bitcnt & 7);
    size_t back = s->bitcnt / 8;
    if (s->over >= back) {
        s->over -= back;
        back = 0;
    } else {
        back -= s->over;
        s->over = 0;
    }
    if (s->over)
        return nn_set_error("truncated deflate data");
    s->ip -= back;
    s->bb = 0;
    s->bitcnt = 0;
    if (s->end - s->ip < 4)
        return nn_set_error("truncated deflate data");
    unsigned len = s->ip[0] | s->ip[1] << 8, nlen = s->ip[2] | s->ip[3] << 8;
    s->ip += 4;
    if (len != (~nlen & 0xffff))
        return nn_set_error("invalid deflate data: stored block length check fails");
    if ((size_t)(s->end - s->ip) < len)
        return nn_set_error("truncated deflate data");
    if (s->cap - s->pos < len && grow(s, len))
        return -1;
    memcpy(s->out + s->pos, s->ip, len);
    s->pos += len;
    s->ip += len;
    return 0;
}

/* Copy len bytes from dist back; the source may overlap the destination
 * (a run).  8-byte steps may write up to 7 bytes past the end (SLACK). */
static inline void copy_match(uint8_t *dst, size_t dist, unsigned len)
{
    const uint8_t *src = dst - dist;
    if (dist >= 8) {
        uint8_t *end = dst + len;
        do {
            memcpy(dst, src, 8);
            dst += 8;
            src += 8;
        } while (dst < end);
    } else if (dist == 1) {
        memset(dst, src[0], len);
    } else {
        for (unsigned i = 0; i < len; i++)
            dst[i] = src[i];
    }
}

static int decode_block(inflater *s, const uint32_t *ll, const uint32_t *dt)
{
    for (;;) {
        if (refill(s))
            return -1;
        uint32_t e = decode(s, ll, LL_ROOT);
        unsigned kind = e >> 8 & 0xff;
        if (kind == K_LIT) {
            if (s->pos >= s->cap && grow(s, 1))
                return -1;
            s->out[s->pos++] = (uint8_t)(e >> 16);
            /* A second literal often follows; 41 bits cover it. */
            if (s->bitcnt >= MAX_BITS) {
                e = ll[s->bb & ((1u << LL_ROOT) - 1)];
                if ((e >> 8 & 0xff) == K_LIT) {
                    drop(s, e & 0xff);
                    if (s->pos >= s->cap && grow(s, 1))
                        return -1;
                    s->out[s->pos++] = (uint8_t)(e >> 16);
                }
            }
            continue;
        }
        if (kind & K_LEN) {
            unsigned extra = kind & 0x1f;
            unsigned len = (e >> 16) + bits(s, extra);
            drop(s, extra);
            e = decode(s, dt, D_ROOT);
            kind = e >> 8 & 0xff;
            if (!(kind & K_LEN) || kind >= K_LINK)
                return nn_set_error("invalid deflate data: bad distance code");
            extra = kind & 0x1f;
            size_t dist = (e >> 16) + bits(s, extra);
            drop(s, extra);
            if (dist > s->pos - s->start)
                return nn_set_error("invalid deflate data: distance %zu too far back (%zu bytes written)", dist,
                                    s->pos - s->start);
            if (s->cap - s->pos < len && grow(s, len))
                return -1;
            copy_match(s->out + s->pos, dist, len);
            s->pos += len;
            continue;
        }
        if (kind == K_END)
            return 0;
        return nn_set_error("invalid deflate data: bad literal/length code");
    }
}

int nn_inflate_append(const uint8_t *in, size_t in_len, size_t size_hint, nn_inflate_buf *buf, size_t *consumed)
{
    inflater *s = malloc(sizeof *s);
    if (!s)
        return nn_set_error("out of memory");
    s->ip = in;
    s->end = in + in_len;
    s->bb = 0;
    s->bitcnt = 0;
    s->over = 0;
    s->out = buf->data;
    s->pos = s->start = buf->len;
    s->cap = buf->data ? buf->cap : 0;
    s->have_fixed = 0;
    int rc = 0;
    /* The hint is only a first guess and may come from an untrusted
     * trailer: never reserve more than deflate can expand this input to
     * (about 1032 : 1), nor more than 1 GiB or half the limit at once. */
    size_t most = in_len < (SIZE_MAX - 4096) / 1032 ? in_len * 1032 + 4096 : SIZE_MAX;
    if (most > ((size_t)1 << 30))
        most = (size_t)1 << 30;
    if (most > nn_alloc_limit() / 2)
        most = nn_alloc_limit() / 2;
    if (size_hint > most)
        size_hint = most;
    if (!s->out || s->cap - s->pos < size_hint)
        rc = grow(s, size_hint);
    for (int final = 0; !rc && !final;) {
        uint32_t hdr;
        if (getbits(s, 3, &hdr)) {
            rc = -1;
            break;
        }
        final = hdr & 1;
        switch (hdr >> 1) {
        case 0:
            rc = copy_stored(s);
            break;
        case 1:
            rc = (s->have_fixed || !build_fixed(s)) ? decode_block(s, s->fixed_ll, s->fixed_dist) : -1;
            break;
        case 2:
            rc = read_dynamic(s) ? -1 : decode_block(s, s->ll, s->dist);
            break;
        default:
            rc = nn_set_error("invalid deflate data: block type 3");
        }
    }
    if (!rc && s->over * 8 > s->bitcnt)
        rc = nn_set_error("truncated deflate data");
    buf->data = s->out;
    buf->cap = s->cap;
    if (rc) {
        if (buf->data)
            buf->data[buf->len] = 0;
        free(s);
        return -1;
    }
    buf->len = s->pos;
    buf->data[buf->len] = 0;
    if (consumed) {
        /* Whole bytes left in the bit buffer were not used. */
        size_t unused = s->bitcnt / 8 - s->over;
        *consumed = (size_t)(s->ip - in) - unused;
    }
    free(s);
    return 0;
}

int nn_inflate(const uint8_t *in, size_t in_len, size_t size_hint, uint8_t **out, size_t *out_len, size_t *consumed)
{
    nn_inflate_buf b = {0};
    if (nn_inflate_append(in, in_len, size_hint, &b, consumed)) {
        free(b.data);
        *out = NULL;
        *out_len = 0;
        return -1;
    }
    *out = b.data;
    *out_len = b.len;
    return 0;
}
