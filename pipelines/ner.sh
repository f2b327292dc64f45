#!/bin/sh
# Section 1 of the assignment: named-entity tagging of the GMB corpus
# (Kaggle ner_dataset.csv) with recurrent networks.
#
#   DATA/ner-gmb/ner_dataset.csv.gz
#     -> tokens.tsv (word, norm, pos, tag) -> vocab.tsv, tags.tsv, statistics
#     -> sentences.txt -> word2vec -> vectors.txt
#     -> pad -> X.npy Y.npy len.npy -> train / test split
#     -> train-rnn (one model per entry of MODELS) -> predict -> metrics
#
# Budgets (environment): ROWS CSV rows read (0: all), EPOCHS, UNITS per
# recurrent layer, LR Adam's learning rate, MAXLEN columns of X (0: the longest sentence), W2V_ITER
# word2vec passes, MODELS (cells: lstm, gru, rnn, bi-lstm, ...), THREADS.
. "$(dirname "$0")/common.sh"
ROWS=${ROWS:-0} EPOCHS=${EPOCHS:-5} UNITS=${UNITS:-100} MAXLEN=${MAXLEN:-0} W2V_ITER=${W2V_ITER:-5}
MODELS=${MODELS:-lstm bi-lstm} LR=${LR:-0.001} THREADS=${THREADS:-0}
section ner ROWS=$ROWS EPOCHS=$EPOCHS UNITS=$UNITS MAXLEN=$MAXLEN W2V_ITER=$W2V_ITER "MODELS=$MODELS" LR=$LR
CSV=$DATA/ner-gmb/ner_dataset.csv.gz
P=params.txt
T="--threads $THREADS"

# ---- 1. tokens, vocabularies, statistics ---------------------------------------
fresh tokens.tsv "$CSV" $P "$BIN/tokenize" || tokenize --max-rows "$ROWS" -o tokens.tsv "$CSV" 2> tokenize.log
# Lemmas: the Porter stems of the lower-cased words.
fresh stems.tsv "$CSV" $P "$BIN/tokenize" || tokenize -q -n stem --max-rows "$ROWS" -o stems.tsv "$CSV"
mkdir -p stats
fresh vocab.tsv tokens.tsv || vocab -c norm --stats stats -o vocab.tsv tokens.tsv
fresh tags.tsv tokens.tsv || vocab -c tag -o tags.tsv tokens.tsv
fresh pos.tsv tokens.tsv || vocab -c pos -o pos.tsv tokens.tsv
fresh lemmas.tsv stems.tsv || vocab -c norm -o lemmas.tsv stems.tsv
fresh words.tsv tokens.tsv || vocab -c word -o words.tsv tokens.tsv
fresh zipf.svg stats/zipf.tsv || plot zipf -c count --title "Word frequencies (Zipf)" -o zipf.svg stats/zipf.tsv
fresh lengths.svg stats/lengths.tsv ||
  plot bar --label length --value sentences --title "Sentence lengths" --xlabel tokens -o lengths.svg stats/lengths.tsv
fresh classes.svg stats/classes.tsv ||
  plot bar --label class --value count --sort --colors --title "Tags" -o classes.svg stats/classes.tsv

# ---- 2. word vectors ---------------------------------------------------------------
fresh sentences.txt tokens.tsv || tokenize -q -s --max-rows "$ROWS" -o sentences.txt "$CSV"
fresh vectors.txt sentences.txt $P "$BIN/word2vec" ||
  word2vec -q $T -d 100 --min-count 1 -i "$W2V_ITER" -o vectors.txt sentences.txt

# ---- 3. id matrices and the split --------------------------------------------------
fresh X.npy tokens.tsv vocab.tsv tags.tsv $P || pad -t "$MAXLEN" -x X.npy -y Y.npy -l len.npy tokens.tsv vocab.tsv tags.tsv
fresh X.test.npy X.npy || train-test-split -q -t 0.2 -s 0 X.npy Y.npy len.npy

