#include "text/textcolumn.h"

#include "core/error.h"
#include "core/mem.h"

#include <stdlib.h>
#include <string.h>

int nn_text_column(char *text, size_t len, int col, const char *header, char ***rows, size_t *n)
{
    *rows = NULL;
    *n = 0;
    if (col < 1)
        return nn_set_error("column %d: columns count from 1", col);
    if (memchr(text, 0, len))
        return nn_set_error("not a text file (NUL byte)");
    size_t cap = 1;
    for (size_t i = 0; i < len; i++)
        cap += text[i] == '\n';
    char **r = nn_alloc(cap, sizeof *r);
    if (!r)
        return -1;
    size_t k = 0, line = 0;
    char *p = text;
    while (*p) {
        char *e = strchr(p, '\n');
        if (e)
            *e = 0;
        size_t ll = strlen(p);
        if (ll && p[ll - 1] == '\r')
            p[--ll] = 0;
        line++;
        if (ll) {
            char *f = p;
            for (int c = 1; c < col && f; c++)
                if ((f = strchr(f, '\t')))
                    f++;
            if (!f) {
                free(r);
                return nn_set_error("line %zu: no column %d", line, col);
            }
            char *t = strchr(f, '\t');
            if (t)
                *t = 0;
            if (!(line == 1 && header && strcmp(f, header) == 0))
                r[k++] = f;
        }
        if (!e)
            break;
        p = e + 1;
    }
    *rows = r;
    *n = k;
    return 0;
}
