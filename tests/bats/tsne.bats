#!/usr/bin/env bats
# tsne: command line, output shape and type, clusters kept apart, same
# result for any thread count, and bad input (clear error, exit 1, no
# output file).

bats_require_minimum_version 1.5.0

setup() {
  TSNE="$NNPIPE_BIN/tsne"
  PY="${PYTHON:-/usr/bin/python3}"
  "$PY" -c 'import numpy' 2>/dev/null || skip "python3 with numpy is missing (needed to write the .npy fixtures)"
  FIX="$PY $BATS_TEST_DIRNAME/../python/tsne_npy.py"
  cd "$BATS_TEST_TMPDIR"
}

@test "tsne --help shows the defaults" {
  run "$TSNE" --help
  [ "$status" -eq 0 ]
  [[ "$output" == *"--perplexity"*"30"* ]]
  [[ "$output" == *"barnes_hut"* ]]
  [[ "$output" == *"--n-iter"*"1000"* ]]
}

@test "tsne: three clusters stay apart; (N, 2) float32 on stdout, progress on stderr" {
  $FIX clusters x.npy 120
  run --separate-stderr "$TSNE" -n 300 x.npy
  [ "$status" -eq 0 ]
  [[ "$stderr" == *"iteration 50/300: KL"* ]]
  [[ "$stderr" == *"Barnes-Hut, 91 neighbours"* ]]
  "$TSNE" -q -n 300 x.npy > y.npy
  run $FIX shape y.npy
  [ "$output" = "<f4 360,2" ]
  run $FIX separated y.npy 120
  echo "$output"
  [ "$status" -eq 0 ]
}

@test "tsne: --dims 3, exact method, stdin to -o file, uint8 (N, 2, 4) input" {
  $FIX clusters x8.npy 60 uint8
  run --separate-stderr "$TSNE" -d 3 --method exact -n 300 -o y.npy - < x8.npy
  [ "$status" -eq 0 ]
  [ -z "$output" ]
  [[ "$stderr" == *"exact, 179 neighbours"* ]]
  run $FIX shape y.npy
  [ "$output" = "<f4 180,3" ]
  run $FIX separated y.npy 60
  [ "$status" -eq 0 ]
}

@test "tsne: small N switches to exact; -q is silent" {
  $FIX clusters x.npy 40
  run --separate-stderr "$TSNE" -p 10 -n 60 -o y.npy x.npy
  [ "$status" -eq 0 ]
  [[ "$stderr" == *"120 points, exact"* ]]
  run --separate-stderr "$TSNE" -q -p 10 -n 60 -o y.npy x.npy
  [ -z "$stderr" ]
}

@test "tsne: the result does not depend on --threads; --seed matters only with --init random" {
  $FIX clusters x.npy 150
  "$TSNE" -q -n 120 --threads 1 -o a.npy x.npy
  "$TSNE" -q -n 120 --threads 2 -o b.npy x.npy
  cmp a.npy b.npy
  "$TSNE" -q -n 120 --seed 5 -o c.npy x.npy
  cmp a.npy c.npy
  "$TSNE" -q -n 120 --init random --seed 1 -o r1.npy x.npy
  "$TSNE" -q -n 120 --init random --seed 2 -o r2.npy x.npy
  ! cmp -s r1.npy r2.npy
}

@test "tsne: perplexity not below N is an error naming the file; no output" {
  $FIX make tiny.npy tiny
  run --separate-stderr "$TSNE" -o out.npy tiny.npy
  [ "$status" -eq 1 ]
  [[ "$stderr" == "tsne: tiny.npy: perplexity (30) must be less than the number of points (20)"* ]]
  [ ! -e out.npy ]
  [ -z "$(ls -A | grep out)" ]  # no temporary file left either
}

@test "tsne: NaN in the data is an error; no output" {
  $FIX make nan.npy nan
  run --separate-stderr "$TSNE" -p 5 -o out.npy nan.npy
  [ "$status" -eq 1 ]
  [[ "$stderr" == "tsne: nan.npy: point 13 has a value that is not finite"* ]]
  [ ! -e out.npy ]
}

@test "tsne: empty array and 1-D array are errors; no output" {
  $FIX make empty.npy empty
  run --separate-stderr "$TSNE" -o out.npy empty.npy
  [ "$status" -eq 1 ]
  [[ "$stderr" == "tsne: empty.npy: no points"*"(0, 5)"* ]]
  $FIX make flat.npy flat
  run --separate-stderr "$TSNE" -p 5 -o out.npy flat.npy
  [ "$status" -eq 1 ]
  [[ "$stderr" == "tsne: flat.npy: expected an (N, features...) array"*"(50,)"* ]]
  [ ! -e out.npy ]
}

@test "tsne: not an .npy file, missing file: exit 1 naming the file" {
  echo "hello" > bad.npy
  run --separate-stderr "$TSNE" -o out.npy bad.npy
  [ "$status" -eq 1 ]
  [[ "$stderr" == "tsne: bad.npy: "* ]]
  run --separate-stderr "$TSNE" -o out.npy missing.npy
  [ "$status" -eq 1 ]
  [[ "$stderr" == "tsne: missing.npy: "* ]]
  [ ! -e out.npy ]
}

@test "tsne: bad option values are usage errors (exit 2)" {
  $FIX clusters x.npy 20
  run "$TSNE" -d 4 x.npy
  [ "$status" -eq 2 ]
  run "$TSNE" --learning-rate fast x.npy
  [ "$status" -eq 2 ]
  run "$TSNE" --method fast x.npy
  [ "$status" -eq 2 ]
  run "$TSNE" -p -1 -o out.npy x.npy
  [ "$status" -eq 1 ]
  [ ! -e out.npy ]
}

@test "tsne: --method exact refuses more than 5000 points (dense P) before any work" {
  $FIX make big.npy big
  run --separate-stderr "$TSNE" --method exact -o out.npy big.npy
  [ "$status" -eq 1 ]
  [[ "$stderr" == "tsne: big.npy: exact t-SNE keeps all N^2 affinities and is limited to 5000 points"* ]]
  [ ! -e out.npy ]
}
