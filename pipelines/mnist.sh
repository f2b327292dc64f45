#!/bin/sh
# Section 4 of the assignment: MNIST with autoencoders, PCA, k-NN and t-SNE.
#
#   prepare: DATA/mnist/{train,t10k}-{images-idx3,labels-idx1}-ubyte.gz
#     -> x_train.npy y_train.npy x_test.npy y_test.npy   uint8 (N, 28, 28), (N)
#   run NAME: one model -> codes, reconstructions, k-NN accuracy on the codes
#     -> NAME.row.tsv
#   report: summary.tsv, the model x code size tables, report.html
#
# Experiments:
#   pca-D, ae-D, deep-ae-D, vae-D   PCA, the dense autoencoder, the convolutional
#                                   one and the Gaussian VAE with codes of size D
#                                   (2-D codes are also drawn; vae-2 adds the
#                                   decoded manifold)
#   cat-vae                         the categorical VAE (one 10-way variable)
#   pixels                          the raw pixels: k-NN and the t-SNE picture
# The t-SNE of the test codes of the experiments in TSNE_CODES is drawn too.
#
# Settings (environment): ROWS training images (0: all), TEST_ROWS test images
# (0: all), EPOCHS per model, DIMS the code sizes of the grid (2 8 16 32),
# MODELS the experiments (default: every model at every size in DIMS, cat-vae,
# pixels), TSNE_ROWS test points embedded by t-SNE, TSNE_CODES, MANIFOLD the
# side of vae-2's grid of decoded images (30: 30 x 30), THREADS.
#
# Usage: sh pipelines/mnist.sh [all | prepare | list | run NAME... | report]
# (see "stages" in common.sh; `make mnist` runs it, `make -j2 mnist` two
# experiments at a time).
. "$(dirname "$0")/common.sh"
SECTION=mnist
ROWS=${ROWS:-0} TEST_ROWS=${TEST_ROWS:-0} EPOCHS=${EPOCHS:-10} DIMS=${DIMS:-2 8 16 32}
TSNE_ROWS=${TSNE_ROWS:-2000} TSNE_CODES=${TSNE_CODES:-ae-32 deep-ae-32} THREADS=${THREADS:-0} MANIFOLD=${MANIFOLD:-30}
MODELS=${MODELS:-$(for f in pca ae deep-ae vae; do for d in $DIMS; do printf '%s-%s ' $f $d; done; done) cat-vae pixels}
EXPERIMENTS=$MODELS
SHARED="ROWS=$ROWS TEST_ROWS=$TEST_ROWS TSNE_ROWS=$TSNE_ROWS"
M=$DATA/mnist
P=params.txt
T="--threads $THREADS"

# ---- prepare: IDX -> .npy (uint8 pixels 0..255, uint8 labels) ----------------
prepare() {
  for part in train:train test:t10k; do
    name=${part%%:*} file=${part#*:}
    n=$ROWS; [ "$name" = test ] && n=$TEST_ROWS
    fresh x_$name.npy "$M/$file-images-idx3-ubyte.gz" $P ||
      npy from-idx "$M/$file-images-idx3-ubyte.gz" | npy slice -r "$(rows "$n")" -o x_$name.npy
    fresh y_$name.npy "$M/$file-labels-idx1-ubyte.gz" $P ||
      npy from-idx "$M/$file-labels-idx1-ubyte.gz" | npy slice -r "$(rows "$n")" -o y_$name.npy
  done
  for s in train test; do
    { printf 'x_%s.npy\tvalue\n' $s; npy info x_$s.npy; } | update x_$s.info.tsv
  done
  # Images per digit (the classes are nearly balanced).
  npy to-tsv y_train.npy | sort -n | uniq -c | awk '{print $2"\t"$1}' > classes_train.tmp
  npy to-tsv y_test.npy | sort -n | uniq -c | awk '{print $2"\t"$1}' > classes_test.tmp
  { printf 'digit\ttrain\ttest\n'; join -t '	' classes_train.tmp classes_test.tmp; } | update classes.tsv
  rm -f classes_train.tmp classes_test.tmp
  fresh classes.svg classes.tsv || plot bar --value train --title "Training images per digit" -o classes.svg classes.tsv
  fresh samples.png x_train.npy || plot grid -n 30 -s 2 -o samples.png x_train.npy
  # The labels of the points t-SNE embeds.
  fresh tsne_y.npy y_test.npy $P || npy slice -r "$(rows "$TSNE_ROWS")" -o tsne_y.npy y_test.npy
}

# ---- run NAME: one model --------------------------------------------------------------
# kind NAME / dim NAME: "ae" and "8" for ae-8 (fails on a name that is no experiment).
kind() { case $1 in cat-vae|pixels) echo $1 ;; pca-*|ae-*|deep-ae-*|vae-*) echo ${1%-*} ;; *) return 1 ;; esac; }
dim() { echo ${1##*-}; }
known() {
  case $1 in cat-vae|pixels) return 0 ;; pca-*|ae-*|deep-ae-*|vae-*) ;; *) return 1 ;; esac
  case ${1##*-} in ''|*[!0-9]*|0*) return 1 ;; esac
  case ${1%-*} in pca|ae|deep-ae|vae) return 0 ;; *) return 1 ;; esac
}

