#!/bin/sh
# sgemm GFLOPS: nnpipe's nn_sgemm (bin/bench-gemm) next to numpy's BLAS
# (bench/gemm_peer.py), each shape run back to back, best of $GEMM_REPEAT
# runs (default 5) after a warm-up.  Lines:
#   BENCH<TAB>name<TAB>ours<TAB>peer<TAB>GFLOPS<TAB>ours/peer
# Names: sgemm-N-tT (N x N x N), sgemm-MxKxN-tT, layer-MxKxN-{fwd,dA,dB}-tT
# (dA = dC B^T, dB = A^T dC: the products of a dense layer's backward
# pass), sgemm-naive-N-tT (the reference triple loop), T = threads.
# The peer runs with OPENBLAS_NUM_THREADS = T and without
# OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE (which force a slow kernel here);
# a second line "...-openblas-as-set" runs it with those variables as set
# in the caller's environment.
#
#   GEMM_THREADS="1 2"  GEMM_REPEAT=5  GEMM_QUICK=1 (skips the layer shapes)
#   GEMM_SETS="square layer thin" (default: all three groups of lines)
#   GEMM_CLOCK=cpu: one-thread lines (both sides) timed with the process CPU
#   clock, which time-slicing by other processes does not inflate; lines
#   with more threads always use the wall clock.
bin=${NNPIPE_BIN:-bin}
py=${PYTHON:-/usr/bin/python3}
here=$(dirname "$0")
peer_py="$here/gemm_peer.py"
repeat=${GEMM_REPEAT:-5}
clock=${GEMM_CLOCK:-wall}
threads_list=${GEMM_THREADS:-"1 2"}
sets=${GEMM_SETS:-"square layer thin"}
want() { case " $sets " in *" $1 "*) return 0 ;; esac; return 1; }

if [ ! -x "$bin/bench-gemm" ]; then
  echo "# gemm: $bin/bench-gemm is missing (make first)" >&2
  exit 1
fi

echo "# gemm: started $(date -u '+%Y-%m-%d %H:%M:%S UTC'), load average $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null), one-thread clock: $clock"
peer=1
if ! "$py" -c 'import numpy' >/dev/null 2>&1; then
  peer=0
  echo "# peer: numpy missing for $py: peer columns are '-' (Debian: apt-get install python3-numpy libopenblas0-pthread)"
else
  info_unset=$(env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE "$py" "$peer_py" --info | sed 's/^# peer: //')
  info_set=$("$py" "$peer_py" --info | sed 's/^# peer: //')
  echo "# peer (OPENBLAS_CORETYPE/L2_SIZE unset): $info_unset"
  echo "# peer (as set: OPENBLAS_CORETYPE=${OPENBLAS_CORETYPE:-unset} OPENBLAS_L2_SIZE=${OPENBLAS_L2_SIZE:-unset}): $info_set"
  case $info_unset in
    *openblas*) ;;
    *) echo "# peer is NOT OpenBLAS: numbers compare with whatever BLAS numpy found (apt-get install libopenblas0-pthread)" ;;
  esac
fi

cpu_flag() { [ "$clock" = cpu ] && [ "$1" = 1 ] && echo --cpu-time; }
# ours SHAPE FLAGS THREADS [--naive]
ours() {
  "$bin/bench-gemm" --shape "$1" $2 --threads "$3" --repeat "$repeat" $(cpu_flag "$3") $4 2>/dev/null | cut -f8
}
# peer SPEC THREADS unset|set
peer() {
  [ "$peer" = 1 ] || { echo -; return; }
  if [ "$3" = unset ]; then
    r=$(env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE OPENBLAS_NUM_THREADS="$2" "$py" "$peer_py" --repeat "$repeat" $(cpu_flag "$2") "$1" | cut -f2)
  else
    r=$(OPENBLAS_NUM_THREADS="$2" "$py" "$peer_py" --repeat "$repeat" $(cpu_flag "$2") "$1" | cut -f2)
  fi
  echo "${r:--}"
}
line() { # name ours peer
  awk -v n="$1" -v o="$2" -v p="$3" 'BEGIN {
    s = (o == "" || o == "-" || p == "-" || p + 0 <= 0) ? "-" : sprintf("%.2f", o / p);
    printf "BENCH\t%s\t%s\t%s\tGFLOPS\t%s\n", n, (o == "" ? "-" : o), p, s }'
}
# compare NAME SHAPE(MxKxN) ta|tb|"" THREADS
compare() {
  flags= spec=$2
  case $3 in
    ta) flags=--trans-a spec="$2:ta" ;;
    tb) flags=--trans-b spec="$2:tb" ;;
  esac
  o=$(ours "$2" "$flags" "$4")
  line "$1-t$4" "$o" "$(peer "$spec" "$4" unset)"
  line "$1-t$4-openblas-as-set" "$o" "$(peer "$spec" "$4" set)"
}

for t in $threads_list; do
  if want square; then
    for n in 256 512 1024 2048; do
      compare "sgemm-$n" "${n}x${n}x${n}" "" "$t"
    done
    compare sgemm-4096x256x256 4096x256x256 "" "$t"
    for n in 256 512; do
      line "sgemm-naive-$n-t$t" "$(ours "${n}x${n}x${n}" "" "$t" --naive)" "$(peer "${n}x${n}x${n}" "$t" unset)"
    done
  fi
  [ -n "${GEMM_QUICK:-}" ] && continue
  if want thin; then
    # Thin products: one output channel (N = 1) and its backward pass,
    # where C is a vector (dB: a long dot product per row) or an outer
    # product (dA: K = 1).  The deep autoencoder's last convolution is
    # 78400x288x1 (batch 100, 28 x 28, 3 x 3 x 32) or 25088x144x1; a
    # dense layer with one output on MNIST is 100x784x1.
    s=78400x288x1
    compare "thin-$s-fwd" "$s" "" "$t"
    compare "thin-$s-dA" 78400x1x288 tb "$t"   # dC (M x 1) * B^T (1 x K)
    compare "thin-$s-dB" 288x78400x1 ta "$t"   # A^T (K x M) * dC (M x 1)
    compare thin-25088x144x1-fwd 25088x144x1 "" "$t"
    compare thin-100x784x1-fwd 100x784x1 "" "$t"
  fi
  want layer || continue
  # Dense / convolution layer products (M x K by K x N) and their backward pass.
  for s in 128x100x400 13312x32x400 78400x288x32 32x784x32; do
    m=${s%%x*} rest=${s#*x}
    k=${rest%%x*} n=${rest#*x}
    compare "layer-$s-fwd" "$s" "" "$t"
    compare "layer-$s-dA" "${m}x${n}x${k}" tb "$t"   # dC (M x N) * B^T (N x K)
    compare "layer-$s-dB" "${k}x${m}x${n}" ta "$t"   # A^T (K x M) * dC (M x N)
  done
done
echo "# gemm: finished $(date -u '+%H:%M:%S UTC'), load average $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null)"
