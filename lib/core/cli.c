#include "core/cli.h"

#include "core/file.h"
#include "core/parallel.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int nn_quiet;
static const char *program_name = "nnpipe";
static int threads_option;

static const nn_option builtin_options[] = {
    {"threads", 0, NN_OPT_INT, &threads_option, "N", "threads to use (0: all cores)", NULL},
    {"help", 'h', NN_OPT_FLAG, NULL, NULL, "show this help and exit", NULL},
    {"version", 0, NN_OPT_FLAG, NULL, NULL, "show the version and exit", NULL},
    {0}};

const char *nn_program_name(void) { return program_name; }
void nn_set_program_name(const char *name) { program_name = name; }

static void vmessage(const char *file, const char *fmt, va_list ap)
{
    fflush(stdout);
    fprintf(stderr, "%s: ", program_name);
    if (file)
        fprintf(stderr, "%s: ", strcmp(file, "-") != 0 ? file : nn_last_error_on_stdout() ? "(stdout)" : "(stdin)");
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
}

void nn_die(const char *file, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vmessage(file, fmt, ap);
    va_end(ap);
    exit(1); /* the atexit hook of file.c removes uncommitted outputs */
}

void nn_die_lib(const char *file) { nn_die(file, "%s", nn_last_error()); }

void nn_warn(const char *file, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vmessage(file, fmt, ap);
    va_end(ap);
}

void nn_usage(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vmessage(NULL, fmt, ap);
    va_end(ap);
    fprintf(stderr, "Try '%s --help'.\n", program_name);
    exit(2);
}

/* Default values, captured before parsing so --help shows them even
 * after other options were given. */
static void format_value(const nn_option *o, char *buf, size_t n)
{
    buf[0] = 0;
    if (!o->target)
        return;
    switch (o->type) {
    case NN_OPT_FLAG: snprintf(buf, n, "%s", *(int *)o->target ? "on" : "off"); break;
    case NN_OPT_INT: snprintf(buf, n, "%d", *(int *)o->target); break;
    case NN_OPT_INT64: snprintf(buf, n, "%lld", (long long)*(int64_t *)o->target); break;
    case NN_OPT_DOUBLE: snprintf(buf, n, "%g", *(double *)o->target); break;
    case NN_OPT_STRING:
    case NN_OPT_CHOICE: {
        const char *s = *(const char **)o->target;
        snprintf(buf, n, "%s", s ? s : "none");
        break;
    }
    }
}

static void print_option(const nn_option *o, const char *def)
{
    char left[96];
    int len;
    if (o->short_name)
        len = snprintf(left, sizeof left, "  -%c, --%s", o->short_name, o->name);
    else
        len = snprintf(left, sizeof left, "      --%s", o->name);
    if (o->metavar && len > 0 && (size_t)len < sizeof left)
        snprintf(left + len, sizeof left - (size_t)len, " %s", o->metavar);
    printf("%-30s %s", left, o->help ? o->help : "");
    if (o->type == NN_OPT_CHOICE && o->choices)
        printf(" (%s)", o->choices);
    if (o->target && def)
        printf(" [default: %s]", def);
    printf("\n");
}

static void print_help(const nn_cli *cli, char defaults[][64])
{
    printf("Usage: %s %s\n", cli->name, cli->usage ? cli->usage : "[options]");
    if (cli->summary)
        printf("%s\n", cli->summary);
    printf("\nOptions:\n");
    int i = 0;
    for (const nn_option *o = cli->options; o && o->name; o++, i++)
        print_option(o, defaults[i]);
    for (const nn_option *o = builtin_options; o->name; o++, i++)
        print_option(o, defaults[i]);
    printf("\n'-' as a file name means standard input or output.\n");
}

static const nn_option *find_long(const nn_cli *cli, const char *name, size_t len, int *negated)
{
    const nn_option *tables[2] = {cli->options, builtin_options};
    *negated = 0;
    for (int t = 0; t < 2; t++)
        for (const nn_option *o = tables[t]; o && o->name; o++)
            if (strlen(o->name) == len && strncmp(o->name, name, len) == 0)
                return o;
    if (len > 3 && strncmp(name, "no-", 3) == 0)
        for (int t = 0; t < 2; t++)
            for (const nn_option *o = tables[t]; o && o->name; o++)
                if (o->type == NN_OPT_FLAG && strlen(o->name) == len - 3 && strncmp(o->name, name + 3, len - 3) == 0) {
                    *negated = 1;
                    return o;
                }
    return NULL;
}

static const nn_option *find_short(const nn_cli *cli, char c)
{
    const nn_option *tables[2] = {cli->options, builtin_options};
    for (int t = 0; t < 2; t++)
        for (const nn_option *o = tables[t]; o && o->name; o++)
            if (o->short_name == c)
                return o;
    return NULL;
}

static void set_value(const nn_option *o, const char *text)
{
    char *end;
    errno = 0;
    switch (o->type) {
    case NN_OPT_FLAG: break;
    case NN_OPT_INT: {
        long v = strtol(text, &end, 10);
        if (*text == 0 || *end || errno || v < INT_MIN || v > INT_MAX)
            nn_usage("--%s takes a whole number, not '%s'", o->name, text);
        *(int *)o->target = (int)v;
        break;
    }
    case NN_OPT_INT64: {
        long long v = strtoll(text, &end, 10);
        if (*text == 0 || *end || errno)
            nn_usage("--%s takes a whole number, not '%s'", o->name, text);
        *(int64_t *)o->target = (int64_t)v;
        break;
    }
    case NN_OPT_DOUBLE: {
        double v = strtod(text, &end);
        if (*text == 0 || *end || errno || !isfinite(v))
            nn_usage("--%s takes a number, not '%s'", o->name, text);
        *(double *)o->target = v;
        break;
    }
    case NN_OPT_STRING: *(const char **)o->target = text; break;
    case NN_OPT_CHOICE: {
        size_t n = strlen(text);
        const char *c = o->choices;
        while (c && *c) {
            const char *bar = strchr(c, '|');
            size_t len = bar ? (size_t)(bar - c) : strlen(c);
            if (len == n && strncmp(c, text, n) == 0) {
                *(const char **)o->target = text;
                return;
            }
            c = bar ? bar + 1 : NULL;
        }
        nn_usage("--%s takes one of %s, not '%s'", o->name, o->choices, text);
    }
    }
}

