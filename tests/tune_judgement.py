"""Choose the judgement model's settings by cross-validation across the tuning set's authors.

Each fold holds out every ticket of one author (batch TUA, TUB, …), so the scores say
how the model does on tickets written by someone it never read. The evaluation set is
never read here. ``make tune-judgement`` runs the settings grid, then the grid of
decision thresholds (tools/triage/severity.py) on the out-of-fold probabilities.
"""

from __future__ import annotations

import argparse
import hashlib
import itertools
import json
import sys
import time
import warnings
from pathlib import Path
from typing import Any

import numpy as np

from supportgraph.graph.models import PRIORITIES
from supportgraph.tools.signals.ticket_text import passages
from supportgraph.tools.triage import severity
from supportgraph.tools.triage.judgement import (
    Judgement,
    JudgementModel,
    Settings,
    judged_text,
    mean_vectors,
)
from supportgraph.tools.triage.judgement_data import (
    LabelledSet,
    TrainingRows,
    read_labelled,
    training_rows,
)
from supportgraph.tools.triage.multilingual import ENCODER, multilingual_encoder

TUNING = Path(__file__).parent / "data" / "judgement" / "tuning"
CACHE = Path("build/tune_judgement")
HEADS = ("who", "effect", "urgency", "impact", "routine", "person", "reason", "category")  # scored


def _encoded(texts: list[str]) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """Each text's vector (the mean of its passages, as the model reads it) and each passage's."""
    cuts = [passages(t) for t in texts]
    flat = sorted({p for cut in cuts for p in cut})
    encoded = multilingual_encoder().encode(flat)
    by_passage = dict(zip(flat, encoded, strict=True))
    rows = np.vstack([by_passage[p] for cut in cuts for p in cut])
    return mean_vectors(rows, np.cumsum([0, *map(len, cuts)])), by_passage


def out_of_fold(
    settings: Settings,
    labelled: LabelledSet,
    rows: TrainingRows,
    vectors: np.ndarray,
    passage_vectors: dict[str, np.ndarray],
) -> list[Judgement]:
    """Each tuning ticket judged, whole and passage by passage, by a model that never saw
    its author's tickets."""
    name = (
        f"oof-c{settings.c}-e{settings.embedding_weight}-m{settings.meta_weight}"
        f"-{ENCODER}-{rows.data_hash[:12]}-{_texts_hash(rows.texts)}-passages.json"
    )
    cache = CACHE / name
    n = len(labelled.tickets)
    if cache.exists():
        return [_from_json(p) for p in json.loads(cache.read_text())]
    # A row's writer: its ticket's id prefix (windows go with their ticket), EX for examples.
    authors = np.array([owner.split("-")[0] if owner else "EX" for owner in rows.owners])
    found: dict[int, Judgement] = {}
    for author in sorted(set(authors) - {"EX"}):
        test = np.flatnonzero(authors[:n] == author)
        train = np.flatnonzero(authors != author)
        pick = lambda values, idx: [values[i] for i in idx]  # noqa: E731
        model = JudgementModel.fit(
            pick(rows.texts, train),
            pick(rows.tiers, train),
            pick(rows.channels, train),
            {h: pick(v, train) for h, v in rows.labels.items()},
            settings,
            vectors[train],
        )
        cuts = {int(i): passages(rows.texts[i]) for i in test}
        owners = [i for i in test for _ in cuts[int(i)] if len(cuts[int(i)]) > 1]
        texts = pick(rows.texts, test) + [p for i in test if len(cuts[i]) > 1 for p in cuts[i]]
        x = model.features(
            texts,
            pick(rows.tiers, test) + pick(rows.tiers, owners),
            pick(rows.channels, test) + pick(rows.channels, owners),
            np.vstack(
                [vectors[test]]
                + [passage_vectors[p] for i in test if len(cuts[i]) > 1 for p in cuts[i]]
            ),
        )
        probs = model.probabilities(x)
        k = len(test)
        for j, i in enumerate(test):
            parts: tuple[Judgement, ...] = ()
            if len(cuts[int(i)]) > 1:
                parts = tuple(model.row(probs, k + m, text=p) for m, p in enumerate(cuts[int(i)]))
                k += len(parts)
            found[int(i)] = model.row(probs, j, passages=parts)
    judgements = [found[i] for i in range(n)]
    CACHE.mkdir(parents=True, exist_ok=True)
    cache.write_text(json.dumps([_to_json(j) for j in judgements]))
    return judgements


