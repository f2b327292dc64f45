"""Peer of bench/word2vec.sh: gensim 4 Word2Vec with the benchmark's settings.

usage: word2vec_peer.py SENTENCES WORKERS [OUR_VECTORS]
prints "RATE <words/s>" (retained words x epochs / seconds of model.train),
"CPU_RATE <words per CPU second>" (the same over the process's CPU time),
"QUALITY_GENSIM <q>" and, with OUR_VECTORS, "QUALITY_OURS <q>", where q is
the share of the 5 nearest neighbours of each weekday and month name that
are themselves weekday or month names.
"""
import sys
import time

from gensim.models import KeyedVectors, Word2Vec
from gensim.models.word2vec import LineSentence

TIME_WORDS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
              "january", "february", "march", "april", "may", "june", "july", "august",
              "september", "october", "november", "december"]


def quality(kv):
    hits = total = 0
    for w in TIME_WORDS:
        if w not in kv.key_to_index:
            continue
        for other, _ in kv.most_similar(w, topn=5):
            hits += other in TIME_WORDS
            total += 1
    return hits / total if total else float("nan")


def main():
    path, workers = sys.argv[1], int(sys.argv[2])
    sentences = list(LineSentence(path))
    model = Word2Vec(vector_size=32, window=5, negative=5, hs=0, min_count=3, sample=1e-3,
                     sg=1, workers=workers, seed=1)
    model.build_vocab(sentences)
    retained = sum(model.wv.get_vecattr(w, "count") for w in model.wv.index_to_key)
    start, cpu_start = time.perf_counter(), time.process_time()
    model.train(sentences, total_examples=model.corpus_count, epochs=5)
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu_start
    print("RATE %.0f" % (retained * 5 / seconds))
    print("CPU_RATE %.0f" % (retained * 5 / cpu))
    print("QUALITY_GENSIM %.3f" % quality(model.wv))
    if len(sys.argv) > 3:
        print("QUALITY_OURS %.3f" % quality(KeyedVectors.load_word2vec_format(sys.argv[3])))


if __name__ == "__main__":
    main()
