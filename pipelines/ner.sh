#!/bin/sh
# Section 1 of the assignment: named-entity tagging of the GMB corpus
# (Kaggle ner_dataset.csv) with recurrent networks.
#
#   prepare: DATA/ner-gmb/ner_dataset.csv.gz
#     -> tokens.tsv (word, norm, pos, tag) -> vocab.tsv, tags.tsv, statistics
#     -> sentences.txt -> word2vec (skip-gram) -> vectors.txt
#     -> pad -> X.npy Y.npy len.npy -> train / test split (70 / 30)
#   run NAME: train-rnn -> NAME.safetensors -> predict -> metrics -> NAME.row.tsv
#   report: summary.tsv, report.html
#
# Experiments: a name says the model, [bi-]CELL[-MERGE][-trainable]:
#   lstm              the assignment's tagger: LSTM on frozen word2vec vectors
#   lstm-trainable    the same, the embedding trained too
#   bi-lstm-concat    bidirectional; the directions merged by concat, sum,
#   bi-lstm-sum ...   mul or ave (Keras's Bidirectional merge_mode)
#   gru               GRU cells instead of LSTM
#   best              the model named by BEST
# Any name of that form works (bi-gru-sum-trainable, rnn, ...), and may end
# in -lN for N stacked layers and -uN for N units per direction
# (bi-lstm-concat-trainable-l2-u200).
#
# Settings (environment), the assignment's by default:
#   word2vec: W2V_DIM 32, W2V_WINDOW 5, W2V_NEGATIVE 5, W2V_MIN_COUNT 3,
#     W2V_ITER 5 passes, skip-gram, W2V_THREADS 1 (reproducible);
#     TEST 0.3 of the sentences with SEED 22
#   taggers: UNITS 100 per direction, DROPOUT 0.2, BATCH 128, LR 0.001 (Adam)
#   budgets: EPOCHS, ROWS CSV rows read (0: all), MAXLEN columns of X
#     (0: the longest sentence), MODELS the experiments, BEST and its own
#     BEST_EPOCHS (default EPOCHS), THREADS
#
# Usage: sh pipelines/ner.sh [all | prepare | list | run NAME... | report]
# (see "stages" in common.sh; `make ner` runs it, `make -j2 ner` two
# experiments at a time).
. "$(dirname "$0")/common.sh"
SECTION=ner
ROWS=${ROWS:-0} MAXLEN=${MAXLEN:-0} TEST=${TEST:-0.3} SEED=${SEED:-22}
W2V_DIM=${W2V_DIM:-32} W2V_WINDOW=${W2V_WINDOW:-5} W2V_NEGATIVE=${W2V_NEGATIVE:-5} W2V_MIN_COUNT=${W2V_MIN_COUNT:-3}
W2V_ITER=${W2V_ITER:-5} W2V_THREADS=${W2V_THREADS:-1}
EPOCHS=${EPOCHS:-5} UNITS=${UNITS:-100} DROPOUT=${DROPOUT:-0.2} BATCH=${BATCH:-128} LR=${LR:-0.001}
MODELS=${MODELS:-lstm lstm-trainable bi-lstm-concat bi-lstm-sum bi-lstm-mul bi-lstm-ave gru best}
BEST=${BEST:-bi-gru-concat-trainable-l2} BEST_EPOCHS=${BEST_EPOCHS:-$EPOCHS}
THREADS=${THREADS:-0}
TEXT=${TEXT:-"John Smith flew from London to Paris on Monday to meet officials of the European Union ."}
EXPERIMENTS=$MODELS
SHARED="ROWS=$ROWS MAXLEN=$MAXLEN TEST=$TEST SEED=$SEED W2V_DIM=$W2V_DIM W2V_WINDOW=$W2V_WINDOW \
W2V_NEGATIVE=$W2V_NEGATIVE W2V_MIN_COUNT=$W2V_MIN_COUNT W2V_ITER=$W2V_ITER W2V_THREADS=$W2V_THREADS"
CSV=$DATA/ner-gmb/ner_dataset.csv.gz
P=params.txt
T="--threads $THREADS"

