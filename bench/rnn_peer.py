"""The NER tagger of bench/rnn.sh in PyTorch, on nnpipe's split files.

Same model as `train-rnn --cell lstm --units 100 --freeze-embedding
--dropout 0.2 --batch 128` (with MODEL bilstm: `--bidirectional`, merge
concat): frozen embedding from the word2vec file
(zeros for missing words), dropout, LSTM over the real steps only
(packed sequences = masking), a linear layer + softmax over the tags,
cross-entropy averaged over the real tokens, Adam (lr 1e-3, eps 1e-7 as
Keras), Keras's initializers (keras_init, as train-rnn).  Prints SECONDS_PER_EPOCH (wall), CPU_SECONDS_PER_EPOCH and writes the argmax predictions of the
test set (N, T) int32 for `metrics entity` (PRED_OUT "-": no predictions).

usage: rnn_peer.py DIR THREADS EPOCHS PRED_OUT.npy [MODEL [TRAIN [SEED]]]
DIR holds X.TRAIN.npy Y.TRAIN.npy X.test.npy vocab.tsv tags.tsv vectors.txt;
MODEL is lstm (default), bilstm, gru (`--cell gru`) or lstm-trainable
(the embedding trained too: no `--freeze-embedding`); TRAIN defaults to
"train", SEED (weights, batch order, dropout) to 1.
"""
import sys
import time

import numpy as np
import torch
from torch import nn


def load_vocab(path):
    words = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            words.append(line.rstrip("\n").split("\t")[1])
    return words


def load_vectors(path, words, dim_hint=None):
    index = {w: i for i, w in enumerate(words)}
    with open(path, encoding="utf-8") as f:
        n, d = map(int, f.readline().split())
        emb = np.zeros((len(words), d), np.float32)
        for line in f:
            parts = line.rstrip("\n").split(" ")
            i = index.get(parts[0])
            if i is not None and i != 0:
                emb[i] = np.asarray(parts[1:1 + d], np.float32)
    return emb


class Tagger(nn.Module):
    def __init__(self, emb, units, ntags, bidirectional=False, cell="lstm", freeze=True):
        super().__init__()
        self.emb = nn.Embedding.from_pretrained(torch.from_numpy(emb), freeze=freeze, padding_idx=None)
        self.drop = nn.Dropout(0.2)
        # packed sequences: the backward direction starts at each sentence's last real token
        rnn = nn.GRU if cell == "gru" else nn.LSTM
        self.rnn = rnn(emb.shape[1], units, batch_first=True, bidirectional=bidirectional)
        self.out = nn.Linear(units * (2 if bidirectional else 1), ntags)

    def forward(self, x, lengths):
        e = self.drop(self.emb(x))
        packed = nn.utils.rnn.pack_padded_sequence(e, lengths.cpu(), batch_first=True, enforce_sorted=False)
        h, _ = self.rnn(packed)
        h, _ = nn.utils.rnn.pad_packed_sequence(h, batch_first=True, total_length=x.shape[1])
        return self.out(h)  # logits (n, T, k)


def keras_init(model, units):
    """Keras's initializers, which train-rnn uses, in place of PyTorch's
    uniform(+-1/sqrt(units)): Glorot uniform input kernels and output
    layer, orthogonal recurrent kernels, zero biases, and the LSTM forget
    gate's bias at 1 (unit_forget_bias; PyTorch's gate order is i, f, g, o,
    and its second bias vector b_hh stays 0)."""
    for name, p in model.rnn.named_parameters():
        if name.startswith("weight_ih"):
            nn.init.xavier_uniform_(p)
        elif name.startswith("weight_hh"):
            nn.init.orthogonal_(p)
        else:
            nn.init.zeros_(p)
            if isinstance(model.rnn, nn.LSTM) and name.startswith("bias_ih"):
                with torch.no_grad():
                    p[units:2 * units] = 1
    nn.init.xavier_uniform_(model.out.weight)
    nn.init.zeros_(model.out.bias)


def main():
    d, threads, epochs, pred_out = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
    kind = sys.argv[5] if len(sys.argv) > 5 else "lstm"
    train = sys.argv[6] if len(sys.argv) > 6 else "train"
    seed = int(sys.argv[7]) if len(sys.argv) > 7 else 1
    if kind not in ("lstm", "bilstm", "gru", "lstm-trainable"):
        sys.exit("rnn_peer.py: MODEL must be lstm, bilstm, gru or lstm-trainable")
    torch.set_num_threads(threads)
    torch.manual_seed(seed)
    words, tags = load_vocab(d + "/vocab.tsv"), load_vocab(d + "/tags.tsv")
    emb = load_vectors(d + "/vectors.txt", words)
    xtr = torch.from_numpy(np.load(d + "/X.%s.npy" % train).astype(np.int64))
    ytr = torch.from_numpy(np.load(d + "/Y.%s.npy" % train).astype(np.int64))
    xte = torch.from_numpy(np.load(d + "/X.test.npy").astype(np.int64))
    model = Tagger(emb, 100, len(tags), kind == "bilstm", "gru" if kind == "gru" else "lstm",
                   kind != "lstm-trainable")
    keras_init(model, 100)
    opt = torch.optim.Adam([p for p in model.parameters() if p.requires_grad], lr=1e-3, eps=1e-7)
    n = xtr.shape[0]
    times, cpus = [], []
    for ep in range(epochs):
        model.train()
        perm = torch.randperm(n)
        t0, c0 = time.perf_counter(), time.process_time()
        total, count = 0.0, 0
        for s in range(0, n, 128):
            idx = perm[s:s + 128]
            x, y = xtr[idx], ytr[idx]
            mask = x != 0
            lengths = mask.sum(1).clamp(min=1)
            logits = model(x, lengths)
            loss = nn.functional.cross_entropy(logits[mask], y[mask])
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item() * int(mask.sum())
            count += int(mask.sum())
        times.append(time.perf_counter() - t0)
        cpus.append(time.process_time() - c0)
        print("EPOCH %d loss %.4f seconds %.1f" % (ep + 1, total / count, times[-1]), file=sys.stderr)
    print("SECONDS_PER_EPOCH %.3f" % (sum(times) / len(times)))
    print("CPU_SECONDS_PER_EPOCH %.3f" % (sum(cpus) / len(cpus)))
    print("PARAMS_TRAINABLE %d" % sum(p.numel() for p in model.parameters() if p.requires_grad))
    if pred_out == "-":
        return
    model.eval()
    preds = []
    with torch.no_grad():
        for s in range(0, xte.shape[0], 512):
            x = xte[s:s + 512]
            lengths = (x != 0).sum(1).clamp(min=1)
            preds.append(model(x, lengths).argmax(-1).to(torch.int32).numpy())
    np.save(pred_out, np.concatenate(preds))


if __name__ == "__main__":
    main()
