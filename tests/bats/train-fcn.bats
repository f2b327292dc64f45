#!/usr/bin/env bats
# train-fcn: summaries (output shapes, Keras parameter counts), training
# on tiny synthetic scenes (shapes on noise, made by
# tests/python/fcn_synth.py), checkpoint/--resume equality, predict on
# .npy and on a PNG of another size, the generic predict tool on the same
# model, and bad inputs.

setup() {
  TF="$NNPIPE_BIN/train-fcn"
  D="$BATS_TEST_TMPDIR"
  PY="${PYTHON:-/usr/bin/python3}"
  HERE="$BATS_TEST_DIRNAME/../python"
}

need_numpy() {
  "$PY" -c 'import numpy' 2>/dev/null || skip "needs python3 with numpy"
}

synth() { # N SIZE X Y [args]
  "$PY" "$HERE/fcn_synth.py" "$@"
}

@test "--summary: the assignment's network, output shapes and Keras counts" {
  run "$TF" --summary --size 128x128
  [ "$status" -eq 0 ]
  # the columns widen to the longest name: compare with spaces squeezed
  rows=$(printf '%s\n' "$output" | tr -s ' ')
  [[ "$rows" == *"conv2d (Conv2D) (None, 128, 128, 32) 896"* ]]
  [[ "$rows" == *"max_pooling2d_1 (MaxPooling2D) (None, 32, 32, 64)"* ]]
  [[ "$rows" == *"conv2d_5 (Conv2D) (None, 32, 32, 128) 147,584"* ]]
  [[ "$rows" == *"up_sampling2d (UpSampling2D) (None, 64, 64, 128)"* ]]
  # convT 3*3*128*32+32 = 36896; output convT 3*3*32*1+1 = 289, stride 2
  [[ "$rows" == *"conv2d_transpose (Conv2DTranspose) (None, 64, 64, 32) 36,896"* ]]
  [[ "$rows" == *"conv2d_transpose_2 (Conv2DTranspose) (None, 128, 128, 1) 289"* ]]
  [[ "$output" == *"Total params: 333,441"* ]]
  # 11 classes: the last layer 3*3*32*11+11 = 3179
  run "$TF" --summary --size 64x96 --classes 11 --ignore 11
  [ "$status" -eq 0 ]
  [[ "$output" == *"(None, 64, 96, 11)        3,179"* ]]
  [[ "$output" == *"Total params: 336,331"* ]]
  # skips: up1 sees 128 upsampled + 64 channels
  run "$TF" --summary --size 32x32 --skip
  [ "$status" -eq 0 ]
  [[ "$output" == *'Model: "up1"'* ]]
  [[ "$(printf '%s\n' "$output" | tr -s ' ')" == *"input (InputLayer) (None, 16, 16, 192)"* ]]
  run "$TF" --summary --size 30x30
  [ "$status" -eq 1 ]
  [[ "$output" == *"multiples of 2^depth = 4"* ]]
}

@test "training reduces the loss; val IoU reported; generic predict agrees" {
  need_numpy
  synth 48 16 "$D/x.npy" "$D/y.npy" --seed 1
  synth 12 16 "$D/vx.npy" "$D/vy.npy" --seed 2
  run "$TF" "$D/x.npy" "$D/y.npy" --classes binary:1 -w 0.25 -e 12 -b 8 --lr 3e-3 -q \
    --val-x "$D/vx.npy" --val-y "$D/vy.npy" --history "$D/h.tsv" --report "$D/r.tsv" -o "$D/m.st"
  [ "$status" -eq 0 ]
  [ -z "$output" ]   # -q: the report goes to its file only
  first=$(awk -F'\t' 'NR == 2 { print $2 }' "$D/h.tsv")
  last=$(awk -F'\t' 'END { print $2 }' "$D/h.tsv")
  awk -v a="$first" -v b="$last" 'BEGIN { exit !(b < 0.7 * a) }'
  grep -q '^val_iou_class_1	' "$D/r.tsv"
  # probabilities from train-fcn predict and from the generic predict tool
  "$TF" predict -m "$D/m.st" "$D/vx.npy" -o "$D/p1.npy"
  "$NNPIPE_BIN/predict" -m "$D/m.st" "$D/vx.npy" -o "$D/p2.npy"
  "$PY" "$HERE/npy_equal.py" "$D/p1.npy" "$D/p2.npy"
  "$TF" predict -m "$D/m.st" "$D/vx.npy" --argmax -o "$D/ids.npy"
  "$PY" -c 'import numpy as np, sys; a = np.load(sys.argv[1]); p = np.load(sys.argv[2])
assert a.shape == (12, 16, 16) and a.dtype == np.uint8, a.shape
assert p.shape == (12, 16, 16, 1) and ((a == 1) == (p[..., 0] >= 0.5)).all()' "$D/ids.npy" "$D/p1.npy"
  # pictures: 3 rows of image | truth (mask == 1) | prediction | overlay, 2x, pad 2
  "$NNPIPE_BIN/plot" triples "$D/vx.npy" "$D/vy.npy" "$D/ids.npy" --positive 1 -n 3 -s 2 -o "$D/t.png"
  "$PY" -c 'import sys, zlib, struct; d = open(sys.argv[1], "rb").read()
w, h = struct.unpack(">II", d[16:24]); assert (w, h) == (4 * 34 + 2, 3 * 34 + 2), (w, h)' "$D/t.png"
  "$NNPIPE_BIN/plot" triples "$D/vx.npy" "$D/p1.npy" -n 1 -o "$D/t2.png"
  run "$NNPIPE_BIN/plot" triples "$D/vx.npy" "$D/y.npy" "$D/ids.npy" -n 20 -o "$D/t3.png"
  [ "$status" -eq 1 ]
  [ ! -e "$D/t3.png" ]
}

