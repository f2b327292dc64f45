/* JPEG decoding: markers, Huffman entropy decoding of sequential and
 * progressive scans into per-component coefficient arrays, then IDCT,
 * upsampling and colour conversion (jpeg.h says what is supported).
 *
 * All scans decode into one int16 coefficient array per component
 * (blocks padded to whole MCUs), so baseline, multi-scan sequential and
 * progressive files share the output stage.  Every read is bounds
 * checked: the bit reader feeds zero bytes past the end of the segment
 * and counts them; consuming any of them means the data is truncated or
 * corrupt, which is an error (checked after every MCU, so a huge header
 * on a tiny file fails fast). */
#include "image/jpeg.h"

#include "core/error.h"
#include "core/file.h"
#include "core/mem.h"

#include <stdlib.h>
#include <string.h>

/* Zigzag position -> natural (row-major) index. */
static const uint8_t zigzag[64] = {
    0,  1,  8,  16, 9,  2,  3,  10, 17, 24, 32, 25, 18, 11, 4,  5,  12, 19, 26, 33, 40, 48,
    41, 34, 27, 20, 13, 6,  7,  14, 21, 28, 35, 42, 49, 56, 57, 50, 43, 36, 29, 22, 15, 23,
    30, 37, 44, 51, 58, 59, 52, 45, 38, 31, 39, 46, 53, 60, 61, 54, 47, 55, 62, 63};

#define FAST_BITS 9

typedef struct {
    int present;
    uint8_t fast_len[1 << FAST_BITS]; /* 0: code longer than FAST_BITS */
    uint8_t fast_val[1 << FAST_BITS];
    int32_t maxcode[17];   /* largest code of each length, -1 if none */
    int32_t valoffset[17]; /* vals index of a code = code + valoffset[len] */
    uint8_t vals[256];
} huff_table;

typedef struct {
    int id, h, v, tq;
    int cw, ch;      /* samples of this component in the image */
    int bw, bh;      /* blocks allocated (whole MCUs) */
    int dc_tbl, ac_tbl;
    int pred;        /* DC predictor */
    int16_t *coef;   /* bh * bw blocks of 64, natural order */
    uint16_t q[64];  /* quantizer, latched at the component's first scan */
    int q_latched;
} component;

typedef struct {
    const uint8_t *data;
    size_t len, pos;
    /* bit reader */
    uint64_t buf;  /* next bits, MSB first */
    int cnt;       /* valid bits in buf */
    size_t fake;   /* zero bytes fed past a marker or the end */
    int at_marker;

    uint16_t quant[4][64]; /* natural order */
    int quant_set[4];
    huff_table dc[4], ac[4];

    int frame, progressive;
    int width, height, ncomp, hmax, vmax, mcux, mcuy;
    component comp[3];
    int restart_interval;
    int jfif, adobe, adobe_transform;
    int scans;
    int eobrun;
} decoder;

/* ---- bit reader ------------------------------------------------------ */

static void fill(decoder *d)
{
    while (d->cnt <= 56) {
        unsigned b = 0;
        if (!d->at_marker && d->pos < d->len) {
            b = d->data[d->pos];
            if (b == 0xFF) {
                /* FF 00 is a stuffed FF; FF FF is fill before a marker;
                 * FF xx is a marker: stop feeding real data there. */
                if (d->pos + 1 < d->len && d->data[d->pos + 1] == 0x00) {
                    d->pos += 2;
                } else if (d->pos + 1 < d->len && d->data[d->pos + 1] == 0xFF) {
                    d->pos++;
                    continue;
                } else {
                    d->at_marker = 1;
                    b = 0;
                    d->fake++;
                }
            } else {
                d->pos++;
            }
        } else {
            d->fake++;
        }
        d->buf |= (uint64_t)b << (56 - d->cnt);
        d->cnt += 8;
    }
}

/* 1 if the decoder has used bits that are not in the file. */
static int overran(const decoder *d) { return d->fake * 8 > (size_t)d->cnt; }

static void reader_reset(decoder *d)
{
    d->buf = 0;
    d->cnt = 0;
    d->fake = 0;
    d->at_marker = 0;
}

