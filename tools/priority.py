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

_CRITICAL = {
    "production down": r"\b(production|prod|site|service|platform|system|app|everything)\b[^.?!]{0,30}\b(down|outage|unavailable|offline)\b|\bproduction[- ]down\b",
    "outage": r"\b(outage|outages|complete(ly)? down|totally down|all users (can ?not|cannot|unable))\b",
    "security incident": r"\b(security (incident|breach|issue|vulnerability)|breach(ed)?|hacked|compromised|unauthori[sz]ed (access|login|charges?)|leaked|ransomware|phishing)\b",
    "data loss": r"\b(data (loss|lost|deleted|corrupt(ed|ion)?|gone|wiped)|lost (all )?(of )?(our|my) data|(deleted|wiped|corrupted) (our|my|all) data)\b",
    "customer transactions failing in production": r"\bproduction\b[^.]*\b(fail\w*|errors?)\b[^.]*(\.|$)[^.]*\b(transactions?|revenue|orders?|payments?)\b",
}
_MAJOR_BREAKAGE = {
    "feature not working": r"\b(not working|doesn'?t work|does not work|stopped working|isn'?t working|broken|funktioniert nicht|ne fonctionne pas|no funciona)\b",
    "repeated failures": r"\b(keeps?|kept) (timing out|failing|crashing|erroring)\b|\b(times out|timing out|timed out|time-?outs?)\b",
    "errors or crashes": r"\b(crash(es|ed|ing)?|fail(s|ed|ing|ures?)|errors?|exceptions?)\b",
    "customer blocked": r"\b(blocked|blocking|can ?not|cannot|unable to|can't) (log ?in|access|export|import|use|save|sync|connect|upload)\b",
}
_MINOR = r"\b(minor|small|cosmetic|typo|slight(ly)?|little) (bug|issue|glitch|problem|thing)\b"
_GENERAL = r"\b(documentation|docs|where can i find|how do i|how can i|is there a guide|tutorial|just wondering|quick question)\b"
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
    broken = _matches(_MAJOR_BREAKAGE, text)
    minor = re.search(_MINOR, text, re.IGNORECASE)
    if category == "technical" and broken and not minor:
        priority = "High"
        reasons = [f"major feature broken: {', '.join(broken)}"]
    elif category in ("technical", "product", "sales") and re.search(_GENERAL, text, re.IGNORECASE) and not broken:
        priority = "Low"
        reasons = ["general question or documentation request"]
    if tier == "Enterprise" and sentiment == "negative" and (broken or category in ("billing", "account")):
        raised = _raise(priority, "High")
        if raised != priority:
            reasons.append("high-value customer affected and unhappy")
            priority = raised
    return priority, tuple(reasons)
