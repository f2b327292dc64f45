# Helpers shared by the section scripts (sourced, not run).
#
# Settings come from the environment (pipelines.mk passes them):
#   BIN      folder of the nnpipe programs          (default: bin)
#   DATA     folder of the data sets                 (default: data)
#   RESULTS  where results/<section>/ is written     (default: results)
#   EPOCHS, ROWS, ...  budgets, see each script
# Every step is written as
#   fresh OUTPUT INPUT... || command ...
# which runs the command only when OUTPUT is missing or older than one of its
# inputs, as make does: a second run with nothing changed trains nothing.
#
# ner.sh, seg.sh and mnist.sh are split in stages (see `stages` below) so
# that every experiment is a process of its own, with files in and out:
# make -j, GNU parallel or a Slurm job array can run several at once.

set -eu

BIN=${BIN:-bin}
DATA=${DATA:-data}
RESULTS=${RESULTS:-results}
# Absolute paths: the steps run inside the section's folder.
case $BIN in /*) ;; *) BIN=$(pwd)/$BIN ;; esac
case $DATA in /*) ;; *) DATA=$(pwd)/$DATA ;; esac
case $RESULTS in /*) ;; *) RESULTS=$(pwd)/$RESULTS ;; esac
PIPELINES=$(cd "$(dirname "$0")" && pwd)
SCRIPT=$PIPELINES/$(basename "$0")
# The tools are called by their names, as a user would after `make install`.
PATH=$BIN:$PATH
export PATH
# Where `have` lists the tools it skipped: one file per process, so that
# experiments running at the same time never write the same file.
SKIPPED=skipped.txt
SECTION=$(basename "$0" .sh)

log() { printf '%s: %s\n' "$SECTION" "$*" >&2; }

# fresh OUTPUT INPUT...: OUTPUT exists and no INPUT is newer.
fresh() {
  out=$1; shift
  [ -e "$out" ] || return 1
  for f in "$@"; do
    [ "$f" -nt "$out" ] && return 1
  done
  log "up to date: $out"
  return 0
}

# have TOOL: the tool is built (some are still being written).
have() {
  [ -x "$BIN/$1" ] && return 0
  log "skipped: $1 not built yet"
  echo "skipped: \`$1\` not built yet" >> "$SKIPPED"
  return 1
}

# ... | update FILE: write stdin to FILE only when it differs, so that files
# remade on every run do not look new to the steps that read them.  The
# temporary name is the process's own and the rename is atomic: a reader never
# sees half a file.
update() {
  cat > "$1.new.$$"
  if cmp -s "$1.new.$$" "$1"; then rm -f "$1.new.$$"; else mv "$1.new.$$" "$1"; fi
}

# settings FILE KEY=VALUE...: FILE holds the data folder and the settings,
# one 'KEY<TAB>value' a line, rewritten only when they change.  Steps list
# FILE among their inputs, so new settings or another DATA rerun them.
settings() {
  f=$1; shift
  { printf 'data\t%s\n' "$DATA"; for kv in "$@"; do printf '%s\t%s\n' "${kv%%=*}" "${kv#*=}"; done; } | update "$f"
}

# enter NAME: work inside RESULTS/NAME.
enter() {
  SECTION=$1
  OUT=$RESULTS/$SECTION
  mkdir -p "$OUT"
  cd "$OUT"
}

# section NAME KEY=VALUE...: a script in one piece (speech.sh) enters
# results/NAME and records the settings in params.txt.
section() {
  enter "$1"; shift
  : > skipped.txt
  settings params.txt "$@"
  log "writing $OUT"
}

# rows N: a Python slice for `npy slice` keeping the first N rows (0: all).
rows() { if [ "$1" -gt 0 ]; then echo ":$1"; else echo ":"; fi; }

# tsv_get FILE KEY: the value of the first line 'KEY<TAB>value' (metric files).
tsv_get() { awk -F '\t' -v k="$2" '$1 == k { print $NF; exit }' "$1" 2>/dev/null || true; }

# first_dim FILE.npy: the number of rows of an array.
first_dim() { npy info "$1" | awk -F '\t' '$1 == "shape" {print $2}' | tr -d '(' | cut -d, -f1; }

# The report: the outline report.txt becomes report.html (self-contained)
# and report.md.
make_report() {
  report -o report.html --md report.md report.txt
  log "report: $OUT/report.html"
}

# ---- stages ---------------------------------------------------------------------
# A staged script sets SHARED (the settings of its shared steps, KEY=VALUE
# words without spaces) and EXPERIMENTS (names), defines the functions
#   prepare            the data steps every experiment reads
#   known NAME         true when NAME is an experiment it can run
#   experiment NAME    train and score one experiment: it writes NAME.* only,
#                      ending with NAME.row.tsv, its line of the summary table
#   write_report       gather the rows and pictures into report.html
# and ends with `stages "$@"`, which gives it this command line:
#   SCRIPT [all]        prepare, every experiment in turn, report (make ner)
#   SCRIPT prepare      the shared steps; writes params.txt and prepare.done
#   SCRIPT list         the experiment names, one a line
#   SCRIPT run NAME...  these experiments (any number of runs at once, of
#                       different names; each needs prepare done first)
#   SCRIPT report       the report from the experiments finished so far
# The files an experiment writes are its own (NAME.*): params.txt and
# prepare.done belong to prepare, report.* and summary.tsv to report.
stages() {
  cmd=${1:-all}
  [ $# -gt 0 ] && shift
  case $cmd in
    list) printf '%s\n' $EXPERIMENTS ;;
    prepare)
      enter "$SECTION"
      : > skipped.txt
      settings params.txt $SHARED
      log "preparing $OUT"
      prepare
      touch prepare.done ;;
    run)
      [ $# -gt 0 ] || { echo "usage: $SCRIPT run NAME... (names: $SCRIPT list)" >&2; exit 2; }
      for name in "$@"; do
        known "$name" || { log "unknown experiment '$name' (try: $SCRIPT list)"; exit 2; }
      done
      enter "$SECTION"
      prepared
      for name in "$@"; do
        log "experiment $name"
        # A subshell each: an experiment's variables end with it.
        ( SKIPPED=$name.skipped.txt; : > "$SKIPPED"; experiment "$name" )
      done ;;
    report)
      enter "$SECTION"
      prepared
      # The skipped tools of every stage, once each.
      for name in $EXPERIMENTS; do cat "$name.skipped.txt" 2>/dev/null || true; done | cat skipped.txt - | awk '!seen[$0]++' > report.skipped.txt
      write_report ;;
    all)
      ( stages prepare )
      for name in $EXPERIMENTS; do ( stages run "$name" ); done
      stages report ;;
    -h|--help|help)
      sed -n '2,/^[^#]/ { /^#/ s/^# \{0,1\}//p }' "$SCRIPT"
      echo
      echo "usage: $SCRIPT [all | prepare | list | run NAME... | report]" ;;
    *) echo "usage: $SCRIPT [all | prepare | list | run NAME... | report]" >&2; exit 2 ;;
  esac
}

# prepared: prepare has finished with the settings of this process.  A run
# started with other settings than prepare's would mix two data sets.
prepared() {
  { printf 'data\t%s\n' "$DATA"; for kv in $SHARED; do printf '%s\t%s\n' "${kv%%=*}" "${kv#*=}"; done; } |
    cmp -s - params.txt && [ -f prepare.done ] && ! [ params.txt -nt prepare.done ] || {
      log "prepare has not run with these settings (DATA and $SHARED): run '$SCRIPT prepare' first"
      exit 1
    }
}

# summary HEADER: the header line then every experiment's row, in list order
# (experiments not run yet are left out).
summary() {
  printf '%s\n' "$1"
  for name in $EXPERIMENTS; do
    [ -s "$name.row.tsv" ] && cat "$name.row.tsv"
  done
  return 0
}

# skipped_section: the report's list of tools not built yet, if any.
skipped_section() {
  if [ -s report.skipped.txt ]; then echo "## Skipped"; sed 's/^/- /' report.skipped.txt; fi
}

# seconds_of HISTORY.tsv: the training time, the sum of the seconds column.
seconds_of() { awk -F '\t' 'NR > 1 {s += $4} END {printf "%.1f", s}' "$1"; }
# epochs_of HISTORY.tsv: the epochs trained.
epochs_of() { awk 'END {print NR - 1}' "$1"; }
# val_of HISTORY.tsv: two fields, the last epoch's validation loss and the
# lowest one with its epoch ("0.91<TAB>0.75 (7)"); "-<TAB>-" without validation.
val_of() {
  awk -F '\t' 'NR > 1 && $3 != "" {last = $3; if (at == "" || $3 + 0 < best + 0) {best = $3; at = $1}}
    END {if (at == "") printf "-\t-"; else printf "%.4g\t%.4g (%d)", last, best, at}' "$1"
}

# timed_per N FILE COMMAND...: run COMMAND and write the milliseconds it took
# per item (N items) to FILE.
timed_per() {
  n=$1 f=$2; shift 2
  t0=$(date +%s.%N)
  "$@"
  t1=$(date +%s.%N)
  awk -v a="$t0" -v b="$t1" -v n="$n" 'BEGIN {printf "%.4f\n", (b - a) * 1000 / n}' > "$f"
}
