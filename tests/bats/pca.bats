#!/usr/bin/env bats
# pca fit / transform / inverse / variance: the command lines, the numbers
# recorded from scikit-learn 1.2 on a fixed input, and bad input.

bats_require_minimum_version 1.5.0

setup() {
  PCA="$NNPIPE_BIN/pca"
  PY="${PYTHON:-/usr/bin/python3}"
  command -v "$PY" >/dev/null 2>&1 || skip "python3 is missing (needed to write the .npy fixtures)"
  NPY="$PY $BATS_TEST_DIRNAME/../python/pca_npy.py"
  cd "$BATS_TEST_TMPDIR"
  $NPY fixed x.npy
}

# Prints the values of an .npy file, one a line (the first line is
# "dtype shape").
dump() { $NPY dump "$1"; }

# |a - b| <= tol for two numbers.
near() { awk -v a="$1" -v b="$2" -v t="$3" 'BEGIN { d = a - b; if (d < 0) d = -d; exit !(d <= t) }'; }

@test "pca fit and variance: scikit-learn's numbers on the fixed 12 x 5 input" {
  run "$PCA" fit -q -d 3 -o m.safetensors x.npy
  [ "$status" -eq 0 ]
  [ -z "$output" ]
  run "$PCA" variance -m m.safetensors
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = "$(printf 'component\tvariance\tratio\tcumulative')" ]
  # scikit-learn 1.2.1: PCA(3).fit(x): explained_variance_, _ratio_.
  ev=(0.6335304 0.3515524 0.1117846)
  evr=(0.5569304 0.3090463 0.0982688)
  for i in 0 1 2; do
    IFS=$'\t' read -r c v r cum <<< "${lines[$((i + 1))]}"
    [ "$c" -eq $((i + 1)) ]
    near "$v" "${ev[$i]}" 1e-6
    near "$r" "${evr[$i]}" 1e-6
  done
  near "$cum" 0.9642455 1e-6
}

@test "pca transform: codes match scikit-learn's up to the sign of each component" {
  "$PCA" fit -q -d 3 -o m.safetensors x.npy
  "$PCA" transform -m m.safetensors x.npy > codes.npy
  run dump codes.npy
  [ "${lines[0]}" = "<f4 12,3" ]
  # abs(PCA(3).fit(x).transform(x[:2])) from scikit-learn 1.2.1
  want=(1.0191 0.579568 0.588048 0.258341 0.273687 0.0585014)
  for i in 0 1 2 3 4 5; do
    v=${lines[$((i + 1))]#-}
    near "$v" "${want[$i]}" 2e-5
  done
  # Our sign rule: the largest |entry| of each component is positive.
  # scikit-learn 1.2's components: row 1 (0.40 0.82 0.37 -0.13 0.13)
  # already has a positive largest entry, so its codes agree in sign.
  near "${lines[1]}" -1.0191 2e-5
}

@test "pca inverse: full-rank reconstruction returns the data; -d 1 keeps the shape" {
  "$PCA" fit -q -d 5 -o m.safetensors x.npy
  "$PCA" transform -m m.safetensors x.npy | "$PCA" inverse -m m.safetensors - > xhat.npy
  paste <(dump x.npy) <(dump xhat.npy) | tail -n +2 | awk -F'\t' '{ d = $1 - $2; if (d < 0) d = -d; if (d > 1e-5) bad++ } END { exit bad > 0 }'
  "$PCA" fit -q -d 1 -o m1.safetensors x.npy
  "$PCA" transform -m m1.safetensors x.npy -o c1.npy
  "$PCA" inverse -m m1.safetensors c1.npy -o x1.npy
  run dump x1.npy
  [ "${lines[0]}" = "<f4 12,5" ]
}

@test "pca fit on uint8 images of shape (N, 2, 3): inverse gives (N, 2, 3) float32" {
  $NPY write img.npy "|u1" 4,2,3 0 10 20 30 40 50 5 15 25 35 45 55 9 8 7 6 5 4 200 100 0 1 2 3
  "$PCA" fit -q -d 2 -o m.safetensors img.npy
  "$PCA" transform -m m.safetensors img.npy -o c.npy
  "$PCA" inverse -m m.safetensors c.npy -o back.npy
  run dump back.npy
  [ "${lines[0]}" = "<f4 4,2,3" ]
  run dump c.npy
  [ "${lines[0]}" = "<f4 4,2" ]
}

@test "pca fit: progress and a summary on stderr, nothing on stdout with -o" {
  run --separate-stderr "$PCA" fit -d 2 -o m.safetensors x.npy
  [ "$status" -eq 0 ]
  [ -z "$output" ]
  [[ "$stderr" == *"12 samples x 5 features, 2 components explain"* ]]
}

@test "pca: bad input is a clear error, exit 1, and no output file" {
  # more components than features
  run --separate-stderr "$PCA" fit -d 6 -o m.safetensors x.npy
  [ "$status" -eq 1 ]
  [[ "$stderr" == "pca fit: x.npy: n_components must be between 1 and min(samples, features) = 5"* ]]
  [ ! -e m.safetensors ]
  # NaN in the data
  $NPY write nan.npy "<f4" 3,2 1 2 nan 4 5 6
  run --separate-stderr "$PCA" fit -d 1 -o m.safetensors nan.npy
  [ "$status" -eq 1 ]
  [[ "$stderr" == *"nan.npy: non-finite value (NaN or infinity) in row 1"* ]]
  [ ! -e m.safetensors ]
  # empty array and a single sample
  $NPY write empty.npy "<f4" 0,5
  run --separate-stderr "$PCA" fit -d 1 -o m.safetensors empty.npy
  [ "$status" -eq 1 ]
  [[ "$stderr" == *"empty.npy: PCA needs at least 2 samples"* ]]
  [ ! -e m.safetensors ]
  # not an npy file
  echo hello > bad.npy
  run "$PCA" fit -d 1 -o m.safetensors bad.npy
  [ "$status" -eq 1 ]
  [ ! -e m.safetensors ]
  # -d missing is a usage error
  run "$PCA" fit x.npy
  [ "$status" -eq 2 ]
}

@test "pca transform / inverse: wrong feature count, wrong model, no output file" {
  "$PCA" fit -q -d 2 -o m.safetensors x.npy
  $NPY write four.npy "<f4" 2,4 1 2 3 4 5 6 7 8
  run --separate-stderr "$PCA" transform -m m.safetensors four.npy -o c.npy
  [ "$status" -eq 1 ]
  [[ "$stderr" == *"four.npy: the data has 4 features per row"*"the model 5"* ]]
  [ ! -e c.npy ]
  run --separate-stderr "$PCA" inverse -m m.safetensors four.npy -o c.npy
  [ "$status" -eq 1 ]
  [[ "$stderr" == *"codes must have shape (N, 2)"* ]]
  [ ! -e c.npy ]
  run --separate-stderr "$PCA" transform -m x.npy x.npy -o c.npy
  [ "$status" -eq 1 ]
  [[ "$stderr" == "pca transform: x.npy: "* ]]
  [ ! -e c.npy ]
  run "$PCA" transform x.npy
  [ "$status" -eq 2 ]
}

@test "pca: commands, help and usage" {
  run "$PCA" --help
  [ "$status" -eq 0 ]
  [[ "$output" == *"svd_flip"* ]]
  run "$PCA" fit --help
  [ "$status" -eq 0 ]
  [[ "$output" == *"Usage: pca fit"* ]]
  run "$PCA"
  [ "$status" -eq 2 ]
  run "$PCA" frobnicate
  [ "$status" -eq 2 ]
}
