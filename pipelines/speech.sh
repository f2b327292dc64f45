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
  awk -F '\t' -v s=$s 'NR == 1 || $4 == s' utterances/utterances.tsv > utterances/$s.tsv
  fresh feats.$s.npy utterances/$s.tsv "$BIN/audio-features" ||
    audio-features -q $T --mels "$MELS" --list utterances/$s.tsv -o feats.$s.npy --lengths len.$s.npy
  cut -f2 utterances/$s.tsv | tail -n +2 > text.$s.txt
done
# Facts: recordings per digit and speaker, utterance lengths, frames.
ls "$REC" | awk -F_ '/\.wav$/ {n[$1]++; s[$2]++} END {for (d in n) print d"\t"n[d]}' | sort -n > digits.tsv
ls "$REC" | awk -F_ '/\.wav$/ {s[$2]++} END {for (k in s) print k"\t"s[k]}' | sort > speakers.tsv
{ printf 'digit\trecordings\n'; cat digits.tsv; } > digits_table.tsv
{ printf 'speaker\trecordings\n'; cat speakers.tsv; } > speakers_table.tsv
fresh frames.svg len.train.npy || plot hist -b 30 --title "Frames per training utterance (10 ms hop)" -o frames.svg len.train.npy
fresh spectrograms.png feats.train.npy ||
  plot grid -n 4 -c 4 -s 2 --cmap viridis --range auto -o spectrograms.png feats.train.npy
awk -F '\t' 'NR > 1 {n = split($2, w, " "); c[n]++} END {for (k in c) print k"\t"c[k]}' utterances/utterances.tsv |
  sort -n > words_hist.tsv
{ printf 'digits\tutterances\n'; cat words_hist.tsv; } > words_table.tsv
head -n 11 utterances/train.tsv > utterances_head.tsv

# ---- 2. the attention encoder-decoder ---------------------------------------------
if have train-seq2seq; then
  fresh seq2seq.safetensors feats.train.npy $P "$BIN/train-seq2seq" ||
    train-seq2seq $T -e "$EPOCHS" --x feats.train.npy --lengths len.train.npy --text text.train.txt \
      --val-x feats.test.npy --val-lengths len.test.npy --val-text text.test.txt \
      -o seq2seq.safetensors --history seq2seq.history.tsv 2> seq2seq.train.log ||
    log "train-seq2seq failed (see seq2seq.train.log)"
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
  echo "@image spectrograms.png Log-mel spectrograms of the first training utterances (time downwards, mel bands across)"
  echo "@table utterances_head.tsv The first training utterances"
  echo "## Recognition"
  if [ -f seq2seq.safetensors ]; then
    echo "@image seq2seq.history.svg Training curve"
  else
    echo "No model yet: \`train-seq2seq\` is not built."
  fi
  if [ -s skipped.txt ]; then echo "## Skipped"; sed 's/^/- /' skipped.txt; fi
} > report.txt
make_report