@test "multi-class with an ignored label, skips, batch norm and augmentation" {
  need_numpy
  synth 32 16 "$D/x.npy" "$D/y.npy" --void
  run "$TF" "$D/x.npy" "$D/y.npy" --classes 3 --ignore 11 --skip --batchnorm -w 0.25 -e 6 -b 8 -q \
    --flip --crop --photometric --denoise --history "$D/h.tsv" -o "$D/m.st"
  [ "$status" -eq 0 ]
  first=$(awk -F'\t' 'NR == 2 { print $2 }' "$D/h.tsv")
  last=$(awk -F'\t' 'END { print $2 }' "$D/h.tsv")
  awk -v a="$first" -v b="$last" 'BEGIN { exit !(b < a) }'
  # without --ignore, void (11) is a class id out of range: named, no model written
  run "$TF" "$D/x.npy" "$D/y.npy" --classes 3 -e 1 -q -o "$D/bad.st"
  [ "$status" -eq 1 ]
  [[ "$output" == *"y.npy: label 11 at pixel 0 is outside 0..2"* ]]
  [ ! -e "$D/bad.st" ]
}

@test "checkpoint and --resume give the uninterrupted result" {
  need_numpy
  synth 24 16 "$D/x.npy" "$D/y.npy"
  args=("$D/x.npy" "$D/y.npy" --classes 3 -w 0.25 -b 8 -q --flip --denoise --seed 3)
  "$TF" "${args[@]}" -e 3 -o "$D/full.st" --history "$D/full.tsv"
  "$TF" "${args[@]}" -e 1 -o "$D/part.st" --checkpoint "$D/ck.st"
  "$TF" "${args[@]}" -e 3 -o "$D/resumed.st" --checkpoint "$D/ck.st" --resume --history "$D/res.tsv"
  "$TF" predict -m "$D/full.st" "$D/x.npy" -o "$D/a.npy"
  "$TF" predict -m "$D/resumed.st" "$D/x.npy" -o "$D/b.npy"
  cmp "$D/a.npy" "$D/b.npy"
  diff <(cut -f1,2 "$D/full.tsv") <(cut -f1,2 "$D/res.tsv")
}

@test "predict --image: any size in, a mask PNG of the same size out" {
  need_numpy
  "$PY" -c 'import PIL' 2>/dev/null || skip "needs python3 with PIL"
  synth 16 16 "$D/x.npy" "$D/y.npy" --png "$D/img.png" 40x27
  "$TF" "$D/x.npy" "$D/y.npy" --classes binary:2 -w 0.25 -e 2 -q -o "$D/m.st"
  run "$TF" predict -m "$D/m.st" --image "$D/img.png" --out "$D/mask.png"
  [ "$status" -eq 0 ]
  "$PY" -c 'from PIL import Image; import numpy as np, sys
m = Image.open(sys.argv[1]); a = np.asarray(m)
assert m.size == (40, 27) and m.mode == "L", (m.size, m.mode)
assert set(np.unique(a)) <= {0, 255}' "$D/mask.png"
  run "$TF" predict -m "$D/m.st" "$D/x.npy" --image "$D/img.png"
  [ "$status" -eq 2 ]
  printf 'not an image' > "$D/junk.png"
  run "$TF" predict -m "$D/m.st" --image "$D/junk.png" --out "$D/out.png"
  [ "$status" -eq 1 ]
  [[ "$output" == *"junk.png:"* ]]
  [ ! -e "$D/out.png" ]
}