# ---- prepare: tokens, vocabularies, statistics, word vectors, the split ---------
prepare() {
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

  # Word vectors of the lower-cased forms (skip-gram, as the assignment's gensim call).
  # W2V_THREADS 1: the vectors, and so every tagger, are the same bit for bit
  # at any THREADS or make -j (with more threads word2vec is not reproducible).
  fresh sentences.txt tokens.tsv || tokenize -q -s --max-rows "$ROWS" -o sentences.txt "$CSV"
  fresh vectors.txt sentences.txt $P "$BIN/word2vec" ||
    word2vec -q --threads "$W2V_THREADS" -m sg -d "$W2V_DIM" -w "$W2V_WINDOW" -k "$W2V_NEGATIVE" --min-count "$W2V_MIN_COUNT" \
      -i "$W2V_ITER" -o vectors.txt sentences.txt

  # Id matrices (sentences, columns) and the split.
  fresh X.npy tokens.tsv vocab.tsv tags.tsv $P || pad -t "$MAXLEN" -x X.npy -y Y.npy -l len.npy tokens.tsv vocab.tsv tags.tsv
  fresh X.test.npy X.npy $P || train-test-split -q -t "$TEST" -s "$SEED" X.npy Y.npy len.npy
  # The test sentence every report section shows: the first with four or
  # more entity tokens (ids above <UNK> other than O).
  fresh example_row.txt Y.test.npy tags.tsv || {
    o=$(awk -F '\t' '$2 == "O" { print $1 }' tags.tsv)
    npy to-tsv Y.test.npy | awk -F '\t' -v o="$o" '{ n = 0; for (i = 1; i <= NF; i++) n += $i > 1 && $i != o }
      n >= 4 { print NR - 1; found = 1; exit } END { if (!found) print 0 }' > example_row.txt
  }
}

# ---- run NAME: one tagger ---------------------------------------------------------
# options NAME: train-rnn's options for an experiment name (fails on a bad name).
options() {
  n=$1
  [ "$n" = best ] && n=$BEST
  opts="" embedding="--freeze-embedding" layers=1 units=$UNITS
  # trailing -lN (stacked layers) and -uN (units per direction), any order
  while :; do
    last=${n##*-}
    case $last in
      l[1-9]|l[1-9][0-9]) layers=${last#l} ;;
      u[1-9]|u[1-9][0-9]|u[1-9][0-9][0-9]|u[1-9][0-9][0-9][0-9]) units=${last#u} ;;
      *) break ;;
    esac
    n=${n%-*}
  done
  case $n in bi-*) opts="--bidirectional"; n=${n#bi-} ;; esac
  case $n in *-trainable) embedding=""; n=${n%-trainable} ;; esac
  cell=${n%%-*} merge=${n#"${n%%-*}"}
  merge=${merge#-}
  case $cell in lstm|gru|rnn) ;; *) return 1 ;; esac
  case $merge in
    "") ;;
    concat|sum|mul|ave) [ -n "$opts" ] || return 1; opts="$opts --merge $merge" ;;
    *) return 1 ;;
  esac
  [ "$layers" -gt 1 ] && opts="$opts --layers $layers"
  echo "--cell $cell $opts $embedding -u $units"
}
known() { options "$1" > /dev/null; }

