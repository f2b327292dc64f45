#!/bin/sh
# Make the seed corpora of the fuzz harnesses in build/fuzz/corpus/NAME
# (never committed): small valid files written by nnpipe's own tools
# (npy), small files from the shared data ($SHARED_DATA, default
# /work/shared/data) and tests/fixtures, and a few hand-made variants
# (Debian's python3 with PIL/numpy for JPEG/PNM/big-endian .npy, when
# present).  Harnesses whose first byte is a mode selector get one copy
# of each text seed per mode.
#
#   fuzz/seeds.sh            (re-run at any time: files are overwritten,
#                             corpus entries the fuzzer added stay)
set -u
cd "$(dirname "$0")/.." || exit 2
OUT=build/fuzz
C=$OUT/corpus
DATA=${SHARED_DATA:-/work/shared/data}
PY=${PYTHON:-/usr/bin/python3}
NPY=$OUT/bin/npy
T=$OUT/seedtmp
mkdir -p "$T"
for n in npy safetensors json inflate deflate gzip zlib png idx tsv csv wordvec jpeg pnm model text wav; do
  mkdir -p "$C/$n"
done

# The npy tool of this checkout, built with the project's Makefile into
# build/fuzz (objects in build/fuzz/lib, apart from run.sh's build/fuzz/obj).
if [ ! -x "$NPY" ]; then
  make -s -j2 BUILD=$OUT BIN=$OUT/bin "$NPY" >/dev/null || { echo "seeds.sh: cannot build npy" >&2; exit 2; }
fi
have_py=0
"$PY" -c 'import numpy, PIL' 2>/dev/null && have_py=1

# prefixed FILE DIR NAME BYTE...: copies of FILE with each mode byte in front.
prefixed() {
  f=$1 d=$2 base=$3
  shift 3
  for b in "$@"; do
    { printf "\\$(printf %03o "$b")"; cat "$f"; } > "$d/$base-m$b"
  done
}

# ---- arrays: TSV text -> .npy (every dtype), IDX, safetensors
printf '1\t2\t3\n4\t5\t6\n' > "$T/a.tsv"
printf '0.5\n-1.25\n3e10\nnan\ninf\n' > "$T/b.tsv"
printf '7\n' > "$T/c.tsv"
: > "$T/empty.tsv"
i=0
for tsv in a b c empty; do
  for t in uint8 int32 int64 float32 float64; do
    "$NPY" from-tsv -t "$t" -o "$T/$tsv-$t.npy" "$T/$tsv.tsv" 2>/dev/null || continue
    cp "$T/$tsv-$t.npy" "$C/npy/$tsv-$t.npy"
    "$NPY" to-idx -o "$C/idx/$tsv-$t.idx" "$T/$tsv-$t.npy" 2>/dev/null
    i=$((i + 1))
  done
done
"$NPY" from-tsv --keep-2d -o "$C/npy/col2d.npy" "$T/b.tsv"
"$NPY" reshape --help >/dev/null 2>&1 && "$NPY" reshape 1,2,3 -o "$C/npy/3d.npy" "$T/a-float32.npy" 2>/dev/null
"$NPY" st-pack -o "$C/safetensors/two.st" a="$T/a-float32.npy" b="$T/b-float64.npy"
"$NPY" st-pack -m '{"format":"x","k":"v"}' -o "$C/safetensors/meta.st" x="$T/a-uint8.npy" \
  y="$T/c-int64.npy" z="$T/a-int32.npy"
"$NPY" st-pack -o "$C/safetensors/empty.st" e="$T/empty-float32.npy"
if [ -f "$DATA/mnist/t10k-labels-idx1-ubyte.gz" ]; then
  # A valid small IDX: the first 100 labels with the header fixed up.
  gzip -dc "$DATA/mnist/t10k-labels-idx1-ubyte.gz" | head -c 108 > "$T/lab"
  { printf '\000\000\010\001\000\000\000\144'; tail -c +9 "$T/lab"; } > "$C/idx/mnist-labels-100"
  gzip -dc "$DATA/mnist/t10k-images-idx3-ubyte.gz" | head -c 16 > "$T/imghdr"
  { printf '\000\000\010\003\000\000\000\001\000\000\000\034\000\000\000\034';
    gzip -dc "$DATA/mnist/t10k-images-idx3-ubyte.gz" | tail -c +17 | head -c 784; } > "$C/idx/mnist-image-1"
fi
if [ "$have_py" = 1 ]; then
  "$PY" - "$C/npy" <<'PYEOF'
