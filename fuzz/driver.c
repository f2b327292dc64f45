/* main() for a harness built without libFuzzer: runs every file named on
 * the command line through LLVMFuzzerTestOneInput once.  Used by
 * tests/bats/regress.bats (with the project's own compiler and, under
 * SANITIZE=1, its sanitizers) to replay tests/regress/NAME/\*.
 * Exit 0 when every input ran; a crash or sanitizer report ends the
 * process with a signal or a non-zero status. */
#include "fuzz.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int run_file(const char *path)
{
    FILE *fp = fopen(path, "rb");
    if (!fp) {
        fprintf(stderr, "driver: %s: cannot open\n", path);
        return -1;
    }
    size_t cap = 4096, len = 0;
    uint8_t *buf = malloc(cap);
    size_t got;
    while (buf && (got = fread(buf + len, 1, cap - len, fp)) > 0) {
        len += got;
        if (len == cap) {
            uint8_t *nb = realloc(buf, cap * 2);
            if (!nb) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = nb;
            cap *= 2;
        }
    }
    int err = ferror(fp);
    fclose(fp);
    if (!buf || err) {
        free(buf);
        fprintf(stderr, "driver: %s: cannot read\n", path);
        return -1;
    }
    /* An exact-size copy, as libFuzzer passes it, so ASan sees overreads. */
    uint8_t *exact = malloc(len ? len : 1);
    if (!exact) {
        free(buf);
        return -1;
    }
    memcpy(exact, buf, len);
    free(buf);
    LLVMFuzzerTestOneInput(exact, len);
    free(exact);
    return 0;
}

int main(int argc, char **argv)
{
    int status = 0;
    for (int i = 1; i < argc; i++)
        if (run_file(argv[i]) < 0)
            status = 1;
    return status;
}
