"""How many KB answers to problem reports the feature-or-integration check turns away.

Run with ``python -m tests.eval_kb_faults`` (about half a minute).
tests/data/judgement/kb_fault_labels.json labels tickets that were answered automatically
with an article's steps although they are no how-to question (routine none): whether the
article is about the customer's problem (``yes``), only touches it (``partly``) or is
about something else (``no``). Annotator sessions labelled them from the tickets and the
articles alone: 138 tuning tickets (all of them, on `c244fb8`), from which
``tools.knowledge.gate.speaks_of`` was written, and a random 240 of the 595 evaluation
tickets, labelled after it was written and measured once (docs/retrieval_eval.md).
"""

from __future__ import annotations

import json
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

from supportgraph.tools.knowledge.gate import speaks_of
from supportgraph.tools.knowledge.kb_store import load_index
from supportgraph.tools.tickets.intake import validate_records

DATA = Path(__file__).parent / "data" / "judgement"
LABELS = DATA / "kb_fault_labels.json"
HALVES = {"tuning": DATA / "tuning", "evaluation": DATA / "eval"}


def turned_away(half: str) -> Counter[tuple[str, bool]]:
    """(label, turned away) counts over the labelled tickets of ``half``."""
    labels = json.loads(LABELS.read_text())[half]
    records = [
        r
        for r in json.loads((HALVES[half] / "tickets.json").read_text())
        if r["ticket_id"] in labels
    ]
    intake = validate_records(records, datetime(2026, 12, 5, tzinfo=UTC))
    if intake.errors or len(intake.tickets) != len(labels):
        raise SystemExit(
            f"{LABELS} ({half}): {len(labels)} labels, {len(intake.tickets)} tickets read"
        )
    kb = load_index(None)
    counts: Counter[tuple[str, bool]] = Counter()
    for ticket in intake.tickets:
        label = labels[ticket.ticket_id]
        away = not speaks_of(kb.get(label["article"]), ticket)
        counts[(label["label"], away)] += 1
    return counts


def main() -> None:
    for half in HALVES:
        counts = turned_away(half)
        row = ", ".join(
            f"{label}: {counts[(label, True)]} of {counts[(label, True)] + counts[(label, False)]}"
            for label in ("yes", "partly", "no")
        )
        print(f"{half:<11} turned away — {row}")


if __name__ == "__main__":
    main()
