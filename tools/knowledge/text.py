"""Tokenisation shared by the classifiers and the BM25 index."""

from __future__ import annotations

import re

_TOKEN = re.compile(r"[a-z0-9äöüßéèêàâçñóíúå]+(?:'[a-z]+)?")
STOPWORDS = frozenset(
    """a an and are as at be been but by can could do does for from had has have how i if in
    into is it its me my no not of on or our so that the their them then there these they
    this to us was we were what when where which who why will with would you your""".split()
)


def stem(token: str) -> str:
    """Strip common English suffixes so that 'exports'/'exporting' meet 'export'."""
    for suffix in ("ing", "ies", "ed", "es", "s"):
        if token.endswith(suffix) and len(token) - len(suffix) >= 3:
            base = token[: -len(suffix)]
            return base + "y" if suffix == "ies" else base
    return token


def tokens(text: str) -> list[str]:
    """Lower-case, split, drop stop words and stem; numbers such as 500 are kept."""
    return [stem(t) for t in _TOKEN.findall(text.lower()) if t not in STOPWORDS]


def pairs(terms: list[str]) -> list[str]:
    """Adjacent pairs of terms (["custom", "domain"] -> ["custom_domain"])."""
    return [f"{a}_{b}" for a, b in zip(terms, terms[1:], strict=False)]
