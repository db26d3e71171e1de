"""A fitted TF-IDF vocabulary, read back without importing scikit-learn.

Training fits scikit-learn's ``TfidfVectorizer`` (tools/triage/judgement.py); judging
needs only what the fit left: the analyzer that cuts a text into terms, the vocabulary
and the idf weights. Importing scikit-learn takes about two seconds (it imports
``scipy.stats``), which every new process paid before its first ticket. This class
cuts terms exactly as the vectorizer does for the two settings the judgement uses
(lower-cased words and word pairs; lower-cased char n-grams inside words), and
tests/test_judgement.py checks its rows against scikit-learn's on the shipped model.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np

# scikit-learn's defaults for the settings the judgement does not change.
_TOKEN = re.compile(r"(?u)\b\w\w+\b")
_WHITE_SPACES = re.compile(r"\s\s+")


class FittedTfidf:
    """The parts of a fitted ``TfidfVectorizer`` that turn a text into weighted terms.

    Attributes mirror scikit-learn's (``analyzer``, ``ngram_range``, ``lowercase``,
    ``preprocessor``, ``strip_accents``, ``vocabulary_``, ``idf_``), so the judgement's
    counting (``term_counts``, ``tfidf_from_counts``) reads either.
    """

    lowercase = True
    preprocessor = None
    strip_accents = None

    def __init__(self, params: Mapping[str, Any], vocabulary: dict[str, int], idf: Any) -> None:
        self.analyzer: str = params.get("analyzer", "word")
        if self.analyzer not in ("word", "char_wb") or params.get("lowercase", True) is not True:
            raise ValueError(f"FittedTfidf reads lower-cased word or char_wb terms, not {params}")
        low, high = params["ngram_range"]
        self.ngram_range: tuple[int, int] = (int(low), int(high))
        self.vocabulary_ = vocabulary
        self.idf_ = np.asarray(idf, np.float64)

    def build_analyzer(self) -> Callable[[str], list[str]]:
        """The function that cuts a text into terms, as the fitted vectorizer's does."""
        if self.analyzer == "char_wb":
            return lambda text: self._char_wb_ngrams(text.lower())
        return lambda text: self._word_ngrams(_TOKEN.findall(text.lower()))

    def _char_wb_ngrams(self, text: str) -> list[str]:
        """Char n-grams inside words, each word padded with a space either side."""
        low, high = self.ngram_range
        grams: list[str] = []
        for word in _WHITE_SPACES.sub(" ", text).split():
            padded = f" {word} "
            for n in range(low, high + 1):
                if len(padded) <= n:
                    grams.append(padded)  # a short word counts once, whole
                    break
                grams.extend(padded[i : i + n] for i in range(len(padded) - n + 1))
        return grams

    def _word_ngrams(self, tokens: list[str]) -> list[str]:
        """The tokens, then each run of 2 … n of them joined by spaces."""
        low, high = self.ngram_range
        grams = list(tokens) if low == 1 else []
        for n in range(max(low, 2), min(high, len(tokens)) + 1):
            grams.extend(" ".join(tokens[i : i + n]) for i in range(len(tokens) - n + 1))
        return grams
