"""MNIST inputs for the tsne benchmark: the first N images of a split,
scaled to [0, 1], projected on their top 50 principal components (numpy
eigh of the covariance), saved as float32, with the labels as int64.

    tsne_mnist.py MNIST_DIR test|all N X_OUT.npy LABELS_OUT.npy

`all` is the 60,000 training images followed by the 10,000 test images."""
import gzip
import sys

import numpy as np


def idx(path):
    with gzip.open(path) as f:
        b = f.read()
    nd = b[3]
    dims = [int.from_bytes(b[4 + 4 * i:8 + 4 * i], "big") for i in range(nd)]
    return np.frombuffer(b, np.uint8, offset=4 + 4 * nd).reshape(dims)


def main():
    if len(sys.argv) != 6:
        sys.exit(__doc__)
    d, split, n, xout, yout = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4], sys.argv[5]
    parts = ["t10k"] if split == "test" else ["train", "t10k"]
    x = np.concatenate([idx(f"{d}/{p}-images-idx3-ubyte.gz").reshape(-1, 784) for p in parts])[:n]
    y = np.concatenate([idx(f"{d}/{p}-labels-idx1-ubyte.gz") for p in parts])[:n]
    x = x.astype(np.float64) / 255.0
    x -= x.mean(0)
    w, v = np.linalg.eigh(x.T @ x)
    np.save(xout, (x @ v[:, ::-1][:, :50]).astype(np.float32))
    np.save(yout, y.astype(np.int64))


if __name__ == "__main__":
    main()
