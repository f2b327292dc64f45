"""Independent IDX reader (gzip + numpy.frombuffer), for the bats tests.

    idx_read.py FILE[.gz] OUT.npy

Writes the array numpy reads from the (gunzipped) IDX file, with numpy's
natural dtype for each IDX element type (big-endian types as stored).
"""
import gzip
import sys

import numpy as np

TYPES = {0x08: ">u1", 0x09: ">i1", 0x0B: ">i2", 0x0C: ">i4", 0x0D: ">f4", 0x0E: ">f8"}


def main():
    path, out = sys.argv[1], sys.argv[2]
    with open(path, "rb") as f:
        raw = f.read()
    if raw[:2] == b"\x1f\x8b":
        raw = gzip.decompress(raw)
    assert raw[0] == 0 and raw[1] == 0, "bad magic"
    dt, ndim = TYPES[raw[2]], raw[3]
    dims = np.frombuffer(raw, dtype=">u4", count=ndim, offset=4).astype(np.int64)
    arr = np.frombuffer(raw, dtype=dt, offset=4 + 4 * ndim)
    assert arr.size == int(np.prod(dims)), "size mismatch"
    np.save(out, arr.reshape(tuple(dims)))


if __name__ == "__main__":
    main()
