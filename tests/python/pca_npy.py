"""Small .npy fixtures for tests/bats/pca.bats and knn.bats, with the
standard library only (no numpy needed).

  pca_npy.py write OUT DTYPE SHAPE V1 V2 ...   e.g. write x.npy <f4 3,2 1 2 3 4 5 6
  pca_npy.py fixed OUT                         the 12 x 5 float32 matrix whose
                                               scikit-learn results pca.bats records
  pca_npy.py dump FILE                         "dtype shape" then one value per line
"""
import ast
import struct
import sys

CODES = {"<f4": "f", "<f8": "d", "|u1": "B", "<i4": "i", "<i8": "q", "<i2": "h", "|b1": "?"}


def write(path, descr, shape, values):
    header = "{'descr': '%s', 'fortran_order': False, 'shape': (%s), }" % (
        descr, "".join("%d," % s for s in shape) if len(shape) == 1 else ", ".join(str(s) for s in shape))
    total = 10 + len(header) + 1
    header += " " * ((64 - total % 64) % 64) + "\n"
    body = struct.pack("<%d%s" % (len(values), CODES[descr]), *values)
    with open(path, "wb") as f:
        f.write(b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)) + header.encode("latin1") + body)


def read(path):
    with open(path, "rb") as f:
        data = f.read()
    assert data[:6] == b"\x93NUMPY", "not an npy file"
    if data[6] == 1:
        hlen, start = struct.unpack("<H", data[8:10])[0], 10
    else:
        hlen, start = struct.unpack("<I", data[8:12])[0], 12
    h = ast.literal_eval(data[start:start + hlen].decode("latin1"))
    n = 1
    for s in h["shape"]:
        n *= s
    vals = struct.unpack_from("<%d%s" % (n, CODES[h["descr"]]), data, start + hlen)
    return h["descr"], h["shape"], vals


def fixed():
    # 12 samples x 5 features, deterministic, with correlated columns.
    rows = []
    for i in range(12):
        a = ((i * 37) % 11) / 10.0
        b = ((i * 53) % 7) / 6.0
        rows.append([a + b, 2 * a - b, 0.5 * a + ((i * 17) % 5) / 4.0, b - 0.3 * a, ((i * 29) % 13) / 12.0])
    return [v for r in rows for v in r]


def main():
    cmd = sys.argv[1]
    if cmd == "write":
        out, descr, shape = sys.argv[2], sys.argv[3], sys.argv[4]
        shape = [int(s) for s in shape.split(",") if s != ""]
        conv = float if descr[1] == "f" else int
        vals = [conv(v) if v not in ("nan", "inf") else float(v) for v in sys.argv[5:]]
        write(out, descr, shape, vals)
    elif cmd == "fixed":
        write(sys.argv[2], "<f4", [12, 5], fixed())
    elif cmd == "dump":
        descr, shape, vals = read(sys.argv[2])
        print(descr, ",".join(str(s) for s in shape))
        for v in vals:
            print("%.7g" % v if isinstance(v, float) else v)
    else:
        sys.exit("unknown command")


if __name__ == "__main__":
    main()
