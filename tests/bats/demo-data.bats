#!/usr/bin/env bats
# make-demo-data: the synthetic data sets are seeded, in the real data sets'
# formats, and read by the same tools as the real data.

bats_require_minimum_version 1.5.0

setup() {
  B=$NNPIPE_BIN
  D=$BATS_TEST_TMPDIR
}

@test "digits: MNIST's four IDX .gz files, 28x28 uint8, balanced labels" {
  run "$B/make-demo-data" digits -n 200 -t 50 -s 3 "$D/m"
  [ "$status" -eq 0 ]
  for f in train-images-idx3-ubyte.gz train-labels-idx1-ubyte.gz t10k-images-idx3-ubyte.gz t10k-labels-idx1-ubyte.gz; do
    [ -s "$D/m/$f" ] || { echo "missing $f"; return 1; }
    gzip -t "$D/m/$f"
  done
  "$B/npy" from-idx "$D/m/train-images-idx3-ubyte.gz" -o "$D/x.npy"
  run "$B/npy" info "$D/x.npy"
  [[ "$output" == *"(200, 28, 28)"* ]]
  [[ "$output" == *"uint8"* ]]
  [[ "$output" == *$'max\t255'* ]]
  "$B/npy" from-idx "$D/m/train-labels-idx1-ubyte.gz" -o "$D/y.npy"
  counts=$("$B/npy" to-tsv "$D/y.npy" | sort -n | uniq -c | awk '{print $1}' | sort -u | tr '\n' ' ')
  [ "$counts" = "20 " ] || { echo "counts per digit: $counts"; return 1; }
  [ "$("$B/npy" to-tsv "$D/y.npy" | sort -u | wc -l)" -eq 10 ]
}

@test "digits: the same seed gives the same bytes, another seed other images" {
  "$B/make-demo-data" digits -n 30 -t 10 -s 5 "$D/a"
  "$B/make-demo-data" digits -n 30 -t 10 -s 5 "$D/b"
  "$B/make-demo-data" digits -n 30 -t 10 -s 6 "$D/c"
  cmp "$D/a/train-images-idx3-ubyte.gz" "$D/b/train-images-idx3-ubyte.gz"
  cmp "$D/a/t10k-labels-idx1-ubyte.gz" "$D/b/t10k-labels-idx1-ubyte.gz"
  ! cmp -s "$D/a/train-images-idx3-ubyte.gz" "$D/c/train-images-idx3-ubyte.gz"
  # Train and test come from different streams.
  ! cmp -s "$D/a/train-images-idx3-ubyte.gz" "$D/a/t10k-images-idx3-ubyte.gz"
}

@test "digits: a nearest-neighbour classifier learns them (the digits are distinguishable)" {
  "$B/make-demo-data" digits -n 500 -t 100 "$D/m"
  for f in train:train t10k:test; do
    "$B/npy" from-idx "$D/m/${f%%:*}-images-idx3-ubyte.gz" -o "$D/x_${f#*:}.npy"
    "$B/npy" from-idx "$D/m/${f%%:*}-labels-idx1-ubyte.gz" -o "$D/y_${f#*:}.npy"
  done
  run "$B/knn" -k 3 --train "$D/x_train.npy" --labels "$D/y_train.npy" --test "$D/x_test.npy" \
    --test-labels "$D/y_test.npy" -o "$D/p.npy"
  [ "$status" -eq 0 ]
  acc=$(printf '%s\n' "$output" | awk -F '\t' '$1 == "accuracy" {print $2}')
  awk -v a="$acc" 'BEGIN {exit !(a > 0.8 && a < 1.0001)}' || { echo "accuracy $acc"; return 1; }
}

@test "ner: the Kaggle CSV layout, read by tokenize, valid IOB2 tags, quoted commas" {
  run "$B/make-demo-data" ner -n 300 -s 2 "$D/n/ner_dataset.csv"
  [ "$status" -eq 0 ]
  head -1 "$D/n/ner_dataset.csv" | grep -q '^Sentence #,Word,POS,Tag'
  [ "$(grep -c '^Sentence: ' "$D/n/ner_dataset.csv")" -eq 300 ]
  # A comma token is quoted as in the real file.
  grep -q '^,",",",",O' "$D/n/ner_dataset.csv"
  run "$B/tokenize" -o "$D/tokens.tsv" "$D/n/ner_dataset.csv"
  [ "$status" -eq 0 ]
  [[ "$output" == *"300 sentences"* ]]
  [[ "$output" == *"0 malformed rows"* ]]
  # Every I-X follows a B-X or I-X of the same type.
  awk -F '\t' 'NF == 0 {prev = "O"; next}
    $4 ~ /^I-/ { t = substr($4, 3); if (prev != "B-" t && prev != "I-" t) bad++ }
    {prev = $4} END {exit bad > 0}' "$D/tokens.tsv"
  [ "$(cut -f4 "$D/tokens.tsv" | grep -c '^B-per')" -gt 0 ]
  [ "$(cut -f4 "$D/tokens.tsv" | grep -c '^B-geo')" -gt 0 ]
}

