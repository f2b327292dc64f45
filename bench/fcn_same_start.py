"""PyTorch trains the segmentation network from train-fcn's own start:
the weights of `train-fcn -e 0 --seed S` and, every epoch, the order
train-fcn's shuffle gives (bench/nnpipe_rng.py replicates lib/math/rng.c).
The two runs then differ only in rounding, so their curves show whether
a difference between the sides comes from the code or from the seed.

usage: fcn_same_start.py DIR INIT.safetensors EPOCHS K PRED.npy SEED
DIR as bench/fcn_peer.py reads it (X_train, Y_train, X_val, Y_val .npy);
K 1 (binary) or the number of classes (label 11 ignored); SEED the seed
INIT was made with (it picks the orders).  Logs per epoch the training
loss and the val loss (Keras's clipped BCE for K = 1, as train-fcn
reports them) on stderr; writes the val predictions to PRED.npy."""
import os
import sys

import numpy as np
import torch
from torch import nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fcn_paired_step import load_nnpipe_weights, read_safetensors  # noqa: E402
from fcn_peer import net, train_epoch, val_loss  # noqa: E402
from nnpipe_rng import shuffled  # noqa: E402


def main():
    d, init, epochs, k, pred, seed = sys.argv[1:7]
    epochs, k, seed = int(epochs), int(k), int(seed)
    torch.set_num_threads(1)
    x = torch.from_numpy(np.load(d + "/X_train.npy")).permute(0, 3, 1, 2).float() / 255
    y = torch.from_numpy(np.load(d + "/Y_train.npy").astype(np.int64))
    xv = torch.from_numpy(np.load(d + "/X_val.npy")).permute(0, 3, 1, 2).float() / 255
    yv = torch.from_numpy(np.load(d + "/Y_val.npy").astype(np.int64))
    m = net(k)
    load_nnpipe_weights(m, read_safetensors(init))
    opt = torch.optim.RMSprop(m.parameters(), lr=1e-3, alpha=0.9, eps=1e-7)
    lossf = nn.BCEWithLogitsLoss() if k == 1 else nn.CrossEntropyLoss(ignore_index=11)
    for epoch in range(epochs):
        loss = train_epoch(m, opt, lossf, x, y, torch.tensor(shuffled(seed, epoch, len(x))), k)
        print("EPOCH %d loss %.6f val_loss %.6f" % (epoch + 1, loss, val_loss(m, xv, yv, k, lossf)),
              file=sys.stderr, flush=True)
    m.eval()
    with torch.no_grad():
        o = torch.cat([m(xv[i:i + 16]) for i in range(0, len(xv), 16)])
    ids = (o[:, 0] >= 0) if k == 1 else o.argmax(1)
    np.save(pred, ids.numpy().astype(np.uint8))


if __name__ == "__main__":
    main()