static inline unsigned get_bits(decoder *d, int n)
{
    if (n == 0)
        return 0;
    if (d->cnt < n)
        fill(d);
    unsigned v = (unsigned)(d->buf >> (64 - n));
    d->buf <<= n;
    d->cnt -= n;
    return v;
}

/* The signed value of an n-bit magnitude category (T.81 F.2.2.1). */
static inline int extend(unsigned v, int n)
{
    if (n == 0)
        return 0;
    return v < (1u << (n - 1)) ? (int)v - (int)(1u << n) + 1 : (int)v;
}

static int huff_decode(decoder *d, const huff_table *h)
{
    if (d->cnt < 16)
        fill(d);
    unsigned peek = (unsigned)(d->buf >> (64 - FAST_BITS));
    int len = h->fast_len[peek];
    if (len) {
        d->buf <<= len;
        d->cnt -= len;
        return h->fast_val[peek];
    }
    for (int l = FAST_BITS + 1; l <= 16; l++) {
        int32_t code = (int32_t)(d->buf >> (64 - l));
        if (code <= h->maxcode[l]) {
            d->buf <<= l;
            d->cnt -= l;
            return h->vals[code + h->valoffset[l]];
        }
    }
    return -1;
}

/* ---- marker segments ------------------------------------------------- */

static int rd16(const uint8_t *p) { return p[0] << 8 | p[1]; }

static int build_huff(huff_table *h, const uint8_t *counts, const uint8_t *vals, int nvals)
{
    memset(h, 0, sizeof *h);
    memcpy(h->vals, vals, (size_t)nvals);
    int32_t code = 0;
    int k = 0;
    for (int l = 1; l <= 16; l++) {
        int n = counts[l - 1];
        h->valoffset[l] = k - code;
        h->maxcode[l] = n ? code + n - 1 : -1;
        for (int i = 0; i < n; i++, k++, code++) {
            if (code >= (1 << l))
                return nn_set_error("corrupt JPEG: bad Huffman table (too many codes of length %d)", l);
            if (l <= FAST_BITS) {
                int shift = FAST_BITS - l;
                for (int j = 0; j < (1 << shift); j++) {
                    h->fast_len[(code << shift) | j] = (uint8_t)l;
                    h->fast_val[(code << shift) | j] = vals[k];
                }
            }
        }
        code <<= 1;
    }
    h->present = 1;
    return 0;
}

static int parse_dht(decoder *d, const uint8_t *p, int n)
{
    while (n > 0) {
        if (n < 17)
            return nn_set_error("corrupt JPEG: short DHT segment");
        int tc = p[0] >> 4, th = p[0] & 15;
        if (tc > 1 || th > 3)
            return nn_set_error("corrupt JPEG: bad Huffman table class/id %d/%d", tc, th);
        int total = 0;
        for (int i = 0; i < 16; i++)
            total += p[1 + i];
        if (total > 256 || 17 + total > n)
            return nn_set_error("corrupt JPEG: bad Huffman table size");
        if (build_huff(tc ? &d->ac[th] : &d->dc[th], p + 1, p + 17, total))
            return -1;
        p += 17 + total;
        n -= 17 + total;
    }
    return 0;
}

static int parse_dqt(decoder *d, const uint8_t *p, int n)
{
    while (n > 0) {
        int pq = p[0] >> 4, tq = p[0] & 15;
        if (pq > 1 || tq > 3)
            return nn_set_error("corrupt JPEG: bad quantization table precision/id %d/%d", pq, tq);
        int need = 1 + 64 * (pq + 1);
        if (n < need)
            return nn_set_error("corrupt JPEG: short DQT segment");
        for (int i = 0; i < 64; i++)
            d->quant[tq][zigzag[i]] = (uint16_t)(pq ? rd16(p + 1 + 2 * i) : p[1 + i]);
        d->quant_set[tq] = 1;
        p += need;
        n -= need;
    }
    return 0;
}

