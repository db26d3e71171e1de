"""Right article / wrong article / gap per language on the labelled how-to tuning tickets.

Run with ``python -m tests.eval_kb_crosslingual`` (about a minute). Each ticket of
tests/data/judgement/kb_labels.json is searched as the knowledge node searches it
(``nodes.knowledge.find_articles`` with the ticket's content text), once as before
(cross-lingual search off) and once as shipped. The top hit is *right* when the labels
name it, *wrong* when they do not (or name no article), a *gap* when there is no hit.

The labels are split by writer (``TUNING_WRITERS``): the shipped bank of answered
questions (tools/data/kb_questions.jsonl) is the tuning half, so only the held-out half
measures the cross-lingual search; tuning rows are in-sample. ``--write-bank`` rewrites
the bank from the tuning half's labels.
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

from supportgraph.graph.models import Ticket
from supportgraph.nodes.knowledge import find_articles
from supportgraph.tools.knowledge.crosslingual import bank_path, crosslingual_hits
from supportgraph.tools.signals.ticket_text import content_text
from supportgraph.tools.tickets.intake import validate_records

DATA = Path(__file__).parent / "data" / "judgement"
LABELS = DATA / "kb_labels.json"
# Fixed before any measurement (tests/data/judgement/README.md).
TUNING_WRITERS = frozenset({"EVA", "EVC", "TUB", "TUD", "TUF", "TUH", "TUL", "TUM", "TUO", "TUS"})
LANGUAGES = ("en", "de", "es", "fr")
MIN_SCORE = 0.34  # Context.kb_min_score's default


def half(ticket_id: str) -> str:
    """``tuning`` or ``held-out``, by the writer prefix of the ticket id."""
    return "tuning" if ticket_id.split("-")[0] in TUNING_WRITERS else "held-out"


def labelled_tickets() -> tuple[list[Ticket], dict[str, list[str]], dict[str, str]]:
    """The labelled tuning tickets, their labels and their writers' language tags."""
    labels = json.loads(LABELS.read_text())
    expected = json.loads((DATA / "tuning" / "expected.json").read_text())
    records = [
        r
        for r in json.loads((DATA / "tuning" / "tickets.json").read_text())
        if r["ticket_id"] in labels
    ]
    intake = validate_records(records, datetime(2026, 12, 4, tzinfo=UTC))
    if intake.errors or len(intake.tickets) != len(labels):
        raise SystemExit(f"{LABELS}: {len(labels)} labels, {len(intake.tickets)} tickets read")
    languages = {t: expected[t]["language"] for t in labels}
    return intake.tickets, labels, languages


def write_bank() -> None:
    """Rewrite the shipped bank from the tuning half's labels."""
    tickets, labels, _ = labelled_tickets()
    lines = [
        json.dumps(
            {
                "ticket_id": t.ticket_id,
                "question": content_text(t),
                "articles": labels[t.ticket_id],
            },
            ensure_ascii=False,
        )
        for t in tickets
        if half(t.ticket_id) == "tuning"
    ]
    bank_path().write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{bank_path()}: {len(lines)} answered questions")


def outcome(top: str | None, labels: list[str]) -> str:
    """``right``, ``wrong`` or ``gap`` for a top hit against a ticket's labels."""
    if top is None:
        return "gap"
    return "right" if top in labels else "wrong"


def evaluate() -> dict[str, dict[str, dict[str, int]]]:
    """Counts per variant, half and language; prints the tables and the latency."""
    tickets, labels, languages = labelled_tickets()
    counts: dict[str, dict[str, Counter[str]]] = {}
    started = time.perf_counter()
    crosslingual_hits(None, "Wie rotiere ich einen API-Schlüssel?")
    first = time.perf_counter() - started  # loads the encoder, encodes the bank and articles
    seconds: list[float] = []
    for variant in ("before", "after"):
        for ticket in tickets:
            query = content_text(ticket)
            # "before": told the ticket is English, the node never searches across languages
            hits = find_articles(query, "en" if variant == "before" else None, None, MIN_SCORE)
            if variant == "after" and languages[ticket.ticket_id] != "en":
                started = time.perf_counter()
                crosslingual_hits(None, query)
                seconds.append(time.perf_counter() - started)
            gold = labels[ticket.ticket_id]
            kind = "answerable" if gold else "unanswerable"
            key = f"{half(ticket.ticket_id)} {languages[ticket.ticket_id]}"
            cell = counts.setdefault(variant, {}).setdefault(key, Counter())
            cell[f"{kind} {outcome(hits[0].article_id if hits else None, gold)}"] += 1
    for part in ("held-out", "tuning (in-sample for the bank)"):
        print(f"\n{part}: answerable right / wrong / gap | unanswerable wrong / gap")
        for language in LANGUAGES:
            row = []
            for variant in ("before", "after"):
                c = counts[variant][f"{part.split()[0]} {language}"]
                row.append(
                    f"{variant} {c['answerable right']:3d} / {c['answerable wrong']} /"
                    f" {c['answerable gap']:2d} | {c['unanswerable wrong']:2d} /"
                    f" {c['unanswerable gap']:2d}"
                )
            print(f"  {language}: " + "    ".join(row))
    ordered = sorted(seconds)
    print(
        f"\ncross-lingual search per non-English query: p50 {statistics.median(ordered) * 1000:.1f} ms,"
        f" p95 {ordered[int(0.95 * (len(ordered) - 1))] * 1000:.1f} ms ({len(ordered)} queries);"
        f" first search in the process {first:.2f} s"
    )
    return {v: {k: dict(c) for k, c in by.items()} for v, by in counts.items()}


if __name__ == "__main__":
    if "--write-bank" in sys.argv[1:]:
        write_bank()
    else:
        evaluate()
