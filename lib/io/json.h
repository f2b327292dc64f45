/* A small strict JSON reader (into a tree) and writer.
 *
 * Used by the safetensors header and by model metadata (a model's
 * architecture is kept as a JSON string in the safetensors __metadata__).
 *
 * Reading (RFC 8259, strict):
 *   nn_json doc;
 *   if (nn_json_parse(text, len, &doc) < 0) ... nn_last_error() ...;
 *   const nn_json *units = nn_json_get(&doc, "units");        // NULL if absent
 *   int64_t n; if (nn_json_get_int(units, &n) < 0) ...;
 *   nn_json_free(&doc);
 *
 * - One value, surrounded only by whitespace (space, tab, CR, LF).
 * - Strings must be valid UTF-8 with no raw control characters; escapes
 *   \" \\ \/ \b \f \n \r \t \uXXXX, surrogate pairs are joined and encoded
 *   as UTF-8; a lone surrogate is an error.  \u0000 is kept (strings carry
 *   their byte length `len` and are also NUL-terminated).
 * - Numbers follow the JSON grammar (no leading '+', no leading zeros, no
 *   NaN/Infinity).  Every number has a double value; integers written
 *   without fraction or exponent that fit int64 also have is_int = 1 and
 *   an exact `integer` (use this for sizes and offsets: doubles lose
 *   precision above 2^53).
 * - Objects keep their keys in file order; a repeated key is an error.
 * - Limits: nesting depth NN_JSON_MAX_DEPTH, input size NN_JSON_MAX_SIZE.
 * Error messages give the byte offset: "bad JSON at byte 17: ...".
 *
 * Writing: nn_jbuf is a growing text buffer; nn_jbuf_string() appends a
 * quoted, escaped string (control characters as \uXXXX, UTF-8 passed
 * through), nn_json_write() serialises a tree (compact form).  Memory
 * failures are remembered in the buffer (`failed`) so calls can be
 * chained and checked once. */
#ifndef NN_IO_JSON_H
#define NN_IO_JSON_H

#include <stddef.h>
#include <stdint.h>

#define NN_JSON_MAX_DEPTH 64
#define NN_JSON_MAX_SIZE ((size_t)1 << 30)

typedef enum { NN_JSON_NULL, NN_JSON_BOOL, NN_JSON_NUMBER, NN_JSON_STRING, NN_JSON_ARRAY, NN_JSON_OBJECT } nn_json_type;

typedef struct nn_json {
    nn_json_type type;
    int boolean;            /* BOOL */
    double number;          /* NUMBER */
    int is_int;             /* NUMBER: an integer literal that fits int64 */
    int64_t integer;        /* NUMBER with is_int */
    char *string;           /* STRING: UTF-8, NUL-terminated */
    size_t len;             /* STRING: bytes (may hold NULs from \u0000) */
    size_t count;           /* ARRAY, OBJECT: number of items */
    struct nn_json *items;  /* ARRAY, OBJECT: values in order */
    char **keys;            /* OBJECT: keys, parallel to items */
} nn_json;

/* Parse `len` bytes (no NUL needed).  On error *out is left as JSON null
 * and -1 is returned with the message. */
int nn_json_parse(const char *text, size_t len, nn_json *out);
void nn_json_free(nn_json *v);

/* Object member by key; NULL if v is not an object or has no such key. */
const nn_json *nn_json_get(const nn_json *v, const char *key);
/* The string of a STRING value, NULL otherwise. */
const char *nn_json_str(const nn_json *v);
/* 0 and *out for an integer NUMBER, -1 (with a message) otherwise. */
int nn_json_get_int(const nn_json *v, int64_t *out);
/* "null", "boolean", "number", "string", "array", "object" */
const char *nn_json_type_name(nn_json_type t);

/* 1 if s[0, n) is valid UTF-8 (no overlong forms, no surrogates, nothing
 * above U+10FFFF): what a JSON string may hold. */
int nn_utf8_valid(const char *s, size_t n);

/* ---- writing ----------------------------------------------------------- */
typedef struct {
    char *data;   /* NUL-terminated while not failed */
    size_t len, cap;
    int failed;   /* an allocation failed: data is incomplete */
} nn_jbuf;

void nn_jbuf_init(nn_jbuf *b);
void nn_jbuf_free(nn_jbuf *b);
void nn_jbuf_append(nn_jbuf *b, const char *s, size_t n);
void nn_jbuf_puts(nn_jbuf *b, const char *s);
void nn_jbuf_printf(nn_jbuf *b, const char *fmt, ...)
#if defined(__GNUC__) || defined(__clang__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
/* A quoted JSON string from n bytes of UTF-8 (check with nn_utf8_valid
 * first: invalid bytes are copied as they are, which no reader accepts). */
void nn_jbuf_string(nn_jbuf *b, const char *s, size_t n);
/* A number: integers exactly, other finite values with 17 significant
 * digits (round-trips a double); NaN and infinities become null. */
void nn_jbuf_number(nn_jbuf *b, double v);
/* Serialise a tree (compact, no spaces). */
void nn_json_write(nn_jbuf *b, const nn_json *v);
/* 0, or -1 with "out of memory" if any append failed. */
int nn_jbuf_check(const nn_jbuf *b);

#endif