experiment() {
  m=$1
  opts=$(options "$m")
  epochs=$EPOCHS
  [ "$m" = best ] && epochs=$BEST_EPOCHS
  # The experiment's own settings: changing them retrains this model only.
  settings $m.params.txt "options=$opts" EPOCHS=$epochs UNITS=$UNITS DROPOUT=$DROPOUT BATCH=$BATCH LR=$LR
  have train-rnn && have predict || return 0
  train-rnn --summary $opts --vectors vectors.txt --x X.train.npy --y Y.train.npy \
    --vocab vocab.tsv --tags tags.tsv > $m.summary.txt 2>/dev/null || true
  fresh $m.safetensors X.train.npy vectors.txt $P $m.params.txt "$BIN/train-rnn" ||
    train-rnn $T $opts --dropout "$DROPOUT" -b "$BATCH" -e "$epochs" --lr "$LR" \
      --vectors vectors.txt --x X.train.npy --y Y.train.npy --val-x X.test.npy --val-y Y.test.npy \
      --vocab vocab.tsv --tags tags.tsv -o $m.safetensors --history $m.history.tsv 2> $m.train.log
  fresh $m.history.svg $m.history.tsv || plot line -y loss,val_loss --title "$m: loss per epoch" -o $m.history.svg $m.history.tsv
  fresh $m.Yhat.npy $m.safetensors X.test.npy ||
    timed_per "$(first_dim X.test.npy)" $m.predict_ms.txt predict $T -m $m.safetensors --argmax -o $m.Yhat.npy X.test.npy
  metrics entity --format tsv -t Y.test.npy -p $m.Yhat.npy --tags tags.tsv -l len.test.npy > $m.entity.tsv
  awk -F '\t' 'BEGIN {print "type\tprecision\trecall\tf1\tsupport"}
    { k = $1; c = $2; if (k ~ /_micro$/) { sub(/_micro$/, "", k); c = "all (micro)" } }
    k ~ /^entity_(precision|recall|f1|support)$/ { v[c, k] = $3; if (!(c in seen)) { seen[c] = 1; order[++n] = c } }
    END { for (i = 1; i <= n; i++) { c = order[i]
      printf "%s\t%s\t%s\t%s\t%s\n", c, v[c, "entity_precision"], v[c, "entity_recall"], v[c, "entity_f1"], v[c, "entity_support"] } }' \
    $m.entity.tsv > $m.entity_table.tsv
  # The report's test sentence (example_row.txt, from prepare), in columns.
  predict -m $m.safetensors --show "$(cat example_row.txt 2>/dev/null || echo 0)" --y Y.test.npy X.test.npy 2>/dev/null |
    awk -F '\t' '{ printf "%-16s %-8s %s\n", $1, $2, $3 }' > $m.example.txt || true
  # Raw text, tagged with the vocabulary and normalization kept in the model.
  echo "$TEXT" | predict -m $m.safetensors --text 2>/dev/null | awk -F '\t' 'NF { printf "%-16s %s\n", $1, $2 }' > $m.text.txt || true
  count() { grep -i "^$1 params" $m.summary.txt | head -1 | sed 's/[^0-9]//g'; }
  case $opts in *--freeze-embedding*) emb=frozen ;; *) emb=trainable ;; esac
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' $m "$emb" "$(count trainable)" "$(count non-trainable)" \
    "$(epochs_of $m.history.tsv)" "$(seconds_of $m.history.tsv)" \
    "$(tsv_get $m.entity.tsv entity_precision_micro)" "$(tsv_get $m.entity.tsv entity_recall_micro)" \
    "$(tsv_get $m.entity.tsv entity_f1_micro)" \
    "$(tsv_get $m.entity.tsv token_f1_macro)" "$(cat $m.predict_ms.txt 2>/dev/null || echo -)" | update $m.row.tsv
}

