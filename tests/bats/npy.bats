#!/usr/bin/env bats
# The npy tool: every subcommand, pipes, interoperability with numpy and
# an independent safetensors reader/writer, damaged inputs, and MNIST.

bats_require_minimum_version 1.5.0

setup() {
  T=$BATS_TEST_TMPDIR
  PY=${PYTHON:-/usr/bin/python3}
  HERE=$(cd "$(dirname "$BATS_TEST_FILENAME")" && pwd)
  PYDIR=$HERE/../python
}

npy() { "$NNPIPE_BIN/npy" "$@"; }

need_numpy() {
  "$PY" -c 'import numpy' 2>/dev/null || skip "no numpy in $PY"
}

# mknpy FILE DICT DATA: a version-1 .npy with a given header dict (a
# trailing newline is added) and data written by printf's format DATA.
mknpy() {
  local dict="$2"$'\n' len
  len=${#dict}
  printf '\x93NUMPY\x01\x00' > "$1"
  printf "\\x$(printf %02x $((len & 255)))\\x$(printf %02x $((len >> 8)))" >> "$1"
  printf '%s' "$dict" >> "$1"
  printf "$3" >> "$1"
}

# A (2, 3) uint8 IDX file with values 1..6.
mkidx() { printf '\x00\x00\x08\x02\x00\x00\x00\x02\x00\x00\x00\x03\x01\x02\x03\x04\x05\x06' > "$1"; }

# No output file and no temporary left in the folder.
no_output_left() {
  [ ! -e "$1" ] || { echo "output $1 exists"; return 1; }
  ! ls "$(dirname "$1")" | grep -q 'tmp-' || { echo "temporary file left"; return 1; }
}

@test "npy: help for every subcommand lists options with defaults" {
  run npy --help
  [ "$status" -eq 0 ]
  [[ "$output" == *"Commands:"* ]]
  for c in info head to-tsv from-tsv from-idx to-idx slice cat scale astype argmax reshape compare st-pack st-list st-get; do
    run npy "$c" --help
    [ "$status" -eq 0 ] || { echo "$c: status $status"; return 1; }
    [[ "$output" == "Usage: npy $c"* ]] || { echo "$c: $output"; return 1; }
    [[ "$output" == *"--output"* ]] || { echo "$c: no --output"; return 1; }
    [[ "$output" == *"[default: -]"* ]] || { echo "$c: no default shown"; return 1; }
  done
  run npy slice --help
  [[ "$output" == *"--rows"*"[default: :]"* ]]
  run npy scale --help
  [[ "$output" == *"--mul"*"[default: 1]"* ]]
}

@test "npy: usage errors exit 2" {
  run -2 npy
  run -2 npy frobnicate
  [[ "$output" == "npy: unknown command 'frobnicate'"* ]]
  run -2 npy head --rows x
  run -2 npy head -n -1 /dev/null
  run -2 npy astype --dtype complex64
  run -2 npy cat
}

@test "npy from-idx | npy info - (pipe), shape and statistics" {
  mkidx "$T/x.idx"
  run bash -c "'$NNPIPE_BIN/npy' from-idx '$T/x.idx' | '$NNPIPE_BIN/npy' info -"
  [ "$status" -eq 0 ]
  [[ "$output" == *$'shape\t(2, 3)'* ]]
  [[ "$output" == *$'dtype\tuint8'* ]]
  [[ "$output" == *$'count\t6'* ]]
  [[ "$output" == *$'min\t1'* ]]
  [[ "$output" == *$'max\t6'* ]]
  [[ "$output" == *$'mean\t3.5'* ]]
  [[ "$output" == *$'nan\t0'* ]]
  # gzipped IDX through stdin
  gzip -c "$T/x.idx" > "$T/x.idx.gz"
  run bash -c "'$NNPIPE_BIN/npy' from-idx - < '$T/x.idx.gz' | '$NNPIPE_BIN/npy' to-tsv"
  [ "$status" -eq 0 ]
  [ "$output" = $'1\t2\t3\n4\t5\t6' ]
}

@test "npy info: NaN count, infinities, empty arrays" {
  printf '1\tnan\n-inf\t4\n' | npy from-tsv -o "$T/a.npy"
  run npy info "$T/a.npy"
  [ "$status" -eq 0 ]
  [[ "$output" == *$'dtype\tfloat32'* ]]
  [[ "$output" == *$'min\t-inf'* ]]
  [[ "$output" == *$'max\t4'* ]]
  [[ "$output" == *$'nan\t1'* ]]
  printf '' | npy from-tsv -o "$T/e.npy"
  run npy info "$T/e.npy"
  [ "$status" -eq 0 ]
  [[ "$output" == *$'shape\t(0,)'* ]]
  [[ "$output" == *$'min\tnan'* ]]
}

@test "npy head, to-tsv, from-tsv round trip" {
  printf '1.5\t-2\t3\n4\t5\t6e-8\n7\t8\t9\n' > "$T/t.tsv"
  npy from-tsv "$T/t.tsv" -o "$T/t.npy"
  run npy head -n 2 "$T/t.npy"
  [ "$output" = $'1.5\t-2\t3\n4\t5\t6e-08' ]
  run npy head -n 0 "$T/t.npy"
  [ "$output" = "" ]
  run npy to-tsv "$T/t.npy"
  [ "$status" -eq 0 ]
  [ "$(printf '%s\n' "$output" | wc -l)" -eq 3 ]
  npy to-tsv "$T/t.npy" | npy from-tsv --dtype float32 -o "$T/t2.npy"
  run npy compare "$T/t.npy" "$T/t2.npy"
  [ "$status" -eq 0 ]
  # float32 0.1 is written in its shortest exact form
  printf '0.1\n' | npy from-tsv | npy to-tsv > "$T/o"
  [ "$(cat "$T/o")" = "0.1" ]
  # a column is 1-D unless --keep-2d
  printf '1\n2\n' | npy from-tsv --dtype int32 | npy info > "$T/o"
  grep -q $'shape\t(2,)' "$T/o"
  printf '1\n2\n' | npy from-tsv --keep-2d | npy info > "$T/o"
  grep -q $'shape\t(2, 1)' "$T/o"
  # CRLF line ends, no final newline
  printf '1\t2\r\n3\t4' | npy from-tsv --dtype int64 | npy to-tsv > "$T/o"
  [ "$(cat "$T/o")" = $'1\t2\n3\t4' ]
}

@test "npy from-tsv: ragged rows, bad numbers and out-of-range values are errors" {
  printf '1\t2\n3\n' > "$T/r.tsv"
  run npy from-tsv "$T/r.tsv" -o "$T/o.npy"
  [ "$status" -eq 1 ]
  [[ "$output" == "npy: $T/r.tsv: line 2 has 1 fields"* ]]
  no_output_left "$T/o.npy"
  run bash -c "printf '1\tx\n' | '$NNPIPE_BIN/npy' from-tsv -o '$T/o.npy'"
  [ "$status" -eq 1 ]
  [[ "$output" == *"line 1, field 2: 'x' is not a number"* ]]
  run bash -c "printf '256\n' | '$NNPIPE_BIN/npy' from-tsv --dtype uint8 -o '$T/o.npy'"
  [ "$status" -eq 1 ]
  [[ "$output" == *"out of range for uint8"* ]]
  run bash -c "printf '1.5\n' | '$NNPIPE_BIN/npy' from-tsv --dtype int32 -o '$T/o.npy'"
  [ "$status" -eq 1 ]
  [[ "$output" == *"not a whole number"* ]]
  no_output_left "$T/o.npy"
}

@test "npy slice: Python slicing of the first axis" {
  seq 0 9 | npy from-tsv --dtype int32 -o "$T/s.npy"
  s() { npy slice --rows "$1" "$T/s.npy" | npy to-tsv | tr '\n' ' '; }
  [ "$(s 2:5)" = "2 3 4 " ]
  [ "$(s -3:)" = "7 8 9 " ]
  [ "$(s ::3)" = "0 3 6 9 " ]
  [ "$(s ::-4)" = "9 5 1 " ]
  [ "$(s 8:2:-2)" = "8 6 4 " ]
  [ "$(s 5:100)" = "5 6 7 8 9 " ]
  [ "$(s 7:3)" = "" ]
  [ "$(s -1)" = "9 " ]
  [ "$(s :)" = "0 1 2 3 4 5 6 7 8 9 " ]
  run -2 npy slice --rows 1:2:0 "$T/s.npy"
  [[ "$output" == *"step cannot be zero"* ]]
  run -2 npy slice --rows 10 "$T/s.npy"
  run -2 npy slice --rows a:b "$T/s.npy"
  # 2-D: whole rows
  printf '1\t2\n3\t4\n5\t6\n' | npy from-tsv | npy slice --rows 1: | npy to-tsv > "$T/o"
  [ "$(cat "$T/o")" = $'3\t4\n5\t6' ]
}

@test "npy cat: files and stdin, mismatches are errors" {
  printf '1\t2\n' | npy from-tsv -o "$T/a.npy"
  printf '3\t4\n5\t6\n' | npy from-tsv -o "$T/b.npy"
  run bash -c "'$NNPIPE_BIN/npy' cat '$T/a.npy' - '$T/a.npy' < '$T/b.npy' | '$NNPIPE_BIN/npy' to-tsv"
  [ "$status" -eq 0 ]
  [ "$output" = $'1\t2\n3\t4\n5\t6\n1\t2' ]
  printf '1\t2\t3\n' | npy from-tsv -o "$T/c.npy"
  run npy cat "$T/a.npy" "$T/c.npy" -o "$T/o.npy"
  [ "$status" -eq 1 ]
  [[ "$output" == "npy: $T/c.npy: shape (1, 3) does not fit (1, 2)"* ]]
  printf '1\t2\n' | npy from-tsv --dtype int32 -o "$T/i.npy"
  run npy cat "$T/a.npy" "$T/i.npy" -o "$T/o.npy"
  [ "$status" -eq 1 ]
  [[ "$output" == *"dtype int32 differs from float32"* ]]
  no_output_left "$T/o.npy"
  run -2 npy cat - - -o "$T/o.npy"
}

@test "npy scale and astype" {
  printf '0\t255\n51\t102\n' | npy from-tsv --dtype uint8 -o "$T/u.npy"
  run bash -c "'$NNPIPE_BIN/npy' scale --mul 2 --add -1 '$T/u.npy' | '$NNPIPE_BIN/npy' to-tsv"
  [ "$output" = $'-1\t509\n101\t203' ]
  run bash -c "'$NNPIPE_BIN/npy' scale --mul 0.5 --dtype float64 '$T/u.npy' | '$NNPIPE_BIN/npy' info"
  [[ "$output" == *$'dtype\tfloat64'* ]]
  [[ "$output" == *$'max\t127.5'* ]]
  run npy scale --mul 0.5 --dtype int32 "$T/u.npy" -o "$T/o.npy"
  [ "$status" -eq 1 ]
  [[ "$output" == "npy: $T/u.npy: element 1 (127.5) is not a whole number"* ]]
  no_output_left "$T/o.npy"
  run bash -c "'$NNPIPE_BIN/npy' astype --dtype int64 '$T/u.npy' | '$NNPIPE_BIN/npy' info"
  [[ "$output" == *$'dtype\tint64'* ]]
  [[ "$output" == *$'max\t255'* ]]
  run npy scale --add 1 --dtype uint8 "$T/u.npy" -o "$T/o.npy"
  [ "$status" -eq 1 ]
  [[ "$output" == *"(256) is out of range for uint8"* ]]
  printf '1.5\n' | npy from-tsv -o "$T/f.npy"
  run npy astype --dtype int32 "$T/f.npy" -o "$T/o.npy"
  [ "$status" -eq 1 ]
  no_output_left "$T/o.npy"
}

@test "npy argmax along the last and the first axis" {
  printf '1\t5\t2\n9\t0\t9\n' | npy from-tsv -o "$T/a.npy"
  run bash -c "'$NNPIPE_BIN/npy' argmax '$T/a.npy' | '$NNPIPE_BIN/npy' to-tsv"
  [ "$output" = $'1\n0' ]
  run bash -c "'$NNPIPE_BIN/npy' argmax --axis 0 '$T/a.npy' | '$NNPIPE_BIN/npy' to-tsv"
  [ "$output" = $'1\n0\n1' ]
  run bash -c "'$NNPIPE_BIN/npy' argmax '$T/a.npy' | '$NNPIPE_BIN/npy' info"
  [[ "$output" == *$'dtype\tint32'* ]]
  run npy argmax --axis 2 "$T/a.npy" -o "$T/o.npy"
  [ "$status" -eq 1 ]
  [[ "$output" == *"axis 2 is out of range"* ]]
}

@test "npy reshape" {
  seq 1 12 | npy from-tsv --dtype int32 -o "$T/r.npy"
  run bash -c "'$NNPIPE_BIN/npy' reshape --shape 3,-1 '$T/r.npy' | '$NNPIPE_BIN/npy' info"
  [[ "$output" == *$'shape\t(3, 4)'* ]]
  run bash -c "'$NNPIPE_BIN/npy' reshape --shape '(2, 2, 3)' '$T/r.npy' | '$NNPIPE_BIN/npy' head -n 1"
  [ "$output" = $'1\t2\t3\t4\t5\t6' ]
  run npy reshape --shape 5,-1 "$T/r.npy" -o "$T/o.npy"
  [ "$status" -eq 1 ]
  [[ "$output" == *"cannot reshape 12 elements"* ]]
  no_output_left "$T/o.npy"
}

@test "npy compare: exit status tells equal from different" {
  printf '1\t2\n' | npy from-tsv -o "$T/a.npy"
  printf '1\t2.001\n' | npy from-tsv -o "$T/b.npy"
  run npy compare "$T/a.npy" "$T/a.npy"
  [ "$status" -eq 0 ]
  [[ "$output" == *$'equal\ttrue'* ]]
  run npy compare "$T/a.npy" "$T/b.npy"
  [ "$status" -eq 1 ]
  [[ "$output" == *$'mismatches\t1'* ]]
  run npy compare --tol 0.01 "$T/a.npy" "$T/b.npy"
  [ "$status" -eq 0 ]
  printf '1\n2\n' | npy from-tsv -o "$T/c.npy"
  run npy compare "$T/a.npy" "$T/c.npy"
  [ "$status" -eq 1 ]
  [[ "$output" == *$'equal\tfalse'* ]]
}

@test "npy to-idx / from-idx round trip" {
  printf '1.25\t-3\n' | npy from-tsv -o "$T/a.npy"
  npy to-idx "$T/a.npy" -o "$T/a.idx"
  [ "$(head -c 4 "$T/a.idx" | od -An -tx1 | tr -d ' ')" = "00000d02" ]
  npy from-idx "$T/a.idx" -o "$T/b.npy"
  run npy compare "$T/a.npy" "$T/b.npy"
  [ "$status" -eq 0 ]
}

@test "npy st-pack, st-list, st-get round trip" {
  printf '1\t2\n3\t4\n' | npy from-tsv -o "$T/w.npy"
  seq 1 3 | npy from-tsv --dtype int64 -o "$T/b.npy"
  npy st-pack --meta '{"arch": "{\"units\": 3}", "note": "a\tb"}' z.w="$T/w.npy" a.b="$T/b.npy" -o "$T/m.safetensors"
  run npy st-list "$T/m.safetensors"
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = $'tensor\tz.w\tfloat32\t(2, 2)' ]
  [ "${lines[1]}" = $'tensor\ta.b\tint64\t(3,)' ]
  [ "${lines[2]}" = $'meta\tarch\t{"units": 3}' ]
  [ "${lines[3]}" = $'meta\tnote\ta\\tb' ]
  npy st-get "$T/m.safetensors" a.b -o "$T/b2.npy"
  run npy compare "$T/b.npy" "$T/b2.npy"
  [ "$status" -eq 0 ]
  run npy st-get "$T/m.safetensors" nope -o "$T/o.npy"
  [ "$status" -eq 1 ]
  [[ "$output" == "npy: $T/m.safetensors: no tensor named 'nope'" ]]
  run -2 npy st-pack --meta '{"k": 1}' a="$T/w.npy" -o "$T/o.st"
  run -2 npy st-pack nofile -o "$T/o.st"
  run npy st-pack a="$T/w.npy" a="$T/w.npy" -o "$T/o.st"
  [ "$status" -eq 1 ]
  [[ "$output" == *"already there"* ]]
  no_output_left "$T/o.st"
}

