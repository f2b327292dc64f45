#!/bin/sh
# Section 2 of the assignment: semantic segmentation with a fully
# convolutional encoder-decoder (CamVid, or any folder laid out like it).
#
#   prepare: DATA/camvid/{train,val}.txt  (image and label-map paths, CamVid's lists)
#     -> resize-img -> X.train.npy (N, H, W, 3) uint8, Y.train.npy (N, H, W) class ids
#   run NAME: train-fcn -> NAME.safetensors -> predict -> metrics, pictures
#   report: summary.tsv, report.html
#
# Experiments: a name is a network and what is added to it, joined by '-':
#   fcn               the assignment's network, no augmentation
#   fcn-flip          + horizontal flips          fcn-crop     + random crops
#   fcn-photometric   + brightness, contrast, colour jitter, noise
#   fcn-denoise       + dropped input pixels      fcn-aug      + flip, crop, photometric
#   fcn-skip          + U-Net skip connections    unet         skips and batch norm
# Any such combination works (fcn-skip-flip, unet-aug, fcn-bn, ...).
#
# Settings (environment): SIZE WxH the images are resized to (multiples of 4),
# EPOCHS, ROWS training images (0: all), MODELS the experiments, OPTIMIZER
# (the assignment's rmsprop, or adam), LR (0: the optimizer's Keras default),
# BATCH, THREADS.  Class names come from DATA/camvid/classes.tsv (id, name)
# when present, else CamVid's 12; IGNORE is the void class (CamVid: 11).
#
# Usage: sh pipelines/seg.sh [all | prepare | list | run NAME... | report]
# (see "stages" in common.sh; `make seg` runs it, `make -j2 seg` two
# experiments at a time).
. "$(dirname "$0")/common.sh"
SECTION=seg
SIZE=${SIZE:-160x120} EPOCHS=${EPOCHS:-10} ROWS=${ROWS:-0} OPTIMIZER=${OPTIMIZER:-rmsprop} LR=${LR:-0} BATCH=${BATCH:-8}
MODELS=${MODELS:-fcn fcn-flip fcn-crop fcn-photometric fcn-denoise fcn-aug fcn-skip unet}
THREADS=${THREADS:-0}
C=$DATA/camvid
if [ -f "$C/classes.tsv" ]; then IGNORE=${IGNORE:--1}; else IGNORE=${IGNORE:-11}; fi
EXPERIMENTS=$MODELS
SHARED="SIZE=$SIZE ROWS=$ROWS IGNORE=$IGNORE"
P=params.txt
T="--threads $THREADS"
if [ "$IGNORE" -ge 0 ]; then IGN="--ignore $IGNORE"; else IGN=""; fi

# ---- prepare: images and label maps, resized; classes; pictures -----------------
prepare() {
  if [ -f "$C/classes.tsv" ]; then update classes.tsv < "$C/classes.tsv"; else
    printf '%s\n' 0:Sky 1:Building 2:Pole 3:Road 4:Pavement 5:Tree 6:SignSymbol 7:Fence 8:Car \
      9:Pedestrian 10:Bicyclist 11:Unlabelled | tr ':' '\t' | update classes.tsv; fi
  for s in train val; do
    fresh X.$s.all.npy "$C/$s.txt" $P "$BIN/resize-img" ||
      resize-img -q $T --list "$C/$s.txt" --root "$C" -s "$SIZE" -o X.$s.all.npy --masks-out Y.$s.all.npy
    n=0; [ $s = train ] && n=$ROWS
    fresh X.$s.npy X.$s.all.npy || { npy slice -r "$(rows $n)" -o X.$s.npy X.$s.all.npy
                                     npy slice -r "$(rows $n)" -o Y.$s.npy Y.$s.all.npy; }
  done
  # Pixels per class: the support of a classification of the masks against themselves.
  for s in train val; do
    metrics classify --format tsv -t Y.$s.npy -p Y.$s.npy | awk -F '\t' '$1 == "support" && $2 != "-" {print $2"\t"$3}' > support.$s.tsv
  done
  { printf 'id\tclass\ttrain pixels\tval pixels\n'
    awk -F '\t' 'FILENAME == ARGV[1] {name[$1] = $2; next} FILENAME == ARGV[2] {tr[$1] = $2; next} {va[$1] = $2}
      END {for (i = 0; i in name; i++) printf "%d\t%s\t%s\t%s\n", i, name[i], (i in tr) ? tr[i] : 0, (i in va) ? va[i] : 0}' \
      classes.tsv support.train.tsv support.val.tsv; } | update classes_pixels.tsv
  cut -f2,3 classes_pixels.tsv | update classes_bar.tsv
  fresh classes.svg classes_bar.tsv || plot bar --colors --title "Training pixels per class" -o classes.svg classes_bar.tsv
  # The validation images the pictures show, spread over the set (CamVid's
  # are frames of a few videos: the first eight look alike).
  for a in X Y; do fresh $a.show.npy $a.val.npy || spread $a.val.npy $a.show.npy; done
  # Pictures of them: image | label map | label map over the image.
  fresh samples.png X.show.npy Y.show.npy || plot triples -n "$(pictures)" -s 2 --ignore "$IGNORE" -o samples.png X.show.npy Y.show.npy
}
# classes: the number of network outputs (the void class, the last id, is not one).
classes() { k=$(wc -l < classes.tsv | tr -d ' '); [ "$IGNORE" -ge 0 ] && k=$((k - 1)); echo $k; }
# pictures: how many validation images the pictures show (at most 8).
pictures() { nv=$(first_dim X.val.npy); echo $(( nv < 8 ? nv : 8 )); }
# spread IN.npy OUT.npy: those images, every (N / 8)-th one from the first.
spread() { step=$(( $(first_dim X.val.npy) / 8 )); npy slice -r "::$(( step > 0 ? step : 1 ))" "$1" | npy slice -r ":$(pictures)" -o "$2"; }

# ---- run NAME: one network ----------------------------------------------------------
# options NAME: train-fcn's options for an experiment name (fails on a bad name).
options() {
  case $1 in fcn|fcn-*) opts="" ;; unet|unet-*) opts="--skip --batchnorm" ;; *) return 1 ;; esac
  for part in $(echo "${1#*-}" | tr '-' ' '); do
    [ "$part" = "$1" ] && continue # no '-': the bare network
    case $part in
      flip|crop|photometric|denoise|skip) opts="$opts --$part" ;;
      bn) opts="$opts --batchnorm" ;;
      aug) opts="$opts --flip --crop --photometric" ;;
      *) return 1 ;;
    esac
  done
  echo "$opts"
}
known() { options "$1" > /dev/null; }