# ---- 4. recurrent taggers -----------------------------------------------------------
printf 'model\tparameters\tepochs\ttrain seconds\tentity precision\tentity recall\tentity F1\ttoken macro F1\tpredict ms/sentence\n' > summary.tsv
for m in $MODELS; do
  have train-rnn && have predict || break
  case $m in bi-*) opts="--cell ${m#bi-} --bidirectional" ;; *) opts="--cell $m" ;; esac
  train-rnn --summary $opts -u "$UNITS" --vectors vectors.txt --x X.train.npy --y Y.train.npy \
    --vocab vocab.tsv --tags tags.tsv > $m.summary.txt
  fresh $m.safetensors X.train.npy vectors.txt $P "$BIN/train-rnn" ||
    train-rnn $T $opts -u "$UNITS" -e "$EPOCHS" --lr "$LR" --vectors vectors.txt --x X.train.npy --y Y.train.npy \
      --val-x X.test.npy --val-y Y.test.npy --vocab vocab.tsv --tags tags.tsv \
      -o $m.safetensors --history $m.history.tsv 2> $m.train.log
  fresh $m.history.svg $m.history.tsv || plot line -y loss,val_loss --title "$m: loss per epoch" -o $m.history.svg $m.history.tsv
  if ! fresh $m.Yhat.npy $m.safetensors X.test.npy; then
    t0=$(date +%s.%N)
    predict $T -m $m.safetensors --argmax -o $m.Yhat.npy X.test.npy
    t1=$(date +%s.%N)
    awk -v a="$t0" -v b="$t1" -v n="$(npy info X.test.npy | awk -F '\t' '$1 == "shape" {print $2}' | tr -d '(' | cut -d, -f1)" \
      'BEGIN {printf "%.4f\n", (b - a) * 1000 / n}' > $m.predict_ms.txt
  fi
  metrics entity --format tsv -t Y.test.npy -p $m.Yhat.npy --tags tags.tsv -l len.test.npy > $m.entity.tsv
  awk -F '\t' 'BEGIN {print "type\tprecision\trecall\tf1\tsupport"}
    { k = $1; c = $2; if (k ~ /_micro$/) { sub(/_micro$/, "", k); c = "all (micro)" } }
    k ~ /^entity_(precision|recall|f1|support)$/ { v[c, k] = $3; if (!(c in seen)) { seen[c] = 1; order[++n] = c } }
    END { for (i = 1; i <= n; i++) { c = order[i]
      printf "%s\t%s\t%s\t%s\t%s\n", c, v[c, "entity_precision"], v[c, "entity_recall"], v[c, "entity_f1"], v[c, "entity_support"] } }' \
    $m.entity.tsv > $m.entity_table.tsv
  predict -m $m.safetensors --show 0 --y Y.test.npy X.test.npy > $m.example.txt 2>/dev/null || true
  params=$(grep -i 'total params' $m.summary.txt | head -1 | sed 's/[^0-9]//g')
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' $m "$params" "$(awk 'END {print NR - 1}' $m.history.tsv)" \
    "$(awk -F '\t' 'NR > 1 {s += $4} END {printf "%.1f", s}' $m.history.tsv)" \
    "$(tsv_get $m.entity.tsv entity_precision_micro)" "$(tsv_get $m.entity.tsv entity_recall_micro)" \
    "$(tsv_get $m.entity.tsv entity_f1_micro)" \
    "$(tsv_get $m.entity.tsv token_f1_macro)" "$(cat $m.predict_ms.txt 2>/dev/null || echo -)" >> summary.tsv
done

# ---- 5. the report -------------------------------------------------------------------
count() { awk -F '\t' '$2 != "<PAD>" && $2 != "<UNK>"' "$1" | wc -l | tr -d ' '; }
{
  echo "# Named-entity tagging (GMB)"
  echo
  echo "Data: \`$CSV\`. Budget: ROWS=$ROWS (0: all), $EPOCHS epochs, $UNITS units, models: $MODELS."
  echo
  echo "## The data"
  echo "- tokenize: \`$(sed 's/.*: \([a-z]* layout\)/\1/' tokenize.log | tail -1)\`"
  echo "- distinct words: $(count words.tsv); distinct lower-cased forms: $(count vocab.tsv); distinct lemmas (Porter stems): $(count lemmas.tsv)"
  echo "- distinct tags: $(count tags.tsv); distinct POS tags: $(count pos.tsv)"
  echo "- longest sentence: $(sed -n 's/.*longest sentence \([0-9]*\) tokens.*/\1/p' tokenize.log) tokens; X.npy $(npy info X.npy | awk -F '\t' '$1 == "shape" {print $2}') (sentences, columns)"
  echo "- train / test sentences: $(npy info X.train.npy | awk -F '\t' '$1 == "shape" {print $2}') / $(npy info X.test.npy | awk -F '\t' '$1 == "shape" {print $2}')"
  echo
  echo "@table stats/classes.tsv Tags and their counts"
  echo "@image classes.svg Tags (the classes are very unbalanced: O dominates)"
  echo "@image lengths.svg Sentence lengths"
  echo "@image zipf.svg Word frequency against rank"
  echo "## Taggers"
  echo "Entity scores are CoNLL-style (exact spans and types) on the test sentences; token macro F1 is over the real tokens without padding. Prediction time is the whole \`predict\` run divided by the test sentences."
  echo
  echo "@table summary.tsv Models side by side"
  for m in $MODELS; do
    [ -f $m.safetensors ] || continue
    echo "### $m"
    echo "@pre $m.summary.txt Layers and parameter counts"
    echo "@image $m.history.svg Training curve"
    echo "@table $m.entity_table.tsv Precision, recall and F1 per entity type"
    echo "@pre $m.example.txt A test sentence: token, true tag, predicted tag"
  done
  if [ -s skipped.txt ]; then echo "## Skipped"; sed 's/^/- /' skipped.txt; fi
} > report.txt
make_report
