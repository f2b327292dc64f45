#!/usr/bin/env bats
# make install: tools under a program prefix, man pages, the library with
# its headers and pkg-config file, usable from a C program of one's own.

setup() {
  dest="$BATS_TEST_TMPDIR/dest"
  eval "make -s -C '$NNPIPE_ROOT' $NNPIPE_MAKEVARS install DESTDIR='$dest' PREFIX=/opt/nn PROGRAM_PREFIX=nn-" >/dev/null
}

@test "install puts every tool and its man page under the program prefix" {
  for t in "$NNPIPE_BIN"/*; do
    name=$(basename "$t")
    [ -x "$dest/opt/nn/bin/nn-$name" ] || { echo "missing nn-$name"; return 1; }
    [ -s "$dest/opt/nn/share/man/man1/nn-$name.1" ] || { echo "missing man page of $name"; return 1; }
  done
  [ -f "$dest/opt/nn/lib/libnnpipe.a" ]
  [ -f "$dest/opt/nn/include/nnpipe/core/array.h" ]
  grep -q 'prefix=/opt/nn' "$dest/opt/nn/lib/pkgconfig/nnpipe.pc"
}

@test "a C program builds against the installed library" {
  cat > "$BATS_TEST_TMPDIR/use.c" <<'C'
#include "core/array.h"
#include "math/rng.h"
#include <stdio.h>
int main(void)
{
    nn_rng r;
    nn_rng_seed(&r, 1);
    int64_t shape[2] = {2, 3};
    nn_array a;
    if (nn_array_alloc(&a, NN_F32, 2, shape))
        return 1;
    printf("%zu %s %d\n", nn_array_count(&a), nn_dtype_name(a.dtype), nn_rng_below(&r, 10) < 10);
    nn_array_free(&a);
    return 0;
}
C
  run $NNPIPE_CC $NNPIPE_LDFLAGS -I"$dest/opt/nn/include/nnpipe" -o "$BATS_TEST_TMPDIR/use" "$BATS_TEST_TMPDIR/use.c" \
      "$dest/opt/nn/lib/libnnpipe.a" -lm -pthread
  [ "$status" -eq 0 ]
  # In a cross build (make RUNNER=qemu-...) the program is the target's too.
  run ${NNPIPE_RUNNER:-} "$BATS_TEST_TMPDIR/use"
  [ "$output" = "6 float32 1" ]
}
