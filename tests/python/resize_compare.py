#!/usr/bin/env python3
"""Compare a resize-img batch with Pillow's Image.resize of the same files.

    resize_compare.py OUT.npy WxH FILTER MODE FILE...
MODE: rgb, gray or mask (mask: nearest, ids compared exactly, after
--classes mapping given as MAP, e.g. mask:8 or mask:3,8).
Prints 'within1 F exact F maxdiff D' and exits 1 when fewer than 99% of
samples are within 1 level (masks: when any differs)."""
import sys

import numpy as np
from PIL import Image

out, size, filt, mode, files = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5:]
w, h = (int(v) for v in size.lower().split("x"))
F = {"nearest": Image.NEAREST, "box": Image.BOX, "bilinear": Image.BILINEAR,
     "bicubic": Image.BICUBIC, "lanczos": Image.LANCZOS}
x = np.load(out)
if x.shape[0] != len(files):
    sys.exit(f"{out}: {x.shape[0]} rows for {len(files)} files")
if x.dtype == np.float32 and not mode.startswith("mask"):
    x = np.rint(x * 255.0)
x = x.astype(np.int64)
refs = []
for f in files:
    im = Image.open(f)
    if mode.startswith("mask"):
        r = np.asarray(im.resize((w, h), Image.NEAREST)).astype(np.int64)
        if ":" in mode:
            ids = [int(v) for v in mode.split(":", 1)[1].split(",")]
            m = np.zeros_like(r)
            for k, v in enumerate(ids):
                m[r == v] = k + 1
            r = m
    else:
        im = im.convert("L" if mode == "gray" else "RGB")
        r = np.asarray(im.resize((w, h), F[filt])).astype(np.int64)
        if mode == "gray":
            r = r[..., None]
    refs.append(r)
ref = np.stack(refs)
if ref.shape != x.shape:
    sys.exit(f"shape {x.shape}, Pillow {ref.shape}")
d = np.abs(ref - x)
within1 = float((d <= 1).mean())
exact = float((d == 0).mean())
print(f"within1 {within1:.6f} exact {exact:.6f} maxdiff {int(d.max())}")
if mode.startswith("mask"):
    sys.exit(0 if d.max() == 0 else 1)
sys.exit(0 if within1 >= 0.99 else 1)
