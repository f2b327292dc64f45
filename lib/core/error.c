#include "core/error.h"

#include <stdio.h>

static _Thread_local char last_error[512];

int nn_set_verror(const char *fmt, va_list ap)
{
    vsnprintf(last_error, sizeof last_error, fmt, ap);
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
