#!/usr/bin/env bats
# Text tools of the NER section: tokenize, vocab, word2vec, pad,
# train-test-split.  Fixtures in tests/fixtures/text.

bats_require_minimum_version 1.5.0

setup() {
  FIX="$BATS_TEST_DIRNAME/../fixtures/text"
  T="$BATS_TEST_TMPDIR"
}

need_numpy() {
  [ -n "$PYTHON" ] && "$PYTHON" -c 'import numpy' 2>/dev/null || skip "python3 with numpy not available"
}

# no file and no temporary file left beside it
nothing_written() {
  [ ! -e "$1" ] || { echo "$1 exists"; return 1; }
  ! ls "$1".tmp-* 2>/dev/null || { echo "temporary file left"; return 1; }
}

# ---- tokenize ------------------------------------------------------------

@test "tokenize: cp1252 curly quotes, ellipsis, no-break space and é come out as UTF-8" {
  run --separate-stderr "$NNPIPE_BIN/tokenize" "$FIX/cp1252.csv" -o "$T/tok.tsv"
  [ "$status" -eq 0 ]
  [[ "$stderr" == *"cp1252"*"3 sentences, 18 tokens, 4 tags"*"longest sentence 9 tokens, 0 malformed rows"* ]]
  grep -qx $'\xe2\x80\x9c\t\xe2\x80\x9c\t``\tO' "$T/tok.tsv"          # 0x93 -> U+201C
  grep -qx $'\xe2\x80\x9d\t\xe2\x80\x9d\t\'\'\tO' "$T/tok.tsv"        # 0x94 -> U+201D
  grep -qx $'waited\xe2\x80\xa6\twaited\xe2\x80\xa6\tVBD\tO' "$T/tok.tsv"  # 0x85 -> U+2026
  grep -qx $'5\xc2\xa0storm\t5\xc2\xa0storm\tNN\tO' "$T/tok.tsv"      # 0xA0 -> U+00A0
  grep -qx $'Caf\xc3\xa9\tcaf\xc3\xa9\tNNP\tB-org' "$T/tok.tsv"       # 0xE9 -> U+00E9
  grep -qx $'\xe2\x80\x93\t\xe2\x80\x93\t:\tO' "$T/tok.tsv"           # 0x96 -> U+2013
  # the output is valid UTF-8 throughout
  iconv -f UTF-8 -t UTF-8 "$T/tok.tsv" >/dev/null
}

@test "tokenize: RFC 4180 quoting (quoted comma, doubled quote, number with comma)" {
  run "$NNPIPE_BIN/tokenize" -q "$FIX/cp1252.csv"
  [ "$status" -eq 0 ]
  [[ "$output" == *$'10,000\t10,000\tCD\tO'* ]]
  [[ "$output" == *$'"\t"\t``\tO'* ]]
  [[ "$output" == *$',\t,\t,\tO'* ]]
  # a blank line after every sentence: 18 tokens + 3 blank lines
  [ "$(printf '%s\n' "$output" | wc -l)" -eq 20 ]   # $(...) drops the final blank line
}

@test "tokenize: --sentences, --normalize stem and none, --max-rows" {
  run "$NNPIPE_BIN/tokenize" -q --sentences "$FIX/cp1252.csv"
  [ "$status" -eq 0 ]
  [ "${lines[2]}" = "running stops" ]
  [ "${#lines[@]}" -eq 3 ]
  run "$NNPIPE_BIN/tokenize" -q --sentences --normalize stem "$FIX/cp1252.csv"
  [ "${lines[2]}" = "run stop" ]
  run "$NNPIPE_BIN/tokenize" -q --normalize none --max-rows 2 "$FIX/cp1252.csv"
  [ "${#lines[@]}" -eq 2 ]
  [ "$(printf '%s\n' "${lines[1]}" | cut -f2)" = "Café" ]
}