def _texts_hash(texts: list[str]) -> str:
    """The judged texts' hash: a change in how a ticket is read (quotes, chat lines,
    steering) changes the texts, not the data files, and must not reuse old judgements."""
    return hashlib.sha256("\x00".join(texts).encode()).hexdigest()[:12]


def _to_json(judgement: Judgement) -> dict[str, Any]:
    return {
        "p": judgement.probabilities,
        "passages": [{"text": p.text, "p": p.probabilities} for p in judgement.passages],
    }


def _from_json(raw: dict[str, Any]) -> Judgement:
    return Judgement(
        raw["p"], passages=tuple(Judgement(p["p"], text=p["text"]) for p in raw["passages"])
    )


def head_scores(rows: TrainingRows, judgements: list[Judgement]) -> str:
    parts = []
    for head in HEADS:
        pairs = [
            (j.top(head)[0], rows.labels[head][i])
            for i, j in enumerate(judgements)
            if rows.labels[head][i]
        ]
        parts.append(f"{head} {np.mean([a == b for a, b in pairs]):.3f}")
    return " ".join(parts)


def priority_scores(labelled: LabelledSet, judgements: list[Judgement]) -> dict[str, Any]:
    right = checked = crit_total = crit_hit = crit_low = 0
    for ticket, judgement in zip(labelled.tickets, judgements, strict=True):
        # A writer may leave the priority out where a lead could honestly go any way.
        wanted = [p.capitalize() for p in labelled.expected[ticket.ticket_id].get("priority", [])]
        if not wanted:
            continue
        got = severity.assess(
            judgement, ticket.customer_tier, judgement.top("category")[0]
        ).priority
        checked += 1
        right += got in wanted
        if wanted == ["Critical"]:
            crit_total += 1
            crit_hit += got == "Critical"
            crit_low += PRIORITIES.index(got) > 1
    return {
        "priority": round(right / checked, 3),
        "critical_recall": round(crit_hit / crit_total, 3),
        "critical_below_high": crit_low,
    }


def person_scores(labelled: LabelledSet, judgements: list[Judgement], at: float) -> str:
    """Recall and false alarms of the learned person head alone at threshold ``at``."""
    hit = total = alarms = routine = 0
    for ticket, judgement in zip(labelled.tickets, judgements, strict=True):
        wanted = labelled.expected[ticket.ticket_id].get("needs_human")
        said = judgement.p("person", "yes") >= at
        if wanted is True:
            total += 1
            hit += said
        elif wanted is False:
            routine += 1
            alarms += said
    return f"person@{at}: recall {hit / total:.3f} alarms {alarms / routine:.3f}"


class _OutOfFold:
    """Stands in for the shipped model: each ticket gets its out-of-fold judgement."""

    def __init__(self, labelled: LabelledSet, judgements: list[Judgement]) -> None:
        self.by_id = dict(zip((t.ticket_id for t in labelled.tickets), judgements, strict=True))

    def judge(self, ticket: Any) -> Judgement:
        judged = judged_text(ticket)
        found = self.by_id[ticket.ticket_id]
        return Judgement(found.probabilities, judged.steering, judged.kept, found.passages)


def system(settings: Settings) -> None:
    """Run the tuning tickets through the real graph with out-of-fold judgements."""
    from supportgraph.runs.outcome_eval import compare, render, run_outcomes
    from supportgraph.tools.triage import engines
    from supportgraph.tools.triage.judgement_data import REFERENCE_TIME

    warnings.filterwarnings("ignore")
    labelled = read_labelled(TUNING)
    rows = training_rows(labelled)
    vectors, passage_vectors = _encoded(rows.texts)
    judgements = out_of_fold(settings, labelled, rows, vectors, passage_vectors)
    engines.load_judgement = lambda path=None: _OutOfFold(labelled, judgements)  # type: ignore[assignment]
    outcomes = run_outcomes(labelled.tickets, REFERENCE_TIME)
    CACHE.mkdir(parents=True, exist_ok=True)
    (CACHE / "system-outcomes.json").write_text(json.dumps(outcomes, default=str))
    result = compare(outcomes, labelled.expected)
    print(render(result))
    for miss in result["safety_misses"]:
        ticket = next(t for t in labelled.tickets if t.ticket_id == miss["ticket_id"])
        situation = labelled.expected[ticket.ticket_id].get("situation")
        print(f"  {ticket.ticket_id} {situation}: {ticket.subject[:70]!r}")