@test "numpy reads our .npy files with equal values" {
  need_numpy
  "$PY" -c "
import numpy as np, sys
d = sys.argv[1]
np.save(d + '/u8.npy', np.arange(24, dtype=np.uint8).reshape(2, 3, 4))
np.save(d + '/i32.npy', np.array([[-5, 2**31 - 1], [-2**31, 0]], dtype=np.int32))
np.save(d + '/i64.npy', np.array([2**62, -1], dtype=np.int64))
np.save(d + '/f32.npy', np.array([[0.1, -1e-30, np.inf, np.nan]], dtype=np.float32))
np.save(d + '/f64.npy', np.array(np.pi))
np.save(d + '/empty.npy', np.zeros((0, 5), dtype=np.float32))
" "$T"
  for n in u8 i32 i64 f32 f64 empty; do
    # through our reader and writer (astype to the same type rewrites the file)
    npy astype --dtype "$(npy info "$T/$n.npy" | sed -n 's/^dtype\t//p')" "$T/$n.npy" -o "$T/$n.ours.npy"
    run "$PY" "$PYDIR/npy_equal.py" "$T/$n.npy" "$T/$n.ours.npy" --dtype
    [ "$status" -eq 0 ] || { echo "$n: $output"; return 1; }
    # same header layout as numpy's np.save: the files are byte for byte equal
    cmp "$T/$n.npy" "$T/$n.ours.npy" || { echo "$n: bytes differ from np.save"; return 1; }
  done
  # to-tsv text reads back in numpy to the same float32 values
  npy to-tsv "$T/f32.npy" > "$T/f32.tsv"
  "$PY" -c "
import numpy as np, sys
a = np.load(sys.argv[1]); b = np.loadtxt(sys.argv[2], dtype=np.float32, ndmin=2)
assert np.array_equal(a, b, equal_nan=True), (a, b)
" "$T/f32.npy" "$T/f32.tsv"
}

