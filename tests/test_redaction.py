"""PII redaction: recall on a labelled set of snippets, and the cases that must not leak."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from supportgraph.tools.redaction import iban_ok, luhn_ok, redact

CASES = [json.loads(line) for line in (Path(__file__).parent / "data" / "pii_cases.jsonl").open()]
STRUCTURED = {"EMAIL", "PHONE", "CARD", "IBAN", "API_KEY", "SECRET", "IP"}


def _recall_by_kind() -> tuple[Counter[str], Counter[str], list[str]]:
    expected: Counter[str] = Counter()
    caught: Counter[str] = Counter()
    leaks = []
    for case in CASES:
        redacted = redact(case["text"], case.get("names", []))
        for kind, value in case["pii"]:
            expected[kind] += 1
            if value in redacted:
                leaks.append(f"{kind} {value!r} in {redacted!r}")
            else:
                caught[kind] += 1
    return expected, caught, leaks


def test_labelled_set_is_large_enough_to_measure() -> None:
    assert len(CASES) >= 50
    assert sum(len(c["pii"]) for c in CASES) >= 50


def test_structured_pii_recall_is_at_least_95_percent() -> None:
    expected, caught, leaks = _recall_by_kind()
    structured = sum(expected[k] for k in STRUCTURED)
    assert sum(caught[k] for k in STRUCTURED) / structured >= 0.95, leaks


def test_no_card_number_or_key_leaks() -> None:
    _, _, leaks = _recall_by_kind()
    assert [leak for leak in leaks if leak.split()[0] in {"CARD", "API_KEY", "SECRET"}] == []


def test_clean_text_is_left_alone() -> None:
    for case in CASES:
        if not case["pii"]:
            assert redact(case["text"]) == case["text"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("card 4111 1111 1111 1111", "card [CARD]"),
        ("card 4111 1111 1111 1112", "card 4111 1111 1111 1112"),  # fails Luhn: not a card
        ("IBAN GB82 WEST 1234 5698 7654 32", "IBAN [IBAN]"),
        ("write to ana@example.org", "write to [EMAIL]"),
        ("token ghp_abcdefghijklmnopqrstuvwxyz0123456789", "token [API_KEY]"),
        ("from 198.51.100.7", "from [IP]"),
        ("Best regards,\nJonas Weber", "Best regards,\n[NAME]"),
    ],
    ids=["card", "luhn-fail", "iban", "email", "github-token", "ipv4", "signature"],
)
def test_each_detector_replaces_with_its_kind(text: str, expected: str) -> None:
    assert redact(text) == expected


def test_customer_name_passed_in_is_redacted_anywhere() -> None:
    assert redact("Initech's admin says initech exports fail", ["Initech"]) == (
        "[NAME]'s admin says [NAME] exports fail"
    )


def test_checksums() -> None:
    assert luhn_ok("4012888888881881") and not luhn_ok("4012888888881882")
    assert iban_ok("DE89370400440532013000") and not iban_ok("DE89370400440532013001")
