/* npy: look at, convert and reshape .npy arrays from the command line.
 *
 *   npy info FILE              shape, dtype, min, max, mean, std, NaN count
 *   npy head [-n N] FILE       first rows as TSV
 *   npy to-tsv / from-tsv      arrays <-> TSV tables
 *   npy from-idx / to-idx      MNIST's IDX format (.gz too) <-> .npy
 *   npy slice --rows A:B:S     Python slicing of the first axis
 *   npy cat FILE...            concatenate along the first axis
 *   npy scale / astype         x * mul + add, type conversion
 *   npy argmax / reshape       index of the maximum, new shape
 *   npy compare A B            equal within a tolerance?
 *   npy st-pack / st-list / st-get   safetensors files of named arrays
 *
 * Each subcommand is a small function; the work is done by lib/io (file
 * formats) and lib/math/arrayops (operations).  Large arrays are streamed
 * in chunks of rows where the operation allows it (info, head, to-tsv,
 * cat, scale, astype), so pipes of any size work in bounded memory. */
#include "core/cli.h"
#include "core/error.h"
#include "core/file.h"
#include "core/mem.h"
#include "io/idx.h"
#include "io/json.h"
#include "io/npy.h"
#include "io/safetensors.h"
#include "io/tsv_array.h"
#include "math/arrayops.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Elements per streamed chunk. */
#define CHUNK_ELEMS ((int64_t)1 << 16)

static const char *output = "-";

static void set_name(void) { nn_set_program_name("npy"); }

/* Binary output to a terminal is never what anyone wants. */
static void check_binary_output(const char *path)
{
    if (nn_is_stdio(path) && isatty(STDOUT_FILENO))
        nn_die("-", "refusing to write binary .npy data to a terminal (use -o FILE or a pipe)");
}

/* -o FILE, the same in every command but for what is written */
#define OUTPUT_OPTION(what) {"output", 'o', NN_OPT_STRING, &output, "FILE", "where to write " what, NULL}

/* The start of every command: its options and arguments, and its input,
 * the first argument or stdin. */
typedef struct {
    char **args;
    int n;          /* positional arguments */
    const char *in; /* args[0], or "-" without arguments */
} call;

/* binary: the command writes .npy (or other binary) data to `output` */
static void start(call *c, const nn_cli *cli, int argc, char **argv, int binary)
{
    c->n = nn_cli_parse(cli, argc, argv, &c->args);
    set_name();
    c->in = c->n ? c->args[0] : "-";
    if (binary)
        check_binary_output(output);
}

static int finish(call *c, int status)
{
    free(c->args);
    return status;
}

static void load(const char *path, nn_array *a)
{
    if (nn_npy_load(path, a))
        nn_die_lib(path);
}

static void save(const char *path, const nn_array *a)
{
    if (nn_npy_save(path, a))
        nn_die_lib(path);
}

static int64_t chunk_rows(int64_t row_size)
{
    int64_t k = row_size > 0 ? CHUNK_ELEMS / row_size : CHUNK_ELEMS;
    return k > 0 ? k : 1;
}

static void *alloc_chunk(int64_t rows, int64_t row_size, nn_dtype t)
{
    size_t n;
    if (nn_mul_size((size_t)rows, (size_t)(row_size ? row_size : 1), &n))
        nn_die_lib(NULL);
    void *p = nn_alloc(n, nn_dtype_size(t));
    if (!p)
        nn_die_lib(NULL);
    return p;
}

/* A streamed input: the reader, and a buffer of *k rows (a chunk). */
static void *open_reader(nn_npy_reader *r, const char *path, int64_t *k)
{
    if (nn_npy_reader_open(r, path))
        nn_die_lib(path);
    *k = chunk_rows(r->row_size);
    return alloc_chunk(*k, r->row_size, r->dtype);
}

