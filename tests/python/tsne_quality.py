"""Quality of a 2-D/3-D embedding, as the tsne benchmark reports it.

    python3 tsne_quality.py DATA.npy LABELS.npy EMBEDDING.npy [EMBEDDING2.npy...]

For each embedding prints one line: trustworthiness (k = 10, scikit-learn's
definition, against DATA) and 10-NN accuracy (leave-one-out: each point's
label predicted by the majority of its 10 nearest neighbours in the
embedding, itself excluded; ties go to the smallest label)."""
import sys

import numpy as np
from sklearn.manifold import trustworthiness
from sklearn.neighbors import NearestNeighbors


def knn_accuracy(y, labels, k=10):
    nn = NearestNeighbors(n_neighbors=k + 1).fit(y)
    idx = nn.kneighbors(y, return_distance=False)
    # drop the point itself (first column unless duplicates move it)
    rows = [r[r != i][:k] for i, r in enumerate(idx)]
    votes = labels[np.array(rows)]
    pred = np.array([np.bincount(v).argmax() for v in votes])
    return float(np.mean(pred == labels))


def main():
    if len(sys.argv) < 4:
        sys.exit(__doc__)
    x = np.load(sys.argv[1]).astype(np.float32)
    x = x.reshape(len(x), -1)
    labels = np.load(sys.argv[2]).astype(np.int64).ravel()
    for path in sys.argv[3:]:
        y = np.load(path).astype(np.float64)
        t = trustworthiness(x, y, n_neighbors=10)
        a = knn_accuracy(y, labels)
        print(f"{path}\ttrustworthiness\t{t:.4f}\tknn10_accuracy\t{a:.4f}")


if __name__ == "__main__":
    main()
