#!/usr/bin/env python3
"""Raster views of a VAE's latent codes, to look at with an image viewer
(the pipeline's own scatter and histograms are SVG).

usage: vae_view.py ENC.npy LABELS.npy OUT_PREFIX

ENC.npy: the encoder's output (N, 2d) = [mu | logvar], from
`predict -m vae.safetensors --part encoder x_test.npy`.  Writes
OUT_PREFIX.scatter.png (mu_1 against mu_2 coloured by digit) and
OUT_PREFIX.hist.png (histograms of every mu and of every variance
exp(logvar)), and prints the mean and spread of both."""
import sys

import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402


def main():
    enc, labels, out = np.load(sys.argv[1]), np.load(sys.argv[2]), sys.argv[3]
    d = enc.shape[1] // 2
    mu, var = enc[:, :d], np.exp(enc[:, d:])
    fig, ax = plt.subplots(figsize=(6, 6))
    sc = ax.scatter(mu[:, 0], mu[:, 1], c=labels[:len(mu)], cmap="tab10", s=2)
    fig.colorbar(sc, ax=ax)
    ax.set_xlabel("mu 1")
    ax.set_ylabel("mu 2")
    fig.savefig(out + ".scatter.png", dpi=80)
    fig, ax = plt.subplots(1, 2, figsize=(10, 4))
    ax[0].hist(mu.ravel(), bins=60)
    ax[0].set_title("mu")
    ax[1].hist(var.ravel(), bins=60)
    ax[1].set_title("variance exp(logvar)")
    fig.savefig(out + ".hist.png", dpi=80)
    print("mu mean %.3f sd %.3f; variance mean %.4f min %.4g max %.4g"
          % (mu.mean(), mu.std(), var.mean(), var.min(), var.max()))


if __name__ == "__main__":
    main()
