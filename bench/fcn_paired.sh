#!/bin/sh
# The segmentation network's arithmetic against PyTorch: one batch of 8
# generated 128 x 128 images, the same start on both sides (train-fcn -e 0
# writes it, bench/fcn_paired_step.py loads it), one SGD step at learning
# rate 1 in train-fcn, the loss and every gradient tensor compared
# (bench/fcn_paired_step.py).  Prints a QUALITY line with the largest
# relative difference (float32 on both sides: about 1e-4 or less).
PY=${PYTHON:-/usr/bin/python3}
BIN=${NNPIPE_BIN:-bin}
"$PY" -c 'import torch' 2>/dev/null || { echo "# torch missing: apt-get install python3-torch"; exit 0; }
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
"$BIN/make-demo-data" shapes -n 8 -v 1 -W 128 -H 128 -s 3 "$tmp/shapes" 2>/dev/null &&
  "$BIN/resize-img" -q --list "$tmp/shapes/train.txt" --root "$tmp/shapes" -s 128x128 -o "$tmp/X.npy" \
    --masks-out "$tmp/Y.npy" || { echo "# fcn_paired: making the batch failed"; exit 1; }
# the shapes' class 1 against the rest
"$BIN/train-fcn" -q --threads 1 --classes binary:1 -e 0 --seed 5 -o "$tmp/init.st" "$tmp/X.npy" "$tmp/Y.npy" &&
  "$BIN/train-fcn" -q --threads 1 --classes binary:1 -e 1 -b 8 --seed 5 --optimizer sgd --lr 1 \
    --history "$tmp/h.tsv" -o "$tmp/step.st" "$tmp/X.npy" "$tmp/Y.npy" || exit 1
loss=$(awk -F '\t' 'NR == 2 { print $2 }' "$tmp/h.tsv")
env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 \
  "$PY" bench/fcn_paired_step.py "$tmp/init.st" "$tmp/step.st" "$tmp/X.npy" "$tmp/Y.npy" "$loss" >"$tmp/out" || exit 1
sed 's/^/# /' "$tmp/out" | grep -v MAX_REL
printf 'QUALITY\tfcn one step from the same weights, max relative difference\t%s\t0\tloss and gradients\n' \
  "$(sed -n 's/^MAX_REL_DIFF //p' "$tmp/out")"
