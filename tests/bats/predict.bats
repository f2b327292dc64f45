#!/usr/bin/env bats
# predict on saved models (a train-rnn tagger, a train-vae VAE), --show,
# --text, bad input; metrics entity on a hand-worked example.

bats_require_minimum_version 1.5.0

setup() {
  B="$NNPIPE_BIN"
  D="$BATS_TEST_TMPDIR"
}

need_numpy() {
  [ -n "$PYTHON" ] && "$PYTHON" -c 'import numpy' 2>/dev/null || skip "python3 with numpy not available"
}

nothing_written() {
  [ ! -e "$1" ] || { echo "$1 exists"; return 1; }
  ! ls "$1".tmp-* 2>/dev/null || { echo "temporary file left"; return 1; }
}

# the synthetic NER data of train-rnn.bats
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

train_tagger() {
  make_data "$D" 300
  "$B/train-rnn" --x "$D/X.npy" --y "$D/Y.npy" --vocab "$D/vocab.tsv" --tags "$D/tags.tsv" --units 16 \
    --epochs 10 --batch 16 --lr 0.01 --bidirectional -o "$D/m.st" --threads 1 2>/dev/null
}

@test "predict: probabilities and --argmax of a tagger; --show; entity F1 of a learnt toy task" {
  train_tagger
  run "$B/predict" -m "$D/m.st" "$D/X.npy" -o "$D/p.npy"
  [ "$status" -eq 0 ]
  run "$B/predict" -m "$D/m.st" "$D/X.npy" --argmax -o "$D/a.npy"
  [ "$status" -eq 0 ]
  run "$B/npy" info "$D/p.npy"
  [[ "$output" == *"(300, 8, 6)"* ]]
  run "$B/npy" info "$D/a.npy"
  [[ "$output" == *"(300, 8)"* && "$output" == *"int32"* ]]
  run "$B/predict" -m "$D/m.st" "$D/X.npy" --show 0 --y "$D/Y.npy"
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = "$(printf 'token\ttrue\tpredicted')" ]
  [ "${lines[1]}" = "$(printf 'anna\tB-per\tB-per')" ]
  [ "${#lines[@]}" -eq 7 ]   # header + 6 tokens, no padding
  run "$B/metrics" entity --true "$D/Y.npy" --pred "$D/a.npy" --tags "$D/tags.tsv" --lengths "$D/len.npy"
  [ "$status" -eq 0 ]
  [[ "$output" == *$'entity_f1_micro\t-\t1'* ]]
  # probabilities: scores give the same figures as their argmax
  run "$B/metrics" entity --true "$D/Y.npy" --pred "$D/p.npy" --tags "$D/tags.tsv"
  [[ "$output" == *$'entity_f1_micro\t-\t1'* ]]
}

@test "predict --text tags raw text with the saved vocabulary and normalization" {
  train_tagger
  run "$B/predict" -m "$D/m.st" --text <<< $'Anna lives in Paris.\n\nCarl Smith works in Oslo'
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = "$(printf 'Anna\tB-per')" ]
  [ "${lines[3]}" = "$(printf 'Paris\tB-geo')" ]
  [ "${lines[4]}" = "$(printf '.\tO')" ]
  [ "${lines[5]}" = "$(printf 'Carl\tB-per')" ]
  [ "${lines[6]}" = "$(printf 'Smith\tI-per')" ]
  [ "${lines[9]}" = "$(printf 'Oslo\tB-geo')" ]
}

@test "predict runs train-vae models: the encoder part gives encode's means, the decoder decode's images" {
  need_numpy
  "$PYTHON" -c "
import numpy as np
r = np.random.default_rng(0)
np.save('$D/x.npy', (r.random((60, 28, 28)) * 255).astype(np.uint8))"
  "$B/train-vae" --model vae --latent 2 --epochs 1 --batch 30 -q -o "$D/vae.st" "$D/x.npy" >/dev/null
  "$B/train-vae" encode -o "$D/z.npy" "$D/vae.st" "$D/x.npy"
  "$B/train-vae" decode -o "$D/y.npy" "$D/vae.st" "$D/z.npy"
  run "$B/predict" -m "$D/vae.st" "$D/x.npy" -o "$D/z2.npy"
  [ "$status" -eq 0 ]
  run "$B/predict" -m "$D/vae.st" --part decoder "$D/z.npy" -o "$D/y2.npy"
  [ "$status" -eq 0 ]
  "$PYTHON" -c "
import numpy as np
z, z2 = np.load('$D/z.npy'), np.load('$D/z2.npy')
assert z2.shape == (60, 4), z2.shape           # mu and log-variance
assert np.allclose(z, z2[:, :2], atol=1e-5)
y, y2 = np.load('$D/y.npy'), np.load('$D/y2.npy')
assert np.allclose(y.reshape(y2.shape), y2, atol=1e-5)"
}

