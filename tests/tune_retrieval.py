"""Choose retrieval settings and fit the reranker by cross-validation over WixQA questions.

Run with ``make tune-retrieval``. Embeddings are cached in ``$SUPPORTGRAPH_HOME``, so
only the first run pays for encoding. Prints held-out metrics (everything tuned on the
other folds: fusion weights, or the reranker's depth, regularisation and weights),
the reranker weights fitted on all questions (to paste into ``tools/knowledge/rerank.py``), and
full-set metrics of the shipped defaults and baselines.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import replace

import numpy as np

from supportgraph.tools.knowledge import rerank
from supportgraph.tools.knowledge.embeddings import default_encoder
from supportgraph.tools.knowledge.kb import read_articles
from supportgraph.tools.knowledge.kb_store import build_index
from supportgraph.tools.knowledge.retrieval import DEFAULT_SETTINGS, Settings
from supportgraph.tools.knowledge.retrieval_eval import (
    Components,
    candidates,
    cross_validate,
    cross_validate_reranker,
    data_dir,
    evaluate,
    fit_reranker,
    grid,
    read_questions,
)

SEEDS = (0, 1, 2)
RERANK_CHOICES = [(d, c) for d in (10, 20, 30) for c in (0.003, 0.01, 0.03, 0.1, 0.3)]


def main() -> None:
    wixqa = data_dir() / "wixqa"
    articles = read_articles(wixqa / "articles.jsonl")
    questions = read_questions(wixqa / "questions.jsonl")
    index, report = build_index(articles, "wixqa", default_encoder(), DEFAULT_SETTINGS)
    print(f"{report.passages} passages, embedded {report.embedded}")

    parts = [index.components(q.text) for q in questions]

    def components(setting: Settings) -> tuple[Components, list[str]]:
        return parts, list(index.articles)

    for seed in SEEDS:
        held_out, chosen = cross_validate(components, grid([(100, 0)]), questions, seed=seed)
        picks = Counter(
            f"w={s.dense_weight} t={s.title_weight} K={s.bm25_saturation}" for s in chosen
        )
        print(f"fusion only, held-out (seed {seed}):", json.dumps(held_out), dict(picks))

    rows = [candidates(index, q, max(d for d, _ in RERANK_CHOICES)) for q in questions]
    for seed in SEEDS:
        held_out, picks = cross_validate_reranker(rows, RERANK_CHOICES, seed=seed)
        print(
            f"fusion + reranker, held-out (seed {seed}):",
            json.dumps(held_out),
            dict(Counter(picks)),
        )

    weights = fit_reranker(rows, rerank.DEPTH, rerank.C)
    print(f"reranker weights (depth {rerank.DEPTH}, C {rerank.C}), z-scores then raw,")
    print(f"in {rerank.FEATURES} order:", np.array2string(weights, precision=3, separator=", "))
    print("full set, shipped defaults:", json.dumps(evaluate(index, questions)), DEFAULT_SETTINGS)
    index.settings = replace(DEFAULT_SETTINGS, rerank_depth=0)
    print("full set, fusion without reranker:", json.dumps(evaluate(index, questions)))
    print("full set, dense only:", json.dumps(evaluate(index, questions, "dense")))
    print("full set, BM25 only:", json.dumps(evaluate(index, questions, "bm25")))


if __name__ == "__main__":
    main()
