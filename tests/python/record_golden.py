#!/usr/bin/env python3
"""Record PyTorch reference values for tests/unit/test_nn_golden.c.

A small fixed network (conv2d, batch norm, max-pool, conv2d_transpose with
stride 2, conv2d with stride 2 and TensorFlow 'same' padding, nearest
upsampling, flatten in NHWC order, dense) with the Keras binary
cross-entropy, and the losses/KL terms on fixed values: loss and every
gradient, computed in float64 from the same float32 weights.  Weights are
given in Keras layouts and permuted here, so the test also pins the
layout conventions of docs/model-format.md.

Usage: /usr/bin/python3 tests/python/record_golden.py   (rewrites the block
between the GOLDEN markers of tests/unit/test_nn_golden.c)
"""
import math
import os
import re

import numpy as np
import torch
import torch.nn.functional as F

torch.set_default_dtype(torch.float64)


def f32(a):
    return np.asarray(a, dtype=np.float32).astype(np.float64)


def pattern(count, k, kind):
    """The weight formula shared with the C test (evaluated in float32)."""
    i = np.arange(count, dtype=np.float64)
    if kind == "kernel":
        v = 0.5 * np.sin(0.7 * i + 1.3 * k + 0.1)
    elif kind == "gamma":
        v = 1.0 + 0.1 * np.sin(0.7 * i + 1.3 * k)
    else:  # bias, beta
        v = 0.1 * np.cos(0.9 * i + 1.3 * k)
    return f32(v)


# parameters in model order (Keras layouts)
SHAPES = [
    ("conv2d.kernel", (3, 3, 1, 4), "kernel"), ("conv2d.bias", (4,), "bias"),
    ("batch_normalization.gamma", (4,), "gamma"), ("batch_normalization.beta", (4,), "beta"),
    ("conv2d_transpose.kernel", (3, 3, 3, 4), "kernel"), ("conv2d_transpose.bias", (3,), "bias"),
    ("conv2d_1.kernel", (3, 3, 3, 2), "kernel"), ("conv2d_1.bias", (2,), "bias"),
    ("dense.kernel", (72, 4), "kernel"), ("dense.bias", (4,), "bias"),
]


def network():
    params = []
    for k, (name, shape, kind) in enumerate(SHAPES):
        t = torch.tensor(pattern(int(np.prod(shape)), k, kind).reshape(shape), requires_grad=True)
        params.append(t)
    i = np.arange(72, dtype=np.float64)
    x = torch.tensor(f32(0.5 + 0.5 * np.sin(0.37 * i)).reshape(2, 6, 6, 1), requires_grad=True)
    t = torch.tensor(f32(0.5 + 0.4 * np.cos(1.1 * np.arange(8))).reshape(2, 4))
    (k1, b1, gamma, beta, kt, bt, k2, b2, kd, bd) = params
    h = x.permute(0, 3, 1, 2)                                   # NCHW
    h = F.relu(F.conv2d(h, k1.permute(3, 2, 0, 1), b1, padding=1))
    mean = h.mean(dim=(0, 2, 3), keepdim=True)
    var = ((h - mean) ** 2).mean(dim=(0, 2, 3), keepdim=True)   # biased, as in training
    h = gamma.view(1, -1, 1, 1) * (h - mean) / torch.sqrt(var + 1e-3) + beta.view(1, -1, 1, 1)
    h = F.max_pool2d(h, 2)                                      # (2, 4, 3, 3)
    # Keras convT kernel (kh, kw, out, in) -> torch (in, out, kh, kw); TF
    # 'same' for k=3, s=2 crops the last row and column of the full output
    h = F.conv_transpose2d(h, kt.permute(3, 2, 0, 1), bt, stride=2)[:, :, :6, :6]
    h = torch.tanh(h)
    h = F.pad(h, (0, 1, 0, 1))                                  # TF 'same', stride 2: pad at the end
    h = F.conv2d(h, k2.permute(3, 2, 0, 1), b2, stride=2)      # (2, 2, 3, 3)
    h = h.repeat_interleave(2, dim=2).repeat_interleave(2, dim=3)
    h = h.permute(0, 2, 3, 1).reshape(2, 72)                    # flatten in NHWC order
    p = torch.sigmoid(h @ kd + bd)
    eps = 1e-7
    pc = p.clamp(eps, 1 - eps)
    loss = -(t * torch.log(pc + eps) + (1 - t) * torch.log(1 - pc + eps)).mean()
    loss.backward()
    grads = [("dx", x.grad)] + [(name, prm.grad) for (name, _, _), prm in zip(SHAPES, params)]
    return loss.item(), grads


