"""A replica of lib/math/rng.c (splitmix64 seeding, xoshiro256**, streams,
the Fisher-Yates shuffle of lib/nn/train.c), for bench scripts that
reproduce train-fcn's draws in Python; checked against the first layer
of `train-fcn -e 0` (bench/fcn_same_start.py)."""
M = (1 << 64) - 1

def splitmix64(x):
    x = (x + 0x9e3779b97f4a7c15) & M
    z = x
    z = ((z ^ (z >> 30)) * 0xbf58476d1ce4e5b9) & M
    z = ((z ^ (z >> 27)) * 0x94d049bb133111eb) & M
    return x, z ^ (z >> 31)

def rotl(x, k):
    return ((x << k) | (x >> (64 - k))) & M

class Rng:
    def __init__(self, seed):
        x = seed & M
        self.s = []
        for _ in range(4):
            x, v = splitmix64(x)
            self.s.append(v)

    @classmethod
    def split(cls, seed, stream):
        x = (seed ^ 0x6a09e667f3bcc909) & M
        _, v = splitmix64(x)
        mixed = v ^ ((stream * 0xd1342543de82ef95 + 0x2545f4914f6cdd1d) & M)
        return cls(mixed)

    def u64(self):
        s = self.s
        result = (rotl((s[1] * 5) & M, 7) * 9) & M
        t = (s[1] << 17) & M
        s[2] ^= s[0]; s[3] ^= s[1]; s[1] ^= s[2]; s[0] ^= s[3]; s[2] ^= t
        s[3] = rotl(s[3], 45)
        return result

    def uniform(self):
        return (self.u64() >> 11) * 2.0 ** -53

    def below(self, n):
        if n <= 1:
            return 0
        limit = M - M % n
        while True:
            x = self.u64()
            if x < limit:
                return x % n

def shuffled(seed, epoch, n):
    r = Rng.split(seed, epoch)
    a = list(range(n))
    for i in range(n - 1, 0, -1):
        j = r.below(i + 1)
        a[i], a[j] = a[j], a[i]
    return a
