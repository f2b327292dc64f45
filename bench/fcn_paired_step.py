"""One training step of the segmentation network on both sides from the
same weights: PyTorch (bench/fcn_peer.py's network, Keras's alignment)
loads an nnpipe model file written before training, computes the binary
cross-entropy of one batch and its gradients, and compares them with the
step train-fcn took from the same file with plain SGD at learning rate 1
(so that the weights moved by exactly minus the gradient).

usage: fcn_paired_step.py INIT.safetensors AFTER.safetensors X.npy Y.npy LOSS [K IGNORE]
X (N, H, W, 3) uint8 and Y (N, H, W) label ids: the batch (all of it);
LOSS the loss train-fcn reported.  Without K, 1 is the positive class (as
train-fcn --classes binary:1, sigmoid and binary cross-entropy); with K,
the K classes and label IGNORE left out (train-fcn --classes K --ignore
IGNORE, softmax and cross-entropy).  Prints one line per parameter tensor and a last
line "MAX_REL_DIFF d" (the largest of |ours - torch| / max|torch| over the
tensors, and the loss's relative difference)."""
import json
import os
import struct
import sys

import numpy as np
import torch
from torch import nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fcn_peer import keras_bce, net  # noqa: E402

NAMES = ["conv2d", "conv2d_1", "conv2d_2", "conv2d_3", "conv2d_4", "conv2d_5",
         "conv2d_transpose", "conv2d_transpose_1", "conv2d_transpose_2"]


def read_safetensors(path):
    with open(path, "rb") as f:
        b = f.read()
    n = struct.unpack("<Q", b[:8])[0]
    header = json.loads(b[8:8 + n])
    tensors = {}
    for k, v in header.items():
        if k == "__metadata__":
            continue
        s, e = v["data_offsets"]
        tensors[k] = np.frombuffer(b[8 + n + s:8 + n + e], "<f4").reshape(v["shape"]).copy()
    return tensors


def load_nnpipe_weights(m, w0):
    """copy an nnpipe model's tensors (read_safetensors) into net(k)'s
    convolutions.  Keras layouts: conv (kh, kw, in, out), transposed conv
    (kh, kw, out, in); PyTorch: Conv2d (out, in, kh, kw), ConvTranspose2d
    (in, out, kh, kw).  Returns the convolutions in NAMES order."""
    convs = [c for c in m.modules() if isinstance(c, (nn.Conv2d, nn.ConvTranspose2d))]
    with torch.no_grad():
        for c, name in zip(convs, NAMES):
            c.weight.copy_(torch.from_numpy(w0["model.%s.kernel" % name].transpose(3, 2, 0, 1).copy()))
            c.bias.copy_(torch.from_numpy(w0["model.%s.bias" % name]))
    return convs


def main():
    init, after, xpath, ypath, ours_loss = sys.argv[1:6]
    k = int(sys.argv[6]) if len(sys.argv) > 6 else 1
    w0, w1 = read_safetensors(init), read_safetensors(after)
    m = net(k)
    convs = load_nnpipe_weights(m, w0)
    x = torch.from_numpy(np.load(xpath)).permute(0, 3, 1, 2).float() / 255
    labels = np.load(ypath)
    if k == 1:
        y = torch.from_numpy((labels == 1).astype(np.float32))  # train-fcn --classes binary:1
        def lossf(out, t):
            return nn.BCEWithLogitsLoss()(out[:, 0], t)
    else:
        y = torch.from_numpy(labels.astype(np.int64))
        lossf = nn.CrossEntropyLoss(ignore_index=int(sys.argv[7]))
    loss = lossf(m(x), y)
    loss.backward()
    worst = abs(float(ours_loss) - float(loss)) / float(loss)
    print("loss\tnnpipe %.6f\ttorch %.6f" % (float(ours_loss), float(loss)))
    if os.environ.get("RMSPROP_STEPS"):
        # AFTER is train-fcn's weights after that many RMSprop steps (lr
        # 1e-3, rho 0.9, eps 1e-7) on this one batch: take them here too
        # and compare the weights, not the gradients
        opt = torch.optim.RMSprop(m.parameters(), lr=1e-3, alpha=0.9, eps=1e-7)
        out = m(x)
        losses, clipped = [float(lossf(out, y))], [float(keras_bce(out[:, 0], y).mean())]
        for step in range(int(os.environ["RMSPROP_STEPS"])):
            if step:
                opt.zero_grad()
                out = m(x)
                lt = lossf(out, y)
                lt.backward()
                losses.append(float(lt))
                clipped.append(float(keras_bce(out[:, 0], y).mean()))
            opt.step()
        print("torch losses\t" + " ".join("%.6f" % v for v in losses))
        print("torch losses, clipped as Keras\t" + " ".join("%.6f" % v for v in clipped))
        for c, name in zip(convs, NAMES):
            for part, t in (("kernel", c.weight.detach().numpy().transpose(2, 3, 1, 0)), ("bias", c.bias.detach().numpy())):
                key = "model.%s.%s" % (name, part)
                # RMSprop moves a weight by about lr / sqrt(1 - rho) whatever
                # the size of its gradient, so where the gradient is near 0
                # rounding picks the direction: compare the norms of the
                # whole tensors' moves, not single weights
                moved = float(np.linalg.norm(t - w0[key]))
                rel = float(np.linalg.norm(w1[key] - t)) / moved
                worst = max(worst, rel)
                print("%s\t|moved| %.3e\t|diff| / |moved| %.1e" % (key, moved, rel))
        print("MAX_REL_DIFF %.1e" % worst)
        return
    for c, name in zip(convs, NAMES):
        for part, g in (("kernel", c.weight.grad.numpy().transpose(2, 3, 1, 0)), ("bias", c.bias.grad.numpy())):
            key = "model.%s.%s" % (name, part)
            ours = w0[key] - w1[key]
            rel = float(np.abs(ours - g).max() / np.abs(g).max())
            worst = max(worst, rel)
            print("%s\tmax|g| %.3e\tmax rel diff %.1e" % (key, np.abs(g).max(), rel))
    print("MAX_REL_DIFF %.1e" % worst)


if __name__ == "__main__":
    main()
