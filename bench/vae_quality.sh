#!/bin/sh
# train-vae next to PyTorch (bench/vae_peer.py) on MNIST: the same models,
# settings, data, batch sizes and epochs on both sides, several seeds.
# Not part of `make bench` (bench/run runs every bench/*vae*.sh without
# arguments, and then this script only says how to run it: it takes an hour
# or more on the shared 2-core machine); run it by hand:
#
#   NNPIPE_BIN=bin sh bench/vae_quality.sh all        # all jobs, then the table
#   sh bench/vae_quality.sh summary                   # the table again
#
# Environment: OUT (default build/vae_quality), JOBS processes at once
# (default 2: each job uses one thread), PLAN a file of jobs to run instead
# of the built-in plan (lines as printed by `sh bench/vae_quality.sh plan`).
#
# A job: SIDE MODEL D SEED EPOCHS BATCH OPTIMIZER CODE_ACT ROWS
#   SIDE nnpipe|torch; ROWS: train on the first ROWS images (0: all 60,000).
# Figures per job (OUT/runs/NAME.tsv): test BCE per pixel of
# decode(encode(x)) (no noise), the last epoch's test-set loss (vae and
# cat-vae: noise sampled as in training), 10-NN accuracy of the test codes
# against the training codes (`knn` for both sides), NMI between the
# cat-vae's most likely category and the digit (`metrics cluster` for both
# sides), seconds per epoch (wall), CPU seconds and peak memory of the run.
PY=${PYTHON:-/usr/bin/python3}
BIN=${NNPIPE_BIN:-bin}
OUT=${OUT:-build/vae_quality}
JOBS=${JOBS:-2}
MNIST=${SHARED_DATA:-../shared/data}/mnist
here=$(cd "$(dirname "$0")" && pwd)

plan() {
  # in order of priority (the budget of 2026-11-27 on the loaded machine):
  # ae, the assignment's settings: sigmoid code, RMSprop, BCE, batch 32
  for d in 2 32 8 16; do for side in torch nnpipe; do
    echo "$side ae $d 1 5 32 rmsprop sigmoid 0"
  done; done
  # the convolutional models: Adam, batch 128 (deep-ae), 100 (vae, cat-vae)
  for d in 32 2 8 16; do for side in torch nnpipe; do
    echo "$side deep-ae $d 1 1 128 adam - 0"
  done; done
  for m in cat-vae vae; do
    d=2; [ $m = cat-vae ] && d=1
    for side in torch nnpipe; do echo "$side $m $d 1 1 100 adam - 20000"; done
  done
  # more seeds where they matter most
  for s in 2 3; do for d in 2 32; do for side in torch nnpipe; do
    echo "$side ae $d $s 5 32 rmsprop sigmoid 0"
  done; done; done
  for s in 2 3; do for side in torch nnpipe; do
    echo "$side deep-ae 32 $s 1 128 adam - 0"
  done; done
  for s in 2 3; do for m in cat-vae vae; do
    d=2; [ $m = cat-vae ] && d=1
    for side in torch nnpipe; do echo "$side $m $d $s 1 100 adam - 20000"; done
  done; done
}

# nnpipe only, for the deep-ae / ae / PCA table: the ae with fixed settings
# (linear code, Adam) and the deep-ae trained longer
extra() {
  for d in 2 8 16 32; do echo "nnpipe ae $d 1 5 32 adam linear 0"; done
  for d in 2 8 16 32; do echo "nnpipe deep-ae $d 1 5 128 adam - 0"; done
}

job_name() { echo "$1-$2-d$3-s$4-e$5-b$6-$7-$8-r$9"; }

prepare() {
  mkdir -p "$OUT/data" "$OUT/runs"
  D=$OUT/data
  [ -f "$D/y_test.npy" ] && return 0
  "$BIN/npy" from-idx "$MNIST/train-images-idx3-ubyte.gz" |
    "$BIN/npy" scale --mul 0.00392156862745098 --dtype float32 -o "$D/x_train.npy" &&
  "$BIN/npy" from-idx "$MNIST/t10k-images-idx3-ubyte.gz" |
    "$BIN/npy" scale --mul 0.00392156862745098 --dtype float32 -o "$D/x_test.npy" &&
  "$BIN/npy" from-idx "$MNIST/train-labels-idx1-ubyte.gz" -o "$D/y_train.npy" &&
  "$BIN/npy" from-idx "$MNIST/t10k-labels-idx1-ubyte.gz" -o "$D/y_test.npy" || exit 1
  for r in 20000; do
    "$BIN/npy" slice --rows 0:$r "$D/x_train.npy" -o "$D/x_train_$r.npy"
    "$BIN/npy" slice --rows 0:$r "$D/y_train.npy" -o "$D/y_train_$r.npy"
  done
}

