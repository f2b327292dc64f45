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
torch keeps PyTorch's own defaults (uniform in +-1/sqrt(fan) everywhere).  Prints SECONDS_PER_EPOCH (wall
clock) and CPU_SECONDS_PER_EPOCH (all threads), training only."""
import sys
import time

import numpy as np
import torch
from torch import nn

d, threads, epochs, att, pred_path = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], sys.argv[5]
seed = int(sys.argv[6]) if len(sys.argv) > 6 else 1
init = sys.argv[7] if len(sys.argv) > 7 else "keras"
if init not in ("keras", "torch"):
    sys.exit(f"seq2seq_peer.py: INIT must be keras or torch, not {init}")
torch.set_num_threads(threads)
torch.manual_seed(seed)
np.random.seed(seed)
STACK, U, UD, EMB, A, BATCH = 3, 64, 64, 16, 64, 32


def texts(path):
    with open(path, encoding="utf-8") as f:
        return [line.rstrip("\n").split("\t")[1] for line in f if line.strip()]


xtr, ltr = np.load(f"{d}/train_x.npy"), np.load(f"{d}/train_len.npy").astype(np.int64)
xte, lte = np.load(f"{d}/test_x.npy"), np.load(f"{d}/test_len.npy").astype(np.int64)
ttr = texts(f"{d}/train.tsv")
tokens = ["<pad>", "<s>", "</s>"] + sorted({w for t in ttr for w in t.split()})
tid = {w: i for i, w in enumerate(tokens)}
V = len(tokens)
valid = np.arange(xtr.shape[1])[None, :] < ltr[:, None]
mean, std = xtr[valid].mean(0), xtr[valid].std(0)


def prepare(x, lens):
    x = (x - mean) / std
    x[np.arange(x.shape[1])[None, :] >= lens[:, None]] = 0
    n, t, f = x.shape
    tp = (t + STACK - 1) // STACK
    x = np.concatenate([x, np.zeros((n, tp * STACK - t, f), x.dtype)], 1).reshape(n, tp, STACK * f)
    return torch.tensor(x, dtype=torch.float32), torch.tensor((lens + STACK - 1) // STACK)


Xtr, Etr = prepare(xtr, ltr)
Xte, Ete = prepare(xte, lte)
ytr = [[tid[w] for w in t.split()] for t in ttr]
max_out = 2 * max(len(y) for y in ytr) + 2


class Seq2Seq(nn.Module):
    def __init__(self, fin):
        super().__init__()
        self.enc = nn.GRU(fin, U, batch_first=True, bidirectional=True)
        self.bridge = nn.Linear(2 * U, UD)
        self.emb = nn.Embedding(V, EMB)
        self.cell = nn.GRUCell(EMB + 2 * U, UD)
        self.out = nn.Linear(UD + 2 * U, V)
        if att == "bahdanau":
            self.keys, self.query, self.v = nn.Linear(2 * U, A), nn.Linear(UD, A), nn.Linear(A, 1, bias=False)

    def encode(self, x, lens):
        packed = nn.utils.rnn.pack_padded_sequence(x, lens, batch_first=True, enforce_sorted=False)
        out, hn = self.enc(packed)
        H, _ = nn.utils.rnn.pad_packed_sequence(out, batch_first=True, total_length=x.shape[1])
        summary = torch.cat([hn[0], hn[1]], 1)
        mask = torch.arange(x.shape[1])[None, :] < lens[:, None]
        K = self.keys(H) if att != "none" else None
        return H, K, mask, summary, torch.tanh(self.bridge(summary))

    def step(self, tok, s, ctx, H, K, mask, summary):
        s = self.cell(torch.cat([self.emb(tok), ctx], 1), s)
        if att == "none":
            return s, summary, None
        e = self.v(torch.tanh(self.query(s)[:, None, :] + K)).squeeze(2).masked_fill(~mask, float("-inf"))
        a = torch.softmax(e, 1)
        return s, torch.bmm(a[:, None, :], H).squeeze(1), a


def keras_init(model):
    """Keras's defaults, as train-seq2seq uses them.  PyTorch keeps a
    recurrent layer's gates stacked along the first axis ((3U, in) and
    (3U, U)) where Keras has (in, 3U) and (U, 3U): the same fans for Glorot,
    and orthogonal columns of (3U, U) are Keras's orthogonal rows of (U, 3U)."""
    for name, p in model.named_parameters():
        if "bias" in name:
            nn.init.zeros_(p)
        elif "weight_hh" in name:
            nn.init.orthogonal_(p)
        elif name == "emb.weight":
            nn.init.uniform_(p, -0.05, 0.05)
        else:
            nn.init.xavier_uniform_(p)