@test "we read numpy's files: byte orders, versions, widened dtypes" {
  need_numpy
  "$PY" -c "
import numpy as np, sys
from numpy.lib import format as f
d = sys.argv[1]
np.save(d + '/be.npy', np.arange(6, dtype='>f8').reshape(3, 2) / 7)
np.save(d + '/bei.npy', np.array([1, -2, 300000], dtype='>i4'))
np.save(d + '/b1.npy', np.array([True, False, True]))
np.save(d + '/i2.npy', np.array([-32768, 7], dtype='<i2'))
np.save(d + '/u2.npy', np.array([65535, 7], dtype='<u2'))
np.save(d + '/i1.npy', np.array([-128, 7], dtype='i1'))
np.save(d + '/u4.npy', np.array([4294967295, 7], dtype='<u4'))
np.save(d + '/fort.npy', np.asfortranarray(np.ones((2, 3))))
np.save(d + '/c8.npy', np.ones(2, dtype=np.complex64))
np.save(d + '/u8.npy', np.ones(2, dtype=np.uint64))
np.save(d + '/f2.npy', np.ones(2, dtype=np.float16))
for v in [(2, 0), (3, 0)]:
    with open(d + '/v%d.npy' % v[0], 'wb') as fp:
        a = np.arange(5, dtype=np.float32)
        f.write_array(fp, a, version=v)
" "$T"
  for n in be bei b1 i2 u2 i1 u4 v2 v3; do
    npy astype --dtype float64 "$T/$n.npy" -o "$T/$n.f64.npy" || { echo "$n failed"; return 1; }
    run "$PY" "$PYDIR/npy_equal.py" "$T/$n.npy" "$T/$n.f64.npy"
    [ "$status" -eq 0 ] || { echo "$n: $output"; return 1; }
  done
  run npy info "$T/i2.npy"
  [[ "$output" == *$'dtype\tint32'* ]]
  run npy info "$T/fort.npy"
  [ "$status" -eq 1 ]
  [[ "$output" == "npy: $T/fort.npy: Fortran-order arrays are not supported"* ]]
  run npy info "$T/c8.npy"
  [ "$status" -eq 1 ]
  [[ "$output" == *"unsupported dtype '<c8'"* ]]
  run npy info "$T/u8.npy"
  [ "$status" -eq 1 ]
  [[ "$output" == *"uint64 is not supported"* ]]
  run npy info "$T/f2.npy"
  [ "$status" -eq 1 ]
}

