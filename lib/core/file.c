#include "core/file.h"

#include "core/error.h"
#include "core/mem.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Temporary names of outputs not yet committed, for cleanup at exit and
 * on signals.  A fixed table keeps the signal handler free of malloc. */
#define MAX_PENDING 64
static char *pending[MAX_PENDING];
static volatile sig_atomic_t pending_used[MAX_PENDING];
static int atexit_installed;

static void cleanup_at_exit(void)
{
    for (int i = 0; i < MAX_PENDING; i++)
        if (pending_used[i]) {
            unlink(pending[i]);
            pending_used[i] = 0;
        }
}

void nn_output_cleanup_signal(void)
{
    for (int i = 0; i < MAX_PENDING; i++)
        if (pending_used[i])
            unlink(pending[i]); /* async-signal-safe */
}

int nn_is_stdio(const char *path) { return path && strcmp(path, "-") == 0; }

static char *dup_string(const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = nn_alloc(n, 1);
    if (d)
        memcpy(d, s, n);
    return d;
}

int nn_output_open(nn_output *out, const char *path)
{
    memset(out, 0, sizeof *out);
    out->slot = -1;
    if (nn_is_stdio(path)) {
        out->fp = stdout;
        out->path = dup_string("-");
        return out->path ? 0 : -1;
    }
    struct stat st;
    int exists = stat(path, &st) == 0;
    if (exists && S_ISDIR(st.st_mode))
        return nn_set_error("is a directory");
    /* A device, a FIFO, or anything under /dev or /proc (/dev/stdout may
     * name a file the shell opened for appending): written in place.  A
     * temporary file renamed over it would replace the device (as root
     * even /dev/null) or the /dev/stdout link with a regular file. */
    if ((exists && !S_ISREG(st.st_mode)) || !strncmp(path, "/dev/", 5) || !strncmp(path, "/proc/", 6)) {
        out->fp = fopen(path, "wb");
        if (!out->fp)
            return nn_set_error("cannot open for writing: %s", strerror(errno));
        out->path = dup_string(path);
        if (!out->path) {
            fclose(out->fp);
            out->fp = NULL;
            return -1;
        }
        return 0;
    }
    if (!atexit_installed) {
        atexit(cleanup_at_exit);
        atexit_installed = 1;
    }
    int slot = -1;
    for (int i = 0; i < MAX_PENDING; i++)
        if (!pending_used[i]) {
            slot = i;
            break;
        }
    if (slot < 0)
        return nn_set_error("too many open outputs");
    size_t n = strlen(path);
    char *tmp = nn_alloc(n + 16, 1);
    if (!tmp)
        return -1;
    /* Same folder as the target, so rename() is atomic. */
    snprintf(tmp, n + 16, "%s.tmp-XXXXXX", path);
    int fd = mkstemp(tmp);
    if (fd < 0) {
        int e = errno;
        free(tmp);
        return nn_set_error("cannot create: %s", strerror(e));
    }
    fchmod(fd, 0644);
    out->fp = fdopen(fd, "wb");
    if (!out->fp) {
        close(fd);
        unlink(tmp);
        free(tmp);
        return nn_set_error("cannot open for writing");
    }
    out->path = dup_string(path);
    out->tmp_path = tmp;
    out->slot = slot;
    pending[slot] = tmp;
    pending_used[slot] = 1;
    return out->path ? 0 : -1;
}

static void release(nn_output *out)
{
    if (out->slot >= 0) {
        pending_used[out->slot] = 0;
        pending[out->slot] = NULL;
    }
    free(out->path);
    free(out->tmp_path);
    memset(out, 0, sizeof *out);
    out->slot = -1;
}

int nn_write_failed(FILE *fp, int err)
{
    nn_set_error("write error: %s", strerror(err));
    if (fp == stdout)
        nn_error_on_stdout();
    return -1;
}

int nn_output_commit(nn_output *out)
{
    if (!out->fp)
        return nn_set_error("output not open");
    if (!out->tmp_path) { /* stdout, a device or a FIFO */
        int bad = fflush(out->fp) != 0 || ferror(out->fp);
        int e = errno;
        if (out->fp != stdout && fclose(out->fp) != 0 && !bad) {
            bad = 1;
            e = errno;
        }
        FILE *fp = out->fp;
        release(out);
        return bad ? nn_write_failed(fp, e) : 0;
    }
    int bad = fflush(out->fp) != 0 || ferror(out->fp);
    int e = errno;
    if (fclose(out->fp) != 0 && !bad) {
        bad = 1;
        e = errno;
    }
    out->fp = NULL;
    if (bad) {
        unlink(out->tmp_path);
        release(out);
        return nn_set_error("write error: %s", strerror(e));
    }
    if (rename(out->tmp_path, out->path) != 0) {
        e = errno;
        unlink(out->tmp_path);
        release(out);
        return nn_set_error("cannot rename into place: %s", strerror(e));
    }
    release(out);
    return 0;
}

void nn_output_abort(nn_output *out)
{
    if (out->fp && out->tmp_path) {
        fclose(out->fp);
        unlink(out->tmp_path);
    } else if (out->fp && out->fp != stdout) {
        fclose(out->fp);
    }
    release(out);
}

FILE *nn_input_open(const char *path)
{
    if (nn_is_stdio(path))
        return stdin;
    FILE *fp = fopen(path, "rb");
    if (!fp) {
        nn_set_error("cannot open: %s", strerror(errno));
        return NULL;
    }
    struct stat st;
    if (fstat(fileno(fp), &st) == 0 && S_ISDIR(st.st_mode)) {
        fclose(fp);
        nn_set_error("is a directory");
        return NULL;
    }
    return fp;
}

void nn_input_close(FILE *fp)
{
    if (fp && fp != stdin)
        fclose(fp);
}

int nn_read_stream(FILE *fp, uint8_t **data, size_t *len)
{
    size_t cap = 1 << 16, n = 0;
    uint8_t *buf = nn_alloc(cap, 1);
    if (!buf)
        return -1;
    for (;;) {
        if (cap - n < 2) {
            if (cap > SIZE_MAX / 2) {
                free(buf);
                return nn_set_error("input too large");
            }
            uint8_t *nb = nn_realloc(buf, cap * 2, 1);
            if (!nb) {
                free(buf);
                return -1;
            }
            buf = nb;
            cap *= 2;
        }
        size_t got = fread(buf + n, 1, cap - n - 1, fp);
        n += got;
        if (got == 0) {
            if (ferror(fp)) {
                free(buf);
                return nn_set_error("read error: %s", strerror(errno));
            }
            break;
        }
    }
    buf[n] = 0;
    *data = buf;
    *len = n;
    return 0;
}

int nn_read_all(const char *path, uint8_t **data, size_t *len)
{
    FILE *fp = nn_input_open(path);
    if (!fp)
        return -1;
    int rc = nn_read_stream(fp, data, len);
    nn_input_close(fp);
    return rc;
}

int nn_read_exact(FILE *fp, void *buf, size_t n)
{
    if (fread(buf, 1, n, fp) != n)
        return nn_set_error(ferror(fp) ? "read error" : "unexpected end of file");
    return 0;
}