run_job() {
  side=$1 model=$2 d=$3 seed=$4 epochs=$5 batch=$6 opt=$7 act=$8 rows=$9
  name=$(job_name "$@")
  D=$OUT/data W=$OUT/runs/$name
  [ -f "$W.tsv" ] && return 0
  mkdir -p "$W"
  xtr=$D/x_train.npy ytr=$D/y_train.npy
  [ "$rows" != 0 ] && xtr=$D/x_train_$rows.npy ytr=$D/y_train_$rows.npy
  val=; [ "$model" = vae ] || [ "$model" = cat-vae ] && val=1
  start=$(date +%s)
  if [ "$side" = nnpipe ]; then
    set -- -q --threads 1 -m "$model" -e "$epochs" -b "$batch" --optimizer "$opt" --seed "$seed" \
      --test "$D/x_test.npy" --report "$W/report.tsv" --history "$W/history.tsv" -o "$W/model.st"
    case $model in cat-vae) set -- "$@" -d "$d" -k 10 ;; *) set -- "$@" -d "$d" ;; esac
    [ "$act" != - ] && set -- "$@" --encoder-activation "$act"
    [ -n "$val" ] && set -- "$@" --val "$D/x_test.npy"
    /usr/bin/time -f "%e %U %S %M" -o "$W/time" "$BIN/train-vae" "$@" "$xtr" 2>"$W/log" || { echo "failed: $name" >&2; return 1; }
    "$BIN/train-vae" encode --threads 1 -o "$W/codes_train.npy" "$W/model.st" "$xtr" &&
    "$BIN/train-vae" encode --threads 1 -o "$W/codes_test.npy" "$W/model.st" "$D/x_test.npy" || return 1
    bce=$(awk -F '\t' '$1 == "test_bce_per_pixel" {print $2}' "$W/report.tsv")
    vloss=$(awk -F '\t' '$1 == "val_loss" {print $2}' "$W/report.tsv")
    spe=$(awk -F '\t' 'NR > 1 {s += $4; n++} END {if (n) printf "%.3f", s / n}' "$W/history.tsv")
  else
    set -- --data "$D" --out "$W/p" --model "$model" --latent "$d" --epochs "$epochs" --batch "$batch" \
      --optimizer "$opt" --seed "$seed" --threads 1 --rows "$rows"
    [ "$act" != - ] && set -- "$@" --encoder-activation "$act"
    [ -n "$val" ] && set -- "$@" --val
    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 /usr/bin/time -f "%e %U %S %M" -o "$W/time" \
      "$PY" "$here/vae_peer.py" "$@" >"$W/peer.tsv" 2>"$W/log" || { echo "failed: $name" >&2; return 1; }
    mv "$W/p.codes_train.npy" "$W/codes_train.npy" && mv "$W/p.codes_test.npy" "$W/codes_test.npy"
    bce=$(awk -F '\t' '$1 == "test_bce_per_pixel" {print $2}' "$W/peer.tsv")
    vloss=$(awk -F '\t' '$1 == "val_loss" {print $2}' "$W/peer.tsv")
    spe=$(awk -F '\t' '$1 == "seconds_per_epoch" {print $2}' "$W/peer.tsv")
  fi
  acc=$("$BIN/knn" --threads 1 -k 10 --train "$W/codes_train.npy" --labels "$ytr" --test "$W/codes_test.npy" \
    --test-labels "$D/y_test.npy" -o /dev/null 2>&1 | awk -F '\t' '$1 == "accuracy" {print $2}')
  nmi=-
  if [ "$model" = cat-vae ]; then
    "$BIN/npy" argmax -o "$W/clusters.npy" "$W/codes_test.npy" &&
    nmi=$("$BIN/metrics" cluster --format tsv -t "$D/y_test.npy" -p "$W/clusters.npy" | awk -F '\t' '$1 == "nmi" {print $3}')
    ncat=$("$BIN/npy" to-tsv "$W/clusters.npy" | sort -u | wc -l)
    nmi="$nmi ($ncat used)"
  fi
  read -r wall user sys mem <"$W/time"
  rm -f "$W/codes_train.npy"
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$side" "$model" "$d" "$seed" \
    "$epochs" "$batch" "$opt" "$act" "$rows" "${bce:--}" "${vloss:--}" "${acc:--}" "$nmi" "${spe:--}" \
    "$(awk "BEGIN{printf \"%.1f\", $user + $sys}")" "$((mem / 1024))" "$(( $(date +%s) - start ))" >"$W.tsv"
  echo "done: $name ($(date +%H:%M:%S))" >&2
}

