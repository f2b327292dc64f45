/* Command-line conventions shared by every tool.
 *
 *   static int epochs = 10; static const char *out = "-";
 *   static const nn_option opts[] = {
 *       {"epochs", 'e', NN_OPT_INT, &epochs, "N", "training epochs", NULL},
 *       {"output", 'o', NN_OPT_STRING, &out, "FILE", "where to write", NULL},
 *       {0}};
 *   static const nn_cli cli = {"tool", "[options] INPUT", "One line.", opts, 1, 1};
 *   char **args; int nargs = nn_cli_parse(&cli, argc, argv, &args);
 *
 * Every tool also gets -h/--help (every option with its default, taken from
 * the target variable before parsing), --version, and --threads N (default
 * 0 = all cores; the value lands in nn_set_threads()).  Long options take
 * "--name value" or "--name=value"; short ones "-e 5" or "-e5".  "--" ends
 * options; a lone "-" is a positional argument (stdin/stdout).
 *
 * Errors: nn_die() prints "tool: file: message" and exits 1; nn_usage()
 * prints "tool: message" plus a hint and exits 2.  Both remove the
 * temporary files of outputs not yet committed (see file.h). */
#ifndef NN_CORE_CLI_H
#define NN_CORE_CLI_H

#include "core/error.h"

#include <stdint.h>

typedef enum {
    NN_OPT_FLAG,   /* int*: set to 1; "--no-NAME" sets 0 */
    NN_OPT_INT,    /* int* */
    NN_OPT_INT64,  /* int64_t* */
    NN_OPT_DOUBLE, /* double* */
    NN_OPT_STRING, /* const char** */
    NN_OPT_CHOICE, /* const char**: one of the '|'-separated words in choices */
} nn_opt_type;

typedef struct {
    const char *name;    /* long name without dashes; NULL ends the table */
    char short_name;     /* 0 if none */
    nn_opt_type type;
    void *target;
    const char *metavar; /* shown in help: "N", "FILE"; NULL for flags */
    const char *help;
    const char *choices; /* NN_OPT_CHOICE only: "lstm|gru|rnn" */
} nn_option;

typedef struct {
    const char *name;    /* "npy info", "train-vae" */
    const char *usage;   /* "[options] INPUT..." */
    const char *summary; /* one or more lines of description */
    const nn_option *options;
    int min_args;        /* positional arguments */
    int max_args;        /* -1: unbounded */
} nn_cli;

#ifndef NNPIPE_VERSION
#define NNPIPE_VERSION "0.1.0"
#endif

/* Parse argv (argv[0] is the program).  Returns the number of positional
 * arguments and sets *args to them.  Exits for --help, --version and usage
 * errors.  Also sets the program name used by nn_die(), and installs
 * SIGINT/SIGTERM handlers that remove uncommitted outputs. */
int nn_cli_parse(const nn_cli *cli, int argc, char **argv, char ***args);

/* Tools made of subcommands ("npy info", "plot scatter"): main() hands
 * argv to nn_cli_dispatch, which answers --help (the list of commands),
 * --version and usage errors, and otherwise runs the named command with
 * argv shifted by one (argv[0] is then the command's name). */
typedef struct {
    const char *name;              /* "info" */
    int (*run)(int argc, char **argv);
    const char *help;              /* one line for the command list */
} nn_command;

typedef struct {
    const char *name;              /* "npy" */
    const char *usage;             /* "COMMAND [options] [FILE...]" */
    const char *summary;           /* lines printed under the usage line */
    const nn_command *commands;
    int count;
    const char *epilog;            /* printed after the list; may be NULL */
} nn_command_set;

int nn_cli_dispatch(const nn_command_set *set, int argc, char **argv);

/* The program name for messages ("train-vae"). */
const char *nn_program_name(void);
void nn_set_program_name(const char *name);

/* "tool: file: message\n" (file may be NULL), cleanup, exit(1). */
NN_NORETURN void nn_die(const char *file, const char *fmt, ...) NN_PRINTF(2, 3);
/* "tool: file: <last library error>", exit(1). */
NN_NORETURN void nn_die_lib(const char *file);
/* "tool: message\nTry 'tool --help'.\n", cleanup, exit(2). */
NN_NORETURN void nn_usage(const char *fmt, ...) NN_PRINTF(1, 2);

/* A warning on stderr: "tool: file: message". */
void nn_warn(const char *file, const char *fmt, ...) NN_PRINTF(2, 3);

/* Set by -q/--quiet in tools that offer it; progress lines check it. */
extern int nn_quiet;

#endif
