"""Redact personal data and secrets from text before it is stored, reported or drafted.

Each kind of finding is named, and its name is the placeholder (``[EMAIL]``,
``[CARD]``, ``[SSN]``...). Numbers are kept only when their checksum holds
(tools/safety/pii_numbers.py), so an order number or a timestamp is not mistaken for a card;
street addresses and person names are found by the cues of four languages
(tools/safety/pii_addresses.py, tools/safety/pii_names.py) and, for names, where the caller knows
them (the ticket's customer and contact names). Invisible characters typed into a
number (zero-width spaces, soft hyphens) do not hide it.

Three levels, for three audiences:

- ``NEVER_STORED`` (cards, IBANs, SSNs, national ids, keys, secrets): masked in every
  ticket on arrival, so no checkpoint, reply, log or report ever holds them.
- ``REPORTED``: that plus e-mail addresses, for reports and tickets.jsonl.
- every kind (``redact`` by default): for KB drafts and the search log, which are read
  by people who never saw the ticket.
"""

from __future__ import annotations

import bisect
import ipaddress
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from supportgraph.tools.safety.pii_addresses import find_addresses
from supportgraph.tools.safety.pii_names import find_names
from supportgraph.tools.safety.pii_numbers import (
    find_cards,
    find_ibans,
    find_national_ids,
    find_ssns,
    iban_ok,
    luhn_ok,
)

__all__ = [
    "NEVER_STORED",
    "REPORTED",
    "Finding",
    "find_pii",
    "iban_ok",
    "luhn_ok",
    "mask_sensitive",
    "redact",
]

Span = tuple[str, int, int]  # kind, start, end
Finder = Callable[[str], Iterable[Span]]


@dataclass(frozen=True)
class Finding:
    """One piece of personal data found in a text: its kind and where it is."""

    kind: str
    start: int
    end: int
    text: str


def _regex(
    kind: str, pattern: re.Pattern[str], check: Callable[[str], bool] | None = None
) -> Finder:
    def find(text: str) -> Iterator[Span]:
        for match in pattern.finditer(text):
            if check is None or check(match.group()):
                yield kind, match.start(), match.end()

    return find


def _ip_ok(candidate: str) -> bool:
    try:
        ipaddress.ip_address(candidate)
    except ValueError:
        return False
    return True


def _secret_ok(candidate: str) -> bool:
    """Hex of 32+ characters, or base64-like text of 40+ with a digit and a capital."""
    return re.fullmatch(r"[0-9a-fA-F]+", candidate) is not None or (
        any(c.isdigit() for c in candidate) and any(c.isupper() for c in candidate)
    )


_DATE = re.compile(
    r"(?:19|20)\d\d[-./](?:0?[1-9]|1[0-2])[-./]\d{1,2}|\d{1,2}[-./](?:0?[1-9]|1[0-2])[-./](?:19|20)\d\d"
)
# Labels that make a number an id rather than a phone: "Invoice 2026-000123", "PO 4500012345".
_ID_LABEL = re.compile(
    r"(?i)(?:\b(?:order|invoice|ticket|ref|reference|tracking|case|po|id|build|version|v|release|"
    r"pedido|factura|referencia|commande|facture|bestellung|bestellnummer|rechnung|auftrag|"
    r"artikelnummer|kundennummer)|#|n[º°]|nr\.?|no\.)\W{0,3}(?:\w+\W{1,2})?$"
)


def _phones(text: str) -> Iterator[Span]:
    for match in _PHONE.finditer(text):
        value = match.group()
        digits = sum(c.isdigit() for c in value)
        if not 7 <= digits <= 15 or _DATE.fullmatch(value.strip()):
            continue
        if not value.startswith(("+", "(")) and _ID_LABEL.search(
            text[max(0, match.start() - 30) : match.start()]
        ):
            continue
        yield "PHONE", match.start(), match.end()


