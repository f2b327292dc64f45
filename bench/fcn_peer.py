"""The assignment's segmentation network in PyTorch, for bench/fcn.sh.

usage: fcn_peer.py DIR THREADS EPOCHS CLASSES PRED.npy [SEED]

Reads DIR/X_train.npy (N, H, W, 3) uint8, DIR/Y_train.npy (N, H, W) ids,
DIR/X_val.npy.  CLASSES 1: binary (mask == 1, sigmoid + BCE); K: softmax +
cross-entropy with label 11 ignored.  conv32 x2, pool, conv64 x2, pool,
conv128 x2, upsample, convT32 x2, convT K stride 2 (3x3, relu, same,
aligned as Keras: KerasConvTranspose2), Keras's initialization (Glorot uniform kernels, zero biases: what
train-fcn uses, not PyTorch's default), RMSprop (lr 1e-3, rho 0.9, eps
1e-7 as Keras), batch 8, shuffled.
Prints SECONDS_PER_EPOCH (training only, wall clock, mean) and writes the
validation argmax ids (N, H, W) uint8 to PRED.npy.  SEED (default 1) seeds
the weights and the batch order."""
import os
import sys
import time

import numpy as np
import torch
from torch import nn


class KerasConvTranspose2(nn.Module):
    """Keras's (TensorFlow's) `same` transposed convolution, 3x3 stride 2:
    input pixel i feeds output pixels 2i, 2i+1, 2i+2 (kernel taps 0, 1, 2)
    and the output keeps the first 2n.  PyTorch's padding=1,
    output_padding=1 feeds 2i-1, 2i, 2i+1 instead: a network shifted by one
    output pixel, so not the same model as train-fcn's (the two agree on
    the loss and on every gradient only with this alignment:
    bench/fcn_paired_step.py)."""

    def __init__(self, cin, cout):
        super().__init__()
        self.conv = nn.ConvTranspose2d(cin, cout, 3, stride=2)

    def forward(self, x):
        return self.conv(x)[:, :, :2 * x.shape[2], :2 * x.shape[3]]


def net(k):
    r = nn.ReLU
    return nn.Sequential(
        nn.Conv2d(3, 32, 3, padding=1), r(), nn.Conv2d(32, 32, 3, padding=1), r(), nn.MaxPool2d(2),
        nn.Conv2d(32, 64, 3, padding=1), r(), nn.Conv2d(64, 64, 3, padding=1), r(), nn.MaxPool2d(2),
        nn.Conv2d(64, 128, 3, padding=1), r(), nn.Conv2d(128, 128, 3, padding=1), r(),
        nn.Upsample(scale_factor=2, mode="nearest"),
        nn.ConvTranspose2d(128, 32, 3, padding=1), r(), nn.ConvTranspose2d(32, 32, 3, padding=1), r(),
        KerasConvTranspose2(32, k))


def keras_init(model):
    # Glorot uniform over fan_in + fan_out = (in + out) * 3 * 3 for both
    # conv kinds, zero biases: Keras's defaults
    for m in model.modules():
        if isinstance(m, (nn.Conv2d, nn.ConvTranspose2d)):
            nn.init.xavier_uniform_(m.weight)
            nn.init.zeros_(m.bias)


def train_epoch(m, opt, lossf, x, y, perm, k):
    """one epoch in batches of 8 in the order perm; the mean loss"""
    m.train()
    total = 0.0
    for i in range(0, len(x), 8):
        idx = perm[i:i + 8]
        out = m(x[idx])
        loss = lossf(out[:, 0], y[idx].float()) if k == 1 else lossf(out, y[idx])
        opt.zero_grad()
        loss.backward()
        opt.step()
        total += float(loss) * len(idx)
    return total / len(x)


def keras_bce(logits, t):
    """Keras's binary cross-entropy of sigmoid(logits) per pixel, p clipped
    to [1e-7, 1 - 1e-7], in double: the value train-fcn reports"""
    q, t = torch.sigmoid(logits.detach()).double().clamp(1e-7, 1 - 1e-7), t.double()
    return -(t * torch.log(q + 1e-7) + (1 - t) * torch.log(1 - q + 1e-7))


@torch.no_grad()
def val_loss(m, xv, yv, k, lossf):
    """mean loss over the validation images, in batches of 16 (pixels
    weighted equally, as train-fcn computes val_loss)"""
    m.eval()
    total, count = 0.0, 0
    for i in range(0, len(xv), 16):
        out, y = m(xv[i:i + 16]), yv[i:i + 16]
        n = y.numel() if k == 1 else int((y != 11).sum())
        if k == 1:
            total += float(keras_bce(out[:, 0], y).sum())
        else:
            total += float(lossf(out, y)) * n
        count += n
    m.train()
    return total / max(count, 1)


def main():
    d, threads, epochs, k, pred = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
    seed = int(sys.argv[6]) if len(sys.argv) > 6 else 1
    torch.set_num_threads(threads)
    torch.manual_seed(seed)
    x = torch.from_numpy(np.load(d + "/X_train.npy")).permute(0, 3, 1, 2).float() / 255
    y = torch.from_numpy(np.load(d + "/Y_train.npy").astype(np.int64))
    xv = torch.from_numpy(np.load(d + "/X_val.npy")).permute(0, 3, 1, 2).float() / 255
    # VAL_LOSS=1: also the loss on DIR/Y_val.npy after every epoch (as
    # train-fcn --val-x/--val-y reports it), outside the timed part
    yv = None
    if os.environ.get("VAL_LOSS"):
        yv = torch.from_numpy(np.load(d + "/Y_val.npy").astype(np.int64))
    m = net(k)
    keras_init(m)
    opt = torch.optim.RMSprop(m.parameters(), lr=1e-3, alpha=0.9, eps=1e-7)
    if k == 1:
        lossf = nn.BCEWithLogitsLoss()
    else:
        lossf = nn.CrossEntropyLoss(ignore_index=11)
    g = torch.Generator().manual_seed(seed)
    times = []
    for _ in range(epochs):
        t = time.perf_counter()
        loss = train_epoch(m, opt, lossf, x, y, torch.randperm(len(x), generator=g), k)
        times.append(time.perf_counter() - t)
        extra = ""
        if yv is not None:
            extra = " val_loss %.6f" % val_loss(m, xv, yv, k, lossf)
        print("EPOCH %d loss %.6f seconds %.1f%s" % (len(times), loss, times[-1], extra),
              file=sys.stderr, flush=True)
    m.eval()
    with torch.no_grad():
        outs = [m(xv[i:i + 16]) for i in range(0, len(xv), 16)]
    o = torch.cat(outs)
    ids = (o[:, 0] >= 0) if k == 1 else o.argmax(1)
    np.save(pred, ids.numpy().astype(np.uint8))
    print("SECONDS_PER_EPOCH %.1f" % (sum(times) / len(times)))


if __name__ == "__main__":
    main()