experiment() {
  m=$1 kind=$(kind "$1")
  case $kind in
    pixels) pixels; return ;;
    pca) fit_pca "$m" "$(dim $m)" ;;
    cat-vae) fit_vae "$m" "-m cat-vae -d 1 -k 10" ;;
    *) fit_vae "$m" "-m $kind -d $(dim $m)" ;;
  esac
  code=$(npy info $m.codes_test.npy | awk -F '\t' '$1 == "shape" {print $2}' | sed 's/.*, \([0-9]*\))/\1/')
  # Pictures of 2-D codes; the t-SNE of the codes when asked for.
  if [ "$code" = 2 ]; then
    fresh $m.codes.svg $m.codes_test.npy y_test.npy ||
      plot scatter -l y_test.npy --title "$m: test codes" --xlabel z1 --ylabel z2 -o $m.codes.svg $m.codes_test.npy
  fi
  case " $TSNE_CODES " in *" $m "*) tsne_of $m.codes_test $m.codes_test.npy "the $m test codes" ;; esac
  # PCA to 2-D scored as t-SNE is: how well it keeps the pixels' neighbours.
  if [ $kind = pca ] && [ "$code" = 2 ]; then
    fresh $m.embed.tsv $m.codes_test.npy ||
      { npy slice -r "$(rows "$TSNE_ROWS")" -o $m.embed_high.npy x_test.npy
        npy slice -r "$(rows "$TSNE_ROWS")" -o $m.embed_low.npy $m.codes_test.npy
        metrics embed --format tsv --high $m.embed_high.npy --low $m.embed_low.npy -l tsne_y.npy > $m.embed.tsv
        rm -f $m.embed_high.npy $m.embed_low.npy; }
  fi
  # Reconstruction errors, k-NN (k = 10) on the codes.
  fresh $m.recon.tsv $m.xhat.npy || metrics recon --format tsv -t x_test.npy -p $m.xhat.npy > $m.recon.tsv
  fresh $m.recon.png $m.xhat.npy || plot grid -c 10 -n 10 -s 2 -o $m.recon.png x_test.npy $m.xhat.npy
  fresh $m.knn.npy $m.codes_train.npy $m.codes_test.npy ||
    knn $T -k 10 --train $m.codes_train.npy --labels y_train.npy --test $m.codes_test.npy \
      --test-labels y_test.npy -o $m.knn.npy > $m.knn.log 2>&1
  if [ $kind = pca ]; then params=$((code * 784 + 784)); secs=-; ratio=$(awk -v c="$code" 'BEGIN {printf "%g", 784 / c}')
  else params=$(tsv_get $m.report.tsv params_trainable); secs=$(seconds_of $m.history.tsv); ratio=$(tsv_get $m.report.tsv compression_ratio); fi
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' $m $kind "$code" "$params" "$ratio" "$secs" \
    "$(tsv_get $m.recon.tsv bce)" "$(tsv_get $m.recon.tsv mse)" "$(knn_accuracy $m.knn.log)" "$(knn_ms $m.knn.log)" |
    update $m.row.tsv
}
knn_accuracy() { awk -F '\t' '$1 == "accuracy" {print $2}' "$1"; }
knn_ms() { sed -n 's/.*: \([0-9.e+-]*\) ms per sample.*/\1/p' "$1" | tail -1; }

# fit_pca NAME D: PCA with D components, the linear baseline.
fit_pca() {
  have pca || exit 0
  fresh $1.safetensors x_train.npy $P "$BIN/pca" || pca fit -q $T -d "$2" -o $1.safetensors x_train.npy
  fresh $1.variance.tsv $1.safetensors || pca variance -m $1.safetensors > $1.variance.tsv
  fresh $1.variance.svg $1.variance.tsv ||
    plot line -x component -y ratio,cumulative --title "PCA: explained variance ratio" -o $1.variance.svg $1.variance.tsv
  for s in train test; do
    fresh $1.codes_$s.npy $1.safetensors x_$s.npy || pca transform $T -m $1.safetensors -o $1.codes_$s.npy x_$s.npy
  done
  # PCA reconstructs pixel values 0..255; the other models give 0..1.
  fresh $1.xhat.npy $1.codes_test.npy ||
    pca inverse $T -m $1.safetensors $1.codes_test.npy | npy scale -m 0.00392156862745098 -o $1.xhat.npy -
}

