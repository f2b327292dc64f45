#!/bin/sh
# Quality of our word vectors where it matters: the NER tagger of the
# assignment trained on nnpipe's word2vec vectors and, identically, on
# gensim 4's (python3-gensim).  Both vector sets use the same settings
# (skip-gram, 32 dimensions, window 5, negative 5, min-count 3, sample
# 1e-3, 5 iterations, one thread, --seed S / seed=S); everything else is
# shared: one vocabulary (lower case, min-count 1), one pad, one split
# (train-test-split --test 0.3 --seed 22), and the same train-rnn run
# (LSTM 100, frozen embedding, dropout 0.2, batch 128, Adam, masked
# padding, --seed S).  Scores on the 30% test split by `metrics entity`:
# CoNLL entity F1 (micro) and token macro F1 (real tokens, no <PAD>/<UNK>),
# in F1 points (x100).  Goal: ours within 0.5 points of gensim's.
# NER_EPOCHS (default 2) and NER_SEEDS (default "1 2") set the budget: an
# epoch takes ~70 s on one thread, so the default run is ~10 minutes on 2.
PY=${PYTHON:-/usr/bin/python3}
BIN=${NNPIPE_BIN:-bin}
DATA=${SHARED_DATA:-../shared/data}/ner-gmb/ner_dataset.csv.gz
EPOCHS=${NER_EPOCHS:-2}
SEEDS=${NER_SEEDS:-1 2}
THREADS=${NER_THREADS:-2}
if [ ! -f "$DATA" ]; then
  echo "# ner_vectors: $DATA missing, skipped"
  exit 0
fi
if ! "$PY" -c 'import gensim' 2>/dev/null; then
  echo "# ner_vectors: gensim missing (apt-get install python3-gensim), skipped"
  exit 0
fi
tmp=${NER_KEEP:-$(mktemp -d)}
[ -n "${NER_KEEP:-}" ] || trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp"
here=$(pwd)
. "$(dirname "$0")/ner_data.inc"
ner_data "$tmp" "$DATA" "$BIN" || exit 1

tagger() { # vectors seed out-prefix -> "entity_f1 token_macro_f1" (points)
  "$BIN/train-rnn" --x "$tmp/X.train.npy" --y "$tmp/Y.train.npy" --vocab "$tmp/vocab.tsv" --tags "$tmp/tags.tsv" \
    --vectors "$1" --freeze-embedding --cell lstm --units 100 --dropout 0.2 --batch 128 \
    --epochs "$EPOCHS" --seed "$2" --threads "$THREADS" --history "$3.history.tsv" -o "$3.st" 2>"$3.log" || return 1
  "$BIN/predict" -m "$3.st" --argmax "$tmp/X.test.npy" -o "$3.P.npy" || return 1
  "$BIN/metrics" entity --format tsv --true "$tmp/Y.test.npy" --pred "$3.P.npy" --tags "$tmp/tags.tsv" \
    --lengths "$tmp/len.test.npy" |
    awk -F '\t' '$1 == "entity_f1_micro" { e = $3 } $1 == "token_f1_macro" { t = $3 }
      END { printf "%.2f %.2f", 100 * e, 100 * t }'
}

all=""
for s in $SEEDS; do
  "$BIN/word2vec" -q -m sg -d 32 -w 5 -k 5 --min-count 3 --sample 1e-3 -i 5 --seed "$s" --threads 1 \
    "$tmp/sent.txt" -o "$tmp/ours$s.txt" || exit 1
  env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE PYTHONHASHSEED=0 "$PY" "$here/bench/gensim_vectors.py" \
    "$tmp/sent.txt" "$s" "$tmp/gensim$s.txt" || exit 1
  o=$(tagger "$tmp/ours$s.txt" "$s" "$tmp/tag_ours$s") || exit 1
  g=$(tagger "$tmp/gensim$s.txt" "$s" "$tmp/tag_gensim$s") || exit 1
  # shellcheck disable=SC2086
  set -- $o $g
  printf 'QUALITY\tner_lstm100_entity_f1_seed%s_%sepochs\t%s\t%s\tCoNLL entity F1 (micro, points) on the test split, tagger on our vs gensim vectors\n' "$s" "$EPOCHS" "$1" "$3"
  printf 'QUALITY\tner_lstm100_token_macro_f1_seed%s_%sepochs\t%s\t%s\ttoken macro F1 (points, no <PAD>/<UNK>), our vs gensim vectors\n' "$s" "$EPOCHS" "$2" "$4"
  all="$all$1 $2 $3 $4
"
done
printf '%s' "$all" | awk -v ep="$EPOCHS" '
  NF == 4 { e1 += $1; t1 += $2; e2 += $3; t2 += $4; n++ }
  END { if (!n) exit
    printf "QUALITY\tner_lstm100_entity_f1_mean_of_%d_seeds_%sepochs\t%.2f\t%.2f\tmean CoNLL entity F1 (points), our vs gensim vectors; difference %+.2f\n", n, ep, e1 / n, e2 / n, (e1 - e2) / n
    printf "QUALITY\tner_lstm100_token_macro_f1_mean_of_%d_seeds_%sepochs\t%.2f\t%.2f\tmean token macro F1 (points), our vs gensim vectors; difference %+.2f\n", n, ep, t1 / n, t2 / n, (t1 - t2) / n }'