static int parse_sof(decoder *d, const uint8_t *p, int n, int marker)
{
    if (d->frame)
        return nn_set_error("corrupt JPEG: more than one frame");
    if (n < 6)
        return nn_set_error("corrupt JPEG: short SOF segment");
    if (p[0] != 8)
        return nn_set_error("%d-bit JPEG is not supported (only 8-bit samples)", p[0]);
    d->height = rd16(p + 1);
    d->width = rd16(p + 3);
    d->ncomp = p[5];
    if (d->height == 0)
        return nn_set_error("JPEG with the height in a DNL marker is not supported");
    if (d->width == 0)
        return nn_set_error("corrupt JPEG: zero width");
    if ((int64_t)d->width * d->height > NN_JPEG_MAX_PIXELS)
        return nn_set_error("JPEG image too large (%dx%d, more than %lld pixels)", d->width, d->height,
                            (long long)NN_JPEG_MAX_PIXELS);
    if (d->ncomp == 4)
        return nn_set_error("CMYK/YCCK (4-component) JPEG is not supported");
    if (d->ncomp != 1 && d->ncomp != 3)
        return nn_set_error("JPEG with %d components is not supported", d->ncomp);
    if (n < 6 + 3 * d->ncomp)
        return nn_set_error("corrupt JPEG: short SOF segment");
    d->progressive = marker == 0xC2;
    d->hmax = d->vmax = 1;
    for (int i = 0; i < d->ncomp; i++) {
        component *c = &d->comp[i];
        const uint8_t *q = p + 6 + 3 * i;
        c->id = q[0];
        c->h = q[1] >> 4;
        c->v = q[1] & 15;
        c->tq = q[2];
        if (c->h < 1 || c->h > 4 || c->v < 1 || c->v > 4)
            return nn_set_error("corrupt JPEG: bad sampling factors %dx%d", c->h, c->v);
        if (c->tq > 3)
            return nn_set_error("corrupt JPEG: bad quantization table id %d", c->tq);
        for (int j = 0; j < i; j++)
            if (d->comp[j].id == c->id)
                return nn_set_error("corrupt JPEG: two components with id %d", c->id);
        if (c->h > d->hmax)
            d->hmax = c->h;
        if (c->v > d->vmax)
            d->vmax = c->v;
    }
    if (d->ncomp == 1) {
        /* A single component is never subsampled (T.81 A.2.2). */
        d->comp[0].h = d->comp[0].v = d->hmax = d->vmax = 1;
    }
    d->mcux = (d->width + 8 * d->hmax - 1) / (8 * d->hmax);
    d->mcuy = (d->height + 8 * d->vmax - 1) / (8 * d->vmax);
    for (int i = 0; i < d->ncomp; i++) {
        component *c = &d->comp[i];
        if (d->hmax % c->h || d->vmax % c->v)
            return nn_set_error("JPEG with fractional sampling ratios is not supported");
        c->cw = (int)(((int64_t)d->width * c->h + d->hmax - 1) / d->hmax);
        c->ch = (int)(((int64_t)d->height * c->v + d->vmax - 1) / d->vmax);
        c->bw = d->mcux * c->h;
        c->bh = d->mcuy * c->v;
        size_t blocks;
        if (nn_mul_size((size_t)c->bw, (size_t)c->bh, &blocks))
            return -1;
        c->coef = nn_calloc(blocks, 64 * sizeof(int16_t));
        if (!c->coef)
            return -1;
    }
    d->frame = 1;
    return 0;
}

/* ---- block decoders -------------------------------------------------- */

static inline int16_t clamp16(int v) { return (int16_t)(v < -32768 ? -32768 : v > 32767 ? 32767 : v); }
/* Keep predictors in 16 bits so corrupt streams cannot overflow int. */
static inline int wrap16(int v) { return ((v + 32768) & 0xFFFF) - 32768; }

static int bad_code(void) { return nn_set_error("corrupt JPEG data: bad Huffman code"); }

static int decode_dc_value(decoder *d, component *c, int *out)
{
    int t = huff_decode(d, &d->dc[c->dc_tbl]);
    if (t < 0)
        return bad_code();
    if (t > 15)
        return nn_set_error("corrupt JPEG data: DC magnitude category %d", t);
    c->pred = wrap16(c->pred + extend(get_bits(d, t), t));
    *out = c->pred;
    return 0;
}

