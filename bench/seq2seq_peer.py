"""The seq2seq digit transcriber of bench/seq2seq.sh in PyTorch, built
like train-seq2seq's model: frames normalized per band (training mean and
standard deviation), `stack` frames per encoder step, bidirectional GRU
encoder, decoder GRU cell fed [embedding; previous context], Bahdanau
attention (or none: the encoder's final states), logits from [state;
context], teacher forcing, cross-entropy per real token, Adam with each
gradient tensor clipped to norm 5, batch 32.

usage: seq2seq_peer.py DIR THREADS EPOCHS ATTENTION PRED.tsv [SEED [INIT]]
DIR holds train_x.npy train_len.npy train.tsv test_x.npy test_len.npy
(TSVs: path, text, ... without header).  INIT keras (the default)
initializes like train-seq2seq (Keras's defaults: Glorot uniform input
kernels, orthogonal recurrent kernels, zero biases, embeddings uniform in
+-0.05), so both sides train the same model from the same distribution;
torch keeps PyTorch's own defaults (uniform in +-1/sqrt(fan) everywhere).
Prints SECONDS_PER_EPOCH (wall clock) and CPU_SECONDS_PER_EPOCH (all
threads), training only; each epoch's loss and the test loss to stderr.
The model is bench/seq2seq_torch.py's."""
import os
import sys
import time

import numpy as np
import torch
from torch import nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import seq2seq_torch as s2s  # noqa: E402

d, threads, epochs, att, pred_path = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], sys.argv[5]
seed = int(sys.argv[6]) if len(sys.argv) > 6 else 1
init = sys.argv[7] if len(sys.argv) > 7 else "keras"
if init not in ("keras", "torch"):
    sys.exit(f"seq2seq_peer.py: INIT must be keras or torch, not {init}")
torch.set_num_threads(threads)
torch.manual_seed(seed)
np.random.seed(seed)
STACK, U, UD, EMB, A, BATCH = 3, 64, 64, 16, 64, 32

xtr, ltr = np.load(f"{d}/train_x.npy"), np.load(f"{d}/train_len.npy").astype(np.int64)
xte, lte = np.load(f"{d}/test_x.npy"), np.load(f"{d}/test_len.npy").astype(np.int64)
ttr = s2s.texts(f"{d}/train.tsv")
tokens = ["<pad>", "<s>", "</s>"] + sorted({w for t in ttr for w in t.split()})
tid = {w: i for i, w in enumerate(tokens)}
valid = np.arange(xtr.shape[1])[None, :] < ltr[:, None]
mean, std = xtr[valid].mean(0), xtr[valid].std(0)
Xtr, Etr = s2s.prepare(xtr, ltr, mean, std, STACK)
Xte, Ete = s2s.prepare(xte, lte, mean, std, STACK)
ytr = [[tid[w] for w in t.split()] for t in ttr]
max_out = 2 * max(len(y) for y in ytr) + 2

model = s2s.Seq2Seq(Xtr.shape[2], len(tokens), U, UD, EMB, A, att)
if init == "keras":
    s2s.keras_init(model)
opt = torch.optim.Adam(model.parameters(), lr=2e-3, eps=1e-7)
lossf = nn.CrossEntropyLoss(ignore_index=s2s.PAD)
n = len(ytr)
t0, c0 = time.time(), time.process_time()
for epoch in range(epochs):
    perm = np.random.permutation(n)
    total, batches = 0.0, 0
    for b in range(0, n, BATCH):
        loss = s2s.batch_loss(model, lossf, Xtr, Etr, ytr, perm[b:b + BATCH])
        total += float(loss)
        batches += 1
        opt.zero_grad()
        loss.backward()
        for p in model.parameters():
            nn.utils.clip_grad_norm_([p], 5.0)
        opt.step()
    print(f"epoch {epoch + 1} loss {total / batches:.6f}", file=sys.stderr)
secs = (time.time() - t0) / max(epochs, 1)
cpu = (time.process_time() - c0) / max(epochs, 1)  # all threads of the process

try:
    yte = [[tid[w] for w in t.split()] for t in s2s.texts(f"{d}/test.tsv")]
except (OSError, KeyError):
    yte = None
if yte is not None and len(yte) == Xte.shape[0]:
    with torch.no_grad():
        parts = [np.arange(b, min(b + 64, len(yte))) for b in range(0, len(yte), 64)]
        tl = [(float(s2s.batch_loss(model, lossf, Xte, Ete, yte, idx)), sum(len(yte[i]) + 1 for i in idx))
              for idx in parts]
    print(f"test loss {sum(a * c for a, c in tl) / sum(c for _, c in tl):.6f}", file=sys.stderr)

s2s.write_predictions(pred_path, s2s.greedy(model, Xte, Ete, tokens, max_out))
print(f"SECONDS_PER_EPOCH {secs:.2f}")
print(f"CPU_SECONDS_PER_EPOCH {cpu:.2f}")
