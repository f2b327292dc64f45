#!/bin/sh
# Files exchanged between two builds of nnpipe on different hosts: this
# machine's (A) and a cross build run under an emulator (B, e.g. s390x, which
# is big-endian, under qemu-s390x).
#
#   tests/cross/exchange.sh A_BIN B_BIN RUNNER [WORKDIR]
#
# Two kinds of checks:
#  - formats (exact): a file written on one side reads the same on both sides
#    (npy, safetensors, word2vec binary, PNG, WAV, IDX.gz), and writers fed
#    the same input write the same bytes on both sides;
#  - numbers (tolerance): the same computation on both sides (PCA, a tiny
#    train-vae run, word2vec, log-mel features) agrees within a stated
#    tolerance.  The hosts differ in FMA use, vector widths and GEMM
#    kernels, so floats need not be bit-identical; the tolerances below are
#    at least 20x the largest differences measured (docs/portability.md).
# Prints "ok NAME" or "FAIL NAME" per check and, for numbers, the largest
# difference; the last line is "N passed, N failed, 0 skipped" (as tests/run).
set -u
A=${1:?usage: exchange.sh A_BIN B_BIN RUNNER [WORKDIR]}
B=${2:?usage: exchange.sh A_BIN B_BIN RUNNER [WORKDIR]}
RUNNER=${3-}
W=${4:-$(mktemp -d "${TMPDIR:-/tmp}/nnpipe-cross.XXXXXX")}
mkdir -p "$W/a" "$W/b"
pass=0 fail=0
start=$(date +%s)

# a TOOL ARGS: run on side A;  b TOOL ARGS: on side B (through the runner).
a() { _tool=$1; shift; "$A/$_tool" "$@"; }
b() { _tool=$1; shift; $RUNNER "$B/$_tool" "$@"; }
ok() { pass=$((pass + 1)); echo "ok $*"; }
no() { fail=$((fail + 1)); echo "FAIL $*"; }
# same NAME FILE1 FILE2: byte-identical files.
same() { if cmp -s "$2" "$3"; then ok "$1"; else no "$1 ($2 and $3 differ)"; fi; }
# near NAME TOL X.npy Y.npy: arrays equal within TOL (absolute).
near() {
  r=$(a npy compare --tol "$2" "$3" "$4" 2>&1); rc=$?
  d=$(printf '%s\n' "$r" | sed -n 's/^max_abs_diff\t//p')
  if [ "$rc" -eq 0 ]; then ok "$1 (max |diff| $d <= $2)"; else no "$1 (max |diff| $d > $2: $(printf '%s' "$r" | tr '\n' ' '))"; fi
}
# both NAME FILE: the file reads the same on A and on B (npy to-tsv output).
both() {
  a npy to-tsv "$2" > "$W/read.a" 2>&1; b npy to-tsv "$2" > "$W/read.b" 2>&1
  if [ -s "$W/read.a" ] && cmp -s "$W/read.a" "$W/read.b"; then ok "$1"; else no "$1 (reads differently)"; fi
}

echo "# A: $A"
echo "# B: $B (runner: ${RUNNER:-none})"
echo "# work: $W"

# ---- npy: every dtype, written by A and by B from the same TSV --------------
printf '1\t-2\t3\n4\t5\t-6\n127\t0\t-128\n' > "$W/int.tsv"
printf '0.5\t-1.25\t3e-8\n1e30\t-0\t7.125\n' > "$W/float.tsv"
for dt in int32 int64 float32 float64; do
  a npy from-tsv --dtype $dt -o "$W/a/$dt.npy" "$W/int.tsv"
  b npy from-tsv --dtype $dt -o "$W/b/$dt.npy" "$W/int.tsv"
  same "npy $dt: same bytes written on A and B" "$W/a/$dt.npy" "$W/b/$dt.npy"
  both "npy $dt written on B reads the same on A and B" "$W/b/$dt.npy"
done
printf '1\t2\t255\n0\t7\t9\n' > "$W/u8.tsv"
a npy from-tsv --dtype uint8 -o "$W/a/uint8.npy" "$W/u8.tsv"
b npy from-tsv --dtype uint8 -o "$W/b/uint8.npy" "$W/u8.tsv"
same "npy uint8: same bytes written on A and B" "$W/a/uint8.npy" "$W/b/uint8.npy"
for dt in float32 float64; do
  a npy from-tsv --dtype $dt -o "$W/a/f-$dt.npy" "$W/float.tsv"
  b npy from-tsv --dtype $dt -o "$W/b/f-$dt.npy" "$W/float.tsv"
  same "npy $dt fractions: same bytes written on A and B" "$W/a/f-$dt.npy" "$W/b/f-$dt.npy"
  both "npy $dt fractions written on A read the same on A and B" "$W/a/f-$dt.npy"