static int block_baseline(decoder *d, component *c, int16_t *blk)
{
    int dc;
    if (decode_dc_value(d, c, &dc))
        return -1;
    blk[0] = (int16_t)dc;
    const huff_table *ac = &d->ac[c->ac_tbl];
    for (int k = 1; k < 64;) {
        int rs = huff_decode(d, ac);
        if (rs < 0)
            return bad_code();
        int r = rs >> 4, s = rs & 15;
        if (s) {
            k += r;
            if (k > 63)
                return nn_set_error("corrupt JPEG data: coefficient index past 63");
            blk[zigzag[k]] = (int16_t)extend(get_bits(d, s), s);
            k++;
        } else {
            if (r != 15)
                break;
            k += 16;
        }
    }
    return 0;
}

static int block_dc_first(decoder *d, component *c, int16_t *blk, int al)
{
    int dc;
    if (decode_dc_value(d, c, &dc))
        return -1;
    blk[0] = clamp16(dc * (1 << al));
    return 0;
}

static int block_dc_refine(decoder *d, int16_t *blk, int al)
{
    if (get_bits(d, 1))
        blk[0] = (int16_t)(blk[0] | (1 << al));
    return 0;
}

static int block_ac_first(decoder *d, component *c, int16_t *blk, int ss, int se, int al)
{
    if (d->eobrun > 0) {
        d->eobrun--;
        return 0;
    }
    const huff_table *ac = &d->ac[c->ac_tbl];
    for (int k = ss; k <= se;) {
        int rs = huff_decode(d, ac);
        if (rs < 0)
            return bad_code();
        int r = rs >> 4, s = rs & 15;
        if (s) {
            k += r;
            if (k > se)
                return nn_set_error("corrupt JPEG data: coefficient index past the band");
            blk[zigzag[k]] = clamp16(extend(get_bits(d, s), s) * (1 << al));
            k++;
        } else if (r == 15) {
            k += 16;
        } else {
            d->eobrun = (1 << r) - 1;
            if (r)
                d->eobrun += (int)get_bits(d, r);
            break;
        }
    }
    return 0;
}

/* Correction bit for a coefficient that is already nonzero. */
static inline void refine(decoder *d, int16_t *coef, int p1)
{
    if (get_bits(d, 1) && (*coef & p1) == 0)
        *coef = clamp16(*coef >= 0 ? *coef + p1 : *coef - p1);
}

static int block_ac_refine(decoder *d, component *c, int16_t *blk, int ss, int se, int al)
{
    int p1 = 1 << al;
    int k = ss;
    if (d->eobrun == 0) {
        const huff_table *ac = &d->ac[c->ac_tbl];
        for (; k <= se; k++) {
            int rs = huff_decode(d, ac);
            if (rs < 0)
                return bad_code();
            int r = rs >> 4, s = rs & 15, val = 0;
            if (s) {
                if (s != 1)
                    return nn_set_error("corrupt JPEG data: bad refinement magnitude");
                val = get_bits(d, 1) ? p1 : -p1;
            } else if (r != 15) {
                d->eobrun = 1 << r;
                if (r)
                    d->eobrun += (int)get_bits(d, r);
                break;
            }
            /* Skip r zero coefficients (refining nonzero ones on the way),
             * then place the new one at the next zero. */
            for (; k <= se; k++) {
                int16_t *coef = &blk[zigzag[k]];
                if (*coef)
                    refine(d, coef, p1);
                else if (r-- == 0)
                    break;
            }
            if (val && k <= se)
                blk[zigzag[k]] = (int16_t)val;
        }
    }
    if (d->eobrun > 0) {
        for (; k <= se; k++) {
            int16_t *coef = &blk[zigzag[k]];
            if (*coef)
                refine(d, coef, p1);
        }
        d->eobrun--;
    }
    return 0;
}

/* ---- scans ----------------------------------------------------------- */

typedef struct {
    int n;
    component *c[4];
    int ss, se, ah, al;
} scan_info;

