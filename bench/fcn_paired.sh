#!/bin/sh
# The segmentation network's arithmetic against PyTorch: one batch of 8
# generated 128 x 128 images, the same start on both sides (train-fcn -e 0
# writes it, bench/fcn_paired_step.py loads it), one SGD step at learning
# rate 1 in train-fcn, the loss and every gradient tensor compared
# (bench/fcn_paired_step.py), for the binary task and for three classes with
# an ignored label.  Prints a QUALITY line per task with the largest
# relative difference (float32 on both sides: about 1e-4 or less).
PY=${PYTHON:-/usr/bin/python3}
BIN=${NNPIPE_BIN:-bin}
"$PY" -c 'import torch' 2>/dev/null || { echo "# torch missing: apt-get install python3-torch"; exit 0; }
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
"$BIN/make-demo-data" shapes -n 8 -v 1 -W 128 -H 128 -s 3 "$tmp/shapes" 2>/dev/null &&
  "$BIN/resize-img" -q --list "$tmp/shapes/train.txt" --root "$tmp/shapes" -s 128x128 -o "$tmp/X.npy" \
    --masks-out "$tmp/Y.npy" || { echo "# fcn_paired: making the batch failed"; exit 1; }
# binary: the shapes' class 1 (discs) against the rest; classes: background,
# discs and squares, with the triangles (3) as the ignored label
for case in "binary binary:1" "classes 3 --ignore 3"; do
  set -- $case
  name=$1; shift
  # shellcheck disable=SC2068 # the train-fcn options are a list of words
  "$BIN/train-fcn" -q --threads 1 --classes $@ -e 0 --seed 5 -o "$tmp/init.st" "$tmp/X.npy" "$tmp/Y.npy" &&
    "$BIN/train-fcn" -q --threads 1 --classes $@ -e 1 -b 8 --seed 5 --optimizer sgd --lr 1 \
      --history "$tmp/h.tsv" -o "$tmp/step.st" "$tmp/X.npy" "$tmp/Y.npy" || exit 1
  loss=$(awk -F '\t' 'NR == 2 { print $2 }' "$tmp/h.tsv")
  extra=""; [ "$name" = classes ] && extra="3 3"
  # shellcheck disable=SC2086 # extra is K and IGNORE, or nothing
  env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 \
    "$PY" bench/fcn_paired_step.py "$tmp/init.st" "$tmp/step.st" "$tmp/X.npy" "$tmp/Y.npy" "$loss" $extra \
    >"$tmp/out" || exit 1
  sed "s/^/# $name: /" "$tmp/out" | grep -v MAX_REL
  printf 'QUALITY\tfcn one step from the same weights (%s), max relative difference\t%s\t0\tloss and gradients\n' \
    "$name" "$(sed -n 's/^MAX_REL_DIFF //p' "$tmp/out")"
done
# RMSprop as train-fcn runs it (lr 1e-3, rho 0.9, eps 1e-7): 10 steps on the
# binary batch on both sides, the losses step by step and the weights'
# moves compared.  Our losses are Keras's clipped BCE; the peer prints its
# unclipped one and the clipped one (the two differ where a pixel is
# saturated on the wrong side; the gradients do not, see the binary case).
# RMSprop moves a weight by about lr / sqrt(1 - rho) whatever its gradient's
# size, so where a gradient is near 0 rounding picks the direction, and the
# moves drift apart slowly (a few % of their norm after 10 steps).
"$BIN/train-fcn" -q --threads 1 --classes binary:1 -e 0 --seed 5 -o "$tmp/init.st" "$tmp/X.npy" "$tmp/Y.npy" &&
  "$BIN/train-fcn" -q --threads 1 --classes binary:1 -e 10 -b 8 --seed 5 --history "$tmp/h.tsv" \
    -o "$tmp/step.st" "$tmp/X.npy" "$tmp/Y.npy" || exit 1
RMSPROP_STEPS=10 env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 \
  "$PY" bench/fcn_paired_step.py "$tmp/init.st" "$tmp/step.st" "$tmp/X.npy" "$tmp/Y.npy" \
  "$(awk -F '\t' 'NR == 2 { print $2 }' "$tmp/h.tsv")" >"$tmp/out" || exit 1
echo "# rmsprop: nnpipe losses	$(awk -F '\t' 'NR > 1 { printf "%s%.6f", (NR > 2 ? " " : ""), $2 }' "$tmp/h.tsv")"
sed "s/^/# rmsprop: /" "$tmp/out" | grep -v MAX_REL
printf 'QUALITY\tfcn 10 RMSprop steps from the same weights, largest |diff| / |move| of a tensor\t%s\t0\tweights\n' \
  "$(sed -n 's/^MAX_REL_DIFF //p' "$tmp/out")"