# fit_vae NAME "OPTIONS": an autoencoder of train-vae.
fit_vae() {
  m=$1 opts=$2
  # The experiment's own settings: changing them retrains this model only.
  settings $m.params.txt "options=$opts" EPOCHS=$EPOCHS
  have train-vae || exit 0
  train-vae --summary $opts x_train.npy > $m.summary.txt
  fresh $m.safetensors x_train.npy x_test.npy $P $m.params.txt "$BIN/train-vae" ||
    train-vae -q $T $opts -e "$EPOCHS" --val x_test.npy -o $m.safetensors \
      --history $m.history.tsv --report $m.report.tsv x_train.npy
  fresh $m.history.svg $m.history.tsv ||
    plot line -y loss,val_loss --title "$m: loss per epoch" -o $m.history.svg $m.history.tsv
  fresh $m.xhat.npy $m.safetensors || train-vae reconstruct $T -o $m.xhat.npy $m.safetensors x_test.npy 2>/dev/null
  for s in train test; do
    fresh $m.codes_$s.npy $m.safetensors || train-vae encode $T -o $m.codes_$s.npy $m.safetensors x_$s.npy
  done
  case $m in
    vae-2) # The decoded 2-D latent space, z through the normal quantile of probabilities in
      # [0.05, 0.95] and in the extreme [0.000005, 0.999995]: (M*28, M*28) -> one image
      # (1, M*28, M*28) for plot grid, M = MANIFOLD (its own settings file: a new
      # MANIFOLD redraws the grids without retraining anything).
      settings $m.manifold.txt MANIFOLD=$MANIFOLD
      for g in manifold manifold_extreme; do
        ext=
        [ $g = manifold_extreme ] && ext=--extreme
        fresh $m.$g.npy $m.safetensors $m.manifold.txt || train-vae grid -n "$MANIFOLD" $ext -o $m.$g.npy $m.safetensors
        fresh $m.$g.png $m.$g.npy ||
          npy reshape -s 1,-1,$(npy info $m.$g.npy | awk -F '\t' '$1 == "shape" {print $2}' | sed 's/.*, \([0-9]*\))/\1/') \
            $m.$g.npy | plot grid -o $m.$g.png -
      done
      # What the encoder says about each test image: mu, and the variance exp(logvar).
      fresh $m.logvar_test.npy $m.safetensors ||
        train-vae encode $T --logvar $m.logvar_test.npy -o /dev/null $m.safetensors x_test.npy
      fresh $m.mu_hist.svg $m.codes_test.npy ||
        plot hist -b 60 --title "$m: mu of the test images (both dimensions)" --xlabel mu --ylabel values \
          -o $m.mu_hist.svg $m.codes_test.npy
      fresh $m.var_hist.svg $m.logvar_test.npy || {
        { echo variance; npy to-tsv $m.logvar_test.npy | tr '\t' '\n' | awk '{ printf "%.6g\n", exp($1) }'; } > $m.vae_variance.tsv
        plot hist -b 60 --title "$m: variance exp(logvar) of the test images (both dimensions)" --xlabel variance \
          --ylabel values -o $m.var_hist.svg $m.vae_variance.tsv
      } ;;
    cat-vae) # One image per category, then samples; the most likely category as a clustering.
      fresh $m.grid.npy $m.safetensors || train-vae grid --samples 10 -o $m.grid.npy $m.safetensors
      # one row of the K one-category images, then rows of the samples
      fresh $m.grid.png $m.grid.npy ||
        plot grid -s 2 -n "$(npy info $m.grid.npy | awk -F '\t' '$1 == "shape" { sub(/^\(/, "", $2); print $2 + 0 }')" \
          -o $m.grid.png $m.grid.npy
      fresh $m.clusters.npy $m.codes_test.npy || npy argmax -o $m.clusters.npy $m.codes_test.npy
      metrics cluster --format tsv -t y_test.npy -p $m.clusters.npy > $m.cluster.tsv ;;
  esac
}

