#!/usr/bin/env bats
# The pipelines: `make demo` at a tiny budget runs every section on generated
# data and writes self-contained reports; a second run trains nothing.  And
# the report tool on its own.

bats_require_minimum_version 1.5.0

TINY="DEMO_EPOCHS=1 DEMO_SEG_EPOCHS=1 DEMO_SPEECH_EPOCHS=1 DEMO_DIGITS_TRAIN=300 DEMO_DIGITS_TEST=100 DEMO_NER_SENTENCES=200 DEMO_NER_EPOCHS=1 \
  DEMO_SHAPES_TRAIN=8 DEMO_SHAPES_VAL=4 DEMO_SHAPES_SIZE=32x32 DEMO_SOUNDS_PER_DIGIT=6 DEMO_SOUNDS_SPEAKERS=2 \
  DEMO_UTTERANCES=24 THREADS=2"
# Under an emulator (a cross build's RUNNER) every float operation is emulated
# and the MNIST models cost 200 to 800 times their native time: fewer digits
# and a smaller decoded grid keep the file to about an hour.  The steps run
# are the same.
[ -z "$NNPIPE_RUNNER" ] || TINY="$TINY DEMO_DIGITS_TRAIN=100 DEMO_DIGITS_TEST=50 DEMO_MANIFOLD=8"

