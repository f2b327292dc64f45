#!/usr/bin/env bats
# train-seq2seq on a tiny synthetic transcription task made here: four
# "symbols" a b c d, each a noisy 4-band feature pattern held 3-4 frames,
# 1-3 of them per utterance with quiet frames between.  The model must
# learn to transcribe held-out utterances; greedy and beam decoding,
# attention weights and their heat map, and bad input.  Real speech (FSDD)
# is in bench/seq2seq.sh.

bats_require_minimum_version 1.5.0

setup() {
  B="$NNPIPE_BIN"
  D="$BATS_TEST_TMPDIR"
}

# gen DIR NAME N SEED -> NAME_x.npy (N, 24, 4), NAME_len.npy, NAME.tsv
gen() {
  local d=$1 name=$2
  LC_ALL=C awk -v N="$3" -v seed="$4" -v name="$d/$name" 'BEGIN {
    srand(seed); T = 24; F = 4; split("a b c d", sym, " ")
    print "path\ttext" > (name ".tsv")
    for (i = 0; i < N; i++) {
      k = 1 + int(rand() * 3); t = 0; text = ""
      q = 1 + int(rand() * 2); for (f = 0; f < q; f++) frame[t++] = 0
      for (j = 0; j < k; j++) {
        s = 1 + int(rand() * 4); text = text (j ? " " : "") sym[s]
        dd = 3 + int(rand() * 2); for (f = 0; f < dd; f++) frame[t++] = s
        g = 1 + int(rand() * 2); for (f = 0; f < g; f++) frame[t++] = 0
      }
      print i "\t" text > (name ".tsv")
      print t > (name "_len.txt")
      for (f = 0; f < T; f++) {
        line = ""
        for (b = 1; b <= F; b++) {
          v = 0
          if (f < t) { v = 0.3 * (rand() - 0.5); if (frame[f] == b) v += 2; if (frame[f] && b == (frame[f] % F) + 1) v += 1 }
          line = line (b > 1 ? "\t" : "") sprintf("%.4f", v)
        }
        print line > (name "_x.txt")
      }
    } }'
  "$B/npy" from-tsv "$d/${name}_x.txt" | "$B/npy" reshape -s "$3,24,4" -o "$d/${name}_x.npy"
  "$B/npy" from-tsv -t int32 "$d/${name}_len.txt" -o "$d/${name}_len.npy"
}

data() {
  gen "$D" train 300 1
  gen "$D" test 50 2
}

SMALL="--stack 2 --enc-units 16 --dec-units 16 --att-units 16 --embedding 8 -b 16 --lr 1e-2 -q"

train() { # train OUT EPOCHS [options]
  local out=$1 e=$2
  shift 2
  "$B/train-seq2seq" --feats "$D/train_x.npy" --lengths "$D/train_len.npy" --text "$D/train.tsv" $SMALL -e "$e" \
    -o "$out" "$@"
}

wer() { # wer PRED.tsv -> the word error rate
  "$B/metrics" sequence --true "$D/test.tsv" --pred "$1" | awk -F'\t' '$1 == "wer" { print $3 }'
}

# no file and no temporary file left beside it
nothing_written() {
  [ ! -e "$1" ] || { echo "$1 exists"; return 1; }
  ! ls "$1".tmp-* 2>/dev/null || { echo "temporary file left"; return 1; }
}

@test "learns to transcribe held-out utterances (bahdanau attention, greedy and beam)" {
  data
  train "$D/m.st" 12 --history "$D/h.tsv"
  awk -F'\t' 'NR == 2 { first = $2 } END { exit !($2 < first / 5) }' "$D/h.tsv"
  "$B/train-seq2seq" decode -m "$D/m.st" --feats "$D/test_x.npy" --lengths "$D/test_len.npy" -o "$D/g.tsv"
  "$B/train-seq2seq" decode -m "$D/m.st" --feats "$D/test_x.npy" --lengths "$D/test_len.npy" --search beam \
    --beam 4 -o "$D/b.tsv"
  [ "$(head -1 "$D/g.tsv")" = "$(printf 'id\ttext')" ]
  [ "$(wc -l < "$D/g.tsv")" -eq 51 ] && [ "$(wc -l < "$D/b.tsv")" -eq 51 ]
  g=$(wer "$D/g.tsv") b=$(wer "$D/b.tsv")
  echo "greedy WER $g, beam WER $b"
  awk -v g="$g" -v b="$b" 'BEGIN { exit !(g < 0.15 && b < 0.15) }'
}

