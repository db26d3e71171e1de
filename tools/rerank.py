"""Rerank the fused top candidates with a linear model over seven relevance signals.

The hybrid fusion (``tools.retrieval``) ranks every article; this module reorders only
its top ``DEPTH``. Each candidate is described by seven scores, each once as is and
once as a z-score among the candidates (so that the model reads "better than the other
candidates" whatever the scale of the KB or the query):

    passage      best passage cosine          second    second-best passage cosine
    title        title cosine                 article   whole-article vector cosine
    bm25         BM25 over title×2+tags+body  bm25_title  BM25 over the title alone
    bm25_passage best passage BM25

The weights come from a logistic regression fitted on the WixQA questions
(``make tune-retrieval`` refits them and prints held-out metrics from nested
cross-validation); see docs/retrieval_eval.md.
"""

from __future__ import annotations

import numpy as np

FEATURES = ("passage", "second", "title", "article", "bm25", "bm25_title", "bm25_passage")
DEPTH = 10  # fused candidates reordered; chosen by nested cross-validation (10, 20 or 30)
C = 0.01  # inverse L2 strength of the fit; chosen by nested cross-validation
TITLE_SATURATION = 5.0  # BM25 over titles alone: k in bm25 / (bm25 + k)
PASSAGE_SATURATION = 20.0  # best passage BM25: k in bm25 / (bm25 + k)

# Fitted by tests/tune_retrieval.py (logistic regression, C above, balanced classes) on
# the 94 WixQA questions: z-scored features first, then raw ones, in FEATURES order.
WEIGHTS = np.array(
    [
        # z-scores among the candidates
        0.375, 0.234, 0.162, 0.362, 0.323, 0.357, 0.342,
        # raw scores
        0.029, 0.021, 0.017, 0.024, 0.030, 0.040, 0.027,
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
