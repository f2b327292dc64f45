"""train-vae's four models in PyTorch, for bench/vae.sh and bench/vae_quality.sh.

usage: vae_peer.py --data DIR --out PREFIX [--model ae|deep-ae|vae|cat-vae]
       [--latent D] [--categories K] [--encoder-activation sigmoid|relu|linear]
       [--optimizer adam|rmsprop|sgd] [--lr R] [--epochs N] [--batch N]
       [--seed S] [--threads T] [--rows N] [--val]

Reads DIR/x_train.npy and DIR/x_test.npy (float32 (N, 28, 28) in [0, 1]).
Writes PREFIX.codes_train.npy and PREFIX.codes_test.npy (what `train-vae
encode` gives: the ae/deep-ae code, the vae's mu, the cat-vae's
softmax(logits / tau)) and prints one "name<TAB>value" line per figure:
seconds_per_epoch (wall, training plus the per-epoch test loss when --val),
cpu_seconds_per_epoch, loss (last epoch, training), val_loss (last epoch, on
the test set, noise sampled as in training), test_bce_per_pixel and
test_mse_per_pixel (decode(encode(x)) without noise).

Everything is written to match lib/nn/vae.c (read it with this file):
- the same layers, sizes, activations and TensorFlow 'same' padding
  (stride-2 conv: pad one row and column at the end; stride-2 transposed
  conv: full output cropped to the first 2H x 2W);
- Keras initialization: Glorot uniform kernels, zero biases; the vae's mu
  and log-variance head is one Dense(2d) as in nnpipe;
- Keras's binary cross-entropy on probabilities: p clipped to
  [1e-7, 1 - 1e-7], -(t log(p + 1e-7) + (1 - t) log(1 - p + 1e-7));
  ae and deep-ae: mean over pixels and batch; vae and cat-vae: sum over
  pixels plus KL, mean over the batch;
- Gaussian KL -0.5 sum(1 + logvar - mu^2 - exp(logvar)),
  z = mu + exp(logvar / 2) eps; categorical KL log K + sum q log q with
  q = softmax(logits), z = softmax((logits + Gumbel) / tau), tau 2/3;
- optimizers with Keras's update rules and defaults: RMSprop (rho 0.9,
  eps 1e-7, same as torch's with alpha 0.9), Adam in Keras's form
  lr sqrt(1 - b2^t) / (1 - b1^t) m / (sqrt(v) + 1e-7) (torch's Adam puts
  eps elsewhere, so it is written out here);
- a new shuffle each epoch, the last partial batch kept.
The weights and the noise differ from nnpipe's (different generators).
"""
import argparse
import math
import time

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

EPS = 1e-7


class SamePad(nn.Module):
    """TensorFlow 'same' for a 3x3 stride-2 convolution of an even size:
    the one padding row and column go at the end."""

    def forward(self, x):
        return F.pad(x, (0, 1, 0, 1))


class CropTo(nn.Module):
    """TensorFlow 'same' stride-2 transposed convolution: keep the first
    2H x 2W of the full (2H + 1) output."""

    def forward(self, x):
        h = (x.shape[2] - 1) // 2 * 2
        w = (x.shape[3] - 1) // 2 * 2
        return x[:, :, :h, :w]


class Reshape(nn.Module):
    def __init__(self, *shape):
        super().__init__()
        self.shape = shape

    def forward(self, x):
        return x.reshape(x.shape[0], *self.shape)


def act(name):
    return {"sigmoid": nn.Sigmoid(), "relu": nn.ReLU(), "linear": nn.Identity()}[name]


