/* report: one self-contained report.html (pictures embedded as data: URIs)
 * and a report.md beside it, from a small plain-text outline that a
 * pipeline writes.  The outline keeps the pipelines' shell simple: they
 * list what to show; escaping, base64 and tables are done here. */
#include "core/cli.h"
#include "core/file.h"
#include "core/mem.h"
#include "demo/demo.h"
#include "io/base64.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_TABLE_ROWS 200
#define MAX_PRE_LINES 200

typedef struct {
    char *buf;
    size_t len, cap;
} text;

static void die_oom(void) { nn_die(NULL, "out of memory"); }

static void add_n(text *t, const char *s, size_t n)
{
    if (t->len + n + 1 > t->cap) {
        size_t want = t->cap ? t->cap * 2 : 65536;
        while (want < t->len + n + 1)
            want *= 2;
        char *p = nn_realloc(t->buf, want, 1);
        if (!p)
            die_oom();
        t->buf = p;
        t->cap = want;
    }
    memcpy(t->buf + t->len, s, n);
    t->len += n;
    t->buf[t->len] = 0;
}
static void add(text *t, const char *s) { add_n(t, s, strlen(s)); }
static void add_esc(text *t, const char *s)
{
    if (nn_html_escape_append(&t->buf, &t->len, &t->cap, s) < 0)
        die_oom();
}

/* HTML text with `code` spans. */
static void add_inline(text *t, const char *s)
{
    const char *p = s;
    while (*p) {
        const char *a = strchr(p, '`'), *b = a ? strchr(a + 1, '`') : NULL;
        if (!a || !b) {
            add_esc(t, p);
            return;
        }
        char *pre = strndup(p, (size_t)(a - p)), *code = strndup(a + 1, (size_t)(b - a - 1));
        if (!pre || !code)
            die_oom();
        add_esc(t, pre);
        add(t, "<code>");
        add_esc(t, code);
        add(t, "</code>");
        free(pre);
        free(code);
        p = b + 1;
    }
}

static const char *base_dir = ".";

static char *resolve(const char *name)
{
    if (name[0] == '/' || strcmp(base_dir, ".") == 0) {
        char *p = strdup(name);
        if (!p)
            die_oom();
        return p;
    }
    size_t n = strlen(base_dir) + strlen(name) + 2;
    char *p = nn_alloc(n, 1);
    if (!p)
        die_oom();
    snprintf(p, n, "%s/%s", base_dir, name);
    return p;
}

/* Split "FILE rest of line" into the file and the caption. */
static void split_arg(char *arg, char **file, char **caption)
{
    while (*arg == ' ')
        arg++;
    *file = arg;
    char *sp = strchr(arg, ' ');
    if (sp) {
        *sp = 0;
        *caption = sp + 1;
        while (**caption == ' ')
            (*caption)++;
    } else {
        *caption = arg + strlen(arg);
    }
}

static int missing_count;

static void missing(text *h, text *m, const char *file)
{
    nn_warn(file, "not found: left out of the report");
    missing_count++;
    add(h, "<p class=\"missing\">not available: ");
    add_esc(h, file);
    add(h, "</p>\n");
    add(m, "_not available: ");
    add(m, file);
    add(m, "_\n\n");
}

/* A cell: long decimals are shortened to 4 significant digits. */
static void format_cell(const char *c, char *out, size_t size)
{
    char *end;
    if (*c && (strchr(c, '.') || strchr(c, 'e')) && strlen(c) > 6) {
        double v = strtod(c, &end);
        if (*end == 0) {
            snprintf(out, size, "%.4g", v);
            return;
        }
    }
    snprintf(out, size, "%s", c);
}