static int decode_block(decoder *d, const scan_info *s, component *c, int bx, int by)
{
    int16_t *blk = c->coef + ((size_t)by * (size_t)c->bw + (size_t)bx) * 64;
    if (!d->progressive)
        return block_baseline(d, c, blk);
    if (s->ss == 0)
        return s->ah ? block_dc_refine(d, blk, s->al) : block_dc_first(d, c, blk, s->al);
    return s->ah ? block_ac_refine(d, c, blk, s->ss, s->se, s->al)
                 : block_ac_first(d, c, blk, s->ss, s->se, s->al);
}

static int restart(decoder *d, int *next_rst)
{
    if (overran(d))
        return nn_set_error("corrupt or truncated JPEG data");
    reader_reset(d);
    while (d->pos + 1 < d->len && d->data[d->pos] == 0xFF && d->data[d->pos + 1] == 0xFF)
        d->pos++;
    if (d->pos + 1 >= d->len)
        return nn_set_error("truncated JPEG data (missing restart marker)");
    if (d->data[d->pos] != 0xFF || d->data[d->pos + 1] != 0xD0 + *next_rst)
        return nn_set_error("corrupt JPEG data: expected restart marker %d", *next_rst);
    d->pos += 2;
    *next_rst = (*next_rst + 1) & 7;
    for (int i = 0; i < d->ncomp; i++)
        d->comp[i].pred = 0;
    d->eobrun = 0;
    return 0;
}

static int decode_scan(decoder *d, const scan_info *s)
{
    reader_reset(d);
    for (int i = 0; i < d->ncomp; i++)
        d->comp[i].pred = 0;
    d->eobrun = 0;
    int next_rst = 0;
    int64_t units, done = 0;
    int ubw = 0;
    if (s->n == 1) {
        component *c = s->c[0];
        ubw = (c->cw + 7) / 8;
        units = (int64_t)ubw * ((c->ch + 7) / 8);
    } else {
        units = (int64_t)d->mcux * d->mcuy;
    }
    for (int64_t u = 0; u < units; u++) {
        if (d->restart_interval && done == d->restart_interval) {
            if (restart(d, &next_rst))
                return -1;
            done = 0;
        }
        if (s->n == 1) {
            if (decode_block(d, s, s->c[0], (int)(u % ubw), (int)(u / ubw)))
                return -1;
        } else {
            int mx = (int)(u % d->mcux), my = (int)(u / d->mcux);
            for (int i = 0; i < s->n; i++) {
                component *c = s->c[i];
                for (int y = 0; y < c->v; y++)
                    for (int x = 0; x < c->h; x++)
                        if (decode_block(d, s, c, mx * c->h + x, my * c->v + y))
                            return -1;
            }
        }
        if (overran(d))
            return nn_set_error("truncated or corrupt JPEG data");
        done++;
    }
    return 0;
}

static int parse_sos(decoder *d, const uint8_t *p, int n, scan_info *s)
{
    if (!d->frame)
        return nn_set_error("corrupt JPEG: scan before the frame header");
    if (n < 1 || p[0] < 1 || p[0] > 4 || n < 4 + 2 * p[0])
        return nn_set_error("corrupt JPEG: bad SOS segment");
    s->n = p[0];
    int blocks = 0;
    for (int i = 0; i < s->n; i++) {
        int id = p[1 + 2 * i], tables = p[2 + 2 * i];
        component *c = NULL;
        for (int j = 0; j < d->ncomp; j++)
            if (d->comp[j].id == id)
                c = &d->comp[j];
        if (!c)
            return nn_set_error("corrupt JPEG: scan names unknown component %d", id);
        for (int j = 0; j < i; j++)
            if (s->c[j] == c)
                return nn_set_error("corrupt JPEG: component %d twice in a scan", id);
        c->dc_tbl = tables >> 4;
        c->ac_tbl = tables & 15;
        if (c->dc_tbl > 3 || c->ac_tbl > 3)
            return nn_set_error("corrupt JPEG: bad Huffman table id");
        s->c[i] = c;
        blocks += c->h * c->v;
        if (!c->q_latched) {
            if (!d->quant_set[c->tq])
                return nn_set_error("corrupt JPEG: missing quantization table %d", c->tq);
            memcpy(c->q, d->quant[c->tq], sizeof c->q);
            c->q_latched = 1;
        }
    }
    if (s->n > 1 && blocks > 10)
        return nn_set_error("corrupt JPEG: more than 10 blocks per MCU");
    const uint8_t *q = p + 1 + 2 * s->n;
    s->ss = q[0];
    s->se = q[1];
    s->ah = q[2] >> 4;
    s->al = q[2] & 15;
    if (!d->progressive) {
        s->ss = 0;
        s->se = 63;
        s->ah = s->al = 0;
    } else {
        int ok = s->ss <= s->se && s->se <= 63 && s->al <= 13 && (s->ah == 0 || s->ah == s->al + 1);
        if (s->ss == 0)
            ok = ok && s->se == 0;
        else
            ok = ok && s->n == 1;
        if (!ok)
            return nn_set_error("corrupt JPEG: bad progressive scan parameters");
    }
    for (int i = 0; i < s->n; i++) {
        component *c = s->c[i];
        int need_dc = s->ss == 0 && s->ah == 0, need_ac = s->se > 0;
        if ((need_dc && !d->dc[c->dc_tbl].present) || (need_ac && !d->ac[c->ac_tbl].present))
            return nn_set_error("corrupt JPEG: scan uses an undefined Huffman table");
    }
    return 0;
}

