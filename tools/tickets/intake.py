"""Read tickets from JSON or JSONL files and validate each one on its own.

What a support lead can expect from intake:

- One bad record (bad JSON, bytes that are not UTF-8, nesting past 32 levels, a bad
  field) is rejected with its position and reason; every other record goes on.
- Ids and tenants are never altered: one with a character outside letters, digits and
  ``- _ . : # @ +``, longer than 128 characters, or blank, is rejected (the error names
  the character and its position).
- Text is cleaned, not rejected, and each change is reported as a note: unpaired
  surrogates (backslash-u escapes such as D800) become U+FFFD; control characters (ANSI escapes,
  CR/LF in a subject or name) are removed from the subject and customer name, and from
  the message except line breaks and tabs; a subject longer than 300 characters is cut
  to 299 and "…". Bodies of any size are kept: big ones go to the blob store.
- ``submitted_at`` must lie between 5 years ago and 5 minutes from now.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from supportgraph.graph.errors import IntakeError, TicketFileError
from supportgraph.graph.models import SUBJECT_MAX_CHARS, Ticket, check_identifier
from supportgraph.tools.desk.durations import parse_duration
from supportgraph.tools.safety.escape import ELLIPSIS, strip_controls
from supportgraph.tools.tickets import ticket_files

REQUIRED_FIELDS = (
    "ticket_id",
    "customer",
    "customer_tier",
    "channel",
    "subject",
    "message",
    "submitted_at",
)
_OPTIONAL_FIELDS = {
    "priority": "declared_priority",
    "category": "declared_category",
    "tenant": None,
    "customer_id": None,
    "contact_name": None,
    "contact_email": None,
}
MAX_CLOCK_SKEW_SECONDS = 300
MAX_TICKET_AGE = timedelta(days=5 * 365)
_SURROGATE = re.compile(r"[\ud800-\udfff]")
# What cleaning removes (and notes): in one-line fields every control character and line
# break; in the message, controls other than tab and line breaks. Bidi overrides in both.
_BIDI = "\u202a-\u202e\u2066-\u2069"
_LINE_CONTROLS = re.compile(f"[\\x00-\\x1f\\x7f-\\x9f\u2028\u2029{_BIDI}]")
_TEXT_CONTROLS = re.compile(f"[\\x00-\\x08\\x0e-\\x1f\\x7f-\\x84\\x86-\\x9f{_BIDI}]")


@dataclass
class Intake:
    """Tickets that passed validation, one error per record that did not, and notes.

    ``notes`` name what intake changed in an accepted ticket (a subject cut, control
    characters removed), so nothing is altered silently.
    """

    tickets: list[Ticket] = field(default_factory=list)
    errors: list[IntakeError] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def parse_timestamp(value: object, now: datetime) -> datetime:
    """Accept ISO-8601 with an offset, or a relative time such as ``-30m`` or ``-2h``."""
    if isinstance(value, datetime):
        return value
    if not isinstance(value, str) or not value.strip():
        raise ValueError("expected an ISO-8601 timestamp or a relative time such as -30m")
    text = value.strip()
    if text[0] in "+-" and text[-1:].isalpha():
        try:
            return now + parse_duration(text)
        except OverflowError:
            raise ValueError(f"{text[:40]!r} is further from now than any calendar date") from None
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise ValueError(
            f"{text[:40]!r} is neither ISO-8601 (2026-11-25T09:30:00+00:00) nor relative (-30m)"
        ) from None


def _label(raw: Mapping[str, Any], position: str) -> str:
    """The ticket's id if it is a valid one, else its position (a bad id is never echoed)."""
    value = raw.get("ticket_id")
    try:
        return check_identifier(value) if isinstance(value, str) else position
    except ValueError:
        return position


