#!/bin/sh
# Section 2 of the assignment: semantic segmentation with a fully
# convolutional encoder-decoder (CamVid, or any folder laid out like it).
#
#   DATA/camvid/{train,val}.txt  (image and label-map paths, CamVid's lists)
#     -> resize-img -> X.train.npy (N, H, W, 3) uint8, Y.train.npy (N, H, W) class ids
#     -> train-fcn (one model per entry of MODELS) -> predict -> metrics, pictures
#
# Budgets (environment): SIZE WxH the images are resized to (multiples of 4),
# EPOCHS, ROWS training images (0: all), MODELS (fcn: the assignment's
# network; fcn-aug: the same with flips, crops and colour jitter; unet: skips
# and batch norm), OPTIMIZER (the assignment's rmsprop, or adam), LR (0: the
# optimizer's Keras default), BATCH, THREADS.  Class names come from DATA/camvid/classes.tsv
# (id, name) when present, else CamVid's 12; IGNORE is the void class (CamVid: 11).
. "$(dirname "$0")/common.sh"
SIZE=${SIZE:-160x120} EPOCHS=${EPOCHS:-10} ROWS=${ROWS:-0} MODELS=${MODELS:-fcn fcn-aug} OPTIMIZER=${OPTIMIZER:-rmsprop} LR=${LR:-0} BATCH=${BATCH:-8} THREADS=${THREADS:-0}
C=$DATA/camvid
if [ -f "$C/classes.tsv" ]; then IGNORE=${IGNORE:--1}; else IGNORE=${IGNORE:-11}; fi
section seg SIZE=$SIZE EPOCHS=$EPOCHS ROWS=$ROWS "MODELS=$MODELS" IGNORE=$IGNORE OPTIMIZER=$OPTIMIZER LR=$LR BATCH=$BATCH
P=params.txt
T="--threads $THREADS"

# ---- 1. the data: images and label maps, resized --------------------------------
if [ -f "$C/classes.tsv" ]; then update classes.tsv < "$C/classes.tsv"; else
  printf '%s\n' 0:Sky 1:Building 2:Pole 3:Road 4:Pavement 5:Tree 6:SignSymbol 7:Fence 8:Car \
    9:Pedestrian 10:Bicyclist 11:Unlabelled | tr ':' '\t' | update classes.tsv; fi
K=$(wc -l < classes.tsv | tr -d ' ')
# The void class is the last id and is not an output of the network.
[ "$IGNORE" -ge 0 ] && K=$((K - 1))
NAMES=$(cut -f2 classes.tsv | paste -sd, -)
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
    classes.tsv support.train.tsv support.val.tsv; } > classes_pixels.tsv
cut -f2,3 classes_pixels.tsv | update classes_bar.tsv
fresh classes.svg classes_bar.tsv || plot bar --colors --title "Training pixels per class" -o classes.svg classes_bar.tsv
# Pictures of G validation images: image | label map | label map over the image.
NV=$(npy info X.val.npy | awk -F '\t' '$1 == "shape" {print $2}' | tr -d '(' | cut -d, -f1)
G=$(( NV < 8 ? NV : 8 ))
fresh samples.png X.val.npy Y.val.npy || plot triples -n $G -s 2 --ignore "$IGNORE" -o samples.png X.val.npy Y.val.npy