# ---- report -------------------------------------------------------------------------
write_report() {
  summary "$(printf 'model\tembedding\ttrainable parameters\tfrozen parameters\tepochs\ttrain seconds\tentity precision\tentity recall\tentity F1\ttoken macro F1\tpredict ms/sentence')" |
    update summary.tsv
  cut -f1,9 summary.tsv | update f1.tsv
  [ "$(wc -l < f1.tsv)" -gt 1 ] && { fresh f1.svg f1.tsv ||
    plot bar --label model --value "entity F1" --title "Entity F1 on the test sentences" -o f1.svg f1.tsv; }
  top=$(awk -F '\t' 'NR > 1 && $9 + 0 > 0 && (b == "" || $9 + 0 > f) { f = $9 + 0; b = sprintf("%s (entity F1 %.4f)", $1, $9) } END { print b }' summary.tsv)
  count() { awk -F '\t' '$2 != "<PAD>" && $2 != "<UNK>"' "$1" | wc -l | tr -d ' '; }
  shape() { npy info "$1" | awk -F '\t' '$1 == "shape" {print $2}'; }
  {
    echo "# Named-entity tagging (GMB)"
    echo
    echo "Data: \`$CSV\`. Budget: ROWS=$ROWS (0: all), $EPOCHS epochs, $UNITS units, dropout $DROPOUT, batch $BATCH."
    echo "Word vectors: word2vec skip-gram, $W2V_DIM dimensions, window $W2V_WINDOW, $W2V_NEGATIVE negative samples, min count $W2V_MIN_COUNT, $W2V_ITER passes."
    echo
    echo "## The data"
    echo "- tokenize: \`$(sed 's/.*: \([a-z]* layout\)/\1/' tokenize.log | tail -1)\`"
    echo "- distinct words: $(count words.tsv); distinct lower-cased forms: $(count vocab.tsv); distinct lemmas (Porter stems): $(count lemmas.tsv)"
    echo "- distinct tags: $(count tags.tsv); distinct POS tags: $(count pos.tsv)"
    echo "- longest sentence: $(sed -n 's/.*longest sentence \([0-9]*\) tokens.*/\1/p' tokenize.log) tokens; X.npy $(shape X.npy) (sentences, columns)"
    echo "- train / test sentences: $(shape X.train.npy) / $(shape X.test.npy) (test share $TEST, seed $SEED)"
    echo "- word vectors: $(head -1 vectors.txt | cut -d' ' -f1) words of $(head -1 vectors.txt | cut -d' ' -f2) dimensions (words seen fewer than $W2V_MIN_COUNT times get zeros)"
    echo
    echo "@table stats/classes.tsv Tags and their counts"
    echo "@image classes.svg Tags (the classes are very unbalanced: O dominates)"
    echo "@image lengths.svg Sentence lengths"
    echo "@image zipf.svg Word frequency against rank"
    echo "## Taggers"
    echo "Each model changes one thing from the assignment's tagger, \`lstm\` (an LSTM on the frozen word vectors): \`-trainable\` trains the embedding too, \`bi-\` reads both directions (merged by concat, sum, mul or ave), \`gru\` swaps the cell, \`-lN\` stacks N layers, \`-uN\` has N units per direction; \`best\` is $BEST, trained $(cut -f5 best.row.tsv 2>/dev/null || echo "$BEST_EPOCHS") epochs."
    echo "Entity scores are CoNLL-style (exact spans and types) on the test sentences; token macro F1 is over the real tokens without padding. Prediction time is the whole \`predict\` run divided by the test sentences."
    echo
    echo "@table summary.tsv Models side by side"
    [ -n "$top" ] && echo "- highest entity F1: $top"
    [ -f f1.svg ] && echo "@image f1.svg Entity F1 per model"
    for m in $EXPERIMENTS; do
      [ -f $m.row.tsv ] || continue
      echo "### $m"
      echo "Options: \`$(options $m | tr -s ' ')\`"
      echo
      echo "@pre $m.summary.txt Layers and parameter counts"
      echo "@image $m.history.svg Training curve"
      echo "@table $m.entity_table.tsv Precision, recall and F1 per entity type"
      echo "@pre $m.example.txt The first test sentence with four or more entity tokens: token, true tag, predicted tag"
      echo "@pre $m.text.txt \`echo '$TEXT' | predict -m $m.safetensors --text\`"
    done
    skipped_section
  } > report.txt
  make_report
}

stages "$@"