@test "safetensors: an independent reader reads ours, we read its writer's files" {
  need_numpy
  "$PY" -c "
import numpy as np, sys
d = sys.argv[1]
np.save(d + '/w.npy', np.random.default_rng(1).standard_normal((4, 3)).astype(np.float32))
np.save(d + '/b.npy', np.arange(3, dtype=np.int32))
np.save(d + '/l.npy', np.array([2**40, -1], dtype=np.int64))
np.save(d + '/p.npy', np.arange(10, dtype=np.uint8))
np.save(d + '/x.npy', np.array([[1e-300, 2.5]]))
" "$T"
  npy st-pack --meta '{"architecture": "{\"layers\": [\"dense\"]}", "émoji": "😀"}' \
    zeta="$T/w.npy" beta="$T/b.npy" l="$T/l.npy" p="$T/p.npy" x="$T/x.npy" -o "$T/ours.safetensors"
  "$PY" "$PYDIR/st_read.py" "$T/ours.safetensors" "$T/out"
  for n in w:zeta b:beta l:l p:p x:x; do
    run "$PY" "$PYDIR/npy_equal.py" "$T/${n%%:*}.npy" "$T/out/${n#*:}.npy" --dtype
    [ "$status" -eq 0 ] || { echo "$n: $output"; return 1; }
  done
  [ "$(tr '\n' ' ' < "$T/out/__order__.txt")" = "zeta beta l p x " ]   # insertion order kept
  "$PY" -c "
import json, sys
m = json.load(open(sys.argv[1]))
assert m == {'architecture': '{\"layers\": [\"dense\"]}', 'émoji': '😀'}, m
" "$T/out/__metadata__.json"
  # the other way round: python writes (sorted by name), we read
  "$PY" "$PYDIR/st_write.py" "$T/py.safetensors" --meta '{"format": "np"}' \
    zeta="$T/w.npy" beta="$T/b.npy" l="$T/l.npy" p="$T/p.npy" x="$T/x.npy"
  run npy st-list "$T/py.safetensors"
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = $'tensor\tbeta\tint32\t(3,)' ]
  [[ "$output" == *$'meta\tformat\tnp'* ]]
  for n in w:zeta b:beta l:l p:p x:x; do
    npy st-get "$T/py.safetensors" "${n#*:}" -o "$T/g.npy"
    run "$PY" "$PYDIR/npy_equal.py" "$T/${n%%:*}.npy" "$T/g.npy" --dtype
    [ "$status" -eq 0 ] || { echo "$n: $output"; return 1; }
  done
}