/* ---- output ---------------------------------------------------------- */

static inline int clamp255(int v) { return v < 0 ? 0 : v > 255 ? 255 : v; }

/* Component samples (cw x ch, stride bw*8) scaled up by (fh, fv) into a
 * width x height plane: libjpeg's triangle filters for 2x1, 1x2 and 2x2,
 * replication otherwise.  Neighbours past the edges repeat the edge.
 * sum: cw + 2 ints of scratch. */
static void upsample(const component *c, const uint8_t *src, int fh, int fv, uint8_t *dst, int width, int height,
                     int *sum)
{
    size_t sstride = (size_t)c->bw * 8;
    int cw = c->cw, ch = c->ch;
    int fancy = (fh == 2 && fv <= 2) || (fh == 1 && fv == 2);
    for (int y = 0; y < height; y++) {
        uint8_t *o = dst + (size_t)y * (size_t)width;
        int sy = y / fv;
        const uint8_t *row = src + (size_t)sy * sstride;
        if (!fancy) {
            if (fh == 1) {
                memcpy(o, row, (size_t)width);
            } else {
                for (int x = 0; x < width; x++)
                    o[x] = row[x / fh];
            }
            continue;
        }
        /* Vertical step first: 3 x nearer row + 1 x the other (output rows
         * 2k look up, 2k+1 down); sum[1..cw] holds it, padded by the edge
         * values. */
        int *s = sum + 1;
        if (fv == 2) {
            int ny = (y & 1) ? (sy + 1 < ch ? sy + 1 : sy) : (sy > 0 ? sy - 1 : 0);
            const uint8_t *near = src + (size_t)ny * sstride;
            for (int i = 0; i < cw; i++)
                s[i] = 3 * row[i] + near[i];
        } else {
            for (int i = 0; i < cw; i++)
                s[i] = row[i];
        }
        s[-1] = s[0];
        s[cw] = s[cw - 1];
        if (fh == 1) {
            int bias = (y & 1) ? 2 : 1;
            for (int x = 0; x < width; x++)
                o[x] = (uint8_t)((s[x] + bias) >> 2);
            continue;
        }
        /* Horizontal step: the same 3:1 weights; libjpeg's biases. */
        int shift = fv == 2 ? 4 : 2, b0 = fv == 2 ? 8 : 1, b1 = fv == 2 ? 7 : 2;
        int pairs = width / 2;
        for (int i = 0; i < pairs; i++) {
            int here = 3 * s[i];
            o[2 * i] = (uint8_t)((here + s[i - 1] + b0) >> shift);
            o[2 * i + 1] = (uint8_t)((here + s[i + 1] + b1) >> shift);
        }
        if (width & 1)
            o[width - 1] = (uint8_t)((3 * s[pairs] + s[pairs - 1] + b0) >> shift);
    }
}

