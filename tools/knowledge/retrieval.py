"""Hybrid KB retrieval: dense MiniLM over passages fused with BM25 over articles.

Articles are cut into word windows with the title prepended (``tools.knowledge.passages``); each is
embedded once (``tools.knowledge.kb_store`` keeps the vectors). A query scores an article by

    dense = (1 - t) * best passage cosine + t * title cosine
    score = w * dense + (1 - w) * bm25 / (bm25 + K)

a convex fusion of scores that all live on a fixed 0..1 scale, so one threshold
means the same thing for every query (reciprocal-rank fusion throws the scale away
and measured worse than dense alone). The fused top ``rerank_depth`` are then
reordered by a linear model over more signals (``tools.knowledge.rerank``); a hit keeps its
fused score, which the gap threshold reads, and carries its lead in the reranker's score
over the best other candidate (``tools.knowledge.gate`` reads both) and the
best-matching passage.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal, Protocol

import numpy as np
from threadpoolctl import ThreadpoolController

from supportgraph.graph.models import KBHit
from supportgraph.tools.knowledge.bm25 import BM25
from supportgraph.tools.knowledge.kb import Article
from supportgraph.tools.knowledge.passages import article_terms
from supportgraph.tools.knowledge.rerank import (
    DEPTH,
    FEATURES,
    PASSAGE_SATURATION,
    PHRASE_SATURATION,
    TITLE_SATURATION,
    rerank_scores,
    saturate,
)
from supportgraph.tools.knowledge.text import pairs, tokens

Mode = Literal["hybrid", "dense", "bm25"]
EXACT_LIMIT = 20_000  # above this many passages, score passages of shortlisted articles only
SHORTLIST = 200  # articles shortlisted by each of centroid cosine, title cosine and BM25
QUERY_VECTORS = 8  # recent query vectors kept per index (one ticket searches with a few)


class TextEncoder(Protocol):
    """Anything that turns texts into unit vectors (``tools.knowledge.embeddings.Encoder``)."""

    def encode(self, texts: Sequence[str], batch_size: int = 32) -> np.ndarray:
        """Return one L2-normalised row per text."""
        ...


@dataclass(frozen=True)
class Settings:
    """Retrieval hyperparameters, chosen by cross-validation (docs/retrieval_eval.md).

    Attributes:
        chunk_words: Words per passage window.
        overlap_words: Words shared by consecutive windows.
        dense_weight: Weight ``w`` of the dense score in the convex fusion.
        title_weight: Share ``t`` of the query-title cosine within the dense score.
        bm25_saturation: ``K`` in ``bm25 / (bm25 + K)``, mapping BM25 onto 0..1.
        rerank_depth: Fused candidates reordered by ``tools.knowledge.rerank`` (0: none).
    """

    chunk_words: int = 100
    overlap_words: int = 0
    dense_weight: float = 0.7
    title_weight: float = 0.2
    bm25_saturation: float = 20.0
    rerank_depth: int = DEPTH

    def fuse(self, dense: np.ndarray, title: np.ndarray, lexical: np.ndarray) -> np.ndarray:
        """Combine the three per-article scores into one 0..1 score."""
        t, w = self.title_weight, self.dense_weight
        return w * ((1 - t) * dense + t * title) + (1 - w) * saturate(lexical, self.bm25_saturation)


DEFAULT_SETTINGS = Settings()


@lru_cache(maxsize=1)
def _blas() -> ThreadpoolController:
    return ThreadpoolController()


def _top(scores: np.ndarray, k: int = SHORTLIST) -> np.ndarray:
    return np.argpartition(-scores, k)[:k] if len(scores) > k else np.arange(len(scores))


def _best_first(scores: np.ndarray, k: int) -> np.ndarray:
    """Positions of the ``k`` highest scores, best first (ties keep index order)."""
    top = _top(scores, k) if k < len(scores) else np.arange(len(scores))
    return top[np.argsort(-scores[top], kind="stable")]


def _leads(positions: np.ndarray, model: np.ndarray) -> dict[int, float]:
    """Each reranked candidate's model score minus the best score of the others."""
    order = np.argsort(-model, kind="stable")
    best, runner_up = model[order[0]], model[order[1]]
    return {
        int(position): round(float(score - (runner_up if i == order[0] else best)), 3)
        for i, (position, score) in enumerate(zip(positions, model, strict=True))
    }