@test "tokenize: CoNLL-2003 and the long ner.csv layout" {
  run --separate-stderr "$NNPIPE_BIN/tokenize" "$FIX/conll.txt"
  [ "$status" -eq 0 ]
  [[ "$stderr" == *"conll layout"*"2 sentences, 7 tokens"* ]]
  [ "${lines[0]}" = $'EU\teu\tNNP\tB-ORG' ]
  run --separate-stderr "$NNPIPE_BIN/tokenize" "$FIX/long.csv"
  [ "$status" -eq 0 ]
  [[ "$stderr" == *"long layout"*"2 sentences, 5 tokens"* ]]
  [ "${lines[2]}" = $'London\tlondon\tNNP\tB-geo' ]
}

@test "tokenize: reads .gz and stdin" {
  gzip -c "$FIX/cp1252.csv" > "$T/in.csv.gz"
  run "$NNPIPE_BIN/tokenize" -q "$T/in.csv.gz"
  [ "$status" -eq 0 ]
  [ "${#lines[@]}" -eq 18 ]
  run bash -c "'$NNPIPE_BIN/tokenize' -q - < '$T/in.csv.gz'"
  [ "$status" -eq 0 ]
  [ "${#lines[@]}" -eq 18 ]
}

@test "tokenize: broken quoting is counted and reported, the rest is kept" {
  run --separate-stderr "$NNPIPE_BIN/tokenize" "$FIX/bad_quotes.csv" -o "$T/tok.tsv"
  [ "$status" -eq 0 ]
  [[ "$stderr" == *"line 3: a quote inside an unquoted field"* ]]
  [[ "$stderr" == *"line 7: 5 fields, the header has 4"* ]]
  [[ "$stderr" == *"3 tokens"*"4 malformed rows"* ]]
  [ "$(grep -c . "$T/tok.tsv")" -eq 3 ]
}

@test "tokenize: a missing column is an error naming the file; nothing written" {
  run --separate-stderr "$NNPIPE_BIN/tokenize" "$FIX/missing_column.csv" -o "$T/tok.tsv"
  [ "$status" -eq 1 ]
  [[ "$stderr" == "tokenize: $FIX/missing_column.csv: line 1: no column 'POS'"* ]]
  nothing_written "$T/tok.tsv"
}

@test "tokenize: an undefined cp1252 byte is an error, or U+FFFD with --invalid replace" {
  run --separate-stderr "$NNPIPE_BIN/tokenize" "$FIX/invalid_byte.csv" -o "$T/tok.tsv"
  [ "$status" -eq 1 ]
  [[ "$stderr" == "tokenize: $FIX/invalid_byte.csv: byte 0x81 at offset 40"* ]]
  nothing_written "$T/tok.tsv"
  run --separate-stderr "$NNPIPE_BIN/tokenize" --invalid replace "$FIX/invalid_byte.csv"
  [ "$status" -eq 0 ]
  [[ "$output" == $'bad\xef\xbf\xbdbyte\t'* ]]
  [[ "$stderr" == *"1 bytes undefined in cp1252 replaced by U+FFFD"* ]]
  run --separate-stderr "$NNPIPE_BIN/tokenize" --encoding utf-8 "$FIX/cp1252.csv"
  [ "$status" -eq 1 ]
  [[ "$stderr" == *"not valid UTF-8"* ]]
}

@test "tokenize: empty file, missing file, truncated gzip" {
  run --separate-stderr "$NNPIPE_BIN/tokenize" "$FIX/empty.csv" -o "$T/tok.tsv"
  [ "$status" -eq 1 ]
  [[ "$stderr" == "tokenize: $FIX/empty.csv: empty input" ]]
  nothing_written "$T/tok.tsv"
  run --separate-stderr "$NNPIPE_BIN/tokenize" "$T/nope.csv"
  [ "$status" -eq 1 ]
  [[ "$stderr" == "tokenize: $T/nope.csv: cannot open"* ]]
  gzip -c "$FIX/cp1252.csv" | head -c 60 > "$T/cut.csv.gz"
  run --separate-stderr "$NNPIPE_BIN/tokenize" "$T/cut.csv.gz" -o "$T/tok.tsv"
  [ "$status" -eq 1 ]
  [[ "$stderr" == "tokenize: $T/cut.csv.gz: "* ]]
  nothing_written "$T/tok.tsv"
}

