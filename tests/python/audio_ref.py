#!/usr/bin/env python3
"""Reference values for nnpipe's audio front end, written with numpy only
(librosa is not installed here).  The mel filterbank follows
librosa.filters.mel (Slaney scale and area norm by default), framing and
log as documented in lib/audio/mel.h.  Test fixtures are written with the
stdlib `wave` module, independent of nnpipe's WAV writer.

  audio_ref.py fb N_MELS N_FFT SR FMIN FMAX htk|slaney slaney|none
      print the filterbank, one row per line
  audio_ref.py logmel OUT.npy RATE WIN HOP N_FFT N_MELS N_MFCC WAV...
      (N, T_max, F) float32 zero-padded, like audio-features (no resampling:
      the WAVs must be at RATE)
  audio_ref.py tone OUT.wav RATE SECONDS BYTES CHANNELS FREQ [AMP]
      a sine as PCM with BYTES 1, 2, 3 or 4 per sample (stdlib wave)
  audio_ref.py floatwav OUT.wav RATE SECONDS FREQ  (IEEE float32, mono)
"""
import struct
import sys
import wave

import numpy as np


def hz_to_mel(f, htk):
    f = np.asarray(f, dtype=np.float64)
    if htk:
        return 2595.0 * np.log10(1.0 + f / 700.0)
    f_sp = 200.0 / 3
    mels = f / f_sp
    min_log_hz, min_log_mel, logstep = 1000.0, 1000.0 / f_sp, np.log(6.4) / 27.0
    return np.where(f >= min_log_hz, min_log_mel + np.log(np.maximum(f, 1e-30) / min_log_hz) / logstep, mels)


def mel_to_hz(m, htk):
    m = np.asarray(m, dtype=np.float64)
    if htk:
        return 700.0 * (10.0 ** (m / 2595.0) - 1.0)
    f_sp = 200.0 / 3
    min_log_hz, min_log_mel, logstep = 1000.0, 1000.0 / f_sp, np.log(6.4) / 27.0
    return np.where(m >= min_log_mel, min_log_hz * np.exp(logstep * (m - min_log_mel)), f_sp * m)


