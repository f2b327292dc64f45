#!/usr/bin/env bats
# train-rnn on tiny synthetic NER data made here: summary parameter counts
# (Keras's formulas), training lowers the loss, checkpoint/resume, bad
# input.  Real data: the pipeline run is in the report, not in the tests.

bats_require_minimum_version 1.5.0

setup() {
  B="$NNPIPE_BIN"
  D="$BATS_TEST_TMPDIR"
}

# make_data DIR N: N CoNLL sentences ("anna lives in paris ." and the
# like, entities tagged B-/I-per and B-geo), then tokenize, vocab, pad
make_data() {
  local d=$1 n=$2
  LC_ALL=C awk -v n="$n" 'BEGIN {
    split("anna bob carl dora emil fay gus hana ivan jude", first, " ")
    split("smith jones brown white black", last, " ")
    split("paris london rome berlin madrid oslo", city, " ")
    split("lives works sleeps stays", verb, " ")
    for (s = 0; s < n; s++) {
      f = first[1 + s % 10]; c = city[1 + (s * 7) % 6]; v = verb[1 + (s * 3) % 4]
      if (s % 3 == 0) { print f " NNP B-NP B-per"; print last[1 + s % 5] " NNP I-NP I-per" }
      else if (s % 3 == 1) { print "yesterday NN B-NP O"; print f " NNP B-NP B-per" }
      else print f " NNP B-NP B-per"
      print v " VBZ B-VP O"; print "in IN B-PP O"; print c " NNP B-NP B-geo"; print ". . O O"; print ""
    } }' > "$d/data.conll"
  "$B/tokenize" -q -f conll "$d/data.conll" -o "$d/tokens.tsv"
  "$B/vocab" "$d/tokens.tsv" -o "$d/vocab.tsv"
  "$B/vocab" -c tag "$d/tokens.tsv" -o "$d/tags.tsv"
  "$B/pad" -t 8 -x "$d/X.npy" -y "$d/Y.npy" -l "$d/len.npy" "$d/tokens.tsv" "$d/vocab.tsv" "$d/tags.tsv"
}

# no file and no temporary file left beside it
nothing_written() {
  [ ! -e "$1" ] || { echo "$1 exists"; return 1; }
  ! ls "$1".tmp-* 2>/dev/null || { echo "temporary file left"; return 1; }
}

@test "--summary: LSTM, GRU (reset_after) and bidirectional parameter counts follow Keras's formulas" {
  make_data "$D" 30
  # vocab: <PAD> <UNK> + 10 first + 5 last + 6 cities + 4 verbs + yesterday in . = 30 words
  [ "$(wc -l < "$D/vocab.tsv")" -eq 30 ]
  run "$B/train-rnn" --x "$D/X.npy" --y "$D/Y.npy" --vocab "$D/vocab.tsv" --tags "$D/tags.tsv" \
    --embedding-dim 32 --units 100 --summary
  [ "$status" -eq 0 ]
  # LSTM: 4*(u*(in+u)+u) = 4*(100*132+100) = 53200; embedding 30*32 = 960; dense 101*6 = 606 (6 tags)
  [[ "$output" == *"(None, 8, 100)            53,200"* ]]
  [[ "$output" == *"(None, 8, 32)             960"* ]]
  [[ "$output" == *"Total params: 54,766"* ]]
  run "$B/train-rnn" --x "$D/X.npy" --y "$D/Y.npy" --vocab "$D/vocab.tsv" --tags "$D/tags.tsv" \
    --embedding-dim 32 --units 100 --cell gru --summary
  [ "$status" -eq 0 ]
  # GRU reset_after: 3*(u*(in+u)+2u) = 3*(13200+200) = 40200
  [[ "$output" == *"(None, 8, 100)            40,200"* ]]
  run "$B/train-rnn" --x "$D/X.npy" --y "$D/Y.npy" --vocab "$D/vocab.tsv" --tags "$D/tags.tsv" \
    --embedding-dim 32 --units 100 --bidirectional --layers 2 --summary
  [ "$status" -eq 0 ]
  # two directions of 53200, concat -> 200 wide; the second layer reads 200: 2*4*(100*300+100)
  [[ "$output" == *"(None, 8, 200)            106,400"* ]]
  [[ "$output" == *"(None, 8, 200)            240,800"* ]]
  run "$B/train-rnn" --x "$D/X.npy" --y "$D/Y.npy" --vocab "$D/vocab.tsv" --tags "$D/tags.tsv" \
    --embedding-dim 32 --units 100 --bidirectional --merge sum --cell rnn --summary
  [ "$status" -eq 0 ]
  # SimpleRNN: u*(in+u)+u = 13300, twice; sum keeps 100 wide
  [[ "$output" == *"(None, 8, 100)            26,600"* ]]
}