done
# A big-endian .npy ('>f4', '>i8') reads the same on both sides too.
if [ -x "${PYTHON:-/usr/bin/python3}" ] && "${PYTHON:-/usr/bin/python3}" -c 'import numpy' 2>/dev/null; then
  "${PYTHON:-/usr/bin/python3}" -c "
import numpy as np
np.save('$W/be-f4.npy', np.array([[1.5, -2.25], [3e-8, 1e30]], dtype='>f4'))
np.save('$W/be-i8.npy', np.array([1, -2, 1 << 40], dtype='>i8'))"
  both "big-endian npy >f4 (numpy) reads the same on A and B" "$W/be-f4.npy"
  both "big-endian npy >i8 (numpy) reads the same on A and B" "$W/be-i8.npy"
  b npy astype -o "$W/b/be-f4-le.npy" "$W/be-f4.npy"
  "${PYTHON:-/usr/bin/python3}" -c "
import numpy as np, sys
x = np.load('$W/be-f4.npy'); y = np.load('$W/b/be-f4-le.npy')
sys.exit(0 if x.dtype.newbyteorder('=') == y.dtype.newbyteorder('=') and (x == y).all() else 1)" &&
    ok "numpy reads what B wrote from a big-endian npy" || no "numpy reads what B wrote from a big-endian npy"
else
  echo "# no python3 with numpy: big-endian npy fixtures not checked"
fi

# ---- IDX.gz, npy from IDX: demo digits from the same seed --------------------
a make-demo-data digits -n 300 -t 100 -s 3 --threads 1 "$W/a/digits" 2>/dev/null
b make-demo-data digits -n 300 -t 100 -s 3 --threads 1 "$W/b/digits" 2>/dev/null
same "demo digits (IDX, gzip) identical on A and B" "$W/a/digits/train-images-idx3-ubyte.gz" \
  "$W/b/digits/train-images-idx3-ubyte.gz"
a npy from-idx -o "$W/a/x.npy" "$W/b/digits/train-images-idx3-ubyte.gz"
b npy from-idx -o "$W/b/x.npy" "$W/a/digits/train-images-idx3-ubyte.gz"
a npy from-idx -o "$W/a/xt.npy" "$W/a/digits/t10k-images-idx3-ubyte.gz"
same "IDX.gz read across (A reads B's, B reads A's): same npy" "$W/a/x.npy" "$W/b/x.npy"
X=$W/a/x.npy

# ---- PNG: the same image grid written on both sides; read back on both ----
a plot grid -n 20 -c 5 -s 2 -o "$W/a/grid.png" "$X"
b plot grid -n 20 -c 5 -s 2 -o "$W/b/grid.png" "$X"
same "PNG (plot grid of uint8 digits): same bytes on A and B" "$W/a/grid.png" "$W/b/grid.png"
a resize-img -q -f nearest -o "$W/a/grid-read.npy" "$W/b/grid.png"
b resize-img -q -f nearest -o "$W/b/grid-read.npy" "$W/a/grid.png"
same "PNG written on one side decodes the same on the other" "$W/a/grid-read.npy" "$W/b/grid-read.npy"

# ---- WAV: demo sounds from the same seed; utterances; features -----------
a make-demo-data sounds -n 1 -k 2 -s 2 --threads 1 "$W/a/sounds" 2>/dev/null
b make-demo-data sounds -n 1 -k 2 -s 2 --threads 1 "$W/b/sounds" 2>/dev/null
wa=$(ls "$W/a/sounds/recordings" | head -n 1)
same "WAV (demo sound $wa): same bytes on A and B" "$W/a/sounds/recordings/$wa" "$W/b/sounds/recordings/$wa"
ls "$W/a/sounds/recordings/"*.wav > "$W/a/wavs.txt"
a audio-features -q --threads 1 -o "$W/a/feats.npy" - < "$W/a/wavs.txt"
b audio-features -q --threads 1 -o "$W/b/feats.npy" - < "$W/a/wavs.txt"
# log-mel in dB: values about -100..60; float32 FFTs differ in the last bits.
near "log-mel features of the same WAVs on A and B (dB)" 1e-3 "$W/a/feats.npy" "$W/b/feats.npy"
a make-utterances -q --threads 1 --count-train 3 --count-test 1 --max-digits 2 --format f32 -s 4 \
  --test-speakers bob -o "$W/a/utt" "$W/a/sounds/recordings"
