#!/bin/sh
# The speech model's quality over many seeds, nnpipe and PyTorch
# (bench/seq2seq_peer.py) side by side: one WER on one unseen speaker is
# too noisy to compare two implementations with a run or two each.  The
# data, model and settings of bench/seq2seq.sh (2,000 training and 300 test
# utterances, the test speaker theo held out; Bahdanau attention, 10
# epochs), one thread per run.  Per seed and side: the greedy WER and the
# teacher-forced test loss (cross-entropy per real token); then the mean,
# standard deviation and standard error of each over the seeds.
#
# Not part of `make bench` (each seed is 3 to 4 minutes of one core per
# side): run it by hand, for example
#   SEEDS="7 8 9 10 11 12 13 14 15 16 17 18" NNPIPE_BIN=bin sh bench/seq2seq_seeds.sh all
# OUT (default build/seq2seq_seeds) keeps the data and every run, so an
# interrupted study resumes where it stopped; `summary` prints the table again.
PY=${PYTHON:-/usr/bin/python3}
BIN=${NNPIPE_BIN:-bin}
OUT=${OUT:-build/seq2seq_seeds}
SEEDS=${SEEDS:-1 2 3}
EPOCHS=${SEQ2SEQ_EPOCHS:-10}
FSDD=${SHARED_DATA:-../shared/data}/fsdd/recordings
here=$(cd "$(dirname "$0")" && pwd)
case $BIN in /*) ;; *) BIN=$(pwd)/$BIN ;; esac
MODEL="--stack 3 --enc-units 64 --dec-units 64 --att-units 64 --embedding 16 --lr 2e-3 --clipnorm 5 -b 32"

. "$here/fsdd_data.inc"
prepare() {
  mkdir -p "$OUT" || exit 1
  [ -f "$OUT/test_x.npy" ] || fsdd_data "$OUT" "$FSDD" "$BIN" || exit 1
  cd "$OUT" || exit 1
}

# run SIDE SEED -> res_SIDE_SEED: side, seed, WER, test loss
run() {
  [ -s "res_$1_$2" ] && return 0
  if [ "$1" = nnpipe ]; then
    "$BIN/train-seq2seq" -q --feats train_x.npy --lengths train_len.npy --text train.tsv $MODEL -e "$EPOCHS" \
      -s "$2" --threads 1 --val-feats test_x.npy --val-lengths test_len.npy --val-text test.tsv \
      --history "h_$2.tsv" -o "m_$2.st" 2>/dev/null &&
      "$BIN/train-seq2seq" decode -q -m "m_$2.st" --feats test_x.npy --lengths test_len.npy -o "P_$2.tsv" || return 1
    loss=$(awk -F '\t' 'END { print $3 }' "h_$2.tsv") pred=P_$2.tsv
  else
    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 \
      "$PY" "$here/seq2seq_peer.py" . 1 "$EPOCHS" bahdanau "Q_$2.tsv" "$2" keras >/dev/null 2>"q_$2.err" || return 1
    loss=$(sed -n 's/^test loss //p' "q_$2.err") pred=Q_$2.tsv
  fi
  wer=$("$BIN/metrics" sequence --true test.tsv --pred "$pred" | awk -F '\t' '$1 == "wer" { printf "%.4f", $3 }')
  printf '%s\t%s\t%s\t%s\n' "$1" "$2" "$wer" "$loss" > "res_$1_$2"
  cat "res_$1_$2" >&2
}

summary() {
  printf 'side\tseeds\twer_mean\twer_sd\twer_se\ttest_loss_mean\n'
  cat res_* 2>/dev/null | awk -F '\t' '{ n[$1]++; w[$1] += $3; ww[$1] += $3 * $3; l[$1] += $4 }
    END { for (s in n) { m = w[s] / n[s]; sd = n[s] > 1 ? sqrt((ww[s] - n[s] * m * m) / (n[s] - 1)) : 0
      printf "%s\t%d\t%.4f\t%.4f\t%.4f\t%.4f\n", s, n[s], m, sd, sd / sqrt(n[s]), l[s] / n[s] } }' | sort
}

case ${1:-} in
  all)
    [ -d "$FSDD" ] || { echo "# seq2seq_seeds: $FSDD missing, skipped"; exit 0; }
    "$PY" -c 'import torch' 2>/dev/null || { echo "# seq2seq_seeds: torch missing (apt-get install python3-torch)"; exit 0; }
    prepare
    for s in $SEEDS; do run nnpipe "$s" || exit 1; run torch "$s" || exit 1; done
    summary ;;
  summary) cd "$OUT" 2>/dev/null && summary ;;
  *) echo "# seq2seq_seeds: not run by make bench (minutes per seed): SEEDS=\"1 2 3\" sh bench/seq2seq_seeds.sh all" ;;
esac
