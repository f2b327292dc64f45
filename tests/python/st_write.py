"""Independent safetensors writer (json + numpy only), for the bats tests.

    st_write.py OUT [--meta JSON] NAME=FILE.npy...

Tensors are laid out sorted by name (not in argument order), the header is
padded with spaces to a multiple of 8 bytes, as Hugging Face's library does.
"""
import json
import struct
import sys

import numpy as np

NAMES = {"<f4": "F32", "<f8": "F64", "<i4": "I32", "<i8": "I64", "|u1": "U8"}


def main():
    out = sys.argv[1]
    rest = sys.argv[2:]
    meta = None
    if rest and rest[0] == "--meta":
        meta = json.loads(rest[1])
        rest = rest[2:]
    arrays = {}
    for arg in rest:
        name, path = arg.split("=", 1)
        arrays[name] = np.ascontiguousarray(np.load(path))
    header = {}
    if meta is not None:
        header["__metadata__"] = meta
    blobs = []
    at = 0
    for name in sorted(arrays):
        a = arrays[name].astype(arrays[name].dtype.newbyteorder("<"), copy=False)
        b = a.tobytes()
        header[name] = {"dtype": NAMES[a.dtype.str], "shape": list(a.shape), "data_offsets": [at, at + len(b)]}
        blobs.append(b)
        at += len(b)
    h = json.dumps(header).encode("utf-8")
    h += b" " * (-len(h) % 8)
    with open(out, "wb") as f:
        f.write(struct.pack("<Q", len(h)) + h + b"".join(blobs))


if __name__ == "__main__":
    main()