@test "damaged .npy: truncated, corrupt, trailing bytes, overflowing shapes, bad dtypes" {
  mknpy "$T/ok.npy" "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }" '\x00\x00\x80\x3f\x00\x00\x00\x40'
  run npy to-tsv "$T/ok.npy"
  [ "$status" -eq 0 ]
  [ "$output" = $'1\n2' ]
  mknpy "$T/short.npy" "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }" '\x00\x00\x80\x3f'
  run npy info "$T/short.npy"
  [ "$status" -eq 1 ]
  [ "$output" = "npy: $T/short.npy: truncated .npy data: expected 8 bytes, found 4" ]
  # the same through a pipe (no file size to check up front)
  run bash -c "cat '$T/short.npy' | '$NNPIPE_BIN/npy' info -"
  [ "$status" -eq 1 ]
  [ "$output" = "npy: (stdin): truncated .npy data: it ends in row 2 of 2" ]
  run bash -c "cat '$T/short.npy' | '$NNPIPE_BIN/npy' astype -o '$T/o.npy'"
  [ "$status" -eq 1 ]
  no_output_left "$T/o.npy"
  mknpy "$T/long.npy" "{'descr': '<f4', 'fortran_order': False, 'shape': (1,), }" '\x00\x00\x80\x3f\x00'
  run npy info "$T/long.npy"
  [ "$status" -eq 1 ]
  [[ "$output" == *"unexpected bytes after the .npy data"* ]]
  run bash -c "cat '$T/long.npy' | '$NNPIPE_BIN/npy' info"
  [ "$status" -eq 1 ]
  [[ "$output" == *"unexpected bytes after the .npy data"* ]]
  mknpy "$T/huge.npy" "{'descr': '<f8', 'fortran_order': False, 'shape': (4294967296, 4294967296, 16), }" ''
  run npy info "$T/huge.npy"
  [ "$status" -eq 1 ]
  [[ "$output" == *"overflow"* ]]
  mknpy "$T/big.npy" "{'descr': '<f8', 'fortran_order': False, 'shape': (1000000000000,), }" ''
  run bash -c "cat '$T/big.npy' | '$NNPIPE_BIN/npy' info"
  [ "$status" -eq 1 ]
  mknpy "$T/dt.npy" "{'descr': '<U4', 'fortran_order': False, 'shape': (1,), }" 'abcdabcdabcdabcd'
  run npy info "$T/dt.npy"
  [ "$status" -eq 1 ]
  [[ "$output" == *"unsupported dtype '<U4'"* ]]
  mknpy "$T/hdr.npy" "{'descr': '<f4', 'fortran_order': False, 'shape': (1,), 'extra': 1}" '\x00\x00\x00\x00'
  run npy info "$T/hdr.npy"
  [ "$status" -eq 1 ]
  [[ "$output" == *"unexpected or repeated key 'extra'"* ]]
  printf 'hello world, not an array' > "$T/text.npy"
  run npy info "$T/text.npy"
  [ "$status" -eq 1 ]
  [ "$output" = "npy: $T/text.npy: not a .npy file (bad magic)" ]
  : > "$T/empty.npy"
  run npy head "$T/empty.npy"
  [ "$status" -eq 1 ]
  [[ "$output" == *"empty file"* ]]
  head -c 30 "$T/ok.npy" > "$T/cut.npy"
  run npy info "$T/cut.npy"
  [ "$status" -eq 1 ]
  [[ "$output" == *"truncated .npy header"* ]]
}

