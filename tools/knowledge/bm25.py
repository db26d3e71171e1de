"""Okapi BM25 over texts already cut into terms, in numpy alone.

Lucene's variant, the scoring ``bm25s`` uses by default (Kamphuis et al., ECIR 2020):

    idf(t)    = ln(1 + (N - df + 0.5) / (df + 0.5))
    score(d)  = sum over the query's terms t in d of
                idf(t) * tf / (k1 * (1 - b + b * |d| / avgdl) + tf)

Each (term, document) score is worked out once when the index is built, in float64 and
stored as float32, and a query adds up its terms' stored scores, a term named twice
counting twice. The sums are the same, to the bit, as ``bm25s.BM25`` gives for the same
terms (tests/test_bm25.py checks it); importing ``bm25s`` took a quarter of a second
before every process's first search, most of it SciPy's sparse module.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence

import numpy as np


class BM25:
    """A BM25 index of ``documents``, each a list of terms (words, stems, word pairs)."""

    def __init__(self, documents: Sequence[Sequence[str]], k1: float = 1.5, b: float = 0.75):
        self.k1, self.b = k1, b
        self._vocabulary: dict[str, int] = {}
        counted = [Counter(terms) for terms in documents]
        term_ids = np.fromiter(
            (
                self._vocabulary.setdefault(term, len(self._vocabulary))
                for c in counted
                for term in c
            ),
            dtype=np.int64,
        )
        doc_ids = np.repeat(
            np.arange(len(counted)), np.array([len(c) for c in counted], dtype=np.int64)
        )
        frequency = np.fromiter((n for c in counted for n in c.values()), dtype=np.float64)
        self.size = len(documents)
        lengths = np.array([len(terms) for terms in documents], dtype=np.float64)
        average = np.array([len(terms) for terms in documents]).mean() if self.size else 1.0
        in_docs = np.bincount(term_ids, minlength=len(self._vocabulary))
        # math.log, float64, then float32: the operations, and so the bits, bm25s uses
        idf = np.array(
            [math.log(1 + (self.size - df + 0.5) / (df + 0.5)) for df in in_docs.tolist()],
            dtype=np.float32,
        ).astype(np.float64)
        norm = k1 * ((1 - b) + b * lengths[doc_ids] / average)
        scores = (idf[term_ids] * (frequency / (norm + frequency))).astype(np.float32)
        # Postings grouped by term: the documents holding term i are in
        # self._docs[self._starts[i] : self._starts[i + 1]].
        order = np.argsort(term_ids, kind="stable")
        self._docs = doc_ids[order]
        self._scores = scores[order]
        self._starts = np.zeros(len(self._vocabulary) + 1, dtype=np.int64)
        np.cumsum(in_docs, out=self._starts[1:])

    def __len__(self) -> int:
        return self.size

    def scores(self, terms: Sequence[str]) -> np.ndarray:
        """Each document's score for the query ``terms`` (float32; 0 where none occurs)."""
        total = np.zeros(self.size, dtype=np.float32)
        for term in terms:
            i = self._vocabulary.get(term)
            if i is not None:
                start, end = self._starts[i], self._starts[i + 1]
                total[self._docs[start:end]] += self._scores[start:end]
        return total
