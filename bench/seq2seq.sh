#!/bin/sh
# The speech section's attention encoder-decoder on real recordings next
# to the same model in PyTorch (python3-torch, bench/seq2seq_peer.py).
# Data: make-utterances builds 2000 training and 300 test utterances of
# 1-7 FSDD digits, the test ones from a held-out speaker (theo), then
# audio-features (40 log-mel bands, 25 ms windows, 10 ms hop).  Model:
# 3 frames stacked per step, bidirectional GRU 64 encoder, GRU 64
# decoder, Bahdanau attention 64, embedding 16, Adam 2e-3, clipnorm 5,
# batch 32.  Both sides start from Keras's initializers (the peer's INIT
# keras; SEQ2SEQ_PEER_INIT=torch gives PyTorch's own defaults instead).
#
# Two kinds of runs, with their own epoch budgets (the machine is shared
# and PyTorch is the slow side):
#   SEQ2SEQ_EPOCHS (default 10): quality runs with 2 threads, both sides:
#     greedy WER on the unseen speaker (same `metrics sequence`), and the
#     2-thread seconds per epoch; ours also without attention and with a
#     beam of 4.  SEQ2SEQ_SEEDS (default "1"): seeds of these runs; with
#     several, WER lines give the mean (each seed's WER goes to stderr).
#   SEQ2SEQ_TIME_EPOCHS (default 2): 1-thread timing runs, ours and
#     PyTorch's side by side (one core each); 0 skips them.
#   SEQ2SEQ_PAIRED (default 1): also train PyTorch's model from each seed's
#     own start (bench/seq2seq_paired.py: train-seq2seq's initial weights
#     and batch order), so that the pair differs only in arithmetic; the
#     WER gap of such pairs is the run-to-run noise of this task.
# The peer runs with OMP_NUM_THREADS and OPENBLAS_NUM_THREADS set to its
# thread count: with torch.set_num_threads alone a second worker spins
# (1 thread, 2026-11-28: 8.75 s and 17.36 CPU s per epoch; pinned 8.93 s
# and 8.93 CPU s).
# Seconds per epoch: training only (no validation), wall clock, from the
# history's seconds column (ours) and the peer's own timer.  On a shared
# machine wall clock follows the load, so the 1-thread runs also give CPU
# seconds per epoch (a BENCH line; the whole processes' user + system
# seconds go to stderr).
PY=${PYTHON:-/usr/bin/python3}
BIN=${NNPIPE_BIN:-bin}
FSDD=${SHARED_DATA:-../shared/data}/fsdd/recordings
EPOCHS=${SEQ2SEQ_EPOCHS:-10}
TEPOCHS=${SEQ2SEQ_TIME_EPOCHS:-2}
SEEDS=${SEQ2SEQ_SEEDS:-1}
PINIT=${SEQ2SEQ_PEER_INIT:-keras}
PAIRED=${SEQ2SEQ_PAIRED:-1}
if [ ! -d "$FSDD" ]; then
  echo "# seq2seq: $FSDD missing, skipped"
  exit 0