# tsne_of NAME SRC.npy "TITLE": t-SNE of the first TSNE_ROWS rows of SRC.npy,
# its picture and its scores, as NAME.tsne.npy, NAME.tsne.svg, NAME.embed.tsv.
tsne_of() {
  have tsne || return 0
  fresh $1.tsne.npy $2 $P "$BIN/tsne" ||
    npy slice -r "$(rows "$TSNE_ROWS")" $2 | tsne -q $T -o $1.tsne.npy -
  fresh $1.tsne.svg $1.tsne.npy || plot scatter -l tsne_y.npy --title "t-SNE of $3" -o $1.tsne.svg $1.tsne.npy
  fresh $1.embed.tsv $1.tsne.npy ||
    { npy slice -r "$(rows "$TSNE_ROWS")" -o $1.tsne_high.npy $2
      metrics embed --format tsv --high $1.tsne_high.npy --low $1.tsne.npy -l tsne_y.npy > $1.embed.tsv
      rm -f $1.tsne_high.npy; }
}

# pixels: the reference the codes are compared with, k-NN and t-SNE on the raw 784 pixels.
pixels() {
  fresh pixels.knn.log x_train.npy x_test.npy ||
    knn $T -k 10 --train x_train.npy --labels y_train.npy --test x_test.npy --test-labels y_test.npy \
      -o pixels.knn.npy > pixels.knn.log 2>&1
  tsne_of pixels x_test.npy "the test images (raw pixels)"
  printf 'pixels\tpixels\t784\t-\t1\t-\t-\t-\t%s\t%s\n' "$(knn_accuracy pixels.knn.log)" "$(knn_ms pixels.knn.log)" |
    update pixels.row.tsv
}