@test "tokenize: the GMB file: 47,959 sentences, 1,048,575 tokens, 17 tags, longest 104, 0 malformed" {
  f="$SHARED_DATA/ner-gmb/ner_dataset.csv.gz"
  [ -f "$f" ] || skip "GMB data not available"
  run --separate-stderr "$NNPIPE_BIN/tokenize" "$f" -o "$T/tok.tsv"
  [ "$status" -eq 0 ]
  [[ "$stderr" == *"47959 sentences, 1048575 tokens, 17 tags, 42 POS tags, 35178 distinct words"* ]]
  [[ "$stderr" == *"longest sentence 104 tokens, 0 malformed rows"* ]]
  grep -qx $'Gr\xc3\xb6nholm\tgr\xc3\xb6nholm\tNNP\tI-per' "$T/tok.tsv"
  [ "$(tail -n 2 "$T/tok.tsv" | head -n 1)" = $'attack\tattack\tNN\tO' ]
}

# ---- vocab -----------------------------------------------------------------

@test "vocab: counts, <PAD>/<UNK>, ties by bytes, --min-count" {
  printf 'b\tb\tX\tO\na\ta\tX\tO\nc\tc\tX\tB-per\n\nc\tc\tX\tO\nb\tb\tX\tO\n\n' > "$T/tok.tsv"
  run "$NNPIPE_BIN/vocab" "$T/tok.tsv"
  [ "$status" -eq 0 ]
  [ "$output" = $'0\t<PAD>\t0\n1\t<UNK>\t0\n2\tb\t2\n3\tc\t2\n4\ta\t1' ]
  run "$NNPIPE_BIN/vocab" --min-count 2 "$T/tok.tsv"
  [ "$output" = $'0\t<PAD>\t0\n1\t<UNK>\t1\n2\tb\t2\n3\tc\t2' ]
  run "$NNPIPE_BIN/vocab" -c tag "$T/tok.tsv"
  [ "$output" = $'0\t<PAD>\t0\n1\t<UNK>\t0\n2\tO\t4\n3\tB-per\t1' ]
}

@test "vocab: --stats writes sentence lengths, Zipf table and class counts" {
  "$NNPIPE_BIN/tokenize" -q "$FIX/cp1252.csv" -o "$T/tok.tsv"
  mkdir "$T/stats"
  run "$NNPIPE_BIN/vocab" --stats "$T/stats" "$T/tok.tsv" -o "$T/vocab.tsv"
  [ "$status" -eq 0 ]
  [ "$(cat "$T/stats/lengths.tsv" | tr '\n' ' ')" = "length	sentences 1	0 2	1 3	0 4	0 5	0 6	0 7	1 8	0 9	1 " ]
  [ "$(sed -n 2p "$T/stats/classes.tsv" | cut -f1,2)" = $'O\t15' ]
  [ "$(wc -l < "$T/stats/zipf.tsv")" -eq 19 ]
  [ "$(wc -l < "$T/vocab.tsv")" -eq 20 ]
}

@test "vocab: input that is not tokens.tsv, and an empty file" {
  printf 'just one field\n' > "$T/bad.tsv"
  run --separate-stderr "$NNPIPE_BIN/vocab" "$T/bad.tsv" -o "$T/v.tsv"
  [ "$status" -eq 1 ]
  [[ "$stderr" == "vocab: $T/bad.tsv: line 1: 1 field, no column 2"* ]]
  nothing_written "$T/v.tsv"
  : > "$T/empty.tsv"
  run --separate-stderr "$NNPIPE_BIN/vocab" "$T/empty.tsv"
  [ "$status" -eq 1 ]
  [[ "$stderr" == "vocab: $T/empty.tsv: no tokens"* ]]
}

# ---- pad and train-test-split ---------------------------------------------

make_ids() {
  "$NNPIPE_BIN/tokenize" -q "$FIX/cp1252.csv" -o "$T/tok.tsv"
  "$NNPIPE_BIN/vocab" --min-count 1 "$T/tok.tsv" -o "$T/vocab.tsv"
  "$NNPIPE_BIN/vocab" -c tag "$T/tok.tsv" -o "$T/tags.tsv"
}

