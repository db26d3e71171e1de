"""Ticket category: a calibrated TF-IDF + logistic-regression classifier.

The default model is trained, on first use, from the labelled example tickets shipped
in ``tools/data/triage_examples.jsonl`` for the default taxonomy (technical, billing,
account, sales, product, feedback). Training takes well under a second.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from sklearn.calibration import CalibratedClassifierCV
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import FeatureUnion, Pipeline

from supportgraph.graph.models import Category


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
class CategoryClassifier:
    """A fitted category model with its label set."""

    pipeline: Pipeline

    @property
    def labels(self) -> list[str]:
        """Categories the model can predict."""
        return [str(label) for label in self.pipeline.classes_]

    def predict(self, subject: str, message: str) -> tuple[Category, float]:
        """Return the most likely category and its calibrated probability."""
        probabilities = self.pipeline.predict_proba([subject_weighted(subject, message)])[0]
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