experiment() {
  m=$1
  opts=$(options "$m")
  # The experiment's own settings: changing them retrains this network only.
  settings $m.params.txt "options=$opts" EPOCHS=$EPOCHS OPTIMIZER=$OPTIMIZER LR=$LR BATCH=$BATCH
  have train-fcn || return 0
  K=$(classes)
  fresh $m.safetensors X.train.npy Y.train.npy $P $m.params.txt "$BIN/train-fcn" ||
    train-fcn -q $T -k "$K" $IGN $opts -e "$EPOCHS" --optimizer "$OPTIMIZER" --lr "$LR" -b "$BATCH" --val-x X.val.npy --val-y Y.val.npy \
      -o $m.safetensors --history $m.history.tsv --report $m.report.tsv X.train.npy Y.train.npy
  train-fcn --summary -k "$K" $opts --size "$(echo "$SIZE" | awk -Fx '{print $2"x"$1}')" > $m.summary.txt 2>/dev/null || true
  fresh $m.history.svg $m.history.tsv || plot line -y loss,val_loss --title "$m: loss per epoch" -o $m.history.svg $m.history.tsv
  fresh $m.Yhat.npy $m.safetensors X.val.npy ||
    timed_per "$(first_dim X.val.npy)" $m.predict_ms.txt train-fcn predict $T -m $m.safetensors --argmax -o $m.Yhat.npy X.val.npy
  metrics segment --format tsv -t Y.val.npy -p $m.Yhat.npy $IGN > $m.segment.tsv
  metrics classify --format tsv -t Y.val.npy -p $m.Yhat.npy $IGN > $m.classify.tsv 2> $m.classify.log
  # One row per class: precision, recall, F1 (classify) and IoU (segment).
  { printf 'class\tprecision\trecall\tf1\tIoU\tpixels\n'
    awk -F '\t' 'FILENAME == ARGV[1] {name[$1] = $2; next}
      FILENAME == ARGV[2] && $2 != "-" && ($1 == "precision" || $1 == "recall" || $1 == "f1" || $1 == "support") {v[$2, $1] = $3; seen[$2] = 1; next}
      FILENAME == ARGV[3] && $1 == "iou" {v[$2, "iou"] = $3}
      END {for (i = 0; i in name; i++) if (i in seen) printf "%s\t%s\t%s\t%s\t%s\t%s\n", name[i], v[i, "precision"], v[i, "recall"], v[i, "f1"], v[i, "iou"], v[i, "support"]}' \
      classes.tsv $m.classify.tsv $m.segment.tsv; } > $m.classes.tsv
  fresh $m.pred.png $m.Yhat.npy X.show.npy || { spread $m.Yhat.npy $m.Yhat.show.npy &&
    plot triples -n "$(pictures)" -s 2 --ignore "$IGNORE" -o $m.pred.png X.show.npy Y.show.npy $m.Yhat.show.npy; }
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' $m \
    "$(tsv_get $m.report.tsv params_trainable)" "$(epochs_of $m.history.tsv)" "$(seconds_of $m.history.tsv)" \
    "$(tsv_get $m.segment.tsv pixel_accuracy)" "$(tsv_get $m.segment.tsv iou_macro)" \
    "$(tsv_get $m.classify.tsv precision_macro)" "$(tsv_get $m.classify.tsv recall_macro)" \
    "$(cat $m.predict_ms.txt)" "$(val_of $m.history.tsv)" | update $m.row.tsv
}

# ---- report ---------------------------------------------------------------------------
write_report() {
  summary "$(printf 'model\tparameters\tepochs\ttrain seconds\tpixel accuracy\tmean IoU\tmacro precision\tmacro recall\tpredict ms/image\tlast val loss\tlowest val loss (epoch)')" |
    update summary.tsv
  # Mean IoU per experiment, and IoU per class side by side.
  cut -f1,6 summary.tsv | update iou.tsv
  [ "$(wc -l < iou.tsv)" -gt 1 ] && { fresh iou.svg iou.tsv ||
    plot bar --label model --value "mean IoU" --title "Mean IoU on the validation images" -o iou.svg iou.tsv; }
  { printf 'class'; for m in $EXPERIMENTS; do [ -f $m.row.tsv ] && printf '\t%s' $m; done; echo
    for m in $EXPERIMENTS; do [ -f $m.row.tsv ] && echo $m.classes.tsv; done |
      xargs -r awk -F '\t' 'FNR == 1 {next} !($1 in row) {order[++n] = $1; row[$1] = $1} {row[$1] = row[$1] "\t" $5}
        END {for (i = 1; i <= n; i++) print row[order[i]]}'; } | update iou_classes.tsv
  shape() { npy info "$1" | awk -F '\t' '$1 == "shape" {print $2}'; }
  {
    echo "# Semantic segmentation"
    echo
    echo "Data: \`$C\`. Images resized to $SIZE (width x height); budget $EPOCHS epochs, $OPTIMIZER, batch $BATCH."
    echo
    echo "## The data"
    echo "- training images: $(shape X.train.npy) uint8; label maps $(shape Y.train.npy)"
    echo "- validation images: $(shape X.val.npy)"
    echo "- classes: $(classes) ($(cut -f2 classes.tsv | paste -sd, - | sed 's/,/, /g'))$( [ "$IGNORE" -ge 0 ] && echo "; class $IGNORE is void: not predicted, ignored in the scores")"
    echo
    echo "@table classes_pixels.tsv Pixels per class"
    echo "@image classes.svg Training pixels per class"
    echo "@image samples.png Validation images (spread over the set), their label maps, and the maps over the images"
    echo "## Networks"
    echo "\`fcn\` is the assignment's network; each other name adds one thing to it: an augmentation of the training images (flip, crop, photometric, denoise; aug: flip, crop and photometric together), U-Net skip connections (skip), or skips and batch normalization (unet)."
    echo "Scores on the validation images. Prediction time is the whole \`train-fcn predict\` run divided by the images."
    echo
    echo "@table summary.tsv Models side by side"
    # How far the last epoch (the one scored) is from the model's best.
    awk -F '\t' 'NR > 1 && $10 != "-" {split($11, b, " "); if (b[1] > 0 && $10 / b[1] > worst) {worst = $10 / b[1]; m = $1}}
      END {if (worst > 1.05) printf "Each row is one training run, scored after its last epoch. The validation loss moves from epoch to epoch: %s ended %.0f %% above its lowest. Differences of a few points between rows can come from that alone; bench/fcn_quality.sh repeats runs over seeds.\n\n", m, 100 * (worst - 1)}' summary.tsv
    [ -f iou.svg ] && echo "@image iou.svg Mean IoU per model"
    echo "@table iou_classes.tsv IoU per class and model"
    for m in $EXPERIMENTS; do
      [ -f $m.row.tsv ] || continue
      echo "### $m"
      o=$(options $m | sed "s/^ *//")
      if [ -n "$o" ]; then echo "Options: \`$o\`"; else echo "Options: none (the assignment's network)"; fi
      echo
      echo "@pre $m.summary.txt Layers and parameter counts"
      echo "@image $m.history.svg Training curve"
      echo "@table $m.classes.tsv Precision, recall, F1 and IoU per class"
      echo "@image $m.pred.png Validation images (spread over the set): image, true label map, predicted label map, prediction over the image"
    done
    skipped_section
  } > report.txt
  make_report
}

stages "$@"