b make-utterances -q --threads 1 --count-train 3 --count-test 1 --max-digits 2 --format f32 -s 4 \
  --test-speakers bob -o "$W/b/utt" "$W/a/sounds/recordings"
same "utterances.tsv the same on A and B" "$W/a/utt/utterances.tsv" "$W/b/utt/utterances.tsv"
ua=$(ls "$W/a/utt" | grep -m 1 '\.wav$')
same "float32 WAV (utterance $ua): same bytes on A and B" "$W/a/utt/$ua" "$W/b/utt/$ua"
a audio-features -q --threads 1 -o "$W/a/utt-b.npy" "$W/b/utt/$ua"
b audio-features -q --threads 1 -o "$W/b/utt-b.npy" "$W/b/utt/$ua"
near "float32 WAV written on B: features on A and B (dB)" 1e-3 "$W/a/utt-b.npy" "$W/b/utt-b.npy"

# ---- safetensors + numbers: PCA -------------------------------------------
# 784 columns would take minutes under qemu: the same pixels as 3675 x 64.
a npy scale --mul 0.00392156862745098 --dtype float32 "$X" | a npy reshape --shape -1,64 -o "$W/a/xf.npy"
a pca fit -q -d 8 --threads 1 -o "$W/a/pca.st" "$W/a/xf.npy"
b pca fit -q -d 8 --threads 1 -o "$W/b/pca.st" "$W/a/xf.npy"
a npy st-list "$W/b/pca.st" > "$W/a/pca.list" 2>&1
b npy st-list "$W/b/pca.st" > "$W/b/pca.list" 2>&1
same "safetensors (pca model) written on B lists the same on A and B" "$W/a/pca.list" "$W/b/pca.list"
for t in $(awk -F'\t' '$1 == "tensor" { print $2 }' "$W/a/pca.list"); do
  a npy st-get -o "$W/a/pca-$t.npy" "$W/b/pca.st" "$t" 2>/dev/null || continue
  b npy st-get -o "$W/b/pca-$t.npy" "$W/b/pca.st" "$t" 2>/dev/null
  same "safetensors tensor '$t' written on B reads the same on A and B" "$W/a/pca-$t.npy" "$W/b/pca-$t.npy"
done
a pca transform --threads 1 -m "$W/a/pca.st" -o "$W/a/codes.npy" "$W/a/xf.npy"
b pca transform --threads 1 -m "$W/b/pca.st" -o "$W/b/codes.npy" "$W/a/xf.npy"
# codes of pixels in [0, 1] on 64 dims: magnitudes up to about 3.
near "pca codes (d = 8) computed on A and on B" 1e-5 "$W/a/codes.npy" "$W/b/codes.npy"
b pca transform --threads 1 -m "$W/a/pca.st" -o "$W/b/codes-amodel.npy" "$W/a/xf.npy"
near "pca codes on B with A's model = A's codes" 1e-5 "$W/a/codes.npy" "$W/b/codes-amodel.npy"

# ---- safetensors + numbers: a tiny train-vae run with a fixed seed -----------
vae="-m ae -d 8 -e 3 -b 50 -s 7 -q --threads 1"
a train-vae $vae --history "$W/a/vae.tsv" -o "$W/a/vae.st" "$X"
b train-vae $vae --history "$W/b/vae.tsv" -o "$W/b/vae.st" "$X"
la=$(tail -n 1 "$W/a/vae.tsv"); lb=$(tail -n 1 "$W/b/vae.tsv")
echo "# train-vae last history row: A: $la"
echo "#                             B: $lb"
# Final training loss (column 2, per-pixel BCE, about 0.66 here): within 1e-5.
awk -v x="$(echo "$la" | cut -f2)" -v y="$(echo "$lb" | cut -f2)" 'BEGIN {
  d = x - y; if (d < 0) d = -d; printf "%g\n", d; exit !(d <= 1e-5 && x != "" && y != "") }' > "$W/vd" &&
  ok "train-vae final loss on A and B within 1e-5 (diff $(cat "$W/vd"))" ||
  no "train-vae final loss on A and B differ by $(cat "$W/vd") > 1e-5"