@test "predict: bad input is refused with a clear error and no output" {
  train_tagger
  "$B/pad" -t 6 -x "$D/X6.npy" -y "$D/Y6.npy" -l "$D/l6.npy" "$D/tokens.tsv" "$D/vocab.tsv" "$D/tags.tsv"
  run "$B/predict" -m "$D/m.st" "$D/X6.npy" -o "$D/o.npy"
  [ "$status" -eq 1 ]
  [[ "$output" == *"X6.npy: shape (300, 6) does not match the model's input (None, 8)"* ]]
  nothing_written "$D/o.npy"
  run "$B/predict" -m "$D/X.npy" "$D/X.npy" -o "$D/o.npy"
  [ "$status" -eq 1 ]
  [[ "$output" == *"predict: "*"X.npy: "* ]]
  nothing_written "$D/o.npy"
  run "$B/predict" -m "$D/m.st" --part nope "$D/X.npy" -o "$D/o.npy"
  [ "$status" -eq 1 ]
  [[ "$output" == *'no part "nope"'* ]]
  run "$B/predict" -m "$D/m.st"
  [ "$status" -eq 2 ]
}

@test "metrics entity: a hand-worked example (CoNLL span rules)" {
  need_numpy
  printf '0\t<PAD>\t0\n1\t<UNK>\t0\n2\tO\t5\n3\tB-per\t1\n4\tI-per\t1\n5\tB-geo\t1\n6\tI-geo\t1\n' > "$D/tags.tsv"
  # row 1: B-per I-per O O B-geo I-geo; predicted geo span cut short (wrong boundary)
  # row 2: B-geo O O B-per; predicted I-per after O starts a per span (conlleval): a match
  "$PYTHON" -c "
import numpy as np
np.save('$D/t.npy', np.array([[3,4,2,2,5,6,0],[5,2,2,3,0,0,0]], np.int32))
np.save('$D/p.npy', np.array([[3,4,2,2,5,2,0],[5,2,2,4,0,0,0]], np.int32))"
  run "$B/metrics" entity --true "$D/t.npy" --pred "$D/p.npy" --tags "$D/tags.tsv"
  [ "$status" -eq 0 ]
  [[ "$output" == *$'entity_f1\tper\t1\n'* ]]
  [[ "$output" == *$'entity_f1\tgeo\t0.5\n'* ]]
  [[ "$output" == *$'entity_f1_micro\t-\t0.75\n'* ]]
  [[ "$output" == *$'tokens\t-\t10\n'* ]]
  # token macro F1 over O, B-per, I-per, B-geo, I-geo: (8/9 + 2/3 + 2/3 + 1 + 0) / 5
  [[ "$output" == *$'token_f1_macro\t-\t0.6444444444'* ]]
  # without O: (2/3 + 2/3 + 1 + 0) / 4
  [[ "$output" == *$'token_f1_macro_no_o\t-\t0.5833333333'* ]]
  run "$B/metrics" entity --true "$D/t.npy" --pred "$D/p.npy" --tags "$D/tags.tsv" --lengths "$D/t.npy"
  [ "$status" -eq 1 ]
}

@test "recurrent layers agree with PyTorch's LSTM/GRU/RNN on the same weights (every merge, stacked, masked)" {
  [ -n "$PYTHON" ] && "$PYTHON" -c 'import torch, numpy' 2>/dev/null || skip "python3 with torch not available"
  make_data "$D" 60
  args=()
  for cfg in "lstm" "gru" "rnn" "lstm --bidirectional" "gru --bidirectional --merge sum" \
             "rnn --bidirectional --merge mul" "lstm --bidirectional --merge ave --layers 2"; do
    n=${cfg//[ -]/}
    # shellcheck disable=SC2086
    "$B/train-rnn" --x "$D/X.npy" --y "$D/Y.npy" --vocab "$D/vocab.tsv" --tags "$D/tags.tsv" --units 6 \
      --epochs 1 --batch 16 --cell $cfg -o "$D/m_$n.st" --threads 1 2>/dev/null
    "$B/predict" -m "$D/m_$n.st" "$D/X.npy" -o "$D/p_$n.npy"
    args+=("$D/m_$n.st" "$D/p_$n.npy")
  done
  run "$PYTHON" "$BATS_TEST_DIRNAME/../python/rnn_torch_check.py" "$D/X.npy" "${args[@]}"
  echo "$output"
  [ "$status" -eq 0 ]
}
