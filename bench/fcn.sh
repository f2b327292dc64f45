#!/bin/sh
# The segmentation network of the assignment (train-fcn, depth 2, width 1,
# RMSprop, batch 8) next to the same network in PyTorch (python3-torch,
# bench/fcn_peer.py) on CamVid resized to FCN_SIZE (default 64x64):
# road (class 3) vs rest, binary cross-entropy.  Seconds per training
# epoch (wall clock, FCN_THREADS threads, default 2) and the validation
# IoU of the road class after FCN_EPOCHS (default 3) epochs, both scored
# by `metrics segment`.  The machine is shared: timings vary with load.
PY=${PYTHON:-/usr/bin/python3}
BIN=${NNPIPE_BIN:-bin}
ROOT=${SHARED_DATA:-../shared/data}/camvid
SIZE=${FCN_SIZE:-64}
EPOCHS=${FCN_EPOCHS:-3}
THREADS=${FCN_THREADS:-2}
if [ ! -f "$ROOT/train.txt" ]; then
  echo "# fcn: $ROOT missing, skipped"
  exit 0
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for s in train val; do
  "$BIN/resize-img" -q --list "$ROOT/$s.txt" --root "$ROOT" --size "${SIZE}x$SIZE" --classes 3 \
    -o "$tmp/X_$s.npy" --masks-out "$tmp/Y_$s.npy" || exit 1
done

"$BIN/train-fcn" -q "$tmp/X_train.npy" "$tmp/Y_train.npy" --classes binary:1 -e "$EPOCHS" -b 8 \
  --threads "$THREADS" --history "$tmp/h.tsv" -o "$tmp/m.st" 2>/dev/null || exit 1
"$BIN/train-fcn" predict -m "$tmp/m.st" --argmax "$tmp/X_val.npy" -o "$tmp/P.npy" || exit 1
ours=$(awk -F '\t' 'NR > 1 { s += $4; n++ } END { if (n) printf "%.1f", s / n }' "$tmp/h.tsv")
iou() { "$BIN/metrics" segment --true "$tmp/Y_val.npy" --pred "$1" --format tsv |
  awk -F '\t' '$1 == "iou" && $2 == "1" { print $3 } $1 == "iou_1" { print $2 }' | head -1; }
q_ours=$(iou "$tmp/P.npy")

peer=- q_peer=-
if "$PY" -c 'import torch' 2>/dev/null; then
  peer=$(env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE "$PY" bench/fcn_peer.py "$tmp" "$THREADS" "$EPOCHS" 1 \
    "$tmp/Q.npy" 2>/dev/null | sed -n 's/^SECONDS_PER_EPOCH //p')
  [ -f "$tmp/Q.npy" ] && q_peer=$(iou "$tmp/Q.npy")
else
  echo "# torch missing: apt-get install python3-torch"
fi
ratio() { if [ -z "$1" ] || [ "$1" = - ] || [ -z "$2" ]; then echo -; else awk "BEGIN{printf \"%.2f\", $1/$2}"; fi; }
printf 'BENCH\tfcn_camvid%s_road_epoch_%sthreads\t%s\t%s\ts/epoch\t%s\n' "$SIZE" "$THREADS" "$ours" "${peer:--}" \
  "$(ratio "${peer:--}" "$ours")"
printf 'QUALITY\tfcn_camvid%s_road_val_iou_%sepochs\t%s\t%s\tiou\n' "$SIZE" "$EPOCHS" "${q_ours:--}" "${q_peer:--}"