static void table(text *h, text *m, char *arg)
{
    char *file, *caption;
    split_arg(arg, &file, &caption);
    char *path = resolve(file);
    uint8_t *data;
    size_t len;
    if (nn_read_all(path, &data, &len) < 0) {
        missing(h, m, file);
        free(path);
        return;
    }
    free(path);
    add(h, "<figure class=\"table\">");
    if (*caption) {
        add(h, "<figcaption>");
        add_inline(h, caption);
        add(h, "</figcaption>");
        add(m, "**");
        add(m, caption);
        add(m, "**\n\n");
    }
    add(h, "<table>\n");
    char *save = NULL;
    int row = 0, cols = 0, more = 0;
    for (char *line = strtok_r((char *)data, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        size_t ll = strlen(line);
        if (ll && line[ll - 1] == '\r')
            line[--ll] = 0;
        if (!ll)
            continue;
        if (row > MAX_TABLE_ROWS) {
            more++;
            continue;
        }
        add(h, row == 0 ? "<tr class=\"head\">" : "<tr>");
        add(m, "|");
        int c = 0;
        char *cell = line;
        for (;;) {
            char *tab = strchr(cell, '\t');
            if (tab)
                *tab = 0;
            char fmt[256];
            format_cell(cell, fmt, sizeof fmt);
            /* Numbers align right, text left. */
            char *num_end;
            int numeric = *fmt && (strtod(fmt, &num_end), *num_end == 0);
            add(h, row == 0 ? "<th>" : numeric ? "<td class=\"n\">" : "<td>");
            add_esc(h, fmt);
            add(h, row == 0 ? "</th>" : "</td>");
            add(m, " ");
            for (const char *q = fmt; *q; q++)
                add_n(m, *q == '|' ? "\\|" : q, *q == '|' ? 2 : 1);
            add(m, " |");
            c++;
            if (!tab)
                break;
            cell = tab + 1;
        }
        add(h, "</tr>\n");
        add(m, "\n");
        if (row == 0) {
            cols = c;
            add(m, "|");
            for (int k = 0; k < cols; k++)
                add(m, " --- |");
            add(m, "\n");
        }
        row++;
    }
    add(h, "</table>");
    if (more) {
        char note[128];
        snprintf(note, sizeof note, "(%d more rows in %s)", more, file);
        add(h, "<p class=\"note\">");
        add_esc(h, note);
        add(h, "</p>");
        add(m, "\n");
        add(m, note);
        add(m, "\n");
    }
    add(h, "</figure>\n");
    add(m, "\n");
    free(data);
}

static void image(text *h, text *m, char *arg)
{
    char *file, *caption;
    split_arg(arg, &file, &caption);
    char *path = resolve(file);
    uint8_t *data = NULL;
    size_t len = 0;
    int rc = nn_read_all(path, &data, &len);
    if (rc < 0 || len == 0) {
        if (rc == 0)
            free(data);
        missing(h, m, file);
        free(path);
        return;
    }
    free(path);
    const char *mime = "image/png";
    if (len > 4 && memcmp(data, "\x89PNG", 4) == 0)
        mime = "image/png";
    else if (len > 2 && data[0] == 0xFF && data[1] == 0xD8)
        mime = "image/jpeg";
    else if (strstr(file, ".svg") || memchr(data, '<', len < 64 ? len : 64))
        mime = "image/svg+xml";
    char *b64 = nn_base64(data, len);
    free(data);
    if (!b64)
        die_oom();
    add(h, "<figure><img alt=\"");
    add_esc(h, *caption ? caption : file);
    add(h, "\" src=\"data:");
    add(h, mime);
    add(h, ";base64,");
    add(h, b64);
    add(h, "\">");
    if (*caption) {
        add(h, "<figcaption>");
        add_inline(h, caption);
        add(h, "</figcaption>");
    }
    add(h, "</figure>\n");
    free(b64);
    add(m, "![");
    add(m, *caption ? caption : file);
    add(m, "](");
    add(m, file);
    add(m, ")\n\n");
}

static void pre(text *h, text *m, char *arg)
{
    char *file, *caption;
    split_arg(arg, &file, &caption);
    char *path = resolve(file);
    uint8_t *data;
    size_t len;
    if (nn_read_all(path, &data, &len) < 0) {
        missing(h, m, file);
        free(path);
        return;
    }
    free(path);
    /* Keep the first lines only: a report, not a log. */
    int lines = 0;
    for (size_t i = 0; i < len; i++)
        if (data[i] == '\n' && ++lines == MAX_PRE_LINES) {
            data[i + 1 < len ? i + 1 : i] = 0;
            break;
        }
    if (*caption) {
        add(h, "<p class=\"caption\">");
        add_inline(h, caption);
        add(h, "</p>");
        add(m, "**");
        add(m, caption);
        add(m, "**\n\n");
    }
    add(h, "<pre>");
    add_esc(h, (char *)data);
    add(h, "</pre>\n");
    add(m, "```\n");
    add(m, (char *)data);
    size_t shown = strlen((char *)data);
    if (shown && data[shown - 1] != '\n')
        add(m, "\n");
    add(m, "```\n\n");
    free(data);
}

static const char *style =
    "body{font-family:system-ui,-apple-system,'Segoe UI',Helvetica,Arial,sans-serif;max-width:1100px;"
    "margin:2em auto;padding:0 1.2em;color:#222;line-height:1.45}"
    "h1{border-bottom:2px solid #446;padding-bottom:.2em}h2{margin-top:1.8em;border-bottom:1px solid #ccd}"
    "table{border-collapse:collapse;margin:.4em 0;font-size:.92em}"
    "td,th{border:1px solid #ccd;padding:.2em .6em;text-align:left}td.n{text-align:right}"
    "tr.head{background:#eef}tr:nth-child(even){background:#f8f8fc}"
    "figure{margin:1em 0}figure img{max-width:100%;border:1px solid #ddd}"
    "figcaption,.caption{font-size:.9em;color:#555;margin:.3em 0}"
    "pre{background:#f5f5f8;padding:.6em;overflow-x:auto;font-size:.85em}"
    "code{background:#f0f0f4;padding:0 .2em}.missing{color:#a33;font-style:italic}.note{font-size:.85em;color:#666}";

int main(int argc, char **argv)
{
    static const char *out = "-", *md = NULL, *base = NULL;
    static const nn_option opts[] = {
        {"output", 'o', NN_OPT_STRING, &out, "FILE", "the HTML report", NULL},
        {"md", 'm', NN_OPT_STRING, &md, "FILE", "also write the report as Markdown (pictures linked, not embedded)", NULL},
        {"base", 'b', NN_OPT_STRING, &base, "DIR", "folder the outline's file names are relative to (default: the outline's)", NULL},
        {0}};
    static const nn_cli cli = {
        "report", "[options] OUTLINE",
        "Make one self-contained HTML page (pictures embedded as base64 data: URIs, so it\n"
        "opens anywhere) and optionally a Markdown twin from an outline, one item a line:\n"
        "  # Title / ## Section / ### Subsection   headings (the first # is the page title)\n"
        "  - text                                  a list item\n"
        "  @table FILE [caption]                   a TSV file as a table (first line: header)\n"
        "  @image FILE [caption]                   a PNG, JPEG or SVG picture\n"
        "  @pre FILE [caption]                     a text file as it is (first 200 lines)\n"
        "  any other line                          text; a blank line ends a paragraph\n"
        "`code` spans are kept.  A missing file is named in the report and warned about on\n"
        "stderr; the report is still written.",
        opts, 1, 1};
    char **args;
    nn_cli_parse(&cli, argc, argv, &args);
    char *dir = NULL;
    if (base)
        base_dir = base;
    else if (strcmp(args[0], "-") != 0) {
        dir = strdup(args[0]);
        if (!dir)
            die_oom();
        char *sl = strrchr(dir, '/');
        if (sl) {
            *sl = 0;
            base_dir = *dir ? dir : "/";
        }
    }
    uint8_t *src;
    size_t srclen;
    if (nn_read_all(args[0], &src, &srclen) < 0)
        nn_die_lib(args[0]);
    text body = {0}, m = {0};
    char *title = NULL;
    int in_par = 0, in_list = 0;
    /* strtok would merge blank lines, which end paragraphs: split by hand. */
    char *p = (char *)src;
    while (*p) {
        char *nl = strchr(p, '\n');
        if (nl)
            *nl = 0;
        char *line = p;
        p = nl ? nl + 1 : p + strlen(p);
        size_t ll = strlen(line);
        if (ll && line[ll - 1] == '\r')
            line[--ll] = 0;
        int is_item = line[0] == '-' && line[1] == ' ';
        if (in_par && (ll == 0 || line[0] == '#' || line[0] == '@' || is_item)) {
            add(&body, "</p>\n");
            add(&m, "\n\n");
            in_par = 0;
        }
        if (in_list && !is_item) {
            add(&body, "</ul>\n");
            add(&m, "\n");
            in_list = 0;
        }
        if (ll == 0)
            continue;
        if (line[0] == '#') {
            int level = 0;
            while (line[level] == '#' && level < 4)
                level++;
            const char *txt = line + level;
            while (*txt == ' ')
                txt++;
            if (level == 1 && !title) {
                title = strdup(txt);
                if (!title)
                    die_oom();
            }
            char tag[8];
            snprintf(tag, sizeof tag, "h%d", level);
            add(&body, "<");
            add(&body, tag);
            add(&body, ">");
            add_inline(&body, txt);
            add(&body, "</");
            add(&body, tag);
            add(&body, ">\n");
            add_n(&m, line, (size_t)level);
            add(&m, " ");
            add(&m, txt);
            add(&m, "\n\n");
        } else if (is_item) {
            if (!in_list) {
                add(&body, "<ul>\n");
                in_list = 1;
            }
            add(&body, "<li>");
            add_inline(&body, line + 2);
            add(&body, "</li>\n");
            add(&m, line);
            add(&m, "\n");
        } else if (strncmp(line, "@table ", 7) == 0) {
            table(&body, &m, line + 7);
        } else if (strncmp(line, "@image ", 7) == 0) {
            image(&body, &m, line + 7);
        } else if (strncmp(line, "@pre ", 5) == 0) {
            pre(&body, &m, line + 5);
        } else {
            if (!in_par) {
                add(&body, "<p>");
                in_par = 1;
            } else {
                add(&body, " ");
                add(&m, "\n");
            }
            add_inline(&body, line);
            add(&m, line);
        }
    }
    if (in_par) {
        add(&body, "</p>\n");
        add(&m, "\n");
    }
    if (in_list)
        add(&body, "</ul>\n");
    text h = {0};
    add(&h, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>");
    add_esc(&h, title ? title : "nnpipe report");
    add(&h, "</title>\n<style>");
    add(&h, style);
    add(&h, "</style></head>\n<body>\n");
    if (body.buf)
        add(&h, body.buf);
    add(&h, "</body></html>\n");
    nn_output o;
    if (nn_output_open(&o, out) < 0)
        nn_die_lib(out);
    if (fwrite(h.buf, 1, h.len, o.fp) != h.len) {
        nn_output_abort(&o);
        nn_die(out, "write error");
    }
    if (md) {
        nn_output om;
        if (nn_output_open(&om, md) < 0)
            nn_die_lib(md);
        if (m.len && fwrite(m.buf, 1, m.len, om.fp) != m.len) {
            nn_output_abort(&om);
            nn_die(md, "write error");
        }
        if (nn_output_commit(&om) < 0)
            nn_die_lib(md);
    }
    if (nn_output_commit(&o) < 0)
        nn_die_lib(out);
    free(h.buf);
    free(body.buf);
    free(m.buf);
    free(title);
    free(src);
    free(dir);
    free(args);
    return 0;
}