@test "pad: int32 (N, T) ids, 0 padding, <UNK> for unknown words, lengths" {
  need_numpy
  make_ids
  grep -v $'\tparis\t' "$T/vocab.tsv" | awk -F'\t' 'BEGIN{OFS="\t"} {print NR-1, $2, $3}' > "$T/vocab2.tsv"
  run "$NNPIPE_BIN/pad" "$T/tok.tsv" "$T/vocab2.tsv" "$T/tags.tsv" -x "$T/X.npy" -y "$T/Y.npy" -l "$T/len.npy"
  [ "$status" -eq 0 ]
  run "$PYTHON" -c "
import numpy as np
X = np.load('$T/X.npy'); Y = np.load('$T/Y.npy'); L = np.load('$T/len.npy')
assert X.dtype == np.int32 and Y.dtype == np.int32 and L.dtype == np.int32
assert X.shape == (3, 9) and Y.shape == (3, 9) and L.tolist() == [7, 9, 2]
assert (X[2, 2:] == 0).all() and (Y[2, 2:] == 0).all() and (X[2, :2] > 1).all()
assert X[1, 4] == 1            # Paris is not in vocab2: <UNK>
assert Y[1, 4] != Y[1, 0]      # B-geo vs O
assert ((X > 0).sum(1) == L).all()
print('ok')"
  [ "$output" = ok ]
}

@test "pad: --maxlen with pre/post padding and truncating" {
  need_numpy
  make_ids
  "$NNPIPE_BIN/pad" --maxlen 4 --padding pre --truncating pre "$T/tok.tsv" "$T/vocab.tsv" "$T/tags.tsv" \
    -x "$T/X.npy" -y "$T/Y.npy" -l "$T/len.npy"
  "$NNPIPE_BIN/pad" --maxlen 4 "$T/tok.tsv" "$T/vocab.tsv" "$T/tags.tsv" \
    -x "$T/Xp.npy" -y "$T/Yp.npy" -l "$T/lenp.npy"
  run "$PYTHON" -c "
import numpy as np
X = np.load('$T/X.npy'); Xp = np.load('$T/Xp.npy'); L = np.load('$T/len.npy')
assert X.shape == (3, 4) and L.tolist() == [4, 4, 2]
assert X[2, 0] == 0 and X[2, 1] == 0 and X[2, 3] > 0      # pre padding
assert Xp[2, 2] == 0 and Xp[2, 0] > 0                     # post padding
full = np.load('$T/X.npy')
print('ok')"
  [ "$output" = ok ]
  # truncating pre keeps the last 4 tokens of sentence 1, post the first 4
  run "$PYTHON" -c "
import numpy as np
a = np.load('$T/X.npy')[0]; b = np.load('$T/Xp.npy')[0]
print((a != b).any())"
  [ "$output" = True ]
}

@test "pad: a vocabulary that does not match, a foreign tag, a broken vocabulary: errors, nothing written" {
  make_ids
  printf '0\t<PAD>\t0\n1\t<UNK>\t0\n2\tzebra\t5\n' > "$T/other.tsv"
  run --separate-stderr "$NNPIPE_BIN/pad" "$T/tok.tsv" "$T/other.tsv" "$T/tags.tsv" -x "$T/X.npy" -y "$T/Y.npy" -l "$T/len.npy"
  [ "$status" -eq 1 ]
  [[ "$stderr" == "pad: $T/other.tsv: no token of $T/tok.tsv is in this vocabulary"* ]]
  nothing_written "$T/X.npy"; nothing_written "$T/Y.npy"; nothing_written "$T/len.npy"
  grep -v 'B-geo' "$T/tags.tsv" | awk -F'\t' 'BEGIN{OFS="\t"} {print NR-1, $2, $3}' > "$T/tags2.tsv"
  run --separate-stderr "$NNPIPE_BIN/pad" "$T/tok.tsv" "$T/vocab.tsv" "$T/tags2.tsv" -x "$T/X.npy" -y "$T/Y.npy" -l "$T/len.npy"
  [ "$status" -eq 1 ]
  [[ "$stderr" == "pad: $T/tags2.tsv: line "*"tag 'B-geo' is not in the tag vocabulary"* ]]
  nothing_written "$T/X.npy"
  printf '0\t<PAD>\t0\n2\tx\t1\n' > "$T/gap.tsv"
  run --separate-stderr "$NNPIPE_BIN/pad" "$T/tok.tsv" "$T/gap.tsv" "$T/tags.tsv" -x "$T/X.npy" -y "$T/Y.npy" -l "$T/len.npy"
  [ "$status" -eq 1 ]
  [[ "$stderr" == "pad: $T/gap.tsv: line 2: id 2 out of order (expected 1)" ]]
  nothing_written "$T/X.npy"
}

