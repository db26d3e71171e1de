"""Sentiment of a customer message (VADER), as negative / neutral / positive."""

from __future__ import annotations

from functools import lru_cache

from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from supportgraph.graph.models import Sentiment

NEGATIVE_BELOW = -0.3
POSITIVE_ABOVE = 0.3


@lru_cache(maxsize=1)
def _analyzer() -> SentimentIntensityAnalyzer:
    return SentimentIntensityAnalyzer()


def sentiment(text: str) -> tuple[Sentiment, float]:
    """Return the label and VADER's compound score in [-1, 1] for ``text``."""
    score = float(_analyzer().polarity_scores(text)["compound"])
    if score <= NEGATIVE_BELOW:
        return "negative", score
    if score >= POSITIVE_ABOVE:
        return "positive", score
    return "neutral", score
