"""Gensim 4 word vectors for bench/ner_vectors.sh, with the assignment's settings.

usage: gensim_vectors.py SENTENCES SEED OUT.txt
Skip-gram, 32 dimensions, window 5, negative 5, min-count 3, sample 1e-3,
5 iterations, one worker (reproducible for a seed), written in word2vec's
text format by KeyedVectors.save_word2vec_format for train-rnn --vectors.
"""
import sys

from gensim.models import Word2Vec
from gensim.models.word2vec import LineSentence


def main():
    path, seed, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    model = Word2Vec(LineSentence(path), vector_size=32, window=5, negative=5, hs=0, min_count=3,
                     sample=1e-3, sg=1, workers=1, epochs=5, seed=seed)
    model.wv.save_word2vec_format(out, binary=False)


if __name__ == "__main__":
    main()