/* A text output (a summary, a TSV): committed by commit(). */
static void open_output(nn_output *out)
{
    if (nn_output_open(out, output))
        nn_die_lib(output);
}

static void parse_dtype(const char *name, nn_dtype *t)
{
    int d = nn_dtype_parse(name);
    if (d < 0)
        nn_usage("unknown dtype '%s' (uint8, int32, int64, float32, float64)", name);
    *t = (nn_dtype)d;
}

/* A value for `info`: integers exactly, floats in the data's precision. */
static void print_value(FILE *fp, const char *key, double v, nn_dtype t)
{
    char buf[64];
    if (isnan(v))
        snprintf(buf, sizeof buf, "nan");
    else if (!nn_dtype_is_float(t))
        snprintf(buf, sizeof buf, "%.0f", v);
    else if (t == NN_F32) {
        float f = (float)v;
        nn_tsv_format(buf, sizeof buf, &f, NN_F32, 0);
    } else {
        nn_tsv_format(buf, sizeof buf, &v, NN_F64, 0);
    }
    fprintf(fp, "%s\t%s\n", key, buf);
}

static void commit(nn_output *out)
{
    if (nn_output_commit(out))
        nn_die_lib(output);
}

/* The commands that read one array whole and write one (from-tsv,
 * from-idx, to-idx, slice, reshape, argmax): read the input, change it
 * with op (NULL: as it is; an error names the input), write `output`. */
typedef struct {
    int (*read)(const char *path, nn_array *a);
    int (*op)(const char *in, nn_array *a);
    int (*write)(const char *path, const nn_array *a);
} conversion;

static int convert(const conversion *cv, const nn_cli *cli, int argc, char **argv)
{
    call c;
    start(&c, cli, argc, argv, 1);
    nn_array a;
    if (cv->read(c.in, &a) || (cv->op && cv->op(c.in, &a)))
        nn_die_lib(c.in);
    if (cv->write(output, &a))
        nn_die_lib(output);
    nn_array_free(&a);
    return finish(&c, 0);
}

/* ---- info ------------------------------------------------------------------ */
static const nn_option summary_opts[] = {OUTPUT_OPTION("the summary"), {0}};

static int cmd_info(int argc, char **argv)
{
    static const nn_cli cli = {"npy info", "[options] [FILE]",
                               "Summary of an array as 'key<TAB>value' lines: shape, dtype, count, min, max,\n"
                               "mean, std (population), nan (NaN count; NaNs are left out of the others).",
                               summary_opts, 0, 1};
    call c;
    start(&c, &cli, argc, argv, 0);
    nn_npy_reader r;
    int64_t k;
    void *buf = open_reader(&r, c.in, &k);
    nn_stats st;
    nn_stats_init(&st);
    int64_t got;
    while ((got = nn_npy_reader_read_rows(&r, buf, k)) > 0)
        nn_stats_update(&st, buf, r.dtype, (size_t)(got * r.row_size));
    if (got < 0)
        nn_die_lib(c.in);
    nn_array shape_only = {.dtype = r.dtype, .ndim = r.ndim};
    memcpy(shape_only.shape, r.shape, sizeof r.shape);
    char shape[256];
    nn_shape_format(&shape_only, shape, sizeof shape);
    nn_output out;
    open_output(&out);
    fprintf(out.fp, "shape\t%s\ndtype\t%s\ncount\t%zu\n", shape, nn_dtype_name(r.dtype), st.count);
    print_value(out.fp, "min", st.min, r.dtype);
    print_value(out.fp, "max", st.max, r.dtype);
    print_value(out.fp, "mean", nn_stats_mean(&st), NN_F64);
    print_value(out.fp, "std", nn_stats_std(&st), NN_F64);
    fprintf(out.fp, "nan\t%zu\n", st.nan_count);
    commit(&out);
    free(buf);
    nn_npy_reader_close(&r);
    return finish(&c, 0);
}

