#!/usr/bin/env python3
"""Largest per-sample difference between our decoding of a JPEG (any image
file Pillow reads, e.g. a PNG written by resize-img --png-dir) and djpeg's
(PPM/PGM).  Prints 'maxdiff D over N'; exits 1 when D > LIMIT (default 2).

    jpeg_compare.py OURS REF [LIMIT]"""
import sys

import numpy as np
from PIL import Image

a = np.asarray(Image.open(sys.argv[1])).astype(np.int64)
b = np.asarray(Image.open(sys.argv[2])).astype(np.int64)
limit = int(sys.argv[3]) if len(sys.argv) > 3 else 2
if a.shape != b.shape:
    sys.exit(f"shape {a.shape}, djpeg {b.shape}")
d = int(np.abs(a - b).max())
print(f"maxdiff {d} over {a.size}")
sys.exit(0 if d <= limit else 1)