@test "ner: .gz output is gzip, and the same seed gives the same file" {
  "$B/make-demo-data" ner -n 50 "$D/a.csv.gz"
  "$B/make-demo-data" ner -n 50 "$D/a.csv"
  gzip -dc "$D/a.csv.gz" | cmp - "$D/a.csv"
  run "$B/tokenize" -q -o "$D/t.tsv" "$D/a.csv.gz"
  [ "$status" -eq 0 ]
}

@test "shapes: CamVid layout, lists read by resize-img, masks with classes 0..3" {
  run "$B/make-demo-data" shapes -n 6 -v 3 -W 40 -H 24 "$D/c"
  [ "$status" -eq 0 ]
  [ "$(wc -l < "$D/c/train.txt")" -eq 6 ]
  [ "$(wc -l < "$D/c/val.txt")" -eq 3 ]
  [ "$(ls "$D/c/trainannot" | wc -l)" -eq 6 ]
  head -1 "$D/c/train.txt" | grep -q '^/SegNet/CamVid/train/.*\.png /SegNet/CamVid/trainannot/.*\.png$'
  run "$B/resize-img" -q --list "$D/c/train.txt" --root "$D/c" -o "$D/x.npy" --masks-out "$D/y.npy"
  [ "$status" -eq 0 ]
  [[ "$("$B/npy" info "$D/x.npy")" == *"(6, 24, 40, 3)"* ]]
  run "$B/npy" info "$D/y.npy"
  [[ "$output" == *"(6, 24, 40)"* ]]
  max=$(printf '%s\n' "$output" | awk -F '\t' '$1 == "max" {print $2}')
  [ "$max" -ge 1 ] && [ "$max" -le 3 ]
  [ "$(cut -f2 "$D/c/classes.tsv" | tr '\n' ' ')" = "background disc square triangle " ]
}

@test "sounds: FSDD names, 8 kHz 16-bit WAV read by audio-features and make-utterances" {
  run "$B/make-demo-data" sounds -n 6 -k 2 "$D/f"
  [ "$status" -eq 0 ]
  [ "$(ls "$D/f/recordings" | wc -l)" -eq 120 ]
  [ "$(ls "$D/f/recordings" | grep -cE '^[0-9]_[a-z]+_[0-9]+\.wav$')" -eq 120 ]
  [ -f "$D/f/recordings/9_bob_5.wav" ]
  run "$B/audio-features" -q -o "$D/f.npy" --lengths "$D/l.npy" "$D/f/recordings/0_ada_0.wav" "$D/f/recordings/7_bob_3.wav"
  [ "$status" -eq 0 ]
  run "$B/make-utterances" -q --out "$D/u" --count-train 5 --count-test 2 "$D/f/recordings"
  [ "$status" -eq 0 ]
  [ "$(wc -l < "$D/u/utterances.tsv")" -eq 8 ]
}

@test "sounds: digits differ in their spectra (same speaker)" {
  "$B/make-demo-data" sounds -n 1 -k 1 "$D/f"
  "$B/audio-features" -q --mfcc 13 -o "$D/a.npy" "$D/f/recordings/1_ada_0.wav"
  "$B/audio-features" -q --mfcc 13 -o "$D/b.npy" "$D/f/recordings/2_ada_0.wav"
  run "$B/npy" compare "$D/a.npy" "$D/b.npy"
  [ "$status" -ne 0 ]
}

@test "errors: usage errors exit 2, unwritable outputs exit 1 naming the file" {
  run --separate-stderr "$B/make-demo-data"
  [ "$status" -eq 2 ]
  run --separate-stderr "$B/make-demo-data" nonsense
  [ "$status" -eq 2 ]
  run --separate-stderr "$B/make-demo-data" digits -n 0 "$D/x"
  [ "$status" -eq 2 ]
  run --separate-stderr "$B/make-demo-data" sounds -k 7 "$D/x"
  [ "$status" -eq 2 ]
  touch "$D/file"
  run --separate-stderr "$B/make-demo-data" digits -n 5 -t 5 "$D/file/sub"
  [ "$status" -eq 1 ]
  [[ "$stderr" == "make-demo-data"*"$D/file"* ]]
  run "$B/make-demo-data" --help
  [ "$status" -eq 0 ]
  [[ "$output" == *"Commands:"* ]]
}
