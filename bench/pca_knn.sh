#!/bin/sh
# pca fit (60,000 x 784 MNIST training images, d = 32) and knn (k = 10,
# 10,000 test images against the 60,000, on the 32 PCA codes and on the
# 784 raw pixels) next to scikit-learn 1.2 (PCA, KNeighborsClassifier).
#
# Inputs are made once from $SHARED_DATA/mnist into a temporary folder:
# pixels / 255 as float32.  Both sides get the same files and the same
# thread count (BENCH_THREADS, default all cores).  Our times are whole
# commands (start-up, reading the .npy, writing results); the peer's are
# measured inside Python around fit/predict only (its loading excluded),
# so the comparison leans in the peer's favour.
#   BENCH<TAB>name<TAB>ours<TAB>peer<TAB>s<TAB>speedup
#   QUALITY<TAB>name<TAB>ours<TAB>peer<TAB>metric
set -u
BIN=${NNPIPE_BIN:-bin}
PY=${PYTHON:-/usr/bin/python3}
DATA=${SHARED_DATA:-../shared/data}/mnist
T=${BENCH_THREADS:-$(nproc)}
HERE=$(cd "$(dirname "$0")" && pwd)
PEER="$HERE/pca_knn_peer.py"

if [ ! -f "$DATA/train-images-idx3-ubyte.gz" ]; then
  echo "# pca_knn: skipped, no MNIST in $DATA"
  exit 0
fi
if ! "$PY" -c 'import numpy' 2>/dev/null; then
  echo "# pca_knn: skipped, numpy is needed to prepare the inputs (apt-get install python3-numpy)"
  exit 0
fi
have_peer=1
"$PY" -c 'import sklearn' 2>/dev/null || have_peer=0
peer_hint="apt-get install python3-sklearn"

TMP=$(mktemp -d "${TMPDIR:-/tmp}/pca_knn.XXXXXX")
trap 'rm -rf "$TMP"' EXIT INT TERM

"$PY" - "$DATA" "$TMP" <<'EOF'
import gzip, sys
import numpy as np
src, dst = sys.argv[1], sys.argv[2]
def idx(name, offset):
    with gzip.open("%s/%s" % (src, name)) as f:
        return np.frombuffer(f.read(), np.uint8, offset=offset)
np.save(dst + "/train.npy", (idx("train-images-idx3-ubyte.gz", 16).reshape(-1, 784) / 255.0).astype(np.float32))
np.save(dst + "/test.npy", (idx("t10k-images-idx3-ubyte.gz", 16).reshape(-1, 784) / 255.0).astype(np.float32))
np.save(dst + "/train_labels.npy", idx("train-labels-idx1-ubyte.gz", 8))
np.save(dst + "/test_labels.npy", idx("t10k-labels-idx1-ubyte.gz", 8))
EOF

now() { date +%s.%N; }
# seconds of a command (its output discarded, stderr to $TMP/err)
timed() { t0=$(now); "$@" > /dev/null 2> "$TMP/err" || { cat "$TMP/err" >&2; echo fail; return; }; t1=$(now); echo "$t0 $t1" | awk '{ printf "%.3f", $2 - $1 }'; }
ratio() { awk -v o="$1" -v p="$2" 'BEGIN { if (o > 0 && p > 0) printf "%.2f", p / o; else printf "-" }'; }
bench_line() { printf 'BENCH\t%s\t%s\t%s\ts\t%s\n' "$1" "$2" "$3" "$(ratio "$2" "$3")"; }
peer() { env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE "$PY" "$PEER" --threads "$T" "$@"; }
field() { awk -F'\t' -v k="$1" '$1 == k { print $2 }'; }

echo "# pca_knn: $T threads, $(date -u '+%Y-%m-%d %H:%M UTC'), load average $(cut -d' ' -f1-3 /proc/loadavg)"

