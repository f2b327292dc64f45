#!/usr/bin/env bats
# The pipelines: `make demo` at a tiny budget runs every section on generated
# data and writes self-contained reports; a second run trains nothing.  And
# the report tool on its own.

bats_require_minimum_version 1.5.0

TINY="DEMO_EPOCHS=1 DEMO_SEG_EPOCHS=1 DEMO_SPEECH_EPOCHS=1 DEMO_DIGITS_TRAIN=300 DEMO_DIGITS_TEST=100 DEMO_NER_SENTENCES=200 DEMO_NER_EPOCHS=1 \
  DEMO_SHAPES_TRAIN=8 DEMO_SHAPES_VAL=4 DEMO_SHAPES_SIZE=32x32 DEMO_SOUNDS_PER_DIGIT=6 DEMO_SOUNDS_SPEAKERS=2 \
  DEMO_UTTERANCES=24 THREADS=2"

demo() {
  # DATA must not come from the environment: that would mean the real data.
  eval "env -u DATA make -s -C '$NNPIPE_ROOT' $NNPIPE_MAKEVARS demo RESULTS='$R' $TINY"
}

setup_file() {
  export R="$BATS_FILE_TMPDIR/results"
  demo > "$BATS_FILE_TMPDIR/first.log" 2>&1 || { cat "$BATS_FILE_TMPDIR/first.log" >&3; return 1; }
}

@test "make demo writes report.html and report.md for every section" {
  for s in mnist ner seg speech; do
    [ -s "$R/$s/report.html" ] || { echo "no $s/report.html"; return 1; }
    [ -s "$R/$s/report.md" ] || { echo "no $s/report.md"; return 1; }
    grep -q '^# ' "$R/$s/report.md"
    grep -q '</html>' "$R/$s/report.html"
  done
}

@test "every picture is embedded as a non-empty data: URI, none missing" {
  for s in mnist ner seg speech; do
    h="$R/$s/report.html"
    want=$(grep -c '^@image ' "$R/$s/report.txt")
    got=$(grep -o '<img ' "$h" | wc -l)
    [ "$got" -eq "$want" ] || { echo "$s: $got pictures of $want"; return 1; }
    [ "$got" -gt 0 ]
    # Every src is data:image/...;base64, with a real payload.
    bad=$(grep -o 'src="[^"]*"' "$h" | grep -cv '^src="data:image/[a-z+]*;base64,[A-Za-z0-9+/=]\{200,\}"$' || true)
    [ "$bad" -eq 0 ] || { echo "$s: $bad pictures not embedded"; return 1; }
    ! grep -q 'class="missing"' "$h" || { grep 'class="missing"' "$h"; return 1; }
    # Markdown links every picture by a file that exists beside it.
    for f in $(grep -o '](.*)' "$R/$s/report.md" | sed 's/^](//; s/)$//'); do
      [ -s "$R/$s/$f" ] || { echo "$s: report.md links missing $f"; return 1; }
    done
  done
}

@test "the reports answer with measured figures" {
  grep -q 'compression' "$R/mnist/report.md"
  grep -q '| vae |' "$R/mnist/report.md"
  grep -q 'distinct tags: [0-9]' "$R/ner/report.md"
  grep -q 'longest sentence: [0-9]* tokens' "$R/ner/report.md"
  grep -q 'distinct lemmas (Porter stems): [0-9]' "$R/ner/report.md"
  grep -q 'Pixels per class' "$R/seg/report.md"
  grep -q 'recordings: [0-9]' "$R/speech/report.md"
}

@test "a second make demo with nothing changed trains nothing and remakes no data" {
  marker="$BATS_FILE_TMPDIR/marker"
  touch "$marker"
  sleep 1
  run demo
  [ "$status" -eq 0 ]
  newer=$(find "$R" \( -name '*.safetensors' -o -name '*.npy' -o -name '*.gz' -o -name '*.wav' -o -name '*.png' \) -newer "$marker")
  [ -z "$newer" ] || { echo "rewritten: $newer"; return 1; }
  [[ "$output" != *"demo-data: made"* ]]
}

@test "new settings rerun the steps that depend on them" {
  marker="$BATS_FILE_TMPDIR/marker2"
  touch "$marker"
  sleep 1
  eval "env -u DATA make -s -C '$NNPIPE_ROOT' $NNPIPE_MAKEVARS demo-seg RESULTS='$R' $TINY DEMO_SEG_EPOCHS=2" >/dev/null 2>&1
  [ -n "$(find "$R/seg" -name fcn.safetensors -newer "$marker")" ]
  [ "$(tail -n +2 "$R/seg/fcn.history.tsv" | wc -l)" -eq 2 ]
  # Other sections are untouched.
  [ -z "$(find "$R/mnist" "$R/ner" -name '*.safetensors' -newer "$marker")" ]
}

@test "a section without its data says so and fails" {
  run --separate-stderr eval "env -u DATA make -s -C '$NNPIPE_ROOT' $NNPIPE_MAKEVARS mnist DATA='$BATS_TEST_TMPDIR/none' RESULTS='$BATS_TEST_TMPDIR/r'"
  [ "$status" -ne 0 ]
  [[ "$stderr" == *"no data"* ]]
}

# ---- the report tool ---------------------------------------------------------
@test "report: headings, text, tables, pictures and pre blocks; HTML escaped" {
  cd "$BATS_TEST_TMPDIR"
  printf 'name\tvalue\nalpha <b>\t0.123456789\n' > t.tsv
  printf '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg>\n' > p.svg
  printf 'a & b\n' > log.txt
  cat > outline.txt <<'O'
# Title & more
Some `code` <here>.

## Part
- item one
@table t.tsv A table
@image p.svg A picture
@pre log.txt A log
O
  run "$NNPIPE_BIN/report" -o r.html --md r.md outline.txt
  [ "$status" -eq 0 ]
  grep -q '<title>Title &amp; more</title>' r.html
  grep -q '<code>code</code> &lt;here&gt;' r.html
  grep -q '<td>alpha &lt;b&gt;</td><td class="n">0.1235</td>' r.html
  grep -q 'src="data:image/svg+xml;base64,' r.html
  grep -q '<pre>a &amp; b' r.html
  grep -q '<li>item one</li>' r.html
  grep -q '^| alpha <b> | 0.1235 |$' r.md
  grep -q '^!\[A picture\](p.svg)$' r.md
}

@test "report: the base64 payload decodes to the picture's bytes" {
  cd "$BATS_TEST_TMPDIR"
  head -c 1001 /dev/urandom > img.png
  printf '@image img.png x\n' > o.txt
  "$NNPIPE_BIN/report" -o r.html o.txt
  grep -o 'base64,[^"]*' r.html | sed 's/^base64,//' | base64 -d | cmp - img.png
}

@test "report: a missing file is named in the report and on stderr, the report is still written" {
  cd "$BATS_TEST_TMPDIR"
  printf '# T\n@image nothere.png x\n@table nothere.tsv\n' > o.txt
  run --separate-stderr "$NNPIPE_BIN/report" -o r.html o.txt
  [ "$status" -eq 0 ]
  [[ "$stderr" == *"nothere.png"* ]]
  grep -q 'not available: nothere.png' r.html
  run --separate-stderr "$NNPIPE_BIN/report" -o r.html missing-outline.txt
  [ "$status" -eq 1 ]
  [[ "$stderr" == "report: missing-outline.txt:"* ]]
}
