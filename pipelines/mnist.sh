#!/bin/sh
# Section 4 of the assignment: MNIST with autoencoders, PCA, k-NN and t-SNE.
#
#   DATA/mnist/{train,t10k}-{images-idx3,labels-idx1}-ubyte.gz
#     -> x_train.npy y_train.npy x_test.npy y_test.npy   uint8 (N, 28, 28), (N)
#     -> pca (d = LATENT) and four autoencoders: ae, deep-ae, vae, cat-vae
#     -> reconstructions, codes, k-NN accuracy on the codes, t-SNE, report.html
#
# Budgets (environment): ROWS training images (0: all), TEST_ROWS test images
# (0: all), EPOCHS per model, LATENT code size of pca/ae/deep-ae, TSNE_ROWS
# test points embedded by t-SNE, THREADS (0: all cores).
. "$(dirname "$0")/common.sh"
ROWS=${ROWS:-0} TEST_ROWS=${TEST_ROWS:-0} EPOCHS=${EPOCHS:-10} LATENT=${LATENT:-32}
TSNE_ROWS=${TSNE_ROWS:-2000} THREADS=${THREADS:-0}
section mnist ROWS=$ROWS TEST_ROWS=$TEST_ROWS EPOCHS=$EPOCHS LATENT=$LATENT TSNE_ROWS=$TSNE_ROWS
M=$DATA/mnist
P=params.txt
T="--threads $THREADS"

# ---- 1. the data: IDX -> .npy (uint8 pixels 0..255, uint8 labels) -----------
for part in train:train test:t10k; do
  name=${part%%:*} file=${part#*:}
  n=$ROWS; [ "$name" = test ] && n=$TEST_ROWS
  fresh x_$name.npy "$M/$file-images-idx3-ubyte.gz" $P ||
    npy from-idx "$M/$file-images-idx3-ubyte.gz" | npy slice -r "$(rows "$n")" -o x_$name.npy
  fresh y_$name.npy "$M/$file-labels-idx1-ubyte.gz" $P ||
    npy from-idx "$M/$file-labels-idx1-ubyte.gz" | npy slice -r "$(rows "$n")" -o y_$name.npy
done
for s in train test; do
  { printf 'x_%s.npy\tvalue\n' $s; npy info x_$s.npy; } > x_$s.info.tsv
done
# Images per digit (the classes are nearly balanced).
{ printf 'digit\ttrain\ttest\n'
  npy to-tsv y_train.npy | sort -n | uniq -c | awk '{print $2"\t"$1}' > classes_train.tmp
  npy to-tsv y_test.npy | sort -n | uniq -c | awk '{print $2"\t"$1}' > classes_test.tmp
  join -t '	' classes_train.tmp classes_test.tmp; } | update classes.tsv
rm -f classes_train.tmp classes_test.tmp
fresh classes.svg classes.tsv || plot bar --value train --title "Training images per digit" -o classes.svg classes.tsv
fresh samples.png x_train.npy || plot grid -n 30 -s 2 -o samples.png x_train.npy

# ---- 2. PCA: the linear baseline with the same code size --------------------
fresh pca.safetensors x_train.npy $P "$BIN/pca" || pca fit -q $T -d "$LATENT" -o pca.safetensors x_train.npy
fresh pca.variance.tsv pca.safetensors || pca variance -m pca.safetensors > pca.variance.tsv
fresh pca.variance.svg pca.variance.tsv ||
  plot line -x component -y ratio,cumulative --title "PCA: explained variance ratio" -o pca.variance.svg pca.variance.tsv
for s in train test; do
  fresh pca.codes_$s.npy pca.safetensors x_$s.npy || pca transform $T -m pca.safetensors -o pca.codes_$s.npy x_$s.npy
done
fresh pca.xhat_raw.npy pca.codes_test.npy || pca inverse $T -m pca.safetensors -o pca.xhat_raw.npy pca.codes_test.npy
# PCA reconstructs pixel values 0..255; the other models give 0..1.
fresh pca.xhat.npy pca.xhat_raw.npy || npy scale -m 0.00392156862745098 -o pca.xhat.npy pca.xhat_raw.npy

# ---- 3. the autoencoders ------------------------------------------------------
MODELS="ae deep-ae vae cat-vae"
for m in $MODELS; do
  case $m in
    ae|deep-ae) opts="-d $LATENT" ;;
    vae) opts="-d 2" ;;
    cat-vae) opts="-d 1 -k 10" ;;
  esac
  train-vae --summary -m $m $opts x_train.npy > $m.summary.txt
  fresh $m.safetensors x_train.npy x_test.npy $P "$BIN/train-vae" ||
    train-vae -q $T -m $m $opts -e "$EPOCHS" --val x_test.npy -o $m.safetensors \
      --history $m.history.tsv --report $m.report.tsv x_train.npy
  fresh $m.history.svg $m.history.tsv ||
    plot line -y loss,val_loss --title "$m: loss per epoch" -o $m.history.svg $m.history.tsv
  fresh $m.xhat.npy $m.safetensors || train-vae reconstruct $T -o $m.xhat.npy $m.safetensors x_test.npy 2>/dev/null
  for s in train test; do
    fresh $m.codes_$s.npy $m.safetensors || train-vae encode $T -o $m.codes_$s.npy $m.safetensors x_$s.npy
  done
