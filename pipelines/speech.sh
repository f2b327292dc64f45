#!/bin/sh
# Section 3 of the assignment: speech recognition of spoken digit sequences
# with an attention encoder-decoder (Free Spoken Digit Dataset).
#
#   DATA/fsdd/recordings/{digit}_{speaker}_{index}.wav
#     -> make-utterances -> utterances/*.wav, utterances.tsv (path, text, speaker, split)
#     -> audio-features (log-mel) -> feats.train.npy (N, T, F), len.train.npy, ...
#     -> train-seq2seq -> decode -> WER, CER; attention pictures
#
# Budgets (environment): TRAIN_UTT / TEST_UTT utterances, MAX_DIGITS per
# utterance, MELS bands, EPOCHS, THREADS.
. "$(dirname "$0")/common.sh"
TRAIN_UTT=${TRAIN_UTT:-1000} TEST_UTT=${TEST_UTT:-200} MAX_DIGITS=${MAX_DIGITS:-5} MELS=${MELS:-40}
EPOCHS=${EPOCHS:-10} THREADS=${THREADS:-0}
section speech TRAIN_UTT=$TRAIN_UTT TEST_UTT=$TEST_UTT MAX_DIGITS=$MAX_DIGITS MELS=$MELS EPOCHS=$EPOCHS
REC=$DATA/fsdd/recordings
P=params.txt
T="--threads $THREADS"

# ---- 1. utterances: random digit sequences joined from the recordings --------
fresh utterances/utterances.tsv "$REC" $P "$BIN/make-utterances" ||
  make-utterances -q $T --out utterances --count-train "$TRAIN_UTT" --count-test "$TEST_UTT" \
    --max-digits "$MAX_DIGITS" "$REC"
for s in train test; do
  awk -F '\t' -v s=$s 'NR == 1 || $4 == s' utterances/utterances.tsv | update utterances/$s.tsv
  fresh feats.$s.npy utterances/$s.tsv "$BIN/audio-features" ||
    audio-features -q $T --mels "$MELS" --list utterances/$s.tsv -o feats.$s.npy --lengths len.$s.npy
  cut -f2 utterances/$s.tsv | tail -n +2 | update text.$s.txt
done
# Facts: recordings per digit and speaker, utterance lengths, frames.
ls "$REC" | awk -F_ '/\.wav$/ {n[$1]++; s[$2]++} END {for (d in n) print d"\t"n[d]}' | sort -n > digits.tsv
ls "$REC" | awk -F_ '/\.wav$/ {s[$2]++} END {for (k in s) print k"\t"s[k]}' | sort > speakers.tsv
{ printf 'digit\trecordings\n'; cat digits.tsv; } > digits_table.tsv
{ printf 'speaker\trecordings\n'; cat speakers.tsv; } > speakers_table.tsv
fresh frames.svg len.train.npy || plot hist -b 30 --title "Frames per training utterance (10 ms hop)" -o frames.svg len.train.npy
# One utterance on its own (no zero padding), for the picture.
fresh spectrogram.npy utterances/train.tsv "$BIN/audio-features" ||
  audio-features -q --mels "$MELS" -o spectrogram.npy "utterances/$(sed -n 2p utterances/train.tsv | cut -f1)"
fresh spectrogram.png spectrogram.npy ||
  plot grid -n 1 -s 3 --cmap viridis --range auto -o spectrogram.png spectrogram.npy
awk -F '\t' 'NR > 1 {n = split($2, w, " "); c[n]++} END {for (k in c) print k"\t"c[k]}' utterances/utterances.tsv |
  sort -n > words_hist.tsv
{ printf 'digits\tutterances\n'; cat words_hist.tsv; } > words_table.tsv
head -n 11 utterances/train.tsv > utterances_head.tsv

