#!/bin/sh
# train-fcn next to PyTorch (bench/fcn_peer.py) on CamVid: the assignment's
# network, the same resized images and masks, batch 8, RMSprop (Keras
# defaults), the same epochs on both sides, scored on `val` by `metrics
# segment` for both.  Not part of `make bench` (hours on the 2-core
# machine: bench/run runs it without arguments, and then it only says how
# to run it); by hand:
#
#   NNPIPE_BIN=bin sh bench/fcn_quality.sh all       # all jobs, then the table
#   sh bench/fcn_quality.sh summary                  # the table again
#
# Environment: OUT (default build/fcn_quality), SIZE (default 128: images
# SIZE x SIZE), JOBS processes at once (default 1; each job uses one
# thread), PLAN a file of jobs instead of the built-in plan (lines as
# `sh bench/fcn_quality.sh plan` prints them), VAL=1 also the val loss
# after every epoch on both sides (nnpipe: OUT/runs/NAME/history.tsv;
# PyTorch: the EPOCH lines of OUT/runs/NAME/log); it changes no training.
#
# A job: SIDE TASK SEED EPOCHS [OPTIONS]
#   TASK car (class 8 against the rest), road (class 3) or all (the 11
#   classes, void = 11 ignored); OPTIONS (nnpipe only) are train-fcn flags
#   joined by commas, e.g. --flip,--skip, or - for none.
# Figures per job (OUT/runs/NAME.tsv): val IoU of the class (binary) or
# mean IoU over classes 0 to 10 (all), pixel accuracy, seconds per epoch
# (wall, training only), CPU seconds and peak memory of the whole run.
PY=${PYTHON:-/usr/bin/python3}
BIN=${NNPIPE_BIN:-bin}
OUT=${OUT:-build/fcn_quality}
SIZE=${SIZE:-128}
JOBS=${JOBS:-1}
CAMVID=${SHARED_DATA:-../shared/data}/camvid
here=$(cd "$(dirname "$0")" && pwd)

plan() {
  # criterion 2: each task, both sides, 20 epochs
  for t in road car all; do for side in nnpipe torch; do echo "$side $t 1 20 -"; done; done
  # criterion 3: each augmentation and the skips on their own (ours), car,
  # at 10 epochs next to a plain 10-epoch run
  for o in - --denoise --flip --crop --photometric --skip; do echo "nnpipe car 1 10 $o"; done
}

job_name() { echo "$1-$2-s$3-e$4$(echo "${5:--}" | tr -d ' ' | sed 's/^-$//; s/--/-/g; s/,//g')"; }

prepare() {
  D=$OUT/data$SIZE
  mkdir -p "$D" "$OUT/runs"
  [ -f "$D/done" ] && return 0
  for s in train val; do
    "$BIN/resize-img" -q --list "$CAMVID/$s.txt" --root "$CAMVID" --size "${SIZE}x$SIZE" \
      -o "$D/X_$s.npy" --masks-out "$D/all_$s.npy" || exit 1
    for t in road:3 car:8; do
      "$BIN/resize-img" -q --list "$CAMVID/$s.txt" --root "$CAMVID" --size "${SIZE}x$SIZE" \
        --classes "${t#*:}" -o /dev/null --masks-out "$D/${t%:*}_$s.npy" || exit 1
    done
  done
  # the peer reads DIR/X_train.npy, DIR/Y_train.npy and DIR/X_val.npy
  for t in road car all; do
    mkdir -p "$D/$t"
    for s in train val; do ln -sf "../X_$s.npy" "$D/$t/X_$s.npy"; ln -sf "../${t}_$s.npy" "$D/$t/Y_$s.npy"; done
  done
  touch "$D/done"
}

