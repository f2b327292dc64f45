#!/bin/sh
# The demo's data: small synthetic stand-ins for the four data sets, in the
# real layouts (DATA/mnist, DATA/ner-gmb, DATA/camvid, DATA/fsdd), so the
# section scripts run on them unchanged.  Each set is made again only when its
# sizes or the generator change.
#
# Sizes (environment): DIGITS_TRAIN, DIGITS_TEST, NER_SENTENCES, SHAPES_TRAIN,
# SHAPES_VAL, SHAPES_SIZE (WxH), SOUNDS_PER_DIGIT, SOUNDS_SPEAKERS, SEED.
set -eu
BIN=${BIN:-bin}
DATA=${DATA:-results/demo-data}
PATH=$BIN:$PATH
SEED=${SEED:-1}

# made NAME SETTINGS: true when DATA/NAME was made with these settings by
# the current generator (DATA/NAME/.made holds them).
made() {
  [ -f "$DATA/$1/.made" ] && [ "$(cat "$DATA/$1/.made")" = "$2" ] &&
    ! [ "$BIN/make-demo-data" -nt "$DATA/$1/.made" ]
}
done_() { printf '%s\n' "$2" > "$DATA/$1/.made"; echo "demo-data: made $DATA/$1" >&2; }

s="${DIGITS_TRAIN:-2000} ${DIGITS_TEST:-500} $SEED"
made mnist "$s" || { rm -rf "$DATA/mnist"
  make-demo-data digits -n "${DIGITS_TRAIN:-2000}" -t "${DIGITS_TEST:-500}" -s "$SEED" "$DATA/mnist"; done_ mnist "$s"; }

s="${NER_SENTENCES:-2000} $SEED"
made ner-gmb "$s" || { rm -rf "$DATA/ner-gmb"
  make-demo-data ner -n "${NER_SENTENCES:-2000}" -s "$SEED" "$DATA/ner-gmb/ner_dataset.csv.gz"; done_ ner-gmb "$s"; }

size=${SHAPES_SIZE:-64x48}
s="${SHAPES_TRAIN:-200} ${SHAPES_VAL:-50} $size $SEED"
made camvid "$s" || { rm -rf "$DATA/camvid"
  make-demo-data shapes -n "${SHAPES_TRAIN:-200}" -v "${SHAPES_VAL:-50}" -W "${size%x*}" -H "${size#*x}" -s "$SEED" "$DATA/camvid"
  done_ camvid "$s"; }

s="${SOUNDS_PER_DIGIT:-10} ${SOUNDS_SPEAKERS:-4} $SEED"
made fsdd "$s" || { rm -rf "$DATA/fsdd"
  make-demo-data sounds -n "${SOUNDS_PER_DIGIT:-10}" -k "${SOUNDS_SPEAKERS:-4}" -s "$SEED" "$DATA/fsdd"; done_ fsdd "$s"; }