fi
case $BIN in /*) ;; *) BIN=$(pwd)/$BIN ;; esac
PEER=$(cd "$(dirname "$0")" && pwd)/seq2seq_peer.py
PAIRED_PEER=$(cd "$(dirname "$0")" && pwd)/seq2seq_paired.py
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. "$(dirname "$0")/fsdd_data.inc"
fsdd_data "$tmp" "$FSDD" "$BIN" || exit 1

have_torch=0
if "$PY" -c 'import torch' 2>/dev/null; then have_torch=1; else echo "# torch missing: apt-get install python3-torch"; fi

MODEL="--stack 3 --enc-units 64 --dec-units 64 --att-units 64 --embedding 16 --lr 2e-3 --clipnorm 5 -b 32"
# ours TAG THREADS ATTENTION EPOCHS SEED: trains $tmp/m$TAG.st, greedy
# predictions in $tmp/P$TAG.tsv, history in $tmp/h$TAG.tsv.
ours() {
  "$BIN/train-seq2seq" -q --feats "$tmp/train_x.npy" --lengths "$tmp/train_len.npy" --text "$tmp/train.tsv" $MODEL \
    --attention "$3" -e "$4" -s "$5" --threads "$2" --history "$tmp/h$1.tsv" -o "$tmp/m$1.st" 2>/dev/null || return 1
  "$BIN/train-seq2seq" decode -q -m "$tmp/m$1.st" --feats "$tmp/test_x.npy" --lengths "$tmp/test_len.npy" \
    -o "$tmp/P$1.tsv"
}
# peer TAG THREADS ATTENTION EPOCHS SEED: predictions $tmp/Q$TAG.tsv,
# seconds per epoch in $tmp/q$TAG.
peer() {
  [ $have_torch = 1 ] || return 0
  env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE OMP_NUM_THREADS="$2" OPENBLAS_NUM_THREADS="$2" "$PY" "$PEER" "$tmp" "$2" "$4" "$3" "$tmp/Q$1.tsv" "$5" "$PINIT" 2>/dev/null |
    sed -n 's/^SECONDS_PER_EPOCH //p' > "$tmp/q$1"
}
spe() { awk -F '\t' 'NR > 1 { s += $4; n++ } END { if (n) printf "%.2f", s / n }' "$1"; } # history -> s/epoch
wer() { if [ -s "$1" ]; then "$BIN/metrics" sequence --true "$tmp/test.tsv" --pred "$1" | awk -F '\t' '$1 == "wer" { printf "%.4f", $3 }'; else echo -; fi; }
# ---- 1-thread timing, ours and PyTorch's side by side --------------------------------
# (training only; /usr/bin/time adds the CPU seconds, printed to stderr)
# timed LABEL CMD...: CMD, with its CPU seconds appended to $tmp/cpu.
timed() {
  l=$1; shift
  if [ -x /usr/bin/time ]; then /usr/bin/time -a -o "$tmp/cpu" -f "$l user %U s system %S s wall %e s" "$@"; else "$@"; fi
}
o1=- p1=- oc1=- pc1=-
if [ "$TEPOCHS" -gt 0 ]; then
  timed ours_1thread "$BIN/train-seq2seq" -q --feats "$tmp/train_x.npy" --lengths "$tmp/train_len.npy" \
    --text "$tmp/train.tsv" $MODEL --attention bahdanau -e "$TEPOCHS" --threads 1 --history "$tmp/ht1.tsv" \
    -o "$tmp/mt1.st" 2>/dev/null &
  a=$!
  if [ $have_torch = 1 ]; then
    timed pytorch_1thread env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 "$PY" "$PEER" "$tmp" 1 "$TEPOCHS" bahdanau \
      "$tmp/Qt1.tsv" 1 "$PINIT" > "$tmp/qt1" 2>/dev/null
  fi
  wait $a || exit 1
  o1=$(spe "$tmp/ht1.tsv")
  p1=$(sed -n 's/^SECONDS_PER_EPOCH //p' "$tmp/qt1" 2>/dev/null)
  [ -f "$tmp/cpu" ] && sed "s/^/# $TEPOCHS epochs, cpu: /" "$tmp/cpu" >&2
  # CPU seconds per epoch: ours from /usr/bin/time (the whole run, loading
  # included), PyTorch's from its own process_time() around the training loop.
  oc1=$(awk -v e="$TEPOCHS" '$1 == "ours_1thread" { printf "%.2f", ($3 + $6) / e }' "$tmp/cpu" 2>/dev/null)
  pc1=$(sed -n 's/^CPU_SECONDS_PER_EPOCH //p' "$tmp/qt1" 2>/dev/null)
fi

# ---- quality runs, 2 threads -------------------------------------------------------------
mean() { awk '{ if ($1 == "-") bad = 1; s += $1; n++ } END { if (bad || !n) print "-"; else printf "%.4f", s / n }'; }
: > "$tmp/wo" && : > "$tmp/wp" && : > "$tmp/wn" && : > "$tmp/wb" && : > "$tmp/so" && : > "$tmp/sp" && : > "$tmp/wq"
for seed in $SEEDS; do
  ours "s$seed" 2 bahdanau "$EPOCHS" "$seed" || exit 1
  spe "$tmp/hs$seed.tsv" >> "$tmp/so" && echo >> "$tmp/so"
  wer "$tmp/Ps$seed.tsv" >> "$tmp/wo" && echo >> "$tmp/wo"
  "$BIN/train-seq2seq" decode -q -m "$tmp/ms$seed.st" --feats "$tmp/test_x.npy" --lengths "$tmp/test_len.npy" \
    --search beam --beam 4 -o "$tmp/B$seed.tsv" || exit 1
  wer "$tmp/B$seed.tsv" >> "$tmp/wb" && echo >> "$tmp/wb"
  ours "n$seed" 2 none "$EPOCHS" "$seed" || exit 1
  wer "$tmp/Pn$seed.tsv" >> "$tmp/wn" && echo >> "$tmp/wn"
  peer "s$seed" 2 bahdanau "$EPOCHS" "$seed"
  if [ "$PAIRED" = 1 ] && [ $have_torch = 1 ]; then
    "$BIN/train-seq2seq" -q --feats "$tmp/train_x.npy" --lengths "$tmp/train_len.npy" --text "$tmp/train.tsv" $MODEL \
      --attention bahdanau -e 0 -s "$seed" -o "$tmp/i$seed.st" 2>/dev/null &&
      env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 "$PY" "$PAIRED_PEER" "$tmp" "$tmp/i$seed.st" "$seed" "$EPOCHS" \
        "$tmp/R$seed.tsv" > /dev/null 2>&1
    wer "$tmp/R$seed.tsv" >> "$tmp/wq" && echo >> "$tmp/wq"
  fi
  grep . "$tmp/qs$seed" >> "$tmp/sp" 2>/dev/null
  wer "$tmp/Qs$seed.tsv" >> "$tmp/wp" && echo >> "$tmp/wp"
  echo "# seed $seed: WER ours $(tail -n 1 "$tmp/wo") pytorch $(tail -n 1 "$tmp/wp") pytorch-paired $(tail -n 1 "$tmp/wq" 2>/dev/null) beam4 $(tail -n 1 "$tmp/wb")" \
    "no-attention $(tail -n 1 "$tmp/wn"); s/epoch (2 threads) ours $(tail -n 1 "$tmp/so") pytorch $(tail -n 1 "$tmp/sp")" >&2
done
o2=$(grep . "$tmp/so" | mean | awk '{ if ($1 == "-") print; else printf "%.2f", $1 }')
p2=$(grep . "$tmp/sp" | mean)

ratio() { if [ "$1" = - ] || [ -z "$1" ] || [ -z "$2" ] || [ "$2" = - ]; then echo -; else awk "BEGIN{printf \"%.2f\", $1/$2}"; fi; }
printf 'BENCH\tseq2seq_bahdanau_epoch_1thread\t%s\t%s\ts/epoch\t%s\n' "$o1" "${p1:--}" "$(ratio "${p1:--}" "$o1")"
printf 'BENCH\tseq2seq_bahdanau_epoch_1thread_cpu\t%s\t%s\tCPU s/epoch\t%s\n' "${oc1:--}" "${pc1:--}" \
  "$(ratio "${pc1:--}" "${oc1:--}")"
printf 'BENCH\tseq2seq_bahdanau_epoch_2threads\t%s\t%s\ts/epoch\t%s\n' "$o2" "${p2:--}" "$(ratio "${p2:--}" "$o2")"
n=$(echo $SEEDS | wc -w)
printf 'QUALITY\tseq2seq_bahdanau_wer_after_%s_epochs\t%s\t%s\tWER, greedy, 300 utterances of an unseen speaker, mean of %s seed(s)\n' \
  "$EPOCHS" "$(grep . "$tmp/wo" | mean)" "$(grep . "$tmp/wp" | mean)" "$n"
[ "$PAIRED" = 1 ] && printf 'QUALITY\tseq2seq_bahdanau_wer_paired_after_%s_epochs\t%s\t%s\tWER, greedy, PyTorch from our start and batch order (bench/seq2seq_paired.py), mean of %s seed(s)\n' \
  "$EPOCHS" "$(grep . "$tmp/wo" | mean)" "$(grep . "$tmp/wq" | mean)" "$n"
printf 'QUALITY\tseq2seq_beam4_wer_after_%s_epochs\t%s\t-\tWER, beam 4 (ours only)\n' "$EPOCHS" "$(grep . "$tmp/wb" | mean)"
printf 'QUALITY\tseq2seq_no_attention_wer_after_%s_epochs\t%s\t-\tWER, greedy, encoder final states only (ours only)\n' \
  "$EPOCHS" "$(grep . "$tmp/wn" | mean)"