@test "damaged IDX and .gz inputs" {
  mkidx "$T/x.idx"
  head -c 15 "$T/x.idx" > "$T/short.idx"
  run npy from-idx "$T/short.idx" -o "$T/o.npy"
  [ "$status" -eq 1 ]
  [ "$output" = "npy: $T/short.idx: truncated IDX data: the dimensions need 6 bytes, the file has 3" ]
  no_output_left "$T/o.npy"
  { cat "$T/x.idx"; printf 'xx'; } > "$T/long.idx"
  run npy from-idx "$T/long.idx" -o "$T/o.npy"
  [ "$status" -eq 1 ]
  [[ "$output" == *"2 bytes after the IDX data"* ]]
  printf '\x00\x00\x07\x01\x00\x00\x00\x01\x00' > "$T/type.idx"
  run npy from-idx "$T/type.idx" -o "$T/o.npy"
  [ "$status" -eq 1 ]
  [[ "$output" == *"unknown element type 0x07"* ]]
  printf '\x00\x00\x08\x03\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff' > "$T/ovf.idx"
  run npy from-idx "$T/ovf.idx" -o "$T/o.npy"
  [ "$status" -eq 1 ]
  gzip -c "$T/x.idx" > "$T/x.gz"
  head -c 20 "$T/x.gz" > "$T/cut.gz"
  run npy from-idx "$T/cut.gz" -o "$T/o.npy"
  [ "$status" -eq 1 ]
  [[ "$output" == "npy: $T/cut.gz: "* ]]
  no_output_left "$T/o.npy"
}