static void on_signal(int sig)
{
    nn_output_cleanup_signal();
    signal(sig, SIG_DFL);
    raise(sig);
}

int nn_cli_parse(const nn_cli *cli, int argc, char **argv, char ***args)
{
    program_name = cli->name;
    signal(SIGINT, on_signal);
    signal(SIGTERM, on_signal);

    int n_opts = 0;
    for (const nn_option *o = cli->options; o && o->name; o++)
        n_opts++;
    int n_all = n_opts + (int)(sizeof builtin_options / sizeof *builtin_options) - 1;
    char(*defaults)[64] = calloc((size_t)n_all, 64);
    if (!defaults)
        nn_die(NULL, "out of memory");
    int i = 0;
    for (const nn_option *o = cli->options; o && o->name; o++, i++)
        format_value(o, defaults[i], 64);
    for (const nn_option *o = builtin_options; o->name; o++, i++)
        format_value(o, defaults[i], 64);

    char **positional = calloc((size_t)argc + 1, sizeof *positional);
    if (!positional)
        nn_die(NULL, "out of memory");
    int npos = 0, only_positional = 0;
    for (int a = 1; a < argc; a++) {
        char *arg = argv[a];
        if (only_positional || arg[0] != '-' || arg[1] == 0) {
            positional[npos++] = arg;
            continue;
        }
        if (strcmp(arg, "--") == 0) {
            only_positional = 1;
            continue;
        }
        const nn_option *o;
        const char *value = NULL;
        int negated = 0;
        if (arg[1] == '-') {
            const char *name = arg + 2, *eq = strchr(name, '=');
            size_t len = eq ? (size_t)(eq - name) : strlen(name);
            o = find_long(cli, name, len, &negated);
            if (!o)
                nn_usage("unknown option '--%.*s'", (int)len, name);
            if (eq)
                value = eq + 1;
        } else {
            o = find_short(cli, arg[1]);
            if (!o)
                nn_usage("unknown option '-%c'", arg[1]);
            if (arg[2])
                value = arg + 2;
        }
        if (strcmp(o->name, "help") == 0) {
            print_help(cli, defaults);
            exit(0);
        }
        if (strcmp(o->name, "version") == 0) {
            printf("%s (nnpipe) %s\n", cli->name, NNPIPE_VERSION);
            exit(0);
        }
        if (o->type == NN_OPT_FLAG) {
            if (value)
                nn_usage("option --%s takes no value", o->name);
            *(int *)o->target = !negated;
            continue;
        }
        if (!value) {
            if (a + 1 >= argc)
                nn_usage("option --%s needs a value", o->name);
            value = argv[++a];
        }
        set_value(o, value);
    }
    free(defaults);
    if (npos < cli->min_args)
        nn_usage("missing argument%s (usage: %s %s)", cli->min_args - npos > 1 ? "s" : "", cli->name,
                 cli->usage ? cli->usage : "");
    if (cli->max_args >= 0 && npos > cli->max_args)
        nn_usage("too many arguments ('%s')", positional[cli->max_args]);
    if (threads_option < 0)
        nn_usage("--threads takes 0 (all cores) or more");
    nn_set_threads(threads_option);
    *args = positional;
    return npos;
}

static void command_names(const nn_command_set *set, char *buf, size_t size)
{
    size_t used = 0;
    buf[0] = 0;
    for (int i = 0; i < set->count && used < size; i++) {
        int n = snprintf(buf + used, size - used, "%s%s", i ? ", " : "", set->commands[i].name);
        used += n > 0 ? (size_t)n : 0;
    }
}

int nn_cli_dispatch(const nn_command_set *set, int argc, char **argv)
{
    program_name = set->name;
    char names[512];
    command_names(set, names, sizeof names);
    if (argc < 2)
        nn_usage("a command is required (%s)", names);
    const char *cmd = argv[1];
    if (strcmp(cmd, "-h") == 0 || strcmp(cmd, "--help") == 0 || strcmp(cmd, "help") == 0) {
        int width = 0;
        for (int i = 0; i < set->count; i++)
            if ((int)strlen(set->commands[i].name) > width)
                width = (int)strlen(set->commands[i].name);
        printf("Usage: %s %s\n%s\n\nCommands:\n", set->name, set->usage, set->summary ? set->summary : "");
        for (int i = 0; i < set->count; i++)
            printf("  %-*s  %s\n", width, set->commands[i].name, set->commands[i].help);
        if (set->epilog)
            printf("\n%s\n", set->epilog);
        printf("\n'%s COMMAND --help' lists the options of a command.\n", set->name);
        return 0;
    }
    if (strcmp(cmd, "--version") == 0) {
        printf("%s (nnpipe) %s\n", set->name, NNPIPE_VERSION);
        return 0;
    }
    for (int i = 0; i < set->count; i++)
        if (strcmp(cmd, set->commands[i].name) == 0)
            return set->commands[i].run(argc - 1, argv + 1);
    if (cmd[0] == '-')
        nn_usage("unknown option '%s' (a command comes first: %s)", cmd, names);
    nn_usage("unknown command '%s' (%s)", cmd, names);
}
