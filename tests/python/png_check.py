"""Check PNG files written by nnpipe against their raw pixels.

    png_check.py DIR [--pil]

DIR holds NAME.png, NAME.raw (8-bit samples, row-major) and NAME.txt
("width height channels"), as left by test_png with NNPIPE_PNG_OUT=DIR.
Without --pil the files are decoded here with zlib alone (chunk layout and
CRCs, IHDR fields, the five filters), independently of nnpipe's decoder;
with --pil, Pillow reads them.  Exit 0 if all match, 1 if not, 77 if
Pillow is wanted but missing.
"""
import os
import struct
import sys
import zlib


def paeth(a, b, c):
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    if pa <= pb and pa <= pc:
        return a
    return b if pb <= pc else c


def decode(data):
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "signature"
    pos, idat, ihdr, seen_end = 8, b"", None, False
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos:pos + 4])
        ctype = data[pos + 4:pos + 8]
        body = data[pos + 8:pos + 8 + length]
        (crc,) = struct.unpack(">I", data[pos + 8 + length:pos + 12 + length])
        assert zlib.crc32(ctype + body) == crc, "CRC of %r" % ctype
        if ctype == b"IHDR":
            ihdr = struct.unpack(">IIBBBBB", body)
        elif ctype == b"IDAT":
            idat += body
        elif ctype == b"IEND":
            seen_end = True
            assert pos + 12 + length == len(data), "bytes after IEND"
        pos += 12 + length
    assert seen_end, "no IEND"
    w, h, depth, color, comp, filt, interlace = ihdr
    assert depth == 8 and comp == 0 and filt == 0 and interlace == 0
    ch = {0: 1, 4: 2, 2: 3, 6: 4}[color]
    raw = zlib.decompress(idat)
    stride = w * ch
    assert len(raw) == h * (stride + 1), "image data size"
    out = bytearray()
    prev = bytearray(stride)
    for y in range(h):
        ftype = raw[y * (stride + 1)]
        row = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = row[i - ch] if i >= ch else 0
            b = prev[i]
            c = prev[i - ch] if i >= ch else 0
            pred = [0, a, b, (a + b) // 2, paeth(a, b, c)][ftype]
            row[i] = (row[i] + pred) & 255
        out += row
        prev = row
    return w, h, ch, bytes(out)


def main():
    folder = sys.argv[1]
    use_pil = "--pil" in sys.argv[2:]
    if use_pil:
        try:
            from PIL import Image
        except ImportError:
            return 77
    bad = 0
    names = sorted(f[:-4] for f in os.listdir(folder) if f.endswith(".png"))
    if not names:
        print("no PNG files in", folder)
        return 1
    for name in names:
        w, h, ch = map(int, open(os.path.join(folder, name + ".txt")).read().split())
        want = open(os.path.join(folder, name + ".raw"), "rb").read()
        path = os.path.join(folder, name + ".png")
        try:
            if use_pil:
                im = Image.open(path)
                im.load()
                mode = {1: "L", 2: "LA", 3: "RGB", 4: "RGBA"}[ch]
                got = (im.size[0], im.size[1], im.mode == mode and ch, im.tobytes())
            else:
                got = decode(open(path, "rb").read())
        except Exception as e:  # report and go on
            print(name, "failed:", e)
            bad += 1
            continue
        if got != (w, h, ch, want):
            print(name, "pixels or size differ")
            bad += 1
    print("%d files, %d bad" % (len(names), bad))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
