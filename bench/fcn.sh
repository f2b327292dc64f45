#!/bin/sh
# The segmentation network of the assignment (train-fcn, depth 2, width 1,
# RMSprop, batch 8) next to the same network in PyTorch (python3-torch,
# bench/fcn_peer.py) on CamVid resized to FCN_SIZE (default 128x128):
# road (class 3) vs rest, binary cross-entropy.  Seconds per training
# epoch (wall clock, at each thread count of FCN_THREADS, default "1 2")
# and the validation IoU of the road class after FCN_EPOCHS (default 2)
# epochs, both scored by `metrics segment`.  The peer's OpenMP and
# OpenBLAS pools are pinned to the same thread count (unpinned, a
# 1-thread PyTorch keeps a second worker spinning).  The 20-epoch
# comparison is bench/fcn_quality.sh.
PY=${PYTHON:-/usr/bin/python3}
BIN=${NNPIPE_BIN:-bin}
ROOT=${SHARED_DATA:-../shared/data}/camvid
SIZE=${FCN_SIZE:-128}
EPOCHS=${FCN_EPOCHS:-2}
THREAD_COUNTS=${FCN_THREADS:-1 2}
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

iou() { "$BIN/metrics" segment --true "$tmp/Y_val.npy" --pred "$1" --format tsv |
  awk -F '\t' '$1 == "iou" && $2 == "1" { print $3 } $1 == "iou_1" { print $2 }' | head -1; }
ratio() { if [ -z "$1" ] || [ "$1" = - ] || [ -z "$2" ]; then echo -; else awk "BEGIN{printf \"%.2f\", $1/$2}"; fi; }
have_torch=1
"$PY" -c 'import torch' 2>/dev/null || { have_torch=; echo "# torch missing: apt-get install python3-torch"; }

for THREADS in $THREAD_COUNTS; do
  "$BIN/train-fcn" -q "$tmp/X_train.npy" "$tmp/Y_train.npy" --classes binary:1 -e "$EPOCHS" -b 8 \
    --threads "$THREADS" --history "$tmp/h.tsv" -o "$tmp/m.st" 2>/dev/null || exit 1
  "$BIN/train-fcn" predict -m "$tmp/m.st" --argmax "$tmp/X_val.npy" -o "$tmp/P.npy" || exit 1
  ours=$(awk -F '\t' 'NR > 1 { s += $4; n++ } END { if (n) printf "%.1f", s / n }' "$tmp/h.tsv")
  q_ours=$(iou "$tmp/P.npy")
  peer=- q_peer=-
  rm -f "$tmp/Q.npy"
  if [ -n "$have_torch" ]; then
    peer=$(env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE OMP_NUM_THREADS="$THREADS" OPENBLAS_NUM_THREADS="$THREADS" \
      "$PY" bench/fcn_peer.py "$tmp" "$THREADS" "$EPOCHS" 1 "$tmp/Q.npy" 2>/dev/null | sed -n 's/^SECONDS_PER_EPOCH //p')
    [ -f "$tmp/Q.npy" ] && q_peer=$(iou "$tmp/Q.npy")
  fi
  printf 'BENCH\tfcn_camvid%s_road_epoch_%sthreads\t%s\t%s\ts/epoch\t%s\n' "$SIZE" "$THREADS" "$ours" "${peer:--}" \
    "$(ratio "${peer:--}" "$ours")"
  printf 'QUALITY\tfcn_camvid%s_road_val_iou_%sepochs_%sthreads\t%s\t%s\tiou\n' "$SIZE" "$EPOCHS" "$THREADS" "${q_ours:--}" "${q_peer:--}"
done