done
# Latent pictures: the VAE's 2-D manifold, one image per cat-vae category.
fresh vae.manifold.npy vae.safetensors || train-vae grid -n 15 -o vae.manifold.npy vae.safetensors
# (15*28, 15*28) -> one image (1, 420, 420) for plot grid.
fresh vae.manifold.png vae.manifold.npy ||
  npy reshape -s 1,-1,$(npy info vae.manifold.npy | awk -F '\t' '$1 == "shape" {print $2}' | sed 's/.*, \([0-9]*\))/\1/') vae.manifold.npy |
    plot grid -o vae.manifold.png -
fresh vae.codes.svg vae.codes_test.npy y_test.npy ||
  plot scatter -l y_test.npy --title "VAE: means of the test codes" --xlabel z1 --ylabel z2 -o vae.codes.svg vae.codes_test.npy
fresh cat-vae.grid.npy cat-vae.safetensors || train-vae grid --samples 10 -o cat-vae.grid.npy cat-vae.safetensors
fresh cat-vae.grid.png cat-vae.grid.npy || plot grid -s 2 -o cat-vae.grid.png cat-vae.grid.npy
# The cat-vae's most likely category as a clustering of the test digits.
fresh cat-vae.clusters.npy cat-vae.codes_test.npy || npy argmax -o cat-vae.clusters.npy cat-vae.codes_test.npy
metrics cluster --format tsv -t y_test.npy -p cat-vae.clusters.npy > cat-vae.cluster.tsv

# ---- 4. reconstruction errors, k-NN on the codes, prediction times -----------
printf 'model\tcode size\tparameters\tcompression\ttrain seconds\ttest BCE/pixel\ttest MSE/pixel\tkNN accuracy\tkNN ms/sample\n' > summary.tsv
for m in pca $MODELS; do
  fresh $m.recon.tsv $m.xhat.npy || metrics recon --format tsv -t x_test.npy -p $m.xhat.npy > $m.recon.tsv
  fresh $m.recon.png $m.xhat.npy || plot grid -c 10 -n 10 -s 2 -o $m.recon.png x_test.npy $m.xhat.npy
  fresh $m.knn.npy $m.codes_train.npy $m.codes_test.npy ||
    knn $T -k 10 --train $m.codes_train.npy --labels y_train.npy --test $m.codes_test.npy \
      --test-labels y_test.npy -o $m.knn.npy > $m.knn.log 2>&1
  acc=$(awk -F '\t' '$1 == "accuracy" {print $2}' $m.knn.log)
  ms=$(sed -n 's/.*: \([0-9.e+-]*\) ms per sample.*/\1/p' $m.knn.log | tail -1)
  code=$(npy info $m.codes_test.npy | awk -F '\t' '$1 == "shape" {print $2}' | sed 's/.*, \([0-9]*\))/\1/')
  if [ $m = pca ]; then params=$((LATENT * 784 + 784)); secs=-; else
    params=$(tsv_get $m.report.tsv params_trainable)
    secs=$(awk -F '\t' 'NR > 1 {s += $4} END {printf "%.1f", s}' $m.history.tsv); fi
  ratio=$(tsv_get $m.report.tsv compression_ratio)
  [ $m = pca ] && ratio=$(awk -v c="$code" 'BEGIN {printf "%.1f", 784 / c}')
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' $m "$code" "$params" "$ratio" "$secs" \
    "$(tsv_get $m.recon.tsv bce)" "$(tsv_get $m.recon.tsv mse)" "$acc" "$ms" >> summary.tsv
