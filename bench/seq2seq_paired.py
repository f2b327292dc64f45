"""bench/seq2seq_peer.py's model trained from train-seq2seq's own start:
the initial weights of an nnpipe model file (train-seq2seq -e 0) and the
batch order train-seq2seq draws for the same seed (lib/math/rng.c,
reimplemented here: xoshiro256** seeded through splitmix64, one stream per
epoch, a Fisher-Yates shuffle with rejection sampling).  With the start and
the order shared, what is left to differ is PyTorch's arithmetic (its GEMMs'
summation order and its Adam), so the two runs' losses agree to about four
digits for the first epoch and then drift apart as rounding differences grow:
the spread of such pairs is the run-to-run noise that no implementation
choice explains.

usage: seq2seq_paired.py DIR INIT.safetensors SEED EPOCHS PRED.tsv [START [ORDER]]
START ours (the default: INIT's weights) or torch (Keras's initializers drawn
by torch.manual_seed(SEED), as seq2seq_peer.py); ORDER ours (the default) or
numpy (np.random.seed(SEED) permutations, as seq2seq_peer.py): mixing them
tells whether the start or the order makes a difference.
DIR as for seq2seq_peer.py (train_x.npy, train_len.npy, train.tsv,
test_x.npy, test_len.npy).  The model file gives the sizes (GRU cells,
Bahdanau attention only), the token list and the feature normalization.
Prints "epoch N loss L" per epoch (mean over utterances of the batch losses,
as train-seq2seq's history) and writes greedy transcriptions of the test set."""
import json
import os
import struct
import sys

import numpy as np
import torch
from torch import nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import seq2seq_torch as s2s  # noqa: E402
from nnpipe_rng import shuffled as epoch_order  # noqa: E402  (lib/nn/train.c's order of an epoch)


def load_st(path):
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        hdr = json.loads(f.read(n))
        data = f.read()
    meta = hdr.pop("__metadata__", {})
    w = {k: np.frombuffer(data[v["data_offsets"][0]:v["data_offsets"][1]], dtype="<f4").reshape(v["shape"]).copy()
         for k, v in hdr.items()}
    return w, meta


d, init_path, seed, epochs, pred_path = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
start = sys.argv[6] if len(sys.argv) > 6 else "ours"
order_kind = sys.argv[7] if len(sys.argv) > 7 else "ours"
torch.set_num_threads(1)
torch.manual_seed(seed)
np.random.seed(seed)
W, meta = load_st(init_path)
if meta.get("seq2seq.cell") != "gru" or meta.get("seq2seq.attention") != "bahdanau":
    sys.exit("seq2seq_paired.py: only GRU cells with Bahdanau attention")
STACK, U, UD = int(meta["seq2seq.stack"]), int(meta["seq2seq.enc_units"]), int(meta["seq2seq.dec_units"])
EMB, A, MAX_OUT, BATCH = int(meta["seq2seq.embedding"]), int(meta["seq2seq.att_units"]), int(meta["seq2seq.max_out"]), 32
tokens = meta["seq2seq.tokens"].split("\n")
tid = {w: i for i, w in enumerate(tokens)}
V = len(tokens)
mean = np.array([float(v) for v in meta["seq2seq.mean"].split(",")])
std = np.array([float(v) for v in meta["seq2seq.std"].split(",")])


def dataset(split, with_text):
    x, lens = np.load(f"{d}/{split}_x.npy"), np.load(f"{d}/{split}_len.npy").astype(np.int64)
    X, E = s2s.prepare(x, lens, mean, std, STACK)
    return X, E, [[tid[w] for w in t.split()] for t in s2s.texts(f"{d}/{split}.tsv")] if with_text else None


Xtr, Etr, Ytr = dataset("train", True)
Xte, Ete, _ = dataset("test", False)


def gates(w, u):
    """Keras gate order z, r, h along the last axis -> PyTorch's r, z, n"""
    return np.concatenate([w[..., u:2 * u], w[..., :u], w[..., 2 * u:]], axis=-1)


@torch.no_grad()
def copy_start(model, W):
    """The weights of an nnpipe model file (Keras layouts) into PyTorch's."""
    def put(p, a):
        p.copy_(torch.tensor(np.ascontiguousarray(a)))
    k, r, b = (W["encoder.bidirectional." + n] for n in ("kernel", "recurrent_kernel", "bias"))
    for di, suffix in ((0, ""), (1, "_reverse")):  # (2, in, 3U): forward, backward
        put(getattr(model.enc, "weight_ih_l0" + suffix), gates(k[di], U).T)
        put(getattr(model.enc, "weight_hh_l0" + suffix), gates(r[di], U).T)
        put(getattr(model.enc, "bias_ih_l0" + suffix), gates(b[di, 0], U))
        put(getattr(model.enc, "bias_hh_l0" + suffix), gates(b[di, 1], U))
    for mod, part in ((model.bridge, "bridge.dense"), (model.keys, "keys.dense_1"), (model.query, "query.dense_2"),
                      (model.out, "output.dense_4")):
        put(mod.weight, W[part + ".kernel"].T)
        put(mod.bias, W[part + ".bias"])
    put(model.v.weight, W["score.dense_3.kernel"].T)
    put(model.emb.weight, W["embed.embedding.embeddings"])
    put(model.cell.weight_ih, gates(W["decoder.gru.kernel"], UD).T)
    put(model.cell.weight_hh, gates(W["decoder.gru.recurrent_kernel"], UD).T)
    put(model.cell.bias_ih, gates(W["decoder.gru.bias"][0], UD))
    put(model.cell.bias_hh, gates(W["decoder.gru.bias"][1], UD))


model = s2s.Seq2Seq(Xtr.shape[2], V, U, UD, EMB, A, "bahdanau")
if start == "torch":
    s2s.keras_init(model)
else:
    copy_start(model, W)

opt = torch.optim.Adam(model.parameters(), lr=float(meta.get("train.lr", 2e-3)), eps=1e-7)
clip = float(meta.get("train.clipnorm", 5))
lossf = nn.CrossEntropyLoss(ignore_index=s2s.PAD)
for epoch in range(epochs):
    perm = epoch_order(seed, epoch, len(Ytr)) if order_kind == "ours" else list(np.random.permutation(len(Ytr)))
    total = 0.0
    for b0 in range(0, len(perm), BATCH):
        idx = perm[b0:b0 + BATCH]
        loss = s2s.batch_loss(model, lossf, Xtr, Etr, Ytr, idx)
        opt.zero_grad()
        loss.backward()
        if clip > 0:
            for p in model.parameters():
                nn.utils.clip_grad_norm_([p], clip)
        opt.step()
        total += float(loss) * len(idx)
    print(f"epoch {epoch + 1} loss {total / len(perm):.6f}", flush=True)

s2s.write_predictions(pred_path, s2s.greedy(model, Xte, Ete, tokens, MAX_OUT))
