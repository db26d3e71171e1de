"""Rerank the fused top candidates with a linear model over eight relevance signals.

The hybrid fusion (``tools.knowledge.retrieval``) ranks every article; this module reorders only
its top ``DEPTH``. Each candidate is described by eight scores, each once as is and
once as a z-score among the candidates (so that the model reads "better than the other
candidates" whatever the scale of the KB or the query):

    passage      best passage cosine          second    second-best passage cosine
    title        title cosine                 article   whole-article vector cosine
    bm25         BM25 over title×2+tags+body  bm25_title  BM25 over the title alone
    bm25_passage best passage BM25            phrase    BM25 over word pairs (title×2+body)

The weights come from a logistic regression fitted on the WixQA questions
(``make tune-retrieval`` refits them and prints held-out metrics from nested
cross-validation); see docs/retrieval_eval.md.
"""

from __future__ import annotations

import numpy as np

FEATURES = (
    "passage",
    "second",
    "title",
    "article",
    "bm25",
    "bm25_title",
    "bm25_passage",
    "phrase",
)
DEPTH = 10  # fused candidates reordered; chosen by nested cross-validation (10, 20 or 30)
C = 0.01  # inverse L2 strength of the fit; chosen by nested cross-validation
TITLE_SATURATION = 5.0  # BM25 over titles alone: k in bm25 / (bm25 + k)
PASSAGE_SATURATION = 20.0  # best passage BM25: k in bm25 / (bm25 + k)
PHRASE_SATURATION = 10.0  # BM25 over word pairs: k in bm25 / (bm25 + k)

# Fitted by tests/tune_retrieval.py (logistic regression, C above, balanced classes) on
# the 94 WixQA questions: z-scored features first, then raw ones, in FEATURES order.
WEIGHTS = np.array(
    [
        # z-scores among the candidates
        0.355, 0.208, 0.171, 0.351, 0.281, 0.338, 0.289, 0.290,
        # raw scores
        0.026, 0.017, 0.015, 0.021, 0.025, 0.034, 0.021, 0.030,
    ],
    dtype=np.float64,
)  # fmt: skip


def saturate(scores: np.ndarray, k: float) -> np.ndarray:
    """Map non-negative BM25 scores onto 0..1 (``k`` scores 0.5)."""
    return scores / (scores + k)


def design(raw: np.ndarray) -> np.ndarray:
    """Model inputs of candidates: z-scores among them, then the raw scores.

    Args:
        raw: One row per candidate, one column per name in ``FEATURES``.
    """
    spread = raw.std(axis=0) + 1e-9
    return np.concatenate([(raw - raw.mean(axis=0)) / spread, raw], axis=1)


def rerank_scores(raw: np.ndarray, weights: np.ndarray = WEIGHTS) -> np.ndarray:
    """Model score of each candidate (higher is better; only the order is meaningful)."""
    return design(raw) @ weights