def build(kind, d, k, enc_act):
    """encoder (N, 1, 28, 28) -> h, decoder code -> logits of the pixels
    (N, 784); their sigmoid is the image (the loss needs the logits: see
    bce_fused)."""
    r = nn.ReLU
    if kind == "ae":
        enc = nn.Sequential(nn.Flatten(), nn.Linear(784, d), act(enc_act))
        dec = nn.Sequential(nn.Linear(d, 784))
    elif kind == "deep-ae":
        enc = nn.Sequential(nn.Conv2d(1, 16, 3, padding=1), r(), nn.MaxPool2d(2),
                            nn.Conv2d(16, 32, 3, padding=1), r(), nn.MaxPool2d(2),
                            nn.Flatten(), nn.Linear(7 * 7 * 32, d))
        dec = nn.Sequential(nn.Linear(d, 7 * 7 * 32), r(), Reshape(32, 7, 7),
                            nn.Conv2d(32, 32, 3, padding=1), r(), nn.Upsample(scale_factor=2, mode="nearest"),
                            nn.Conv2d(32, 16, 3, padding=1), r(), nn.Upsample(scale_factor=2, mode="nearest"),
                            nn.Conv2d(16, 1, 3, padding=1), nn.Flatten())
    else:
        code = 2 * d if kind == "vae" else d * k
        enc = nn.Sequential(nn.Conv2d(1, 32, 3, padding=1), r(), nn.Conv2d(32, 32, 3, padding=1), r(),
                            SamePad(), nn.Conv2d(32, 64, 3, stride=2), r(),
                            nn.Flatten(), nn.Linear(14 * 14 * 64, 128), r(), nn.Linear(128, code))
        zin = d if kind == "vae" else d * k
        dec = nn.Sequential(nn.Linear(zin, 128), r(), nn.Linear(128, 14 * 14 * 64), r(), Reshape(64, 14, 14),
                            nn.ConvTranspose2d(64, 32, 3, stride=2), CropTo(), r(),
                            nn.ConvTranspose2d(32, 32, 3, padding=1), r(),
                            nn.ConvTranspose2d(32, 1, 3, padding=1), nn.Flatten())
    for m in list(enc.modules()) + list(dec.modules()):
        if isinstance(m, (nn.Linear, nn.Conv2d, nn.ConvTranspose2d)):
            nn.init.xavier_uniform_(m.weight)
            nn.init.zeros_(m.bias)
    return enc, dec


def bce_keras(p, t):
    pc = p.clamp(EPS, 1 - EPS)
    return -(t * torch.log(pc + EPS) + (1 - t) * torch.log(1 - pc + EPS))


def bce_fused(logits, t):
    """Keras's clipped BCE in value, with the gradient at the logits of
    the unclipped one, sigmoid(z) - t, as lib/nn/vae.c has it (and TF's
    Keras when the output is a sigmoid)."""
    exact = F.binary_cross_entropy_with_logits(logits, t, reduction="none")
    return bce_keras(torch.sigmoid(logits).detach(), t) + exact - exact.detach()


class KerasOptim:
    """SGD, RMSprop and Adam with Keras's update rules (see the docstring)."""

    def __init__(self, params, kind, lr):
        self.p = [q for q in params]
        self.kind = kind
        self.lr = lr if lr > 0 else (0.01 if kind == "sgd" else 1e-3)
        self.m = [torch.zeros_like(q) for q in self.p]
        self.v = [torch.zeros_like(q) for q in self.p]
        self.t = 0

    @torch.no_grad()
    def step(self):
        self.t += 1
        if self.kind == "adam":
            lr_t = self.lr * math.sqrt(1 - 0.999 ** self.t) / (1 - 0.9 ** self.t)
        for q, m, v in zip(self.p, self.m, self.v):
            g = q.grad
            if self.kind == "sgd":
                q.add_(g, alpha=-self.lr)
            elif self.kind == "rmsprop":
                m.mul_(0.9).addcmul_(g, g, value=0.1)
                q.addcdiv_(g, m.sqrt().add_(EPS), value=-self.lr)
            else:
                m.mul_(0.9).add_(g, alpha=0.1)
                v.mul_(0.999).addcmul_(g, g, value=0.001)
                q.addcdiv_(m, v.sqrt().add_(EPS), value=-lr_t)

    def zero_grad(self):
        for q in self.p:
            q.grad = None


