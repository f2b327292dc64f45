"""Check nnpipe's recurrent taggers against PyTorch on the same weights.

    rnn_torch_check.py X.npy MODEL1 P1.npy [MODEL2 P2.npy ...]

Each MODEL is a train-rnn file (embedding [dropout] recurrent... dense
softmax) and P its `predict` probabilities on X.  The weights are moved
into torch.nn.LSTM / GRU / RNN (Keras's LSTM gate order i, f, c, o is
torch's; Keras's GRU z, r, h with reset_after is torch's r, z, n with the
rows swapped), padding (id 0, post) is handled by packed sequences, which
is what masking means: the state carried, zero outputs.  Exit status 1
when any probability differs by more than 1e-4.
"""
import json
import struct
import sys

import numpy as np
import torch
from torch import nn


def read_st(path):
    raw = open(path, "rb").read()
    (n,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8:8 + n].decode("utf-8"))
    meta = header.pop("__metadata__", {})
    data = raw[8 + n:]
    tensors = {}
    for name, e in header.items():
        a, b = e["data_offsets"]
        assert e["dtype"] == "F32"
        tensors[name] = np.frombuffer(data[a:b], "<f4").reshape(e["shape"])
    return meta, tensors


def t(a):
    return torch.from_numpy(np.array(a, np.float32))


def to_torch_gates(w, cell, u):
    """(.., G*u) Keras column blocks -> torch row blocks (transposed)."""
    if cell == "gru":  # z r h -> r z n
        w = np.concatenate([w[..., u:2 * u], w[..., :u], w[..., 2 * u:]], axis=-1)
    return w.T


def recurrent(layer, w, x, lengths):
    cell, u = layer["cell"], layer["units"]
    bi = layer["type"] == "bidirectional"
    cls = {"lstm": nn.LSTM, "gru": nn.GRU, "rnn": nn.RNN}[cell]
    m = cls(x.shape[-1], u, batch_first=True, bidirectional=bi)
    k, rk, b = w["kernel"], w["recurrent_kernel"], w["bias"]
    if not bi:
        k, rk, b = k[None], rk[None], b[None]
    with torch.no_grad():
        for d, suffix in enumerate(["", "_reverse"][:2 if bi else 1]):
            getattr(m, "weight_ih_l0" + suffix).copy_(t(to_torch_gates(k[d], cell, u)))
            getattr(m, "weight_hh_l0" + suffix).copy_(t(to_torch_gates(rk[d], cell, u)))
            if cell == "gru":
                bi_, bh = b[d][0], b[d][1]
            else:
                bi_, bh = b[d], np.zeros_like(b[d])
            getattr(m, "bias_ih_l0" + suffix).copy_(t(to_torch_gates(bi_[None], cell, u)[:, 0]))
            getattr(m, "bias_hh_l0" + suffix).copy_(t(to_torch_gates(bh[None], cell, u)[:, 0]))
    packed = nn.utils.rnn.pack_padded_sequence(x, lengths, batch_first=True, enforce_sorted=False)
    h, _ = m(packed)
    h, _ = nn.utils.rnn.pad_packed_sequence(h, batch_first=True, total_length=x.shape[1])
    if bi and layer.get("merge", "concat") != "concat":
        a, c = h[..., :u], h[..., u:]
        h = {"sum": a + c, "mul": a * c, "ave": (a + c) / 2}[layer["merge"]]
    return h


def run(model_path, ids):
    meta, w = read_st(model_path)
    arch = json.loads(meta["architecture"])
    part = arch["parts"][0]
    x = torch.from_numpy(ids.astype(np.int64))
    lengths = (x != 0).sum(1).clamp(min=1)
    h = None
    with torch.no_grad():
        for layer in part["layers"]:
            lw = {k.split(".")[-1]: v for k, v in w.items() if k.split(".")[1] == layer["name"]}
            if layer["type"] == "embedding":
                h = t(lw["embeddings"])[x]
            elif layer["type"] == "dropout":
                pass
            elif layer["type"] == "dense":
                h = h @ t(lw["kernel"]) + t(lw["bias"])
                h = torch.softmax(h, -1) if layer["activation"] == "softmax" else h
            else:
                h = recurrent(layer, lw, h, lengths)
    return h.numpy()


def main():
    ids = np.load(sys.argv[1])
    worst = 0.0
    for mp, pp in zip(sys.argv[2::2], sys.argv[3::2]):
        ours = np.load(pp)
        ref = run(mp, ids)
        mask = ids != 0  # padding steps: both are softmax(dense(0)), compare too
        err = float(np.abs(ours - ref).max())
        print("%s: max difference %.3g (real steps %d)" % (mp, err, int(mask.sum())))
        worst = max(worst, err)
    sys.exit(0 if worst <= 1e-4 else 1)


if __name__ == "__main__":
    main()
