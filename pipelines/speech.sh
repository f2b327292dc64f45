#!/bin/sh
# Section 3 of the assignment: speech recognition of spoken digit sequences
# with an attention encoder-decoder (Free Spoken Digit Dataset).
#
#   DATA/fsdd/recordings/{digit}_{speaker}_{index}.wav
#     -> make-utterances -> utterances/*.wav, utterances.tsv (path, text, speaker, split)
#        (the TEST_SPEAKERS are only in the test set: a voice never heard in training)
#     -> audio-features (log-mel) -> feats.train.npy (N, T, F), len.train.npy, ...
#     -> train-seq2seq, one model per attention in MODELS ("none": the encoder's
#        last states only) -> decode (greedy; beam for attention models)
#     -> WER, CER; attention heat maps of the best attention model
#
# Budgets (environment): TRAIN_UTT / TEST_UTT utterances, MAX_DIGITS per
# utterance, MELS bands, EPOCHS, MODELS, BEAM, TEST_SPEAKERS, THREADS.
. "$(dirname "$0")/common.sh"
TRAIN_UTT=${TRAIN_UTT:-2000} TEST_UTT=${TEST_UTT:-300} MAX_DIGITS=${MAX_DIGITS:-7} MELS=${MELS:-40}
EPOCHS=${EPOCHS:-15} THREADS=${THREADS:-0} MODELS=${MODELS:-bahdanau luong none} BEAM=${BEAM:-4}
TEST_SPEAKERS=${TEST_SPEAKERS:-theo}
section speech TRAIN_UTT=$TRAIN_UTT TEST_UTT=$TEST_UTT MAX_DIGITS=$MAX_DIGITS MELS=$MELS EPOCHS=$EPOCHS \
  TEST_SPEAKERS=$TEST_SPEAKERS
REC=$DATA/fsdd/recordings
P=params.txt
T="--threads $THREADS"
STACK=3 # frames per encoder step (train-seq2seq's default), for the heat maps' time axis

# ---- 1. utterances: random digit sequences joined from the recordings --------
# A test speaker missing from the recordings (the generated demo data has
# its own names) falls back to the official split by recording index.
if ls "$REC" | grep -q "_${TEST_SPEAKERS%%,*}_"; then SPLIT="--test-speakers $TEST_SPEAKERS"; else SPLIT=; TEST_SPEAKERS=; fi
fresh utterances/utterances.tsv "$REC" $P "$BIN/make-utterances" ||
  make-utterances -q $T --out utterances --count-train "$TRAIN_UTT" --count-test "$TEST_UTT" \
    --max-digits "$MAX_DIGITS" $SPLIT "$REC"
for s in train test; do
  awk -F '\t' -v s=$s 'NR == 1 || $4 == s' utterances/utterances.tsv | update utterances/$s.tsv
  # The training features' settings (audio.tsv) go into the models, so that
  # train-seq2seq transcribe can compute the same features from a WAV file.
  st=
  [ $s = train ] && st="--settings audio.tsv"
  { [ -z "$st" ] || [ -f audio.tsv ]; } && fresh feats.$s.npy utterances/$s.tsv "$BIN/audio-features" ||
    audio-features -q $T --mels "$MELS" --list utterances/$s.tsv -o feats.$s.npy --lengths len.$s.npy $st
  cut -f2 utterances/$s.tsv | tail -n +2 | update text.$s.txt
done