/* ---- head / to-tsv ------------------------------------------------------------ */
/* Stream up to max_rows rows (all if < 0) of `in` as TSV to `output`. */
static void rows_to_tsv(const char *in, int64_t max_rows)
{
    nn_npy_reader r;
    int64_t k;
    void *buf = open_reader(&r, in, &k);
    nn_output out;
    open_output(&out);
    /* head stops after its rows; to-tsv reads on to check the end. */
    int64_t left = max_rows < 0 || max_rows > r.rows ? r.rows : max_rows;
    while (left > 0) {
        int64_t got = nn_npy_reader_read_rows(&r, buf, k < left ? k : left);
        if (got <= 0) /* 0 cannot happen before `left` runs out */
            nn_die_lib(in);
        if (nn_tsv_write_rows(out.fp, buf, r.dtype, got, r.row_size))
            nn_die_lib(output);
        left -= got;
    }
    if (max_rows < 0 && nn_npy_reader_read_rows(&r, buf, 1) != 0)
        nn_die_lib(in);
    commit(&out);
    free(buf);
    nn_npy_reader_close(&r);
}

static int cmd_head(int argc, char **argv)
{
    static int64_t rows = 10;
    static const nn_option opts[] = {
        {"rows", 'n', NN_OPT_INT64, &rows, "N", "how many rows", NULL},
        OUTPUT_OPTION("the TSV"),
        {0},
    };
    static const nn_cli cli = {"npy head", "[options] [FILE]",
                               "The first rows of an array as TSV (one line per row along the first axis,\n"
                               "trailing dimensions flattened).",
                               opts, 0, 1};
    call c;
    start(&c, &cli, argc, argv, 0);
    if (rows < 0)
        nn_usage("--rows must be >= 0");
    rows_to_tsv(c.in, rows);
    return finish(&c, 0);
}

static int cmd_to_tsv(int argc, char **argv)
{
    static const nn_option opts[] = {OUTPUT_OPTION("the TSV"), {0}};
    static const nn_cli cli = {"npy to-tsv", "[options] [FILE]",
                               "An array as TSV: a 2-D array as a table, a 1-D array as a column, a 0-D\n"
                               "array as one value; higher dimensions as rows of the flattened trailing\n"
                               "dimensions.  Floats are written in the shortest form that reads back exactly.",
                               opts, 0, 1};
    call c;
    start(&c, &cli, argc, argv, 0);
    rows_to_tsv(c.in, -1);
    return finish(&c, 0);
}

/* ---- whole-array conversions: from-tsv, from-idx, to-idx, slice, reshape, argmax ---- */
static const nn_option npy_out_opts[] = {OUTPUT_OPTION("the .npy"), {0}};

static const char *tsv_dtype = "float32";
static int keep_2d = 0;

static int read_tsv(const char *path, nn_array *a)
{
    nn_dtype t;
    parse_dtype(tsv_dtype, &t);
    uint8_t *text;
    size_t len;
    if (nn_read_all(path, &text, &len))
        return -1;
    int rc = nn_tsv_parse((const char *)text, len, t, keep_2d, a);
    free(text);
    return rc;
}

static int cmd_from_tsv(int argc, char **argv)
{
    static const nn_option opts[] = {
        {"dtype", 't', NN_OPT_CHOICE, &tsv_dtype, "TYPE", "element type", "uint8|int32|int64|float32|float64"},
        {"keep-2d", 0, NN_OPT_FLAG, &keep_2d, NULL, "one column gives shape (N, 1), not (N,)", NULL},
        OUTPUT_OPTION("the .npy"),
        {0},
    };
    static const nn_cli cli = {"npy from-tsv", "[options] [FILE]",
                               "A TSV table (every line the same number of fields) as a 2-D array; a single\n"
                               "column as a 1-D array.  Integer types need whole numbers in range.",
                               opts, 0, 1};
    static const conversion cv = {read_tsv, NULL, nn_npy_save};
    return convert(&cv, &cli, argc, argv);
}