import sys, numpy as np, io
d = sys.argv[1]
arrs = {
    'be-f4': np.arange(6, dtype='>f4').reshape(2, 3),
    'be-i8': np.arange(4, dtype='>i8'),
    'bool': np.array([True, False, True]),
    'i1': np.array([-3, 4], dtype='i1'),
    'i2': np.array([[1, -2]], dtype='<i2'),
    'u2': np.array([65535], dtype='<u2'),
    'u4': np.array([4000000000], dtype='<u4'),
    'u8': np.array([1], dtype='<u8'),
    'scalar': np.array(3.5),
    'fortran': np.asfortranarray(np.ones((2, 3), dtype='f4')),
    'zero-rows': np.zeros((0, 4), dtype='f4'),
}
for k, a in arrs.items():
    np.save(f'{d}/py-{k}.npy', a)
for v in [(2, 0), (3, 0)]:
    b = io.BytesIO()
    np.lib.format.write_array(b, np.arange(3, dtype='f4'), version=v)
    open(f'{d}/py-v{v[0]}.npy', 'wb').write(b.getvalue())
PYEOF
fi

# ---- JSON: safetensors headers, model architectures, PngSuite metadata
for f in "$C"/safetensors/*; do
  "$PY" -c 'import sys,struct; b=open(sys.argv[1],"rb").read(); n=struct.unpack("<Q",b[:8])[0]; sys.stdout.buffer.write(b[8:8+n])' \
    "$f" > "$C/json/st-$(basename "$f")" 2>/dev/null
done
printf '%s' '{"a":[1,-2.5e-3,true,false,null],"b":{"c":"\u00e9\ud83d\ude00\n","d":[]},"e":12345678901234567890}' \
  > "$C/json/mixed.json"
printf '%s' '"x\u0000y"' > "$C/json/nul.json"
printf '%s' '[[[[[[[[[[[[[[[[[[[[0]]]]]]]]]]]]]]]]]]]]' > "$C/json/deep.json"
MODEL1='{"kind":"sequential","parts":[{"name":"model","input":[20],"layers":[{"type":"dense","name":"dense","units":8,"activation":"relu","use_bias":true},{"type":"dropout","name":"dropout","rate":0.5,"seed":1},{"type":"dense","name":"dense_1","units":3,"activation":"softmax","use_bias":true}]}]}'
MODEL2='{"kind":"ae","parts":[{"name":"encoder","input":[8,8,1],"layers":[{"type":"conv2d","name":"conv2d","units":4,"activation":"relu","use_bias":true,"kernel":[3,3],"strides":[2,2],"padding":"same"},{"type":"batchnorm","name":"batchnorm","momentum":0.99,"epsilon":0.001},{"type":"maxpool2d","name":"maxpool2d","size":[2,2]},{"type":"flatten","name":"flatten"},{"type":"dense","name":"dense","units":2,"activation":"linear","use_bias":true}]},{"name":"decoder","input":[2],"layers":[{"type":"dense","name":"dense_1","units":16,"activation":"relu","use_bias":true},{"type":"reshape","name":"reshape","target":[2,2,4]},{"type":"upsample2d","name":"upsample2d","size":[2,2]},{"type":"conv2d_transpose","name":"conv2d_transpose","units":1,"activation":"sigmoid","use_bias":false,"kernel":[3,3],"strides":[2,2],"padding":"valid"},{"type":"activation","name":"activation","activation":"tanh"}]}]}'
MODEL3='{"kind":"sequential","parts":[{"name":"model","input":[5],"layers":[{"type":"embedding","name":"embedding","vocab":10,"units":4},{"type":"flatten","name":"flatten"}]}]}'
printf '%s' "$MODEL1" > "$C/json/model1.json"
printf '%s' "$MODEL2" > "$C/json/model2.json"
k=1
for m in "$MODEL1" "$MODEL2" "$MODEL3"; do
  printf '\000%s' "$m" > "$C/model/json$k"
  k=$((k + 1))
done
printf '\001%s' 'dense:16:relu,dropout:0.25,dense:4:softmax' > "$C/model/spec1"
printf '\001%s' 'embedding:50:8,flatten,dense:2' > "$C/model/spec2"
printf '\001%s' 'reshape:4x5x1,conv2d:2:3x3:s2:valid:tanh,flatten,batchnorm,activation:sigmoid' > "$C/model/spec3"
printf '\002%s' 'conv2d:4:3x3:relu,maxpool2d:2,conv2d_transpose:2:3x3:s2:same,upsample2d:2x1,flatten,dense:10:softmax' \
  > "$C/model/spec4"
if [ -d "$DATA/pngsuite/json" ]; then
  ls "$DATA/pngsuite/json"/*.json | head -20 | while read -r f; do cp "$f" "$C/json/"; done
fi

# ---- images
if [ -d "$DATA/pngsuite/png" ]; then
  cp "$DATA"/pngsuite/png/*.png "$C/png/"
fi
if [ "$have_py" = 1 ]; then
  "$PY" - "$C" <<'PYEOF'
import sys, io, zlib, struct, gzip
from PIL import Image
c = sys.argv[1]
im = Image.new('RGB', (19, 13))
for y in range(13):
    for x in range(19):
        im.putpixel((x, y), (x * 13 % 256, y * 19 % 256, (x * y) % 256))
for name, kw in [('base444', dict(quality=90, subsampling=0)), ('base420', dict(quality=50, subsampling=2)),
                 ('base422', dict(quality=75, subsampling=1)), ('prog', dict(progressive=True, quality=80)),
                 ('opt', dict(optimize=True, quality=30))]:
    im.save(f'{c}/jpeg/{name}.jpg', 'JPEG', **kw)
im.convert('L').save(f'{c}/jpeg/gray.jpg', 'JPEG', quality=85)
im.convert('L').save(f'{c}/jpeg/gray-prog.jpg', 'JPEG', quality=85, progressive=True)
try:  # restart markers need Pillow >= 10.2
    im.save(f'{c}/jpeg/restart.jpg', 'JPEG', quality=70, restart_marker_blocks=1)
except (TypeError, ValueError, OSError):
    pass
small = im.resize((5, 4))
small.save(f'{c}/pnm/rgb.ppm')
small.convert('L').save(f'{c}/pnm/gray.pgm')
small.convert('1').save(f'{c}/pnm/bits.pbm')
open(f'{c}/pnm/plain1.pbm', 'w').write('P1\n# c\n3 2\n101\n0 1 0\n')
open(f'{c}/pnm/plain2.pgm', 'w').write('P2\n2 2\n1000\n0 500\n1000 7\n')
open(f'{c}/pnm/plain3.ppm', 'w').write('P3 1 2 255 1 2 3 #x\n 4 5 6\n')
open(f'{c}/pnm/raw16.pgm', 'wb').write(b'P5 2 1 65535\n' + struct.pack('>HH', 1, 65535))
# zlib / raw deflate / gzip seeds from the same kinds of data.
texts = [b'', b'a', b'hello hello hello hello\n' * 20, bytes(range(256)) * 4,
         open(f'{c}/pnm/rgb.ppm', 'rb').read()]
for i, t in enumerate(texts):
    for lvl in (0, 1, 6, 9):
        z = zlib.compress(t, lvl)
        open(f'{c}/zlib/t{i}-l{lvl}', 'wb').write(z)
        raw = z[2:-4]
        open(f'{c}/inflate/t{i}-l{lvl}', 'wb').write(b'\x00' + raw)
        open(f'{c}/inflate/t{i}-l{lvl}-hint', 'wb').write(b'\x85' + raw)
        open(f'{c}/gzip/t{i}-l{lvl}.gz', 'wb').write(gzip.compress(t, lvl, mtime=0))
    open(f'{c}/deflate/t{i}', 'wb').write(bytes([i * 7 % 33]) + t[:2000])
    # FNAME + FCOMMENT + FHCRC header, two members, zero padding.
    g = gzip.compress(t, 6, mtime=0)
    hdr = b'\x1f\x8b\x08\x1a' + g[4:10] + b'name\x00comment\x00'
    hdr += struct.pack('<H', zlib.crc32(hdr) & 0xffff)
    open(f'{c}/gzip/t{i}-flags.gz', 'wb').write(hdr + g[10:] + g + b'\x00\x00')
PYEOF
fi
# zlib streams from PNG IDAT chunks (a few small PngSuite files).
if [ -d "$DATA/pngsuite/png" ]; then
  for f in basn0g01 basn2c08 basi3p02 basn6a16 s01i3p01 z09n2c08 f04n2c08; do
    [ -f "$DATA/pngsuite/png/$f.png" ] || continue
    "$PY" - "$DATA/pngsuite/png/$f.png" "$C/zlib/idat-$f" <<'PYEOF'
import sys, struct
b = open(sys.argv[1], 'rb').read()
p, out = 8, b''
while p + 8 <= len(b):
    n, t = struct.unpack('>I4s', b[p:p + 8])
    if t == b'IDAT':
        out += b[p + 8:p + 8 + n]
    p += 12 + n
open(sys.argv[2], 'wb').write(out)
PYEOF
  done
fi

# ---- text: TSV arrays, CSV / NER corpora, word vectors
for f in "$T"/a.tsv "$T"/b.tsv "$T"/c.tsv; do
  prefixed "$f" "$C/tsv" "$(basename "$f" .tsv)" 0 1 2 3 4 5 8
done
printf '1.5\t-2\r\n0x10\t1e-40\r\n' > "$T/crlf.tsv"
prefixed "$T/crlf.tsv" "$C/tsv" crlf 3 4 9
for f in tests/fixtures/text/*.csv tests/fixtures/text/*.txt; do
  [ -f "$f" ] || continue
  b=$(basename "$f")
  head -c 4000 "$f" > "$T/$b"
  prefixed "$T/$b" "$C/csv" "$b" 0 1 2 3 4 5 8
done
if [ -f "$DATA/ner-gmb/ner_dataset.csv.gz" ]; then
  gzip -dc "$DATA/ner-gmb/ner_dataset.csv.gz" 2>/dev/null | head -c 3000 > "$T/gmb.csv"
  prefixed "$T/gmb.csv" "$C/csv" gmb 0 2 3
fi
if [ -f tests/fixtures/text/glove.txt ]; then
  head -c 4000 tests/fixtures/text/glove.txt > "$T/glove.txt"
  prefixed "$T/glove.txt" "$C/wordvec" glove 0 3
fi
printf '3 2\nthe 0.1 -0.2\ncat 1e3 4\n. 0 0\n' > "$T/w2v.txt"
prefixed "$T/w2v.txt" "$C/wordvec" w2v 0 1
{ printf '2 3\n'; printf 'ab '; printf '\000\000\200\077\000\000\000\100\000\000\100\100\n';
  printf 'cd '; printf '\000\000\200\277\000\000\000\000\000\000\300\177\n'; } > "$T/w2v.bin"
prefixed "$T/w2v.bin" "$C/wordvec" w2vbin 0 2

# tokens.tsv, cp1252, UTF-8, words to normalise, vocab.tsv (fuzz_text)
printf 'EU\teu\tNNP\tB-ORG\r\nrejects\treject\tVBZ\tO\n\nGerman\tgerman\tJJ\tB-MISC\n' > "$T/tok.tsv"
prefixed "$T/tok.tsv" "$C/text" tok 0
printf 'caf\351 \223quoted\224 \205 \200 x' > "$T/cp.txt"
prefixed "$T/cp.txt" "$C/text" cp1252 1 2 3
printf 'na\303\257ve \342\202\254 \360\237\230\200 \355\240\200 \300\200' > "$T/u8.txt"
prefixed "$T/u8.txt" "$C/text" utf8 3 1
for w in Running relational Generalizations \303\211CLAIR 1990s "O'Neil"; do
  printf "$w" > "$T/w"
  prefixed "$T/w" "$C/text" "w-$(printf '%s' "$w" | tr -dc 'a-zA-Z0-9')" 4 5 6
done
printf '0\t<PAD>\t0\n1\t<UNK>\t0\n2\tthe\t5\n3\tcat\t2\n' > "$T/vocab.tsv"
prefixed "$T/vocab.tsv" "$C/text" vocab 7

# WAV: a few FSDD recordings (cut short) and hand-made formats
if [ -d "$DATA/fsdd/recordings" ]; then
  ls "$DATA/fsdd/recordings" | head -3 | while read -r f; do cp "$DATA/fsdd/recordings/$f" "$C/wav/"; done
fi
"$PY" - "$C/wav" <<'PYEOF'
import sys, struct
d = sys.argv[1]
def wav(tag, ch, rate, bits, frames, ext=False, extra=b''):
    ba = ch * bits // 8
    fmt = struct.pack('<HHIIHH', 0xFFFE if ext else tag, ch, rate, rate * ba, ba, bits)
    if ext:
        guid = struct.pack('<H', tag) + bytes.fromhex('000000001000800000aa00389b71')
        fmt += struct.pack('<HHI', 22, bits, 0) + guid
    body = b'WAVE' + b'fmt ' + struct.pack('<I', len(fmt)) + fmt + extra
    body += b'data' + struct.pack('<I', len(frames)) + frames + (b'\0' if len(frames) % 2 else b'')
    return b'RIFF' + struct.pack('<I', len(body)) + body
open(f'{d}/u8.wav', 'wb').write(wav(1, 1, 8000, 8, bytes([0, 128, 255])))
open(f'{d}/s16-stereo.wav', 'wb').write(wav(1, 2, 44100, 16, struct.pack('<4h', -32768, 32767, 1, -1)))
open(f'{d}/s24.wav', 'wb').write(wav(1, 1, 16000, 24, b'\x00\x00\x80\xff\xff\x7f'))
open(f'{d}/s32-ext.wav', 'wb').write(wav(1, 1, 16000, 32, struct.pack('<2i', -2**31, 2**31 - 1), ext=True))
open(f'{d}/f32.wav', 'wb').write(wav(3, 1, 8000, 32, struct.pack('<3f', 0.5, -1.0, 2.0),
                                     extra=b'LIST' + struct.pack('<I', 3) + b'abc\0'))
open(f'{d}/f64-ext.wav', 'wb').write(wav(3, 2, 8000, 64, struct.pack('<2d', 0.25, -0.75), ext=True))
PYEOF

rm -rf "$T"
chmod -R u+w "$C"
for n in "$C"/*; do printf '%s\t%s\n' "$(basename "$n")" "$(ls "$n" | wc -l)"; done
