#!/usr/bin/env bats
# audio-features and make-utterances: log-mel against a numpy reference
# (tests/python/audio_ref.py) on WAVs written by Python's stdlib wave,
# every PCM width, inputs by argument / stdin / TSV, thread independence,
# bad input; the utterance builder on a small synthetic folder and on FSDD.

bats_require_minimum_version 1.5.0

setup() {
  T=$BATS_TEST_TMPDIR
  PY=${PYTHON:-/usr/bin/python3}
  HERE=$(cd "$(dirname "$BATS_TEST_FILENAME")" && pwd)
  REF="$HERE/../python/audio_ref.py"
  AF="$NNPIPE_BIN/audio-features"
  MU="$NNPIPE_BIN/make-utterances"
  cd "$T"
}

need_numpy() {
  command -v "$PY" >/dev/null 2>&1 && "$PY" -c 'import numpy' 2>/dev/null || skip "no numpy in $PY"
}

# No output file and no temporary left in the folder.
no_output_left() {
  [ ! -e "$1" ] || { echo "output $1 exists"; return 1; }
  ! ls "$(dirname "$1")" | grep -q 'tmp' || { echo "temporary file left"; return 1; }
}

# close A.npy B.npy TOL: same shape, max |a - b| <= TOL
close() {
  "$PY" -c '
import sys, numpy as np
a, b = np.load(sys.argv[1]), np.load(sys.argv[2])
assert a.shape == b.shape, (a.shape, b.shape)
d = float(np.max(np.abs(a.astype(np.float64) - b))) if a.size else 0.0
print("max diff", d)
sys.exit(0 if d <= float(sys.argv[3]) else 1)' "$@"
}

@test "audio-features: log-mel of 8/16/24/32-bit mono and stereo WAVs matches the numpy reference" {
  need_numpy
  for sw in 1 2 3 4; do
    "$PY" "$REF" tone m$sw.wav 8000 0.3 $sw 1 440
    "$PY" "$REF" tone s$sw.wav 8000 0.21 $sw 2 1234
  done
  run --separate-stderr "$AF" -o f.npy --lengths l.npy m1.wav s1.wav m2.wav s2.wav m3.wav s3.wav m4.wav s4.wav
  [ "$status" -eq 0 ]
  [[ "$stderr" == *"8 files"* ]]
  "$PY" "$REF" logmel r.npy 8000 200 80 256 40 0 m1.wav s1.wav m2.wav s2.wav m3.wav s3.wav m4.wav s4.wav
  close f.npy r.npy 0.01
  "$PY" -c '
import numpy as np
l = np.load("l.npy"); f = np.load("f.npy")
assert l.dtype == np.int32 and list(l) == [28, 19] * 4, l
assert f.dtype == np.float32 and f.shape == (8, 28, 40)
assert (f[1, 19:] == 0).all()'
}

@test "audio-features: MFCC and an odd FFT size match the reference; --normalize gives zero mean, unit variance" {
  need_numpy
  "$PY" "$REF" tone a.wav 8000 0.5 2 1 300
  "$PY" "$REF" tone b.wav 8000 0.4 2 1 2000
  "$AF" -q --mfcc 13 --n-fft 300 -o f.npy a.wav b.wav
  "$PY" "$REF" logmel r.npy 8000 200 80 300 40 13 a.wav b.wav
  close f.npy r.npy 0.01
  "$AF" -q --mfcc 13 --normalize utterance --lengths l.npy -o n.npy a.wav b.wav
  "$PY" -c '
import numpy as np
f, l = np.load("n.npy"), np.load("l.npy")
for i, n in enumerate(l):
    x = f[i, :n]
    assert np.abs(x.mean(0)).max() < 1e-4 and np.abs(x.std(0) - 1).max() < 1e-3 or np.abs(x.std(0)).min() < 1e-3'
}

