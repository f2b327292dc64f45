#include "core/error.h"

#include <stdio.h>

static _Thread_local char last_error[512];
static _Thread_local int last_on_stdout;

int nn_set_verror(const char *fmt, va_list ap)
{
    vsnprintf(last_error, sizeof last_error, fmt, ap);
    last_on_stdout = 0;
    return -1;
}

int nn_set_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    nn_set_verror(fmt, ap);
    va_end(ap);
    return -1;
}

const char *nn_last_error(void) { return last_error; }

void nn_error_on_stdout(void) { last_on_stdout = 1; }

int nn_last_error_on_stdout(void) { return last_on_stdout; }
