#!/bin/sh
# The assignment's NER setups in train-rnn next to the same models in
# PyTorch (bench/rnn_peer.py), several seeds: the GMB corpus prepared once
# (bench/ner_data.inc: tokenize, vocab, pad, train-test-split --test 0.3
# --seed 22), one word2vec file (32 dimensions, the assignment's settings)
# shared by both sides, LSTM 100, dropout 0.2, batch 128, Adam, padding
# masked, one thread per job.  Scored on the test split by the same
# `metrics entity` for both sides: CoNLL entity F1 (micro) and token macro
# F1 without the padding and unknown classes.
# Not part of `make bench` (hours: PyTorch takes ~210 s for one LSTM epoch
# on one thread; bench/run runs it without arguments, and then it only
# says how to run it); by hand:
#
#   NNPIPE_BIN=bin sh bench/ner_quality.sh all       # all jobs, then the table
#   sh bench/ner_quality.sh summary                  # the table again
#
# Environment: OUT (default build/ner_quality), EPOCHS (default 2: the
# budget of the built-in plan), JOBS processes at once (default 1), PLAN a
# file of jobs instead of the built-in plan, ROWS (default 0: all) trains
# on the first ROWS training rows only (for trying the script out).
#
# A job: SIDE SETUP SEED EPOCHS, SETUP one of lstm (frozen embedding),
# lstm-trainable, bilstm (concat) and gru.
PY=${PYTHON:-/usr/bin/python3}
BIN=${NNPIPE_BIN:-bin}
OUT=${OUT:-build/ner_quality}
EPOCHS=${EPOCHS:-2}
JOBS=${JOBS:-1}
ROWS=${ROWS:-0}
CSV=${SHARED_DATA:-../shared/data}/ner-gmb/ner_dataset.csv.gz
here=$(cd "$(dirname "$0")" && pwd)

plan() {
  for seed in 1 2 3; do for setup in lstm lstm-trainable bilstm gru; do for side in nnpipe torch; do
    echo "$side $setup $seed $EPOCHS"
  done; done; done
}

prepare() {
  D=$OUT/data
  mkdir -p "$D" "$OUT/runs"
  [ -f "$D/done" ] && return 0
  . "$here/ner_data.inc"
  ner_data "$D" "$CSV" "$BIN" &&
    "$BIN/word2vec" -q -d 32 --window 5 --negative 5 --min-count 3 --iter 5 --seed 1 --threads 1 \
      "$D/sent.txt" -o "$D/vectors.txt" || exit 1
  if [ "$ROWS" -gt 0 ]; then
    for a in X Y; do
      "$BIN/npy" slice --rows "0:$ROWS" "$D/$a.train.npy" -o "$D/$a.sub.npy" && mv "$D/$a.sub.npy" "$D/$a.train.npy" || exit 1
    done
  fi
  touch "$D/done"
}

