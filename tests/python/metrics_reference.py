"""Reference numbers for tests/unit/test_metrics.c, from scikit-learn.

Run with Debian's python3 (python3-sklearn 1.2):  /usr/bin/python3 tests/python/metrics_reference.py
The unit test records these values; rerun this to see where they came from.
"""
import warnings

import numpy as np
import sklearn
from sklearn.manifold import trustworthiness
from sklearn.metrics import (accuracy_score, adjusted_rand_score, jaccard_score, normalized_mutual_info_score,
                             precision_recall_fscore_support)

warnings.simplefilter("ignore")
print("sklearn", sklearn.__version__)


def prf(name, t, p, **kw):
    for avg in (None, "macro", "micro", "weighted"):
        r = precision_recall_fscore_support(t, p, average=avg, **kw)
        print(name, avg, [np.round(np.asarray(x, dtype=float), 12).tolist() for x in r[:3]])


# A class (3) never predicted; 0 left out of the averages with labels=.
t = [0, 0, 1, 1, 2, 2, 2, 3, 3, 0]
p = [0, 1, 1, 1, 2, 0, 2, 2, 1, 0]
print("accuracy", accuracy_score(t, p))
prf("all", t, p)
prf("no0", t, p, labels=[1, 2, 3])
print("jaccard", jaccard_score(t, p, average=None).tolist(),
      [jaccard_score(t, p, average=a) for a in ("macro", "micro", "weighted")],
      "labels=[1,2,3] macro", jaccard_score(t, p, labels=[1, 2, 3], average="macro"))
# A class (4) predicted but never true.
t2 = [0, 1, 1, 0]
p2 = [4, 1, 0, 0]
prf("pred4", t2, p2)
# No true samples of the listed classes at all: weighted is 0.
prf("none", [0, 0], [1, 1], labels=[1])

def clus(name, a, b):
    print(name, "nmi %.15g ari %.15g" % (normalized_mutual_info_score(a, b), adjusted_rand_score(a, b)))

clus("basic", [0, 0, 0, 1, 1, 1, 2, 2, 2, 2], [1, 1, 0, 0, 0, 2, 2, 2, 2, 1])
clus("perm", [0, 0, 1, 1, 2, 2], [5, 5, 3, 3, 9, 9])
clus("one-cluster", [0, 0, 1, 1, 2, 2], [7, 7, 7, 7, 7, 7])
clus("all-equal", [4, 4, 4, 4], [1, 1, 1, 1])
clus("singletons", [0, 0, 0, 0], [0, 1, 2, 3])
clus("anti", [0, 0, 1, 1], [0, 1, 0, 1])


# Points from a formula the C test computes too (float32 like our tool).
def points(n, d):
    i = np.arange(n)[:, None].astype(np.float64)
    j = np.arange(d)[None, :].astype(np.float64)
    return np.sin(0.37 * i * (j + 1) + j).astype(np.float32)

X = points(40, 6)
E = (X[:, :2] + 0.3 * np.cos(1.7 * np.arange(40))[:, None]).astype(np.float32)
for k in (3, 5, 10):
    print("trust k=%d %.15g" % (k, trustworthiness(X, E, n_neighbors=k)))
print("trust identity k=5 %.15g" % trustworthiness(X, X, n_neighbors=5))