@test "train-test-split: one shuffle for all arrays, seeded, rows stay aligned" {
  need_numpy
  "$PYTHON" -c "
import numpy as np
np.save('$T/X.npy', np.arange(200, dtype=np.int32).reshape(20, 10))
np.save('$T/Y.npy', np.arange(20, dtype=np.float32) * 10)
np.save('$T/len.npy', np.arange(20, dtype=np.int64))"
  run "$NNPIPE_BIN/train-test-split" --test 0.3 --seed 22 "$T/X.npy" "$T/Y.npy" "$T/len.npy"
  [ "$status" -eq 0 ]
  mkdir "$T/out"
  "$NNPIPE_BIN/train-test-split" -q --test 0.3 --seed 22 --prefix "$T/out/" "$T/X.npy" "$T/Y.npy" "$T/len.npy"
  run "$PYTHON" -c "
import numpy as np
d = '$T/'
Xtr, Xte = np.load(d+'X.train.npy'), np.load(d+'X.test.npy')
Ytr, Yte = np.load(d+'Y.train.npy'), np.load(d+'Y.test.npy')
Ltr, Lte = np.load(d+'len.train.npy'), np.load(d+'len.test.npy')
assert Xtr.shape == (14, 10) and Xte.shape == (6, 10) and Xte.dtype == np.int32
assert Yte.dtype == np.float32 and Lte.dtype == np.int64
assert (Xtr[:, 0] // 10 == Ltr).all() and (Xte[:, 0] // 10 == Lte).all() and (Yte == Lte * 10).all()
assert sorted(Ltr.tolist() + Lte.tolist()) == list(range(20))
assert Ltr.tolist() != sorted(Ltr.tolist())   # shuffled
assert (np.load(d+'out/X.test.npy') == Xte).all()
print('ok')"
  [ "$output" = ok ]
}

@test "train-test-split: mismatched first dimensions, bad --test: errors, nothing written" {
  need_numpy
  "$PYTHON" -c "
import numpy as np
np.save('$T/A.npy', np.zeros((10, 3), np.float32)); np.save('$T/B.npy', np.zeros(9, np.int32))"
  run --separate-stderr "$NNPIPE_BIN/train-test-split" "$T/A.npy" "$T/B.npy"
  [ "$status" -eq 1 ]
  [[ "$stderr" == "train-test-split: $T/B.npy: 9 rows, but $T/A.npy has 10"* ]]
  nothing_written "$T/A.train.npy"; nothing_written "$T/A.test.npy"
  run --separate-stderr "$NNPIPE_BIN/train-test-split" --test 10 "$T/A.npy"
  [ "$status" -eq 1 ]
  nothing_written "$T/A.train.npy"
  run "$NNPIPE_BIN/train-test-split" --test 0 "$T/A.npy"
  [ "$status" -eq 2 ]
}

# ---- word2vec ----------------------------------------------------------------

corpus() {
  for i in $(seq 1 300); do
    echo "the cat sat on the mat with a hat"
    echo "a dog ran in the park with the ball"
  done > "$T/sent.txt"
}

@test "word2vec: trains, text format, reproducible with --threads 1 and a seed" {
  corpus
  run --separate-stderr "$NNPIPE_BIN/word2vec" --threads 1 --seed 3 -d 10 --min-count 2 -m sg "$T/sent.txt" -o "$T/a.txt"
  [ "$status" -eq 0 ]
  [[ "$stderr" == *"600 sentences, 5400 words"* ]]
  [ "$(head -n 1 "$T/a.txt")" = "13 10" ]
  [ "$(sed -n 2p "$T/a.txt" | cut -d' ' -f1)" = "the" ]
  [ "$(sed -n 2p "$T/a.txt" | wc -w)" -eq 11 ]
  "$NNPIPE_BIN/word2vec" -q --threads 1 --seed 3 -d 10 --min-count 2 -m sg "$T/sent.txt" -o "$T/b.txt"
  cmp "$T/a.txt" "$T/b.txt"
  "$NNPIPE_BIN/word2vec" -q --threads 1 --seed 4 -d 10 --min-count 2 -m sg "$T/sent.txt" -o "$T/c.txt"
  ! cmp -s "$T/a.txt" "$T/c.txt"
  run "$NNPIPE_BIN/word2vec" --help
  [[ "$output" == *"not"*"reproducible"* ]] || [[ "$output" == *"reproducible"*"not"* ]]
}

@test "word2vec: gensim reads the text and the binary format" {
  [ -n "$PYTHON" ] && "$PYTHON" -c 'import gensim' 2>/dev/null || skip "gensim not importable by $PYTHON"
  corpus
  "$NNPIPE_BIN/word2vec" -q -d 8 --min-count 1 "$T/sent.txt" -o "$T/v.txt"
  "$NNPIPE_BIN/word2vec" -q -d 8 --min-count 1 --from-vectors "$T/v.txt" --binary -o "$T/v.bin"
  run "$PYTHON" -c "
from gensim.models import KeyedVectors
import numpy as np
t = KeyedVectors.load_word2vec_format('$T/v.txt')
b = KeyedVectors.load_word2vec_format('$T/v.bin', binary=True)
assert len(t) == 13 and t.vector_size == 8 and t.index_to_key == b.index_to_key
assert np.allclose(t.vectors, b.vectors, atol=1e-6)
print('ok')"
  [ "$output" = ok ]
}

@test "word2vec: --from-vectors reads GloVe and binary; a wrong width is an error" {
  run "$NNPIPE_BIN/word2vec" --from-vectors "$FIX/glove.txt" -o "$T/g.txt"
  [ "$status" -eq 0 ]
  [ "$(head -n 1 "$T/g.txt")" = "3 3" ]
  [ "$(sed -n 3p "$T/g.txt")" = "cat -1 0.5 0.2" ]
  "$NNPIPE_BIN/word2vec" --from-vectors "$T/g.txt" --binary -o "$T/g.bin"
  run "$NNPIPE_BIN/word2vec" --from-vectors "$T/g.bin" -o -
  [ "${lines[2]}" = "cat -1 0.5 0.2" ]
  run --separate-stderr "$NNPIPE_BIN/word2vec" --from-vectors "$FIX/wrong_width.txt" -o "$T/w.txt"
  [ "$status" -eq 1 ]
  [ "$stderr" = "word2vec: $FIX/wrong_width.txt: line 3: 2 values, expected 3" ]
  nothing_written "$T/w.txt"
  head -c 30 "$T/g.bin" > "$T/cut.bin"
  run --separate-stderr "$NNPIPE_BIN/word2vec" --from-vectors "$T/cut.bin" -o "$T/w.txt"
  [ "$status" -eq 1 ]
  [[ "$stderr" == "word2vec: $T/cut.bin: entry 2 of 3: "*"truncated"* ]]
  nothing_written "$T/w.txt"
}

@test "word2vec: empty input and a vocabulary emptied by --min-count are errors" {
  : > "$T/empty.txt"
  run --separate-stderr "$NNPIPE_BIN/word2vec" "$T/empty.txt" -o "$T/v.txt"
  [ "$status" -eq 1 ]
  [[ "$stderr" == "word2vec: $T/empty.txt: "*"vocabulary is empty"* ]]
  nothing_written "$T/v.txt"
  run "$NNPIPE_BIN/word2vec" --dim 0 "$T/empty.txt"
  [ "$status" -eq 2 ]
}
