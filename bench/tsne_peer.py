"""The scikit-learn peer of nnpipe's tsne: embed INPUT.npy (N, D) with
sklearn.manifold.TSNE using the same settings as `tsne` (perplexity 30,
Barnes-Hut theta 0.5, PCA init, learning rate 'auto', 1000 iterations),
save the (N, 2) float32 embedding to OUTPUT.npy and print the seconds the
fit took (data loading excluded) on stdout.

    python3 tsne_peer.py INPUT.npy OUTPUT.npy [SEED]
"""
import sys
import time

import numpy as np
from sklearn.manifold import TSNE


def main():
    if len(sys.argv) not in (3, 4):
        sys.exit(__doc__)
    x = np.load(sys.argv[1]).astype(np.float32)
    x = x.reshape(len(x), -1)
    seed = int(sys.argv[3]) if len(sys.argv) == 4 else 0
    kw = dict(n_components=2, perplexity=30.0, init="pca", random_state=seed, angle=0.5, method="barnes_hut")
    # learning_rate='auto' exists from 1.2 on (and is the default there).
    kw["learning_rate"] = "auto"
    t0 = time.perf_counter()
    y = TSNE(**kw).fit_transform(x)
    dt = time.perf_counter() - t0
    np.save(sys.argv[2], y.astype(np.float32))
    print(f"{dt:.3f}")


if __name__ == "__main__":
    main()
