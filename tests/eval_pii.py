"""Recall and precision of PII redaction per kind on tests/data/pii_cases.jsonl.

Run with ``python -m tests.eval_pii [CASES.jsonl ...]`` (or ``make eval-pii``); ``--show``
also prints every miss and false alarm. Each case is a snippet of a ticket (an email, a chat, a
phone note or a web form in English, German, Spanish or French) with the personal data
it holds (``pii``: kind and exact text) and, for hard negatives, the strings that must
survive untouched (``keep``: order numbers, invoice ids, prices, dates, charge ids...).

- Recall of a kind: expected spans whose every letter and digit is covered by findings
  of that kind. A span covered by another kind is not leaked, but counts as a miss here:
  an SSN labelled a phone number is wrong.
- Precision of a kind: findings of that kind that overlap an expected span of that kind.
- Leaks: expected spans with a letter or digit that no finding covers (the text survives).
- Kept: ``keep`` strings that did not survive redaction verbatim.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from supportgraph.tools.safety.redaction import Finding, find_pii, redact

CASES_PATH = Path(__file__).parent / "data" / "pii_cases.jsonl"
# Kinds a KB draft must not keep: all of them (a draft is published to every reader).
DRAFT_KINDS = ("NAME", "ADDRESS", "EMAIL", "PHONE", "CARD", "IBAN", "SSN", "NATIONAL_ID")
NEVER_LEAK = ("CARD", "SSN", "IBAN")


def load_cases(path: Path = CASES_PATH) -> list[dict[str, Any]]:
    """The labelled cases, one JSON object per line."""
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


@dataclass
class Scores:
    """Counts per kind over a set of cases, and the cases behind each error."""

    expected: Counter[str] = field(default_factory=Counter)
    caught: Counter[str] = field(default_factory=Counter)
    found: Counter[str] = field(default_factory=Counter)
    correct: Counter[str] = field(default_factory=Counter)
    misses: list[str] = field(default_factory=list)
    leaks: list[tuple[str, str]] = field(default_factory=list)
    false_alarms: list[str] = field(default_factory=list)
    not_kept: list[str] = field(default_factory=list)
    expected_by_language: Counter[str] = field(default_factory=Counter)
    caught_by_language: Counter[str] = field(default_factory=Counter)

    def recall(self, kinds: tuple[str, ...] | None = None) -> float:
        """Share of expected spans caught with the right kind (all kinds when None)."""
        kinds = kinds or tuple(self.expected)
        total = sum(self.expected[k] for k in kinds)
        return sum(self.caught[k] for k in kinds) / total if total else 1.0

    def precision(self, kinds: tuple[str, ...] | None = None) -> float:
        """Share of findings that are personal data of the kind they were labelled."""
        kinds = kinds or tuple(self.found)
        total = sum(self.found[k] for k in kinds)
        return sum(self.correct[k] for k in kinds) / total if total else 1.0


def _spans(text: str, value: str) -> list[tuple[int, int]]:
    spans, start = [], text.find(value)
    while start >= 0:
        spans.append((start, start + len(value)))
        start = text.find(value, start + 1)
    return spans


def _covered(text: str, span: tuple[int, int], findings: list[Finding]) -> bool:
    return all(
        any(f.start <= i < f.end for f in findings) for i in range(*span) if text[i].isalnum()
    )


def evaluate(cases: list[dict[str, Any]]) -> Scores:
    """Score :func:`find_pii` on ``cases``."""
    scores = Scores()
    for case in cases:
        text, names = case["text"], case.get("names", [])
        findings = find_pii(text, names)
        expected = [(kind, span) for kind, value in case["pii"] for span in _spans(text, value)]
        language = case.get("lang", "en")
        for kind, span in expected:
            scores.expected[kind] += 1
            scores.expected_by_language[language] += 1
            same_kind = [f for f in findings if f.kind == kind]
            if _covered(text, span, same_kind):
                scores.caught[kind] += 1
                scores.caught_by_language[language] += 1
            else:
                got = [
                    f"{f.kind}:{f.text!r}"
                    for f in findings
                    if f.end > span[0] and f.start < span[1]
                ]
                scores.misses.append(f"{kind} {text[slice(*span)]!r} -> {got or 'nothing'}")
            if not _covered(text, span, findings):
                scores.leaks.append((kind, text[slice(*span)]))
        for f in findings:
            scores.found[f.kind] += 1
            if any(k == f.kind and f.end > s and f.start < e for k, (s, e) in expected):
                scores.correct[f.kind] += 1
            else:
                scores.false_alarms.append(f"{f.kind} {f.text!r} in {text[:60]!r}")
        redacted = redact(text, names)
        scores.not_kept += [
            f"{k!r} in {redacted!r}" for k in case.get("keep", []) if k not in redacted
        ]
    return scores


def report(scores: Scores) -> str:
    """A table of recall and precision per kind, with the totals the goals are about."""
    kinds = sorted(set(scores.expected) | set(scores.found))
    lines = ["| Kind | Expected | Recall | Findings | Precision |", "|---|---|---|---|---|"]
    for kind in kinds:
        lines.append(
            f"| {kind} | {scores.expected[kind]} | {scores.recall((kind,)):.3f} | "
            f"{scores.found[kind]} | {scores.precision((kind,)):.3f} |"
        )
    lines += [
        f"| all | {sum(scores.expected.values())} | {scores.recall():.3f} | "
        f"{sum(scores.found.values())} | {scores.precision():.3f} |",
        "",
        "Recall by language: "
        + ", ".join(
            f"{lang} {scores.caught_by_language[lang]}/{n}"
            for lang, n in sorted(scores.expected_by_language.items())
        ),
        f"Recall on the kinds drafts redact ({', '.join(DRAFT_KINDS)}): {scores.recall(DRAFT_KINDS):.3f}",
        f"Card numbers, SSNs and IBANs left in the text: {sum(k in NEVER_LEAK for k, _ in scores.leaks)}",
        f"Hard-negative strings not kept verbatim: {len(scores.not_kept)}",
    ]
    return "\n".join(lines)


def main(argv: list[str]) -> None:
    """Print the table for the shipped cases (or the JSONL files named); ``--show`` adds every error."""
    paths = [Path(a) for a in argv if not a.startswith("--")] or [CASES_PATH]
    cases = [case for path in paths for case in load_cases(path)]
    scores = evaluate(cases)
    languages = Counter(c.get("lang", "en") for c in cases)
    print(f"{len(cases)} cases ({', '.join(f'{k} {v}' for k, v in sorted(languages.items()))})\n")
    print(report(scores))
    if "--show" in argv:
        for title, rows in (
            ("Misses", scores.misses),
            ("False alarms", scores.false_alarms),
            ("Not kept", scores.not_kept),
        ):
            print(f"\n{title}:", *[f"  {row}" for row in rows] or ["  none"], sep="\n")


if __name__ == "__main__":
    main(sys.argv[1:])