_PHONE = re.compile(
    r"(?<![\w+\-.,/])(?:\+\d{1,3}[ .\-]?(?:\(0\)[ .\-]?)?\d{1,5}|(?:\(\d{1,4}\)[ .\-]?)?\d{2,5})"
    r"(?:[ .\-]\d{2,8}){1,5}(?![\w\-]|[.,/]\d)"
    r"|(?<![\w+])\+\d{8,14}\b"
)

# A password written out after its name, in the four languages: "password: Hunter2024!",
# "contraseña Cordillera#2024!", "Passwort ist Sommer2024", "mot de passe : Lyon!1987".
_PASSWORD = re.compile(
    r"(?i)\b(?:password|passwort|kennwort|contrase(?:ñ|n)a|mot de passe|pwd)"
    r"(?:\s*[=:]|\s+(?:is|ist|es|est|lautet|was|war|era|etait|était))?\s*[:=]?\s*[\"'“«]?"
    r"(?P<value>[^\s\"'”»]{6,64})"
)


def _passwords(text: str) -> Iterator[Span]:
    """Passwords written out: a value with a letter and a digit or a symbol, not a word."""
    for match in _PASSWORD.finditer(text):
        value = match.group("value").rstrip(".,;)")
        if (
            any(c.isalpha() for c in value)
            and any(c.isdigit() or c in "!#$%&*+?@^~" for c in value)
            and not value.endswith(("…", "..."))
            and len(set(value)) > 3
        ):
            yield "API_KEY", match.start("value"), match.start("value") + len(value)


# Order matters: earlier finders claim their span first (a key is not a phone number,
# an SSN is never a phone number, a card inside an address line is still a card).
_FINDERS: tuple[tuple[str, Finder], ...] = (
    (
        "PRIVATE_KEY",
        _regex(
            "PRIVATE_KEY",
            re.compile(
                r"-----BEGIN [A-Z ]*PRIVATE KEY-----.*?-----END [A-Z ]*PRIVATE KEY-----", re.S
            ),
        ),
    ),
    (
        "API_KEY",
        _regex(
            "API_KEY",
            re.compile(
                r"\b(?:sk|pk|rk)[-_](?:live|test|proj)?[-_]?[A-Za-z0-9_-]{16,}"
                # a service's own keys in the same style: "ak_live_7f3c9e21d4b84a0c9b55e1f2a6d07c13"
                r"|\b[a-z]{2,4}_(?:live|test|prod)_[A-Za-z0-9]{16,}"
                r"|\bwhsec_[A-Za-z0-9]{16,}"
                r"|\bgh[pousr]_[A-Za-z0-9]{20,}"
                r"|\bgithub_pat_[A-Za-z0-9_]{20,}"
                r"|\b(?:AKIA|ASIA)[A-Z0-9]{16}\b"
                r"|\bxox[abposr]-[A-Za-z0-9-]{10,}"
                r"|\bAIza[0-9A-Za-z_-]{35}"
                r"|\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}"
            ),
        ),
    ),
    (
        "API_KEY",
        _regex(
            "API_KEY",
            re.compile(
                r"(?i)(?<=bearer )[A-Za-z0-9._~+/=-]{16,}"
                r"|(?<=token[=:] )[A-Za-z0-9._~+/=-]{16,}|(?<=token[=:])[A-Za-z0-9._~+/=-]{16,}"
                r"|(?<=key[=:] )[A-Za-z0-9._~+/=-]{16,}|(?<=key[=:])[A-Za-z0-9._~+/=-]{16,}"
                r"|(?<=secret[=:] )[A-Za-z0-9._~+/=-]{16,}|(?<=secret[=:])[A-Za-z0-9._~+/=-]{16,}"
                r"|(?<=password[=:] )\S{6,}|(?<=password[=:])\S{6,}"
            ),
        ),
    ),
    ("API_KEY", _passwords),
    (
        "EMAIL",
        _regex(
            "EMAIL",
            re.compile(r"(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}\b"),
        ),
    ),
    ("IBAN", find_ibans),
    ("CARD", find_cards),
    ("SSN", find_ssns),
    ("NATIONAL_ID", find_national_ids),
    (
        "SECRET",
        _regex(
            "SECRET",
            re.compile(r"\b[0-9a-fA-F]{32,}\b|(?<![A-Za-z0-9+/])[A-Za-z0-9+/]{40,}={0,2}"),
            _secret_ok,
        ),
    ),
    (
        "IP",
        _regex(
            "IP",
            re.compile(
                r"\b(?:(?:25[0-5]|2[0-4]\d|1?\d?\d)\.){3}(?:25[0-5]|2[0-4]\d|1?\d?\d)\b"
                r"|(?<![\w:])(?=[0-9A-Fa-f:]*:[0-9A-Fa-f]*:)[0-9A-Fa-f:]{2,39}(?![\w:])"
            ),
            _ip_ok,
        ),
    ),
    ("ADDRESS", find_addresses),
    ("PHONE", _phones),
    ("NAME", find_names),
)