static int produce_image(decoder *d, nn_image *out)
{
    size_t npix;
    if (nn_mul_size((size_t)d->width, (size_t)d->height, &npix))
        return -1;
    uint8_t *planes[3] = {NULL, NULL, NULL};
    uint8_t *pix = nn_alloc(npix, (size_t)d->ncomp);
    int rc = -1;
    if (!pix)
        return -1;
    for (int i = 0; i < d->ncomp; i++) {
        component *c = &d->comp[i];
        if (!c->q_latched) {
            nn_set_error("corrupt JPEG: component %d has no scan", c->id);
            goto done;
        }
        size_t sstride = (size_t)c->bw * 8;
        uint8_t *samples = nn_alloc(sstride * 8, (size_t)c->bh);
        planes[i] = nn_alloc(npix, 1);
        if (!samples || !planes[i]) {
            free(samples);
            goto done;
        }
        /* Only the blocks that hold image samples need the IDCT. */
        int nbx = (c->cw + 7) / 8, nby = (c->ch + 7) / 8;
        for (int by = 0; by < nby; by++)
            for (int bx = 0; bx < nbx; bx++)
                nn_jpeg_idct_islow(c->coef + ((size_t)by * (size_t)c->bw + (size_t)bx) * 64, c->q,
                                   samples + (size_t)by * 8 * sstride + (size_t)bx * 8, sstride);
        int *sum = nn_alloc((size_t)c->cw + 2, sizeof(int));
        if (!sum) {
            free(samples);
            goto done;
        }
        upsample(c, samples, d->hmax / c->h, d->vmax / c->v, planes[i], d->width, d->height, sum);
        free(sum);
        free(samples);
    }
    if (d->ncomp == 1) {
        memcpy(pix, planes[0], npix);
    } else {
        /* libjpeg's order: a JFIF marker means YCbCr; else an Adobe
         * marker's transform flag; else component ids 'R','G','B'. */
        int rgb = d->jfif    ? 0
                  : d->adobe ? d->adobe_transform == 0
                             : (d->comp[0].id == 'R' && d->comp[1].id == 'G' && d->comp[2].id == 'B');
        /* libjpeg's 16-bit fixed-point constants and rounding, tabulated. */
        int r_cr[256], g_cb[256], g_cr[256], b_cb[256];
        for (int v = 0; v < 256; v++) {
            int x = v - 128;
            r_cr[v] = (91881 * x + 32768) >> 16;
            b_cb[v] = (116130 * x + 32768) >> 16;
            g_cb[v] = -22554 * x;
            g_cr[v] = -46802 * x + 32768;
        }
        const uint8_t *py = planes[0], *pb = planes[1], *pr = planes[2];
        for (size_t i = 0; i < npix; i++) {
            uint8_t *o = pix + 3 * i;
            if (rgb) {
                o[0] = py[i];
                o[1] = pb[i];
                o[2] = pr[i];
                continue;
            }
            int y = py[i];
            o[0] = (uint8_t)clamp255(y + r_cr[pr[i]]);
            o[1] = (uint8_t)clamp255(y + ((g_cb[pb[i]] + g_cr[pr[i]]) >> 16));
            o[2] = (uint8_t)clamp255(y + b_cb[pb[i]]);
        }
    }
    out->width = d->width;
    out->height = d->height;
    out->channels = d->ncomp;
    out->bit_depth = 8;
    out->pixels = pix;
    pix = NULL;
    rc = 0;
done:
    for (int i = 0; i < 3; i++)
        free(planes[i]);
    free(pix);
    return rc;
}

/* ---- top level ------------------------------------------------------- */

/* Move past entropy-coded data to the next marker that is not RSTn. */
static void skip_to_marker(decoder *d)
{
    while (d->pos + 1 < d->len) {
        uint8_t m = d->data[d->pos + 1];
        if (d->data[d->pos] == 0xFF && m != 0 && m != 0xFF && !(m >= 0xD0 && m <= 0xD7))
            return;
        d->pos++;
    }
    d->pos = d->len;
}

