"""Labelled tickets from a team's own CSV or JSONL file, with the columns named by the user.

Every problem is reported with the file, the column and the row (1-based, header = row 1
for CSV, line number for JSONL), and says what to change.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from supportgraph.graph.errors import TrainingDataError

_SHOWN = 5
# How text_fingerprint reads a ticket; saved with a model's training hashes so that a
# later change of the recipe is noticed instead of reporting no overlap.
TEXT_NORMALISATION = "fields joined by a space, whitespace collapsed, casefolded; blake2b-64"


@dataclass(frozen=True)
class LabelledTickets:
    """Text fields and labels read from a file, one entry per ticket.

    Attributes:
        fields: Per ticket, the text columns in the order given (the first is the subject).
        labels: Per ticket, the label the model learns (e.g. the queue).
        priorities: Per ticket, the priority label, when a priority column was given.
        text_columns: Names of the text columns, in order.
        source: The file read.
    """

    fields: list[tuple[str, ...]]
    labels: list[str]
    priorities: list[str] | None
    text_columns: tuple[str, ...]
    source: str

    def __len__(self) -> int:
        return len(self.labels)


def parse_columns(spec: str) -> tuple[str, ...]:
    """Split a ``subject,body`` option into column names."""
    columns = tuple(c.strip() for c in spec.split(",") if c.strip())
    if not columns:
        raise TrainingDataError("--text", "no text column named; give e.g. --text subject,body")
    return columns


def _decode(path: Path) -> str:
    if path.is_dir():
        raise TrainingDataError(str(path), "is a folder; pass a CSV or JSONL file")
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise TrainingDataError(str(path), "no such file") from None
    except OSError as exc:
        raise TrainingDataError(str(path), f"cannot be read: {exc.strerror or exc}") from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise TrainingDataError(
            str(path),
            f"not UTF-8 text (byte 0x{raw[exc.start]:02x} at offset {exc.start}); "
            "re-save it as UTF-8, e.g. iconv -f latin1 -t utf-8 FILE > FILE.utf8",
        ) from None


def _records(path: Path) -> list[tuple[int, dict[str, object]]]:
    """Rows as (row number, record) pairs."""
    text = _decode(path)
    match path.suffix.lower():
        case ".csv":
            reader = csv.DictReader(io.StringIO(text, newline=""))
            return [(number, dict(row)) for number, row in enumerate(reader, start=2)]
        case ".jsonl":
            out = []
            for number, line in enumerate(text.splitlines(), start=1):
                if not line.strip():
                    continue
                try:
                    record = json.loads(line)
                except json.JSONDecodeError as exc:
                    raise TrainingDataError(
                        str(path), f"line {number} is not JSON ({exc.msg}); write one object a line"
                    ) from None
                if not isinstance(record, dict):
                    raise TrainingDataError(
                        str(path), f"line {number} is {type(record).__name__}, expected an object"
                    )
                out.append((number, record))
            return out
        case other:
            raise TrainingDataError(
                str(path), f"unknown file type {other or '(none)'!r}; use a .csv or .jsonl file"
            )


def _check_columns(
    path: Path, records: list[tuple[int, dict[str, object]]], wanted: Sequence[str]
) -> None:
    present = set().union(*(r.keys() for _, r in records))
    missing = [c for c in wanted if c not in present]
    if missing:
        raise TrainingDataError(
            str(path),
            f"no column {', '.join(map(repr, missing))}; the file has "
            f"{', '.join(map(repr, sorted(present)))}; name the right ones with --text/--label",
        )


def _cell(record: dict[str, object], column: str) -> str:
    value = record.get(column)
    return "" if value is None else str(value).strip()


def _rows_list(numbers: list[int]) -> str:
    shown = ", ".join(map(str, numbers[:_SHOWN]))
    return shown + (f" and {len(numbers) - _SHOWN} more" if len(numbers) > _SHOWN else "")


def read_labelled(
    path: Path, text_columns: Sequence[str], label: str, priority_label: str | None = None
) -> LabelledTickets:
    """Read labelled tickets from a CSV or JSONL file.

    Args:
        path: The file (``.csv`` with a header row, or ``.jsonl`` with one object a line).
        text_columns: Columns holding the ticket text; the first is weighted as the subject.
        label: Column holding the label to learn (e.g. ``queue``).
        priority_label: Optional column holding a priority label to learn as well.

    Raises:
        TrainingDataError: The file is missing, not UTF-8, lacks a column, has a row with
            no text or no label, or holds no rows.
    """
    records = _records(path)
    if not records:
        raise TrainingDataError(str(path), "holds no rows; a labelled ticket a row is expected")
    wanted = [*text_columns, label, *([priority_label] if priority_label else [])]
    _check_columns(path, records, wanted)
    fields, labels, priorities = [], [], []
    empty_text, no_label = [], []
    for number, record in records:
        texts = tuple(_cell(record, c) for c in text_columns)
        if not any(texts):
            empty_text.append(number)
        row_labels = [_cell(record, label)] + (
            [_cell(record, priority_label)] if priority_label else []
        )
        if not all(row_labels):
            no_label.append(number)
        fields.append(texts)
        labels.append(row_labels[0])
        if priority_label:
            priorities.append(row_labels[1])
    if empty_text:
        raise TrainingDataError(
            str(path),
            f"{len(empty_text)} row(s) have empty text in {', '.join(text_columns)} "
            f"(row {_rows_list(empty_text)}); fill them in or remove them",
        )
    if no_label:
        names = label + (f"/{priority_label}" if priority_label else "")
        raise TrainingDataError(
            str(path),
            f"{len(no_label)} row(s) have no {names} label (row {_rows_list(no_label)}); "
            "label them or remove them",
        )
    return LabelledTickets(
        fields=fields,
        labels=labels,
        priorities=priorities if priority_label else None,
        text_columns=tuple(text_columns),
        source=str(path),
    )


def require_trainable(data: LabelledTickets, folds: int) -> None:
    """Check that every label can be learned and cross-validated.

    Raises:
        TrainingDataError: Only one class, or a class with fewer examples than ``folds``.
    """
    for name, values in (("label", data.labels), ("priority label", data.priorities)):
        if values is None:
            continue
        counts = Counter(values)
        if len(counts) < 2:
            raise TrainingDataError(
                data.source,
                f"every row has the {name} {next(iter(counts))!r}; a classifier needs at "
                "least two classes: add tickets of other classes",
            )
        rare = sorted(c for c, n in counts.items() if n < folds)
        if rare:
            raise TrainingDataError(
                data.source,
                f"{name} class(es) {', '.join(map(repr, rare))} have fewer than {folds} "
                f"examples, too few to cross-validate; add examples or merge them into "
                "another class",
            )


def text_fingerprint(fields: Sequence[str]) -> str:
    """A short hash of a ticket's text, the same whatever its case and spacing.

    Args:
        fields: The ticket's text fields (subject first), as read by :func:`read_labelled`.
    """
    text = " ".join(" ".join(fields).split()).casefold()
    return hashlib.blake2b(text.encode("utf-8"), digest_size=8).hexdigest()


def text_fingerprints(tickets: Iterable[Sequence[str]]) -> list[str]:
    """The distinct :func:`text_fingerprint` of tickets, sorted (a model stores them)."""
    return sorted({text_fingerprint(fields) for fields in tickets})