a npy st-list "$W/b/vae.st" > "$W/a/vae.list" 2>&1
b npy st-list "$W/b/vae.st" > "$W/b/vae.list" 2>&1
same "safetensors (train-vae model) written on B lists the same on A and B" "$W/a/vae.list" "$W/b/vae.list"
nt=0 nsame=0
: > "$W/vae-weights.log"
for t in $(awk -F'\t' '$1 == "tensor" { print $2 }' "$W/a/vae.list"); do
  a npy st-get -o "$W/a/t.npy" "$W/b/vae.st" "$t" 2>/dev/null || continue
  b npy st-get -o "$W/b/t.npy" "$W/b/vae.st" "$t" 2>/dev/null
  nt=$((nt + 1)); cmp -s "$W/a/t.npy" "$W/b/t.npy" && nsame=$((nsame + 1))
  a npy st-get -o "$W/a/ta.npy" "$W/a/vae.st" "$t" 2>/dev/null
  near "train-vae weight '$t' trained on A and on B" 1e-5 "$W/a/ta.npy" "$W/a/t.npy" >> "$W/vae-weights.log"
done
[ "$nt" -gt 0 ] && [ "$nsame" -eq "$nt" ] && ok "all $nt tensors of B's train-vae model read the same on A and B" ||
  no "$nsame of $nt tensors of B's train-vae model read the same on A and B"
nw=$(grep -c '^ok' "$W/vae-weights.log"); nwf=$(grep -c '^FAIL' "$W/vae-weights.log")
[ "$nwf" -eq 0 ] && ok "train-vae weights trained on A and on B within 1e-5 ($nw tensors)" ||
  { no "train-vae weights trained on A and on B: $nwf tensors differ by more than 1e-5"; cat "$W/vae-weights.log"; }
sed 's/^/#   /' "$W/vae-weights.log"
a train-vae encode --threads 1 -o "$W/a/enc.npy" "$W/b/vae.st" "$X"
b train-vae encode --threads 1 -o "$W/b/enc.npy" "$W/b/vae.st" "$X"
# codes are sigmoids (0..1).
near "train-vae encode with B's model on A and on B" 1e-5 "$W/a/enc.npy" "$W/b/enc.npy"

# ---- word2vec binary ---------------------------------------------------------
# A small corpus with structure: sentences over 40 words.
awk 'BEGIN { s = 5; for (i = 0; i < 400; i++) { line = "";
  for (j = 0; j < 8; j++) { s = (s * 1103515245 + 12345) % 2147483648; w = int(s / 65536) % 10 + 10 * (i % 4);
    line = line (j ? " " : "") "w" w } print line } }' > "$W/corpus.txt"
w2v="-d 16 -i 2 --min-count 1 --seed 3 --threads 1 -q -b"
a word2vec $w2v -o "$W/a/vec.bin" "$W/corpus.txt"
b word2vec $w2v -o "$W/b/vec.bin" "$W/corpus.txt"
a word2vec -q --from-vectors "$W/b/vec.bin" -o "$W/a/vec-b.txt"
b word2vec -q --from-vectors "$W/b/vec.bin" -o "$W/b/vec-b.txt"
same "word2vec binary written on B reads the same on A and B" "$W/a/vec-b.txt" "$W/b/vec-b.txt"
b word2vec -q -b --from-vectors "$W/a/vec.bin" -o "$W/b/vec-a.bin"
same "word2vec binary: B rewrites A's file byte for byte" "$W/a/vec.bin" "$W/b/vec-a.bin"
a word2vec -q --from-vectors "$W/a/vec.bin" -o "$W/a/vec-a.txt"
# Same vocabulary order on both sides; vectors agree within a tolerance.
cut -d' ' -f1 "$W/a/vec-a.txt" > "$W/a/words"; cut -d' ' -f1 "$W/a/vec-b.txt" > "$W/b/words"
same "word2vec vocabulary (order) the same on A and B" "$W/a/words" "$W/b/words"
tail -n +2 "$W/a/vec-a.txt" | cut -d' ' -f2- | tr ' ' '\t' | a npy from-tsv -o "$W/a/vec.npy"
tail -n +2 "$W/a/vec-b.txt" | cut -d' ' -f2- | tr ' ' '\t' | a npy from-tsv -o "$W/b/vec.npy"
near "word2vec vectors trained on A and on B" 1e-5 "$W/a/vec.npy" "$W/b/vec.npy"

echo "# cross exchange took $(( $(date +%s) - start )) s"
echo "$pass passed, $fail failed, 0 skipped"
[ "$fail" -eq 0 ]
