/* HTML escaping for self-contained reports. */
#include "core/error.h"
#include "core/mem.h"
#include "demo/demo.h"

#include <string.h>

static int append(char **buf, size_t *len, size_t *cap, const char *s, size_t n)
{
    if (*len + n + 1 > *cap) {
        size_t want = (*cap ? *cap * 2 : 1024);
        while (want < *len + n + 1)
            want *= 2;
        char *p = nn_realloc(*buf, want, 1);
        if (!p)
            return -1;
        *buf = p;
        *cap = want;
    }
    memcpy(*buf + *len, s, n);
    *len += n;
    (*buf)[*len] = 0;
    return 0;
}

int nn_html_escape_append(char **buf, size_t *len, size_t *cap, const char *s)
{
    for (; *s; s++) {
        const char *rep = NULL;
        switch (*s) {
        case '&': rep = "&amp;"; break;
        case '<': rep = "&lt;"; break;
        case '>': rep = "&gt;"; break;
        case '"': rep = "&quot;"; break;
        case '\'': rep = "&#39;"; break;
        default: break;
        }
        if (append(buf, len, cap, rep ? rep : s, rep ? strlen(rep) : 1) < 0)
            return -1;
    }
    return 0;
}