class Model:
    def __init__(self, a):
        self.a = a
        self.enc, self.dec = build(a.model, a.latent, a.categories, a.encoder_activation)
        self.tau = 2.0 / 3.0

    def params(self):
        return list(self.enc.parameters()) + list(self.dec.parameters())

    def code(self, h, noisy, gen):
        """h from the encoder -> (z, kl per sample summed over the batch)"""
        a = self.a
        if a.model == "vae":
            mu, lv = h[:, :a.latent], h[:, a.latent:]
            eps = torch.randn(mu.shape, generator=gen) if noisy else torch.zeros_like(mu)
            z = mu + torch.exp(lv / 2) * eps
            kl = -0.5 * (1 + lv - mu * mu - torch.exp(lv)).sum()
            return z, kl
        if a.model == "cat-vae":
            logits = h.reshape(-1, a.categories)
            if noisy:
                u = torch.rand(logits.shape, generator=gen)
                g = -torch.log((-torch.log(u.clamp_min(1e-20))).clamp_min(1e-20))
            else:
                g = torch.zeros_like(logits)
            z = torch.softmax((logits + g) / self.tau, dim=1).reshape(h.shape[0], -1)
            lq = torch.log_softmax(logits, dim=1)
            kl = (lq.exp() * lq).sum() + logits.shape[0] * math.log(a.categories)
            return z, kl
        return h, None

    def loss(self, x, noisy, gen):
        """batch mean loss as lib/nn/vae.c defines it"""
        n = x.shape[0]
        h = self.enc(x.reshape(n, 1, 28, 28))
        z, kl = self.code(h, noisy, gen)
        b = bce_fused(self.dec(z), x.reshape(n, -1))
        if kl is None:
            return b.mean()
        return (b.sum() + kl) / n

    @torch.no_grad()
    def encode(self, x, bs=256):
        out = []
        for s in range(0, x.shape[0], bs):
            xb = x[s:s + bs]
            h = self.enc(xb.reshape(xb.shape[0], 1, 28, 28))
            if self.a.model == "vae":
                h = h[:, :self.a.latent]
            elif self.a.model == "cat-vae":
                h = torch.softmax(h.reshape(-1, self.a.categories) / self.tau, dim=1).reshape(xb.shape[0], -1)
            out.append(h)
        return torch.cat(out)

    @torch.no_grad()
    def decode(self, z, bs=256):
        return torch.cat([torch.sigmoid(self.dec(z[s:s + bs])) for s in range(0, z.shape[0], bs)])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--model", default="ae", choices=["ae", "deep-ae", "vae", "cat-vae"])
    ap.add_argument("--latent", type=int, default=0)
    ap.add_argument("--categories", type=int, default=10)
    ap.add_argument("--encoder-activation", default="sigmoid", choices=["sigmoid", "relu", "linear"])
    ap.add_argument("--optimizer", default="adam", choices=["adam", "rmsprop", "sgd"])
    ap.add_argument("--lr", type=float, default=0)
    ap.add_argument("--epochs", type=int, default=10)
    ap.add_argument("--batch", type=int, default=128)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--rows", type=int, default=0, help="train on the first N images (0: all)")
    ap.add_argument("--val", action="store_true", help="test-set loss after every epoch, as train-vae --val")
    ap.add_argument("--no-codes", action="store_true", help="skip the final encode/reconstruct (timing only)")
    a = ap.parse_args()
    if a.latent == 0:
        a.latent = {"ae": 32, "deep-ae": 32, "vae": 2, "cat-vae": 1}[a.model]
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    x = torch.from_numpy(np.load(a.data + "/x_train.npy").astype(np.float32, copy=False)).reshape(-1, 784)
    if a.rows:
        x = x[:a.rows].contiguous()
    xt = torch.from_numpy(np.load(a.data + "/x_test.npy").astype(np.float32, copy=False)).reshape(-1, 784)
    m = Model(a)
    opt = KerasOptim(m.params(), a.optimizer, a.lr)
    gen = torch.Generator().manual_seed(a.seed)
    noisy = a.model in ("vae", "cat-vae")
    walls, cpus = [], []
    loss = val_loss = float("nan")
    for _ in range(a.epochs):
        t0, c0 = time.perf_counter(), time.process_time()
        m.enc.train()
        m.dec.train()
        perm = torch.randperm(x.shape[0], generator=gen)
        total = 0.0
        for s in range(0, x.shape[0], a.batch):
            xb = x[perm[s:s + a.batch]]
            l = m.loss(xb, noisy, gen)
            opt.zero_grad()
            l.backward()
            opt.step()
            total += l.item() * xb.shape[0]
        loss = total / x.shape[0]
        if a.val:
            with torch.no_grad():
                tot = sum(m.loss(xt[s:s + a.batch], noisy, gen).item() * xt[s:s + a.batch].shape[0]
                          for s in range(0, xt.shape[0], a.batch))
            val_loss = tot / xt.shape[0]
        walls.append(time.perf_counter() - t0)
        cpus.append(time.process_time() - c0)
    print("seconds_per_epoch\t%.3f" % (sum(walls) / max(len(walls), 1)))
    print("cpu_seconds_per_epoch\t%.3f" % (sum(cpus) / max(len(cpus), 1)))
    print("loss\t%.9g" % loss)
    if a.val:
        print("val_loss\t%.9g" % val_loss)
    if a.no_codes:
        return
    ct = m.encode(xt)
    y = m.decode(ct).double()
    t = xt.double()
    print("test_bce_per_pixel\t%.9g" % bce_keras(y, t).mean().item())
    print("test_mse_per_pixel\t%.9g" % ((y - t) ** 2).mean().item())
    np.save(a.out + ".codes_test.npy", ct.numpy().astype(np.float32))
    np.save(a.out + ".codes_train.npy", m.encode(x).numpy().astype(np.float32))


if __name__ == "__main__":
    main()