static int cmd_from_idx(int argc, char **argv)
{
    static const nn_cli cli = {"npy from-idx", "[options] [FILE]",
                               "An IDX file (MNIST's format; gzipped or not) as .npy with the same shape.\n"
                               "ubyte -> uint8; byte, short, int -> int32; float -> float32; double -> float64.",
                               npy_out_opts, 0, 1};
    static const conversion cv = {nn_idx_load, NULL, nn_npy_save};
    return convert(&cv, &cli, argc, argv);
}

static int cmd_to_idx(int argc, char **argv)
{
    static const nn_option opts[] = {OUTPUT_OPTION("the IDX file"), {0}};
    static const nn_cli cli = {"npy to-idx", "[options] [FILE]",
                               "An array as an uncompressed IDX file (uint8, int32, float32, float64).",
                               opts, 0, 1};
    static const conversion cv = {nn_npy_load, NULL, nn_idx_save};
    return convert(&cv, &cli, argc, argv);
}

static const char *slice_rows = ":";

static int slice_op(const char *in, nn_array *a)
{
    (void)in;
    if (a->ndim == 0)
        return nn_set_error("cannot slice a 0-dimensional array");
    int64_t first, step, count;
    if (nn_slice_parse(slice_rows, a->shape[0], &first, &step, &count))
        nn_usage("--rows: %s", nn_last_error());
    nn_array b;
    if (nn_take_rows(a, first, step, count, &b))
        return -1;
    nn_array_free(a);
    *a = b;
    return 0;
}

static int cmd_slice(int argc, char **argv)
{
    static const nn_option opts[] = {
        {"rows", 'r', NN_OPT_STRING, &slice_rows, "A:B[:S]", "Python slice of the first axis (or one index)", NULL},
        OUTPUT_OPTION("the .npy"),
        {0},
    };
    static const nn_cli cli = {"npy slice", "[options] [FILE]",
                               "Rows of an array, selected like Python's a[A:B:S]: parts may be empty,\n"
                               "negative numbers count from the end, S may be negative.  A single index\n"
                               "'--rows 3' keeps the first axis (shape (1, ...)).",
                               opts, 0, 1};
    static const conversion cv = {nn_npy_load, slice_op, nn_npy_save};
    return convert(&cv, &cli, argc, argv);
}

static const char *new_shape = "-1";

static int reshape_op(const char *in, nn_array *a)
{
    (void)in;
    int ndim;
    int64_t dims[NN_MAX_DIMS];
    if (nn_shape_parse(new_shape, nn_array_count(a), &ndim, dims))
        return -1;
    a->ndim = ndim;
    memcpy(a->shape, dims, sizeof dims);
    return 0;
}

static int cmd_reshape(int argc, char **argv)
{
    static const nn_option opts[] = {
        {"shape", 's', NN_OPT_STRING, &new_shape, "DIMS", "new shape, e.g. 60000,784 or -1,28,28 (one -1 is inferred)",
         NULL},
        OUTPUT_OPTION("the .npy"),
        {0},
    };
    static const nn_cli cli = {"npy reshape", "[options] [FILE]",
                               "The same elements (C order) with a new shape.  '' or '()' is a scalar.", opts, 0, 1};
    static const conversion cv = {nn_npy_load, reshape_op, nn_npy_save};
    return convert(&cv, &cli, argc, argv);
}

static int argmax_axis = -1;

static int argmax_op(const char *in, nn_array *a)
{
    (void)in;
    nn_array b;
    if (nn_argmax(a, argmax_axis, &b))
        return -1;
    nn_array_free(a);
    *a = b;
    return 0;
}

