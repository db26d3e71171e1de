"""PII redaction: recall on a labelled set of snippets, and the cases that must not leak."""

from __future__ import annotations

from collections import Counter

import pytest

from supportgraph.tools.safety.redaction import (
    NEVER_STORED,
    iban_ok,
    luhn_ok,
    mask_sensitive,
    redact,
)
from tests.eval_pii import DRAFT_KINDS, NEVER_LEAK, evaluate, load_cases

CASES = load_cases()
SCORES = evaluate(CASES)


def test_labelled_set_covers_four_languages_channels_and_hard_negatives() -> None:
    assert len(CASES) >= 120
    languages = Counter(c.get("lang", "en") for c in CASES)
    assert {lang: n >= 20 for lang, n in languages.items()} == {
        "en": True,
        "de": True,
        "es": True,
        "fr": True,
    }
    assert {"email", "chat", "phone", "web_form"} <= {c.get("channel") for c in CASES}
    hard_negatives = [c for c in CASES if c.get("keep")]
    assert len(hard_negatives) >= 30


def test_drafts_lose_at_least_95_percent_of_names_addresses_and_numbers() -> None:
    assert SCORES.recall(DRAFT_KINDS) >= 0.95, SCORES.misses
    for kind in ("NAME", "ADDRESS"):
        assert SCORES.recall((kind,)) >= 0.95, [m for m in SCORES.misses if m.startswith(kind)]


def test_no_card_number_ssn_or_iban_survives_redaction() -> None:
    assert [leak for leak in SCORES.leaks if leak[0] in NEVER_LEAK] == []


def test_order_numbers_prices_dates_and_charge_ids_survive_verbatim() -> None:
    assert SCORES.not_kept == []
    assert SCORES.precision() >= 0.95, SCORES.false_alarms


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
        ("SSN 536-22-1234, call 415-555-0198", "SSN [SSN], call [PHONE]"),
        ("my ssn is 536221234", "my ssn is [SSN]"),
        ("DNI 48291736Q", "DNI [NATIONAL_ID]"),
        ("Steuer-ID 86175938424", "Steuer-ID [NATIONAL_ID]"),
        ("NIR 2 92 03 75 120 045 52", "NIR [NATIONAL_ID]"),
    ],
    ids=[
        "card",
        "luhn-fail",
        "iban",
        "email",
        "github-token",
        "ipv4",
        "signature",
        "ssn-is-no-phone",
        "ssn-unformatted",
        "spanish-dni",
        "german-tax-id",
        "french-insee",
    ],
)
def test_each_detector_replaces_with_its_kind(text: str, expected: str) -> None:
    assert redact(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Rechnung an Hauptstraße 12, 10115 Berlin.\n\nMit freundlichen Grüßen\nJana Weber",
            "Rechnung an [ADDRESS].\n\nMit freundlichen Grüßen\n[NAME]",
        ),
        (
            "Enviar a Calle Mayor 5, 28013 Madrid, me llamo Lucía Romero.",
            "Enviar a [ADDRESS], me llamo [NAME].",
        ),
        (
            "Facture au 12 rue de la Paix, 75002 Paris.\nCordialement,\nMarc Dubois",
            "Facture au [ADDRESS].\nCordialement,\n[NAME]",
        ),
        (
            "Ship to 742 Evergreen Terrace, Springfield, IL 62704.\nThanks,\nMaggie Simpson",
            "Ship to [ADDRESS].\nThanks,\n[NAME]",
        ),
    ],
    ids=["german", "spanish", "french", "english"],
)
def test_addresses_and_names_are_redacted_in_every_language(text: str, expected: str) -> None:
    assert redact(text) == expected


def test_invisible_characters_and_other_digits_do_not_hide_a_card() -> None:
    assert redact("card 4111\u200b1111\u200b1111\u200b1111 ok") == "card [CARD] ok"
    assert redact("card ４１１１ １１１１ １１１１ １１１１") == "card [CARD]"
    assert redact("card 4111.1111.1111.1111, exp 12/28") == "card [CARD], exp 12/28"


def test_mask_sensitive_keeps_what_support_needs_and_drops_what_nobody_may_store() -> None:
    text = "Jana Weber (jana@example.de, +49 30 1234567) paid with 4111 1111 1111 1111, SSN 536-22-1234"
    assert mask_sensitive(text) == (
        "Jana Weber (jana@example.de, +49 30 1234567) paid with [CARD], SSN [SSN]"
    )
    assert {"CARD", "IBAN", "SSN", "NATIONAL_ID", "API_KEY"} <= NEVER_STORED


def test_customer_name_passed_in_is_redacted_anywhere() -> None:
    assert redact("Initech's admin says initech exports fail", ["Initech"]) == (
        "[NAME]'s admin says [NAME] exports fail"
    )


def test_checksums() -> None:
    assert luhn_ok("4012888888881881") and not luhn_ok("4012888888881882")
    assert iban_ok("DE89370400440532013000") and not iban_ok("DE89370400440532013001")