model = Seq2Seq(Xtr.shape[2])
if init == "keras":
    keras_init(model)
opt = torch.optim.Adam(model.parameters(), lr=2e-3, eps=1e-7)
lossf = nn.CrossEntropyLoss(ignore_index=0)
n = len(ytr)
t0, c0 = time.time(), time.process_time()
def batch_loss(X, E, Y, idx):
    """Teacher-forced mean cross-entropy per real token (</s> included)."""
    L = max(len(Y[i]) for i in idx) + 1
    yin = torch.zeros(len(idx), L, dtype=torch.long)
    ytg = torch.zeros(len(idx), L, dtype=torch.long)
    for r, i in enumerate(idx):
        y = Y[i]
        yin[r, 0] = 1
        yin[r, 1:len(y) + 1] = torch.tensor(y)
        ytg[r, :len(y)] = torch.tensor(y)
        ytg[r, len(y)] = 2
    lens = E[idx]
    x = X[idx][:, :int(lens.max())]
    H, K, mask, summary, s = model.encode(x, lens)
    ctx = summary if att == "none" else torch.zeros(len(idx), 2 * U)
    logits = []
    for t in range(L):
        s, ctx, _ = model.step(yin[:, t], s, ctx, H, K, mask, summary)
        logits.append(model.out(torch.cat([s, ctx], 1)))
    return lossf(torch.stack(logits, 1).reshape(-1, V), ytg.reshape(-1))


for epoch in range(epochs):
    perm = np.random.permutation(n)
    total, batches = 0.0, 0
    for b in range(0, n, BATCH):
        idx = perm[b:b + BATCH]
        loss = batch_loss(Xtr, Etr, ytr, idx)
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
    tte = texts(f"{d}/test.tsv")
    yte = [[tid[w] for w in t.split()] for t in tte]
except (OSError, KeyError):
    yte = None
if yte is not None and len(yte) == Xte.shape[0]:
    with torch.no_grad():
        tl = [(float(batch_loss(Xte, Ete, yte, np.arange(b, min(b + 64, len(yte))))),
               sum(len(yte[i]) + 1 for i in range(b, min(b + 64, len(yte))))) for b in range(0, len(yte), 64)]
    print(f"test loss {sum(a * c for a, c in tl) / sum(c for _, c in tl):.6f}", file=sys.stderr)

with torch.no_grad(), open(pred_path, "w", encoding="utf-8") as f:
    f.write("id\ttext\n")
    for b in range(0, Xte.shape[0], 64):
        lens = Ete[b:b + 64]
        x = Xte[b:b + 64][:, :int(lens.max())]
        H, K, mask, summary, s = model.encode(x, lens)
        m = x.shape[0]
        ctx = summary if att == "none" else torch.zeros(m, 2 * U)
        tok = torch.ones(m, dtype=torch.long)
        outs, done = [[] for _ in range(m)], [False] * m
        for t in range(max_out):
            s, ctx, _ = model.step(tok, s, ctx, H, K, mask, summary)
            z = model.out(torch.cat([s, ctx], 1))
            z[:, :2] = float("-inf")
            tok = z.argmax(1)
            for i in range(m):
                if not done[i]:
                    if int(tok[i]) == 2:
                        done[i] = True
                    else:
                        outs[i].append(tokens[int(tok[i])])
            if all(done):
                break
        for i in range(m):
            f.write(f"{b + i}\t{' '.join(outs[i])}\n")
print(f"SECONDS_PER_EPOCH {secs:.2f}")
print(f"CPU_SECONDS_PER_EPOCH {cpu:.2f}")
