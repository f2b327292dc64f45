"""Exit 0 when two .npy files hold the same shape and values.

    npy_equal.py A.npy B.npy [--dtype]

With --dtype the dtypes (ignoring byte order) must match too.  NaNs at the
same places count as equal.  Prints the difference when they differ.
"""
import sys

import numpy as np


def main():
    a, b = np.load(sys.argv[1]), np.load(sys.argv[2])
    if "--dtype" in sys.argv[3:] and a.dtype.newbyteorder("=") != b.dtype.newbyteorder("="):
        sys.exit("dtype %s != %s" % (a.dtype, b.dtype))
    if a.shape != b.shape:
        sys.exit("shape %s != %s" % (a.shape, b.shape))
    if not np.array_equal(a, b, equal_nan=a.dtype.kind == "f" and b.dtype.kind == "f"):
        diff = np.argwhere(a != b)
        sys.exit("%d elements differ, first at %s" % (len(diff), tuple(diff[0])))


if __name__ == "__main__":
    main()
