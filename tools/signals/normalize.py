"""Normalise untrusted text for inspection, so that obfuscation cannot hide what it asks.

What the customer wrote is never changed in state; this module returns a separate
inspection copy: Unicode compatibility forms folded (NFKC), zero-width and soft-hyphen
characters dropped, Cyrillic and Greek look-alike letters mapped to Latin, accents
folded, letters spaced out one by one joined again, and base64 blocks decoded (for
inspection only). It also says which of those tricks it found, because a ticket that
hides its words is itself a reason for a person to read it.
"""

from __future__ import annotations

import base64
import binascii
import re
import unicodedata
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from itertools import accumulate

_INVISIBLE = dict.fromkeys(
    map(
        ord,
        "\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180e\u200b\u200c\u200d\u200e\u200f"
        "\u202a\u202b\u202c\u202d\u202e\u2060\u2061\u2062\u2063\u2064\u2066\u2067\u2068\u2069"
        "\u206a\u206b\u206c\u206d\u206e\u206f\u3164\ufeff\uffa0",
    ),
    None,
)
# Letters that look Latin but are not (the usual homoglyph tricks), mapped to Latin.
_LOOKALIKES = str.maketrans(
    "АВЕКМНОРСТУХаеорсухіјѕԁӏһԛԝѵΑΒΕΖΗΙΚΜΝΟΡΤΥΧαεικνορτυχ",
    "ABEKMHOPCTYXaeopcyxijsdlhqwvABEZHIKMNOPTYXaeikvoptux",
)
_HIDDEN_IN_WORD = re.compile(
    r"(?<=[^\W\d_])[\u00ad\u034f\u200b-\u200f\u2060-\u2064\ufeff]+(?=[^\W\d_])"
)
# Full-width, mathematical and enclosed letters: text styled to slip past word filters.
_STYLED_LETTERS = re.compile(
    r"[\uff21-\uff3a\uff41-\uff5a\u24b6-\u24e9\U0001d400-\U0001d7ff\U0001f130-\U0001f189]"
)
_MIXED_WORD = re.compile(r"\b(?=\w*[a-zA-Z])(?=\w*[\u0370-\u03ff\u0400-\u04ff])\w+\b")
_SPACED = re.compile(r"\b(?:[^\W\d_][ .\-_*]){3,}[^\W\d_]\b")
# Company forms written with dots, as signatures do ("S.à r.l.", "s.e.n.c.r.l.", "G.m.b.H."):
# abbreviations, not letters spaced out to hide a word.
_COMPANY_FORMS = frozenset(
    {"sarl", "sencrl", "gmbh", "sprl", "scrl", "sasu", "eurl", "bvba", "sapi", "sacv", "kgaa"}
)
_BASE64 = re.compile(r"(?<![A-Za-z0-9+/=])[A-Za-z0-9+/]{16,}={0,2}(?![A-Za-z0-9+/=])")


@dataclass(frozen=True)
class Inspection:
    """The inspection copy of a text and the obfuscation found on the way.

    Attributes:
        text: Folded text for matching: lower case, no accents, no invisible characters,
            look-alikes mapped, spaced-out words joined; decoded base64 appended.
        tricks: What was undone, e.g. ``("zero-width characters", "base64 text")``.
    """

    text: str
    tricks: tuple[str, ...]


def fold(text: str) -> str:
    """Lower-case ``text`` and strip accents (``Rückerstattung`` → ``ruckerstattung``)."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c)).replace("ß", "ss")


def fold_in_place(text: str) -> str:
    """Lower case without accents, one character for one, so match positions map back."""
    if text.isascii():
        return text.lower()
    return text.translate(_FOLDED)


class _FoldTable(dict[int, str]):
    """Each character's folded form, one character (a space where folding leaves none)."""

    def __missing__(self, code: int) -> str:
        folded = (fold(chr(code)) or " ")[0]
        if len(self) < FOLDED_KEPT:
            self[code] = folded
        return folded


FOLDED_KEPT = 4096  # characters whose folded form is remembered
_FOLDED = _FoldTable()


def _decoded_base64(text: str) -> list[str]:
    found = []
    for block in _BASE64.findall(text):
        if block.isalpha() and (block.islower() or block.isupper()):
            continue  # a long plain word, not base64
        padded = block + "=" * (-len(block) % 4)
        try:
            raw = base64.b64decode(padded, validate=True)
            decoded = raw.decode("utf-8")
        except (binascii.Error, UnicodeDecodeError, ValueError):
            continue
        printable = sum(c.isprintable() or c.isspace() for c in decoded)
        if decoded and printable / len(decoded) > 0.95 and re.search(r"[^\W\d_]{3}", decoded):
            found.append(decoded)
    return found


def _joined(match: re.Match[str]) -> str:
    letters = re.sub(r"[ .\-_*]", "", match.group())
    return match.group() if fold(letters) in _COMPANY_FORMS else letters


def inspect(text: str) -> Inspection:
    """Undo the usual ways of hiding words from a filter; report which were used."""
    tricks = []
    if _STYLED_LETTERS.search(text):
        tricks.append("styled letters")
    if _HIDDEN_IN_WORD.search(text):
        tricks.append("invisible characters inside words")
    visible = unicodedata.normalize("NFKC", text).translate(_INVISIBLE)
    if _MIXED_WORD.search(visible):
        tricks.append("look-alike letters")
    latin = visible.translate(_LOOKALIKES)
    joined = _SPACED.sub(_joined, latin)
    if joined != latin:
        tricks.append("spaced-out letters")
    decoded = _decoded_base64(latin)
    if decoded:
        tricks.append("base64 text")
    folded = fold(" \n".join([joined, *decoded]))
    return Inspection(text=folded, tricks=tuple(tricks))


def quoted_match(pattern: re.Pattern[str], text: str) -> str:
    """``pattern``'s first match in folded ``text``, with words either side; "" when none."""
    folded = fold(text)
    match = pattern.search(folded)
    if match is None:
        return ""
    return quote(text, folded, match.start(), match.end())


def quote(text: str, folded: str, start: int, end: int, reach: int = 40) -> str:
    """The words around a match in ``folded``, in the customer's own letters where possible.

    Patterns match the folded copy ("loschung importierter daten"); a reviewer should read
    what the customer wrote ("Löschung importierter Daten"). When the folded copy is
    ``text`` folded letter by letter ("ß" becomes "ss"), the match's place in ``text`` is
    known and the quote comes from there; otherwise (hidden characters dropped, letters
    spaced out, base64 decoded) from the folded copy.
    """
    if text.isascii():
        if text.lower() == folded:
            return words_around(text, start, end, reach)
        return words_around(folded, start, end, reach)
    pieces = [fold(c) for c in text]
    if "".join(pieces) != folded:
        return words_around(folded, start, end, reach)
    # begins[i]: where text[i]'s folded form begins in the folded copy
    begins = list(accumulate(map(len, pieces), initial=0))
    return words_around(text, bisect_right(begins, start) - 1, bisect_left(begins, end), reach)


def words_around(text: str, start: int, end: int, reach: int = 40) -> str:
    """``text[start:end]`` with up to ``reach`` characters either side, in whole words, on one line."""
    before = text[max(0, start - reach) : start]
    after = text[end : end + reach]
    if start > reach:
        before = before.partition(" ")[2]
    if end + reach < len(text):
        after = after.rpartition(" ")[0]
    return " ".join(f"{before}{text[start:end]}{after}".split())
