#!/usr/bin/env bats
# Replays every input the fuzzers found (tests/regress/NAME/*, NAME being
# the harness fuzz/fuzz_NAME.c) two ways:
#  - through the harness itself, built with fuzz/driver.c (no libFuzzer)
#    by this build's compiler and flags (so SANITIZE=1 runs it under
#    ASan+UBSan) against this build's libnnpipe.a: the harness's checks
#    must hold and nothing may crash;
#  - through the tool that reads that format, where there is one: the
#    tool must succeed or fail cleanly (exit 0 or 1, a message), never die
#    by a signal or print a sanitizer report.
# Files in tests/regress/NAME keep the harness's input format: for the
# harnesses whose first byte selects a mode (tsv, csv, wordvec, inflate,
# deflate, model) the tools get the file without that byte.

bats_require_minimum_version 1.5.0

setup_file() {
  ROOT=${NNPIPE_ROOT:-$(cd "$(dirname "$BATS_TEST_FILENAME")/../.." && pwd)}
  export ROOT
}

setup() {
  T=$BATS_TEST_TMPDIR
  LIB=
  if [ -n "${NNPIPE_UNIT:-}" ]; then LIB=$(dirname "$NNPIPE_UNIT")/libnnpipe.a; fi
}

# Sanitizer or crash output in a file?
clean_stderr() {
  ! grep -qE 'runtime error|AddressSanitizer|LeakSanitizer|UndefinedBehaviorSanitizer|FUZZ_ASSERT' "$1"
}

# replay NAME: build fuzz_NAME with the driver and run it on every file.
replay() {
  local name=$1 dir=$ROOT/tests/regress/$1 f
  [ -d "$dir" ] && [ -n "$(ls "$dir")" ] || skip "no regression inputs for $name"
  [ -n "$LIB" ] && [ -f "$LIB" ] || skip "no libnnpipe.a (NNPIPE_UNIT unset)"
  # shellcheck disable=SC2086
  ${NNPIPE_CC:-cc} -std=c11 -O1 -g -D_POSIX_C_SOURCE=200809L -I"$ROOT/lib" -pthread ${NNPIPE_LDFLAGS:-} \
    -o "$T/fuzz_$name" "$ROOT/fuzz/fuzz_$name.c" "$ROOT/fuzz/driver.c" "$LIB" -lm
  for f in "$dir"/*; do
    run "$T/fuzz_$name" "$f"
    if [ "$status" -ne 0 ]; then
      echo "fuzz_$name $f: exit $status"
      echo "$output" | head -20
      return 1
    fi
  done
}

# tool NAME DROP CMD...: run CMD on each input of NAME (with its first byte
# dropped when DROP is 1); the input file is appended as the last argument.
tool() {
  local name=$1 drop=$2 dir=$ROOT/tests/regress/$1 f in
  shift 2
  [ -d "$dir" ] && [ -n "$(ls "$dir")" ] || skip "no regression inputs for $name"
  [ -x "$NNPIPE_BIN/$1" ] || skip "no $1 program"
  for f in "$dir"/*; do
    in=$f
    if [ "$drop" = 1 ]; then in=$T/input; tail -c +2 "$f" > "$in"; fi
    local rc=0
    "$NNPIPE_BIN/$@" "$in" > "$T/out" 2> "$T/err" || rc=$?
    if [ "$rc" -gt 1 ] || ! clean_stderr "$T/err"; then
      echo "$* $f: exit $rc"
      head -20 "$T/err"
      return 1
    fi
    # A failure must say what is wrong.
    if [ "$rc" -eq 1 ] && [ ! -s "$T/err" ]; then
      echo "$* $f: exit 1 without a message"
      return 1
    fi
  done
}

@test "regress: npy harness" { replay npy; }
@test "regress: safetensors harness" { replay safetensors; }
@test "regress: json harness" { replay json; }
@test "regress: inflate harness" { replay inflate; }
@test "regress: deflate harness" { replay deflate; }
@test "regress: gzip harness" { replay gzip; }
@test "regress: zlib harness" { replay zlib; }
@test "regress: png harness" { replay png; }
@test "regress: jpeg harness" { replay jpeg; }
@test "regress: pnm harness" { replay pnm; }
@test "regress: idx harness" { replay idx; }
@test "regress: tsv harness" { replay tsv; }
@test "regress: csv harness" { replay csv; }
@test "regress: wordvec harness" { replay wordvec; }
@test "regress: model harness" { replay model; }
@test "regress: text harness" { replay text; }
@test "regress: wav harness" { replay wav; }

@test "regress: npy info on .npy inputs" { tool npy 0 npy info; }

@test "regress: npy info on .npy inputs through a pipe" {
  local f rc
  [ -x "$NNPIPE_BIN/npy" ] || skip "no npy program"
  for f in "$ROOT"/tests/regress/npy/*; do
    rc=0
    cat "$f" | "$NNPIPE_BIN/npy" info - > "$T/out" 2> "$T/err" || rc=$?
    if [ "$rc" -gt 1 ] || ! clean_stderr "$T/err"; then
      echo "npy info - < $f: exit $rc"; head -20 "$T/err"; return 1
    fi
  done
}
@test "regress: npy st-list on safetensors inputs" { tool safetensors 0 npy st-list; }
@test "regress: npy from-idx on IDX inputs" { tool idx 0 npy from-idx -o "$T/o.npy"; }
@test "regress: npy from-idx on gzip inputs" { tool gzip 0 npy from-idx -o "$T/o.npy"; }
@test "regress: npy from-tsv on TSV inputs" { tool tsv 1 npy from-tsv -o "$T/o.npy"; }
@test "regress: tokenize on CSV/CoNLL inputs" { tool csv 1 tokenize; }
@test "regress: resize-img on PNG inputs" { tool png 0 resize-img -s 4x4 -o "$T/o.npy"; }
@test "regress: resize-img on JPEG inputs" { tool jpeg 0 resize-img -s 4x4 -o "$T/o.npy"; }
@test "regress: resize-img on PNM inputs" { tool pnm 0 resize-img -s 4x4 -o "$T/o.npy"; }
@test "regress: audio-features on WAV inputs" { tool wav 0 audio-features -o "$T/o.npy"; }