def _clean(raw: Mapping[str, Any], label: str, notes: list[str]) -> dict[str, Any]:
    """The record with its text fields cleaned; each change is added to ``notes``."""
    data = dict(raw)
    for name in ("subject", "customer", "contact_name", "message"):
        value = data.get(name)
        if not isinstance(value, str):
            continue
        single_line = name != "message"
        surrogates = len(_SURROGATE.findall(value))
        if surrogates:
            notes.append(
                f"ticket {label}: {name}: {surrogates} unpaired surrogate(s) replaced with U+FFFD"
            )
        if (_LINE_CONTROLS if single_line else _TEXT_CONTROLS).search(value):
            notes.append(f"ticket {label}: {name}: control characters removed")
        cleaned = strip_controls(value, keep_newlines=not single_line, keep_tabs=not single_line)
        if single_line:
            cleaned = " ".join(cleaned.split())
        if name == "subject" and len(cleaned) > SUBJECT_MAX_CHARS:
            notes.append(
                f"ticket {label}: subject cut from {len(cleaned):,} to {SUBJECT_MAX_CHARS} "
                "characters"
            )
            cleaned = cleaned[: SUBJECT_MAX_CHARS - 1] + ELLIPSIS
        data[name] = cleaned
    return data


def _check_window(ticket: Ticket, label: str, now: datetime) -> None:
    if (ticket.submitted_at - now).total_seconds() > MAX_CLOCK_SKEW_SECONDS:
        raise IntakeError(
            label, "submitted_at", f"{ticket.submitted_at.isoformat()} is in the future"
        )
    if now - ticket.submitted_at > MAX_TICKET_AGE:
        raise IntakeError(
            label,
            "submitted_at",
            f"{ticket.submitted_at.isoformat()} is more than 5 years ago; "
            "check the date (tickets older than that are not taken)",
        )


def validate_ticket(
    raw: object,
    now: datetime,
    position: int = 1,
    notes: list[str] | None = None,
    where: str | None = None,
) -> Ticket:
    """Build a Ticket from one raw record, or raise IntakeError naming the field.

    Args:
        raw: One decoded JSON object using the seed's field names.
        now: Reference time for relative timestamps and the time window.
        position: 1-based position in the file, used when the ticket has no valid id.
        notes: Where to record what cleaning changed (see the module docstring).
        where: How to name the record when its id is not usable (``line 7``, ``#3``).
    """
    place = where or f"#{position}"
    if not isinstance(raw, Mapping):
        raise IntakeError(place, "<record>", f"expected a JSON object, got {type(raw).__name__}")
    label = _label(raw, place)
    for name in REQUIRED_FIELDS:
        if name not in raw or raw[name] is None:
            raise IntakeError(label, name, "required field is missing")
    unknown = set(raw) - set(REQUIRED_FIELDS) - set(_OPTIONAL_FIELDS)
    if unknown:
        name = sorted(unknown, key=str)[0]
        shown = name if len(name) <= 40 and name.isprintable() else ascii(name[:40])
        raise IntakeError(label, shown, "unknown field; check its spelling")
    try:
        submitted_at = parse_timestamp(raw["submitted_at"], now)
    except ValueError as exc:
        raise IntakeError(label, "submitted_at", str(exc)) from None
    changes: list[str] = []
    cleaned = _clean(raw, label, changes)
    data: dict[str, Any] = {name: cleaned[name] for name in REQUIRED_FIELDS}
    data["submitted_at"] = submitted_at
    for source, target in _OPTIONAL_FIELDS.items():
        if raw.get(source) is not None:
            data[target or source] = raw[source]
    try:
        ticket = Ticket.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        loc = str(first["loc"][0]) if first["loc"] else "<record>"
        field_name = {"declared_priority": "priority", "declared_category": "category"}.get(
            loc, loc
        )
        raise IntakeError(label, field_name, _explain(first)) from None
    _check_window(ticket, label, now)
    if notes is not None:
        notes.extend(changes)
    return ticket


def _explain(error: Mapping[str, Any]) -> str:
    message = str(error["msg"]).removeprefix("Value error, ")
    if error["type"] == "literal_error":
        shown = error["input"]
        shown = ascii(shown[:40]) if isinstance(shown, str) else type(shown).__name__
        return f"{shown} is not allowed; {message.lower()}"
    return message