static int cmd_argmax(int argc, char **argv)
{
    static const nn_option opts[] = {
        {"axis", 'a', NN_OPT_INT, &argmax_axis, "K", "axis to reduce (negative counts from the end)", NULL},
        OUTPUT_OPTION("the .npy"),
        {0},
    };
    static const nn_cli cli = {"npy argmax", "[options] [FILE]",
                               "Index of the largest value along an axis, as int32 with that axis removed\n"
                               "(e.g. class predictions from (N, classes) scores).  The first maximum wins;\n"
                               "a NaN counts as the maximum, as in numpy.",
                               opts, 0, 1};
    static const conversion cv = {nn_npy_load, argmax_op, nn_npy_save};
    return convert(&cv, &cli, argc, argv);
}

/* ---- cat ---------------------------------------------------------------------------- */
static int cmd_cat(int argc, char **argv)
{
    static const nn_cli cli = {"npy cat", "[options] FILE...",
                               "Concatenate arrays along the first axis.  They need the same dtype and the\n"
                               "same trailing dimensions.  '-' (stdin) may appear once.",
                               npy_out_opts, 1, -1};
    call c;
    start(&c, &cli, argc, argv, 1);
    int n = c.n;
    char **args = c.args;
    int stdin_seen = 0;
    for (int i = 0; i < n; i++)
        if (nn_is_stdio(args[i]) && stdin_seen++)
            nn_usage("'-' (stdin) can be given only once");
    nn_npy_reader *r = nn_alloc((size_t)n, sizeof *r);
    if (!r)
        nn_die_lib(NULL);
    int64_t total = 0;
    for (int i = 0; i < n; i++) {
        if (nn_npy_reader_open(&r[i], args[i]))
            nn_die_lib(args[i]);
        if (r[i].ndim == 0)
            nn_die(args[i], "cannot concatenate a 0-dimensional array");
        if (i && r[i].dtype != r[0].dtype)
            nn_die(args[i], "dtype %s differs from %s in %s (convert with 'npy astype')", nn_dtype_name(r[i].dtype),
                   nn_dtype_name(r[0].dtype), args[0]);
        if (i && (r[i].ndim != r[0].ndim ||
                  memcmp(r[i].shape + 1, r[0].shape + 1, (size_t)(r[0].ndim - 1) * sizeof(int64_t)))) {
            nn_array x = {.ndim = r[i].ndim}, y = {.ndim = r[0].ndim};
            memcpy(x.shape, r[i].shape, sizeof x.shape);
            memcpy(y.shape, r[0].shape, sizeof y.shape);
            char sx[256], sy[256];
            nn_shape_format(&x, sx, sizeof sx);
            nn_shape_format(&y, sy, sizeof sy);
            nn_die(args[i], "shape %s does not fit %s of %s (only the first dimension may differ)", sx, sy, args[0]);
        }
        if (r[i].rows > INT64_MAX - total)
            nn_die(args[i], "too many rows");
        total += r[i].rows;
    }
    int64_t shape[NN_MAX_DIMS];
    memcpy(shape, r[0].shape, sizeof shape);
    shape[0] = total;
    nn_npy_writer w;
    if (nn_npy_writer_open(&w, output, r[0].dtype, r[0].ndim, shape))
        nn_die_lib(output);
    int64_t k = chunk_rows(r[0].row_size);
    void *buf = alloc_chunk(k, r[0].row_size, r[0].dtype);
    for (int i = 0; i < n; i++) {
        int64_t got;
        while ((got = nn_npy_reader_read_rows(&r[i], buf, k)) > 0)
            if (nn_npy_writer_write_rows(&w, buf, got))
                nn_die_lib(output);
        if (got < 0)
            nn_die_lib(args[i]);
        nn_npy_reader_close(&r[i]);
    }
    if (nn_npy_writer_close(&w))
        nn_die_lib(output);
    free(buf);
    free(r);
    return finish(&c, 0);
}

/* ---- scale / astype -------------------------------------------------------------------- */
static const char *out_dtype = "float32";