@test "luong attention, no attention and lstm cells train too" {
  data
  for opt in "--attention luong" "--attention none" "--cell lstm"; do
    train "$D/m.st" 12 $opt
    "$B/train-seq2seq" decode -m "$D/m.st" --feats "$D/test_x.npy" --lengths "$D/test_len.npy" -o "$D/p.tsv"
    w=$(wer "$D/p.tsv")
    echo "$opt: WER $w"
    awk -v w="$w" 'BEGIN { exit !(w < 0.35) }'
  done
}

@test "the same model with 1 and 2 threads" {
  data
  train "$D/m1.st" 2 --threads 1
  train "$D/m2.st" 2 --threads 2
  cmp "$D/m1.st" "$D/m2.st"
}

@test "attention weights of chosen examples, and their heat map" {
  data
  train "$D/m.st" 12
  "$B/train-seq2seq" decode -m "$D/m.st" --feats "$D/test_x.npy" --lengths "$D/test_len.npy" -o "$D/p.tsv" \
    --attention-out "$D/att.npy" --examples 3,7
  run "$B/npy" info "$D/att.npy"
  [[ "$output" == *"(2, 8, 12)"* ]]
  # every emitted token's weights sum to 1 over the steps
  "$B/npy" reshape -s -1,12 "$D/att.npy" | "$B/npy" to-tsv | awk -F'\t' '{ s = 0; for (i = 1; i <= NF; i++) s += $i
    if (s > 0 && (s < 0.999 || s > 1.001)) bad++ } END { exit bad > 0 }'
  "$B/plot" heatmap "$D/att.npy" --index 1 --row 7 --spectrogram "$D/test_x.npy" --lengths "$D/test_len.npy" \
    --stack 2 --labels 1,2,3,4,5,6,7,8 -o "$D/att.png"
  [ "$(head -c 4 "$D/att.png" | od -An -c | tr -d ' ')" = "211PNG" ]
  run -1 "$B/plot" heatmap "$D/att.npy" --labels ab -o "$D/x.png"
  [[ "$output" == *"font"* ]]
  nothing_written "$D/x.png"
  # SVG: words down the left, time along the bottom, colour bars, pixels as embedded PNGs
  "$B/plot" heatmap "$D/att.npy" --index 1 --row 7 --spectrogram "$D/test_x.npy" --lengths "$D/test_len.npy" \
    --stack 2 --labels '<b>,c,d,e,f,g,h,</s>' --title 'utterance 7' -o "$D/att.svg"
  grep -q '^<svg' "$D/att.svg"
  grep -q '>&lt;b&gt;<' "$D/att.svg"
  grep -q 'time (s); one attention column = 2 frames of 10 ms' "$D/att.svg"
  grep -q '>weight<' "$D/att.svg" || grep -q '>mel band<' "$D/att.svg"
  [ "$(grep -c 'data:image/png;base64' "$D/att.svg")" -eq 4 ] # spectrogram, weights, two colour bars
  "$B/plot" spectrogram --row 7 --lengths "$D/test_len.npy" --hop-ms 0 -o "$D/spec.svg" "$D/test_x.npy"
  grep -q '>frame<' "$D/spec.svg"
  [ "$(grep -c 'data:image/png;base64' "$D/spec.svg")" -eq 2 ]
  run -1 "$B/plot" spectrogram --row 50 -o "$D/x.svg" "$D/test_x.npy"
  [[ "$output" == *"test_x.npy: expected features (N, T, F) with a row 50"* ]]
  nothing_written "$D/x.svg"
  run -1 "$B/plot" heatmap "$D/att.npy" --index 1 --row 7 --lengths "$D/test_x.npy" -o "$D/x.svg"
  nothing_written "$D/x.svg"
}