def filterbank(n_mels, n_fft, sr, fmin, fmax, htk=False, norm=True):
    fftfreqs = np.linspace(0, sr / 2.0, 1 + n_fft // 2)
    mel_f = mel_to_hz(np.linspace(hz_to_mel(fmin, htk), hz_to_mel(fmax, htk), n_mels + 2), htk)
    fdiff = np.diff(mel_f)
    ramps = mel_f[:, None] - fftfreqs[None, :]
    w = np.zeros((n_mels, 1 + n_fft // 2))
    for i in range(n_mels):
        lower = -ramps[i] / fdiff[i]
        upper = ramps[i + 2] / fdiff[i + 1]
        w[i] = np.maximum(0, np.minimum(lower, upper))
    if norm:
        w *= (2.0 / (mel_f[2:n_mels + 2] - mel_f[:n_mels]))[:, None]
    return w


def read_wav(path):
    with wave.open(path, "rb") as f:
        n, ch, sw, rate = f.getnframes(), f.getnchannels(), f.getsampwidth(), f.getframerate()
        raw = f.readframes(n)
    if sw == 1:
        x = (np.frombuffer(raw, np.uint8).astype(np.float64) - 128) / 128
    elif sw == 2:
        x = np.frombuffer(raw, "<i2") / 32768.0
    elif sw == 4:
        x = np.frombuffer(raw, "<i4") / 2147483648.0
    else:
        b = np.frombuffer(raw, np.uint8).reshape(-1, 3).astype(np.int32)
        v = b[:, 0] | (b[:, 1] << 8) | (b[:, 2] << 16)
        x = np.where(v >= 1 << 23, v - (1 << 24), v) / 8388608.0
    return x.astype(np.float32).astype(np.float64).reshape(-1, ch).mean(axis=1), rate


def logmel(x, rate, win, hop, n_fft, n_mels, n_mfcc):
    n = len(x)
    T = 1 if n < win else 1 + (n - win) // hop
    window = 0.5 - 0.5 * np.cos(2 * np.pi * np.arange(win) / win)
    fb = filterbank(n_mels, n_fft, rate, 0.0, rate / 2.0)
    out = []
    for t in range(T):
        seg = np.zeros(win)
        s = x[t * hop:t * hop + win]
        seg[:len(s)] = s
        spec = np.fft.rfft(seg * window, n_fft)
        p = np.abs(spec) ** 2
        out.append(10 * np.log10(np.maximum(fb @ p, 1e-10)))
    lm = np.array(out)
    if n_mfcc:
        k = np.arange(n_mels)
        dct = np.array([np.cos(np.pi * j * (2 * k + 1) / (2 * n_mels)) * np.sqrt((2.0 if j else 1.0) / n_mels)
                        for j in range(n_mfcc)])
        lm = lm @ dct.T
    return lm


def write_pcm(path, rate, data, sw, ch):
    """data: frames x ch floats in [-1, 1)."""
    scale = {1: 128, 2: 32768, 3: 8388608, 4: 2147483648}[sw]
    v = np.clip(np.round(data * scale), -scale, scale - 1).astype(np.int64).reshape(-1)
    if sw == 1:
        raw = (v + 128).astype(np.uint8).tobytes()
    elif sw == 2:
        raw = v.astype("<i2").tobytes()
    elif sw == 4:
        raw = v.astype("<i4").tobytes()
    else:
        u = v & 0xFFFFFF
        raw = np.stack([u & 255, (u >> 8) & 255, (u >> 16) & 255], axis=1).astype(np.uint8).tobytes()
    with wave.open(path, "wb") as f:
        f.setnchannels(ch)
        f.setsampwidth(sw)
        f.setframerate(rate)
        f.writeframes(raw)


def main(argv):
    cmd = argv[1]
    if cmd == "fb":
        n_mels, n_fft, sr = int(argv[2]), int(argv[3]), float(argv[4])
        w = filterbank(n_mels, n_fft, sr, float(argv[5]), float(argv[6]), argv[7] == "htk", argv[8] == "slaney")
        for row in w:
            print(" ".join("%.9g" % v for v in row))
    elif cmd == "logmel":
        out, rate, win, hop, n_fft, n_mels, n_mfcc = argv[2], *map(int, argv[3:9])
        feats = []
        for p in argv[9:]:
            x, r = read_wav(p)
            assert r == rate, (p, r)
            feats.append(logmel(x, rate, win, hop, n_fft, n_mels, n_mfcc))
        T = max(len(f) for f in feats)
        a = np.zeros((len(feats), T, feats[0].shape[1]), np.float32)
        for i, f in enumerate(feats):
            a[i, :len(f)] = f
        np.save(out, a)
    elif cmd == "tone":
        out, rate, secs, sw, ch, freq = argv[2], int(argv[3]), float(argv[4]), int(argv[5]), int(argv[6]), float(argv[7])
        amp = float(argv[8]) if len(argv) > 8 else 0.5
        t = np.arange(int(round(rate * secs))) / rate
        x = amp * np.sin(2 * np.pi * freq * t)
        # channels: the tone, then the tone scaled by 0.5, 0.25...
        data = np.stack([x * 0.5 ** c for c in range(ch)], axis=1)
        write_pcm(out, rate, data, sw, ch)
    elif cmd == "floatwav":
        out, rate, secs, freq = argv[2], int(argv[3]), float(argv[4]), float(argv[5])
        t = np.arange(int(round(rate * secs))) / rate
        raw = (0.5 * np.sin(2 * np.pi * freq * t)).astype("<f4").tobytes()
        fmt = struct.pack("<HHIIHHH", 3, 1, rate, rate * 4, 4, 32, 0)
        body = b"WAVE" + b"fmt " + struct.pack("<I", len(fmt)) + fmt + b"data" + struct.pack("<I", len(raw)) + raw
        with open(out, "wb") as f:
            f.write(b"RIFF" + struct.pack("<I", len(body)) + body)
    else:
        sys.exit("unknown command " + cmd)


if __name__ == "__main__":
    main(sys.argv)
