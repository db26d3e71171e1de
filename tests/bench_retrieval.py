"""Retrieval benchmark: query latency on a 10k-article index and the index build rate.

Run with ``make bench-retrieval``. The 10k index is synthetic: WixQA and shipped KB
articles repeated with word-level variations, each copy's passage vectors the real
vectors of its source plus small noise (re-normalised), so no 10k-article encoding is
needed. Query latency includes encoding the query; "fused" is the same search without
the reranker. A BM25-only search over the same
index is measured in the same run as the baseline. The build rate is measured for real
(encoding included) on a sample of WixQA articles in a fresh store.
"""

from __future__ import annotations

import random
import tempfile
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

from supportgraph.tools.knowledge.embeddings import default_encoder
from supportgraph.tools.knowledge.kb import Article, read_articles
from supportgraph.tools.knowledge.kb_store import build_index
from supportgraph.tools.knowledge.passages import article_text, chunk_article
from supportgraph.tools.knowledge.retrieval import DEFAULT_SETTINGS, HybridIndex
from supportgraph.tools.knowledge.retrieval_eval import data_dir, read_questions

TARGET = 10_000
QUERIES = 300
BUILD_SAMPLE = 40


def _vary(text: str, rng: random.Random) -> str:
    words = text.split()
    for _ in range(max(1, len(words) // 20)):
        i = rng.randrange(len(words))
        words[i] = rng.choice(words)
    return " ".join(words)


Encoded = tuple[list[list[str]], list[np.ndarray], np.ndarray, np.ndarray]


def encode_sources(sources: list[Article]) -> Encoded:
    """Passages, passage vectors, title and whole-article vectors of the source articles."""
    encoder = default_encoder()
    settings = DEFAULT_SETTINGS
    chunks = [chunk_article(a, settings.chunk_words, settings.overlap_words) for a in sources]
    return (
        chunks,
        [encoder.encode(c) for c in chunks],
        encoder.encode([a.title for a in sources]),
        encoder.encode([article_text(a) for a in sources]),
    )


def _jitter(vectors: np.ndarray, noise: np.random.Generator) -> np.ndarray:
    moved = vectors + noise.normal(0, 0.02, vectors.shape).astype(np.float32)
    return moved / np.linalg.norm(moved, axis=-1, keepdims=True)


def synthetic_index(
    sources: list[Article], encoded: Encoded, rng: random.Random, exact: bool | None = None
) -> tuple[HybridIndex, float]:
    """A TARGET-article index built from variations of ``sources``; returns its build time."""
    encoder = default_encoder()
    chunks, vectors, titles, wholes = encoded
    noise = np.random.default_rng(0)
    articles, passages, rows, title_rows, whole_rows = [], [], [], [], []
    for n in range(TARGET):
        s = n % len(sources)
        source = sources[s]
        articles.append(
            replace(
                source,
                id=f"SYN-{n:05d}",
                title=f"{source.title} ({n})",
                body=_vary(source.body, rng),
            )
        )
        passages.append(chunks[s])
        rows.append(_jitter(vectors[s], noise))
        title_rows.append(titles[s])
        whole_rows.append(_jitter(wholes[s], noise))
    started = time.perf_counter()
    index = HybridIndex(
        articles,
        passages,
        np.concatenate(rows),
        np.stack(title_rows),
        np.stack(whole_rows),
        encoder,
        exact=exact,
    )
    return index, time.perf_counter() - started


def _latencies(index: HybridIndex, queries: list[str], mode: str) -> np.ndarray:
    times = []
    for query in queries:
        started = time.perf_counter()
        index.search(query, k=5, mode=mode)  # type: ignore[arg-type]
        times.append((time.perf_counter() - started) * 1000)
    return np.array(times)


def _interleaved(index: HybridIndex, queries: list[str]) -> dict[str, np.ndarray]:
    """Latencies of hybrid, fused (no reranker) and BM25 search, taken query by query.

    Taking each variant's 300 queries in turn let the machine's load drift between them
    (a 2.6 ms gap between hybrid and fused that interleaving shows to be 0.4 ms).
    """
    fused = replace(index.settings, rerank_depth=0)
    variants = {
        "hybrid": (index.settings, "hybrid"),
        "fused": (fused, "hybrid"),
        "bm25": (index.settings, "bm25"),
    }
    times: dict[str, list[float]] = {name: [] for name in variants}
    shipped = index.settings
    for query in queries:
        for name, (settings, mode) in variants.items():
            index.settings = settings
            started = time.perf_counter()
            index.search(query, k=5, mode=mode)  # type: ignore[arg-type]
            times[name].append((time.perf_counter() - started) * 1000)
    index.settings = shipped
    return {name: np.array(t) for name, t in times.items()}


def main() -> None:
    """Print latency p50/p95 (hybrid vs BM25) on 10k articles and the build rate."""
    wixqa = data_dir() / "wixqa"
    sources = read_articles(wixqa / "articles.jsonl") + read_articles()
    questions = [q.text for q in read_questions(wixqa / "questions.jsonl")]
    queries = [
        questions[i % len(questions)]
        if i < len(questions)
        else _vary(questions[i % len(questions)], random.Random(i))
        for i in range(QUERIES)
    ]
    print(f"building a synthetic {TARGET}-article index from {len(sources)} source articles...")
    encoded = encode_sources(sources)
    index, seconds = synthetic_index(sources, encoded, random.Random(0))
    print(
        f"  {TARGET} articles, {index.passage_count} passages: in-memory index built in {seconds:.1f} s (vectors given)"
    )
    default_encoder().encode(["warm up"])
    encoding = []
    for query in queries:
        started = time.perf_counter()
        default_encoder().encode([query])
        encoding.append((time.perf_counter() - started) * 1000)
    measured = _interleaved(index, queries)
    hybrid, bm25 = measured["hybrid"], measured["bm25"]
    for name, t in (*measured.items(), ("encode", np.array(encoding))):
        print(
            f"  {name:7} latency over {len(t)} queries: "
            f"p50 {np.percentile(t, 50):.1f} ms, p95 {np.percentile(t, 95):.1f} ms"
        )
    print(
        f"  hybrid / bm25: p50 x{np.percentile(hybrid, 50) / np.percentile(bm25, 50):.1f}, "
        f"p95 x{np.percentile(hybrid, 95) / np.percentile(bm25, 95):.1f}"
    )
    exact, _ = synthetic_index(sources, encoded, random.Random(0), exact=True)
    exact_t = _latencies(exact, queries, "hybrid")
    print(
        f"  exact hybrid (every passage scored): p50 {np.percentile(exact_t, 50):.1f} ms, p95 {np.percentile(exact_t, 95):.1f} ms"
    )
    same = np.mean(
        [
            [h.article_id for h in index.search(q, k=5)]
            == [h.article_id for h in exact.search(q, k=5)]
            for q in queries
        ]
    )
    print(f"  shortlisted top-5 identical to exact top-5 for {same:.1%} of queries")
    sample = read_articles(wixqa / "articles.jsonl")[:BUILD_SAMPLE]
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "kb.sqlite"
        _, report = build_index(sample, "bench", default_encoder(), db_path=db)
        print(
            f"  index build (encoding included), {report.articles} WixQA articles, {report.passages} passages: "
            f"{report.seconds:.1f} s = {report.rate:.1f} articles/s, {report.passages / report.seconds:.1f} passages/s"
        )
        _, again = build_index(sample, "bench", default_encoder(), db_path=db)
        print(
            f"  incremental re-index with nothing changed: {again.seconds * 1000:.0f} ms ({again.embedded} embedded)"
        )


if __name__ == "__main__":
    main()
