"""numpy peer of bench-gemm: GFLOPS of float32 matmul, best of several runs.

usage: gemm_peer.py [--info] [--repeat R] [--cpu-time] SPEC...
  SPEC is MxKxN with optional suffixes :ta / :tb (A stored K x M, B stored
  N x K, used through transposed views so BLAS gets the transpose flags).
Prints one line per SPEC: SPEC<TAB>GFLOPS.  --info prints the BLAS that
numpy uses (threadpoolctl) as a line starting with '# peer:'.
--cpu-time times with the process CPU clock (meaningful with one thread
on a busy machine).  Threads: OPENBLAS_NUM_THREADS from the environment.
"""
import sys
import time

import numpy as np


def blas_info():
    try:
        import threadpoolctl
    except ImportError:
        return "threadpoolctl missing (apt-get install python3-threadpoolctl)"
    infos = [i for i in threadpoolctl.threadpool_info() if i.get("user_api") == "blas"]
    if not infos:
        return "no optimized BLAS: numpy uses reference BLAS (apt-get install libopenblas0-pthread)"
    return "; ".join(
        "%s %s architecture=%s threads=%s" % (i.get("internal_api"), i.get("version"), i.get("architecture"),
                                             i.get("num_threads"))
        for i in infos)


def run(spec, repeat, clock):
    parts = spec.split(":")
    m, k, n = (int(x) for x in parts[0].split("x"))
    ta, tb = "ta" in parts[1:], "tb" in parts[1:]
    rng = np.random.default_rng(1)
    a = rng.uniform(-1, 1, (k, m) if ta else (m, k)).astype(np.float32)
    b = rng.uniform(-1, 1, (n, k) if tb else (k, n)).astype(np.float32)
    opa = a.T if ta else a
    opb = b.T if tb else b
    c = np.empty((m, n), dtype=np.float32)
    np.matmul(opa, opb, out=c)  # warm-up
    t0 = clock()
    np.matmul(opa, opb, out=c)
    once = clock() - t0
    inner = int(2e-3 / once) + 1 if once < 2e-3 else 1
    best = float("inf")
    for _ in range(repeat):
        t0 = clock()
        for _ in range(inner):
            np.matmul(opa, opb, out=c)
        best = min(best, (clock() - t0) / inner)
    return 2.0 * m * n * k / best * 1e-9


def main(argv):
    repeat = 5
    clock = time.perf_counter
    specs = []
    i = 0
    while i < len(argv):
        if argv[i] == "--info":
            print("# peer: numpy %s, %s" % (np.__version__, blas_info()))
        elif argv[i] == "--cpu-time":
            clock = time.process_time
        elif argv[i] == "--repeat":
            i += 1
            repeat = int(argv[i])
        else:
            specs.append(argv[i])
        i += 1
    for s in specs:
        print("%s\t%.2f" % (s, run(s, repeat, clock)))
        sys.stdout.flush()


if __name__ == "__main__":
    main(sys.argv[1:])