done
# k-NN on the raw pixels, the reference the codes are compared with.
fresh pixels.knn.log x_train.npy x_test.npy ||
  knn $T -k 10 --train x_train.npy --labels y_train.npy --test x_test.npy --test-labels y_test.npy \
    -o pixels.knn.npy > pixels.knn.log 2>&1

# ---- 5. t-SNE of the ae codes and of the pixels ------------------------------
fresh tsne_y.npy y_test.npy $P || npy slice -r "$(rows "$TSNE_ROWS")" -o tsne_y.npy y_test.npy
for src in ae.codes_test x_test; do
  fresh $src.tsne.npy $src.npy $P "$BIN/tsne" ||
    npy slice -r "$(rows "$TSNE_ROWS")" $src.npy | tsne -q $T -o $src.tsne.npy -
  fresh $src.tsne.svg $src.tsne.npy || plot scatter -l tsne_y.npy --title "t-SNE of $src" -o $src.tsne.svg $src.tsne.npy
  fresh $src.embed.tsv $src.tsne.npy ||
    { npy slice -r "$(rows "$TSNE_ROWS")" -o tsne_high.npy $src.npy
      metrics embed --format tsv --high tsne_high.npy --low $src.tsne.npy -l tsne_y.npy > $src.embed.tsv; }
done
rm -f tsne_high.npy

# ---- 6. the report ----------------------------------------------------------------
pix_acc=$(awk -F '\t' '$1 == "accuracy" {print $2}' pixels.knn.log)
pix_ms=$(sed -n 's/.*: \([0-9.e+-]*\) ms per sample.*/\1/p' pixels.knn.log | tail -1)
{
  echo "# MNIST: autoencoders, PCA, k-NN and t-SNE"
  echo
  echo "Data: \`$M\`. Budget: $EPOCHS epochs per model, code size $LATENT for pca/ae/deep-ae; ROWS=$ROWS, TEST_ROWS=$TEST_ROWS (0: all)."
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
  echo "@table summary.tsv Models side by side"
  echo "- k-NN on the raw 784 pixels: accuracy $pix_acc, $pix_ms ms per sample."
  echo "- cat-vae categories as clusters of the test digits: NMI $(printf %.4f "$(tsv_get cat-vae.cluster.tsv nmi)"), ARI $(printf %.4f "$(tsv_get cat-vae.cluster.tsv ari)")."
  echo
  echo "@image pca.variance.svg PCA: explained variance ratio (cumulative) by component"
  for m in pca $MODELS; do
    echo "### $m"
    [ $m = pca ] || echo "@pre $m.summary.txt Layers and parameter counts"
    [ $m = pca ] || echo "@image $m.history.svg Training curve"
    echo "@image $m.recon.png Test images (top) and their reconstructions (bottom)"
  done
  echo "### Latent spaces"
  echo "@image vae.manifold.png VAE: decoded images over a 15 x 15 grid of the 2-D latent space"
  echo "@image vae.codes.svg VAE: test codes coloured by digit"
  echo "@image cat-vae.grid.png cat-vae: one image per category, then random samples"
  echo "@table cat-vae.cluster.tsv cat-vae: the categories as clusters"
  echo "## t-SNE"
  for src in ae.codes_test x_test; do
    echo "@image $src.tsne.svg t-SNE of the first $TSNE_ROWS test $src"
    echo "@table $src.embed.tsv Trustworthiness and k-NN accuracy in the embedding ($src)"
  done
  if [ -s skipped.txt ]; then echo "## Skipped"; sed 's/^/- /' skipped.txt; fi
} > report.txt
make_report
