"""Measure KB retrieval on labelled questions: recall@k, MRR@10 and nDCG@10.

Questions come as JSONL lines with ``question`` and ``article_ids`` (the WixQA
format). ``recall@k`` is the share of questions with at least one gold article in the
top k (the definition of the research note, whose dense baseline it reproduces);
``full_recall@5`` is the stricter mean share of each question's gold articles found.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import product
from pathlib import Path

import numpy as np

from supportgraph.graph.errors import KBError
from supportgraph.tools.retrieval import HybridIndex, Mode, Settings


@dataclass(frozen=True)
class Question:
    """A labelled query and the ids of the articles that answer it."""

    text: str
    gold: frozenset[str]


def data_dir() -> Path:
    """Shared datasets: ``$SUPPORTGRAPH_DATA``, else ``../shared/data`` from the repo."""
    if env := os.environ.get("SUPPORTGRAPH_DATA"):
        return Path(env)
    return Path(__file__).resolve().parents[1].parent / "shared" / "data"


def read_questions(path: Path) -> list[Question]:
    """Read questions JSONL (``question``, ``article_ids``); errors name file and line."""
    if not path.is_file():
        raise KBError(f"questions file {path} does not exist")
    questions = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            text, gold = str(row["question"]), row["article_ids"]
        except (json.JSONDecodeError, KeyError, TypeError):
            raise KBError(
                f"{path}:{number}: expected an object with 'question' and 'article_ids'"
            ) from None
        if not isinstance(gold, list) or not gold:
            raise KBError(f"{path}:{number}: article_ids must be a non-empty list of ids")
        questions.append(Question(text, frozenset(str(g) for g in gold)))
    if not questions:
        raise KBError(f"{path} holds no questions")
    return questions


def rank_metrics(
    ranked: Sequence[Sequence[str]], questions: Sequence[Question]
) -> dict[str, float]:
    """Metrics of ranked article ids (one list per question, best first)."""
    totals = dict.fromkeys(("recall@1", "recall@5", "full_recall@5", "mrr@10", "ndcg@10"), 0.0)
    for ids, question in zip(ranked, questions, strict=True):
        gold = question.gold
        top = list(ids[:10])
        totals["recall@1"] += bool(gold & set(top[:1]))
        totals["recall@5"] += bool(gold & set(top[:5]))
        totals["full_recall@5"] += len(gold & set(top[:5])) / len(gold)
        first = next((rank for rank, i in enumerate(top, start=1) if i in gold), None)
        totals["mrr@10"] += 1 / first if first else 0.0
        dcg = sum(1 / np.log2(rank + 1) for rank, i in enumerate(top, start=1) if i in gold)
        ideal = sum(1 / np.log2(rank + 1) for rank in range(1, min(len(gold), 10) + 1))
        totals["ndcg@10"] += dcg / ideal
    return {key: round(value / len(questions), 4) for key, value in totals.items()}


def evaluate(
    index: HybridIndex, questions: Sequence[Question], mode: Mode = "hybrid"
) -> dict[str, float]:
    """Search every question (top 10) and score the rankings."""
    ranked = [[h.article_id for h in index.search(q.text, k=10, mode=mode)] for q in questions]
    return rank_metrics(ranked, questions)


Components = list[dict[str, np.ndarray]]


def grid(chunkings: Sequence[tuple[int, int]]) -> list[Settings]:
    """Every fusion setting tried by cross-validation, for each chunking."""
    return [
        Settings(c, o, w, t, k)
        for (c, o), w, t, k in product(
            chunkings, (0.6, 0.7, 0.8, 0.9, 1.0), (0.0, 0.1, 0.2, 0.3), (5.0, 10.0, 20.0)
        )
    ]


def score_settings(
    settings: Settings, parts: Components, ids: Sequence[str], questions: Sequence[Question]
) -> dict[str, float]:
    """Metrics of one fusion setting from precomputed per-question score components."""
    ranked = []
    for p in parts:
        fused = settings.fuse(p["dense"], p["title"], p["lexical"])
        ranked.append([ids[i] for i in np.argsort(-fused, kind="stable")[:10]])
    return rank_metrics(ranked, questions)


def cross_validate(
    components: Callable[[Settings], tuple[Components, list[str]]],
    candidates: Sequence[Settings],
    questions: Sequence[Question],
    folds: int = 5,
    seed: int = 0,
) -> tuple[dict[str, float], list[Settings]]:
    """Tune on ``folds - 1`` folds, measure on the held-out one; return pooled metrics.

    Args:
        components: Score components of every question for a setting's chunking.
        candidates: Settings to choose from (``grid``).
        questions: Labelled questions.
        folds: Number of folds over questions.
        seed: Shuffles the questions into folds.

    Returns:
        Held-out metrics pooled over all folds, and the setting chosen in each fold.
    """
    order = np.random.default_rng(seed).permutation(len(questions))
    fold_of = np.empty(len(questions), dtype=int)
    fold_of[order] = np.arange(len(questions)) % folds
    cache = {(s.chunk_words, s.overlap_words): components(s) for s in candidates}
    held_out: dict[str, float] = {}
    chosen = []
    for fold in range(folds):
        train = [i for i in range(len(questions)) if fold_of[i] != fold]
        test = [i for i in range(len(questions)) if fold_of[i] == fold]

        def mrr_on(setting: Settings, rows: list[int]) -> dict[str, float]:
            parts, ids = cache[(setting.chunk_words, setting.overlap_words)]
            return score_settings(
                setting, [parts[i] for i in rows], ids, [questions[i] for i in rows]
            )

        def objective(setting: Settings, train: list[int] = train) -> tuple[float, float]:
            metrics = mrr_on(setting, train)
            return metrics["mrr@10"], metrics["recall@5"]

        best = max(candidates, key=objective)
        chosen.append(best)
        for key, value in mrr_on(best, test).items():
            held_out[key] = held_out.get(key, 0.0) + value * len(test)
    return {k: round(v / len(questions), 4) for k, v in held_out.items()}, chosen