@test "bad input: clear errors, exit 1, no output" {
  data
  "$B/npy" slice -r 0:299 "$D/train_len.npy" -o "$D/short_len.npy"
  run -1 "$B/train-seq2seq" --feats "$D/train_x.npy" --lengths "$D/short_len.npy" --text "$D/train.tsv" -o "$D/m.st"
  [[ "$output" == *"short_len.npy: 299 lengths for 300 utterances"* ]]
  nothing_written "$D/m.st"
  head -100 "$D/train.tsv" > "$D/few.tsv"
  run -1 "$B/train-seq2seq" --feats "$D/train_x.npy" --lengths "$D/train_len.npy" --text "$D/few.tsv" -o "$D/m.st"
  [[ "$output" == *"few.tsv: 99 transcripts for 300 utterances"* ]]
  nothing_written "$D/m.st"
  sed 's/\ta$/\tzebra/' "$D/test.tsv" > "$D/unk.tsv"
  grep -q zebra "$D/unk.tsv"
  run -1 "$B/train-seq2seq" --feats "$D/train_x.npy" --lengths "$D/train_len.npy" --text "$D/train.tsv" \
    --val-feats "$D/test_x.npy" --val-lengths "$D/test_len.npy" --val-text "$D/unk.tsv" -o "$D/m.st"
  [[ "$output" == *"unknown token 'zebra'"* ]]
  nothing_written "$D/m.st"
  # lengths past the frames
  printf '30\n' | "$B/npy" from-tsv -t int32 > "$D/one_len.npy"
  "$B/npy" slice -r 0:1 "$D/train_x.npy" -o "$D/one_x.npy"
  train "$D/m.st" 1
  run -1 "$B/train-seq2seq" decode -m "$D/m.st" --feats "$D/one_x.npy" --lengths "$D/one_len.npy" -o "$D/p.tsv"
  [[ "$output" == *"length 30, outside 1..24"* ]]
  nothing_written "$D/p.tsv"
  # features of another width
  "$B/npy" reshape -s 300,48,2 "$D/train_x.npy" -o "$D/narrow.npy"
  run -1 "$B/train-seq2seq" decode -m "$D/m.st" --feats "$D/narrow.npy" --lengths "$D/train_len.npy" -o "$D/p.tsv"
  [[ "$output" == *"2 features per frame, the model takes 4"* ]]
  nothing_written "$D/p.tsv"
  # not a seq2seq model
  head -c 100 "$D/m.st" > "$D/cut.st"
  run -1 "$B/train-seq2seq" decode -m "$D/cut.st" --feats "$D/test_x.npy" --lengths "$D/test_len.npy" -o "$D/p.tsv"
  [[ "$output" == *"cut.st"* ]]
  nothing_written "$D/p.tsv"
  # metrics: different row counts
  run -1 "$B/metrics" sequence --true "$D/test.tsv" --pred "$D/few.tsv"
  [[ "$output" == *"99 transcripts, but"* ]]
}