summary() {
  printf 'side\tmodel\td\tseed\tepochs\tbatch\toptimizer\tcode_act\trows\ttest_bce\ttest_loss\tknn_acc\tnmi\ts_per_epoch\tcpu_s\tpeak_MB\twall_s\n'
  cat "$OUT"/runs/*.tsv 2>/dev/null | sort -t '	' -k2,2 -k3,3n -k1,1 -k4,4n
}

# mean and spread (max - min) per model, d, side; then ours / torch
table() {
  printf 'model\td\tepochs\toptimizer\tcode_act\trows\tbce nnpipe\tbce torch\tbce diff\tloss nnpipe\tloss torch\tloss diff\tknn nnpipe\tknn torch\tnmi nnpipe\tnmi torch\n'
  summary | awk -F '\t' 'NR > 1 {
      k = $2 "\t" $3 "\t" $5 "\t" $7 "\t" $8 "\t" $9; keys[k] = 1
      for (c = 10; c <= 12; c++) if ($c != "-") {
        v = $c + 0; n[k, $1, c]++; s[k, $1, c] += v
        if (!((k, $1, c) in lo) || v < lo[k, $1, c]) lo[k, $1, c] = v
        if (!((k, $1, c) in hi) || v > hi[k, $1, c]) hi[k, $1, c] = v
      }
      if ($13 != "-") { split($13, a, " "); nm[k, $1] = nm[k, $1] (nm[k, $1] == "" ? "" : " ") a[1]; nms[k, $1] += a[1]; nmn[k, $1]++ }
    }
    function f(k, side, c,   m) {
      if (!n[k, side, c]) return "-"
      m = s[k, side, c] / n[k, side, c]
      return sprintf(c == 12 ? "%.4f" : "%.5g", m) (n[k, side, c] > 1 ? sprintf(" (%d, +-%.2g)", n[k, side, c], (hi[k, side, c] - lo[k, side, c]) / 2) : "")
    }
    function r(k, c) { return n[k, "nnpipe", c] && n[k, "torch", c] ? sprintf("%+.2f%%", 100 * (s[k, "nnpipe", c] / n[k, "nnpipe", c] / (s[k, "torch", c] / n[k, "torch", c]) - 1)) : "-" }
    END {
      for (k in keys) printf "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", k, f(k, "nnpipe", 10), f(k, "torch", 10), r(k, 10),
        f(k, "nnpipe", 11), f(k, "torch", 11), r(k, 11), f(k, "nnpipe", 12), f(k, "torch", 12),
        (nmn[k, "nnpipe"] ? nm[k, "nnpipe"] : "-") "\t" (nmn[k, "torch"] ? nm[k, "torch"] : "-")
    }' | sort -k1,1 -k2,2n
}

case ${1:-} in
  '') echo "# vae_quality: not run by make bench (an hour or more): sh bench/vae_quality.sh all" ;;
  plan) plan ;;
  extra) extra ;;
  run-job) shift; prepare; run_job "$@" ;;
  summary) summary; echo; table ;;
  all)
    [ -f "$MNIST/train-images-idx3-ubyte.gz" ] || { echo "# vae_quality: $MNIST missing, skipped"; exit 0; }
    "$PY" -c 'import torch' 2>/dev/null || echo "# torch missing (apt-get install python3-torch): torch jobs will fail"
    prepare
    if [ -n "${PLAN:-}" ]; then cat "$PLAN"; else plan; fi |
      xargs -P "$JOBS" -L 1 sh "$0" run-job
    summary; echo; table ;;
esac