/* Stream the command's input through x * mul + add into --dtype. */
static int transform(const nn_cli *cli, int argc, char **argv, const double *mul, const double *add)
{
    call c;
    start(&c, cli, argc, argv, 0);
    nn_dtype t;
    parse_dtype(out_dtype, &t);
    check_binary_output(output);
    nn_npy_reader r;
    int64_t k;
    void *src = open_reader(&r, c.in, &k);
    nn_npy_writer w;
    if (nn_npy_writer_open(&w, output, t, r.ndim, r.shape))
        nn_die_lib(output);
    void *dst = alloc_chunk(k, r.row_size, t);
    int64_t got;
    size_t done = 0;
    while ((got = nn_npy_reader_read_rows(&r, src, k)) > 0) {
        size_t cnt = (size_t)(got * r.row_size);
        if (nn_values_transform(src, r.dtype, dst, t, cnt, mul ? *mul : 1, add ? *add : 0, done))
            nn_die_lib(c.in);
        if (nn_npy_writer_write_rows(&w, dst, got))
            nn_die_lib(output);
        done += cnt;
    }
    if (got < 0)
        nn_die_lib(c.in);
    if (nn_npy_writer_close(&w))
        nn_die_lib(output);
    free(src);
    free(dst);
    nn_npy_reader_close(&r);
    return finish(&c, 0);
}

#define DTYPE_OPTION(help) {"dtype", 't', NN_OPT_CHOICE, &out_dtype, "TYPE", help, "uint8|int32|int64|float32|float64"}

static int cmd_scale(int argc, char **argv)
{
    static double mul = 1, add = 0;
    static const nn_option opts[] = {
        {"mul", 'm', NN_OPT_DOUBLE, &mul, "X", "multiply by X", NULL},
        {"add", 'a', NN_OPT_DOUBLE, &add, "Y", "then add Y", NULL},
        DTYPE_OPTION("output element type"),
        OUTPUT_OPTION("the .npy"),
        {0},
    };
    static const nn_cli cli = {"npy scale", "[options] [FILE]",
                               "x * mul + add for every element, computed in double precision and rounded\n"
                               "once to the output type (e.g. pixels to [0, 1]: --mul 0.00392156862745098).\n"
                               "Integer outputs need whole results in range.",
                               opts, 0, 1};
    return transform(&cli, argc, argv, &mul, &add);
}

static int cmd_astype(int argc, char **argv)
{
    static const nn_option opts[] = {
        DTYPE_OPTION("output element type"),
        OUTPUT_OPTION("the .npy"),
        {0},
    };
    static const nn_cli cli = {"npy astype", "[options] [FILE]",
                               "Convert the elements to another type.  Into an integer type every value must\n"
                               "be a whole number in range (no silent truncation, unlike numpy).",
                               opts, 0, 1};
    return transform(&cli, argc, argv, NULL, NULL);
}