@test "bad input: validation and decoding counts that do not match the features" {
  data
  "$B/npy" slice -r 0:40 "$D/test_x.npy" -o "$D/x40.npy"
  run -1 "$B/train-seq2seq" --feats "$D/train_x.npy" --lengths "$D/train_len.npy" --text "$D/train.tsv" \
    --val-feats "$D/x40.npy" --val-lengths "$D/test_len.npy" --val-text "$D/test.tsv" -o "$D/m.st"
  [[ "$output" == *"test_len.npy: 50 lengths for 40 utterances"* ]]
  nothing_written "$D/m.st"
  run -1 "$B/train-seq2seq" --feats "$D/train_x.npy" --lengths "$D/train_len.npy" --text "$D/train.tsv" \
    --val-feats "$D/test_x.npy" --val-lengths "$D/test_len.npy" --val-text "$D/train.tsv" -o "$D/m.st"
  [[ "$output" == *"train.tsv: more transcripts than the 50 utterances"* ]]
  nothing_written "$D/m.st"
  run -2 "$B/train-seq2seq" --feats "$D/train_x.npy" --lengths "$D/train_len.npy" --text "$D/train.tsv" \
    --val-feats "$D/test_x.npy" --val-text "$D/test.tsv" -o "$D/m.st"
  [[ "$output" == *"go together"* ]]
  nothing_written "$D/m.st"
  train "$D/m.st" 1
  run -1 "$B/train-seq2seq" decode -m "$D/m.st" --feats "$D/x40.npy" --lengths "$D/test_len.npy" -o "$D/p.tsv"
  [[ "$output" == *"50 lengths for 40 utterances"* ]]
  nothing_written "$D/p.tsv"
  # features that are not (N, T, F)
  "$B/npy" reshape -s 50,96 "$D/test_x.npy" -o "$D/flat.npy"
  run -1 "$B/train-seq2seq" decode -m "$D/m.st" --feats "$D/flat.npy" --lengths "$D/test_len.npy" -o "$D/p.tsv"
  [[ "$output" == *"flat.npy"* ]]
  nothing_written "$D/p.tsv"
}

@test "metrics sequence: WER of 'one two three' vs 'one three' is 1/3" {
  printf 'path\ttext\nx.wav\tone two three\n' > "$D/t.tsv"
  printf 'id\ttext\n0\tone three\n' > "$D/p.tsv"
  run "$B/metrics" sequence --true "$D/t.tsv" --pred "$D/p.tsv"
  [ "$status" -eq 0 ]
  [[ "$output" == *"wer	-	0.333333"* ]]
  [[ "$output" == *"sequence_accuracy	-	0"* ]]
}

@test "--resume from an epoch-1 checkpoint gives the uninterrupted run's model, byte for byte" {
  data
  # The encoder's input length changes from batch to batch; the checkpoint
  # must still match a freshly built model (it once never did).
  train "$D/whole.st" 3 -s 7
  train "$D/part.st" 1 -s 7 --checkpoint "$D/ck.st"
  [ -f "$D/ck.st" ]
  train "$D/resumed.st" 3 -s 7 --checkpoint "$D/ck.st" --resume
  cmp "$D/whole.st" "$D/resumed.st"
}

# sounds DIR: demo recordings, 60 training and 6 test utterances, features
# with their settings (20 mel bands)
sounds() {
  "$B/make-demo-data" sounds -n 6 -k 2 "$1/f" >/dev/null 2>&1
  "$B/make-utterances" -q --out "$1/u" --count-train 60 --count-test 6 "$1/f/recordings"
  awk -F '\t' -v d="$1" 'NR > 1 && $4 == "train" { print d "/u/" $0 }' "$1/u/utterances.tsv" > "$1/wtrain.tsv"
  awk -F '\t' -v d="$1" 'NR > 1 && $4 == "test" { print d "/u/" $0 }' "$1/u/utterances.tsv" > "$1/wtest.tsv"
  "$B/audio-features" -q --mels 20 --hop-ms 12.5 --list "$1/wtrain.tsv" -o "$1/wx.npy" --lengths "$1/wl.npy" \
    --settings "$1/audio.tsv"
  "$B/audio-features" -q --mels 20 --hop-ms 12.5 --list "$1/wtest.tsv" -o "$1/vx.npy" --lengths "$1/vl.npy"
}

