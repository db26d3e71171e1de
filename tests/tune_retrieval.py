"""Choose retrieval settings by 5-fold cross-validation over WixQA questions.

Run with ``make tune-retrieval``. Embeddings are cached in ``$SUPPORTGRAPH_HOME``, so
only the first run per chunking pays for encoding. Prints held-out metrics (settings
tuned on the other folds) and full-set metrics for the shipped defaults and baselines.
"""

from __future__ import annotations

import json
from collections import Counter
from itertools import product

from supportgraph.tools.embeddings import default_encoder
from supportgraph.tools.kb import read_articles
from supportgraph.tools.kb_store import build_index
from supportgraph.tools.retrieval import DEFAULT_SETTINGS, Settings
from supportgraph.tools.retrieval_eval import (
    Components,
    cross_validate,
    data_dir,
    evaluate,
    grid,
    read_questions,
)

CHUNKINGS = [(64, 32), (100, 0), (128, 64), (200, 0)]


def main() -> None:
    wixqa = data_dir() / "wixqa"
    articles = read_articles(wixqa / "articles.jsonl")
    questions = read_questions(wixqa / "questions.jsonl")
    encoder = default_encoder()
    indexes = {}
    for chunk, overlap in CHUNKINGS:
        settings = Settings(chunk_words=chunk, overlap_words=overlap)
        index, report = build_index(articles, f"wixqa#{chunk}/{overlap}", encoder, settings)
        indexes[(chunk, overlap)] = index
        print(f"chunking {chunk}/{overlap}: {report.passages} passages, embedded {report.embedded}")
    parts_cache: dict[tuple[int, int], tuple[Components, list[str]]] = {}

    def components(setting: Settings) -> tuple[Components, list[str]]:
        key = (setting.chunk_words, setting.overlap_words)
        if key not in parts_cache:
            index = indexes[key]
            parts_cache[key] = ([index.components(q.text) for q in questions], list(index.articles))
        return parts_cache[key]

    grids = {"full grid": grid(CHUNKINGS), "100/0 only": grid([(100, 0)])}
    for (name, candidates), seed in product(grids.items(), (0, 1, 2)):
        held_out, chosen = cross_validate(components, candidates, questions, folds=5, seed=seed)
        picks = Counter(
            f"{s.chunk_words}/{s.overlap_words} w={s.dense_weight} t={s.title_weight} K={s.bm25_saturation}"
            for s in chosen
        )
        print(f"{name}, held-out (5-fold, seed {seed}):", json.dumps(held_out), dict(picks))
    default = indexes[(DEFAULT_SETTINGS.chunk_words, DEFAULT_SETTINGS.overlap_words)]
    print("full set, shipped defaults:", json.dumps(evaluate(default, questions)), DEFAULT_SETTINGS)
    print("full set, dense only:", json.dumps(evaluate(default, questions, "dense")))
    print("full set, BM25 only:", json.dumps(evaluate(default, questions, "bm25")))


if __name__ == "__main__":
    main()
