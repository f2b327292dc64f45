#!/usr/bin/env bats
# resize-img: CamVid images and label maps side by side with Pillow's
# Image.resize (every filter), class mapping, the CamVid list layout,
# JPEGs cross-checked against djpeg, thread independence, and errors that
# name the file and leave no output behind.

bats_require_minimum_version 1.5.0

setup() {
  R="$NNPIPE_BIN/resize-img"
  PY="${PYTHON:-/usr/bin/python3}"
  FIX="$BATS_TEST_DIRNAME/../fixtures/images"
  CMP="$BATS_TEST_DIRNAME/../python/resize_compare.py"
  JCMP="$BATS_TEST_DIRNAME/../python/jpeg_compare.py"
  CAM="${SHARED_DATA:-}/camvid"
  cd "$BATS_TEST_TMPDIR"
}

need_pil() {
  "$PY" -c 'import numpy, PIL' 2>/dev/null || skip "python3 with numpy and PIL is missing"
}
need_camvid() {
  [ -n "${SHARED_DATA:-}" ] && [ -f "$CAM/train.txt" ] || skip "CamVid data (\$SHARED_DATA/camvid) is missing"
}
# The first N CamVid training images / label maps.
cam_images() { ls "$CAM"/train/*.png | head -n "$1"; }
cam_masks() { ls "$CAM"/trainannot/*.png | head -n "$1"; }

@test "resize-img --help lists the options" {
  run "$R" --help
  [ "$status" -eq 0 ]
  [[ "$output" == *"--classes"* && "$output" == *"--masks-out"* && "$output" == *"lanczos"* ]]
}

@test "resize-img: CamVid images match Pillow's resize within 1 level on >= 99% of samples, every filter" {
  need_pil; need_camvid
  for f in nearest box bilinear bicubic lanczos; do
    "$R" -q --size 224x160 --filter $f -o x.npy $(cam_images 4)
    run "$PY" "$CMP" x.npy 224x160 $f rgb $(cam_images 4)
    echo "$f: $output"
    [ "$status" -eq 0 ]
  done
  # enlarging, gray, float32
  "$R" -q --size 517x401 --gray --dtype float32 -o x.npy $(cam_images 2)
  run "$PY" "$CMP" x.npy 517x401 lanczos gray $(cam_images 2)
  echo "gray up: $output"
  [ "$status" -eq 0 ]
}

@test "resize-img --mask: nearest, ids kept, binary and 1..K mappings" {
  need_pil; need_camvid
  "$R" -q --mask --size 120x90 -o y.npy $(cam_masks 3)
  "$PY" "$CMP" y.npy 120x90 nearest mask $(cam_masks 3)
  "$R" -q --mask --classes 8 --size 120x90 -o y8.npy $(cam_masks 3)
  "$PY" "$CMP" y8.npy 120x90 nearest mask:8 $(cam_masks 3)
  "$R" -q --mask --classes 3,8 --size 120x90 -o y38.npy $(cam_masks 3)
  "$PY" "$CMP" y38.npy 120x90 nearest mask:3,8 $(cam_masks 3)
  run "$PY" -c 'import numpy as np; y = np.load("y38.npy"); print(y.shape, y.dtype, sorted(set(y.ravel().tolist())))'
  [ "$output" = "(3, 90, 120) uint8 [0, 1, 2]" ]
  run "$R" -q --mask --filter bilinear --size 10x10 -o z.npy $(cam_masks 1)
  [ "$status" -eq 2 ]
}

@test "resize-img --list: CamVid's list layout, images and masks side by side" {
  need_pil; need_camvid
  export CAM
  head -n 5 "$CAM/val.txt" > list.txt
  "$R" -q --list list.txt --root "$CAM" --size 96x72 --classes 8 -o x.npy --masks-out y.npy
  imgs=$(awk '{ sub("^/SegNet/CamVid/", "", $1); print ENVIRON["CAM"] "/" $1 }' list.txt)
  masks=$(awk '{ sub("^/SegNet/CamVid/", "", $2); print ENVIRON["CAM"] "/" $2 }' list.txt)
  "$PY" "$CMP" x.npy 96x72 lanczos rgb $imgs
  "$PY" "$CMP" y.npy 96x72 nearest mask:8 $masks
}

@test "resize-img: names on stdin with '-', --png-dir writes resized PNGs" {
  need_pil; need_camvid
  cam_images 3 | "$R" -q --size 64x48 -o a.npy -
  "$R" -q --size 64x48 -o b.npy $(cam_images 3)
  cmp a.npy b.npy
  "$R" -q --size 64x48 --png-dir pngs $(cam_images 3)
  [ "$(ls pngs/*.png | wc -l)" -eq 3 ]
  run "$PY" -c '
import sys, glob, numpy as np
from PIL import Image
b = np.load("b.npy")
files = sorted(glob.glob("pngs/*.png"))
print(all(np.array_equal(np.asarray(Image.open(f)), b[i]) for i, f in enumerate(files)))'
  [ "$output" = "True" ]
}

@test "resize-img: the result does not depend on the thread count" {
  need_camvid
  "$R" -q --threads 1 --size 100x77 --filter bicubic -o t1.npy $(cam_images 6)
  "$R" -q --threads 2 --size 100x77 --filter bicubic -o t2.npy $(cam_images 6)
  cmp t1.npy t2.npy
}

@test "resize-img: JPEGs made by cjpeg from CamVid decode within 2 levels of djpeg" {
  need_pil; need_camvid
  command -v cjpeg >/dev/null && command -v djpeg >/dev/null || skip "cjpeg/djpeg missing (apt-get install libjpeg-turbo-progs)"
  "$PY" -c 'import sys; from PIL import Image; Image.open(sys.argv[1]).save("cam.ppm")' "$(cam_images 1)"
  i=0
  for opts in "-sample 1x1" "-sample 2x1" "-sample 2x2" "-progressive" "-restart 2 -sample 2x2" "-grayscale" \
              "-progressive -grayscale" "-sample 1x2 -quality 95"; do
    i=$((i + 1))
    cjpeg $opts cam.ppm > c$i.jpg
    djpeg c$i.jpg > c$i.ref
    "$R" -q $( [[ "$opts" == *grayscale* ]] && echo --gray ) --png-dir out c$i.jpg
    run "$PY" "$JCMP" out/c$i.png c$i.ref 2
    echo "$opts: $output"
    [ "$status" -eq 0 ]
  done
}

@test "resize-img: decodes the committed fixtures of every kind (PNM, JPEG variants)" {
  for f in "$FIX"/camvid.ppm "$FIX"/camvid.pgm "$FIX"/synth_*.jpg; do
    [[ "$f" == *arith* ]] && continue
    "$R" -q --size 8x8 -o one.npy "$f"
  done
}

@test "resize-img errors name the file and leave no output" {
  printf 'GIF89a not an image' > bad.gif
  run --separate-stderr "$R" -q --size 8x8 -o out.npy "$FIX/camvid.ppm" bad.gif
  [ "$status" -eq 1 ]
  [[ "$stderr" == "resize-img: bad.gif: "*unsupported* ]]
  [ ! -e out.npy ]
  head -c 700 "$FIX/synth_b420.jpg" > cut.jpg
  run --separate-stderr "$R" -q --size 8x8 -o out.npy cut.jpg
  [ "$status" -eq 1 ]
  [[ "$stderr" == "resize-img: cut.jpg: "*truncated* ]]
  [ ! -e out.npy ]
  run --separate-stderr "$R" -q --size 8x8 -o out.npy "$FIX/synth_arith.jpg"
  [ "$status" -eq 1 ]
  [[ "$stderr" == *"synth_arith.jpg: arithmetic"* ]]
  run --separate-stderr "$R" -q --size 8x8 -o out.npy missing.png
  [ "$status" -eq 1 ]
  [[ "$stderr" == "resize-img: missing.png: "* ]]
  [ ! -e out.npy ]
}

@test "resize-img --list errors: an image without a mask, a mask of another size" {
  mkdir -p img lab
  cp "$FIX/camvid.ppm" img/a.ppm
  cp "$FIX/camvid.pgm" lab/a.pgm
  cp "$FIX/resize_box_gray.pgm" lab/small.pgm
  printf '/SegNet/CamVid/img/a.ppm /SegNet/CamVid/lab/a.pgm\n/SegNet/CamVid/img/a.ppm\n' > l1.txt
  run --separate-stderr "$R" -q --list l1.txt --root . --size 8x8 -o x.npy --masks-out y.npy
  [ "$status" -eq 1 ]
  [[ "$stderr" == "resize-img: l1.txt: line 2: "*"no label map"* ]]
  printf '/SegNet/CamVid/img/a.ppm /SegNet/CamVid/lab/small.pgm\n' > l2.txt
  run --separate-stderr "$R" -q --list l2.txt --root . --size 8x8 -o x.npy --masks-out y.npy
  [ "$status" -eq 1 ]
  [[ "$stderr" == "resize-img: ./lab/small.pgm: label map is 23x17 but its image ./img/a.ppm is 61x45" ]]
  [ ! -e x.npy ] && [ ! -e y.npy ]
  printf '/SegNet/CamVid/img/a.ppm /SegNet/CamVid/lab/a.pgm\n' > l3.txt
  "$R" -q --list l3.txt --root . --size 8x8 -o x.npy --masks-out y.npy
  [ -s x.npy ] && [ -s y.npy ]
}

@test "resize-img usage errors exit 2" {
  run "$R" --size 0x5 "$FIX/camvid.ppm"
  [ "$status" -eq 2 ]
  run "$R" --size 8x8 --classes 3,x --mask "$FIX/camvid.pgm"
  [ "$status" -eq 2 ]
  run "$R" --size 8x8 --filter cubic "$FIX/camvid.ppm"
  [ "$status" -eq 2 ]
  run "$R" --size 8x8
  [ "$status" -eq 2 ]
}
