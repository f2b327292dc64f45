"""train-seq2seq's model in PyTorch, shared by bench/seq2seq_peer.py and
bench/seq2seq_paired.py: the data preparation, the model, the teacher-forced
loss of a batch and greedy decoding, written to match lib/nn/seq2seq*.c
(frames normalized per band and stacked, bidirectional GRU encoder, decoder
GRU cell fed [embedding; previous context], Bahdanau attention or none (the
encoder's final states), logits from [state; context])."""
import numpy as np
import torch
from torch import nn

PAD, BOS, EOS = 0, 1, 2


def texts(path):
    """Column 2 of a TSV without header: the transcripts."""
    with open(path, encoding="utf-8") as f:
        return [line.rstrip("\n").split("\t")[1] for line in f if line.strip()]


def prepare(x, lens, mean, std, stack):
    """(n, T, F) features -> normalized, zero past each length, `stack`
    frames per step: (n, T', stack*F) and the steps per utterance."""
    x = (x - mean) / std
    x[np.arange(x.shape[1])[None, :] >= lens[:, None]] = 0
    n, t, f = x.shape
    tp = (t + stack - 1) // stack
    x = np.concatenate([x, np.zeros((n, tp * stack - t, f), x.dtype)], 1).reshape(n, tp, stack * f)
    return torch.tensor(x, dtype=torch.float32), torch.tensor((lens + stack - 1) // stack)


class Seq2Seq(nn.Module):
    def __init__(self, fin, vocab, units, dec_units, emb, att_units, att):
        super().__init__()
        self.units, self.att = units, att
        self.enc = nn.GRU(fin, units, batch_first=True, bidirectional=True)
        self.bridge = nn.Linear(2 * units, dec_units)
        self.emb = nn.Embedding(vocab, emb)
        self.cell = nn.GRUCell(emb + 2 * units, dec_units)
        self.out = nn.Linear(dec_units + 2 * units, vocab)
        if att == "bahdanau":
            self.keys = nn.Linear(2 * units, att_units)
            self.query = nn.Linear(dec_units, att_units)
            self.v = nn.Linear(att_units, 1, bias=False)

    def encode(self, x, lens):
        """-> H (n, T', 2U), keys, mask (n, T'), summary (n, 2U), s0"""
        packed = nn.utils.rnn.pack_padded_sequence(x, lens, batch_first=True, enforce_sorted=False)
        out, hn = self.enc(packed)
        H, _ = nn.utils.rnn.pad_packed_sequence(out, batch_first=True, total_length=x.shape[1])
        summary = torch.cat([hn[0], hn[1]], 1)
        mask = torch.arange(x.shape[1])[None, :] < lens[:, None]
        K = self.keys(H) if self.att != "none" else None
        return H, K, mask, summary, torch.tanh(self.bridge(summary))

    def first_context(self, n, summary):
        return summary if self.att == "none" else torch.zeros(n, 2 * self.units)

    def step(self, tok, s, ctx, H, K, mask, summary):
        """one decoder step -> new state, context, attention weights"""
        s = self.cell(torch.cat([self.emb(tok), ctx], 1), s)
        if self.att == "none":
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


def batch_loss(model, lossf, X, E, Y, idx):
    """Teacher-forced mean cross-entropy per real token (</s> included) of
    the utterances idx."""
    L = max(len(Y[i]) for i in idx) + 1
    yin = torch.zeros(len(idx), L, dtype=torch.long)
    ytg = torch.zeros(len(idx), L, dtype=torch.long)
    for row, i in enumerate(idx):
        y = Y[i]
        yin[row, 0] = BOS
        yin[row, 1:len(y) + 1] = torch.tensor(y)
        ytg[row, :len(y)] = torch.tensor(y)
        ytg[row, len(y)] = EOS
    lens = E[idx]
    H, K, mask, summary, s = model.encode(X[idx][:, :int(lens.max())], lens)
    ctx, logits = model.first_context(len(idx), summary), []
    for t in range(L):
        s, ctx, _ = model.step(yin[:, t], s, ctx, H, K, mask, summary)
        logits.append(model.out(torch.cat([s, ctx], 1)))
    return lossf(torch.stack(logits, 1).reshape(-1, logits[0].shape[1]), ytg.reshape(-1))


@torch.no_grad()
def greedy(model, X, E, tokens, max_out, batch=64):
    """Greedy transcriptions (text) of every utterance; <pad> and <s> are
    never produced."""
    texts_out = []
    for b in range(0, X.shape[0], batch):
        lens = E[b:b + batch]
        H, K, mask, summary, s = model.encode(X[b:b + batch][:, :int(lens.max())], lens)
        m = H.shape[0]
        ctx, tok = model.first_context(m, summary), torch.full((m,), BOS, dtype=torch.long)
        outs, done = [[] for _ in range(m)], [False] * m
        for _ in range(max_out):
            s, ctx, _ = model.step(tok, s, ctx, H, K, mask, summary)
            z = model.out(torch.cat([s, ctx], 1))
            z[:, :EOS] = float("-inf")
            tok = z.argmax(1)
            for i in range(m):
                if not done[i]:
                    if int(tok[i]) == EOS:
                        done[i] = True
                    else:
                        outs[i].append(tokens[int(tok[i])])
            if all(done):
                break
        texts_out += [" ".join(o) for o in outs]
    return texts_out


def write_predictions(path, texts_out):
    with open(path, "w", encoding="utf-8") as f:
        f.write("id\ttext\n")
        for i, t in enumerate(texts_out):
            f.write(f"{i}\t{t}\n")