@test "training lowers the loss; the model file keeps vocabulary and tags; frozen vectors count as non-trainable" {
  make_data "$D" 300
  printf '3 4\nanna 0.1 0.2 0.3 0.4\nparis 0.4 0.3 0.2 0.1\nin 0 0 0 1\n' > "$D/vec.txt"
  run --separate-stderr "$B/train-rnn" --x "$D/X.npy" --y "$D/Y.npy" --vocab "$D/vocab.tsv" --tags "$D/tags.tsv" \
    --units 16 --epochs 8 --batch 16 --lr 0.01 --val 0.1 --cell gru --history "$D/h.tsv" -o "$D/m.st" --threads 1
  [ "$status" -eq 0 ]
  [ -s "$D/m.st" ]
  first=$(awk 'NR == 2 { print $2 }' "$D/h.tsv")
  last=$(awk 'END { print $2 }' "$D/h.tsv")
  awk -v a="$first" -v b="$last" 'BEGIN { exit !(b < a / 2) }'
  grep -q '"text.vocab"' "$D/m.st"
  grep -q 'B-geo' "$D/m.st"
  run --separate-stderr "$B/train-rnn" --x "$D/X.npy" --y "$D/Y.npy" --vocab "$D/vocab.tsv" --tags "$D/tags.tsv" \
    --vectors "$D/vec.txt" --freeze-embedding --units 8 --epochs 1 -o "$D/f.st"
  [ "$status" -eq 0 ]
  [[ "$stderr" == *"vectors for 3 of 30 vocabulary words"* ]]
  [[ "$stderr" == *"non-trainable 120"* ]]
  run --separate-stderr "$B/train-rnn" --x "$D/X.npy" --y "$D/Y.npy" --vocab "$D/vocab.tsv" --tags "$D/tags.tsv" \
    --vectors "$D/vec.txt" --freeze-embedding --units 8 --epochs 1 -q -o "$D/f.st"
  [ "$status" -eq 0 ]
  [ -z "$stderr" ]   # -q: no progress, no messages
}

@test "checkpoint and --resume give the same model as one uninterrupted run" {
  make_data "$D" 120
  common=(--x "$D/X.npy" --y "$D/Y.npy" --vocab "$D/vocab.tsv" --tags "$D/tags.tsv" --units 8 --batch 32 --seed 3
          --bidirectional --dropout 0.1)
  "$B/train-rnn" "${common[@]}" --epochs 3 -o "$D/full.st" --history "$D/full.tsv" 2>/dev/null
  "$B/train-rnn" "${common[@]}" --epochs 2 -o "$D/half.st" --checkpoint "$D/ck.st" 2>/dev/null
  "$B/train-rnn" "${common[@]}" --epochs 3 -o "$D/resumed.st" --checkpoint "$D/ck.st" --resume \
    --history "$D/res.tsv" 2>/dev/null
  cmp <(cut -f1-3 "$D/full.tsv") <(cut -f1-3 "$D/res.tsv")
  cmp "$D/full.st" "$D/resumed.st"
}