static int decode(decoder *d, nn_image *out)
{
    if (d->len < 2 || d->data[0] != 0xFF || d->data[1] != 0xD8)
        return nn_set_error("not a JPEG file");
    d->pos = 2;
    for (;;) {
        /* Markers may be preceded by any number of FF fill bytes. */
        if (d->pos >= d->len || d->data[d->pos] != 0xFF) {
            if (d->pos >= d->len)
                return nn_set_error("truncated JPEG file (no end-of-image marker)");
            return nn_set_error("corrupt JPEG: expected a marker at byte %zu", d->pos);
        }
        while (d->pos < d->len && d->data[d->pos] == 0xFF)
            d->pos++;
        if (d->pos >= d->len)
            return nn_set_error("truncated JPEG file (no end-of-image marker)");
        int m = d->data[d->pos++];
        if (m == 0xD9)
            break;
        if (m == 0xD8)
            return nn_set_error("corrupt JPEG: second start-of-image marker");
        if ((m >= 0xD0 && m <= 0xD7) || m == 0x01)
            continue; /* stray RSTn / TEM: no segment */
        if (d->pos + 2 > d->len)
            return nn_set_error("truncated JPEG file");
        int seglen = rd16(d->data + d->pos);
        if (seglen < 2 || d->pos + (size_t)seglen > d->len)
            return nn_set_error(d->pos + (size_t)seglen > d->len ? "truncated JPEG file"
                                                               : "corrupt JPEG: bad segment length");
        const uint8_t *p = d->data + d->pos + 2;
        int n = seglen - 2;
        d->pos += (size_t)seglen;
        switch (m) {
        case 0xC0:
        case 0xC1:
        case 0xC2:
            if (parse_sof(d, p, n, m))
                return -1;
            break;
        case 0xC3:
            return nn_set_error("lossless JPEG is not supported");
        case 0xC5: case 0xC6: case 0xC7:
            return nn_set_error("hierarchical JPEG is not supported");
        case 0xC9: case 0xCA: case 0xCB: case 0xCD: case 0xCE: case 0xCF: case 0xCC:
            return nn_set_error("arithmetic-coded JPEG is not supported");
        case 0xC8:
            return nn_set_error("JPEG extension (SOF marker 0xC8) is not supported");
        case 0xC4:
            if (parse_dht(d, p, n))
                return -1;
            break;
        case 0xDB:
            if (parse_dqt(d, p, n))
                return -1;
            break;
        case 0xDD:
            if (n < 2)
                return nn_set_error("corrupt JPEG: short DRI segment");
            d->restart_interval = rd16(p);
            break;
        case 0xDC:
            return nn_set_error("JPEG with a DNL marker is not supported");
        case 0xDA: {
            scan_info s;
            if (parse_sos(d, p, n, &s) || decode_scan(d, &s))
                return -1;
            d->scans++;
            skip_to_marker(d);
            break;
        }
        case 0xE0:
            if (n >= 5 && memcmp(p, "JFIF", 5) == 0)
                d->jfif = 1;
            break;
        case 0xEE:
            if (n >= 12 && memcmp(p, "Adobe", 5) == 0) {
                d->adobe = 1;
                d->adobe_transform = p[11];
            }
            break;
        default:
            break; /* APPn, COM, reserved: skipped */
        }
    }
    if (!d->frame || d->scans == 0)
        return nn_set_error("corrupt JPEG: no image data");
    return produce_image(d, out);
}

int nn_jpeg_decode(const uint8_t *data, size_t len, nn_image *out)
{
    memset(out, 0, sizeof *out);
    decoder *d = nn_calloc(1, sizeof *d);
    if (!d)
        return -1;
    d->data = data;
    d->len = len;
    int rc = decode(d, out);
    for (int i = 0; i < 3; i++)
        free(d->comp[i].coef);
    free(d);
    return rc;
}

int nn_jpeg_load(const char *path, nn_image *out)
{
    uint8_t *data;
    size_t len;
    memset(out, 0, sizeof *out);
    if (nn_read_all(path, &data, &len))
        return -1;
    int rc = nn_jpeg_decode(data, len, out);
    free(data);
    return rc;
}
