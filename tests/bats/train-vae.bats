#!/usr/bin/env bats
# train-vae: summaries against Keras's parameter counts, training,
# encode/decode/reconstruct/grid, checkpoints and --resume, Ctrl-C, bad
# files.  The images are synthetic (written with printf and awk), so no
# python and no data set are needed.

bats_require_minimum_version 1.5.0

setup() {
  TV="$NNPIPE_BIN/train-vae"
  D="$BATS_TEST_TMPDIR"
}

# make_images FILE N [H W]: a uint8 .npy (N, H, W) of blurry blobs
make_images() {
  local f=$1 n=$2 h=${3:-28} w=${4:-28}
  local hdr="{'descr': '|u1', 'fortran_order': False, 'shape': ($n, $h, $w), }"
  local len=$(( ${#hdr} + 1 ))
  local total=$(( (10 + len + 63) / 64 * 64 ))
  local hl=$(( total - 10 ))
  {
    printf '\223NUMPY\001\000'
    printf "\\$(printf %03o $(( hl % 256 )))\\$(printf %03o $(( hl / 256 )))"
    printf '%s' "$hdr"
    printf '%*s' $(( hl - len )) ''
    printf '\n'
    LC_ALL=C awk -v n="$n" -v h="$h" -v w="$w" 'BEGIN {
      for (k = 0; k < n; k++) {
        cy = 6 + (k * 7) % (h - 12); cx = 6 + (k * 11) % (w - 12); r = 3 + k % 4
        for (y = 0; y < h; y++) for (x = 0; x < w; x++) {
          d = (y - cy) * (y - cy) + (x - cx) * (x - cx)
          v = d < r * r ? 255 - 4 * d : 1 + (x * 3 + y * 5 + k) % 9
          printf "%c", v
        } } }'
  } > "$f"
}

@test "--summary: parameter counts equal Keras's for the assignment's models" {
  run "$TV" --model ae --latent 32 --summary
  [ "$status" -eq 0 ]
  # encoder 784*32 + 32, decoder 32*784 + 784
  [[ "$output" == *"Total params: 25,120"* ]]
  [[ "$output" == *"Total params: 25,872"* ]]
  [[ "$output" == *"Total params: 50,992"* ]]
  run "$TV" --model deep-ae --latent 32 --summary
  [ "$status" -eq 0 ]
  # conv 3*3*1*16+16 = 160, conv 3*3*16*32+32 = 4640, dense 1568*32+32 = 50208
  [[ "$(printf '%s\n' "$output" | tr -s ' ')" == *"conv2d (Conv2D) (None, 28, 28, 16) 160"* ]]
  [[ "$output" == *"Total params: 55,008"* ]]
  # dense 33*1568 = 51744, conv 9248, conv 4624, conv 145
  [[ "$output" == *"Total params: 65,761"* ]]
  run "$TV" --model vae --latent 2 --summary
  [ "$status" -eq 0 ]
  # 320 + 9248 + 18496 + 12544*128+128 + (128*2+2)*2
  [[ "$output" == *"Total params: 1,634,340"* ]]
  # 2*128+128 + 128*12544+12544 + 3*3*32*64+32 + 3*3*32*32+32 + 3*3*32+1
  [[ "$output" == *"Total params: 1,646,561"* ]]
  [[ "$output" == *"conv2d_transpose (Conv2DTranspose)"* ]]
}

@test "train an autoencoder, then encode, decode and reconstruct" {
  make_images "$D/x.npy" 200
  make_images "$D/v.npy" 40
  run "$TV" --model ae --latent 16 --epochs 2 --batch 50 -q --val "$D/v.npy" --history "$D/h.tsv" \
      --report "$D/r.tsv" -o "$D/ae.safetensors" "$D/x.npy"
  [ "$status" -eq 0 ]
  [ -z "$output" ]   # -q: no progress, no report lines on stderr
  grep -q '^compression_ratio	49$' "$D/r.tsv"
  [ "$(wc -l < "$D/h.tsv")" -eq 3 ]
  [ "$(head -1 "$D/h.tsv")" = "$(printf 'epoch\tloss\tval_loss\tseconds')" ]
  grep -q '^val_bce_per_pixel	' "$D/r.tsv"
  grep -q '^params_trainable	25888$' "$D/r.tsv"   # 784*16+16 + 16*784+784
  run "$TV" encode -o "$D/z.npy" "$D/ae.safetensors" "$D/v.npy"
  [ "$status" -eq 0 ]
  run "$TV" decode -o "$D/y.npy" "$D/ae.safetensors" "$D/z.npy"
  [ "$status" -eq 0 ]
  run "$TV" reconstruct -o "$D/y2.npy" "$D/ae.safetensors" "$D/v.npy"
  [ "$status" -eq 0 ]
  [[ "$output" == *"bce_per_pixel"* ]]
  cmp "$D/y.npy" "$D/y2.npy"
  if [ -x "$NNPIPE_BIN/npy" ]; then
    run "$NNPIPE_BIN/npy" info "$D/z.npy"
    [[ "$output" == *"(40, 16)"* ]]
    run "$NNPIPE_BIN/npy" info "$D/y.npy"
    [[ "$output" == *"(40, 28, 28)"* ]]
  fi
}

@test "the report: lines on stderr unless -q; --report - on stdout even with -q" {
  make_images "$D/x.npy" 40
  run --separate-stderr "$TV" --model ae --latent 8 --epochs 1 --batch 20 -o "$D/m.safetensors" "$D/x.npy"
  [ "$status" -eq 0 ]
  [ -z "$output" ]
  [[ "$stderr" == *"train-vae: compression_ratio	98"* ]]
  run --separate-stderr "$TV" --model ae --latent 8 --epochs 1 --batch 20 -q --report - -o "$D/m.safetensors" "$D/x.npy"
  [ "$status" -eq 0 ]
  [ -z "$stderr" ]
  [ "${lines[0]}" = "$(printf 'metric\tvalue')" ]
  [[ "$output" == *"compression_ratio	98"* ]]
}

@test "a resumed run gives the same model as an uninterrupted one" {
  make_images "$D/x.npy" 120
  "$TV" --model ae --latent 8 --epochs 4 --batch 32 -q -o "$D/full.safetensors" "$D/x.npy" 2>/dev/null
  "$TV" --model ae --latent 8 --epochs 2 --batch 32 -q --checkpoint "$D/ck.safetensors" \
      -o "$D/half.safetensors" "$D/x.npy" 2>/dev/null
  run "$TV" --model ae --latent 8 --epochs 4 --batch 32 -q --checkpoint "$D/ck.safetensors" --resume \
      --history "$D/h.tsv" -o "$D/resumed.safetensors" "$D/x.npy"
  [ "$status" -eq 0 ]
  cmp "$D/full.safetensors" "$D/resumed.safetensors"
  [ "$(wc -l < "$D/h.tsv")" -eq 5 ]   # epochs 1-2 from the checkpoint, 3-4 after
  # and the same with 1 and 2 threads
  "$TV" --threads 1 --model ae --latent 8 --epochs 1 --batch 32 -q -o "$D/t1.safetensors" "$D/x.npy" 2>/dev/null
  "$TV" --threads 2 --model ae --latent 8 --epochs 1 --batch 32 -q -o "$D/t2.safetensors" "$D/x.npy" 2>/dev/null
  cmp "$D/t1.safetensors" "$D/t2.safetensors"
}

@test "resume equals an uninterrupted run with sampling noise (cat-vae, annealed tau)" {
  make_images "$D/x.npy" 24
  opts="--model cat-vae --categories 3 --latent 2 --anneal 0.01 --batch 8 -q"
  "$TV" $opts --epochs 2 -o "$D/full.safetensors" "$D/x.npy" 2>/dev/null
  "$TV" $opts --epochs 1 --checkpoint "$D/ck.safetensors" -o "$D/half.safetensors" "$D/x.npy" 2>/dev/null
  "$TV" $opts --epochs 2 --checkpoint "$D/ck.safetensors" --resume -o "$D/resumed.safetensors" "$D/x.npy" 2>/dev/null
  cmp "$D/full.safetensors" "$D/resumed.safetensors"
}

@test "--resume refuses a checkpoint of another architecture or seed" {
  make_images "$D/x.npy" 64
  "$TV" --model ae --latent 8 --epochs 1 -q --checkpoint "$D/ck.safetensors" -o "$D/m.safetensors" "$D/x.npy" 2>/dev/null
  run "$TV" --model ae --latent 9 --epochs 2 -q --checkpoint "$D/ck.safetensors" --resume -o "$D/m2.safetensors" "$D/x.npy"
  [ "$status" -eq 1 ]
  [[ "$output" == *"different architecture"* ]]
  run "$TV" --model ae --latent 8 --seed 2 --epochs 2 -q --checkpoint "$D/ck.safetensors" --resume -o "$D/m2.safetensors" "$D/x.npy"
  [ "$status" -eq 1 ]
  [[ "$output" == *"seed"* ]]
  [ ! -e "$D/m2.safetensors" ]
}

@test "Ctrl-C stops cleanly and keeps the last checkpoint" {
  make_images "$D/x.npy" 256
  "$TV" --model ae --latent 8 --epochs 100000 --batch 16 -q --checkpoint "$D/ck.safetensors" \
      -o "$D/m.safetensors" "$D/x.npy" 2> "$D/err" &
  pid=$!
  for i in $(seq 1 200); do [ -e "$D/ck.safetensors" ] && break; sleep 0.1; done
  [ -e "$D/ck.safetensors" ]
  sleep 0.3
  kill -INT "$pid"
  status=0
  wait "$pid" || status=$?
  [ "$status" -eq 1 ]
  grep -q "interrupted; the checkpoint .*ck.safetensors holds epoch" "$D/err"
  [ ! -e "$D/m.safetensors" ]
  # only the checkpoint is left: no temporary files
  [ "$(ls "$D" | sort | tr '\n' ' ')" = "ck.safetensors err x.npy " ]
  # the checkpoint is a whole model
  run "$TV" encode -o "$D/z.npy" "$D/ck.safetensors" "$D/x.npy"
  [ "$status" -eq 0 ]
}

@test "corrupt, truncated and foreign model files give clear errors" {
  make_images "$D/x.npy" 32
  "$TV" --model ae --latent 4 --epochs 1 -q -o "$D/m.safetensors" "$D/x.npy" 2>/dev/null
  head -c 300 "$D/m.safetensors" > "$D/cut.safetensors"
  run "$TV" encode "$D/cut.safetensors" "$D/x.npy"
  [ "$status" -eq 1 ]
  [[ "$output" == "train-vae encode: "*"cut.safetensors: "* ]]
  printf 'not a model at all' > "$D/junk.safetensors"
  run "$TV" reconstruct "$D/junk.safetensors" "$D/x.npy"
  [ "$status" -eq 1 ]
  [[ "$output" == "train-vae reconstruct: "*"junk.safetensors: "* ]]
  run "$TV" encode "$D/x.npy" "$D/x.npy"
  [ "$status" -eq 1 ]
  run "$TV" grid "$D/m.safetensors"
  [ "$status" -eq 1 ]
  [[ "$output" == *"grid needs a vae or cat-vae"* ]]
  make_images "$D/small.npy" 4 12 12
  run "$TV" encode "$D/m.safetensors" "$D/small.npy"
  [ "$status" -eq 1 ]
  [[ "$output" == *"12x12"* ]]
}

@test "bad inputs and options" {
  run "$TV" --model ae -o "$D/m.safetensors"
  [ "$status" -eq 2 ]
  run "$TV" --model nope --summary
  [ "$status" -eq 2 ]
  printf 'garbage' > "$D/bad.npy"
  run "$TV" --model ae -o "$D/m.safetensors" "$D/bad.npy"
  [ "$status" -eq 1 ]
  [[ "$output" == *"bad.npy"* ]]
  make_images "$D/odd.npy" 8 30 30
  run "$TV" --model deep-ae -o "$D/m.safetensors" "$D/odd.npy"
  [ "$status" -eq 1 ]
  [[ "$output" == *"multiples of 4"* ]]
  [ ! -e "$D/m.safetensors" ]
}

@test "vae grid and cat-vae samples" {
  make_images "$D/x.npy" 16
  run "$TV" --model vae --latent 2 --epochs 1 --batch 8 -q -o "$D/vae.safetensors" "$D/x.npy"
  [ "$status" -eq 0 ]
  run "$TV" grid -n 3 -o "$D/g.npy" "$D/vae.safetensors"
  [ "$status" -eq 0 ]
  run "$TV" grid -n 2 --extreme -o "$D/g2.npy" "$D/vae.safetensors"
  [ "$status" -eq 0 ]
  if [ -x "$NNPIPE_BIN/npy" ]; then
    # the extreme grid's top-left tile decodes z = (quantile(0.000005), quantile(0.999995))
    N="$NNPIPE_BIN/npy"
    printf -- '-4.417173\t4.417173\n' | "$N" from-tsv -o "$D/zc.npy" -
    "$TV" decode -o "$D/corner.npy" "$D/vae.safetensors" "$D/zc.npy"
    "$N" slice -r 0:28 "$D/g2.npy" | "$N" reshape -s 56,28 - | "$N" slice -r 0:56:2 - | "$N" reshape -s 1,28,28 -o "$D/tile.npy" -
    run "$N" compare --tol 1e-4 "$D/corner.npy" "$D/tile.npy"
    [ "$status" -eq 0 ]
    # and is not the 0.001 corner the option once used
    printf -- '-3.090232\t3.090232\n' | "$N" from-tsv -o "$D/zo.npy" -
    "$TV" decode -o "$D/old.npy" "$D/vae.safetensors" "$D/zo.npy"
    run "$N" compare --tol 1e-4 "$D/old.npy" "$D/tile.npy"
    [ "$status" -ne 0 ]
  fi
  # mu and log-variance of q(z|x)
  run "$TV" encode --logvar "$D/lv.npy" -o "$D/mu.npy" "$D/vae.safetensors" "$D/x.npy"
  [ "$status" -eq 0 ]
  run "$TV" encode -o "$D/mu2.npy" "$D/vae.safetensors" "$D/x.npy"
  cmp "$D/mu.npy" "$D/mu2.npy"
  if [ -x "$NNPIPE_BIN/npy" ]; then
    run "$NNPIPE_BIN/npy" info "$D/lv.npy"
    [[ "$output" == *"(16, 2)"* ]]
    run "$NNPIPE_BIN/npy" compare --tol 1e-3 "$D/lv.npy" "$D/mu.npy"
    [ "$status" -ne 0 ]
  fi
  run "$TV" --model cat-vae --categories 4 --epochs 1 --batch 8 -q -o "$D/cat.safetensors" "$D/x.npy"
  [ "$status" -eq 0 ]
  run "$TV" grid --samples 3 -o "$D/c.npy" "$D/cat.safetensors"
  [ "$status" -eq 0 ]
  run "$TV" encode --logvar "$D/lv.npy" "$D/cat.safetensors" "$D/x.npy"
  [ "$status" -eq 1 ]
  [[ "$output" == *"cat.safetensors: --logvar: only a vae has a log-variance"* ]]
  [ ! -e "$D/lv.npy" ] || [ "$D/lv.npy" -ot "$D/cat.safetensors" ]
  if [ -x "$NNPIPE_BIN/npy" ]; then
    run "$NNPIPE_BIN/npy" info "$D/g.npy"
    [[ "$output" == *"(84, 84)"* ]]
    run "$NNPIPE_BIN/npy" info "$D/c.npy"
    [[ "$output" == *"(7, 28, 28)"* ]]
  fi
}