@test "transcribe: WAV files straight to text with the settings kept in the model, as audio-features + decode" {
  sounds "$D"
  grep -qx "$(printf 'mels\t20')" "$D/audio.tsv"
  grep -qx "$(printf 'hop-ms\t12.5')" "$D/audio.tsv"
  "$B/train-seq2seq" --feats "$D/wx.npy" --lengths "$D/wl.npy" --text "$D/wtrain.tsv" --audio-settings "$D/audio.tsv" \
    --enc-units 8 --dec-units 8 --att-units 8 --embedding 4 -e 2 -q -o "$D/m.st"
  "$B/train-seq2seq" decode -m "$D/m.st" --feats "$D/vx.npy" --lengths "$D/vl.npy" -o "$D/dec.tsv"
  cut -f 1 "$D/wtest.tsv" | "$B/train-seq2seq" transcribe -m "$D/m.st" - > "$D/tr.tsv"
  [ "$(head -n 1 "$D/tr.tsv")" = "$(printf 'path\ttext')" ]
  [ "$(wc -l < "$D/tr.tsv")" -eq 7 ]
  # the same paths in order, the same texts as decoding the features
  diff <(tail -n +2 "$D/tr.tsv" | cut -f 1) <(cut -f 1 "$D/wtest.tsv")
  diff <(tail -n +2 "$D/tr.tsv" | cut -f 2) <(tail -n +2 "$D/dec.tsv" | cut -f 2)
  # one file as an argument, beam search
  run "$B/train-seq2seq" transcribe -m "$D/m.st" --search beam --beam 3 "$(head -n 1 "$D/wtest.tsv" | cut -f 1)"
  [ "$status" -eq 0 ]
  [ "${#lines[@]}" -eq 2 ]
}

@test "transcribe and --audio-settings: bad input gives clear errors" {
  sounds "$D"
  # settings that do not give the features' width
  "$B/audio-features" -q --mels 21 -o "$D/x21.npy" "$(head -n 1 "$D/wtest.tsv" | cut -f 1)" --settings "$D/a21.tsv"
  run -1 "$B/train-seq2seq" --feats "$D/wx.npy" --lengths "$D/wl.npy" --text "$D/wtrain.tsv" --audio-settings "$D/a21.tsv" \
    -e 1 -q -o "$D/m.st"
  [[ "$output" == *"a21.tsv: these settings give 21 features per frame, the training features have 20"* ]]
  [ ! -e "$D/m.st" ]
  printf 'mels\t20\nwindow\t25\n' > "$D/bad.tsv"
  run -1 "$B/train-seq2seq" --feats "$D/wx.npy" --lengths "$D/wl.npy" --text "$D/wtrain.tsv" --audio-settings "$D/bad.tsv" \
    -e 1 -q -o "$D/m.st"
  [[ "$output" == *"bad.tsv: audio settings: unknown option 'window'"* ]]
  printf 'mels\ttwenty\n' > "$D/bad.tsv"
  run -1 "$B/train-seq2seq" --feats "$D/wx.npy" --lengths "$D/wl.npy" --text "$D/wtrain.tsv" --audio-settings "$D/bad.tsv" \
    -e 1 -q -o "$D/m.st"
  [[ "$output" == *"'twenty' is not a valid value of mels"* ]]
  # a model without the settings, a missing file, no file, a corrupt WAV
  "$B/train-seq2seq" --feats "$D/wx.npy" --lengths "$D/wl.npy" --text "$D/wtrain.tsv" --enc-units 8 --dec-units 8 \
    -e 1 -q -o "$D/plain.st"
  w=$(head -n 1 "$D/wtest.tsv" | cut -f 1)
  run -1 "$B/train-seq2seq" transcribe -m "$D/plain.st" "$w"
  [[ "$output" == *"plain.st: the model keeps no audio settings"* ]]
  "$B/train-seq2seq" --feats "$D/wx.npy" --lengths "$D/wl.npy" --text "$D/wtrain.tsv" --audio-settings "$D/audio.tsv" \
    --enc-units 8 --dec-units 8 -e 1 -q -o "$D/m.st"
  run -1 "$B/train-seq2seq" transcribe -m "$D/m.st" "$D/nosuch.wav"
  [[ "$output" == *"nosuch.wav: cannot open"* ]]
  head -c 30 "$w" > "$D/cut.wav"
  run -1 "$B/train-seq2seq" transcribe -m "$D/m.st" -o "$D/out.tsv" "$w" "$D/cut.wav"
  [[ "$output" == *"cut.wav: "* ]]
  [ ! -e "$D/out.tsv" ]
  run -2 "$B/train-seq2seq" transcribe -m "$D/m.st"
}