def losses():
    i = np.arange(12, dtype=np.float64)
    z = torch.tensor(f32(1.5 * np.sin(0.8 * i + 0.3)).reshape(3, 4), requires_grad=True)
    lv = torch.tensor(f32(0.7 * np.cos(0.6 * i)).reshape(3, 4), requires_grad=True)
    t = torch.tensor(f32(0.5 + 0.45 * np.sin(1.7 * i)).reshape(3, 4))
    labels = torch.tensor([2, -1, 0])
    mask = torch.tensor(f32([1.0, 1.0, 0.5]))
    cw = torch.tensor(f32([1.0, 2.0, 0.5, 1.0]))
    out = {}
    # sparse categorical cross-entropy from logits, masked, ignored label, class weights, /3
    logp = torch.log_softmax(z, dim=1)
    keep = labels != -1
    y = labels.clamp(min=0)
    per = -logp[torch.arange(3), y] * cw[y] * mask * keep
    cce = per.sum() / 3
    out["cce"] = (cce, torch.autograd.grad(cce, z)[0])
    # KL(N(mu, exp(lv)) || N(0, I)) with mu = z, /3
    kl = -0.5 * (1 + lv - z ** 2 - torch.exp(lv)).sum() / 3
    gmu, glv = torch.autograd.grad(kl, (z, lv))
    out["klg"] = (kl, gmu, glv)
    # KL(softmax(z) || uniform(4)), /3
    q = torch.softmax(z, dim=1)
    klc = ((q * torch.log(q)).sum() + 3 * math.log(4)) / 3
    out["klc"] = (klc, torch.autograd.grad(klc, z)[0])
    # binary cross-entropy from logits, mean
    bl = F.binary_cross_entropy_with_logits(z, t, reduction="mean")
    out["bcel"] = (bl, torch.autograd.grad(bl, z)[0])
    return out


def carray(name, values):
    vals = ", ".join("%.10g" % v for v in np.asarray(values, dtype=np.float64).ravel())
    return "static const double %s[] = {%s};\n" % (name, vals)


def main():
    loss, grads = network()
    text = "/* recorded by tests/python/record_golden.py with torch %s */\n" % torch.__version__
    text += "static const double GOLDEN_LOSS = %.12g;\n" % loss
    for name, g in grads:
        text += carray("G_" + re.sub(r"[^A-Za-z0-9]", "_", name), g.detach().numpy())
    L = losses()
    text += "static const double CCE = %.12g;\n" % L["cce"][0].item()
    text += carray("CCE_G", L["cce"][1].numpy())
    text += "static const double KLG = %.12g;\n" % L["klg"][0].item()
    text += carray("KLG_GMU", L["klg"][1].numpy())
    text += carray("KLG_GLV", L["klg"][2].numpy())
    text += "static const double KLC = %.12g;\n" % L["klc"][0].item()
    text += carray("KLC_G", L["klc"][1].numpy())
    text += "static const double BCEL = %.12g;\n" % L["bcel"][0].item()
    text += carray("BCEL_G", L["bcel"][1].numpy())
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "unit", "test_nn_golden.c")
    src = open(path).read()
    start, end = "/* GOLDEN BEGIN */\n", "/* GOLDEN END */\n"
    a, b = src.index(start) + len(start), src.index(end)
    open(path, "w").write(src[:a] + text + src[b:])
    print("loss %.9g; wrote %s" % (loss, os.path.normpath(path)))


if __name__ == "__main__":
    main()
