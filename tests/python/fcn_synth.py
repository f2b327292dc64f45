"""Tiny synthetic segmentation data for the train-fcn tests: shapes on noise.

usage: fcn_synth.py N SIZE X.npy Y.npy [--seed S] [--void] [--png FILE WxH]

Images (N, SIZE, SIZE, 3) uint8: uniform noise with a bright red square
(class 1) and a blue disc (class 2); label maps (N, SIZE, SIZE) uint8,
0 = background.  --void marks a 1-pixel border as label 11 (ignored).
--png also writes one such image of another size WxH as a PNG."""
import sys

import numpy as np


def scene(rng, h, w, void):
    img = rng.integers(0, 120, size=(h, w, 3)).astype(np.uint8)
    lab = np.zeros((h, w), np.uint8)
    s = max(2, h // 4)
    y, x = rng.integers(0, h - s), rng.integers(0, w - s)
    img[y:y + s, x:x + s] = (230, 40, 40)
    lab[y:y + s, x:x + s] = 1
    r = max(2, h // 6)
    cy, cx = rng.integers(r, h - r), rng.integers(r, w - r)
    yy, xx = np.mgrid[0:h, 0:w]
    disc = (yy - cy) ** 2 + (xx - cx) ** 2 <= r * r
    img[disc] = (40, 40, 230)
    lab[disc] = 2
    if void:
        lab[0, :] = lab[-1, :] = 11
        lab[:, 0] = lab[:, -1] = 11
    return img, lab


def main(argv):
    seed, void, png = 0, False, None
    rest = []
    i = 0
    while i < len(argv):
        if argv[i] == "--seed":
            seed = int(argv[i + 1])
            i += 2
        elif argv[i] == "--void":
            void = True
            i += 1
        elif argv[i] == "--png":
            png = (argv[i + 1], argv[i + 2])
            i += 3
        else:
            rest.append(argv[i])
            i += 1
    n, size, xp, yp = int(rest[0]), int(rest[1]), rest[2], rest[3]
    rng = np.random.default_rng(seed)
    pairs = [scene(rng, size, size, void) for _ in range(n)]
    np.save(xp, np.stack([p[0] for p in pairs]))
    np.save(yp, np.stack([p[1] for p in pairs]))
    if png:
        from PIL import Image
        w, h = (int(v) for v in png[1].split("x"))
        Image.fromarray(scene(rng, h, w, False)[0]).save(png[0])


if __name__ == "__main__":
    main(sys.argv[1:])
