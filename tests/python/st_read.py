"""Independent safetensors reader (json + numpy only), for the bats tests.

    st_read.py FILE OUTDIR

Checks the layout (8-byte little-endian header length, JSON header, tensors
tiling the data region exactly) and writes OUTDIR/NAME.npy for every tensor,
OUTDIR/__metadata__.json with the metadata and OUTDIR/__order__.txt with
the tensor names in data-offset order.  Exit status 1 on a bad file.
"""
import json
import os
import struct
import sys

import numpy as np

DTYPES = {"F32": "<f4", "F64": "<f8", "I32": "<i4", "I64": "<i8", "U8": "|u1"}


def main():
    path, outdir = sys.argv[1], sys.argv[2]
    with open(path, "rb") as f:
        raw = f.read()
    (n,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8 : 8 + n].decode("utf-8"))
    data = raw[8 + n :]
    meta = header.pop("__metadata__", {})
    entries = sorted(header.items(), key=lambda kv: tuple(kv[1]["data_offsets"]))
    at = 0
    os.makedirs(outdir, exist_ok=True)
    for name, info in entries:
        begin, end = info["data_offsets"]
        if begin != at:
            sys.exit("%s: tensors do not tile the data (%s starts at %d, expected %d)" % (path, name, begin, at))
        dt = np.dtype(DTYPES[info["dtype"]])
        count = int(np.prod(info["shape"], dtype=np.int64))
        if end - begin != count * dt.itemsize:
            sys.exit("%s: %s: size does not match dtype and shape" % (path, name))
        arr = np.frombuffer(data[begin:end], dtype=dt).reshape(info["shape"])
        np.save(os.path.join(outdir, name + ".npy"), arr)
        at = end
    if at != len(data):
        sys.exit("%s: %d bytes after the last tensor" % (path, len(data) - at))
    with open(os.path.join(outdir, "__metadata__.json"), "w") as f:
        json.dump(meta, f)
    with open(os.path.join(outdir, "__order__.txt"), "w") as f:
        f.write("".join(name + "\n" for name, _ in entries))


if __name__ == "__main__":
    main()