demo() {
  # DATA must not come from the environment, nor from the command line of
  # the make running the tests (passed down in MAKEFLAGS, as cross builds
  # do with DATA=/nonexistent): either would mean the real data.
  eval "env -u DATA -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -s -C '$NNPIPE_ROOT' $NNPIPE_MAKEVARS $* demo RESULTS='$R' $TINY"
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

@test "a second make -j2 demo with nothing changed trains nothing and remakes no data" {
  marker="$BATS_FILE_TMPDIR/marker"
  touch "$marker"
  sleep 1
  run demo -j2
  [ "$status" -eq 0 ]
  newer=$(find "$R" \( -name '*.safetensors' -o -name '*.npy' -o -name '*.gz' -o -name '*.wav' -o -name '*.png' \) -newer "$marker")
  [ -z "$newer" ] || { echo "rewritten: $newer"; return 1; }
  [[ "$output" != *"demo-data: made"* ]]
}

@test "the demo ran every experiment of its lists: one row, one model, one report section each" {
  for m in lstm lstm-trainable bi-lstm-concat bi-lstm-sum bi-lstm-mul bi-lstm-ave gru best; do
    [ -s "$R/ner/$m.safetensors" ] || { echo "ner: no $m"; return 1; }
    grep -q "^| $m |" "$R/ner/report.md" || { echo "ner: no row $m"; return 1; }
  done
  for m in fcn fcn-aug fcn-skip; do
    [ -s "$R/seg/$m.safetensors" ] && grep -q "^### $m$" "$R/seg/report.md" || { echo "seg: no $m"; return 1; }
  done
  for m in pca-2 pca-32 ae-2 ae-32 deep-ae-2 deep-ae-32 vae-2 cat-vae; do
    [ -s "$R/mnist/$m.safetensors" ] && grep -q "^| $m |" "$R/mnist/report.md" || { echo "mnist: no $m"; return 1; }
  done
  # The model x code size tables, and t-SNE next to PCA.
  grep -q '^| code size | pca | ae | deep-ae | vae |$' "$R/mnist/report.md"
  grep -q 'pixels.tsne.svg' "$R/mnist/report.md"
  grep -q 'pca-2.codes.svg' "$R/mnist/report.md"
  # The assignment's NER settings.
  grep -q '32 dimensions, window 5, 5 negative samples, min count 3, 5 passes' "$R/ner/report.md"
  grep -q 'test share 0.3, seed 22' "$R/ner/report.md"
  grep -q -- '--freeze-embedding' "$R/ner/lstm.params.txt"
  ! grep -q -- '--freeze-embedding' "$R/ner/lstm-trainable.params.txt"
  grep -q -- '--merge mul' "$R/ner/bi-lstm-mul.params.txt"
}

@test "stages: list, unknown names, run before prepare" {
  cd "$NNPIPE_ROOT"
  run sh pipelines/ner.sh list
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = lstm ]
  [[ "$output" == *bi-lstm-ave* ]]
  MODELS="gru bi-rnn-sum-trainable" run sh pipelines/ner.sh list
  [ "$output" = "gru
bi-rnn-sum-trainable" ]
  run sh pipelines/mnist.sh list
  [[ "$output" == *deep-ae-16* ]] && [[ "$output" == *vae-32* ]] && [[ "$output" == *cat-vae* ]]
  run sh pipelines/seg.sh list
  [[ "$output" == *fcn-photometric* ]] && [[ "$output" == *fcn-skip* ]]
  for bad in "ner lstm-up" "ner lstm-sum" "ner lstm-l0" "ner gru-l2-x" "seg fcn-zoom" "mnist ae-x" "mnist ../ae-2"; do
    run --separate-stderr sh pipelines/${bad% *}.sh run "${bad#* }"
    [ "$status" -eq 2 ] || { echo "$bad: status $status"; return 1; }
    [[ "$stderr" == *"unknown experiment"* ]]
  done
  BIN="$NNPIPE_BIN" DATA="$R/demo-data" RESULTS="$BATS_TEST_TMPDIR/r" run --separate-stderr sh pipelines/ner.sh run lstm
  [ "$status" -eq 1 ]
  [[ "$stderr" == *"run '"*"ner.sh prepare' first"* ]]
  run sh pipelines/ner.sh frobnicate
  [ "$status" -eq 2 ]
}

@test "an experiment's own setting retrains that experiment only" {
  marker="$BATS_FILE_TMPDIR/marker3"
  touch "$marker"
  sleep 1
  # The demo's NER settings (pipelines.mk), but 2 epochs for gru.
  cd "$NNPIPE_ROOT"
  BIN="$NNPIPE_BIN" DATA="$R/demo-data" RESULTS="$R" THREADS=2 EPOCHS=2 UNITS=32 LR=0.005 ROWS=0 \
    sh pipelines/ner.sh run gru 2> /dev/null
  [ "$(tail -n +2 "$R/ner/gru.history.tsv" | wc -l)" -eq 2 ]
  [ "$(find "$R/ner" -name '*.safetensors' -newer "$marker")" = "$R/ner/gru.safetensors" ]
  [ -z "$(find "$R/ner" -name 'X*.npy' -newer "$marker")" ]
}

@test "GNU parallel runs a grid as make does: every experiment's files, the same files as one sequential run" {
  command -v parallel > /dev/null || skip "GNU parallel is not installed (Debian: apt-get install parallel)"
  cd "$NNPIPE_ROOT"
  seq="$BATS_TEST_TMPDIR/seq" par="$BATS_TEST_TMPDIR/par"
  export BIN="$NNPIPE_BIN" DATA="$R/demo-data" EPOCHS=1 ROWS=0 TEST_ROWS=0 THREADS=1 UNITS=8 TSNE_ROWS=100
  for s in ner seg mnist; do
    case $s in
      ner) export MODELS="lstm bi-gru-sum best" ;;
      seg) export MODELS="fcn fcn-flip" SIZE=32x32 BATCH=4 ;;
      mnist) export MODELS="pca-2 ae-8 pixels" TSNE_CODES=ae-8 ;;
    esac
    RESULTS="$seq" sh pipelines/$s.sh > /dev/null 2>&1
    # The README's recipe, with this machine as the only host.
    RESULTS="$par" sh pipelines/$s.sh prepare 2> /dev/null
    RESULTS="$par" sh pipelines/$s.sh list |
      parallel --sshlogin 2/: --workdir "$NNPIPE_ROOT" --halt soon,fail=1 \
        "BIN='$BIN' DATA='$DATA' RESULTS='$par' EPOCHS=1 ROWS=0 THREADS=1 sh pipelines/$s.sh run {}" 2> /dev/null
    RESULTS="$par" sh pipelines/$s.sh report 2> /dev/null
    for m in $MODELS; do
      [ -s "$par/$s/$m.row.tsv" ] || { echo "$s: no $m.row.tsv"; return 1; }
    done
    [ -s "$par/$s/report.html" ]
    diff <(cd "$seq/$s" && find . | sort) <(cd "$par/$s" && find . | sort) || { echo "$s: other files"; return 1; }
    # The same table (times aside).
    [ "$(cut -f1 "$seq/$s/summary.tsv")" = "$(cut -f1 "$par/$s/summary.tsv")" ]
  done
  grep -q '^| bi-gru-sum |' "$par/ner/report.md"
  grep -q 'ae-8.codes_test.tsne.svg' "$par/mnist/report.md"
}

@test "new settings rerun the steps that depend on them" {
  marker="$BATS_FILE_TMPDIR/marker2"
  touch "$marker"
  sleep 1
  eval "env -u DATA -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -s -C '$NNPIPE_ROOT' $NNPIPE_MAKEVARS demo-seg RESULTS='$R' $TINY DEMO_SEG_EPOCHS=2" >/dev/null 2>&1
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
