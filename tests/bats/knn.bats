#!/usr/bin/env bats
# knn: predictions, neighbours and distances recorded from scikit-learn
# 1.2 on a fixed input; leave-one-out; bad input.

bats_require_minimum_version 1.5.0

setup() {
  KNN="$NNPIPE_BIN/knn"
  PY="${PYTHON:-/usr/bin/python3}"
  command -v "$PY" >/dev/null 2>&1 || skip "python3 is missing (needed to write the .npy fixtures)"
  NPY="$PY $BATS_TEST_DIRNAME/../python/pca_npy.py"
  cd "$BATS_TEST_TMPDIR"
  $NPY fixed x.npy
  $NPY write y.npy "<i8" 12 0 1 2 0 1 2 0 1 2 0 1 2
  # (x[[0, 3, 7, 10]] * 0.9 + 0.05) in float32
  $NPY write q.npy "<f4" 4,5 0.0500000007 0.0500000007 0.0500000007 0.0500000007 0.0500000007 \
    0.889999986 -0.519999981 0.320000023 0.773000002 0.724999964 0.590000033 1.13 1.21999991 \
    -0.112000003 0.650000036 1.42999983 0.560000002 0.36500001 0.611000001 0.350000024
}

flat() { $NPY dump "$1" | tail -n +2 | tr '\n' ' ' | sed 's/ $//'; }
near_all() { # two space-separated lists, tolerance
  paste <(tr ' ' '\n' <<< "$1") <(tr ' ' '\n' <<< "$2") |
    awk -v t="$3" '{ d = $1 - $2; if (d < 0) d = -d; if (d > t || NF != 2) bad++ } END { exit bad > 0 }'
}

@test "knn euclidean k=3: scikit-learn's predictions, neighbours and distances" {
  run --separate-stderr "$KNN" --k 3 --train x.npy --labels y.npy --test q.npy --neighbors i.npy --distances d.npy -o p.npy
  [ "$status" -eq 0 ]
  [[ "$stderr" == *"ms per sample"* ]]
  # KNeighborsClassifier(3, algorithm='brute').fit(x, y): predict, kneighbors
  [ "$(flat p.npy)" = "0 0 1 1" ]
  [ "$(flat i.npy)" = "0 11 6 3 6 11 7 2 4 10 5 1" ]
  near_all "$(flat d.npy)" "0.111803 0.891316 1.01688 0.129102 0.704882 0.768439 0.127678 0.53878 0.729391 0.106664 0.577492 0.663641" 2e-6
}

@test "knn cosine k=4 (a zero training row): scikit-learn's results" {
  "$KNN" -q --k 4 --metric cosine --train x.npy --labels y.npy --test q.npy --neighbors i.npy --distances d.npy > p.npy
  [ "$(flat p.npy)" = "1 0 1 1" ]
  [ "$(flat i.npy)" = "4 8 1 10 3 11 6 1 7 2 4 9 10 5 1 8" ]
  near_all "$(flat d.npy)" "0.075184 0.088067 0.148706 0.160621 0.001747 0.098456 0.099352 0.203021 0.000619 0.015386 0.077713 0.085833 0.000618 0.009409 0.07008 0.074492" 2e-6
}

@test "knn without --test: leave-one-out neighbours as scikit-learn's kneighbors() and its accuracy" {
  run --separate-stderr "$KNN" --k 3 --train x.npy --labels y.npy --neighbors i.npy -o p.npy
  [ "$status" -eq 0 ]
  [ "$(flat i.npy)" = "11 6 9 6 10 9 7 4 8 6 11 1 7 9 2 10 8 1 11 1 9 2 4 9 5 10 4 6 1 4 5 1 8 6 3 0" ]
  [[ "$stderr" == *"$(printf 'accuracy\t0.250000\t3/12')"* ]]
}