def encoders() -> None:
    """The multilingual encoder against the English-only MiniLM, head by head, per language.

    Logistic regressions on each feature set alone, folds by author as everywhere here.
    """
    import scipy.sparse as sp
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    from supportgraph.tools.knowledge.embeddings import fast_encoder

    warnings.filterwarnings("ignore")
    labelled = read_labelled(TUNING)
    rows = training_rows(labelled, with_examples=False)
    n = len(rows.texts)
    languages = [labelled.expected[t.ticket_id].get("language", "en") for t in labelled.tickets]
    authors = np.array([labelled.author(t) for t in labelled.tickets])
    use = multilingual_encoder().encode(rows.texts)
    minilm = fast_encoder().encode(rows.texts, max_tokens=128)
    words = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, min_df=2).fit_transform(
        rows.texts
    )
    chars = TfidfVectorizer(
        analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True, min_df=2, max_features=30000
    ).fit_transform(rows.texts)
    tfidf = sp.hstack([words, chars], format="csr")
    sets = {
        "MiniLM (English)": minilm,
        "USE (multilingual)": use,
        "TF-IDF": tfidf,
        "MiniLM + TF-IDF": sp.hstack([sp.csr_matrix(minilm), tfidf], format="csr"),
        "USE + TF-IDF": sp.hstack([sp.csr_matrix(use), tfidf], format="csr"),
    }
    print(
        "| features | "
        + " | ".join(f"{h} all / non-English" for h in ("impact", "person", "category"))
        + " |"
    )
    for name, x in sets.items():
        cells = []
        for head in ("impact", "person", "category"):
            labels = rows.labels[head][:n]
            keep = np.array([i for i in range(n) if labels[i] is not None])
            got = np.empty(n, dtype=object)
            for author in sorted(set(authors)):
                test = keep[authors[keep] == author]
                train = keep[authors[keep] != author]
                model = LogisticRegression(C=16.0, max_iter=3000, class_weight="balanced")
                model.fit(x[train], [labels[i] for i in train])
                got[test] = model.predict(x[test])
            right = [got[i] == labels[i] for i in keep]
            other = [got[i] == labels[i] for i in keep if languages[i] != "en"]
            cells.append(f"{np.mean(right):.3f} / {np.mean(other):.3f}")
        print(f"| {name} | " + " | ".join(cells) + " |", flush=True)


def passage_scores(
    labelled: LabelledSet, judgements: list[Judgement], flagged_by_rules: list[bool]
) -> dict[str, Any]:
    """Priority, Critical recall and who reaches a person, with the passage pass as set now.

    A ticket reaches a person when it is Critical, its reading (the whole ticket or the
    passage that raised it) says a person must act (graph/routing.py ``person_at``) or data
    may be exposed (EXPOSURE_AT), or a request rule fired (tools/signals/intents.py).
    """
    from supportgraph.graph.models import self_serve
    from supportgraph.graph.routing import EXPOSURE_AT, PERSON_AT, ROUTINE_PERSON_AT

    right = crit_total = crit_hit = crit_low = hit = needed = alarms = routine = 0
    for ticket, judgement, rules in zip(
        labelled.tickets, judgements, flagged_by_rules, strict=True
    ):
        expected = labelled.expected[ticket.ticket_id]
        tier, category = ticket.customer_tier, judgement.top("category")[0]
        whole = severity.assess(judgement, tier, category)
        alarm = severity.passage_alarm(judgement, tier, category, whole)
        got = alarm.severity.priority if alarm else whole.priority
        reading = alarm.passage if alarm else judgement
        # A ticket whose writer left the priority open counts as right.
        wanted = [p.capitalize() for p in expected.get("priority", PRIORITIES)]
        right += got in wanted
        if wanted == ["Critical"]:
            crit_total += 1
            crit_hit += got == "Critical"
            crit_low += PRIORITIES.index(got) > 1
        routine_reading = self_serve(*judgement.top("routine"))
        person = (
            got == "Critical"
            or reading.p("person", "yes") >= (ROUTINE_PERSON_AT if routine_reading else PERSON_AT)
            or reading.p("effect", "exposure") >= EXPOSURE_AT
            or rules
        )
        if expected.get("needs_human") is True:
            needed += 1
            hit += person
        elif expected.get("needs_human") is False:
            routine += 1
            alarms += person
    return {
        "priority": round(right / len(judgements), 3),
        "critical_recall": round(crit_hit / crit_total, 3),
        "below_high": crit_low,
        "person_missed": needed - hit,
        "false_alarms": round(alarms / routine, 3),
    }