@test "missing, unreadable and unwritable files" {
  run npy info "$T/nope.npy"
  [ "$status" -eq 1 ]
  [ "$output" = "npy: $T/nope.npy: cannot open: No such file or directory" ]
  run npy info "$T"
  [ "$status" -eq 1 ]
  [ "$output" = "npy: $T: is a directory" ]
  run npy from-idx "$T/no/such/file.gz" -o "$T/o.npy"
  [ "$status" -eq 1 ]
  [[ "$output" == "npy: $T/no/such/file.gz: cannot open"* ]]
  run npy st-list "$T"
  [ "$status" -eq 1 ]
  printf '1\n' | npy from-tsv -o "$T/a.npy"
  for c in astype scale slice reshape argmax to-idx from-tsv; do
    src=$T/a.npy; [ "$c" = from-tsv ] && { printf '1\n' > "$T/a.tsv"; src=$T/a.tsv; }
    run npy "$c" "$src" -o "$T/missing-dir/out"
    [ "$status" -eq 1 ] || { echo "$c: status $status"; return 1; }
    [[ "$output" == "npy: $T/missing-dir/out: cannot create"* ]] || { echo "$c: $output"; return 1; }
  done
  run npy cat "$T/a.npy" -o "$T/missing-dir/out"
  [ "$status" -eq 1 ]
  run npy st-pack a="$T/a.npy" -o "$T/missing-dir/out"
  [ "$status" -eq 1 ]
  [ ! -e "$T/missing-dir" ]
}

