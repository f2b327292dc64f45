#!/usr/bin/env bats
# PNG files written by nnpipe, read by other decoders: python's zlib with
# an independent unfilter (tests/python/png_check.py) and Pillow.  The
# files come from the test_png unit program (NNPIPE_PNG_OUT=DIR), since the
# writer is a library function; `make test` sets NNPIPE_UNIT.

bats_require_minimum_version 1.5.0

# Make the files once; a missing prerequisite is noted for setup() to skip
# (skip inside setup_file is not supported by every bats version).
setup_file() {
  export OUT="$BATS_FILE_TMPDIR/png" WHY_SKIP=""
  if [ -z "${NNPIPE_UNIT:-}" ] || [ ! -x "$NNPIPE_UNIT/test_png" ]; then
    WHY_SKIP="test_png not built (run through make test, which sets NNPIPE_UNIT)"
  elif [ -z "${PYTHON:-}" ] || [ ! -x "$PYTHON" ]; then
    WHY_SKIP="no python (\$PYTHON)"
  else
    mkdir -p "$OUT"
    NNPIPE_PNG_OUT="$OUT" "$NNPIPE_UNIT/test_png" >"$BATS_FILE_TMPDIR/test_png.log" 2>&1 ||
      { cat "$BATS_FILE_TMPDIR/test_png.log"; return 1; }
  fi
}

setup() {
  [ -z "$WHY_SKIP" ] || skip "$WHY_SKIP"
  CHECK="$BATS_TEST_DIRNAME/../python/png_check.py"
}

@test "png: test_png leaves PNG, raw and size files" {
  [ "$(ls "$OUT"/*.png | wc -l)" -ge 5 ]
  for f in "$OUT"/*.png; do
    [ -s "${f%.png}.raw" ] && [ -s "${f%.png}.txt" ]
  done
}

@test "png: an independent zlib-based decoder reads our files (CRCs, filters, pixels)" {
  run "$PYTHON" "$CHECK" "$OUT"
  echo "$output"
  [ "$status" -eq 0 ]
  [[ "$output" == *" 0 bad"* ]]
}

@test "png: Pillow reads our files with the right mode and pixels" {
  run "$PYTHON" "$CHECK" "$OUT" --pil
  [ "$status" -ne 77 ] || skip "python has no PIL"
  echo "$output"
  [ "$status" -eq 0 ]
}

@test "png: the file command recognises our files" {
  command -v file >/dev/null || skip "no file command"
  run file -b "$OUT/rgba_40x40.png"
  [[ "$output" == "PNG image data, 40 x 40, 8-bit/color RGBA"* ]]
  run file -b "$OUT/gray_28x28.png"
  [[ "$output" == "PNG image data, 28 x 28, 8-bit grayscale"* ]]
}