/* ---- compare ------------------------------------------------------------------------------ */
static int cmd_compare(int argc, char **argv)
{
    static double tol = 0;
    static const nn_option opts[] = {
        {"tol", 0, NN_OPT_DOUBLE, &tol, "T", "largest allowed absolute difference", NULL},
        OUTPUT_OPTION("the report"),
        {0},
    };
    static const nn_cli cli = {"npy compare", "[options] A B",
                               "Compare two arrays element by element (values, not dtypes; NaN equals NaN).\n"
                               "Prints 'key<TAB>value' lines (equal, shape, max_abs_diff, mismatches).\n"
                               "Exit status 0 when the shapes match and every difference is <= T, else 1.",
                               opts, 2, 2};
    call c;
    start(&c, &cli, argc, argv, 0);
    char **args = c.args;
    if (nn_is_stdio(args[0]) && nn_is_stdio(args[1]))
        nn_usage("'-' (stdin) can be given only once");
    nn_array a, b;
    load(args[0], &a);
    load(args[1], &b);
    int same_shape = a.ndim == b.ndim && memcmp(a.shape, b.shape, (size_t)a.ndim * sizeof(int64_t)) == 0;
    double maxd = 0;
    size_t mism = 0;
    if (same_shape) {
        size_t cnt = nn_array_count(&a);
        for (size_t i = 0; i < cnt; i++) {
            double x = nn_array_get(&a, i), y = nn_array_get(&b, i);
            double d;
            if (isnan(x) || isnan(y))
                d = isnan(x) && isnan(y) ? 0 : INFINITY;
            else if (x == y)
                d = 0; /* also equal infinities */
            else
                d = fabs(x - y);
            if (d > maxd)
                maxd = d;
            if (d > tol)
                mism++;
        }
    }
    nn_output out;
    open_output(&out);
    int equal = same_shape && mism == 0;
    char sa[256], sb[256];
    nn_shape_format(&a, sa, sizeof sa);
    nn_shape_format(&b, sb, sizeof sb);
    fprintf(out.fp, "equal\t%s\nshape\t%s\t%s\n", equal ? "true" : "false", sa, sb);
    if (same_shape) {
        print_value(out.fp, "max_abs_diff", maxd, NN_F64);
        fprintf(out.fp, "mismatches\t%zu\n", mism);
    }
    commit(&out);
    nn_array_free(&a);
    nn_array_free(&b);
    return finish(&c, equal ? 0 : 1);
}

/* ---- safetensors ----------------------------------------------------------------------------- */
static int cmd_st_pack(int argc, char **argv)
{
    static const char *meta = "";
    static const nn_option opts[] = {
        {"meta", 'm', NN_OPT_STRING, &meta, "JSON", "metadata, a JSON object of strings: '{\"k\": \"v\"}'", NULL},
        OUTPUT_OPTION("the .safetensors"),
        {0},
    };
    static const nn_cli cli = {"npy st-pack", "[options] NAME=FILE.npy...",
                               "Pack .npy arrays into one safetensors file, in the order given.", opts, 1, -1};
    call c;
    start(&c, &cli, argc, argv, 1);
    char **args = c.args;
    nn_safetensors st;
    nn_st_init(&st);
    if (*meta) {
        nn_json doc;
        if (nn_json_parse(meta, strlen(meta), &doc))
            nn_usage("--meta: %s", nn_last_error());
        if (doc.type != NN_JSON_OBJECT)
            nn_usage("--meta must be a JSON object");
        for (size_t i = 0; i < doc.count; i++) {
            const char *v = nn_json_str(&doc.items[i]);
            if (!v || strlen(v) != doc.items[i].len)
                nn_usage("--meta: the value of '%s' must be a string (without NUL)", doc.keys[i]);
            if (nn_st_set_meta(&st, doc.keys[i], v))
                nn_die_lib(NULL);
        }
        nn_json_free(&doc);
    }
    int stdin_seen = 0;
    for (int i = 0; i < c.n; i++) {
        char *eq = strchr(args[i], '=');
        if (!eq || eq == args[i] || !eq[1])
            nn_usage("'%s' is not NAME=FILE", args[i]);
        *eq = 0;
        const char *file = eq + 1;
        if (nn_is_stdio(file) && stdin_seen++)
            nn_usage("'-' (stdin) can be given only once");
        nn_array a;
        load(file, &a);
        if (nn_st_add(&st, args[i], &a))
            nn_die_lib(file);
        nn_array_free(&a);
    }
    if (nn_st_save(&st, output))
        nn_die_lib(output);
    nn_st_free(&st);
    return finish(&c, 0);
}

/* A metadata value on one TSV line: backslash, tab, CR and LF escaped. */
static void put_escaped(FILE *fp, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '\\': fputs("\\\\", fp); break;
        case '\t': fputs("\\t", fp); break;
        case '\n': fputs("\\n", fp); break;
        case '\r': fputs("\\r", fp); break;
        default: putc(*s, fp);
        }
    }
}