# ---- 2. the attention encoder-decoder ---------------------------------------------
if have train-seq2seq; then
  fresh seq2seq.safetensors feats.train.npy $P "$BIN/train-seq2seq" ||
    train-seq2seq -q $T -e "$EPOCHS" --feats feats.train.npy --lengths len.train.npy --text utterances/train.tsv \
      --val-feats feats.test.npy --val-lengths len.test.npy --val-text utterances/test.tsv \
      -o seq2seq.safetensors --history seq2seq.history.tsv 2> seq2seq.train.log
  fresh seq2seq.history.svg seq2seq.history.tsv ||
    plot line -y loss,val_loss --title "seq2seq: loss per epoch" -o seq2seq.history.svg seq2seq.history.tsv
  for search in greedy beam; do
    fresh pred.$search.tsv seq2seq.safetensors feats.test.npy || {
      t0=$(date +%s.%N)
      train-seq2seq decode -q $T -m seq2seq.safetensors --feats feats.test.npy --lengths len.test.npy \
        --search $search -o pred.$search.tsv --attention-out attention.$search.npy --examples 0,1,2,3
      t1=$(date +%s.%N)
      awk -v a="$t0" -v b="$t1" -v n="$(wc -l < text.test.txt)" 'BEGIN {printf "%.3f\n", (b - a) * 1000 / n}' > pred.$search.ms
    }
    metrics sequence --format tsv -t utterances/test.tsv -p pred.$search.tsv > score.$search.tsv
    fresh attention.$search.png attention.$search.npy ||
      plot heatmap -i 0 --spectrogram feats.test.npy --lengths len.test.npy --row 0 -o attention.$search.png \
        attention.$search.npy
  done
  { printf 'search\tWER\tCER\tsequence accuracy\tdecode ms/utterance\n'
    for search in greedy beam; do
      printf '%s\t%s\t%s\t%s\t%s\n' $search "$(tsv_get score.$search.tsv wer)" "$(tsv_get score.$search.tsv cer)" \
        "$(tsv_get score.$search.tsv sequence_accuracy)" "$(cat pred.$search.ms)"
    done; } > summary.tsv
  { printf 'truth\tgreedy\tbeam\n'; tail -n +2 pred.greedy.tsv | cut -f2 | paste text.test.txt - > ex.tmp
    tail -n +2 pred.beam.tsv | cut -f2 | paste ex.tmp - | head -n 12; rm -f ex.tmp; } > examples.tsv
fi

# ---- 3. the report ------------------------------------------------------------------
{
  echo "# Spoken digit sequences: attention encoder-decoder"
  echo
  echo "Data: \`$REC\`. Utterances of 1 to $MAX_DIGITS digits joined from one speaker's recordings: $TRAIN_UTT for training, $TEST_UTT for testing; $MELS log-mel bands, 25 ms windows every 10 ms."
  echo
  echo "## The data"
  echo "- recordings: $(ls "$REC" | grep -c '\.wav$'); speakers: $(wc -l < speakers.tsv | tr -d ' ')"
  echo "- features: train $(npy info feats.train.npy | awk -F '\t' '$1 == "shape" {print $2}'), test $(npy info feats.test.npy | awk -F '\t' '$1 == "shape" {print $2}') (utterances, frames, mel bands)"
  echo
  echo "@table digits_table.tsv Recordings per digit"
  echo "@table speakers_table.tsv Recordings per speaker"
  echo "@table words_table.tsv Utterances by number of digits"
  echo "@image frames.svg Utterance lengths"
  echo "@image spectrogram.png Log-mel spectrogram of the first training utterance, \"$(sed -n 2p utterances/train.tsv | cut -f2)\" (time downwards, mel bands across, low to high)"
  echo "@table utterances_head.tsv The first training utterances"
  echo "## Recognition"
  if [ -f seq2seq.safetensors ]; then
    echo "@image seq2seq.history.svg Training curve"
    echo "@table summary.tsv Word and character error rates on the test utterances (greedy and beam search)"
    echo "@table examples.tsv Test utterances: truth and transcriptions"
    echo "@image attention.greedy.png Attention weights of the first test utterance, \"$(sed -n 1p text.test.txt)\", under its spectrogram (greedy search: output tokens downwards, encoder steps across)"
  else
    echo "No model yet: \`train-seq2seq\` is not built."
  fi
  if [ -s skipped.txt ]; then echo "## Skipped"; sed 's/^/- /' skipped.txt; fi
} > report.txt
make_report