@test "knn: vote ties go to the smallest label, labels keep their dtype" {
  # Points 0, 1, 2, 3 on a line, labels 5 5 2 2 (uint8); the query 1.5 with
  # k = 4 sees two of each: 2 wins.  k = 1 from 0.1: label 5.
  $NPY write t.npy "<f4" 4,1 0 1 2 3
  $NPY write l.npy "|u1" 4 5 5 2 2
  $NPY write tq.npy "<f4" 2,1 1.5 0.1
  $NPY write tl.npy "<i4" 2 2 2
  run --separate-stderr "$KNN" --k 4 --train t.npy --labels l.npy --test tq.npy --test-labels tl.npy -o p.npy
  [ "$status" -eq 0 ]
  run $NPY dump p.npy
  [ "${lines[0]}" = "|u1 2" ]
  [ "${lines[1]}" = 2 ]
  "$KNN" -q --k 1 --train t.npy --labels l.npy --test tq.npy -o p1.npy
  [ "$(flat p1.npy)" = "5 5" ]
}

@test "knn: the same results with 1 and 2 threads" {
  "$KNN" -q --threads 1 --k 3 --train x.npy --labels y.npy --test q.npy --neighbors a.npy -o pa.npy
  "$KNN" -q --threads 2 --k 3 --train x.npy --labels y.npy --test q.npy --neighbors b.npy -o pb.npy
  cmp a.npy b.npy
  cmp pa.npy pb.npy
}

@test "knn: bad input is a clear error, exit 1, and no output file" {
  # k larger than the training set
  run --separate-stderr "$KNN" --k 13 --train x.npy --labels y.npy --test q.npy -o p.npy
  [ "$status" -eq 1 ]
  [[ "$stderr" == "knn: x.npy: k = 13, but there are only 12 training rows"* ]]
  [ ! -e p.npy ]
  # leave-one-out leaves 11
  run "$KNN" --k 12 --train x.npy --labels y.npy -o p.npy
  [ "$status" -eq 1 ]
  [ ! -e p.npy ]
  # mismatched row counts
  $NPY write y5.npy "<i8" 5 0 1 2 3 4
  run --separate-stderr "$KNN" --train x.npy --labels y5.npy --test q.npy -o p.npy --k 3
  [ "$status" -eq 1 ]
  [[ "$stderr" == *"y5.npy: labels have shape (5), expected (12,)"* ]] || [[ "$stderr" == *"y5.npy: labels have shape (5,), expected (12,)"* ]]
  [ ! -e p.npy ]
  run --separate-stderr "$KNN" --train x.npy --labels y.npy --test q.npy --test-labels y5.npy -o p.npy --k 3
  [ "$status" -eq 1 ]
  [ ! -e p.npy ]
  # feature counts differ
  $NPY write q3.npy "<f4" 1,3 1 2 3
  run --separate-stderr "$KNN" --k 3 --train x.npy --labels y.npy --test q3.npy -o p.npy
  [ "$status" -eq 1 ]
  [[ "$stderr" == *"q3.npy: queries have shape (1, 3), 3 features per row"* ]]
  [ ! -e p.npy ]
  # labels that are not whole numbers
  $NPY write yf.npy "<f4" 12 0 1 2 0 1 2 0 1 2 0 1 2.5
  run --separate-stderr "$KNN" --k 3 --train x.npy --labels yf.npy --test q.npy -o p.npy
  [ "$status" -eq 1 ]
  [[ "$stderr" == *"yf.npy: labels must be integers"* ]]
  [ ! -e p.npy ]
  # NaN in the queries
  $NPY write qn.npy "<f4" 1,5 1 2 nan 4 5
  run --separate-stderr "$KNN" --k 3 --train x.npy --labels y.npy --test qn.npy -o p.npy
  [ "$status" -eq 1 ]
  [[ "$stderr" == *"qn.npy: non-finite value (NaN or infinity) in query row 0"* ]]
  [ ! -e p.npy ]
  # empty arrays
  $NPY write e.npy "<f4" 0,5
  $NPY write ye.npy "<i8" 0
  run --separate-stderr "$KNN" --k 1 --train e.npy --labels ye.npy --test q.npy -o p.npy
  [ "$status" -eq 1 ]
  [[ "$stderr" == *"e.npy: no training rows"* ]]
  run --separate-stderr "$KNN" --k 1 --train x.npy --labels y.npy --test e.npy -o p.npy
  [ "$status" -eq 1 ]
  [[ "$stderr" == *"e.npy: no query rows"* ]]
  [ ! -e p.npy ]
  # required options
  run "$KNN" --train x.npy
  [ "$status" -eq 2 ]
  run "$KNN" --train x.npy --labels y.npy --metric manhattan
  [ "$status" -eq 2 ]
}