def passage_grid() -> None:
    """The passage thresholds (tools/triage/severity.py), one at a time and then together."""
    from supportgraph.tools.signals.intents import find_requests

    warnings.filterwarnings("ignore")
    labelled = read_labelled(TUNING)
    rows = training_rows(labelled)
    vectors, passage_vectors = _encoded(rows.texts)
    judgements = out_of_fold(Settings(), labelled, rows, vectors, passage_vectors)
    print("heads:", head_scores(rows, judgements), flush=True)
    rules = [bool(find_requests(t.text, t.customer_tier).intents) for t in labelled.tickets]
    off = 1.01
    knobs = ("PASSAGE_CRITICAL_AT", "PASSAGE_HIGH_AT", "PASSAGE_PERSON_AT", "PASSAGE_EXPOSURE_AT")
    for knob in knobs:
        setattr(severity, knob, off)
    print("no passage pass:", passage_scores(labelled, judgements, rules), flush=True)
    values = (0.4, 0.5, 0.6, 0.7, 0.8, 0.9)
    for knob in knobs:
        for value in values:
            setattr(severity, knob, value)
            print(f"{knob}={value}:", passage_scores(labelled, judgements, rules), flush=True)
        setattr(severity, knob, off)
    for combo in itertools.product(
        (0.5, 0.6, 0.7), (0.8, 0.9, off), (0.6, 0.7, 0.8), (0.5, 0.6, 0.7)
    ):
        for knob, value in zip(knobs, combo, strict=True):
            setattr(severity, knob, value)
        print(combo, passage_scores(labelled, judgements, rules), flush=True)


def main(grid: bool) -> None:
    warnings.filterwarnings("ignore")
    labelled = read_labelled(TUNING)
    rows = training_rows(labelled)
    started = time.time()
    vectors, passage_vectors = _encoded(rows.texts)
    print(f"encoded {len(rows.texts)} texts in {time.time() - started:.1f} s", flush=True)
    settings_grid = [Settings(c) for c in (4.0, 16.0, 64.0)] if grid else [Settings()]
    for settings in settings_grid:
        judgements = out_of_fold(settings, labelled, rows, vectors, passage_vectors)
        print(
            f"C={settings.c} emb={settings.embedding_weight}: {head_scores(rows, judgements)}",
            flush=True,
        )
        for at in (0.3, 0.4, 0.5):
            print("   ", person_scores(labelled, judgements, at), flush=True)
        grid = itertools.product((1.0, 0.5), (0.2, 0.25, 0.3), (0.5, 0.6), (0.5, 0.6))
        for sharpen, critical, high, medium in grid:
            severity.SHARPEN = sharpen
            severity.CRITICAL_AT, severity.HIGH_AT, severity.MEDIUM_AT = critical, high, medium
            scores = priority_scores(labelled, judgements)
            print(
                f"    sharpen {sharpen} critical≥{critical} high≥{high} medium≥{medium}: {scores}"
            )


def parse(argv: list[str]) -> argparse.Namespace:
    """What to run: the settings grid (default), or one of the other studies."""
    parser = argparse.ArgumentParser(
        prog="python -m tests.tune_judgement",
        description="Cross-validate the judgement model across the tuning set's writers "
        "(never the evaluation set). Without an option: the settings and threshold grids.",
    )
    study = parser.add_mutually_exclusive_group()
    study.add_argument(
        "--system", action="store_true", help="the real graph on out-of-fold judgements"
    )
    study.add_argument("--passages", action="store_true", help="the passage thresholds")
    study.add_argument("--encoders", action="store_true", help="USE against MiniLM, per head")
    study.add_argument("--once", action="store_true", help="the shipped settings only")
    return parser.parse_args(argv)


if __name__ == "__main__":
    chosen = parse(sys.argv[1:])
    if chosen.system:
        system(Settings())
    elif chosen.passages:
        passage_grid()
    elif chosen.encoders:
        encoders()
    else:
        main(grid=not chosen.once)