# ---- 2. the networks ----------------------------------------------------------------
printf 'model\tparameters\tepochs\ttrain seconds\tpixel accuracy\tmean IoU\tmacro precision\tmacro recall\tpredict ms/image\n' > summary.tsv
for m in $MODELS; do
  have train-fcn || break
  case $m in
    fcn) opts="" ;;
    fcn-aug) opts="--flip --crop --photometric" ;;
    unet) opts="--skip --batchnorm" ;;
    *) opts="" ;;
  esac
  if [ "$IGNORE" -ge 0 ]; then ign="--ignore $IGNORE"; else ign=""; fi
  fresh $m.safetensors X.train.npy Y.train.npy $P "$BIN/train-fcn" ||
    train-fcn -q $T -k "$K" $ign $opts -e "$EPOCHS" --optimizer "$OPTIMIZER" --lr "$LR" -b "$BATCH" --val-x X.val.npy --val-y Y.val.npy \
      -o $m.safetensors --history $m.history.tsv --report $m.report.tsv X.train.npy Y.train.npy
  train-fcn --summary -k "$K" $opts --size "$(echo "$SIZE" | awk -Fx '{print $2"x"$1}')" > $m.summary.txt 2>/dev/null || true
  fresh $m.history.svg $m.history.tsv || plot line -y loss,val_loss --title "$m: loss per epoch" -o $m.history.svg $m.history.tsv
  if ! fresh $m.Yhat.npy $m.safetensors X.val.npy; then
    t0=$(date +%s.%N)
    train-fcn predict $T -m $m.safetensors --argmax -o $m.Yhat.npy X.val.npy
    t1=$(date +%s.%N)
    n=$(npy info X.val.npy | awk -F '\t' '$1 == "shape" {print $2}' | tr -d '(' | cut -d, -f1)
    awk -v a="$t0" -v b="$t1" -v n="$n" 'BEGIN {printf "%.3f\n", (b - a) * 1000 / n}' > $m.predict_ms.txt
  fi
  ignopt=""; [ "$IGNORE" -ge 0 ] && ignopt="--ignore $IGNORE"
  metrics segment --format tsv -t Y.val.npy -p $m.Yhat.npy $ignopt > $m.segment.tsv
  metrics classify --format tsv -t Y.val.npy -p $m.Yhat.npy $ignopt > $m.classify.tsv
  # One row per class: precision, recall, F1 (classify) and IoU (segment).
  { printf 'class\tprecision\trecall\tf1\tIoU\tpixels\n'
    awk -F '\t' 'FILENAME == ARGV[1] {name[$1] = $2; next}
      FILENAME == ARGV[2] && $2 != "-" && ($1 == "precision" || $1 == "recall" || $1 == "f1" || $1 == "support") {v[$2, $1] = $3; seen[$2] = 1; next}
      FILENAME == ARGV[3] && $1 == "iou" {v[$2, "iou"] = $3}
      END {for (i = 0; i in name; i++) if (i in seen) printf "%s\t%s\t%s\t%s\t%s\t%s\n", name[i], v[i, "precision"], v[i, "recall"], v[i, "f1"], v[i, "iou"], v[i, "support"]}' \
      classes.tsv $m.classify.tsv $m.segment.tsv; } > $m.classes.tsv
  fresh $m.pred.png $m.Yhat.npy ||
    plot triples -n $G -s 2 --ignore "$IGNORE" -o $m.pred.png X.val.npy Y.val.npy $m.Yhat.npy
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' $m \
    "$(tsv_get $m.report.tsv params_trainable)" "$(awk 'END {print NR - 1}' $m.history.tsv)" \
    "$(awk -F '\t' 'NR > 1 {s += $4} END {printf "%.1f", s}' $m.history.tsv)" \
    "$(tsv_get $m.segment.tsv pixel_accuracy)" "$(tsv_get $m.segment.tsv iou_macro)" \
    "$(tsv_get $m.classify.tsv precision_macro)" "$(tsv_get $m.classify.tsv recall_macro)" \
    "$(cat $m.predict_ms.txt)" >> summary.tsv
done

# ---- 3. the report ------------------------------------------------------------------
{
  echo "# Semantic segmentation"
  echo
  echo "Data: \`$C\`. Images resized to $SIZE (width x height); budget $EPOCHS epochs; models: $MODELS."
  echo
  echo "## The data"
  echo "- training images: $(npy info X.train.npy | awk -F '\t' '$1 == "shape" {print $2}') uint8; label maps $(npy info Y.train.npy | awk -F '\t' '$1 == "shape" {print $2}')"
  echo "- validation images: $(npy info X.val.npy | awk -F '\t' '$1 == "shape" {print $2}')"
  echo "- classes: $K ($NAMES)$( [ "$IGNORE" -ge 0 ] && echo "; class $IGNORE is void: not predicted, ignored in the scores")"
  echo
  echo "@table classes_pixels.tsv Pixels per class"
  echo "@image classes.svg Training pixels per class"
  echo "@image samples.png Validation images, their label maps, and the maps over the images"
  echo "## Networks"
  echo "Scores on the validation images. Prediction time is the whole \`train-fcn predict\` run divided by the images."
  echo
  echo "@table summary.tsv Models side by side"
  for m in $MODELS; do
    [ -f $m.safetensors ] || continue
    echo "### $m"
    echo "@pre $m.summary.txt Layers and parameter counts"
    echo "@image $m.history.svg Training curve"
    echo "@table $m.classes.tsv Precision, recall, F1 and IoU per class"
    echo "@image $m.pred.png Validation images: image, true label map, predicted label map, prediction over the image"
  done
  if [ -s skipped.txt ]; then echo "## Skipped"; sed 's/^/- /' skipped.txt; fi
} > report.txt
make_report
