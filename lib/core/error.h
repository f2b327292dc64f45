/* Error reporting shared by the library and the tools.
 *
 * Library functions never print and never exit: they return a status
 * (0 on success, -1 on failure, unless a header says otherwise) and leave
 * a message for the caller with nn_set_error().  Tools turn that message
 * into "tool: file: message" with nn_die() (see cli.h). */
#ifndef NN_CORE_ERROR_H
#define NN_CORE_ERROR_H

#include <stdarg.h>

#if defined(__GNUC__) || defined(__clang__)
#define NN_PRINTF(a, b) __attribute__((format(printf, a, b)))
#define NN_NORETURN __attribute__((noreturn))
#else
#define NN_PRINTF(a, b)
#define NN_NORETURN
#endif

/* Record the message of the last failure in this thread.  Returns -1 so
 * that library code can write `return nn_set_error("...")`. */
int nn_set_error(const char *fmt, ...) NN_PRINTF(1, 2);
int nn_set_verror(const char *fmt, va_list ap);

/* The message of the last failure in this thread ("" if none). */
const char *nn_last_error(void);

/* Marks the last failure as one of writing to standard output, so that a
 * tool names the file "-" as (stdout) instead of (stdin); nn_set_error()
 * clears the mark. */
void nn_error_on_stdout(void);
int nn_last_error_on_stdout(void);

#endif
