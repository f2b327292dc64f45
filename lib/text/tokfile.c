#include "text/tokfile.h"

#include <stdlib.h>
#include <string.h>

void nn_tokfile_init(nn_tokfile *t, const char *text, size_t n)
{
    memset(t, 0, sizeof *t);
    t->p = text;
    t->end = text + n;
}

int nn_tokfile_next(nn_tokfile *t)
{
    if (t->p >= t->end)
        return 0;
    const char *s = t->p, *eol = memchr(s, '\n', (size_t)(t->end - s));
    if (!eol)
        eol = t->end;
    t->p = eol < t->end ? eol + 1 : t->end;
    t->line++;
    if (eol > s && eol[-1] == '\r')
        eol--;
    if (eol == s)
        return 2;
    t->nf = 0;
    while (t->nf < NN_TOK_MAX_FIELDS) {
        const char *tab = memchr(s, '\t', (size_t)(eol - s));
        const char *fe = tab ? tab : eol;
        t->f[t->nf] = s;
        t->fl[t->nf++] = (size_t)(fe - s);
        if (!tab)
            break;
        s = tab + 1;
    }
    return 1;
}

int nn_tok_column_parse(const char *name)
{
    static const char *const names[] = {"word", "norm", "pos", "tag"};
    for (int i = 0; i < 4; i++)
        if (strcmp(name, names[i]) == 0)
            return i;
    char *end;
    long v = strtol(name, &end, 10);
    if (*name && !*end && v >= 1 && v <= NN_TOK_MAX_FIELDS)
        return (int)v - 1;
    return -1;
}
