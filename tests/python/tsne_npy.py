"""Fixtures and checks for tests/bats/tsne.bats.

    tsne_npy.py clusters OUT.npy N_PER [DTYPE]   3 Gaussian clusters, 8 features
    tsne_npy.py make OUT.npy KIND                nan | empty | flat | tiny | big
    tsne_npy.py separated EMB.npy N_PER          exit 0 if every point's nearest
                                                 neighbour is in its own cluster
    tsne_npy.py shape FILE.npy                   prints "dtype shape" (e.g. "<f4 360,2")
"""
import sys

import numpy as np


def clusters(n_per, dtype="float32"):
    rng = np.random.default_rng(0)
    x = np.concatenate([rng.normal(size=(n_per, 8)) + 12 * np.eye(8)[c] for c in range(3)])
    if dtype == "uint8":
        x = np.clip(x * 8 + 100, 0, 255).astype(np.uint8).reshape(-1, 2, 4)
    return x.astype(dtype)


def main():
    cmd = sys.argv[1]
    if cmd == "clusters":
        np.save(sys.argv[2], clusters(int(sys.argv[3]), sys.argv[4] if len(sys.argv) > 4 else "float32"))
    elif cmd == "make":
        kind = sys.argv[3]
        if kind == "nan":
            x = clusters(20)
            x[13, 2] = np.nan
        elif kind == "empty":
            x = np.zeros((0, 5), np.float32)
        elif kind == "flat":
            x = np.arange(50, dtype=np.float32)
        elif kind == "big":
            x = np.random.default_rng(1).normal(size=(5001, 3)).astype(np.float32)
        elif kind == "tiny":
            x = clusters(20)[:20]
        np.save(sys.argv[2], x)
    elif cmd == "separated":
        y = np.load(sys.argv[2]).astype(np.float64)
        per = int(sys.argv[3])
        d = ((y[:, None, :] - y[None, :, :]) ** 2).sum(-1)
        np.fill_diagonal(d, np.inf)
        nearest = d.argmin(1)
        wrong = int(np.sum(nearest // per != np.arange(len(y)) // per))
        print(f"{wrong} points nearest to another cluster")
        sys.exit(1 if wrong else 0)
    elif cmd == "shape":
        y = np.load(sys.argv[2])
        print(y.dtype.str, ",".join(str(s) for s in y.shape))
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