run_job() {
  side=$1 task=$2 seed=$3 epochs=$4 opts=${5:--}
  name=$(job_name "$@")
  D=$OUT/data$SIZE W=$OUT/runs/$name
  [ -f "$W.tsv" ] && return 0
  mkdir -p "$W"
  case $task in
    all) classes="11 --ignore 11" k=11 ;;
    road|car) classes=binary:1 k=1 ;;
    *) echo "unknown task $task" >&2; return 1 ;;
  esac
  start=$(date +%s)
  if [ "$side" = nnpipe ]; then
    # shellcheck disable=SC2086 # classes and the options are lists of words
    /usr/bin/time -f "%e %U %S %M" -o "$W/time" "$BIN/train-fcn" -q --threads 1 --classes $classes \
      -e "$epochs" -b 8 --seed "$seed" --history "$W/history.tsv" -o "$W/model.st" \
      $([ -n "${VAL:-}" ] && echo "--val-x $D/X_val.npy --val-y $D/${task}_val.npy") \
      $([ "$opts" = - ] || echo "$opts" | tr ',' ' ') "$D/X_train.npy" "$D/${task}_train.npy" 2>"$W/log" ||
      { echo "failed: $name" >&2; return 1; }
    "$BIN/train-fcn" predict --threads 1 -m "$W/model.st" --argmax "$D/X_val.npy" -o "$W/pred.npy" || return 1
    spe=$(awk -F '\t' 'NR > 1 { s += $4; n++ } END { if (n) printf "%.2f", s / n }' "$W/history.tsv")
  else
    [ "$opts" = - ] || { echo "$name: options are for nnpipe jobs" >&2; return 1; }
    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 ${VAL:+VAL_LOSS=1} \
      /usr/bin/time -f "%e %U %S %M" -o "$W/time" "$PY" "$here/fcn_peer.py" "$D/$task" 1 "$epochs" "$k" \
      "$W/pred.npy" "$seed" >"$W/peer.txt" 2>"$W/log" || { echo "failed: $name" >&2; return 1; }
    spe=$(sed -n 's/^SECONDS_PER_EPOCH //p' "$W/peer.txt")
  fi
  if [ "$task" = all ]; then
    "$BIN/metrics" segment --format tsv -t "$D/all_val.npy" -p "$W/pred.npy" --ignore 11 -l 0,1,2,3,4,5,6,7,8,9,10 >"$W/metrics.tsv"
    iou=$(awk -F '\t' '$1 == "iou_macro" { print $NF }' "$W/metrics.tsv")
  else
    "$BIN/metrics" segment --format tsv -t "$D/${task}_val.npy" -p "$W/pred.npy" >"$W/metrics.tsv"
    iou=$(awk -F '\t' '$1 == "iou" && $2 == "1" { print $3 }' "$W/metrics.tsv")
  fi
  acc=$(awk -F '\t' '$1 == "pixel_accuracy" { print $NF }' "$W/metrics.tsv")
  read -r wall user sys mem <"$W/time"
  rm -f "$W/pred.npy"
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$side" "$task" "$seed" "$epochs" "$opts" "${iou:--}" \
    "${acc:--}" "${spe:--}" "$(awk "BEGIN{printf \"%.1f\", $user + $sys}")" "$((mem / 1024))" \
    "$(( $(date +%s) - start ))" >"$W.tsv"
  echo "done: $name ($(date +%H:%M:%S))" >&2
}

summary() {
  printf 'side\ttask\tseed\tepochs\toptions\tval_iou\tpixel_acc\ts_per_epoch\tcpu_s\tpeak_MB\twall_s\n'
  cat "$OUT"/runs/*.tsv 2>/dev/null | sort -t '	' -k2,2 -k5,5 -k1,1 -k3,3n
}

case ${1:-} in
  '') echo "# fcn_quality: not run by make bench (hours): sh bench/fcn_quality.sh all" ;;
  plan) plan ;;
  run-job) shift; prepare; run_job "$@" ;;
  summary) summary ;;
  all)
    [ -f "$CAMVID/train.txt" ] || { echo "# fcn_quality: $CAMVID missing, skipped"; exit 0; }
    prepare
    if [ -n "${PLAN:-}" ]; then cat "$PLAN"; else plan; fi |
      xargs -P "$JOBS" -L 1 sh "$0" run-job
    summary ;;
esac
