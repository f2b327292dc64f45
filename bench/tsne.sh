#!/bin/sh
# t-SNE on 5,000 MNIST test images (PCA to 50 dimensions first), nnpipe's
# tsne next to scikit-learn's TSNE with the same settings (2-D, perplexity
# 30, Barnes-Hut theta 0.5, PCA init, learning rate auto, 1000 iterations).
#   BENCH   tsne-mnist5k   seconds (ours: whole process; peer: fit only)
#   QUALITY tsne-mnist5k-trustworthiness-k10 / -knn10-accuracy
# (tests/python/tsne_quality.py: scikit-learn's trustworthiness against
# the 50-D input; leave-one-out 10-NN label accuracy in the embedding).
#   TSNE_N=5000 (points)  TSNE_THREADS=0 (all cores)
bin=${NNPIPE_BIN:-bin}
py=${PYTHON:-/usr/bin/python3}
here=$(dirname "$0")
n=${TSNE_N:-5000}
threads=${TSNE_THREADS:-0}
name="tsne-mnist$((n / 1000))k"

if [ ! -x "$bin/tsne" ]; then
  echo "# tsne: $bin/tsne is missing (make first)" >&2
  exit 1
fi
if [ -z "$SHARED_DATA" ] || [ ! -f "$SHARED_DATA/mnist/t10k-images-idx3-ubyte.gz" ]; then
  echo "# tsne: skipped: MNIST not found (set SHARED_DATA to the folder holding mnist/)"
  exit 0
fi
if ! "$py" -c 'import numpy' >/dev/null 2>&1; then
  echo "# tsne: skipped: numpy missing for $py (needed to make the PCA-50 input; Debian: apt-get install python3-numpy)"
  exit 0
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
echo "# tsne: started $(date -u '+%Y-%m-%d %H:%M:%S UTC'), load average $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null)"
env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE "$py" "$here/../tests/python/tsne_mnist.py" \
  "$SHARED_DATA/mnist" test "$n" "$tmp/x.npy" "$tmp/labels.npy" || exit 1

t0=$(date +%s.%N)
"$bin/tsne" -q --threads "$threads" -o "$tmp/ours.npy" "$tmp/x.npy" || exit 1
t1=$(date +%s.%N)
ours=$(echo "$t1 $t0" | awk '{printf "%.2f", $1 - $2}')

peer=-
if "$py" -c 'import sklearn' >/dev/null 2>&1; then
  peer=$(env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE "$py" "$here/tsne_peer.py" "$tmp/x.npy" "$tmp/peer.npy") || peer=-
  echo "# peer: scikit-learn $("$py" -c 'import sklearn; print(sklearn.__version__)') TSNE"
else
  echo "# peer: scikit-learn missing for $py: peer columns are '-' (Debian: apt-get install python3-sklearn)"
fi
if [ "$peer" != - ]; then
  speed=$(echo "$peer $ours" | awk '{printf "%.2f", $1 / $2}')
else
  speed=-
fi
printf 'BENCH\t%s\t%s\t%s\ts\t%s\n' "$name" "$ours" "$peer" "$speed"

if "$py" -c 'import sklearn' >/dev/null 2>&1; then
  files="$tmp/ours.npy"
  [ "$peer" != - ] && files="$files $tmp/peer.npy"
  # shellcheck disable=SC2086
  env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE "$py" "$here/../tests/python/tsne_quality.py" \
    "$tmp/x.npy" "$tmp/labels.npy" $files > "$tmp/q.txt" || exit 1
  qo_t=$(awk -F'\t' 'NR == 1 {print $3}' "$tmp/q.txt"); qo_a=$(awk -F'\t' 'NR == 1 {print $5}' "$tmp/q.txt")
  qp_t=$(awk -F'\t' 'NR == 2 {print $3}' "$tmp/q.txt"); qp_a=$(awk -F'\t' 'NR == 2 {print $5}' "$tmp/q.txt")
  printf 'QUALITY\t%s-trustworthiness-k10\t%s\t%s\ttrustworthiness\n' "$name" "$qo_t" "${qp_t:--}"
  printf 'QUALITY\t%s-knn10-accuracy\t%s\t%s\taccuracy\n' "$name" "$qo_a" "${qp_a:--}"
else
  echo "# quality: scikit-learn missing: no QUALITY lines (apt-get install python3-sklearn)"
fi
