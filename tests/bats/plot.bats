#!/usr/bin/env bats
# plot: every chart is well-formed SVG with the expected parts, grids are
# PNGs that PIL decodes to the expected pixels, bad input fails cleanly.

bats_require_minimum_version 1.5.0

setup() {
  P="$NNPIPE_BIN/plot"
  T="$BATS_TEST_TMPDIR"
  [ -x "$P" ] || skip "plot not built"
}

need_numpy() {
  [ -n "$PYTHON" ] && "$PYTHON" -c 'import numpy' 2>/dev/null || skip "python3 with numpy is missing"
}

py() { T="$T" "$PYTHON" -c "import os, numpy as np; T = os.environ['T']
$1"; }

# well-formed XML with an <svg> root
svg_ok() {
  [ -n "$PYTHON" ] || return 0
  "$PYTHON" -c 'import sys, xml.etree.ElementTree as E; r = E.parse(sys.argv[1]).getroot(); assert r.tag.endswith("svg"), r.tag' "$1"
}

@test "plot: --help lists the commands; every command has --help" {
  run "$P" --help
  [ "$status" -eq 0 ]
  [[ "$output" == *"Commands:"* ]]
  for c in scatter hist bar line zipf grid; do
    run "$P" "$c" --help
    [ "$status" -eq 0 ] || { echo "$c: $status"; return 1; }
    [[ "$output" == "Usage: plot $c"* ]]
  done
}

@test "plot scatter: 70,000 points by class, small file, legend and title" {
  need_numpy
  py '
rng = np.random.default_rng(0); y = rng.integers(0, 10, 70000)
np.save(T + "/y.npy", y); np.save(T + "/xy.npy", (rng.normal(0, 3, (70000, 2)) + y[:, None] * 4).astype(np.float32))'
  start=$(date +%s)
  run "$P" scatter --labels "$T/y.npy" --title "t-SNE <MNIST>" -o "$T/s.svg" "$T/xy.npy"
  [ "$status" -eq 0 ]
  [ $(( $(date +%s) - start )) -lt 5 ]
  svg_ok "$T/s.svg"
  [ "$(stat -c %s "$T/s.svg")" -lt 2000000 ]
  [ "$(grep -o 'h0' "$T/s.svg" | wc -l)" -eq 70000 ]
  grep -q '>9</text>' "$T/s.svg"
  grep -q 't-SNE &lt;MNIST&gt;' "$T/s.svg"
}

@test "plot scatter: --names for the legend, stdout output" {
  need_numpy
  py 'np.save(T + "/xy.npy", np.array([[0, 0], [1, 1], [2, 0.5]], np.float32)); np.save(T + "/y.npy", np.array([0, 1, 1], np.uint8))'
  "$P" scatter --labels "$T/y.npy" --names cat,dog "$T/xy.npy" > "$T/s.svg"
  svg_ok "$T/s.svg"
  grep -q '>dog</text>' "$T/s.svg"
}

@test "plot hist: from an .npy and from a TSV column" {
  need_numpy
  py 'np.save(T + "/v.npy", np.random.default_rng(1).normal(size=(100, 5)))'
  run "$P" hist --bins 12 -o "$T/h.svg" "$T/v.npy"
  [ "$status" -eq 0 ]
  svg_ok "$T/h.svg"
  printf 'word\tlength\na\t1\nbb\t2\nccc\t3\n' > "$T/t.tsv"
  run "$P" hist --column length -o "$T/h2.svg" "$T/t.tsv"
  [ "$status" -eq 0 ]
  svg_ok "$T/h2.svg"
  grep -q '>length</text>' "$T/h2.svg"
  run --separate-stderr "$P" hist --column word -o "$T/h3.svg" "$T/t.tsv"
  [ "$status" -eq 1 ]
  [[ "$stderr" == *"t.tsv: line 2: 'a' is not a number"* ]]
  [ ! -e "$T/h3.svg" ]
}

@test "plot bar: class counts with and without a header, --sort --top" {
  printf 'class\tcount\n0\t5923\n1\t6742\n2\t5958\n' > "$T/c.tsv"
  run "$P" bar --colors -o "$T/b.svg" "$T/c.tsv"
  [ "$status" -eq 0 ]
  svg_ok "$T/b.svg"
  grep -q '>6742</text>' "$T/b.svg"
  grep -q '>count</text>' "$T/b.svg"
  printf 'O\t887908\nB-geo\t37644\nI-nat\t51\nB-per\t16990\n' > "$T/tags.tsv"
  run "$P" bar --sort --top 2 -o "$T/b2.svg" "$T/tags.tsv"
  [ "$status" -eq 0 ]
  grep -q '>887,908</text>' "$T/b2.svg"
  ! grep -q 'I-nat' "$T/b2.svg"
}

@test "plot line: loss curves chosen by name" {
  printf 'epoch\tloss\tval_loss\tacc\n1\t0.9\t1.0\t0.5\n2\t0.5\t0.7\t0.7\n3\t0.3\t\t0.8\n' > "$T/h.tsv"
  run "$P" line --x epoch --y loss,val_loss --title "VAE" -o "$T/l.svg" "$T/h.tsv"
  [ "$status" -eq 0 ]
  svg_ok "$T/l.svg"
  grep -q '>val_loss</text>' "$T/l.svg"
  ! grep -q '>acc</text>' "$T/l.svg"
  run --separate-stderr "$P" line --y los -o "$T/l2.svg" "$T/h.tsv"
  [ "$status" -eq 1 ]
  [[ "$stderr" == *"no column 'los' (columns: epoch, loss, val_loss, acc)"* ]]
  [ ! -e "$T/l2.svg" ]
}

@test "plot zipf: log-log with a fitted slope" {
  awk 'BEGIN { for (r = 1; r <= 5000; r++) printf "w%d\t%d\n", r, int(100000 / r) + 1 }' > "$T/w.tsv"
  run "$P" zipf -o "$T/z.svg" "$T/w.tsv"
  [ "$status" -eq 0 ]
  svg_ok "$T/z.svg"
  grep -q 'fit: slope -0.9' "$T/z.svg" || grep -q 'fit: slope -1.0' "$T/z.svg"
}

@test "plot grid: originals over reconstructions decode in PIL with the right pixels" {
  need_numpy
  "$PYTHON" -c 'import PIL' 2>/dev/null || skip "PIL is missing (apt-get install python3-pil)"
  py '
a = np.zeros((6, 4, 5), np.uint8); a[:, 0, 0] = 255
np.save(T + "/a.npy", a); np.save(T + "/b.npy", np.full((6, 4, 5), 0.5, np.float32))'
  run "$P" grid --cols 3 --count 6 --scale 2 --pad 1 -o "$T/g.png" "$T/a.npy" "$T/b.npy"
  [ "$status" -eq 0 ]
  py '
from PIL import Image
im = Image.open(T + "/g.png"); im.load()
# 3 columns of 10 px + 4 pads; 2 blocks x 2 inputs of 8 px + 5 pads + block gap 3
assert im.size == (3 * 10 + 4, 4 * 8 + 5 + 3), im.size
px = im.convert("RGB").load()
assert px[1, 1] == (255, 255, 255) and px[3, 1] == (0, 0, 0), (px[1, 1], px[3, 1])
assert px[1, 1 + 8 + 1] in ((128, 128, 128), (127, 127, 127)), px[1, 10]'
}

@test "plot grid: a manifold with z labels and colour maps" {
  need_numpy
  "$PYTHON" -c 'import PIL' 2>/dev/null || skip "PIL is missing"
  py 'np.save(T + "/m.npy", np.random.default_rng(0).random((25, 28, 28), np.float32))'
  for cmap in gray viridis gnuplot2; do
    run "$P" grid --cols 5 --count 25 --scale 2 --cmap "$cmap" --xlabels=-2:2 --ylabels=2:-2 -o "$T/m-$cmap.png" "$T/m.npy"
    [ "$status" -eq 0 ] || { echo "$cmap: $output"; return 1; }
  done
  py '
from PIL import Image
for c in ("gray", "viridis", "gnuplot2"):
    im = Image.open(T + "/m-" + c + ".png"); im.load()
    assert im.size[0] > 5 * 56 and im.size[1] > 5 * 56, im.size'
  run --separate-stderr "$P" grid --xlabels a,b -o "$T/x.png" "$T/m.npy"
  [ "$status" -eq 1 ]
  [[ "$stderr" == *"only digits, '-' and '.'"* ]]
}

@test "plot: bad input fails with exit 1 and no partial output" {
  need_numpy
  py '
np.save(T + "/xy.npy", np.zeros((5, 2), np.float32)); np.save(T + "/xyz.npy", np.zeros((5, 3), np.float32))
np.save(T + "/y4.npy", np.arange(4)); np.save(T + "/yf.npy", np.linspace(0, 1, 5))
np.save(T + "/e.npy", np.zeros((0, 2), np.float32))
np.save(T + "/i28.npy", np.zeros((3, 28, 28), np.uint8)); np.save(T + "/i14.npy", np.zeros((3, 14, 14), np.uint8))'
  run --separate-stderr "$P" scatter --labels "$T/y4.npy" -o "$T/o.svg" "$T/xy.npy"
  [ "$status" -eq 1 ]
  [[ "$stderr" == "plot scatter: $T/y4.npy: 4 labels, but $T/xy.npy has 5 points" ]]
  run --separate-stderr "$P" scatter --labels "$T/yf.npy" -o "$T/o.svg" "$T/xy.npy"
  [ "$status" -eq 1 ]
  [[ "$stderr" == *"yf.npy: float64 labels"* ]]
  run --separate-stderr "$P" scatter -o "$T/o.svg" "$T/xyz.npy"
  [ "$status" -eq 1 ]
  [[ "$stderr" == *"expected (N, 2) points, got (5, 3)"* ]]
  run --separate-stderr "$P" scatter -o "$T/o.svg" "$T/e.npy"
  [ "$status" -eq 1 ]
  [[ "$stderr" == *"empty"* ]]
  run --separate-stderr "$P" scatter -o "$T/o.svg" "$T/missing.npy"
  [ "$status" -eq 1 ]
  [[ "$stderr" == "plot scatter: $T/missing.npy: "* ]]
  run --separate-stderr "$P" grid -o "$T/o.png" "$T/i28.npy" "$T/i14.npy"
  [ "$status" -eq 1 ]
  [[ "$stderr" == *"i14.npy: 14x14 images, but"* ]]
  run --separate-stderr "$P" grid --count 4 -o "$T/o.png" "$T/i28.npy"
  [ "$status" -eq 1 ]
  run --separate-stderr "$P" grid -o "$T/o.png" "$T/xyz.npy"
  [ "$status" -eq 1 ]
  [[ "$stderr" == *"not square images"* ]]
  printf 'a\tb\nc\n' > "$T/bad.tsv"
  run --separate-stderr "$P" bar -o "$T/o.svg" "$T/bad.tsv"
  [ "$status" -eq 1 ]
  [[ "$stderr" == *"line 2: 1 fields"* ]]
  : > "$T/empty.tsv"
  run --separate-stderr "$P" zipf -o "$T/o.svg" "$T/empty.tsv"
  [ "$status" -eq 1 ]
  run --separate-stderr "$P" grid --range 1,0 -o "$T/o.png" "$T/i28.npy"
  [ "$status" -eq 2 ]
  [ ! -e "$T/o.svg" ] && [ ! -e "$T/o.png" ]
  # no temporary output left behind either
  [ -z "$(ls -A "$T" | grep -v '\.npy$\|\.tsv$\|^separate-stderr-')" ]
}

@test "plot grid: int32 pixels look like uint8 pixels" {
  need_numpy
  py '
a = (np.arange(2 * 6 * 6) * 7 % 256).reshape(2, 6, 6)
np.save(T + "/u8.npy", a.astype(np.uint8)); np.save(T + "/i32.npy", a.astype(np.int32))'
  "$P" grid -o "$T/u8.png" "$T/u8.npy"
  "$P" grid -o "$T/i32.png" "$T/i32.npy"
  cmp "$T/u8.png" "$T/i32.png"
}

@test "plot: an SVG renders in headless Chromium (when installed)" {
  command -v chromium >/dev/null 2>&1 || skip "chromium is missing (apt-get install chromium)"
  need_numpy
  "$PYTHON" -c 'import PIL' 2>/dev/null || skip "PIL is missing"
  printf 'class\tcount\n0\t50\n1\t80\n2\t65\n' > "$T/c.tsv"
  "$P" bar --colors --title "classes" -o "$T/b.svg" "$T/c.tsv"
  mkdir -p "$T/profile"
  timeout 60 chromium --headless --no-sandbox --disable-gpu --disable-background-networking \
    --disable-component-update --disable-sync --no-first-run --hide-scrollbars \
    --user-data-dir="$T/profile" --screenshot="$T/b.png" --window-size=720,480 "file://$T/b.svg" >/dev/null 2>&1 || true
  [ -s "$T/b.png" ] || skip "chromium did not produce a screenshot here"
  py '
from PIL import Image
im = Image.open(T + "/b.png").convert("RGB")
colours = set(im.getdata())
# the three bar colours of the palette are on screen
for c in ((0x1f, 0x77, 0xb4), (0xff, 0x7f, 0x0e), (0x2c, 0xa0, 0x2c)):
    assert c in colours, c'
}