run_job() {
  side=$1 setup=$2 seed=$3 epochs=$4
  name=$side-$setup-s$seed-e$epochs
  D=$OUT/data W=$OUT/runs/$name
  [ -f "$W.tsv" ] && return 0
  mkdir -p "$W"
  start=$(date +%s)
  if [ "$side" = nnpipe ]; then
    case $setup in
      lstm) opts="--cell lstm --freeze-embedding" ;;
      lstm-trainable) opts="--cell lstm" ;;
      bilstm) opts="--cell lstm --bidirectional --merge concat --freeze-embedding" ;;
      gru) opts="--cell gru --freeze-embedding" ;;
      *) echo "unknown setup $setup" >&2; return 1 ;;
    esac
    # shellcheck disable=SC2086 # opts is a list of options
    /usr/bin/time -f "%e %U %S %M" -o "$W/time" "$BIN/train-rnn" -q --threads 1 --x "$D/X.train.npy" \
      --y "$D/Y.train.npy" --vocab "$D/vocab.tsv" --tags "$D/tags.tsv" --vectors "$D/vectors.txt" $opts \
      --units 100 --dropout 0.2 --batch 128 --epochs "$epochs" --seed "$seed" --history "$W/history.tsv" \
      -o "$W/model.st" 2>"$W/log" || { echo "failed: $name" >&2; return 1; }
    "$BIN/predict" --threads 1 -m "$W/model.st" --argmax "$D/X.test.npy" -o "$W/pred.npy" || return 1
    spe=$(awk -F '\t' 'NR > 1 { s += $4; n++ } END { if (n) printf "%.1f", s / n }' "$W/history.tsv")
    params=$("$BIN/train-rnn" --summary --vocab "$D/vocab.tsv" --tags "$D/tags.tsv" --vectors "$D/vectors.txt" \
      $opts --units 100 --x "$D/X.train.npy" --y "$D/Y.train.npy" 2>/dev/null |
      awk '/^Trainable params/ { gsub(/,/, "", $3); print $3 }')
  else
    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 \
      /usr/bin/time -f "%e %U %S %M" -o "$W/time" "$PY" "$here/rnn_peer.py" "$D" 1 "$epochs" "$W/pred.npy" \
      "$setup" train "$seed" >"$W/peer.txt" 2>"$W/log" || { echo "failed: $name" >&2; return 1; }
    spe=$(sed -n 's/^SECONDS_PER_EPOCH //p' "$W/peer.txt")
    params=$(sed -n 's/^PARAMS_TRAINABLE //p' "$W/peer.txt")
  fi
  f1=$("$BIN/metrics" entity --format tsv --true "$D/Y.test.npy" --pred "$W/pred.npy" --tags "$D/tags.tsv" \
    --lengths "$D/len.test.npy" | awk -F '\t' '$1 == "entity_f1_micro" { e = $3 } $1 == "token_f1_macro" { t = $3 }
      END { printf "%s\t%s", e, t }')
  read -r wall user sys mem <"$W/time"
  rm -f "$W/pred.npy"
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$side" "$setup" "$seed" "$epochs" "$f1" "${params:--}" \
    "${spe:--}" "$(awk "BEGIN{printf \"%.1f\", $user + $sys}")" "$((mem / 1024))" "$(( $(date +%s) - start ))" >"$W.tsv"
  echo "done: $name ($(date +%H:%M:%S))" >&2
}

summary() {
  printf 'side\tsetup\tseed\tepochs\tentity_f1\ttoken_macro_f1\ttrainable_params\ts_per_epoch\tcpu_s\tpeak_MB\twall_s\n'
  cat "$OUT"/runs/*.tsv 2>/dev/null | sort -t '	' -k2,2 -k1,1 -k3,3n
}

# mean per setup and side, and ours minus PyTorch's in F1 points
table() {
  printf 'setup\tepochs\tseeds\tentity F1 nnpipe\tentity F1 torch\tdiff (points)\ttoken macro F1 nnpipe\ttoken macro F1 torch\tdiff (points)\n'
  summary | awk -F '\t' 'NR > 1 { k = $2 "\t" $4; keys[k] = 1; n[k, $1]++; e[k, $1] += $5; t[k, $1] += $6 }
    END { for (k in keys) if (n[k, "nnpipe"] && n[k, "torch"]) {
      en = e[k, "nnpipe"] / n[k, "nnpipe"]; et = e[k, "torch"] / n[k, "torch"]
      tn = t[k, "nnpipe"] / n[k, "nnpipe"]; tt = t[k, "torch"] / n[k, "torch"]
      printf "%s\t%d/%d\t%.4f\t%.4f\t%+.2f\t%.4f\t%.4f\t%+.2f\n", k, n[k, "nnpipe"], n[k, "torch"], en, et, 100 * (en - et), tn, tt, 100 * (tn - tt) } }' |
    sort
}

case ${1:-} in
  '') echo "# ner_quality: not run by make bench (hours): sh bench/ner_quality.sh all" ;;
  plan) plan ;;
  run-job) shift; prepare; run_job "$@" ;;
  summary) summary; echo; table ;;
  all)
    [ -f "$CSV" ] || { echo "# ner_quality: $CSV missing, skipped"; exit 0; }
    prepare
    if [ -n "${PLAN:-}" ]; then cat "$PLAN"; else plan; fi |
      xargs -P "$JOBS" -L 1 sh "$0" run-job
    summary; echo; table ;;
esac