static int cmd_st_list(int argc, char **argv)
{
    static const nn_option opts[] = {OUTPUT_OPTION("the list"), {0}};
    static const nn_cli cli = {"npy st-list", "[options] [FILE]",
                               "The contents of a safetensors file as TSV: 'tensor<TAB>NAME<TAB>DTYPE<TAB>SHAPE'\n"
                               "in file order, then 'meta<TAB>KEY<TAB>VALUE' (\\\\, \\t, \\n, \\r escaped).",
                               opts, 0, 1};
    call c;
    start(&c, &cli, argc, argv, 0);
    nn_safetensors st;
    if (nn_st_load(c.in, &st))
        nn_die_lib(c.in);
    nn_output out;
    open_output(&out);
    for (int i = 0; i < st.count; i++) {
        char shape[256];
        nn_shape_format(&st.arrays[i], shape, sizeof shape);
        fprintf(out.fp, "tensor\t");
        put_escaped(out.fp, st.names[i]);
        fprintf(out.fp, "\t%s\t%s\n", nn_dtype_name(st.arrays[i].dtype), shape);
    }
    for (int i = 0; i < st.meta_count; i++) {
        fprintf(out.fp, "meta\t");
        put_escaped(out.fp, st.meta_keys[i]);
        putc('\t', out.fp);
        put_escaped(out.fp, st.meta_values[i]);
        putc('\n', out.fp);
    }
    commit(&out);
    nn_st_free(&st);
    return finish(&c, 0);
}

static int cmd_st_get(int argc, char **argv)
{
    static const nn_cli cli = {"npy st-get", "[options] FILE NAME",
                               "One tensor of a safetensors file as .npy.", npy_out_opts, 2, 2};
    call c;
    start(&c, &cli, argc, argv, 1);
    nn_safetensors st;
    if (nn_st_load(c.in, &st))
        nn_die_lib(c.in);
    const nn_array *a = nn_st_get(&st, c.args[1]);
    if (!a)
        nn_die(c.in, "no tensor named '%s'", c.args[1]);
    save(output, a);
    nn_st_free(&st);
    return finish(&c, 0);
}

static const nn_command commands[] = {
    {"info", cmd_info, "shape, dtype, min, max, mean, std, NaN count"},
    {"head", cmd_head, "first rows as TSV"},
    {"to-tsv", cmd_to_tsv, "the whole array as TSV"},
    {"from-tsv", cmd_from_tsv, "a TSV table as an array"},
    {"from-idx", cmd_from_idx, "an IDX file (MNIST; .gz too) as .npy"},
    {"to-idx", cmd_to_idx, "an array as an IDX file"},
    {"slice", cmd_slice, "rows A:B:S of the first axis"},
    {"cat", cmd_cat, "concatenate along the first axis"},
    {"scale", cmd_scale, "x * mul + add, into a dtype"},
    {"astype", cmd_astype, "convert the element type"},
    {"argmax", cmd_argmax, "index of the maximum along an axis (int32)"},
    {"reshape", cmd_reshape, "the same elements with a new shape"},
    {"compare", cmd_compare, "are two arrays equal (within a tolerance)?"},
    {"st-pack", cmd_st_pack, "pack arrays into a safetensors file"},
    {"st-list", cmd_st_list, "tensors and metadata of a safetensors file"},
    {"st-get", cmd_st_get, "one tensor of a safetensors file as .npy"},
};

int main(int argc, char **argv)
{
    static const nn_command_set set = {"npy", "COMMAND [options] [FILE...]",
                                        "Look at, convert and reshape NumPy .npy arrays (and IDX, TSV, safetensors).\n"
                                        "'-' (the default input and output) is standard input or output.",
                                        commands, (int)(sizeof commands / sizeof *commands), NULL};
    return nn_cli_dispatch(&set, argc, argv);
}