KINDS = tuple(dict.fromkeys(kind for kind, _ in _FINDERS))
NEVER_STORED = frozenset({"PRIVATE_KEY", "API_KEY", "SECRET", "IBAN", "CARD", "SSN", "NATIONAL_ID"})
REPORTED = NEVER_STORED | {"EMAIL"}
PLACEHOLDER = re.compile(r"\[(?:" + "|".join(KINDS) + r")\]")

# Invisible characters that may sit inside a number or a word without changing how it reads.
_INVISIBLE = re.compile("[\u00ad\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]")


def find_pii(
    text: str, names: Iterable[str] = (), kinds: Iterable[str] | None = None
) -> list[Finding]:
    """Every piece of personal data in ``text``, first finder wins where spans overlap.

    Args:
        text: Free text (a ticket message, a query, a draft article).
        names: Names known to belong to people in this text (the ticket's customer).
        kinds: Only these kinds (all when None); see ``NEVER_STORED`` and ``REPORTED``.
    """
    wanted = set(KINDS if kinds is None else kinds)
    visible, positions = text, None
    if _INVISIBLE.search(text):
        positions = [i for i, c in enumerate(text) if not _INVISIBLE.match(c)]
        visible = "".join(text[i] for i in positions)
    taken: list[tuple[int, int, str]] = []  # (start, end, kind), sorted, never overlapping

    def claim(kind: str, start: int, end: int) -> None:
        at = bisect.bisect_left(taken, (start, end, kind))
        if (at == 0 or taken[at - 1][1] <= start) and (at == len(taken) or taken[at][0] >= end):
            taken.insert(at, (start, end, kind))

    if "NAME" in wanted:
        known = sorted({n.strip() for n in names if len(n.strip()) >= 3}, key=len, reverse=True)
        for name in known:
            for match in re.finditer(rf"(?<!\w){re.escape(name)}(?!\w)", visible, re.IGNORECASE):
                claim("NAME", match.start(), match.end())
    for kind, finder in _FINDERS:
        if kind in wanted:
            for found, start, end in list(finder(visible)):
                if end > start:
                    claim(found, start, end)
    findings = []
    for start, end, kind in taken:
        if positions is not None:
            start, end = positions[start], positions[end - 1] + 1
        findings.append(Finding(kind, start, end, text[start:end]))
    return findings


def redact(text: str, names: Iterable[str] = (), kinds: Iterable[str] | None = None) -> str:
    """Return ``text`` with every finding of :func:`find_pii` replaced by ``[KIND]``.

    Args:
        text: Free text.
        names: Names known to belong to people in this text.
        kinds: Only these kinds (all when None).
    """
    out, last = [], 0
    for finding in find_pii(text, names, kinds):
        out += [text[last : finding.start], f"[{finding.kind}]"]
        last = finding.end
    return "".join(out) + text[last:]


def mask_sensitive(text: str) -> str:
    """Mask what no file may keep: cards, IBANs, SSNs, national ids, keys and secrets."""
    return redact(text, kinds=NEVER_STORED)
