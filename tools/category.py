"""Ticket category: a calibrated TF-IDF + logistic-regression classifier.

The default model is trained, on first use, from the labelled example tickets shipped
in ``tools/data/triage_examples.jsonl`` for the default taxonomy (technical, billing,
account, sales, product, feedback). Training takes well under a second.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property, lru_cache
from importlib import resources
from typing import Any

import numpy as np
from scipy.special import expit
from sklearn.calibration import CalibratedClassifierCV
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import FeatureUnion, Pipeline

from supportgraph.graph.models import Category
from supportgraph.tools.triage_features import feature_blocks, linear_margins


def subject_weighted(subject: str, message: str) -> str:
    """Join subject and message, repeating the subject: it states the topic densely."""
    return f"{subject}. {subject}. {message}"


@dataclass(frozen=True)
class LabelledTicket:
    """A training example: subject, message and its category."""

    subject: str
    message: str
    category: str


def load_examples() -> list[LabelledTicket]:
    """Read the shipped labelled example tickets."""
    text = (
        resources.files("supportgraph.tools")
        .joinpath("data/triage_examples.jsonl")
        .read_text(encoding="utf-8")
    )
    rows = [json.loads(line) for line in text.splitlines() if line.strip()]
    return [LabelledTicket(r["subject"], r["message"], r["category"]) for r in rows]


def build_pipeline() -> Pipeline:
    """Word and character n-gram TF-IDF feeding a sigmoid-calibrated logistic regression."""
    features = FeatureUnion(
        [
            ("words", TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, min_df=1)),
            (
                "chars",
                TfidfVectorizer(
                    analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True, min_df=2
                ),
            ),
        ]
    )
    model = CalibratedClassifierCV(
        LogisticRegression(C=10.0, max_iter=2000), method="sigmoid", cv=5
    )
    return Pipeline([("features", features), ("model", model)])


@dataclass(frozen=True)
class _StackedEnsemble:
    """The calibrated cross-validation ensemble as one matrix product.

    ``CalibratedClassifierCV.predict_proba`` calls five logistic regressions and
    thirty sigmoid calibrators one by one (about 3.5 ms a ticket); stacking their
    weights gives the same probabilities in one sparse product (about 0.1 ms).
    """

    coef: np.ndarray  # (folds * classes, features)
    intercept: np.ndarray  # (folds * classes,)
    a: np.ndarray  # sigmoid slope per fold and class
    b: np.ndarray  # sigmoid offset per fold and class
    classes: int

    @classmethod
    def of(cls, model: CalibratedClassifierCV) -> _StackedEnsemble | None:
        """Stack a fitted sigmoid ensemble; None when its folds differ in class order."""
        parts = model.calibrated_classifiers_
        classes = len(model.classes_)
        if classes < 3 or any(list(p.estimator.classes_) != list(model.classes_) for p in parts):
            return None
        return cls(
            coef=np.vstack([p.estimator.coef_ for p in parts]),
            intercept=np.concatenate([p.estimator.intercept_ for p in parts]),
            a=np.array([c.a_ for p in parts for c in p.calibrators]),
            b=np.array([c.b_ for p in parts for c in p.calibrators]),
            classes=classes,
        )

    def predict_proba(self, blocks: Sequence[Any]) -> np.ndarray:
        """Mean over folds of each fold's normalised per-class sigmoid probabilities."""
        margins = linear_margins(self.coef, self.intercept, blocks)
        p = expit(-(self.a * margins + self.b)).reshape(len(margins), -1, self.classes)
        return np.asarray((p / p.sum(axis=2, keepdims=True)).mean(axis=1))


@dataclass(frozen=True)
class CategoryClassifier:
    """A fitted category model with its label set."""

    pipeline: Pipeline

    @property
    def labels(self) -> list[str]:
        """Categories the model can predict."""
        return [str(label) for label in self.pipeline.classes_]

    @cached_property
    def _stacked(self) -> _StackedEnsemble | None:
        return _StackedEnsemble.of(self.pipeline.named_steps["model"])

    def probabilities(self, subject: str, message: str) -> np.ndarray:
        """Calibrated probability of each category, in ``labels`` order."""
        text = [subject_weighted(subject, message)]
        if self._stacked is None:
            return np.asarray(self.pipeline.predict_proba(text)[0])
        blocks = feature_blocks(self.pipeline.named_steps["features"], text)
        return self._stacked.predict_proba(blocks)[0]

    def predict(self, subject: str, message: str) -> tuple[Category, float]:
        """Return the most likely category and its calibrated probability."""
        probabilities = self.probabilities(subject, message)
        best = int(probabilities.argmax())
        return self.labels[best], float(probabilities[best])  # type: ignore[return-value]


def train(examples: Sequence[LabelledTicket]) -> CategoryClassifier:
    """Fit a classifier on labelled tickets."""
    pipeline = build_pipeline()
    pipeline.fit(
        [subject_weighted(e.subject, e.message) for e in examples], [e.category for e in examples]
    )
    return CategoryClassifier(pipeline)


@lru_cache(maxsize=1)
def default_classifier() -> CategoryClassifier:
    """The classifier for the default taxonomy, trained once per process."""
    return train(load_examples())
