"""Labelled tickets for the judgement model: the tuning set, read into texts and labels.

A labelled set is a folder with ``tickets.json`` (tickets in the intake format) and
``expected.json`` (per ticket id: the outcome labels of ``supportgraph eval outcomes``
and, for training, the ``signals`` behind them: impact, effect, urgency, routine).
The category examples shipped for the default taxonomy join the category head.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from supportgraph.graph.errors import TrainingDataError
from supportgraph.graph.models import Ticket
from supportgraph.tools import shipped_data
from supportgraph.tools.signals.steering import text_to_judge
from supportgraph.tools.signals.ticket_text import passages
from supportgraph.tools.tickets.intake import validate_records
from supportgraph.tools.triage.judgement import HEADS, data_hash, judged_text
from supportgraph.tools.triage.severity import IMPACT

# Relative timestamps in a labelled file are read against this fixed moment, so a
# model built today and one built next year see the same tickets.
REFERENCE_TIME = datetime(2026, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class LabelledSet:
    """Tickets with their expected outcomes, in file order."""

    tickets: list[Ticket]
    expected: dict[str, dict[str, Any]]
    files: tuple[Path, ...]

    def author(self, ticket: Ticket) -> str:
        """Which batch (author) wrote a ticket: the id's prefix, as in TUA-001."""
        return ticket.ticket_id.split("-")[0]


def read_labelled(folder: Path) -> LabelledSet:
    """Read ``tickets.json`` and ``expected.json`` from ``folder``.

    Raises:
        TrainingDataError: a file is missing or unreadable, a ticket is invalid, or a
            ticket has no expected entry.
    """
    files = (folder / "tickets.json", folder / "expected.json")
    try:
        raw = json.loads(files[0].read_text("utf-8"))
        expected = json.loads(files[1].read_text("utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise TrainingDataError(str(folder), f"cannot read the labelled set: {exc}") from None
    intake = validate_records(raw, REFERENCE_TIME)
    if intake.errors:
        raise TrainingDataError(str(files[0]), str(intake.errors[0]))
    missing = [t.ticket_id for t in intake.tickets if t.ticket_id not in expected]
    if missing:
        raise TrainingDataError(str(files[1]), f"no expected entry for {', '.join(missing[:5])}")
    return LabelledSet(intake.tickets, expected, files)


def _labels_of(entry: dict[str, Any]) -> dict[str, str | None]:
    """The head labels of one expected entry (None where it leaves a head open)."""
    signals = entry.get("signals") or {}
    who, effect = signals.get("impact"), signals.get("effect")
    human = entry.get("needs_human")
    return {
        "who": who,
        "effect": effect,
        "urgency": signals.get("urgency"),
        "impact": IMPACT[effect][who] if who and effect else None,
        "routine": (signals.get("routine") or "none") if signals else None,
        "person": None if human is None else ("yes" if human else "no"),
        "reason": (signals.get("human_reason") or "none") if signals else None,
        "category": (entry.get("category") or [None])[0],
    }


def head_labels(labelled: LabelledSet) -> dict[str, list[str | None]]:
    """One label list per head (None where the set leaves it open)."""
    labels: dict[str, list[str | None]] = {head: [] for head in HEADS}
    for ticket in labelled.tickets:
        for head, value in _labels_of(labelled.expected[ticket.ticket_id]).items():
            labels[head].append(value)
    return labels


def _example_rows() -> list[dict[str, Any]]:
    """The shipped examples: short English tickets labelled like the tuning set."""
    lines = examples_file().read_text("utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


@dataclass(frozen=True)
class TrainingRows:
    """Texts, tiers, channels and labels ready for JudgementModel.fit."""

    texts: list[str]
    tiers: list[str | None]
    channels: list[str | None]
    labels: dict[str, list[str | None]]
    data_hash: str
    owners: list[str | None] = field(default_factory=list)


def training_rows(labelled: LabelledSet, with_examples: bool = True) -> TrainingRows:
    """The tuning set's rows, its labelled sentence windows, and the shipped category examples.

    Every row names the ticket it came from (``owners``; None for a shipped example), so
    cross-validation can hold out a writer's tickets and their windows together.
    """
    texts = [judged_text(t).text for t in labelled.tickets]
    tiers: list[str | None] = [t.customer_tier for t in labelled.tickets]
    channels: list[str | None] = [t.channel for t in labelled.tickets]
    owners: list[str | None] = [t.ticket_id for t in labelled.tickets]
    labels = head_labels(labelled)
    labels["window"] = [None] * len(texts)
    files = [*labelled.files]
    windows = labelled.files[0].with_name("passages.json")
    if windows.is_file():
        files.append(windows)
        for ticket, text, label in _window_rows(labelled, windows):
            texts.append(text)
            tiers.append(ticket.customer_tier)
            channels.append(ticket.channel)
            owners.append(ticket.ticket_id)
            for head in labels:
                labels[head].append(label if head == "window" else None)
    if with_examples:
        files.append(examples_file())
        for raw in _example_rows():
            texts.append(text_to_judge(f"{raw['subject']}\n{raw['message']}").text)
            tiers.append(None)
            channels.append(None)
            owners.append(None)
            entry = {**raw, "category": [raw["category"]]}
            for head, value in {**_labels_of(entry), "window": None}.items():
                labels[head].append(value)
    return TrainingRows(texts, tiers, channels, labels, data_hash(*files), owners)


def _window_rows(labelled: LabelledSet, path: Path) -> list[tuple[Ticket, str, str]]:
    """Labelled sentence windows, and every window of a routine ticket as harmless.

    ``passages.json`` maps a ticket id to its windows (as ``passages`` cut the judged
    text when they were labelled) with ``label`` serious, context or harmless.
    """
    try:
        raw = json.loads(path.read_text("utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise TrainingDataError(str(path), f"cannot read the window labels: {exc}") from None
    found = []
    for ticket in labelled.tickets:
        if ticket.ticket_id in raw:
            for window in raw[ticket.ticket_id]:
                if window.get("label") not in HEADS["window"]:
                    raise TrainingDataError(
                        str(path),
                        f"{ticket.ticket_id}: label {window.get('label')!r}, "
                        f"expected one of {', '.join(HEADS['window'])}",
                    )
                found.append((ticket, window["text"], window["label"]))
        elif expected_routine(labelled.expected[ticket.ticket_id]):
            for text in passages(judged_text(ticket).text):
                found.append((ticket, text, "harmless"))
    return found


def expected_routine(entry: dict[str, Any]) -> bool:
    """An expected entry that needs no person, no escalation, and at most Medium priority.

    Thanks, praise, auto-replies, spam, how-to questions, feature ideas, billing
    questions and minor bugs: the tickets the rubric says go out without a person. The
    outcome evaluation counts a person for one as a false alarm; training reads every
    window of one as harmless.
    """
    wanted = {str(p).lower() for p in entry.get("priority", [])}
    return (
        entry.get("needs_human") is False
        and entry.get("escalated") is not True
        and wanted <= {"low", "medium"}
    )


def examples_file() -> Path:
    """The shipped category examples (tools/data/triage_examples.jsonl)."""
    return shipped_data("triage_examples.jsonl")
