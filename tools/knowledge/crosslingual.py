"""Cross-lingual KB search: a question not in English finds the article that answered its like.

The KB and its MiniLM index are English. For a question in another language that the
hybrid search leaves without a hit, the multilingual Universal Sentence Encoder
(``tools.triage.multilingual``, loaded for triage anyway) compares it with a bank of
answered questions: labelled tickets in four languages, each with the articles that
answer it, or none (``tools/data/kb_questions.jsonl``). The article is taken only when

- of the ``NEIGHBOURS`` most similar bank questions, those at ``MIN_SIMILARITY`` or
  more (at least one) all name it: one that no article answers is a vote for a gap, and
- the question itself is closest to that article's passages (USE cosine), too.

Comparing the question with the articles alone ranked the right one first for most
questions, but scored "can the CSV export use semicolons?" higher on the export
article than most answerable questions scored on theirs: no threshold kept the wrong
answers out (docs/retrieval_eval.md, "Questions not in English"). Questions are
compared with questions instead, and a topic the bank has not seen stays a gap.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Protocol

import numpy as np

from supportgraph.graph.models import KBHit
from supportgraph.tools import shipped_data
from supportgraph.tools.knowledge.kb import SHIPPED, Article, read_articles
from supportgraph.tools.knowledge.passages import chunk_article

# Chosen on the tuning half of tests/data/judgement/kb_labels.json (docs/retrieval_eval.md).
NEIGHBOURS = 2  # most similar bank questions that are asked
MIN_SIMILARITY = 0.45  # USE cosine from which a bank question counts as the same question
TITLE_WEIGHT = 0.2  # share of the title cosine in an article's score (the rest: best passage)


class SentenceEncoder(Protocol):
    """Anything that turns texts into unit vectors (``MultilingualEncoder``)."""

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Return one L2-normalised row per text."""
        ...


@dataclass(frozen=True)
class AnsweredQuestion:
    """A question a person read, with the articles that answer it (none: a gap)."""

    question: str
    articles: tuple[str, ...]


def bank_path() -> Path:
    """The shipped bank of answered questions (for the shipped KB)."""
    return shipped_data("kb_questions.jsonl")


def read_bank(path: Path) -> list[AnsweredQuestion]:
    """Read a bank: one JSON object per line with ``question`` and ``articles``."""
    bank = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
            bank.append(AnsweredQuestion(record["question"], tuple(record["articles"])))
        except (ValueError, KeyError, TypeError) as exc:
            raise ValueError(
                f"{path}:{number}: expected {{'question': str, 'articles': [ids]}} ({exc})"
            ) from None
    return bank


class CrossLingualSearch:
    """Find the article a non-English question needs through the questions answered before."""

    def __init__(
        self,
        articles: Sequence[Article],
        bank: Sequence[AnsweredQuestion],
        encoder: SentenceEncoder,
        chunk_words: int = 100,
    ) -> None:
        """Hold the articles and the bank; both are encoded at the first search.

        Args:
            articles: The KB's published articles (English).
            bank: Answered questions; those naming an article not in ``articles`` are
                left out, so a bank never cites an article the KB does not have.
            encoder: The multilingual encoder (``multilingual_encoder()``).
            chunk_words: Words per article passage.
        """
        self._articles = list(articles)
        known = {a.id for a in self._articles}
        self._bank = [q for q in bank if set(q.articles) <= known]
        self._encoder = encoder
        self._chunks = [chunk_article(a, chunk_words) for a in self._articles]
        self._flat = [c for chunks in self._chunks for c in chunks]

    @cached_property
    def _questions(self) -> np.ndarray:
        return self._encoder.encode([q.question for q in self._bank])

    @cached_property
    def _passages(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        vectors = self._encoder.encode(self._flat)
        titles = self._encoder.encode([a.title for a in self._articles])
        starts = np.cumsum([0, *(len(c) for c in self._chunks[:-1])])
        return vectors, titles, starts

    def search(self, query: str) -> KBHit | None:
        """The article for ``query``, or None when the bank and the articles do not agree.

        The hit's score is the similarity of the closest agreeing bank question; its
        passage is the article passage closest to the question.
        """
        if not self._bank or not query.strip():
            return None
        vector = self._encoder.encode([query])[0]
        similar = self._questions @ vector
        nearest = [i for i in np.argsort(-similar)[:NEIGHBOURS] if similar[i] >= MIN_SIMILARITY]
        position, passage = self._closest_article(vector)
        article = self._articles[position]
        if not nearest or any(article.id not in self._bank[i].articles for i in nearest):
            return None
        return KBHit(
            article_id=article.id,
            title=article.title,
            score=round(float(similar[nearest[0]]), 3),
            passage=passage.removeprefix(f"{article.title}. "),
        )

    def _closest_article(self, vector: np.ndarray) -> tuple[int, str]:
        passages, titles, starts = self._passages
        cosines = passages @ vector
        best = np.maximum.reduceat(cosines, starts)
        scores = (1 - TITLE_WEIGHT) * best + TITLE_WEIGHT * (titles @ vector)
        position = int(np.argmax(scores))
        start = int(starts[position])
        index = start + int(np.argmax(cosines[start : start + len(self._chunks[position])]))
        return position, self._flat[index]


def crosslingual_hits(kb_path: Path | None, query: str) -> list[KBHit]:
    """The article for a question not in English, searched through the shipped bank.

    Only the shipped KB has a bank; another KB returns no hit (a gap, as before).

    Args:
        kb_path: The KB searched (None: the shipped one).
        query: The ticket's own words.
    """
    from supportgraph.tools.knowledge.kb_store import kb_key

    if kb_key(kb_path) != SHIPPED:
        return []
    hit = _shipped_search().search(query)
    return [hit] if hit else []


@lru_cache(maxsize=1)
def _shipped_search() -> CrossLingualSearch:
    from supportgraph.tools.triage.multilingual import multilingual_encoder

    articles = [a for a in read_articles(None) if a.status == "published"]
    return CrossLingualSearch(articles, read_bank(bank_path()), multilingual_encoder())
