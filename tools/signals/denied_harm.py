"""Harm the customer says did not happen: "we never lost a single record".

A thank-you after a migration ("not a single record lost"), a reference customer ("we
have never lost data") or an incident report that rules something out ("no data was
lost, but the sync stopped") names a loss or an exposure only to deny it. Read whole,
such a sentence pulls the judgement towards data loss. This module finds the clause
that denies the harm, in English, German, Spanish and French: a negation (never, not,
no, kein, ningún, aucun, sans …) within a few words of a loss or exposure verb, up to
the end of its clause. A denied deletion is left alone: "data not deleted after we
left" is itself the complaint. The judgement reads the ticket without those
clauses; the rest of the sentence ("…, but the dashboards show yesterday's numbers")
stays.
"""

from __future__ import annotations

import re

from supportgraph.tools.signals.normalize import fold_in_place

_HARM_EN = r"(?:lost|lose|losing|missing|dropped|exposed|leaked|corrupted|compromised)"
_THINGS_EN = (
    r"(?:records?|rows?|data|orders?|entries|events|files?|dashboards?|reports?|bytes?|byte)"
)
_CLAUSE_END = r"[^.!?;,\n()–—]*"

_DENIED = tuple(
    re.compile(p + _CLAUSE_END)
    for p in (
        # English: "we never lost a single record", "didn't lose any data", "without losing a row"
        rf"\b(?:never|didn'?t|did not|haven'?t|have not|hasn'?t|has not|wasn'?t|was not"
        rf"|weren'?t|were not|without) (?:\w+ ){{0,2}}?{_HARM_EN}\b",
        # "not a single record lost", "no data was lost", "nothing got exposed"
        rf"\b(?:not (?:a single|one|even one)|no|zero|none of (?:the|our)) (?:\w+ ){{0,2}}?{_THINGS_EN}"
        rf" (?:\w+ ){{0,2}}?(?:was |were |got |has been |have been )?{_HARM_EN}\b",
        rf"\bnothing (?:\w+ )?(?:was |got |has been )?{_HARM_EN}\b",
        # German: "keinen einzigen Datensatz verloren", "ohne … zu verlieren", "nichts ging verloren"
        r"\b(?:kein\w*|nicht ein\w*|nichts|nie|niemals) (?:\w+ ){0,3}?(?:verloren|verlieren"
        r"|gefehlt|offengelegt|abhanden)\b",
        r"\bohne (?:\w+ ){0,4}?(?:zu verlieren|verlust)\b",
        # Spanish: "no se perdió ni un registro", "sin perder ningún dato", "ningún dato perdido"
        r"\b(?:no|nunca) (?:se |nos )?(?:ha |han |hemos |he |hubo |habia )?(?:perdi(?:o|mos|eron)\b"
        r"|perdid\w*|expuest\w*)",
        r"\b(?:sin perder|ningun\w* (?:\w+ ){0,2}?(?:perdid\w*|expuest\w*))",
        # French: "sans perdre une seule ligne", "aucune donnée perdue", "n'avons jamais perdu"
        r"\b(?:sans|aucun\w*|rien|jamais|pas (?:un|une|une seule|un seul|de|d')) (?:\w+ |\w+'){0,3}?"
        r"(?:perdu\w*|perdre|expose\w*)",
        r"\bn'\w+ (?:\w+ ){0,2}?(?:perdu|expose)\w* (?:aucun\w*|rien|pas|jamais)",
        r"\baucun\w* (?:\w+ ){0,2}?n'(?:a|ont) (?:ete )?(?:perdu|expose)\w*",
    )
)


def denied_harm(text: str) -> list[tuple[int, int]]:
    """The spans of ``text`` that deny a loss or an exposure, in order."""
    folded = fold_in_place(text)
    spans = sorted(m.span() for pattern in _DENIED for m in pattern.finditer(folded))
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def without_denied_harm(text: str) -> str:
    """``text`` with every clause that denies a loss or an exposure left out."""
    spans = denied_harm(text)
    if not spans:
        return text
    kept, last = [], 0
    for start, end in spans:
        kept.append(text[last:start])
        last = end
    kept.append(text[last:])
    return "".join(kept)