@test "audio-features: float WAV at 16 kHz resampled to 8 kHz keeps the tone in its band" {
  need_numpy
  "$PY" "$REF" floatwav t16.wav 16000 0.5 1000
  "$AF" -q --lengths l.npy -o f.npy t16.wav
  "$PY" -c '
import numpy as np, sys
sys.path.insert(0, sys.argv[1])
import audio_ref as r
f, l = np.load("f.npy"), np.load("l.npy")
assert list(l) == [48], l
mel = r.mel_to_hz(np.linspace(0, r.hz_to_mel(4000, False), 42), False)[1:-1]
want = int(np.argmin(np.abs(mel - 1000)))
assert (f[0].argmax(1) == want).all(), (f[0].argmax(1), want)' "$HERE/../python"
  # --rate 16000 keeps the rate: twice the frames
  "$AF" -q --rate 16000 --lengths l2.npy -o f2.npy t16.wav
  "$PY" -c 'import numpy as np; assert list(np.load("l2.npy")) == [48]; assert np.load("f2.npy").shape == (1, 48, 40)'
}

@test "audio-features: paths from stdin and from a TSV list; results independent of --threads" {
  need_numpy
  mkdir -p d
  for i in 1 2 3 4 5; do "$PY" "$REF" tone d/$i.wav 8000 0.$i 2 1 $((i * 300)); done
  "$AF" -q --threads 1 -o a.npy d/1.wav d/2.wav d/3.wav d/4.wav d/5.wav
  printf 'd/1.wav\nd/2.wav\r\n\nd/3.wav\nd/4.wav\nd/5.wav' | "$AF" -q --threads 2 -o b.npy -
  printf 'path\ttext\n1.wav\tx\n2.wav\ty\n%s/d/3.wav\tz\n4.wav\tw\n5.wav\tv\n' "$T" > d/list.tsv
  "$AF" -q --threads 2 --list d/list.tsv > c.npy
  cmp a.npy b.npy
  cmp a.npy c.npy
}

@test "audio-features: bad input names the file, exits 1 and writes nothing" {
  need_numpy
  "$PY" "$REF" tone ok.wav 8000 0.2 2 1 440
  run --separate-stderr "$AF" -o out.npy ok.wav missing.wav
  [ "$status" -eq 1 ]
  [[ "$stderr" == *"audio-features: missing.wav: "* ]]
  no_output_left out.npy
  head -c 30 ok.wav > trunc.wav
  run --separate-stderr "$AF" -o out.npy ok.wav trunc.wav
  [ "$status" -eq 1 ]
  [[ "$stderr" == *"audio-features: trunc.wav: "*"truncated"* ]]
  no_output_left out.npy
  # format tag 2 (Microsoft ADPCM)
  "$PY" -c 'import sys; b = bytearray(open("ok.wav", "rb").read()); b[20] = 2; open("adpcm.wav", "wb").write(b)'
  run --separate-stderr "$AF" -o out.npy --lengths len.npy adpcm.wav
  [ "$status" -eq 1 ]
  [[ "$stderr" == *"adpcm.wav: unsupported WAV encoding: Microsoft ADPCM"* ]]
  no_output_left out.npy
  no_output_left len.npy
  printf 'not a wav' > text.wav
  run --separate-stderr "$AF" -o out.npy text.wav
  [ "$status" -eq 1 ]
  [[ "$stderr" == *"text.wav: not a WAV file"* ]]
  run --separate-stderr "$AF" -o out.npy
  [ "$status" -eq 2 ]
  run --separate-stderr "$AF" --n-fft 100 -o out.npy ok.wav
  [ "$status" -eq 2 ]
  [[ "$stderr" == *"shorter than the window"* ]]
  no_output_left out.npy
}