def validate_records(
    records: Iterable[object], now: datetime, labels: Sequence[str] | None = None
) -> Intake:
    """Validate records one by one; a bad one is reported and never stops the rest.

    Args:
        records: Decoded JSON values, one per ticket.
        now: Reference time for relative timestamps and the time window.
        labels: How to name each record when its id is unusable (default ``#1``, ``#2``…).
    """
    intake = Intake()
    seen: set[tuple[str | None, str]] = set()
    for position, raw in enumerate(records, start=1):
        where = labels[position - 1] if labels else None
        try:
            ticket = validate_ticket(raw, now, position, intake.notes, where)
        except IntakeError as exc:
            intake.errors.append(exc)
            continue
        if (ticket.tenant, ticket.ticket_id) in seen:
            intake.errors.append(_duplicate(ticket))
            continue
        seen.add((ticket.tenant, ticket.ticket_id))
        intake.tickets.append(ticket)
    return intake


def read_tickets(path: Path, now: datetime) -> Intake:
    """Read a JSON list or JSONL file of tickets and validate each, keeping every ticket.

    For a few tickets (review, evaluation); ``supportgraph run`` reads a file with
    :func:`open_tickets`, which holds one ticket at a time.

    Raises:
        TicketFileError: the file is missing, a folder, or is not a JSON list / JSONL
            (one bad record is an error in the result, not an exception).
    """
    stream = open_tickets(path, now)
    return Intake(list(stream), stream.errors, stream.notes)


@dataclass
class TicketStream:
    """A ticket file checked whole, then read again one ticket at a time.

    ``count``, ``errors`` and ``notes`` are known before the first ticket runs (from the
    check); iterating reads the file again and yields the accepted tickets in order,
    so a file of any length is processed in flat memory.
    """

    path: Path
    now: datetime
    count: int
    errors: list[IntakeError]
    notes: list[str]
    rejected: frozenset[int]  # positions of the records refused by the check
    stamp: tuple[int, int]  # the file's size and modification time when checked

    def __iter__(self) -> Iterator[Ticket]:
        """The accepted tickets, read and validated again as the check read them.

        Raises:
            TicketFileError: the file changed since it was checked.
        """
        if _stamp(self.path) != self.stamp:
            raise TicketFileError(
                str(self.path), "changed while it was being processed; run it again"
            )
        for position, item in enumerate(ticket_files.iter_items(self.path), start=1):
            if position not in self.rejected:
                yield validate_ticket(item.value, self.now, position, None, item.label)


def open_tickets(path: Path, now: datetime) -> TicketStream:
    """Check a JSON list or JSONL file of tickets record by record, keeping no ticket.

    Raises:
        TicketFileError: the file is missing, a folder, or is not a JSON list / JSONL
            (one bad record is an error in the result, not an exception).
    """
    stamp = _stamp(path)
    unreadable: list[IntakeError] = []
    invalid: list[IntakeError] = []
    notes: list[str] = []
    rejected: set[int] = set()
    seen: set[tuple[str | None, str]] = set()
    for position, item in enumerate(ticket_files.iter_items(path), start=1):
        if item.problem is not None:
            unreadable.append(IntakeError(item.label, "<json>", item.problem))
            rejected.add(position)
            continue
        try:
            ticket = validate_ticket(item.value, now, position, notes, item.label)
        except IntakeError as exc:
            invalid.append(exc)
            rejected.add(position)
            continue
        if (ticket.tenant, ticket.ticket_id) in seen:
            invalid.append(_duplicate(ticket))
            rejected.add(position)
            continue
        seen.add((ticket.tenant, ticket.ticket_id))
    return TicketStream(
        path, now, len(seen), unreadable + invalid, notes, frozenset(rejected), stamp
    )


def _duplicate(ticket: Ticket) -> IntakeError:
    return IntakeError(
        ticket.ticket_id, "ticket_id", "duplicate id in this file; ids must be unique"
    )


def _stamp(path: Path) -> tuple[int, int]:
    try:
        status = path.stat()
    except OSError:
        return (-1, -1)  # iter_items says why it cannot be read
    return status.st_size, status.st_mtime_ns
