"""Triage features: TF-IDF n-grams of the ticket text, optionally joined by MiniLM vectors.

The text is ``subject. body``; word (1-2) and character (2-5) TF-IDF n-grams describe
it, and offline MiniLM sentence embeddings of its first tokens can join them
(:class:`FeatureSettings`). Fitted feature unions are pickled with the model
(``tools.triage.triage_model``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.sparse as sp
from sklearn import config_context
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.pipeline import FeatureUnion

from supportgraph.tools.knowledge.embeddings import DIMENSIONS


def ticket_text(fields: Sequence[str], subject_repeats: int = 1) -> str:
    """Join a ticket's text fields, the first (the subject) ``subject_repeats`` times.

    Models trained before ``FeatureSettings.subject_repeats`` existed used 2.
    """
    if len(fields) < 2:
        return " ".join(fields)
    subject, *rest = fields
    return ". ".join([subject] * subject_repeats + rest)


_MEMO_SIZE = 20_000
_memo: dict[tuple[int, str], np.ndarray] = {}


def _encode(texts: list[str], max_tokens: int) -> np.ndarray:
    """Encode texts, reusing vectors of texts seen before in this process.

    Training encodes every ticket once for the cross-validation and the final fit;
    evaluating several labels of the same file reuses them too.
    """
    from supportgraph.tools.knowledge.embeddings import fast_encoder

    keys = [(max_tokens, t) for t in texts]
    new = list(dict.fromkeys(k for k in keys if k not in _memo))
    if new:
        if len(_memo) + len(new) > _MEMO_SIZE:
            _memo.clear()
        vectors = fast_encoder().encode([t for _, t in new], max_tokens=max_tokens)
        _memo.update(zip(new, vectors, strict=True))
    return np.stack([_memo[k] for k in keys]) if keys else np.zeros((0, DIMENSIONS), np.float32)


class SentenceEmbeddings(TransformerMixin, BaseEstimator):
    """MiniLM sentence vectors as features, scaled by ``weight`` against the TF-IDF blocks.

    The encoder is the shipped offline ONNX model with int8 matrix products
    (:func:`~supportgraph.tools.knowledge.embeddings.fast_encoder`); it is not pickled.
    Only the first ``max_tokens`` tokens are encoded: encoding time grows with length
    and dominates a ticket's triage time.
    """

    def __init__(self, weight: float = 1.0, max_tokens: int = 32) -> None:
        self.weight = weight
        self.max_tokens = max_tokens

    def fit(self, texts: Sequence[str], y: Any = None) -> SentenceEmbeddings:
        """Nothing to learn: the encoder is pre-trained."""
        return self

    def transform(self, texts: Sequence[str]) -> np.ndarray:
        """Return ``(len(texts), 384)`` scaled unit vectors."""
        return _encode(list(texts), self.max_tokens) * self.weight


@dataclass(frozen=True)
class FeatureSettings:
    """Which features and classifier a model uses; defaults are the measured best.

    See docs/triage_eval.md for what each choice gave.

    Attributes:
        embeddings: Compute MiniLM sentence embeddings next to the TF-IDF blocks.
        choose_by_cv: With embeddings, also cross-validate TF-IDF alone, and let each
            head (label, priority) keep the embeddings only where they raise its
            macro-F1 by more than one standard error over the folds (embeddings help
            short English intents a lot and long bilingual tickets not at all).
        embedding_weight: Scale of the unit-length embedding block.
        embedding_tokens: Tokens of each ticket the encoder reads. 32 keeps a trained
            model's per-ticket latency under 10 ms; 256 took 13 ms at p95 for +0.003
            banking77 accuracy (docs/triage_eval.md).
        subject_repeats: Times the first text field (the subject) is written before the
            others. Twice, the earlier default, cost ticket priority ~0.01 macro-F1 in
            cross-validation and helped nothing (docs/triage_eval.md).
        c: Regularisation of the linear SVM (smaller is stronger).
        folds: Cross-validation folds for the calibration and the reported scores;
            None picks :func:`default_folds` for the file's size.
    """

    embeddings: bool = True
    choose_by_cv: bool = True
    embedding_weight: float = 2.0
    embedding_tokens: int = 32
    subject_repeats: int = 1
    c: float = 1.0
    folds: int | None = None


LARGE_FILE_ROWS = 5_000


def default_folds(rows: int) -> int:
    """Cross-validation folds for a training file of ``rows`` tickets.

    Five below 5,000 tickets, where fits are quick and every fold's training part
    should be as large as possible; three from there on, which keeps training 10k
    tickets with embeddings near 40 s on 2 cores (five took ~25 % longer for the same
    held-out accuracy, docs/triage_eval.md).
    """
    return 5 if rows < LARGE_FILE_ROWS else 3


def feature_blocks(union: FeatureUnion, texts: Sequence[str]) -> list[Any]:
    """Each fitted block's features of ``texts``, in the union's column order, unjoined.

    ``FeatureUnion.transform`` spends ~0.7 ms a ticket scheduling, validating and
    joining the blocks (a dense embedding block becomes sparse on the way);
    :func:`linear_margins` takes the blocks as they are.
    """
    if union.transformer_weights:
        return [union.transform(texts)]
    # The blocks were validated when fitted; re-checking them costs ~0.2 ms a ticket.
    with config_context(assume_finite=True, skip_parameter_validation=True):
        return [
            tfidf_rows(block, texts)
            if isinstance(block, TfidfVectorizer)
            else block.transform(texts)
            for _, block in union.transformer_list
            if block != "drop"
        ]


def tfidf_rows(vectorizer: TfidfVectorizer, texts: Sequence[str]) -> sp.csr_matrix:
    """``vectorizer.transform(texts)``, computed directly from its vocabulary and idf.

    scikit-learn's transform spends most of a single ticket's ~0.4 ms per block in input
    checks and sparse-matrix bookkeeping; this takes ~0.15 ms. Settings it does not
    reproduce (binary counts, no idf, an l1 norm, another dtype) go to ``transform``.
    """
    if (
        vectorizer.binary
        or not vectorizer.use_idf
        or vectorizer.norm not in ("l2", None)
        or vectorizer.dtype is not np.float64
    ):
        return vectorizer.transform(texts)
    analyze = vectorizer.build_analyzer()
    vocabulary = vectorizer.vocabulary_
    columns, counts, indptr = [np.zeros(0, np.int64)], [np.zeros(0, np.int64)], [0]
    for text in texts:
        ids = np.fromiter(
            (vocabulary[term] for term in analyze(text) if term in vocabulary), dtype=np.int64
        )
        row_columns, row_counts = np.unique(ids, return_counts=True)
        columns.append(row_columns)
        counts.append(row_counts)
        indptr.append(indptr[-1] + len(row_columns))
    column, tf = np.concatenate(columns), np.concatenate(counts).astype(np.float64)
    if vectorizer.sublinear_tf:
        tf = np.log(tf) + 1.0
    values = tf * vectorizer.idf_[column]
    if vectorizer.norm == "l2":
        row = np.repeat(np.arange(len(texts)), np.diff(indptr))
        norms = np.sqrt(np.bincount(row, weights=values * values, minlength=len(texts)))
        values /= np.where(norms == 0.0, 1.0, norms)[row]
    return sp.csr_matrix((values, column, np.asarray(indptr)), shape=(len(texts), len(vocabulary)))


def linear_margins(coef: np.ndarray, intercept: np.ndarray, blocks: Sequence[Any]) -> np.ndarray:
    """``joined @ coef.T + intercept``, one column per row of ``coef``, without joining."""
    margins = np.zeros((blocks[0].shape[0], coef.shape[0])) + intercept
    start = 0
    for block in blocks:
        end = start + block.shape[1]
        margins += np.asarray(block @ coef[:, start:end].T)
        start = end
    if start != coef.shape[1]:
        raise ValueError(f"features have {start} columns, the model expects {coef.shape[1]}")
    return margins


def build_features(settings: FeatureSettings) -> FeatureUnion:
    """Word (1-2) and char_wb (2-5) TF-IDF, plus scaled MiniLM vectors when enabled."""
    blocks: list[tuple[str, Any]] = [
        ("words", TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, min_df=1)),
        (
            "chars",
            TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True, min_df=2),
        ),
    ]
    if settings.embeddings:
        blocks.append(
            (
                "embeddings",
                SentenceEmbeddings(settings.embedding_weight, settings.embedding_tokens),
            )
        )
    return FeatureUnion(blocks)
