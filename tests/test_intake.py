"""Bad input is rejected with the ticket and field named; good tickets still go through."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest

from supportgraph.graph.errors import TicketFileError
from supportgraph.tools.intake import read_tickets, validate_records

from .conftest import NOW, SAMPLES


def _records() -> list[dict[str, object]]:
    return json.loads(SAMPLES.read_text())


def _only_error(record: dict[str, object]) -> str:
    intake = validate_records([record], NOW)
    assert not intake.tickets
    assert len(intake.errors) == 1
    return str(intake.errors[0])


def test_relative_timestamps_are_resolved_against_now() -> None:
    intake = validate_records(_records(), NOW)
    by_id = {t.ticket_id: t for t in intake.tickets}
    assert by_id["SUPPORT-001"].submitted_at == NOW - timedelta(minutes=30)
    assert by_id["SUPPORT-003"].submitted_at == NOW - timedelta(hours=2)


def test_declared_labels_are_kept_apart_from_triage() -> None:
    ticket = validate_records(_records(), NOW).tickets[0]
    assert (ticket.declared_priority, ticket.declared_category) == ("Critical", "Technical")


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ({"message": "   "}, "message", "empty"),
        ({"customer_tier": "Platinum"}, "customer_tier", "Platinum"),
        ({"channel": "Pigeon"}, "channel", "Pigeon"),
        ({"submitted_at": "2026-11-25T09:00:00"}, "submitted_at", "timezone"),
        ({"submitted_at": "2026-12-25T09:00:00+00:00"}, "submitted_at", "future"),
        ({"submitted_at": "yesterday"}, "submitted_at", "ISO-8601"),
        ({"priority": "Urgent"}, "priority", "Urgent"),
        ({"colour": "red"}, "colour", "unknown field"),
    ],
    ids=[
        "empty-message",
        "unknown-tier",
        "unknown-channel",
        "naive-time",
        "future-time",
        "unparseable-time",
        "bad-declared-priority",
        "unknown-field",
    ],
)
def test_invalid_field_names_ticket_and_field(
    change: dict[str, object], field: str, words: str
) -> None:
    record = _records()[0] | change
    message = _only_error(record)
    assert "SUPPORT-001" in message
    assert repr(field) in message
    assert words in message


def test_missing_required_field_is_named() -> None:
    record = _records()[1]
    del record["customer"]
    assert _only_error(record) == "ticket SUPPORT-002: field 'customer': required field is missing"


def test_bad_ticket_does_not_stop_the_good_ones() -> None:
    records = _records()
    records[2]["channel"] = "Fax"
    intake = validate_records(records, NOW)
    assert [t.ticket_id for t in intake.tickets] == [
        "SUPPORT-001",
        "SUPPORT-002",
        "SUPPORT-004",
        "SUPPORT-005",
    ]
    assert [e.ticket_id for e in intake.errors] == ["SUPPORT-003"]


def test_duplicate_ids_keep_the_first(tmp_path: Path) -> None:
    records = _records()[:2]
    records[1]["ticket_id"] = "SUPPORT-001"
    intake = validate_records(records, NOW)
    assert len(intake.tickets) == 1
    assert "duplicate" in str(intake.errors[0])


def test_invalid_json_file_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    path.write_text('[{"ticket_id": "A",\n "customer": }]')
    with pytest.raises(TicketFileError, match=r"broken.json: invalid JSON at line 2"):
        read_tickets(path, NOW)


def test_jsonl_bad_line_is_reported_and_the_rest_read(tmp_path: Path) -> None:
    path = tmp_path / "tickets.jsonl"
    lines = [json.dumps(r) for r in _records()[:2]]
    path.write_text(lines[0] + "\n{not json\n" + lines[1] + "\n")
    intake = read_tickets(path, NOW)
    assert [t.ticket_id for t in intake.tickets] == ["SUPPORT-001", "SUPPORT-002"]
    assert "line 2" in str(intake.errors[0])


def test_missing_file_says_so(tmp_path: Path) -> None:
    with pytest.raises(TicketFileError, match="does not exist"):
        read_tickets(tmp_path / "nope.json", NOW)
