"""Read tickets from JSON or JSONL files and validate each one on its own."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from supportgraph.graph.errors import IntakeError, TicketFileError
from supportgraph.graph.models import Ticket
from supportgraph.tools.durations import parse_duration

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


@dataclass
class Intake:
    """Tickets that passed validation, and one error per ticket that did not."""

    tickets: list[Ticket] = field(default_factory=list)
    errors: list[IntakeError] = field(default_factory=list)


def parse_timestamp(value: object, now: datetime) -> datetime:
    """Accept ISO-8601 with an offset, or a relative time such as ``-30m`` or ``-2h``."""
    if isinstance(value, datetime):
        return value
    if not isinstance(value, str) or not value.strip():
        raise ValueError("expected an ISO-8601 timestamp or a relative time such as -30m")
    text = value.strip()
    if text[0] in "+-" and text[-1:].isalpha():
        return now + parse_duration(text)
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise ValueError(
            f"{text!r} is neither ISO-8601 (2026-11-25T09:30:00+00:00) nor relative (-30m)"
        ) from None


def _ticket_id(raw: Mapping[str, Any], position: int) -> str:
    value = raw.get("ticket_id")
    return str(value) if isinstance(value, str | int) and str(value).strip() else f"#{position}"


def validate_ticket(raw: object, now: datetime, position: int = 1) -> Ticket:
    """Build a Ticket from one raw record, or raise IntakeError naming the field.

    Args:
        raw: One decoded JSON object using the seed's field names.
        now: Reference time for relative timestamps and the future check.
        position: 1-based position in the file, used when the ticket has no id.
    """
    if not isinstance(raw, Mapping):
        raise IntakeError(
            f"#{position}", "<record>", f"expected a JSON object, got {type(raw).__name__}"
        )
    ticket_id = _ticket_id(raw, position)
    for name in REQUIRED_FIELDS:
        if name not in raw or raw[name] is None:
            raise IntakeError(ticket_id, name, "required field is missing")
    unknown = set(raw) - set(REQUIRED_FIELDS) - set(_OPTIONAL_FIELDS)
    if unknown:
        raise IntakeError(ticket_id, sorted(unknown)[0], "unknown field; check its spelling")
    try:
        submitted_at = parse_timestamp(raw["submitted_at"], now)
    except ValueError as exc:
        raise IntakeError(ticket_id, "submitted_at", str(exc)) from None
    data: dict[str, Any] = {name: raw[name] for name in REQUIRED_FIELDS}
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
        raise IntakeError(ticket_id, field_name, _explain(first)) from None
    if (ticket.submitted_at - now).total_seconds() > MAX_CLOCK_SKEW_SECONDS:
        raise IntakeError(
            ticket_id, "submitted_at", f"{ticket.submitted_at.isoformat()} is in the future"
        )
    return ticket


def _explain(error: Mapping[str, Any]) -> str:
    message = str(error["msg"]).removeprefix("Value error, ")
    if error["type"] == "literal_error":
        return f"{error['input']!r} is not allowed; {message.lower()}"
    return message


def validate_records(records: Iterable[object], now: datetime) -> Intake:
    """Validate records one by one; a bad one is reported and never stops the rest."""
    intake = Intake()
    seen: set[str] = set()
    for position, raw in enumerate(records, start=1):
        try:
            ticket = validate_ticket(raw, now, position)
        except IntakeError as exc:
            intake.errors.append(exc)
            continue
        if ticket.ticket_id in seen:
            intake.errors.append(
                IntakeError(
                    ticket.ticket_id, "ticket_id", "duplicate id in this file; ids must be unique"
                )
            )
            continue
        seen.add(ticket.ticket_id)
        intake.tickets.append(ticket)
    return intake


def read_tickets(path: Path, now: datetime) -> Intake:
    """Read a JSON list or JSONL file of tickets and validate each.

    Raises:
        TicketFileError: the file is missing or is not a JSON list / JSONL at all.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise TicketFileError(str(path), "file does not exist") from None
    except UnicodeDecodeError:
        raise TicketFileError(str(path), "file is not UTF-8 text") from None
    stripped = text.lstrip()
    if not stripped:
        raise TicketFileError(str(path), "file is empty; expected a JSON list or JSONL of tickets")
    if stripped.startswith("["):
        try:
            records = json.loads(text)
        except json.JSONDecodeError as exc:
            raise TicketFileError(
                str(path), f"invalid JSON at line {exc.lineno} column {exc.colno}: {exc.msg}"
            ) from None
        return validate_records(records, now)
    return _read_jsonl(path, text, now)


def _read_jsonl(path: Path, text: str, now: datetime) -> Intake:
    records: list[object] = []
    bad_lines: list[IntakeError] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            records.append(json.loads(line))
        except json.JSONDecodeError as exc:
            bad_lines.append(IntakeError(f"line {number}", "<json>", f"invalid JSON: {exc.msg}"))
    if not records and bad_lines:
        raise TicketFileError(str(path), "no line is valid JSON; expected a JSON list or JSONL")
    intake = validate_records(records, now)
    intake.errors[:0] = bad_lines
    return intake