@test "audio-features: every kind of broken WAV gets its own message, exit 1, no output" {
  command -v "$PY" >/dev/null 2>&1 || skip "no $PY"
  # WAVs written byte by byte (Python's wave module refuses most of these)
  "$PY" - <<'PY'
import struct
def wav(path, tag, ch, rate, bits, data, declared=None):
    fmt = struct.pack("<HHIIHH", tag, ch, rate, rate * ch * bits // 8, ch * bits // 8, bits)
    body = b"WAVE" + b"fmt " + struct.pack("<I", len(fmt)) + fmt + b"data"
    body += struct.pack("<I", len(data) if declared is None else declared) + data
    open(path, "wb").write(b"RIFF" + struct.pack("<I", len(body)) + body)
pcm = b"\x00\x10\x00\xf0" * 400
wav("ok.wav", 1, 1, 8000, 16, pcm)
open("empty.wav", "wb").close()
wav("nodata.wav", 1, 1, 8000, 16, b"")
wav("mulaw.wav", 7, 1, 8000, 8, bytes(800))
wav("alaw.wav", 6, 1, 8000, 8, bytes(800))
wav("pcm12.wav", 1, 1, 8000, 12, pcm)
wav("nochan.wav", 1, 0, 8000, 16, pcm)
wav("norate.wav", 1, 1, 0, 16, pcm)
wav("shortdata.wav", 1, 1, 8000, 16, pcm[:100], declared=1600)
b = open("ok.wav", "rb").read()
open("cutfmt.wav", "wb").write(b[:24])
open("cutriff.wav", "wb").write(b[:10])
PY
  "$AF" -q -o ok.npy ok.wav
  check() { # FILE MESSAGE
    run --separate-stderr "$AF" -q -o out.npy --lengths len.npy ok.wav "$1"
    [ "$status" -eq 1 ] || { echo "$1: status $status"; return 1; }
    [[ "$stderr" == "audio-features: $1: "*"$2"* ]] || { echo "$1: $stderr"; return 1; }
    no_output_left out.npy
    no_output_left len.npy
  }
  check empty.wav "0 bytes, shorter than a RIFF header"
  check cutriff.wav "not a WAV file"
  check cutfmt.wav "truncated file"
  check shortdata.wav "truncated file"
  check nodata.wav "no samples"
  check mulaw.wav "unsupported WAV encoding: mu-law"
  check alaw.wav "unsupported WAV encoding: A-law"
  check pcm12.wav "unsupported PCM sample size 12 bits"
  check nochan.wav "0 channels"
  check norate.wav "invalid sample rate 0"
}

# A fake recordings folder: 3 speakers x 10 digits x indices 0 and 7,
# each a short tone whose frequency encodes the digit.
fake_recordings() {
  mkdir -p rec
  "$PY" - rec "$REF" <<'PY'
import subprocess, sys
d, ref = sys.argv[1], sys.argv[2]
for s, rate in (("alice", 8000), ("bob", 16000), ("carol", 8000)):
    for g in range(10):
        for i in (0, 7):
            subprocess.check_call([sys.executable, ref, "tone", "%s/%d_%s_%d.wav" % (d, g, s, i), str(rate),
                                   str(0.1 + 0.01 * g), "2", "1", str(300 + 100 * g), "0.1"])
PY
  printf 'x' > rec/README.txt
}

@test "make-utterances: speaker split, text, lengths, reproducible by seed" {
  need_numpy
  fake_recordings
  run --separate-stderr "$MU" --out u --count-train 30 --count-test 12 --test-speakers carol --seed 5 \
    --min-digits 2 --max-digits 4 rec
  [ "$status" -eq 0 ]
  [[ "$stderr" == *"README.txt"* ]] || [[ "$stderr" == *"1 entries"* ]]
  [ "$(head -1 u/utterances.tsv)" = "$(printf 'path\ttext\tspeaker\tsplit')" ]
  [ "$(wc -l < u/utterances.tsv)" -eq 43 ]
  [ "$(awk -F'\t' '$4 == "test" && $3 != "carol"' u/utterances.tsv | wc -l)" -eq 0 ]
  [ "$(awk -F'\t' '$4 == "train" && $3 == "carol"' u/utterances.tsv | wc -l)" -eq 0 ]
  [ "$(awk -F'\t' 'NR > 1 && $4 == "train"' u/utterances.tsv | wc -l)" -eq 30 ]
  # every utterance: 2-4 digit words, length = recordings + pauses (3-5 of 50-250 ms)
  "$PY" - <<'PY'
import csv, wave
words = "zero one two three four five six seven eight nine".split()
rows = list(csv.DictReader(open("u/utterances.tsv"), delimiter="\t"))
for r in rows:
    ds = [words.index(w) for w in r["text"].split()]
    assert 2 <= len(ds) <= 4, r
    with wave.open("u/" + r["path"]) as f:
        assert f.getframerate() == 8000 and f.getnchannels() == 1 and f.getsampwidth() == 2
        n = f.getnframes()
    speech = sum(round(8000 * (0.1 + 0.01 * d)) for d in ds)
    pauses = len(ds) + 1
    assert speech + pauses * 400 - pauses <= n <= speech + pauses * 2000 + pauses + len(ds), (r, n, speech)
PY
  # same seed, same bytes (and any thread count); another seed differs
  "$MU" -q --threads 1 --out u2 --count-train 30 --count-test 12 --test-speakers carol --seed 5 \
    --min-digits 2 --max-digits 4 rec
  diff -r u u2
  "$MU" -q --out u3 --count-train 30 --count-test 12 --test-speakers carol --seed 6 --min-digits 2 --max-digits 4 rec
  ! cmp -s u/utterances.tsv u3/utterances.tsv
  # chars, official split (index 0 test), features straight from the TSV
  "$MU" -q --out u4 --count-train 5 --count-test 5 --text chars --seed 1 rec
  awk -F'\t' 'NR > 1 && $2 !~ /^[0-9]+$/ { bad = 1 } END { exit bad }' u4/utterances.tsv
  [ "$(awk -F'\t' '$4 == "test"' u4/utterances.tsv | wc -l)" -eq 5 ]
  "$AF" -q --list u4/utterances.tsv --lengths l.npy -o f.npy
  "$PY" -c 'import numpy as np; f = np.load("f.npy"); assert f.shape[0] == 10 and f.shape[2] == 40'
}

@test "make-utterances: bad input gives a clear error and no TSV" {
  need_numpy
  fake_recordings
  run --separate-stderr "$MU" --out u --test-speakers dave rec
  [ "$status" -eq 1 ]
  [[ "$stderr" == *"test speaker 'dave' has no recordings"* ]]
  [ ! -e u/utterances.tsv ]
  head -c 40 rec/3_bob_7.wav > cut && mv cut rec/3_bob_7.wav
  run --separate-stderr "$MU" --out u rec
  [ "$status" -eq 1 ]
  [[ "$stderr" == *"rec/3_bob_7.wav: "*"truncated"* ]]
  [ ! -e u/utterances.tsv ]
  run --separate-stderr "$MU" --out u no-such-folder
  [ "$status" -eq 1 ]
  [[ "$stderr" == *"no-such-folder: cannot open folder"* ]]
  run --separate-stderr "$MU" rec
  [ "$status" -eq 2 ]
  run --separate-stderr "$MU" --out u --min-digits 3 --max-digits 2 rec
  [ "$status" -eq 2 ]
}

@test "FSDD: features of all 3,000 recordings; durations as the README says" {
  [ -d "${SHARED_DATA:-}/fsdd/recordings" ] || skip "FSDD is missing (SHARED_DATA)"
  need_numpy
  run --separate-stderr "$AF" --lengths l.npy -o f.npy "$SHARED_DATA"/fsdd/recordings/*.wav
  [ "$status" -eq 0 ]
  "$PY" -c '
import numpy as np
f, l = np.load("f.npy"), np.load("l.npy")
assert f.shape == (3000, 226, 40), f.shape
assert np.isfinite(f).all()
# frames = 1 + (n - 200) // 80: 1,148 / 3,358.5 (median) / 18,262 samples
assert (l.min(), int(np.median(l)), l.max()) == (12, 40, 226), (l.min(), np.median(l), l.max())'
  "$MU" -q --out u --count-train 20 --count-test 10 --test-speakers theo,yweweler --seed 1 "$SHARED_DATA"/fsdd/recordings
  [ "$(awk -F'\t' '$4 == "test" && $3 != "theo" && $3 != "yweweler"' u/utterances.tsv | wc -l)" -eq 0 ]
  "$AF" -q --list u/utterances.tsv -o uf.npy
}
