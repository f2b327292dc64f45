#!/bin/sh
# The speech section's attention encoder-decoder on real recordings next
# to the same model in PyTorch (python3-torch, bench/seq2seq_peer.py).
# Data: make-utterances builds 2000 training and 300 test utterances of
# 1-7 FSDD digits, the test ones from a held-out speaker (theo), then
# audio-features (40 log-mel bands, 25 ms windows, 10 ms hop).  Model:
# 3 frames stacked per step, bidirectional GRU 64 encoder, GRU 64
# decoder, Bahdanau attention 64, embedding 16, Adam 2e-3, clipnorm 5,
# batch 32.  Seconds per epoch (training only, wall clock) with 1 and 2
# threads for both; WER of greedy decoding on the unseen speaker for both
# (same `metrics sequence`), ours also without attention and with a beam
# of 4.  SEQ2SEQ_EPOCHS (default 3) sets the epochs of every run: the
# machine is shared; 15 epochs bring ours to about 0.2 WER.
PY=${PYTHON:-/usr/bin/python3}
BIN=${NNPIPE_BIN:-bin}
FSDD=${SHARED_DATA:-../shared/data}/fsdd/recordings
EPOCHS=${SEQ2SEQ_EPOCHS:-3}
if [ ! -d "$FSDD" ]; then
  echo "# seq2seq: $FSDD missing, skipped"
  exit 0
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(
  cd "$tmp" || exit 1
  "$BIN/make-utterances" -q --out utt --count-train 2000 --count-test 300 --test-speakers theo "$FSDD" &&
    awk -F '\t' 'NR > 1 && $4 == "train" { print "utt/" $0 }' utt/utterances.tsv > train.tsv &&
    awk -F '\t' 'NR > 1 && $4 == "test" { print "utt/" $0 }' utt/utterances.tsv > test.tsv &&
    "$BIN/audio-features" -q --list train.tsv -o train_x.npy --lengths train_len.npy &&
    "$BIN/audio-features" -q --list test.tsv -o test_x.npy --lengths test_len.npy
) || exit 1

MODEL="--stack 3 --enc-units 64 --dec-units 64 --att-units 64 --embedding 16 --lr 2e-3 --clipnorm 5 -b 32"
ours() { # threads attention -> seconds per epoch; writes $tmp/P$1$2.tsv
  "$BIN/train-seq2seq" -q --feats "$tmp/train_x.npy" --lengths "$tmp/train_len.npy" --text "$tmp/train.tsv" $MODEL \
    --attention "$2" -e "$EPOCHS" --threads "$1" --history "$tmp/h$1$2.tsv" -o "$tmp/m$1$2.st" 2>/dev/null || return 1
  "$BIN/train-seq2seq" decode -q -m "$tmp/m$1$2.st" --feats "$tmp/test_x.npy" --lengths "$tmp/test_len.npy" \
    -o "$tmp/P$1$2.tsv" || return 1
  awk -F '\t' 'NR > 1 { s += $4; n++ } END { if (n) printf "%.1f", s / n }' "$tmp/h$1$2.tsv"
}
wer() { [ -f "$1" ] && "$BIN/metrics" sequence --true "$tmp/test.tsv" --pred "$1" | awk -F '\t' '$1 == "wer" { printf "%.4f", $3 }' || echo -; }
o1=$(ours 1 bahdanau) || exit 1
o2=$(ours 2 bahdanau) || exit 1
ours 2 none > /dev/null || exit 1
"$BIN/train-seq2seq" decode -q -m "$tmp/m2bahdanau.st" --feats "$tmp/test_x.npy" --lengths "$tmp/test_len.npy" \
  --search beam --beam 4 -o "$tmp/B.tsv" || exit 1

p1=- p2=-
if "$PY" -c 'import torch' 2>/dev/null; then
  p1=$(env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE "$PY" bench/seq2seq_peer.py "$tmp" 1 "$EPOCHS" bahdanau \
    "$tmp/Q1.tsv" 2>/dev/null | sed -n 's/^SECONDS_PER_EPOCH //p')
  p2=$(env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE "$PY" bench/seq2seq_peer.py "$tmp" 2 "$EPOCHS" bahdanau \
    "$tmp/Q2.tsv" 2>/dev/null | sed -n 's/^SECONDS_PER_EPOCH //p')
else
  echo "# torch missing: apt-get install python3-torch"
fi
ratio() { if [ "$1" = - ] || [ -z "$1" ] || [ -z "$2" ] || [ "$2" = - ]; then echo -; else awk "BEGIN{printf \"%.2f\", $1/$2}"; fi; }
printf 'BENCH\tseq2seq_bahdanau_epoch_1thread\t%s\t%s\ts/epoch\t%s\n' "$o1" "${p1:--}" "$(ratio "${p1:--}" "$o1")"
printf 'BENCH\tseq2seq_bahdanau_epoch_2threads\t%s\t%s\ts/epoch\t%s\n' "$o2" "${p2:--}" "$(ratio "${p2:--}" "$o2")"
printf 'QUALITY\tseq2seq_bahdanau_wer_after_%s_epochs\t%s\t%s\tWER, greedy, 300 utterances of an unseen speaker\n' \
  "$EPOCHS" "$(wer "$tmp/P2bahdanau.tsv")" "$(wer "$tmp/Q2.tsv")"
printf 'QUALITY\tseq2seq_beam4_wer_after_%s_epochs\t%s\t-\tWER, beam 4 (ours only)\n' "$EPOCHS" "$(wer "$tmp/B.tsv")"
printf 'QUALITY\tseq2seq_no_attention_wer_after_%s_epochs\t%s\t-\tWER, greedy, encoder final states only (ours only)\n' \
  "$EPOCHS" "$(wer "$tmp/P2none.tsv")"