class HybridIndex:
    """Searchable articles: BM25 over whole articles, dense vectors over their passages."""

    def __init__(
        self,
        articles: Sequence[Article],
        passages: Sequence[Sequence[str]],
        vectors: np.ndarray,
        title_vectors: np.ndarray,
        article_vectors: np.ndarray,
        encoder: TextEncoder,
        settings: Settings = DEFAULT_SETTINGS,
        exact: bool | None = None,
    ) -> None:
        """Index ``articles``; ``passages[i]`` are article i's chunks, ``vectors`` their rows.

        Args:
            articles: Published articles, in index order.
            passages: Chunks of each article (``chunk_article``), same order.
            vectors: One unit vector per chunk, all articles' chunks concatenated.
            title_vectors: One unit vector per article title.
            article_vectors: One unit vector per whole article (``article_text``).
            encoder: Encodes queries (the model that encoded the passages, or its int8 copy).
            settings: Fusion weights; the chunking must match what made ``vectors``.
            exact: Score every passage of every article (default: up to EXACT_LIMIT
                passages, beyond that shortlist articles first).
        """
        self.articles = {article.id: article for article in articles}
        self._order = [article.id for article in articles]
        self._passages = [p for chunks in passages for p in chunks]
        counts = np.array([len(chunks) for chunks in passages])
        self._starts = np.concatenate([[0], np.cumsum(counts)[:-1]]).astype(np.int64)
        if len(self._passages) != len(vectors):
            raise ValueError(f"{len(self._passages)} passages but {len(vectors)} vectors")
        self._vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        self._titles = np.ascontiguousarray(title_vectors, dtype=np.float32)
        self._wholes = np.ascontiguousarray(article_vectors, dtype=np.float32)
        self._counts = counts.astype(np.int64)
        self._centroids: np.ndarray | None = None
        if not (exact if exact is not None else len(self._passages) <= EXACT_LIMIT):
            # Large KBs: a centroid per article shortlists candidates, so a query reads
            # one row per article instead of every passage (see tests/bench_retrieval.py).
            sums = np.add.reduceat(self._vectors, self._starts, axis=0)
            self._centroids = sums / np.clip(
                np.linalg.norm(sums, axis=1, keepdims=True), 1e-12, None
            )
        self._encoder = encoder
        # The knowledge node and the specialists' KB lookups search with the same ticket
        # text: its vector (~30 ms of MiniLM on a long ticket) is encoded once for all.
        # Where they run in parallel threads (the LLM engine, or a caller that does not
        # run a step's nodes one at a time), one encodes and the others wait for its
        # vector instead of encoding the same text again.
        self._remembered = lru_cache(maxsize=QUERY_VECTORS)(self._encode_query)
        self._encoding = threading.Lock()
        # ``encode_ahead`` encodes on this thread (started at its first use) while the
        # caller's thread goes on with other work.
        self._ahead = ThreadPoolExecutor(max_workers=1, thread_name_prefix="kb-query-ahead")
        self.settings = settings
        terms = [article_terms(a) for a in articles]
        self._bm25 = BM25([words for words, _ in terms])
        # Reranking signals: BM25 over titles alone and over single passages.
        self._bm25_titles = BM25([tokens(a.title) for a in articles], k1=1.2, b=0.75)
        self._bm25_passages = BM25([tokens(p) for p in self._passages])
        # and over word pairs ("custom domain"), so that a phrase counts as more than its words
        self._bm25_phrases = BM25([phrases or ["_"] for _, phrases in terms])

    def __len__(self) -> int:
        return len(self._order)

    def _encode_query(self, query: str) -> np.ndarray:
        vector = self._encoder.encode([query])[0]
        vector.setflags(write=False)  # shared by every search with this query
        return vector

    def _query_vector(self, query: str) -> np.ndarray:
        with self._encoding:
            return self._remembered(query)

    def encode_ahead(self, query: str) -> None:
        """Start encoding ``query`` on a worker thread and return at once.

        A search with this query (or with it as its ``meaning``) then takes the vector,
        waiting for the worker if it is not done yet, instead of encoding it again.
        onnxruntime releases the GIL, so the encoding runs on another core while the
        caller works: the triage node starts the ticket's query this way before it
        judges the ticket. A failed encoding is not reported here; the search that
        needs the vector encodes it again and raises.
        """
        self._ahead.submit(self._query_vector, query)

    def forget_queries(self) -> None:
        """Drop the remembered query vectors (benchmarks start each variant without them)."""
        self._remembered.cache_clear()

    @property
    def passage_count(self) -> int:
        """Number of indexed passages (all articles)."""
        return len(self._passages)

    def get(self, article_id: str) -> Article:
        """Return an article by id, or raise KeyError naming it."""
        try:
            return self.articles[article_id]
        except KeyError:
            raise KeyError(f"no KB article {article_id}") from None

    def components(self, query: str, lexical_only: bool = False) -> dict[str, np.ndarray]:
        """Per-article dense (best passage), title and BM25 scores, and passage cosines."""
        # One matrix-vector product is memory-bound: BLAS threads only add hand-over
        # cost, 7x slower on the shared 2-core machine (33 ms -> 4.5 ms at 10k articles).
        with _blas().limit(limits=1, user_api="blas"):
            return self._components(query, lexical_only)

    def _components(
        self, query: str, lexical_only: bool, meaning: str | None = None
    ) -> dict[str, np.ndarray]:
        n = len(self._order)
        out = {"dense": np.zeros(n, np.float32), "title": np.zeros(n, np.float32)}
        out["lexical"] = self._bm25.scores(tokens(query))
        if lexical_only:
            return out
        vector = self._query_vector(meaning or query)
        out["query"] = vector
        out["title"] = self._titles @ vector
        if self._centroids is None:
            out["passages"] = self._vectors @ vector
            out["dense"] = np.maximum.reduceat(out["passages"], self._starts)
            return out
        coarse = self._centroids @ vector
        shortlist = np.unique(
            np.concatenate([_top(coarse), _top(out["title"]), _top(out["lexical"])])
        )
        lengths = self._counts[shortlist]
        local_starts = np.concatenate([[0], np.cumsum(lengths)[:-1]])
        rows = np.repeat(self._starts[shortlist] - local_starts, lengths) + np.arange(lengths.sum())
        sims = np.full(len(self._passages), -1.0, dtype=np.float32)
        sims[rows] = self._vectors[rows] @ vector
        out["passages"] = sims
        out["dense"] = coarse  # a lower bound of the best passage for unlisted articles
        out["dense"][shortlist] = np.maximum.reduceat(sims[rows], local_starts)
        return out

    def scores(self, query: str, mode: Mode = "hybrid") -> tuple[np.ndarray, np.ndarray | None]:
        """Score every article for ``query``: (article scores, passage cosines or None)."""
        parts = self.components(query, lexical_only=mode == "bm25")
        return self._mode_scores(parts, mode), parts.get("passages")

    def _mode_scores(self, parts: dict[str, np.ndarray], mode: Mode) -> np.ndarray:
        if mode == "bm25":
            return parts["lexical"]
        if mode == "dense":
            return parts["dense"]
        return self.settings.fuse(parts["dense"], parts["title"], parts["lexical"])

    def rerank_features(
        self, query: str, parts: dict[str, np.ndarray], positions: np.ndarray
    ) -> np.ndarray:
        """Raw reranking signals of the articles at ``positions`` (``rerank.FEATURES`` columns).

        Args:
            query: The query text (for the BM25 and phrase signals).
            parts: Its ``components`` (query vector, title cosines, article BM25).
            positions: Article positions in index order, the fused candidates.
        """
        vector, terms = parts["query"], tokens(query)
        passage_bm25 = self._bm25_passages.scores(terms)
        title_bm25 = self._bm25_titles.scores(terms)
        phrase_bm25 = self._bm25_phrases.scores(pairs(terms))
        rows = np.zeros((len(positions), len(FEATURES)))
        for i, position in enumerate(positions):
            start, count = int(self._starts[position]), int(self._counts[position])
            cosines = np.sort(self._vectors[start : start + count] @ vector)[::-1]
            rows[i, 0], rows[i, 1] = cosines[0], cosines[min(1, count - 1)]
            rows[i, 6] = passage_bm25[start : start + count].max()
        rows[:, 2] = parts["title"][positions]
        rows[:, 3] = self._wholes[positions] @ vector
        rows[:, 4] = saturate(parts["lexical"][positions], self.settings.bm25_saturation)
        rows[:, 5] = saturate(title_bm25[positions], TITLE_SATURATION)
        rows[:, 6] = saturate(rows[:, 6], PASSAGE_SATURATION)
        rows[:, 7] = saturate(phrase_bm25[positions], PHRASE_SATURATION)
        return rows

    def search(
        self,
        query: str,
        k: int = 5,
        min_score: float = 0.0,
        mode: Mode = "hybrid",
        meaning: str | None = None,
    ) -> list[KBHit]:
        """Return up to ``k`` articles scoring at least ``min_score``, best first.

        In hybrid mode the fused top ``settings.rerank_depth`` are reordered by the
        reranker; each hit keeps its fused score, so scores need not descend.

        Args:
            query: What to search for; its words are what BM25 counts.
            k: At most this many hits.
            min_score: Hits scoring below it are left out.
            mode: ``hybrid`` (default), ``dense`` or ``bm25``.
            meaning: The text whose vector is compared with the passages, when it is not
                ``query`` itself: a caller that adds search terms to a ticket's text
                (product names, status families) passes the ticket's text here, so
                every search for that ticket shares one encoding.
        """
        if not query.strip() or k <= 0:
            return []
        with _blas().limit(limits=1, user_api="blas"):
            parts = self._components(query, lexical_only=mode == "bm25", meaning=meaning)
            scores = self._mode_scores(parts, mode)
            depth = self.settings.rerank_depth if mode == "hybrid" else 0
            top = _best_first(scores, max(k, depth))
            leads: dict[int, float] = {}
            if depth > 1 and len(top) > 1:
                head = top[:depth]
                model = rerank_scores(self.rerank_features(query, parts, head))
                top = np.concatenate([head[np.argsort(-model, kind="stable")], top[depth:]])
                leads = _leads(head, model)
        sims = parts.get("passages")
        hits = []
        for position in top[:k]:
            score = float(scores[position])
            if score <= 0 or score < min_score:
                continue
            article = self.articles[self._order[position]]
            hits.append(
                KBHit(
                    article_id=article.id,
                    title=article.title,
                    score=round(score, 3),
                    passage=self._best_passage(int(position), query, sims),
                    lead=leads.get(int(position)),
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
