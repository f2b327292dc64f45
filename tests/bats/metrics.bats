#!/usr/bin/env bats
# metrics: figures against scikit-learn (recorded numbers, and live when
# Debian's python3-sklearn is there), TSV/table output, bad input.

bats_require_minimum_version 1.5.0

setup() {
  M="$NNPIPE_BIN/metrics"
  T="$BATS_TEST_TMPDIR"
  [ -x "$M" ] || skip "metrics not built"
}

need_numpy() {
  [ -n "$PYTHON" ] && "$PYTHON" -c 'import numpy' 2>/dev/null || skip "python3 with numpy is missing"
}

need_sklearn() {
  need_numpy
  "$PYTHON" -c 'import sklearn' 2>/dev/null || skip "scikit-learn is missing (apt-get install python3-sklearn)"
}

# py 'code' with numpy as np and $T as T.
py() { T="$T" "$PYTHON" -c "import os, numpy as np; T = os.environ['T']
$1"; }

# value METRIC CLASS < tsv
value() { awk -F'\t' -v m="$1" -v c="$2" '$1 == m && $2 == c { print $3 }'; }

fixture() {
  need_numpy
  py '
np.save(T + "/t.npy", np.array([0, 0, 1, 1, 2, 2, 2, 3, 3, 0]))
np.save(T + "/p.npy", np.array([0, 1, 1, 1, 2, 0, 2, 2, 1, 0], dtype=np.int32))'
}

@test "metrics: --help lists the commands, --version" {
  run "$M" --help
  [ "$status" -eq 0 ]
  [[ "$output" == *"Commands:"* && "$output" == *classify* && "$output" == *embed* ]]
  run "$M" classify --help
  [ "$status" -eq 0 ]
  [[ "$output" == *"Usage: metrics classify"* && "$output" == *"--ignore"* ]]
}

@test "metrics classify: TSV rows match scikit-learn 1.2 (recorded)" {
  fixture
  run --separate-stderr "$M" classify --true "$T/t.npy" --pred "$T/p.npy"
  [ "$status" -eq 0 ]
  [ "$(value accuracy - <<<"$output")" = 0.6 ]
  [ "$(value f1_macro - <<<"$output")" = 0.5 ]
  [ "$(value precision_macro - <<<"$output")" = 0.4583333333 ]
  [ "$(value f1_weighted - <<<"$output")" = 0.5333333333 ]
  [ "$(value f1_micro - <<<"$output")" = 0.6 ]
  [ "$(value recall 1 <<<"$output")" = 1 ]
  [ "$(value precision 3 <<<"$output")" = 0 ]
  [ "$(value support 2 <<<"$output")" = 3 ]
  [ "$(value confusion 2/0 <<<"$output")" = 1 ]
  # every line is metric<TAB>class<TAB>value
  ! grep -qv $'^[a-z_]*\t[^\t]*\t[-0-9.e+na]*$' <<<"$output"
  # class 3 is never predicted: a warning, as scikit-learn's
  [[ "$stderr" == *"never predicted"* ]]
}

@test "metrics classify: --labels leaves a class out of the averages (recorded)" {
  fixture
  run "$M" classify --true "$T/t.npy" --pred "$T/p.npy" --labels 1,2,3
  [ "$status" -eq 0 ]
  [ "$(value f1_macro - <<<"$output")" = 0.4444444444 ]
  [ "$(value f1_micro - <<<"$output")" = 0.5714285714 ]
  [ "$(value recall_weighted - <<<"$output")" = 0.5714285714 ]
  [ -z "$(value f1 0 <<<"$output")" ]
}

@test "metrics classify: --ignore drops samples, scores take the argmax" {
  need_numpy
  py '
np.save(T + "/t.npy", np.array([0, 0, 1, 2, 2], dtype=np.uint8))
np.save(T + "/p.npy", np.array([1, 0, 1, 2, 1]))
s = np.zeros((5, 3), np.float32); s[np.arange(5), [1, 0, 1, 2, 1]] = 0.9
np.save(T + "/s.npy", s)'
  run "$M" classify --true "$T/t.npy" --pred "$T/p.npy" --ignore 0
  [ "$status" -eq 0 ]
  [ "$(value samples - <<<"$output")" = 3 ]
  [ "$(value precision 1 <<<"$output")" = 0.5 ]
  run "$M" classify --true "$T/t.npy" --pred "$T/s.npy"
  [ "$status" -eq 0 ]
  [ "$(value accuracy - <<<"$output")" = 0.6 ]
}

@test "metrics classify: agrees with live scikit-learn on random labels" {
  need_sklearn
  py '
rng = np.random.default_rng(5)
t = rng.integers(0, 6, 500); p = np.where(rng.random(500) < 0.6, t, rng.integers(0, 7, 500))
np.save(T + "/t.npy", t); np.save(T + "/p.npy", p)'
  "$M" classify --true "$T/t.npy" --pred "$T/p.npy" --labels 1,2,3,4,5 > "$T/out.tsv" 2>/dev/null
  py '
import warnings; warnings.simplefilter("ignore")
from sklearn.metrics import precision_recall_fscore_support as prf, accuracy_score
t = np.load(T + "/t.npy"); p = np.load(T + "/p.npy")
got = {}
for line in open(T + "/out.tsv"):
    m, c, v = line.rstrip("\n").split("\t"); got[m, c] = float(v)
labels = [1, 2, 3, 4, 5]
P, R, F, S = prf(t, p, labels=labels)
for i, l in enumerate(labels):
    assert abs(got["precision", str(l)] - P[i]) < 1e-9 and abs(got["f1", str(l)] - F[i]) < 1e-9
    assert got["support", str(l)] == S[i]
for avg in ("macro", "micro", "weighted"):
    P, R, F, _ = prf(t, p, labels=labels, average=avg)
    for name, want in (("precision", P), ("recall", R), ("f1", F)):
        assert abs(got[name + "_" + avg, "-"] - want) < 1e-9, (name, avg, got[name + "_" + avg, "-"], want)
assert abs(got["accuracy", "-"] - accuracy_score(t, p)) < 1e-9'
}

@test "metrics classify: a table on a terminal-like request" {
  fixture
  run "$M" classify --true "$T/t.npy" --pred "$T/p.npy" --format table
  [ "$status" -eq 0 ]
  [[ "$output" == *"macro avg"* && "$output" == *"weighted avg"* && "$output" == *"confusion (rows: true"* ]]
}

@test "metrics segment: IoU per class and mean IoU agree with scikit-learn's jaccard_score" {
  need_sklearn
  py '
rng = np.random.default_rng(7)
t = rng.integers(0, 5, (4, 12, 16)).astype(np.uint8)
p = np.where(rng.random(t.shape) < 0.7, t, rng.integers(0, 5, t.shape)).astype(np.int32)
s = rng.random(t.shape + (5,)).astype(np.float32); s[..., 0] += (p == 0) * 2; s[..., 1:] += np.eye(5, dtype=np.float32)[p][..., 1:] * 2
np.save(T + "/t.npy", t); np.save(T + "/p.npy", p); np.save(T + "/s.npy", s)'
  "$M" segment --true "$T/t.npy" --pred "$T/p.npy" --ignore 4 > "$T/a.tsv"
  "$M" segment --true "$T/t.npy" --pred "$T/s.npy" --ignore 4 > "$T/b.tsv"
  cmp "$T/a.tsv" "$T/b.tsv"
  py '
import warnings; warnings.simplefilter("ignore")
from sklearn.metrics import jaccard_score, accuracy_score
t = np.load(T + "/t.npy").ravel(); p = np.load(T + "/p.npy").ravel()
keep = t != 4; t, p = t[keep], p[keep]
labels = sorted(set(t) | set(p) - {4})
got = {}
for line in open(T + "/a.tsv"):
    m, c, v = line.rstrip("\n").split("\t"); got[m, c] = float(v)
J = jaccard_score(t, p, labels=labels, average=None)
for i, l in enumerate(labels):
    assert abs(got["iou", str(l)] - J[i]) < 1e-9
for a in ("macro", "micro", "weighted"):
    assert abs(got["iou_" + a, "-"] - jaccard_score(t, p, labels=labels, average=a)) < 1e-9, a
assert abs(got["pixel_accuracy", "-"] - accuracy_score(t, p)) < 1e-9'
}

@test "metrics cluster: NMI and ARI, degenerate cases (recorded from scikit-learn)" {
  need_numpy
  py '
np.save(T + "/a.npy", np.array([0, 0, 0, 1, 1, 1, 2, 2, 2, 2]))
np.save(T + "/b.npy", np.array([1, 1, 0, 0, 0, 2, 2, 2, 2, 1]))
np.save(T + "/one.npy", np.zeros(10, np.int64) + 7)
np.save(T + "/same.npy", np.zeros(10, np.int32))'
  run "$M" cluster --true "$T/a.npy" --pred "$T/b.npy"
  [ "$status" -eq 0 ]
  [ "$(value nmi - <<<"$output")" = 0.4427012833 ]
  [ "$(value ari - <<<"$output")" = 0.2045454545 ]
  run "$M" cluster --true "$T/a.npy" --pred "$T/one.npy"
  [ "$(value nmi - <<<"$output")" = 0 ]
  [ "$(value ari - <<<"$output")" = 0 ]
  run "$M" cluster --true "$T/same.npy" --pred "$T/one.npy"
  [ "$(value nmi - <<<"$output")" = 1 ]
  [ "$(value ari - <<<"$output")" = 1 ]
}

@test "metrics cluster: agrees with live scikit-learn" {
  need_sklearn
  py '
rng = np.random.default_rng(2)
t = rng.integers(0, 10, 3000); c = np.where(rng.random(3000) < 0.7, t * 3 % 11, rng.integers(0, 12, 3000))
np.save(T + "/t.npy", t); np.save(T + "/c.npy", c)'
  "$M" cluster --true "$T/t.npy" --pred "$T/c.npy" > "$T/out.tsv"
  py '
from sklearn.metrics import normalized_mutual_info_score as nmi, adjusted_rand_score as ari
t = np.load(T + "/t.npy"); c = np.load(T + "/c.npy")
got = {l.split("\t")[0]: float(l.split("\t")[2]) for l in open(T + "/out.tsv")}
assert abs(got["nmi"] - nmi(t, c)) < 1e-9, (got["nmi"], nmi(t, c))
assert abs(got["ari"] - ari(t, c)) < 1e-9, (got["ari"], ari(t, c))'
}

@test "metrics recon: MSE and Keras-style binary cross-entropy" {
  need_numpy
  py '
rng = np.random.default_rng(3)
x = (rng.random((20, 16)) > 0.5).astype(np.float32); xh = rng.random((20, 16)).astype(np.float32)
xh[0, :3] = [0, 1, 1e-9]
np.save(T + "/x.npy", x); np.save(T + "/xh.npy", xh)'
  "$M" recon --true "$T/x.npy" --pred "$T/xh.npy" > "$T/out.tsv"
  py '
x = np.load(T + "/x.npy").astype(np.float64); xh = np.load(T + "/xh.npy").astype(np.float64)
e = 1e-7; q = np.clip(xh, e, 1 - e)
bce = -(x * np.log(q + e) + (1 - x) * np.log(1 - q + e))
got = {l.split("\t")[0]: float(l.split("\t")[2]) for l in open(T + "/out.tsv")}
assert abs(got["mse"] - ((x - xh) ** 2).mean()) < 1e-9
assert abs(got["bce"] - bce.mean()) < 1e-9, (got["bce"], bce.mean())
assert abs(got["bce_sum_per_row"] - bce.sum(1).mean()) < 1e-6'
}

@test "metrics embed: trustworthiness and k-NN accuracy agree with scikit-learn" {
  need_sklearn
  py '
rng = np.random.default_rng(4)
y = rng.integers(0, 3, 300)
X = (rng.normal(0, 1, (300, 20)) + y[:, None] * 1.5).astype(np.float32)
E = (X[:, :2] + rng.normal(0, 0.5, (300, 2))).astype(np.float32)
np.save(T + "/X.npy", X); np.save(T + "/E.npy", E); np.save(T + "/y.npy", y)'
  "$M" embed --high "$T/X.npy" --low "$T/E.npy" --k 7 --labels "$T/y.npy" > "$T/out.tsv"
  py '
from sklearn.manifold import trustworthiness
from sklearn.neighbors import NearestNeighbors
X = np.load(T + "/X.npy"); E = np.load(T + "/E.npy"); y = np.load(T + "/y.npy")
got = {l.split("\t")[0]: float(l.split("\t")[2]) for l in open(T + "/out.tsv")}
want = trustworthiness(X, E, n_neighbors=7)
assert abs(got["trustworthiness"] - want) < 1e-9, (got["trustworthiness"], want)
nb = NearestNeighbors(n_neighbors=7).fit(E).kneighbors(return_distance=False)
votes = np.array([np.bincount(y[r], minlength=3).argmax() for r in nb])
assert abs(got["knn_accuracy"] - (votes == y).mean()) < 1e-9'
}

@test "metrics: mismatched lengths, float labels, empty arrays, missing files fail clearly" {
  fixture
  py '
np.save(T + "/short.npy", np.arange(9))
np.save(T + "/float.npy", np.linspace(0, 1, 10).astype(np.float32))
np.save(T + "/empty.npy", np.zeros(0, np.int64))
np.save(T + "/X.npy", np.zeros((10, 4), np.float32)); np.save(T + "/E.npy", np.zeros((9, 2), np.float32))'
  run --separate-stderr "$M" classify --true "$T/t.npy" --pred "$T/short.npy" -o "$T/out.tsv"
  [ "$status" -eq 1 ]
  [[ "$stderr" == "metrics classify: $T/short.npy: 9 labels, but $T/t.npy has 10"* ]]
  [ ! -e "$T/out.tsv" ]
  run --separate-stderr "$M" classify --true "$T/float.npy" --pred "$T/p.npy"
  [ "$status" -eq 1 ]
  [[ "$stderr" == *"float.npy: float32 values are not class ids"* ]]
  run --separate-stderr "$M" cluster --true "$T/empty.npy" --pred "$T/empty.npy"
  [ "$status" -eq 1 ]
  [[ "$stderr" == *"empty.npy: empty array"* ]]
  run --separate-stderr "$M" classify --true "$T/nope.npy" --pred "$T/p.npy"
  [ "$status" -eq 1 ]
  [[ "$stderr" == *"nope.npy"* ]]
  run --separate-stderr "$M" embed --high "$T/X.npy" --low "$T/E.npy"
  [ "$status" -eq 1 ]
  [[ "$stderr" == *"E.npy: 9 points, but"* ]]
  run --separate-stderr "$M" recon --true "$T/X.npy" --pred "$T/E.npy"
  [ "$status" -eq 1 ]
  [[ "$stderr" == *"shape (9, 2) differs"* ]]
  run --separate-stderr "$M" classify --true "$T/t.npy" --pred "$T/t.npy" --ignore 0,1
  [ "$status" -eq 2 ]
  run --separate-stderr "$M" classify --true "$T/t.npy"
  [ "$status" -eq 2 ]
  [[ "$stderr" == *"--pred is required"* ]]
  run --separate-stderr "$M" frobnicate
  [ "$status" -eq 2 ]
  echo "not an npy" > "$T/junk.npy"
  run --separate-stderr "$M" classify --true "$T/junk.npy" --pred "$T/p.npy"
  [ "$status" -eq 1 ]
  [[ "$stderr" == "metrics classify: $T/junk.npy: "* ]]
}

@test "metrics embed: k too large for the number of points is an error" {
  need_numpy
  py 'np.save(T + "/X.npy", np.random.default_rng(0).random((10, 3), np.float32))'
  run --separate-stderr "$M" embed --high "$T/X.npy" --low "$T/X.npy" --k 5
  [ "$status" -eq 1 ]
  [[ "$stderr" == *"less than half"* ]]
}