@test "MNIST: from-idx equals numpy's reading of the gunzipped files" {
  [ -n "$SHARED_DATA" ] && [ -f "$SHARED_DATA/mnist/train-images-idx3-ubyte.gz" ] || skip "no MNIST in SHARED_DATA"
  need_numpy
  for f in train-images-idx3-ubyte train-labels-idx1-ubyte t10k-images-idx3-ubyte t10k-labels-idx1-ubyte; do
    npy from-idx "$SHARED_DATA/mnist/$f.gz" -o "$T/$f.npy"
    "$PY" "$PYDIR/idx_read.py" "$SHARED_DATA/mnist/$f.gz" "$T/$f.ref.npy"
    run "$PY" "$PYDIR/npy_equal.py" "$T/$f.npy" "$T/$f.ref.npy" --dtype
    [ "$status" -eq 0 ] || { echo "$f: $output"; return 1; }
  done
  run npy info "$T/train-images-idx3-ubyte.npy"
  [[ "$output" == *$'shape\t(60000, 28, 28)'* ]]
  [[ "$output" == *$'dtype\tuint8'* ]]
  run npy info "$T/t10k-labels-idx1-ubyte.npy"
  [[ "$output" == *$'shape\t(10000,)'* ]]
  rm -f "$T"/*.npy
}
