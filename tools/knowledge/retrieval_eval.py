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
from supportgraph.tools.knowledge.rerank import design, rerank_scores
from supportgraph.tools.knowledge.retrieval import HybridIndex, Mode, Settings


@dataclass(frozen=True)
class Question:
    """A labelled query and the ids of the articles that answer it."""

    text: str
    gold: frozenset[str]


def data_dir() -> Path:
    """Shared datasets: ``$SUPPORTGRAPH_DATA``, else ``../shared/data`` from the repo."""
    if env := os.environ.get("SUPPORTGRAPH_DATA"):
        return Path(env)
    return Path(__file__).resolve().parents[2].parent / "shared" / "data"


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


@dataclass(frozen=True)
class Candidates:
    """One question's fused ranking and the rerank signals of its top candidates."""

    order: np.ndarray  # article positions, best fused score first
    features: np.ndarray  # raw ``rerank.FEATURES`` rows of order[:len(features)]
    gold: np.ndarray  # whether each article of ``order`` answers the question


def candidates(index: HybridIndex, question: Question, depth: int) -> Candidates:
    """Fused ranking of every article and rerank features of its top ``depth``."""
    parts = index.components(question.text)
    fused = index.settings.fuse(parts["dense"], parts["title"], parts["lexical"])
    order = np.argsort(-fused, kind="stable")
    ids = list(index.articles)
    gold = np.array([ids[p] in question.gold for p in order])
    return Candidates(order, index.rerank_features(question.text, parts, order[:depth]), gold)


def fit_reranker(rows: Sequence[Candidates], depth: int, c: float) -> np.ndarray:
    """Logistic-regression weights over ``rerank.design`` inputs of the top ``depth``."""
    from sklearn.linear_model import LogisticRegression

    x = np.concatenate([design(r.features[:depth]) for r in rows])
    y = np.concatenate([r.gold[:depth] for r in rows])
    model = LogisticRegression(C=c, max_iter=3000, class_weight="balanced").fit(x, y)
    return model.coef_[0]


def reranked_metrics(
    rows: Sequence[Candidates], weights: np.ndarray, depth: int
) -> dict[str, float]:
    """Metrics after reordering each question's top ``depth`` with ``weights``."""
    ranked = []
    for r in rows:
        head = r.order[:depth][
            np.argsort(-rerank_scores(r.features[:depth], weights), kind="stable")
        ]
        ranked.append([str(p) for p in np.concatenate([head, r.order[depth:]])[:10]])
    positions = [Question("", frozenset(str(p) for p in r.order[r.gold])) for r in rows]
    return rank_metrics(ranked, positions)


def cross_validate_reranker(
    rows: Sequence[Candidates],
    choices: Sequence[tuple[int, float]],
    folds: int = 5,
    seed: int = 0,
) -> tuple[dict[str, float], list[tuple[int, float]]]:
    """Nested CV: (depth, C) picked by inner 4-fold CV on the training folds.

    Returns:
        Held-out metrics pooled over the outer folds, and each fold's pick.
    """
    rng = np.random.default_rng(seed)
    fold_of = np.empty(len(rows), dtype=int)
    fold_of[rng.permutation(len(rows))] = np.arange(len(rows)) % folds
    held_out: dict[str, float] = {}
    picks = []
    for fold in range(folds):
        train = [rows[i] for i in range(len(rows)) if fold_of[i] != fold]
        test = [rows[i] for i in range(len(rows)) if fold_of[i] == fold]
        inner = rng.permutation(len(train)) % 4

        def inner_mrr(
            choice: tuple[int, float],
            train: list[Candidates] = train,
            inner: np.ndarray = inner,
        ) -> float:
            depth, c = choice
            total = 0.0
            for g in range(4):
                fit_rows = [r for r, f in zip(train, inner, strict=True) if f != g]
                rest = [r for r, f in zip(train, inner, strict=True) if f == g]
                weights = fit_reranker(fit_rows, depth, c)
                total += reranked_metrics(rest, weights, depth)["mrr@10"] * len(rest)
            return total

        depth, c = max(choices, key=inner_mrr)
        picks.append((depth, c))
        metrics = reranked_metrics(test, fit_reranker(train, depth, c), depth)
        for key, value in metrics.items():
            held_out[key] = held_out.get(key, 0.0) + value * len(test)
    return {k: round(v / len(rows), 4) for k, v in held_out.items()}, picks
