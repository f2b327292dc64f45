#!/bin/sh
# The NER tagger of the assignment next to the same model in PyTorch
# (python3-torch): GMB corpus -> tokenize -> vocab -> word2vec (32 dims)
# -> pad -> train-test-split --test 0.3 --seed 22; LSTM 100, frozen
# embedding, dropout 0.2, batch 128, Adam, masked padding, no validation.
# Seconds per epoch (training only, wall clock) with 1 and 2 threads for
# both; the test-set entity F1 (CoNLL spans) and token macro F1 of both
# runs' predictions, scored by the same `metrics entity`.
# RNN_EPOCHS (default 1) sets the epochs of every run: the machine is
# shared, and one epoch is enough for the speed figures (F1 after one
# epoch is low for both).
PY=${PYTHON:-/usr/bin/python3}
BIN=${NNPIPE_BIN:-bin}
DATA=${SHARED_DATA:-../shared/data}/ner-gmb/ner_dataset.csv.gz
EPOCHS=${RNN_EPOCHS:-1}
if [ ! -f "$DATA" ]; then
  echo "# rnn: $DATA missing, skipped"
  exit 0
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(
  cd "$tmp" || exit 1
  "$BIN/tokenize" -q "$DATA" -o tokens.tsv &&
    "$BIN/tokenize" -q --sentences "$DATA" -o sent.txt &&
    "$BIN/vocab" tokens.tsv -o vocab.tsv &&
    "$BIN/vocab" -c tag tokens.tsv -o tags.tsv &&
    "$BIN/word2vec" -q -d 32 --threads 1 sent.txt -o vectors.txt &&
    "$BIN/pad" tokens.tsv vocab.tsv tags.tsv 2>/dev/null &&
    "$BIN/train-test-split" -q --test 0.3 --seed 22 X.npy Y.npy len.npy
) || exit 1

ours() { # threads -> seconds per epoch; writes $tmp/P$1.npy
  "$BIN/train-rnn" --x "$tmp/X.train.npy" --y "$tmp/Y.train.npy" --vocab "$tmp/vocab.tsv" --tags "$tmp/tags.tsv" \
    --vectors "$tmp/vectors.txt" --freeze-embedding --cell lstm --units 100 --dropout 0.2 --batch 128 \
    --epochs "$EPOCHS" --threads "$1" --history "$tmp/h$1.tsv" -o "$tmp/m$1.st" 2>/dev/null || return 1
  "$BIN/predict" -m "$tmp/m$1.st" --argmax "$tmp/X.test.npy" -o "$tmp/P$1.npy" || return 1
  awk -F '\t' 'NR > 1 { s += $4; n++ } END { if (n) printf "%.1f", s / n }' "$tmp/h$1.tsv"
}
score() { # predictions -> "entity_f1 token_macro_f1"
  "$BIN/metrics" entity --true "$tmp/Y.test.npy" --pred "$1" --tags "$tmp/tags.tsv" --lengths "$tmp/len.test.npy" |
    awk -F '\t' '$1 == "entity_f1_micro" { e = $3 } $1 == "token_f1_macro" { t = $3 } END { printf "%.4f %.4f", e, t }'
}
o1=$(ours 1) || exit 1
o2=$(ours 2) || exit 1
q_ours=$(score "$tmp/P1.npy")

p1=- p2=- q_peer="- -"
if "$PY" -c 'import torch' 2>/dev/null; then
  p1=$(env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE "$PY" bench/rnn_peer.py "$tmp" 1 "$EPOCHS" "$tmp/Q1.npy" 2>/dev/null |
    sed -n 's/^SECONDS_PER_EPOCH //p')
  p2=$(env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE "$PY" bench/rnn_peer.py "$tmp" 2 "$EPOCHS" "$tmp/Q2.npy" 2>/dev/null |
    sed -n 's/^SECONDS_PER_EPOCH //p')
  [ -f "$tmp/Q1.npy" ] && q_peer=$(score "$tmp/Q1.npy")
else
  echo "# torch missing: apt-get install python3-torch"
fi
# time: smaller is better, so speedup = peer / ours
ratio() { if [ "$1" = - ] || [ -z "$1" ] || [ -z "$2" ] || [ "$2" = - ]; then echo -; else awk "BEGIN{printf \"%.2f\", $1/$2}"; fi; }
printf 'BENCH\trnn_lstm100_epoch_1thread\t%s\t%s\ts/epoch\t%s\n' "$o1" "${p1:--}" "$(ratio "${p1:--}" "$o1")"
printf 'BENCH\trnn_lstm100_epoch_2threads\t%s\t%s\ts/epoch\t%s\n' "$o2" "${p2:--}" "$(ratio "${p2:--}" "$o2")"
set -- $q_ours $q_peer
printf 'QUALITY\trnn_lstm100_entity_f1_after_%s_epochs\t%s\t%s\tCoNLL entity F1 (micro) on the 30%% test split\n' "$EPOCHS" "$1" "$3"
printf 'QUALITY\trnn_lstm100_token_macro_f1_after_%s_epochs\t%s\t%s\ttoken macro F1 without <PAD>/<UNK>\n' "$EPOCHS" "$2" "$4"
