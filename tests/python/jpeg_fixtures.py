#!/usr/bin/env python3
"""Regenerate tests/fixtures/images: small source images, JPEGs made with
libjpeg-turbo's cjpeg in the variants the decoder supports, djpeg's decoding
of each (the reference test_jpeg compares against), and Pillow's resizes of
the source (the reference test_resize compares against).

    python3 tests/python/jpeg_fixtures.py CAMVID_PNG OUT_DIR

Needs cjpeg/djpeg (Debian: libjpeg-turbo-progs) and Pillow.  The files are
committed, so the unit tests need neither."""
import os
import subprocess
import sys

import numpy as np
from PIL import Image

src_png, out = sys.argv[1], sys.argv[2]
os.makedirs(out, exist_ok=True)

# A 61x45 crop of a CamVid frame (odd sizes exercise the edge handling).
cam = Image.open(src_png).convert("RGB").crop((200, 150, 261, 195))
cam.save(os.path.join(out, "camvid.ppm"))
# A synthetic image: smooth gradients, a sharp edge and noise (seeded).
rng = np.random.default_rng(7)
y, x = np.mgrid[0:37, 0:50]
syn = np.stack([x * 5, y * 6, (x + y) * 3], axis=-1).astype(float)
syn[10:25, 20:35] = [250, 10, 30]
syn += rng.normal(0, 12, syn.shape)
Image.fromarray(np.clip(syn, 0, 255).astype(np.uint8)).save(os.path.join(out, "synth.ppm"))

variants = {
    "b444": ["-sample", "1x1"],
    "b422": ["-sample", "2x1"],
    "b420": ["-sample", "2x2"],
    "b440": ["-sample", "1x2"],
    "b411": ["-sample", "4x1"],
    "p420": ["-progressive", "-sample", "2x2"],
    "p444": ["-progressive", "-sample", "1x1"],
    "r420": ["-restart", "1", "-sample", "2x2"],
    "rp420": ["-restart", "1", "-progressive"],
    "gray": ["-grayscale"],
    "pgray": ["-grayscale", "-progressive"],
    "rgb": ["-rgb"],
    "q100": ["-quality", "100", "-sample", "1x1"],
    "q5": ["-quality", "5", "-baseline"],
}
# Scan scripts: sequential with one scan per component (non-interleaved),
# and a progressive script with deep successive approximation.
scripts = {
    "seq3": "0;\n1;\n2;\n",
    "psa": "0: 0-0, 0, 2;\n1: 0-0, 0, 0;\n2: 0-0, 0, 0;\n0: 0-0, 2, 1;\n0: 0-0, 1, 0;\n"
           "0: 1-5, 0, 3;\n0: 6-63, 0, 3;\n0: 1-63, 3, 2;\n0: 1-63, 2, 1;\n0: 1-63, 1, 0;\n"
           "1: 1-63, 0, 0;\n2: 1-63, 0, 0;\n",
}
for v, text in scripts.items():
    path = os.path.join(out, f".{v}.scans")
    with open(path, "w") as f:
        f.write(text)
    variants[v] = ["-sample", "2x2", "-scans", path]
for name in ("camvid", "synth"):
    ppm = os.path.join(out, name + ".ppm")
    for v, args in variants.items():
        jpg = os.path.join(out, f"{name}_{v}.jpg")
        with open(jpg, "wb") as f:
            subprocess.run(["cjpeg", *args, ppm], stdout=f, check=True)
        ext = ".pgm" if "gray" in v else ".ppm"
        with open(os.path.join(out, f"{name}_{v}.ref{ext}"), "wb") as f:
            subprocess.run(["djpeg", jpg], stdout=f, check=True)
for v in scripts:
    os.remove(os.path.join(out, f".{v}.scans"))
# Arithmetic coding: the decoder must refuse it with a clear message.
with open(os.path.join(out, "synth_arith.jpg"), "wb") as f:
    subprocess.run(["cjpeg", "-arithmetic", os.path.join(out, "synth.ppm")], stdout=f, check=True)

# Pillow's resizes of the CamVid crop: shrink and enlarge, every filter.
filters = {"nearest": Image.NEAREST, "box": Image.BOX, "bilinear": Image.BILINEAR,
           "bicubic": Image.BICUBIC, "lanczos": Image.LANCZOS}
for fname, f in filters.items():
    for w, h in ((23, 17), (90, 31)):
        cam.resize((w, h), f).save(os.path.join(out, f"resize_{fname}_{w}x{h}.ppm"))
    cam.convert("L").resize((23, 17), f).save(os.path.join(out, f"resize_{fname}_gray.pgm"))
cam.convert("L").save(os.path.join(out, "camvid.pgm"))