# ---- pca fit, d = 32 ---------------------------------------------------
ours=$(timed "$BIN/pca" fit --threads "$T" -q -d 32 -o "$TMP/pca32.safetensors" "$TMP/train.npy")
if [ $have_peer = 1 ]; then
  out=$(peer fit "$TMP/train.npy" 32 "$TMP/evr_peer.npy")
  bench_line pca_fit_60000x784_d32 "$ours" "$(echo "$out" | field seconds)"
  "$BIN/pca" variance -m "$TMP/pca32.safetensors" | awk -F'\t' 'NR > 1 { print $3 }' > "$TMP/evr_ours.txt"
  diff=$("$PY" -c "import numpy as np, sys; a = np.loadtxt('$TMP/evr_ours.txt'); b = np.load('$TMP/evr_peer.npy'); print('%.2e' % np.abs(a - b).max())")
  sums=$("$PY" -c "import numpy as np; print('%.6f\t%.6f' % (np.loadtxt('$TMP/evr_ours.txt').sum(), np.load('$TMP/evr_peer.npy').sum()))")
  printf 'QUALITY\tpca_d32_explained_variance_ratio_sum\t%s\tratio_sum (max |diff| %s)\n' "$sums" "$diff"
else
  bench_line pca_fit_60000x784_d32 "$ours" -
  echo "# peer missing: $peer_hint"
fi

# ---- knn on the 32 PCA codes and on the 784 pixels ------------------------
"$BIN/pca" transform -m "$TMP/pca32.safetensors" "$TMP/train.npy" -o "$TMP/train32.npy"
"$BIN/pca" transform -m "$TMP/pca32.safetensors" "$TMP/test.npy" -o "$TMP/test32.npy"
for d in 32 784; do
  if [ $d = 32 ]; then tr="$TMP/train32.npy" te="$TMP/test32.npy"; else tr="$TMP/train.npy" te="$TMP/test.npy"; fi
  ours=$(timed "$BIN/knn" --threads "$T" --k 10 --train "$tr" --labels "$TMP/train_labels.npy" --test "$te" \
    --test-labels "$TMP/test_labels.npy" -o "$TMP/pred.npy")
  acc_ours=$(field accuracy < "$TMP/err")
  if [ $have_peer = 1 ]; then
    out=$(peer knn "$tr" "$TMP/train_labels.npy" "$te" "$TMP/test_labels.npy" 10)
    bench_line "knn_k10_10000x60000_d$d" "$ours" "$(echo "$out" | field seconds)"
    printf 'QUALITY\tknn_k10_d%s_accuracy\t%s\t%s\taccuracy\n' "$d" "$acc_ours" "$(echo "$out" | field accuracy)"
  else
    bench_line "knn_k10_10000x60000_d$d" "$ours" -
    printf 'QUALITY\tknn_k10_d%s_accuracy\t%s\t-\taccuracy\n' "$d" "$acc_ours"
  fi
done

# ---- the assignment's comparison: PCA(d) fitted on the training images,
# kNN (k = 10) on the test images, d = 2, 8, 16, 32 (PCA_KNN_QUICK=1 skips)
if [ "${PCA_KNN_QUICK:-0}" != 1 ]; then
  [ $have_peer = 1 ] && peer pcaknn "$TMP/train.npy" "$TMP/train_labels.npy" "$TMP/test.npy" "$TMP/test_labels.npy" 10 2 8 16 32 > "$TMP/peer_acc.tsv"
  for d in 2 8 16 32; do
    "$BIN/pca" fit --threads "$T" -q -d $d -o "$TMP/p.safetensors" "$TMP/train.npy"
    "$BIN/pca" transform -m "$TMP/p.safetensors" "$TMP/train.npy" -o "$TMP/ctr.npy"
    "$BIN/pca" transform -m "$TMP/p.safetensors" "$TMP/test.npy" -o "$TMP/cte.npy"
    "$BIN/knn" --threads "$T" -q --k 10 --train "$TMP/ctr.npy" --labels "$TMP/train_labels.npy" --test "$TMP/cte.npy" \
      --test-labels "$TMP/test_labels.npy" -o "$TMP/pred.npy" 2> "$TMP/err"
    acc_peer=-
    [ $have_peer = 1 ] && acc_peer=$(awk -F'\t' -v d=$d '$1 == d { print $2 }' "$TMP/peer_acc.tsv")
    printf 'QUALITY\tpca%s_knn_k10_accuracy\t%s\t%s\taccuracy\n' "$d" "$(field accuracy < "$TMP/err")" "$acc_peer"
  done
fi
