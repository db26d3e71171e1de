"""Hybrid KB retrieval: dense MiniLM over passages fused with BM25 over articles.

Articles are cut into overlapping word windows with the title prepended; each is
embedded once (``tools.kb_store`` keeps the vectors). A query scores an article by

    score = w * best passage cosine + (1 - w) * bm25 / (bm25 + K)

a convex fusion of two scores that both live on a fixed 0..1 scale, so one threshold
means the same thing for every query (reciprocal-rank fusion throws the scale away
and measured worse than dense alone). The hit carries the best-matching passage.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal, Protocol

import bm25s
import numpy as np

from supportgraph.graph.models import KBHit
from supportgraph.tools.kb import Article
from supportgraph.tools.text import tokens

Mode = Literal["hybrid", "dense", "bm25"]


class TextEncoder(Protocol):
    """Anything that turns texts into unit vectors (``tools.embeddings.Encoder``)."""

    def encode(self, texts: Sequence[str], batch_size: int = 32) -> np.ndarray:
        """Return one L2-normalised row per text."""
        ...


@dataclass(frozen=True)
class Settings:
    """Retrieval hyperparameters, chosen by cross-validation (docs/retrieval_eval.md).

    Attributes:
        chunk_words: Words per passage window.
        overlap_words: Words shared by consecutive windows.
        dense_weight: Weight ``w`` of the dense cosine in the convex fusion.
        bm25_saturation: ``K`` in ``bm25 / (bm25 + K)``, mapping BM25 onto 0..1.
    """

    chunk_words: int = 128
    overlap_words: int = 64
    dense_weight: float = 0.8
    bm25_saturation: float = 10.0


DEFAULT_SETTINGS = Settings()


def chunk_article(article: Article, settings: Settings = DEFAULT_SETTINGS) -> list[str]:
    """Cut the article body into overlapping word windows, each prefixed with the title."""
    body = article.body
    if body.startswith(article.title):  # help-centre exports repeat the title as line one
        body = body[len(article.title) :]
    # Windows are cut at word offsets, so each passage is a verbatim slice of the body
    # and a cited passage can be found in the article as written.
    words = [m.span() for m in re.finditer(r"\S+", body)]
    if not words:
        return [article.title]
    step = max(1, settings.chunk_words - settings.overlap_words)
    windows = []
    for start in range(0, len(words), step):
        last = min(start + settings.chunk_words, len(words)) - 1
        windows.append(body[words[start][0] : words[last][1]])
        if start + settings.chunk_words >= len(words):
            break
    return [f"{article.title}. {window}" for window in windows]


def article_tokens(article: Article) -> list[str]:
    """BM25 terms of an article: the title counts twice, then tags and body."""
    return tokens(f"{article.title} {article.title} {' '.join(article.tags)} {article.body}")


class HybridIndex:
    """Searchable articles: BM25 over whole articles, dense vectors over their passages."""

    def __init__(
        self,
        articles: Sequence[Article],
        passages: Sequence[Sequence[str]],
        vectors: np.ndarray,
        encoder: TextEncoder,
        settings: Settings = DEFAULT_SETTINGS,
    ) -> None:
        """Index ``articles``; ``passages[i]`` are article i's chunks, ``vectors`` their rows.

        Args:
            articles: Published articles, in index order.
            passages: Chunks of each article (``chunk_article``), same order.
            vectors: One unit vector per chunk, all articles' chunks concatenated.
            encoder: Encodes queries (the same model that encoded the passages).
            settings: Fusion weights; the chunking must match what made ``vectors``.
        """
        self.articles = {article.id: article for article in articles}
        self._order = [article.id for article in articles]
        self._passages = [p for chunks in passages for p in chunks]
        counts = np.array([len(chunks) for chunks in passages])
        self._starts = np.concatenate([[0], np.cumsum(counts)[:-1]]).astype(np.int64)
        if len(self._passages) != len(vectors):
            raise ValueError(f"{len(self._passages)} passages but {len(vectors)} vectors")
        self._vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        self._encoder = encoder
        self.settings = settings
        self._bm25 = bm25s.BM25()
        self._bm25.index([article_tokens(a) for a in articles], show_progress=False)

    def __len__(self) -> int:
        return len(self._order)

    def get(self, article_id: str) -> Article:
        """Return an article by id, or raise KeyError naming it."""
        try:
            return self.articles[article_id]
        except KeyError:
            raise KeyError(f"no KB article {article_id}") from None

    def scores(self, query: str, mode: Mode = "hybrid") -> tuple[np.ndarray, np.ndarray | None]:
        """Score every article for ``query``: (article scores, passage cosines or None)."""
        dense = np.zeros(len(self._order), dtype=np.float32)
        sims = None
        if mode != "bm25":
            sims = self._vectors @ self._encoder.encode([query])[0]
            dense = np.maximum.reduceat(sims, self._starts)
        if mode == "dense":
            return dense, sims
        terms = tokens(query)
        lexical = (
            np.asarray(self._bm25.get_scores(terms), dtype=np.float32)
            if terms
            else np.zeros(len(self._order), dtype=np.float32)
        )
        if mode == "bm25":
            return lexical, sims
        w = self.settings.dense_weight
        return w * dense + (1 - w) * lexical / (lexical + self.settings.bm25_saturation), sims

    def search(
        self, query: str, k: int = 5, min_score: float = 0.0, mode: Mode = "hybrid"
    ) -> list[KBHit]:
        """Return up to ``k`` articles scoring at least ``min_score``, best first."""
        if not query.strip() or k <= 0:
            return []
        scores, sims = self.scores(query, mode)
        k = min(k, len(scores))
        top = np.argpartition(-scores, k - 1)[:k] if k < len(scores) else np.arange(len(scores))
        top = top[np.argsort(-scores[top], kind="stable")]
        hits = []
        for position in top:
            score = float(scores[position])
            if score <= 0 or score < min_score:
                break
            article = self.articles[self._order[position]]
            hits.append(
                KBHit(
                    article_id=article.id,
                    title=article.title,
                    score=round(score, 3),
                    passage=self._best_passage(int(position), query, sims),
                )
            )
        return hits

    def _best_passage(self, position: int, query: str, sims: np.ndarray | None) -> str:
        start = int(self._starts[position])
        end = (
            int(self._starts[position + 1])
            if position + 1 < len(self._starts)
            else len(self._passages)
        )
        if sims is not None:
            index = start + int(np.argmax(sims[start:end]))
        else:
            wanted = set(tokens(query))
            index = max(
                range(start, end), key=lambda i: len(wanted & set(tokens(self._passages[i])))
            )
        article = self.articles[self._order[position]]
        return self._passage_text(article, index)

    def _passage_text(self, article: Article, index: int) -> str:
        text = self._passages[index]
        prefix = f"{article.title}. "
        return text[len(prefix) :] if text.startswith(prefix) else text
