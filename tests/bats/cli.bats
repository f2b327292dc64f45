#!/usr/bin/env bats
# The conventions every tool shares: --help with defaults, --version,
# --threads, usage errors with exit status 2, errors naming the file.

bats_require_minimum_version 1.5.0

tools() { for t in "$NNPIPE_BIN"/*; do [ -x "$t" ] && basename "$t"; done; }

@test "there are tools to check" {
  [ -n "$(tools)" ]
}

@test "every tool: --help exits 0, shows usage, --threads and defaults" {
  for t in $(tools); do
    run "$NNPIPE_BIN/$t" --help
    [ "$status" -eq 0 ] || { echo "$t --help: status $status"; return 1; }
    [[ "$output" == *"Usage: $t"* ]] || { echo "$t: no usage line"; return 1; }
    [[ "$output" == *"--threads"* ]] || [[ "$output" == *"Commands:"* ]] || { echo "$t: no --threads"; return 1; }
  done
}

@test "every tool: --version names nnpipe and the version" {
  for t in $(tools); do
    run "$NNPIPE_BIN/$t" --version
    [ "$status" -eq 0 ] || { echo "$t --version: status $status"; return 1; }
    [[ "$output" == "$t (nnpipe) "[0-9]* ]] || { echo "$t: '$output'"; return 1; }
  done
}

@test "every tool: an unknown option is a usage error (exit 2) on stderr" {
  for t in $(tools); do
    run --separate-stderr "$NNPIPE_BIN/$t" --no-such-option-xyz
    [ "$status" -eq 2 ] || { echo "$t: status $status"; return 1; }
    [[ "$stderr" == "$t"*"no-such-option-xyz"* ]] || { echo "$t: stderr '$stderr'"; return 1; }
    [ -z "$output" ] || { echo "$t: wrote to stdout"; return 1; }
  done
}

@test "every tool has a man page generated from its help" {
  for t in $(tools); do
    run sh "$NNPIPE_ROOT/man/mkman.sh" "$NNPIPE_BIN/$t" "$t" 0.0
    [ "$status" -eq 0 ] || { echo "$t: mkman failed"; return 1; }
    [[ "$output" == *".SH NAME"* ]] || return 1
    if command -v man >/dev/null 2>&1; then
      printf '%s\n' "$output" > "$BATS_TEST_TMPDIR/$t.1"
      run man -l "$BATS_TEST_TMPDIR/$t.1"
      [ "$status" -eq 0 ] || { echo "$t: man could not render"; return 1; }
    fi
  done
}
