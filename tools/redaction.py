"""Redact personal data and secrets from text before it is logged or drafted into the KB.

Each detector is named (its name is the placeholder: ``[EMAIL]``, ``[CARD]``...) and
validated where a checksum exists: card numbers pass Luhn, IBANs pass mod-97, so an
order number or a timestamp is not mistaken for one. Names are caught where the text
says so ("my name is ...", a signature after "Regards,") and where the caller knows
them (the ticket's customer and contact names).
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

Check = Callable[[str], bool]


@dataclass(frozen=True)
class Finding:
    """One piece of personal data found in a text: its kind and where it is."""

    kind: str
    start: int
    end: int
    text: str


def luhn_ok(number: str) -> bool:
    """Whether the digits of ``number`` pass the Luhn checksum (13 to 19 digits)."""
    digits = [int(c) for c in number if c.isdigit()]
    if not 13 <= len(digits) <= 19:
        return False
    total = 0
    for position, digit in enumerate(reversed(digits)):
        if position % 2:
            digit *= 2
            digit -= 9 if digit > 9 else 0
        total += digit
    return total % 10 == 0


def iban_ok(candidate: str) -> bool:
    """Whether ``candidate`` is a well-formed IBAN with a valid mod-97 check."""
    compact = re.sub(r"\s", "", candidate).upper()
    if not re.fullmatch(r"[A-Z]{2}\d{2}[A-Z0-9]{10,30}", compact):
        return False
    rearranged = compact[4:] + compact[:4]
    return int("".join(str(int(c, 36)) for c in rearranged)) % 97 == 1


def _ip_ok(candidate: str) -> bool:
    try:
        ipaddress.ip_address(candidate)
    except ValueError:
        return False
    return True


def _phone_ok(candidate: str) -> bool:
    digits = sum(c.isdigit() for c in candidate)
    return 7 <= digits <= 15


_WORD = r"[A-Z][a-zà-ÿ]*(?:['’-][A-Z]?[a-zà-ÿ]+)*"
_NAME = _WORD + r"(?:[ \t]+(?:" + _WORD + r"|[A-Z]\.))?"
_NAME_WORDS = frozenset(
    """Team Support Customer Customers Admin Everyone All Sir Madam Thanks Thank Regards Best
    Cheers Sincerely Hello Hi Dear The Our We I It This That""".split()
)

# Order matters: earlier detectors claim their span first (a key is not a phone number).
_DETECTORS: tuple[tuple[str, re.Pattern[str], Check | None], ...] = (
    (
        "PRIVATE_KEY",
        re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----.*?-----END [A-Z ]*PRIVATE KEY-----", re.S),
        None,
    ),
    (
        "API_KEY",
        re.compile(
            r"\b(?:sk|pk|rk)[-_](?:live|test|proj)?[-_]?[A-Za-z0-9_-]{16,}"
            r"|\bgh[pousr]_[A-Za-z0-9]{20,}"
            r"|\bgithub_pat_[A-Za-z0-9_]{20,}"
            r"|\b(?:AKIA|ASIA)[A-Z0-9]{16}\b"
            r"|\bxox[abposr]-[A-Za-z0-9-]{10,}"
            r"|\bAIza[0-9A-Za-z_-]{35}"
            r"|\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}"
        ),
        None,
    ),
    (
        "API_KEY",
        re.compile(
            r"(?i)(?<=bearer )[A-Za-z0-9._~+/=-]{16,}"
            r"|(?<=token[=:] )[A-Za-z0-9._~+/=-]{16,}|(?<=token[=:])[A-Za-z0-9._~+/=-]{16,}"
            r"|(?<=key[=:] )[A-Za-z0-9._~+/=-]{16,}|(?<=key[=:])[A-Za-z0-9._~+/=-]{16,}"
            r"|(?<=secret[=:] )[A-Za-z0-9._~+/=-]{16,}|(?<=secret[=:])[A-Za-z0-9._~+/=-]{16,}"
            r"|(?<=password[=:] )\S{6,}|(?<=password[=:])\S{6,}"
        ),
        None,
    ),
    ("EMAIL", re.compile(r"\b[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}\b"), None),
    ("IBAN", re.compile(r"\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,4})?\b"), iban_ok),
    ("CARD", re.compile(r"(?<![\d-])\d(?:[ -]?\d){12,18}(?![\d-])"), luhn_ok),
    (
        "SECRET",
        re.compile(
            r"\b[0-9a-fA-F]{32,}\b|\b(?=[A-Za-z0-9+/]*\d)(?=[A-Za-z0-9+/]*[A-Z])[A-Za-z0-9+/]{40,}={0,2}"
        ),
        None,
    ),
    (
        "IP",
        re.compile(
            r"\b(?:(?:25[0-5]|2[0-4]\d|1?\d?\d)\.){3}(?:25[0-5]|2[0-4]\d|1?\d?\d)\b"
            r"|(?<![\w:])(?=[0-9A-Fa-f:]*:[0-9A-Fa-f]*:)[0-9A-Fa-f:]{2,39}(?![\w:])"
        ),
        _ip_ok,
    ),
    (
        "PHONE",
        re.compile(
            r"(?<![\w+-])(?:\+\d{1,3}[ .-]?)?(?:\(\d{1,4}\)[ .-]?)?\d{2,5}(?:[ .-]\d{2,8}){1,4}(?![\w-])"
            r"|(?<![\w+])\+\d{8,14}\b"
        ),
        _phone_ok,
    ),
    (
        "NAME",
        re.compile(
            r"(?:(?i:my name is|this is|i am|i'm|name:|contact:|signed,?)[ \t]+)(?P<name>"
            + _NAME
            + ")"
        ),
        None,
    ),
    (
        "NAME",
        re.compile(
            r"(?im:^[ \t]*(?:best regards|kind regards|regards|thanks|thank you|cheers|sincerely|best)[ \t]*,?[ \t]*\n?[ \t]*)"
            r"(?P<name>" + _NAME + r")[ \t]*$",
            re.M,
        ),
        None,
    ),
    (
        "NAME",
        re.compile(
            r"(?m:^[ \t]*(?:Dear|Hi|Hello|Hey)[ \t]+)(?P<name>" + _NAME + ")(?=[ \t]*[,!\n])"
        ),
        None,
    ),
)

PLACEHOLDER = re.compile(r"\[(?:PRIVATE_KEY|API_KEY|EMAIL|IBAN|CARD|SECRET|IP|PHONE|NAME)\]")


def _year_or_date(text: str) -> bool:
    return bool(re.fullmatch(r"(?:19|20)\d\d[-./](?:0?[1-9]|1[0-2])[-./]\d{1,2}", text.strip()))


def find_pii(text: str, names: Iterable[str] = ()) -> list[Finding]:
    """Every piece of personal data in ``text``, first match wins where spans overlap.

    Args:
        text: Free text (a ticket message, a query, a draft article).
        names: Names known to belong to people in this text (the ticket's customer).
    """
    taken: list[Finding] = []

    def free(start: int, end: int) -> bool:
        return all(end <= f.start or start >= f.end for f in taken)

    for name in sorted({n.strip() for n in names if len(n.strip()) >= 3}, key=len, reverse=True):
        for match in re.finditer(rf"(?<!\w){re.escape(name)}(?!\w)", text, re.IGNORECASE):
            if free(match.start(), match.end()):
                taken.append(Finding("NAME", match.start(), match.end(), match.group()))
    for kind, pattern, check in _DETECTORS:
        for match in pattern.finditer(text):
            group = "name" if "name" in pattern.groupindex else 0
            start, end = match.span(group)
            value = match.group(group)
            if kind == "NAME" and value.split()[0] in _NAME_WORDS:
                continue
            if kind == "PHONE" and _year_or_date(value):
                continue
            if check is not None and not check(value):
                continue
            if free(start, end):
                taken.append(Finding(kind, start, end, value))
    return sorted(taken, key=lambda f: f.start)


def redact(text: str, names: Iterable[str] = ()) -> str:
    """Return ``text`` with every finding of :func:`find_pii` replaced by ``[KIND]``."""
    out, last = [], 0
    for finding in find_pii(text, names):
        out += [text[last : finding.start], f"[{finding.kind}]"]
        last = finding.end
    return "".join(out) + text[last:]
