"""Priority from the triage criteria, combined with customer tier and sentiment.

Critical: production down, security incident, data loss.
High: a major feature broken, or a high-value customer hurt by a problem.
Medium: feature questions, minor bugs, billing and account matters.
Low: general questions and documentation requests.

The declared priority on a ticket is never read here; reports compare against it.
"""

from __future__ import annotations

import re

from supportgraph.graph.models import PRIORITIES, Category, Priority, Sentiment, Tier


def _any(*alternatives: str) -> str:
    """A regex matching any alternative as whole words."""
    return r"\b(?:" + "|".join(alternatives) + r")\b"


_CRITICAL = {
    "production down": _any(
        r"(production|prod|site|service|platform|system|app|everything)\b[^.?!]{0,30}\b(down|outage|unavailable|offline)",
        r"production[- ]down",
    ),
    "outage": _any(
        "outages?", r"complete(ly)? down", "totally down", r"all users (can ?not|cannot|unable)"
    ),
    "security incident": _any(
        r"security (incident|breach|issue|vulnerability)",
        r"breach(ed)?",
        "hacked",
        "compromised",
        r"unauthori[sz]ed (access|login|charges?)",
        "leaked",
        "ransomware",
        "phishing",
    ),
    "data loss": _any(
        r"data (loss|lost|deleted|corrupt(ed|ion)?|gone|wiped)",
        r"lost (all )?(of )?(our|my) data",
        r"(deleted|wiped|corrupted) (our|my|all) data",
    ),
    "customer transactions failing in production": _any(
        r"production\b[^.]*\b(fail\w*|errors?)\b[^.]*(\.|$)[^.]*\b(transactions?|revenue|orders?|payments?)"
    ),
}
_MAJOR_BREAKAGE = {
    "feature not working": _any(
        "not working",
        "doesn'?t work",
        "does not work",
        "stopped working",
        "isn'?t working",
        "broken",
        "funktioniert nicht",
        "ne fonctionne pas",
        "no funciona",
    ),
    "repeated failures": _any(
        r"(keeps?|kept) (timing out|failing|crashing|erroring)",
        "times out",
        "timing out",
        "timed out",
        "time-?outs?",
    ),
    "errors or crashes": _any(
        r"crash(es|ed|ing)?", r"fail(s|ed|ing|ures?)", "errors?", "exceptions?"
    ),
    "customer blocked": _any(
        r"(blocked|blocking|can ?not|cannot|unable to|can't) (log ?in|access|export|import|use|save|sync|connect|upload)"
    ),
}
_MINOR = _any(r"(minor|small|cosmetic|typo|slight(ly)?|little) (bug|issue|glitch|problem|thing)")
_GENERAL = _any(
    "documentation",
    "docs",
    "where can i find",
    "how do i",
    "how can i",
    "is there a guide",
    "tutorial",
    "just wondering",
    "quick question",
)
_BASE: dict[Category, Priority] = {
    "technical": "Medium",
    "billing": "Medium",
    "account": "Medium",
    "sales": "Medium",
    "product": "Medium",
    "feedback": "Low",
}


def _matches(rules: dict[str, str], text: str) -> list[str]:
    return [name for name, pattern in rules.items() if re.search(pattern, text, re.IGNORECASE)]


def breakage_cues(text: str) -> list[str]:
    """Names of the 'something is broken' criteria the text meets."""
    return _matches(_MAJOR_BREAKAGE, text)


def _raise(priority: Priority, to: Priority) -> Priority:
    return to if PRIORITIES.index(to) < PRIORITIES.index(priority) else priority


def assess_priority(
    text: str, category: Category, tier: Tier, sentiment: Sentiment
) -> tuple[Priority, tuple[str, ...]]:
    """Return the priority and the criteria that set it.

    Args:
        text: Subject and message.
        category: Triage category of the ticket.
        tier: Customer tier (Enterprise problems count as high-value impact).
        sentiment: Sentiment label of the message.
    """
    priority: Priority = _BASE[category]
    reasons: list[str] = [f"{category} base priority {priority}"]
    critical = _matches(_CRITICAL, text)
    if critical:
        return "Critical", tuple(f"critical: {name}" for name in critical)
    broken = breakage_cues(text)
    minor = re.search(_MINOR, text, re.IGNORECASE)
    if category == "technical" and broken and not minor:
        priority = "High"
        reasons = [f"major feature broken: {', '.join(broken)}"]
    elif (
        category in ("technical", "product", "sales")
        and re.search(_GENERAL, text, re.IGNORECASE)
        and not broken
    ):
        priority = "Low"
        reasons = ["general question or documentation request"]
    if (
        tier == "Enterprise"
        and sentiment == "negative"
        and (broken or category in ("billing", "account"))
    ):
        raised = _raise(priority, "High")
        if raised != priority:
            reasons.append("high-value customer affected and unhappy")
            priority = raised
    return priority, tuple(reasons)
