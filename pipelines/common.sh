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

set -eu

BIN=${BIN:-bin}
DATA=${DATA:-data}
RESULTS=${RESULTS:-results}
# Absolute paths: the steps run inside the section's folder.
case $BIN in /*) ;; *) BIN=$(pwd)/$BIN ;; esac
case $DATA in /*) ;; *) DATA=$(pwd)/$DATA ;; esac
case $RESULTS in /*) ;; *) RESULTS=$(pwd)/$RESULTS ;; esac
PIPELINES=$(cd "$(dirname "$0")" && pwd)
# The tools are called by their names, as a user would after `make install`.
PATH=$BIN:$PATH
export PATH

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
  echo "skipped: \`$1\` not built yet" >> skipped.txt
  return 1
}

# section NAME KEY=VALUE...: enter results/NAME and record the settings in
# params.txt, rewritten only when they change (every step depends on it, so
# new settings or another DATA rerun the steps).
section() {
  SECTION=$1; shift
  OUT=$RESULTS/$SECTION
  mkdir -p "$OUT"
  cd "$OUT"
  : > skipped.txt
  { echo "data	$DATA"; for kv in "$@"; do printf '%s\t%s\n' "${kv%%=*}" "${kv#*=}"; done; } > params.txt.new
  if cmp -s params.txt.new params.txt; then rm -f params.txt.new; else mv params.txt.new params.txt; fi
  log "writing $OUT"
}

# ... | update FILE: write stdin to FILE only when it differs, so that files
# remade on every run do not look new to the steps that read them.
update() {
  cat > "$1.new"
  if cmp -s "$1.new" "$1"; then rm -f "$1.new"; else mv "$1.new" "$1"; fi
}

# rows N: a Python slice for `npy slice` keeping the first N rows (0: all).
rows() { if [ "$1" -gt 0 ]; then echo ":$1"; else echo ":"; fi; }

# tsv_get FILE KEY: the value of the first line 'KEY<TAB>value' (metric files).
tsv_get() { awk -F '\t' -v k="$2" '$1 == k { print $NF; exit }' "$1" 2>/dev/null || true; }

# The report: the outline report.txt becomes report.html (self-contained)
# and report.md.
make_report() {
  report -o report.html --md report.md report.txt
  log "report: $OUT/report.html"
}
