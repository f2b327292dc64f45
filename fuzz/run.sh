#!/bin/sh
# Build the libFuzzer harnesses (fuzz/fuzz_*.c) against the library
# sources compiled with the fuzzing flags, then run each for SECONDS.
#
#   fuzz/run.sh [SECONDS] [NAME...]        (default 60 s, every harness)
#   fuzz/run.sh build                      (build only)
#
# NAME is a harness name without the prefix: npy, png, json...
# Everything goes to build/fuzz/ (objects, harness programs, corpora in
# build/fuzz/corpus/NAME, crash inputs in build/fuzz/crashes/NAME, logs in
# build/fuzz/log/NAME.log).  Corpora are made by fuzz/seeds.sh when
# missing.  One fuzzer runs at a time (the machine is shared).
# Per harness prints: name, executions, exec/s, crashes; exits 1 if any
# harness crashed (a crash, leak, timeout, out-of-memory or sanitizer
# report; the input is saved in build/fuzz/crashes/NAME).
#
# Environment: CLANG (default clang), FUZZ_JOBS (parallel compiles, 2),
# FUZZ_FLAGS (extra libFuzzer flags).
set -u
cd "$(dirname "$0")/.." || exit 2
OUT=build/fuzz
CLANG=${CLANG:-clang}
JOBS=${FUZZ_JOBS:-2}
SAN="-fsanitize=address,undefined -fno-sanitize-recover=all"
CFLAGS="-std=c11 -O1 -g -fno-omit-frame-pointer $SAN -Wall -Wextra -pedantic -D_POSIX_C_SOURCE=200809L \
-Ilib -pthread"

secs=60
if [ $# -gt 0 ]; then
  case $1 in
    build) secs=build; shift ;;
    *[!0-9]*) ;;
    *) secs=$1; shift ;;
  esac
fi

all_names=$(ls fuzz/fuzz_*.c | sed 's|fuzz/fuzz_||; s|\.c$||')
names=${*:-$all_names}
for n in $names; do
  [ -f "fuzz/fuzz_$n.c" ] || { echo "run.sh: no harness fuzz/fuzz_$n.c" >&2; exit 2; }
done

mkdir -p "$OUT/obj" "$OUT/harness" || exit 2

# --- library objects, rebuilt when the source or a header it includes changed
stale() { # obj dep-file src
  [ -f "$1" ] && [ -f "$2" ] || return 0
  for d in $(sed -e 's/\\$//' -e 's/^[^:]*://' "$2"); do
    [ -e "$d" ] || return 0
    [ "$d" -nt "$1" ] && return 0
  done
  return 1
}
todo=""
for src in lib/*/*.c; do
  obj=$OUT/obj/$(echo "$src" | sed 's|/|_|g; s|\.c$|.o|')
  if stale "$obj" "${obj%.o}.d"; then todo="$todo $src"; fi
done
if [ -n "$todo" ]; then
  echo "run.sh: compiling $(echo $todo | wc -w) library files" >&2
  running=0
  for src in $todo; do
    obj=$OUT/obj/$(echo "$src" | sed 's|/|_|g; s|\.c$|.o|')
    # shellcheck disable=SC2086
    ($CLANG $CFLAGS -DNNPIPE_VERSION='"fuzz"' -fsanitize=fuzzer-no-link -MMD -MF "${obj%.o}.d" \
      -c -o "$obj" "$src" || { rm -f "$obj"; touch "$OUT/obj/FAILED"; }) &
    running=$((running + 1))
    if [ "$running" -ge "$JOBS" ]; then wait; running=0; fi
  done
  wait
  if [ -f "$OUT/obj/FAILED" ]; then rm -f "$OUT/obj/FAILED"; echo "run.sh: library build failed" >&2; exit 2; fi
  # Objects of sources that no longer exist must not stay in the archive.
  rm -f "$OUT/libnnpipe-fuzz.a"
fi
if [ ! -f "$OUT/libnnpipe-fuzz.a" ] || [ -n "$todo" ]; then
  objs=""
  for src in lib/*/*.c; do objs="$objs $OUT/obj/$(echo "$src" | sed 's|/|_|g; s|\.c$|.o|')"; done
  rm -f "$OUT/libnnpipe-fuzz.a"
  # shellcheck disable=SC2086
  ar rcs "$OUT/libnnpipe-fuzz.a" $objs || exit 2
fi

# --- harnesses
for n in $names; do
  bin=$OUT/harness/fuzz_$n
  if [ ! -x "$bin" ] || [ "fuzz/fuzz_$n.c" -nt "$bin" ] || [ "$OUT/libnnpipe-fuzz.a" -nt "$bin" ] \
     || [ fuzz/fuzz.h -nt "$bin" ] || [ fuzz/image_check.h -nt "$bin" ]; then
    $CLANG $CFLAGS -fsanitize=fuzzer -o "$bin" "fuzz/fuzz_$n.c" "$OUT/libnnpipe-fuzz.a" -lm \
      || { echo "run.sh: cannot build fuzz_$n" >&2; exit 2; }
  fi
done
[ "$secs" = build ] && exit 0

# --- run
if [ ! -d "$OUT/corpus" ]; then sh fuzz/seeds.sh || exit 2; fi
status=0
printf 'harness\texecutions\texec/s\tcrashes\tcorpus\n'
for n in $names; do
  corpus=$OUT/corpus/$n crashes=$OUT/crashes/$n log=$OUT/log/$n.log
  mkdir -p "$corpus" "$crashes" "$OUT/log"
  dict=""
  [ -f "fuzz/$n.dict" ] && dict="-dict=fuzz/$n.dict"
  before=$(ls "$crashes" | wc -l)
  # -malloc_limit_mb far above the 16 MiB nn_alloc_limit the harnesses set:
  # a report means a size from the input reached malloc unchecked.
  # shellcheck disable=SC2086
  "$OUT/harness/fuzz_$n" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -malloc_limit_mb=256 \
    -print_final_stats=1 -artifact_prefix="$crashes/" $dict ${FUZZ_FLAGS:-} "$corpus" >"$log" 2>&1
  rc=$?
  after=$(ls "$crashes" | wc -l)
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
  found=$((after - before))
  if [ "$rc" -ne 0 ] && [ "$found" -eq 0 ]; then found=1; fi
  printf '%s\t%s\t%s\t%s\t%s\n' "$n" "${execs:--}" "${rate:--}" "$found" "$(ls "$corpus" | wc -l)"
  if [ "$found" -gt 0 ]; then
    status=1
    echo "  see $log and $crashes/" >&2
    grep -m3 -E 'ERROR|FUZZ_ASSERT|runtime error|SUMMARY' "$log" | sed 's/^/  /' >&2
  fi
done
exit $status
