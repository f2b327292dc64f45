#!/bin/sh
# train-vae next to the same models in PyTorch (python3-torch,
# bench/vae_peer.py: same layers, initialization, loss and Keras update
# rules) on MNIST:
#   ae d = 32, batch 32, RMSprop (the assignment's dense autoencoder) and
#   vae d = 2, batch 100, Adam,
# at 1 and 2 threads (VAE_THREADS, default "1 2").  Per model and thread
# count: seconds per training epoch (wall clock, mean over VAE_EPOCHS
# epochs, default 2; the vae trains on the first VAE_ROWS images, default
# 6000, so an epoch here is VAE_ROWS images, the ae on all 60,000), CPU
# seconds of the whole run (reading the data included, both sides), and
# peak memory (/usr/bin/time %M).  speedup > 1: nnpipe faster or smaller.
# The quality comparison (many epochs, several seeds) is
# bench/vae_quality.sh, run by hand.
PY=${PYTHON:-/usr/bin/python3}
BIN=${NNPIPE_BIN:-bin}
MNIST=${SHARED_DATA:-../shared/data}/mnist
EPOCHS=${VAE_EPOCHS:-2}
ROWS=${VAE_ROWS:-6000}
THREADS=${VAE_THREADS:-1 2}
here=$(cd "$(dirname "$0")" && pwd)
if [ ! -f "$MNIST/train-images-idx3-ubyte.gz" ]; then
  echo "# vae: $MNIST missing, skipped"
  exit 0
fi
if [ ! -x /usr/bin/time ]; then
  echo "# vae: /usr/bin/time missing (apt-get install time), skipped"
  exit 0
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$BIN/npy" from-idx "$MNIST/train-images-idx3-ubyte.gz" |
  "$BIN/npy" scale --mul 0.00392156862745098 --dtype float32 -o "$tmp/x_train.npy" &&
"$BIN/npy" from-idx "$MNIST/t10k-images-idx3-ubyte.gz" |
  "$BIN/npy" scale --mul 0.00392156862745098 --dtype float32 -o "$tmp/x_test.npy" &&
"$BIN/npy" slice --rows "0:$ROWS" "$tmp/x_train.npy" -o "$tmp/x_rows.npy" || exit 1
have_torch=1
"$PY" -c 'import torch' 2>/dev/null || { have_torch=0; echo "# torch missing: apt-get install python3-torch"; }
echo "# load: $(uptime | sed 's/.*load average/load average/')"

ratio() { if [ -z "$1" ] || [ "$1" = - ] || [ -z "$2" ] || [ "$2" = - ]; then echo -; else awk "BEGIN{printf \"%.2f\", $1/$2}"; fi; }
line() { printf 'BENCH\t%s\t%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" "$(ratio "$3" "$2")"; }

for spec in "ae 32 32 rmsprop 0" "vae 2 100 adam $ROWS"; do
  set -- $spec
  model=$1 d=$2 batch=$3 opt=$4 rows=$5
  x=$tmp/x_train.npy
  [ "$rows" != 0 ] && x=$tmp/x_rows.npy
  n=$rows; [ "$n" = 0 ] && n=60000
  for t in $THREADS; do
    /usr/bin/time -f "%U %S %M" -o "$tmp/t_ours" "$BIN/train-vae" -q --threads "$t" -m "$model" -d "$d" \
      -b "$batch" --optimizer "$opt" -e "$EPOCHS" --history "$tmp/h.tsv" -o "$tmp/m.st" "$x" 2>/dev/null || exit 1
    ours=$(awk -F '\t' 'NR > 1 {s += $4; c++} END {if (c) printf "%.2f", s / c}' "$tmp/h.tsv")
    read -r u s m <"$tmp/t_ours"
    cpu_ours=$(awk "BEGIN{printf \"%.1f\", $u + $s}") mem_ours=$((m / 1024))
    peer=- cpu_peer=- mem_peer=-
    if [ $have_torch = 1 ]; then
      mkdir -p "$tmp/p"
      ln -sf "$x" "$tmp/p/x_train.npy"
      ln -sf "$tmp/x_test.npy" "$tmp/p/x_test.npy"
      # OMP/OPENBLAS_NUM_THREADS: with torch.set_num_threads(1) alone a second
      # worker thread still spins (vae, one thread, 2026-11-28: 6.53 s per
      # epoch, 12.79 CPU s; with OMP_NUM_THREADS=1: 6.57 s, 6.57 CPU s)
      env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE OMP_NUM_THREADS="$t" OPENBLAS_NUM_THREADS="$t" \
        /usr/bin/time -f "%U %S %M" -o "$tmp/t_peer" \
        "$PY" "$here/vae_peer.py" --data "$tmp/p" --out "$tmp/p/o" --model "$model" --latent "$d" \
        --batch "$batch" --optimizer "$opt" --epochs "$EPOCHS" --threads "$t" --no-codes >"$tmp/peer.tsv" 2>/dev/null &&
      peer=$(awk -F '\t' '$1 == "seconds_per_epoch" {printf "%.2f", $2}' "$tmp/peer.tsv") &&
      read -r u s m <"$tmp/t_peer" &&
      cpu_peer=$(awk "BEGIN{printf \"%.1f\", $u + $s}") mem_peer=$((m / 1024))
    fi
    line "${model}_d${d}_b${batch}_epoch_of_${n}_${t}thread" "$ours" "${peer:--}" s/epoch
    line "${model}_d${d}_b${batch}_${EPOCHS}epochs_cpu_${t}thread" "$cpu_ours" "$cpu_peer" cpu_s
    line "${model}_d${d}_b${batch}_peak_memory_${t}thread" "$mem_ours" "$mem_peer" MB
  done
done