# ---- the data: recordings per digit and speaker, durations, spectrograms --------
ls "$REC" | awk '/\.wav$/' | update recordings.txt
# Durations from one-band features: frames x 10 ms (+ the 15 ms the last
# 25 ms window overhangs its frame).
fresh rec_len.npy recordings.txt "$BIN/audio-features" || {
  sed "s|^|$REC/|" recordings.txt > recordings.list
  audio-features -q $T --mels 1 --list recordings.list -o rec_1band.npy --lengths rec_len.npy
  rm -f rec_1band.npy recordings.list
}
npy to-tsv rec_len.npy | awk '{ printf "%.3f\n", $1 * 0.01 + 0.015 }' | paste recordings.txt - |
  awk -F '\t' '{ split($1, p, "_"); print p[1] "\t" p[2] "\t" $2 }' > rec_durations.tsv
{ printf 'digit\trecordings\tmean duration (s)\tshortest (s)\tlongest (s)\n'
  sort -k1,1n rec_durations.tsv | awk -F '\t' '
    ($1 "") != d { if (n) printf "%s\t%d\t%.2f\t%.2f\t%.2f\n", d, n, s / n, lo, hi; d = $1; n = 0; s = 0; lo = 1e9; hi = 0 }
    { n++; s += $3; if ($3 < lo) lo = $3; if ($3 > hi) hi = $3 }
    END { if (n) printf "%s\t%d\t%.2f\t%.2f\t%.2f\n", d, n, s / n, lo, hi }'; } > digits_table.tsv
{ printf 'speaker\trecordings\tmean duration (s)\tsplit\n'
  sort -k2,2 rec_durations.tsv | awk -F '\t' -v t=",$TEST_SPEAKERS," '
    function out() { printf "%s\t%d\t%.2f\t%s\n", k, n, s / n, index(t, "," k ",") ? "test only" : (t == ",," ? "both" : "training only") }
    $2 != k { if (n) out(); k = $2; n = 0; s = 0 }
    { n++; s += $3 }
    END { if (n) out() }'; } > speakers_table.tsv
{ printf 'seconds\n'; cut -f3 rec_durations.tsv; } > rec_durations_col.tsv
fresh rec_durations.svg rec_durations_col.tsv ||
  plot hist -b 40 --title "Duration of the $(wc -l < recordings.txt | tr -d ' ') recordings" --xlabel "seconds" \
    --ylabel "recordings" -o rec_durations.svg rec_durations_col.tsv
{ printf 'seconds\n'; npy to-tsv len.train.npy | awk '{ printf "%.2f\n", $1 * 0.01 + 0.015 }'; } > utt_durations.tsv
fresh frames.svg utt_durations.tsv ||
  plot hist -b 30 --title "Duration of the training utterances" --xlabel "seconds" --ylabel "utterances" \
    -o frames.svg utt_durations.tsv
awk -F '\t' 'NR > 1 {n = split($2, w, " "); c[n]++} END {for (k in c) print k"\t"c[k]}' utterances/utterances.tsv |
  sort -n > words_hist.tsv
{ printf 'digits\tutterances\n'; cat words_hist.tsv; } > words_table.tsv
head -n 11 utterances/train.tsv > utterances_head.tsv
# Spectrogram examples: the first training utterance of two speakers, and
# the first test utterance.
sp1=$(awk -F '\t' 'NR > 1 { print $3; exit }' utterances/train.tsv)
sp_rows=$(awk -F '\t' -v a="$sp1" 'NR > 1 && $3 == a && !x { print NR - 2; x = 1 } NR > 1 && $3 != a && !y { print NR - 2; y = 1 }' \
  utterances/train.tsv)
spec_list=
for r in $sp_rows; do
  line=$(sed -n "$((r + 2))p" utterances/train.tsv)
  fresh spec.train.$r.svg feats.train.npy "$BIN/plot" ||
    plot spectrogram --row "$r" --lengths len.train.npy --width 860 --height 160 \
      --title "training utterance $r, speaker $(echo "$line" | cut -f3): \"$(echo "$line" | cut -f2)\"" \
      -o spec.train.$r.svg feats.train.npy
  spec_list="$spec_list spec.train.$r.svg"
done
line=$(sed -n 2p utterances/test.tsv)
fresh spec.test.0.svg feats.test.npy "$BIN/plot" ||
  plot spectrogram --row 0 --lengths len.test.npy --width 860 --height 160 \
    --title "test utterance 0, speaker $(echo "$line" | cut -f3): \"$(echo "$line" | cut -f2)\"" \
    -o spec.test.0.svg feats.test.npy
spec_list="$spec_list spec.test.0.svg"

# ---- 2. the encoder-decoders: one per attention ----------------------------------
if have train-seq2seq; then
  for att in $MODELS; do
    m=seq2seq.$att
    fresh $m.safetensors feats.train.npy audio.tsv $P "$BIN/train-seq2seq" ||
      train-seq2seq -q $T -e "$EPOCHS" --attention "$att" --stack $STACK --feats feats.train.npy --lengths len.train.npy \
        --audio-settings audio.tsv \
        --text utterances/train.tsv --val-feats feats.test.npy --val-lengths len.test.npy --val-text utterances/test.tsv \
        -o $m.safetensors --history $m.history.tsv 2> $m.train.log
    searches=greedy
    [ "$att" != none ] && searches="greedy beam"
    for search in $searches; do
      fresh pred.$att.$search.tsv $m.safetensors feats.test.npy || {
        t0=$(date +%s.%N)
        train-seq2seq decode -q $T -m $m.safetensors --feats feats.test.npy --lengths len.test.npy \
          --search $search --beam "$BEAM" -o pred.$att.$search.tsv
        t1=$(date +%s.%N)
        awk -v a="$t0" -v b="$t1" -v n="$(wc -l < text.test.txt)" 'BEGIN {printf "%.3f\n", (b - a) * 1000 / n}' \
          > pred.$att.$search.ms
      }
      metrics sequence --format tsv -t utterances/test.tsv -p pred.$att.$search.tsv > score.$att.$search.tsv
    done
  done
  # One table: every model and search, and the best of them.
  { printf 'attention\tsearch\tWER\tCER\tsequence accuracy\ts/epoch\tdecode ms/utterance\n'
    for att in $MODELS; do
      for search in greedy beam; do
        [ -f score.$att.$search.tsv ] || continue
        [ "$att" = none ] && [ $search = beam ] && continue
        label=$search
        [ $search = beam ] && label="beam $BEAM"
        printf '%s\t%s\t%.3f\t%.3f\t%.3f\t%s\t%s\n' "$att" "$label" "$(tsv_get score.$att.$search.tsv wer)" \
          "$(tsv_get score.$att.$search.tsv cer)" "$(tsv_get score.$att.$search.tsv sequence_accuracy)" \
          "$(awk -F '\t' 'NR > 1 { s += $4; n++ } END { if (n) printf "%.1f", s / n }' seq2seq.$att.history.tsv)" \
          "$(printf %.1f "$(cat pred.$att.$search.ms)")"
      done
    done; } > summary.tsv
  best=$(awk -F '\t' 'NR > 1 && (b == "" || $3 + 0 < w) { w = $3 + 0; b = $1 "\t" $2 "\t" $3 } END { print b }' summary.tsv)
  best_att=$(awk -F '\t' 'NR > 1 && $1 != "none" && $2 == "greedy" && (b == "" || $3 + 0 < w) { w = $3 + 0; b = $1 } END { print b }' \
    summary.tsv)
  # Curves: the test loss of every model per epoch.
  { printf 'epoch'; for att in $MODELS; do printf '\t%s train\t%s test' "$att" "$att"; done; echo
    n=$(($(wc -l < seq2seq.$(echo $MODELS | cut -d' ' -f1).history.tsv) - 1))
    i=1
    while [ $i -le $n ]; do
      printf '%d' $i
      for att in $MODELS; do
        awk -F '\t' -v i=$((i + 1)) 'NR == i { printf "\t%s\t%s", $2, $3 }' seq2seq.$att.history.tsv
      done
      echo
      i=$((i + 1))
    done; } > curves.tsv
  cols=$(head -n 1 curves.tsv | cut -f2- | tr '\t' ',')
  fresh curves.svg curves.tsv || plot line -x epoch -y "$cols" --title "Cross-entropy per token, by epoch" \
    --xlabel epoch --ylabel loss -o curves.svg curves.tsv
  # Heat maps: every attention model's weights on three test utterances.
  ex=
  for att in $MODELS; do
    [ "$att" = none ] && continue
    m=seq2seq.$att
    fresh attention.$att.npy $m.safetensors feats.test.npy || {
      train-seq2seq decode -q $T -m $m.safetensors --feats feats.test.npy --lengths len.test.npy \
        -o pred.examples.$att.tsv --attention-out attention.$att.npy --examples 0,1,2
    }
    for k in 0 1 2; do
      hyp=$(sed -n "$((k + 2))p" pred.examples.$att.tsv | cut -f2)
      ref=$(sed -n "$((k + 1))p" text.test.txt)
      fresh attention.$att.$k.svg attention.$att.npy "$BIN/plot" ||
        plot heatmap -i $k --row $k --spectrogram feats.test.npy --lengths len.test.npy --stack $STACK \
          --labels "$(echo "$hyp </s>" | sed 's/^ *//' | tr ' ' ',')" \
          --title "$att attention, test utterance $k: \"$ref\", heard \"$hyp\"" -o attention.$att.$k.svg attention.$att.npy
      ex="$ex attention.$att.$k.svg"
    done
  done
  # Straight from the recordings: transcribe computes the features itself,
  # with the settings the model keeps; it must hear what decode heard.
  if [ -n "$best_att" ]; then
    fresh transcribed.tsv seq2seq.$best_att.safetensors utterances/test.tsv ||
      awk -F '\t' 'NR > 1 && NR <= 6 { print "utterances/" $1 }' utterances/test.tsv |
        train-seq2seq transcribe -q $T -m seq2seq.$best_att.safetensors -o transcribed.tsv -
    tail -n +2 pred.$best_att.greedy.tsv | head -n 5 | cut -f 2 > decoded.tmp
    { printf 'recording\ttruth\ttranscribed\tsame as decode\n'
      tail -n +2 transcribed.tsv | head -n 5 | cut -f 1,2 | paste - text.test.txt decoded.tmp | head -n 5 |
        awk -F '\t' '{ printf "%s\t%s\t%s\t%s\n", $1, $3, $2, $2 == $4 ? "yes" : "NO" }'; } > transcribed_table.tsv
    rm -f decoded.tmp
  fi
  { printf 'truth'; for att in $MODELS; do printf '\t%s' "$att"; done; echo
    cp text.test.txt ex.tmp
    for att in $MODELS; do
      tail -n +2 pred.$att.greedy.tsv | cut -f2 | paste ex.tmp - > ex.tmp2 && mv ex.tmp2 ex.tmp
    done
    head -n 12 ex.tmp; rm -f ex.tmp; } > examples.tsv
fi

# ---- 3. the report ------------------------------------------------------------------
{
  echo "# Spoken digit sequences: attention encoder-decoder"
  echo
  echo "Data: \`$REC\`. Utterances of 1 to $MAX_DIGITS digits joined from one speaker's recordings with short random pauses: $TRAIN_UTT for training, $TEST_UTT for testing$([ -n "$TEST_SPEAKERS" ] && echo ", the test ones spoken by $TEST_SPEAKERS, a speaker never heard in training"); $MELS log-mel bands, 25 ms windows every 10 ms."
  echo
  echo "## The data"
  echo "- recordings: $(wc -l < recordings.txt | tr -d ' '); speakers: $(tail -n +2 speakers_table.tsv | wc -l | tr -d ' '); 8 kHz mono"
  echo "- features: train $(npy info feats.train.npy | awk -F '\t' '$1 == "shape" {print $2}'), test $(npy info feats.test.npy | awk -F '\t' '$1 == "shape" {print $2}') (utterances, frames, mel bands)"
  echo
  echo "@table speakers_table.tsv Recordings per speaker"
  echo "@table digits_table.tsv Recordings per digit"
  echo "@image rec_durations.svg Durations of the single-digit recordings"
  echo "@table words_table.tsv Utterances by number of digits"
  echo "@image frames.svg Durations of the training utterances"
  for f in $spec_list; do
    echo "@image $f Log-mel spectrogram (time across, mel bands from low to high upwards): each digit is a burst of energy between silent pauses"
  done
  echo "@table utterances_head.tsv The first training utterances"
  echo "## Recognition"
  if [ -f summary.tsv ]; then
    echo "Encoder: bidirectional GRU 64 over $STACK stacked frames per step; decoder GRU 64 with teacher forcing; $EPOCHS epochs, Adam 2e-3, batch 32. \"none\" decodes from the encoder's last states only, without attention."
    echo
    echo "@table summary.tsv Word and character error rates on the $TEST_UTT test utterances"
    echo "Best: $(echo "$best" | awk -F '\t' '{ printf "%s attention, %s search: WER %s", $1, $2, $3 }')."
    if [ -f score.none.greedy.tsv ] && [ -n "$best_att" ]; then
      echo "Without attention (the decoder sees only the encoder's last states) the greedy WER is $(printf %.3f "$(tsv_get score.none.greedy.tsv wer)"); with $best_att attention it is $(printf %.3f "$(tsv_get score.$best_att.greedy.tsv wer)")."
    fi
    echo
    echo "@image curves.svg Training and test loss per epoch"
    echo "@table examples.tsv Test utterances: truth and greedy transcriptions"
    if [ -f transcribed_table.tsv ]; then
      echo "From the WAV files alone: \`train-seq2seq transcribe\` computes the log-mel features with the settings kept in the $best_att model (\`audio-features --settings\`, given to the trainer as \`--audio-settings\`) and decodes them greedily; the last column compares its text with the decode of the precomputed features."
      echo
      echo "@table transcribed_table.tsv Transcribed straight from the recordings"
    fi
    if [ -n "$ex" ]; then
      echo "## Attention"
      echo "Weights of each attention model on the first test utterances, under their spectrograms (greedy search; one row per output token, colours from 0 to the largest weight). The alignment is monotonic: it runs from top left to bottom right, and the end token looks at the closing silence. With a bidirectional encoder the state at a word's edge already summarizes the word, so a token's weight often sits at the end of its word or in the pause next to it rather than across it."
      echo
      for f in $ex; do
        a=${f#attention.}
        echo "@image $f Attention weights (${a%%.*})"
      done
    fi
  else
    echo "No model yet: \`train-seq2seq\` is not built."
  fi
  if [ -s skipped.txt ]; then echo "## Skipped"; sed 's/^/- /' skipped.txt; fi
} > report.txt
make_report