# ---- report -----------------------------------------------------------------------------
write_report() {
  summary "$(printf 'model\tkind\tcode size\tparameters\tcompression\ttrain seconds\ttest BCE/pixel\ttest MSE/pixel\tkNN accuracy\tkNN ms/sample')" |
    update summary.tsv
  # Model x code size: k-NN accuracy and reconstruction error (the assignment's table).
  for col in 9:knn 8:mse; do
    awk -F '\t' -v c=${col%%:*} 'NR > 1 && $2 ~ /^(pca|ae|deep-ae|vae)$/ {
        if (!($2 in k)) { k[$2] = 1; kinds[++nk] = $2 } if (!($3 in d)) { d[$3] = 1; dims[++nd] = $3 } v[$2, $3] = $c }
      END { if (!nk) exit; printf "code size"; for (i = 1; i <= nk; i++) printf "\t%s", kinds[i]; print ""
        for (j = 1; j <= nd; j++) { printf "%s", dims[j]; for (i = 1; i <= nk; i++) printf "\t%s", ((kinds[i], dims[j]) in v) ? v[kinds[i], dims[j]] : "-"; print "" } }' \
      summary.tsv | update grid_${col#*:}.tsv
  done
  # The 2-D pictures side by side: t-SNE of the pixels and of codes, PCA to 2-D.
  { printf 'picture\tof\ttrustworthiness\tk-NN accuracy\n'
    [ -f pixels.row.tsv ] && [ -f pixels.embed.tsv ] &&
      printf 't-SNE\tpixels\t%s\t%s\n' "$(tsv_get pixels.embed.tsv trustworthiness)" "$(tsv_get pixels.embed.tsv knn_accuracy)"
    [ -f pca-2.row.tsv ] && [ -f pca-2.embed.tsv ] &&
      printf 'PCA (pca-2)\tpixels\t%s\t%s\n' "$(tsv_get pca-2.embed.tsv trustworthiness)" "$(tsv_get pca-2.embed.tsv knn_accuracy)"
    for m in $EXPERIMENTS; do
      [ -f $m.row.tsv ] && [ -f $m.codes_test.embed.tsv ] &&
        printf 't-SNE\t%s codes\t%s\t%s\n' $m "$(tsv_get $m.codes_test.embed.tsv trustworthiness)" "$(tsv_get $m.codes_test.embed.tsv knn_accuracy)"
    done; true; } | update embed.tsv
  var=; tsne=; for m in $EXPERIMENTS; do
    [ -f $m.row.tsv ] || continue
    [ -f $m.variance.svg ] && var=$m.variance.svg
    [ -f $m.codes_test.tsne.svg ] && tsne="$tsne $m.codes_test"
  done
  {
    echo "# MNIST: autoencoders, PCA, k-NN and t-SNE"
    echo
    echo "Data: \`$M\`. Budget: $EPOCHS epochs per model; ROWS=$ROWS, TEST_ROWS=$TEST_ROWS (0: all)."
    echo
    echo "## The data"
    echo "@table x_train.info.tsv Training images (x_train.npy)"
    echo "@table x_test.info.tsv Test images (x_test.npy)"
    echo "@table classes.tsv Images per digit"
    echo "@image classes.svg Training images per digit"
    echo "@image samples.png The first training images"
    echo "## Models and results"
    echo "Compression is 784 pixels over the code size. Reconstruction errors are per pixel on the test images (pixels scaled to 0..1). k-NN (k = 10) classifies the test codes by the training codes; the last column is the mean prediction time per test image."
    echo
    [ "$(wc -l < grid_knn.tsv)" -gt 1 ] && echo "@table grid_knn.tsv k-NN accuracy on the test codes, by model and code size"
    [ "$(wc -l < grid_mse.tsv)" -gt 1 ] && echo "@table grid_mse.tsv Test reconstruction error (MSE per pixel), by model and code size"
    echo "@table summary.tsv Every model"
    # Models whose codes say (almost) nothing about the digit: k-NN near chance.
    stuck=$(awk -F '\t' 'NR > 1 && $9 != "-" && $9 + 0 < 0.25 {printf "%s%s", n++ ? ", " : "", $1}' summary.tsv)
    [ -n "$stuck" ] && echo "Collapsed: $stuck (k-NN accuracy on the codes under 0.25, where chance is 0.1): such a model gives nearly every input the same reconstruction, an average digit (see its pictures below). With the assignment's settings the dense autoencoder does this at small code sizes and the categorical VAE keeps to one category; PyTorch with the same settings does the same (docs/benchmarks.md, \"train-vae next to PyTorch\")."
    [ -f cat-vae.row.tsv ] &&
      echo "- cat-vae categories as clusters of the test digits: NMI $(printf %.4f "$(tsv_get cat-vae.cluster.tsv nmi)"), ARI $(printf %.4f "$(tsv_get cat-vae.cluster.tsv ari)")."
    [ -n "$var" ] && echo "@image $var PCA: explained variance ratio (cumulative) by component"
    for m in $EXPERIMENTS; do
      [ -f $m.row.tsv ] && [ $m != pixels ] || continue
      echo "### $m"
      [ -f $m.summary.txt ] && echo "@pre $m.summary.txt Layers and parameter counts"
      [ -f $m.history.tsv ] && echo "@image $m.history.svg Training curve"
      echo "@image $m.recon.png Test images (top) and their reconstructions (bottom)"
      [ -f $m.codes.svg ] && echo "@image $m.codes.svg $m: the 2-D test codes coloured by digit"
      # the grid's side as it was drawn, not as this run's settings say
      [ -f $m.manifold.png ] && n=$(awk -F '\t' '$1 == "MANIFOLD" { print $2 }' $m.manifold.txt) &&
        echo "@image $m.manifold.png $m: decoded images over a $n x $n grid of the 2-D latent space (z through the normal quantile of 0.05 to 0.95)"
      [ -f $m.manifold_extreme.png ] && echo "@image $m.manifold_extreme.png $m: the same grid over the extreme range (quantiles of 0.000005 to 0.999995, z from -4.4 to 4.4)"
      [ -f $m.mu_hist.svg ] && echo "@image $m.mu_hist.svg $m: histogram of mu over the test images"
      [ -f $m.var_hist.svg ] && echo "@image $m.var_hist.svg $m: histogram of the variance over the test images"
      [ -f $m.grid.png ] && echo "@image $m.grid.png $m: one image per category, then random samples"
      [ -f $m.cluster.tsv ] && echo "@table $m.cluster.tsv $m: the categories as clusters"
      true
    done
    echo "## t-SNE against PCA"
    [ -f pixels.row.tsv ] && echo "- k-NN on the raw 784 pixels: accuracy $(knn_accuracy pixels.knn.log), $(knn_ms pixels.knn.log) ms per sample."
    echo
    [ "$(wc -l < embed.tsv)" -gt 1 ] &&
      echo "@table embed.tsv How well each 2-D picture keeps the neighbours of the points it shows (trustworthiness, k = $(tsv_get pixels.embed.tsv k)) and the digits apart (k-NN accuracy in 2-D), on the first $TSNE_ROWS test images"
    [ -f pixels.tsne.svg ] && echo "@image pixels.tsne.svg t-SNE of the first $TSNE_ROWS test images (raw pixels)"
    [ -f pca-2.codes.svg ] && echo "@image pca-2.codes.svg PCA of the test images to 2 dimensions, for comparison"
    for src in $tsne; do
      echo "@image $src.tsne.svg t-SNE of the first $TSNE_ROWS test codes of ${src%.codes_test}"
    done
    skipped_section
  } > report.txt
  make_report
}

stages "$@"