@test "bad inputs: clear errors naming the file, exit 1, no output" {
  need_numpy
  synth 8 16 "$D/x.npy" "$D/y.npy"
  synth 8 8 "$D/x8.npy" "$D/y8.npy"
  run "$TF" "$D/x.npy" -o "$D/m.st"
  [ "$status" -eq 1 ]
  [[ "$output" == *"x.npy: images without label maps"* ]]
  run "$TF" "$D/x.npy" "$D/y8.npy" -o "$D/m.st"
  [ "$status" -eq 1 ]
  [[ "$output" == *"y8.npy: label maps are 8x8 (HxW), the images in"*"16x16"* ]]
  "$PY" -c 'import numpy as np, sys; y = np.load(sys.argv[1]); y[3, 2, 1] = 200; np.save(sys.argv[2], y)' \
    "$D/y.npy" "$D/ybad.npy"
  run "$TF" "$D/x.npy" "$D/ybad.npy" --classes 3 -o "$D/m.st"
  [ "$status" -eq 1 ]
  [[ "$output" == *"ybad.npy: label 200 at pixel"* ]]
  "$PY" -c 'import numpy as np, sys; np.save(sys.argv[2], np.load(sys.argv[1]) / 255.0)' "$D/x.npy" "$D/xf.npy"
  run "$TF" "$D/xf.npy" "$D/y.npy" -o "$D/m.st"
  [ "$status" -eq 1 ]
  [[ "$output" == *"xf.npy: images must be uint8 (from resize-img), not float64"* ]]
  run "$TF" "$D/x.npy" "$D/x.npy" -o "$D/m.st"
  [ "$status" -eq 1 ]
  [[ "$output" == *"x.npy: expected label maps (N, H, W), got shape (8, 16, 16, 3)"* ]]
  run "$TF" "$D/x.npy" "$D/y.npy" --classes 1 -o "$D/m.st"
  [ "$status" -eq 2 ]
  [ ! -e "$D/m.st" ]
  # predict on images of another size than the model's
  "$TF" "$D/x.npy" "$D/y.npy" -w 0.25 -e 1 -q -o "$D/m.st"
  run "$TF" predict -m "$D/m.st" "$D/x8.npy" -o "$D/p.npy"
  [ "$status" -eq 1 ]
  [[ "$output" == *"x8.npy: images are 8x8x3, the model's 16x16x3"* ]]
  [ ! -e "$D/p.npy" ]
  run "$TF" predict -m "$D/x.npy" "$D/x.npy"
  [ "$status" -eq 1 ]
  [[ "$output" == *"x.npy:"* ]]
}

@test "the same model with 1 and 2 threads" {
  need_numpy
  synth 16 16 "$D/x.npy" "$D/y.npy" --void
  args=("$D/x.npy" "$D/y.npy" --classes 3 --ignore 11 --skip --batchnorm -w 0.25 -e 2 -b 8 -q --crop --photometric)
  "$TF" "${args[@]}" --threads 1 -o "$D/m1.st"
  "$TF" "${args[@]}" --threads 2 -o "$D/m2.st"
  "$TF" predict -m "$D/m1.st" "$D/x.npy" -o "$D/a.npy"
  "$TF" predict -m "$D/m2.st" "$D/x.npy" -o "$D/b.npy"
  cmp "$D/a.npy" "$D/b.npy"
}

@test "generic predict refuses a skip model and names the tool that runs it" {
  need_numpy
  synth 8 16 "$D/x.npy" "$D/y.npy" --seed 3
  run "$TF" "$D/x.npy" "$D/y.npy" --classes binary:1 --skip -w 0.25 -e 1 -b 8 -q -o "$D/unet.st"
  [ "$status" -eq 0 ]
  run "$NNPIPE_BIN/predict" -m "$D/unet.st" "$D/x.npy" -o "$D/p.npy"
  [ "$status" -eq 1 ]
  [[ "$output" == *"not one chain of layers"*"train-fcn predict"* ]]
  [ ! -e "$D/p.npy" ]
}
