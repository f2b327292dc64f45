#include "core/progress.h"

#include "core/cli.h"
#include "core/timer.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

void nn_format_duration(double s, char *buf, int size)
{
    if (!isfinite(s) || s < 0)
        s = 0;
    long t = (long)(s + 0.5);
    if (t >= 3600)
        snprintf(buf, (size_t)size, "%ld:%02ld:%02ld", t / 3600, t / 60 % 60, t % 60);
    else
        snprintf(buf, (size_t)size, "%ld:%02ld", t / 60, t % 60);
}

void nn_progress_start(nn_progress *p, const char *label, int64_t total, const char *unit)
{
    memset(p, 0, sizeof *p);
    p->label = label;
    p->unit = unit ? unit : "it";
    p->total = total;
    p->start = nn_now();
    p->last_draw = 0;
    p->tty = isatty(fileno(stderr));
}

static void draw(nn_progress *p, int64_t done, int final)
{
    double now = nn_now(), elapsed = now - p->start;
    double rate = elapsed > 0 ? (double)done / elapsed : 0;
    char when[32] = "";
    if (final)
        nn_format_duration(elapsed, when, sizeof when);
    else if (p->total > 0 && rate > 0)
        nn_format_duration((double)(p->total - done) / rate, when, sizeof when);
    char count[64];
    if (p->total > 0)
        snprintf(count, sizeof count, "%lld/%lld", (long long)done, (long long)p->total);
    else
        snprintf(count, sizeof count, "%lld", (long long)done);
    fprintf(stderr, "%s%s  %s  %.4g %s/s  %s %s%s%s%s", p->tty ? "\r" : "", p->label, count, rate, p->unit,
            final ? "took" : "ETA", when[0] ? when : "?", p->extra[0] ? "  " : "", p->extra,
            p->tty ? "\033[K" : "");
    if (!p->tty || final)
        fputc('\n', stderr);
    fflush(stderr);
}

void nn_progress_update(nn_progress *p, int64_t done)
{
    if (nn_quiet)
        return;
    double now = nn_now();
    double every = p->tty ? 0.1 : 5.0;
    if (now - p->last_draw < every)
        return;
    if (p->last_draw == 0 && !p->tty && now - p->start < every) {
        return;
    }
    p->last_draw = now;
    draw(p, done, 0);
}

void nn_progress_finish(nn_progress *p, int64_t done)
{
    if (nn_quiet)
        return;
    draw(p, done, 1);
}
