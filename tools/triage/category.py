"""The shipped example tickets for the default taxonomy (tools/data/triage_examples.jsonl).

420 short English tickets, each with its category (technical, billing, account, sales,
product, feedback) and, since the triage-judgement work, the priority, person and
signal labels a support lead gives it by the rubric. The judgement model learns from
them next to the tuning set (tools/triage/judgement_data.py); tests and benchmarks use them
as a small realistic batch.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from supportgraph.tools import shipped_data


@dataclass(frozen=True)
class LabelledTicket:
    """An example: subject, message and its category."""

    subject: str
    message: str
    category: str


def load_examples() -> list[LabelledTicket]:
    """Read the shipped labelled example tickets."""
    text = shipped_data("triage_examples.jsonl").read_text(encoding="utf-8")
    rows = [json.loads(line) for line in text.splitlines() if line.strip()]
    return [LabelledTicket(r["subject"], r["message"], r["category"]) for r in rows]
