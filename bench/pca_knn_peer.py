"""scikit-learn side of bench/pca_knn.sh (and of the accuracy comparison).

  pca_knn_peer.py [--threads N] fit X.npy D OUT_EVR.npy
      PCA(D) on X (rows = samples); prints "seconds<TAB>t"; saves the
      explained_variance_ratio_.
  pca_knn_peer.py [--threads N] knn X.npy Y.npy Q.npy YQ.npy K
      KNeighborsClassifier(K) fit + predict; prints "seconds<TAB>t" (predict
      and fit) and "accuracy<TAB>a".
  pca_knn_peer.py [--threads N] pcaknn X.npy Y.npy Q.npy YQ.npy K D...
      For each D: PCA fitted on X, both sets projected, kNN: prints
      "D<TAB>accuracy<TAB>seconds" and saves evr_D.npy beside Q.npy.

Pixels are taken as they are in the files (the caller scales them).
Threads: OpenBLAS/OpenMP pools and n_jobs are set to N (default 1).
"""
import os
import sys


def main():
    args = sys.argv[1:]
    threads = 1
    if args[:1] == ["--threads"]:
        threads = int(args[1])
        args = args[2:]
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[var] = str(threads)
    import time

    import numpy as np
    from sklearn.decomposition import PCA
    from sklearn.neighbors import KNeighborsClassifier

    def rows(path):
        a = np.load(path)
        return a.reshape(a.shape[0], -1)

    cmd = args[0]
    if cmd == "fit":
        x = rows(args[1])
        d = int(args[2])
        t = time.perf_counter()
        p = PCA(n_components=d).fit(x)
        print("seconds\t%.4f" % (time.perf_counter() - t))
        np.save(args[3], p.explained_variance_ratio_.astype(np.float64))
    elif cmd == "knn":
        x, y, q, yq = rows(args[1]), np.load(args[2]), rows(args[3]), np.load(args[4])
        k = int(args[5])
        t = time.perf_counter()
        clf = KNeighborsClassifier(n_neighbors=k, n_jobs=threads).fit(x, y)
        pred = clf.predict(q)
        print("seconds\t%.4f" % (time.perf_counter() - t))
        print("accuracy\t%.6f" % float(np.mean(pred == yq)))
    elif cmd == "pcaknn":
        x, y, q, yq = rows(args[1]), np.load(args[2]), rows(args[3]), np.load(args[4])
        k = int(args[5])
        for d in args[6:]:
            d = int(d)
            t = time.perf_counter()
            p = PCA(n_components=d).fit(x)
            clf = KNeighborsClassifier(n_neighbors=k, n_jobs=threads).fit(p.transform(x), y)
            acc = float(np.mean(clf.predict(p.transform(q)) == yq))
            print("%d\t%.6f\t%.2f" % (d, acc, time.perf_counter() - t), flush=True)
            np.save(os.path.join(os.path.dirname(os.path.abspath(args[3])), "evr_%d.npy" % d),
                    p.explained_variance_ratio_.astype(np.float64))
    else:
        sys.exit("pca_knn_peer.py: unknown command " + cmd)


if __name__ == "__main__":
    main()
