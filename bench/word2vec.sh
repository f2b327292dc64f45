#!/bin/sh
# word2vec training speed next to gensim 4 (python3-gensim), same settings:
# skip-gram, 32 dimensions, window 5, negative 5, min-count 3, sample 1e-3,
# 5 iterations, on the GMB corpus (tokenize --sentences, lower case).
# Rates are retained words x iterations / seconds of training (reading and
# the vocabulary are not counted, for either side).  Ours runs with 1 and 2
# threads; gensim with workers=1 (and workers=2 for the 2-thread line).
# The "scaling" line compares our 2-thread rate with our 1-thread rate.
# The "per_cpu_second" line divides by CPU time instead of wall time: on a
# shared, loaded machine it is the steadier measure of single-thread speed.
# Peak memory (maximum resident set, /usr/bin/time -f %M, whole process:
# reading, vocabulary and training) is printed for both at 1 and 2 threads/workers.
PY=${PYTHON:-/usr/bin/python3}
BIN=${NNPIPE_BIN:-bin}
DATA=${SHARED_DATA:-../shared/data}/ner-gmb/ner_dataset.csv.gz
if [ ! -f "$DATA" ]; then
  echo "# word2vec: $DATA missing, skipped"
  exit 0
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$BIN/tokenize" -q --sentences "$DATA" -o "$tmp/sent.txt" || exit 1
SETTINGS="-m sg -d 32 -w 5 -k 5 --min-count 3 --sample 1e-3 -i 5 --seed 1"

TIME=
[ -x /usr/bin/time ] && TIME="/usr/bin/time -f %M -o"
ours_run() { # threads -> summary line; peak KiB in $tmp/mem$1
  # shellcheck disable=SC2086
  $TIME${TIME:+ $tmp/mem$1} "$BIN/word2vec" $SETTINGS --threads "$1" "$tmp/sent.txt" -o "$tmp/vec$1.txt" 2>&1 >/dev/null | tail -n 1
}
s1=$(ours_run 1)
s2=$(ours_run 2)
r1=$(printf '%s\n' "$s1" | sed -n 's/.* \([0-9][0-9]*\) words\/s$/\1/p')
r2=$(printf '%s\n' "$s2" | sed -n 's/.* \([0-9][0-9]*\) words\/s$/\1/p')
c1=$(printf '%s\n' "$s1" | sed -n 's/.* \([0-9][0-9]*\) words per CPU second.*/\1/p')
c2=$(printf '%s\n' "$s2" | sed -n 's/.* \([0-9][0-9]*\) words per CPU second.*/\1/p')

peer1=- peer2=- cpeer1=- q_ours=- q_peer=-
if "$PY" -c 'import gensim' 2>/dev/null; then
  # shellcheck disable=SC2086
  out1=$(env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE $TIME${TIME:+ $tmp/pmem1} "$PY" bench/word2vec_peer.py "$tmp/sent.txt" 1 "$tmp/vec1.txt" 2>/dev/null)
  peer1=$(printf '%s\n' "$out1" | sed -n 's/^RATE //p')
  cpeer1=$(printf '%s\n' "$out1" | sed -n 's/^CPU_RATE //p')
  q_peer=$(printf '%s\n' "$out1" | sed -n 's/^QUALITY_GENSIM //p')
  q_ours=$(printf '%s\n' "$out1" | sed -n 's/^QUALITY_OURS //p')
  # shellcheck disable=SC2086
  peer2=$(env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE $TIME${TIME:+ $tmp/pmem2} "$PY" bench/word2vec_peer.py "$tmp/sent.txt" 2 2>/dev/null |
    sed -n 's/^RATE //p')
else
  echo "# gensim missing: apt-get install python3-gensim"
fi
ratio() { if [ "$2" = - ] || [ -z "$2" ] || [ -z "$1" ]; then echo -; else awk "BEGIN{printf \"%.2f\", $1/$2}"; fi; }
printf 'BENCH\tword2vec_sg_1thread\t%s\t%s\twords/s\t%s\n' "$r1" "${peer1:--}" "$(ratio "$r1" "${peer1:--}")"
printf 'BENCH\tword2vec_sg_1thread_per_cpu_second\t%s\t%s\twords/CPU-s\t%s\n' "$c1" "${cpeer1:--}" "$(ratio "$c1" "${cpeer1:--}")"
printf 'BENCH\tword2vec_sg_2threads\t%s\t%s\twords/s\t%s\n' "$r2" "${peer2:--}" "$(ratio "$r2" "${peer2:--}")"
printf 'BENCH\tword2vec_sg_scaling_2_vs_1_thread\t%s\t%s\twords/s\t%s\n' "$r2" "$r1" "$(ratio "$r2" "$r1")"
# Hogwild overhead: words per CPU second with 2 threads vs 1 (1.0: none;
# then the 2-thread speed-up on an idle machine is close to 2).
printf 'BENCH\tword2vec_sg_2threads_vs_1_per_cpu_second\t%s\t%s\twords/CPU-s\t%s\n' "$c2" "$c1" "$(ratio "$c2" "$c1")"
mem() { if [ -s "$1" ]; then awk 'END { printf "%.1f", $1 / 1024 }' "$1"; else echo -; fi; }
m1=$(mem "$tmp/mem1") pm1=$(mem "$tmp/pmem1") m2=$(mem "$tmp/mem2") pm2=$(mem "$tmp/pmem2")
printf 'BENCH\tword2vec_sg_1thread_peak_memory\t%s\t%s\tMiB\t%s\n' "$m1" "$pm1" "$(ratio "$pm1" "$m1")"
printf 'BENCH\tword2vec_sg_2threads_peak_memory\t%s\t%s\tMiB\t%s\n' "$m2" "$pm2" "$(ratio "$pm2" "$m2")"
printf 'QUALITY\tword2vec_time_words_top5\t%s\t%s\tshare of the 5 nearest neighbours of weekday/month names that are weekday/month names\n' \
  "${q_ours:--}" "${q_peer:--}"