@test "bad input: ids beyond the vocabulary, mismatched X/Y, vectors of the wrong width" {
  make_data "$D" 20
  head -n 10 "$D/vocab.tsv" > "$D/small.tsv"
  run "$B/train-rnn" --x "$D/X.npy" --y "$D/Y.npy" --vocab "$D/small.tsv" --tags "$D/tags.tsv" -o "$D/o.st"
  [ "$status" -eq 1 ]
  [[ "$output" == *"X.npy: id "*"outside the vocabulary (10 words)"* ]]
  nothing_written "$D/o.st"
  "$B/pad" -t 6 -x "$D/X6.npy" -y "$D/Y6.npy" -l "$D/l6.npy" "$D/tokens.tsv" "$D/vocab.tsv" "$D/tags.tsv"
  run "$B/train-rnn" --x "$D/X.npy" --y "$D/Y6.npy" --vocab "$D/vocab.tsv" --tags "$D/tags.tsv" -o "$D/o.st"
  [ "$status" -eq 1 ]
  [[ "$output" == *"Y6.npy: shape (20, 6) does not match"* ]]
  nothing_written "$D/o.st"
  printf '1 3\nanna 1 2 3\n' > "$D/v3.txt"
  run "$B/train-rnn" --x "$D/X.npy" --y "$D/Y.npy" --vocab "$D/vocab.tsv" --tags "$D/tags.tsv" \
    --vectors "$D/v3.txt" --embedding-dim 4 -o "$D/o.st"
  [ "$status" -eq 1 ]
  [[ "$output" == *"v3.txt: vectors have 3 values, --embedding-dim is 4"* ]]
  nothing_written "$D/o.st"
  run "$B/train-rnn" --x "$D/X.npy" --y "$D/Y.npy" --vocab "$D/vocab.tsv" --tags "$D/tags.tsv"
  [ "$status" -eq 2 ]
}

@test "the model does not depend on the thread count" {
  make_data "$D" 60
  for th in 1 2; do
    "$B/train-rnn" --x "$D/X.npy" --y "$D/Y.npy" --vocab "$D/vocab.tsv" --tags "$D/tags.tsv" --units 200 \
      --epochs 1 --batch 60 --bidirectional --cell gru -o "$D/t$th.st" --threads $th 2>/dev/null
  done
  cmp "$D/t1.st" "$D/t2.st"
}

@test "masked padding: extra padding before or after changes nothing; the model keeps the padded length" {
  # train-rnn runs each batch on the steps that hold its tokens only; with
  # dropout 0 the losses must not depend on how much padding there is.
  make_data "$D" 120
  for p in "8 post" "14 post" "14 pre"; do
    set -- $p
    "$B/pad" -t "$1" -p "$2" -x "$D/X$1$2.npy" -y "$D/Y$1$2.npy" -l "$D/len$1$2.npy" "$D/tokens.tsv" "$D/vocab.tsv" "$D/tags.tsv"
    "$B/train-rnn" -q --x "$D/X$1$2.npy" --y "$D/Y$1$2.npy" --vocab "$D/vocab.tsv" --tags "$D/tags.tsv" \
      --units 8 --batch 32 --seed 3 --bidirectional --dropout 0 --epochs 2 -o "$D/m$1$2.st" --history "$D/h$1$2.tsv"
  done
  cmp <(cut -f2 "$D/h8post.tsv") <(cut -f2 "$D/h14post.tsv")
  cmp <(cut -f2 "$D/h8post.tsv") <(cut -f2 "$D/h14pre.tsv")
  run --separate-stderr "$B/predict" -m "$D/m14pre.st" --argmax -o /dev/null "$D/X8post.npy"
  [ "$status" -eq 1 ]
  [[ "$stderr" == *"(None, 14)"* ]]
  "$B/predict" -m "$D/m14pre.st" --argmax -o /dev/null "$D/X14pre.npy"
}
