"""Every number in the dashboard and summary, computed from the run's ticket records.

The metrics are counts and sums plus the ids the reports list, never whole records, so
they stay small for a run of any size; the reports read the records again for their
per-ticket lines.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from supportgraph.graph.models import CHANNELS, PRIORITIES

Record = dict[str, Any]


def share(part: int, whole: int) -> str:
    """``part`` of ``whole`` as a percentage, or ``n/a`` when there is nothing to count."""
    return f"{100 * part / whole:.0f}%" if whole else "n/a"


@dataclass
class Metrics:
    """Aggregates over one run's records."""

    total: int
    by_priority: Counter[str] = field(default_factory=Counter)
    by_channel: Counter[str] = field(default_factory=Counter)
    by_category: Counter[str] = field(default_factory=Counter)
    by_tier: Counter[str] = field(default_factory=Counter)
    by_sentiment: Counter[str] = field(default_factory=Counter)
    by_language: Counter[str] = field(default_factory=Counter)
    by_outcome: Counter[str] = field(default_factory=Counter)
    escalations_by_team: Counter[str] = field(default_factory=Counter)
    waiting_by_team: Counter[str] = field(default_factory=Counter)
    triggers_by_rule: Counter[str] = field(default_factory=Counter)
    first_response_breached: list[str] = field(default_factory=list)
    resolution_breached: list[str] = field(default_factory=list)
    sla_by_priority: dict[str, Counter[str]] = field(default_factory=dict)
    # Minutes to the first response, summed per priority, and how many were sent.
    first_response_minutes: dict[str, float] = field(default_factory=dict)
    first_responses: Counter[str] = field(default_factory=Counter)
    escalated: int = 0
    needs_human: int = 0
    automated: int = 0  # replied without a person and resolved by that reply
    handed_to_team: int = 0  # a team still owes the customer an answer
    kb_answered: int = 0
    kb_gaps: int = 0
    citations: Counter[str] = field(default_factory=Counter)
    priority_checked: int = 0
    priority_agreed: int = 0
    category_checked: int = 0
    category_agreed: int = 0
    disagreements: list[str] = field(default_factory=list)
    mean_confidence: float | None = None
    low_confidence: list[str] = field(default_factory=list)
    feature_requests: int = 0
    actions_pending: int = 0
    waiting: int = 0  # tickets waiting for a reviewer
    technical: int = 0  # tickets the technical specialist worked on
    success: int = 0  # tickets the customer-success specialist worked on

    def mean_first_response(self, priority: str) -> float | None:
        """Mean minutes to the first response at ``priority``; None when none was sent."""
        sent = self.first_responses[priority]
        return self.first_response_minutes[priority] / sent if sent else None


def _minutes_between(start: str, end: str) -> float:
    return (datetime.fromisoformat(end) - datetime.fromisoformat(start)).total_seconds() / 60


def compute(records: Iterable[Record]) -> Metrics:
    """Aggregate ticket records, read once, into the metrics the reports show."""
    m = Metrics(total=0)
    m.sla_by_priority = {p: Counter() for p in PRIORITIES}
    m.first_response_minutes = dict.fromkeys(PRIORITIES, 0.0)
    confidence_sum, confidences = 0.0, 0
    for r in records:
        m.total += 1
        m.by_priority[r["priority"] or "untriaged"] += 1
        m.by_channel[r["channel"]] += 1
        m.by_category[r["category"] or "untriaged"] += 1
        m.by_tier[r["customer_tier"]] += 1
        m.by_sentiment[r["sentiment"] or "unknown"] += 1
        m.by_language[r["language"] or "unknown"] += 1
        m.by_outcome[r["outcome"]] += 1
        if r["confidence"] is not None:
            confidence_sum += r["confidence"]
            confidences += 1
        if "low_triage_confidence" in r["escalation_rules"]:
            m.low_confidence.append(r["ticket_id"])
        if r["escalated"]:
            m.escalated += 1
            m.escalations_by_team[r["escalation_team"]] += 1
            m.waiting_by_team[r["escalation_team"]] += r["outcome"] == "waiting_for_review"
            m.triggers_by_rule.update(r["escalation_rules"])
        m.needs_human += bool(r["needs_human"])
        # A reply that leaves a team to follow up (an incident, a hand-over) resolves nothing yet.
        handed = bool(r.get("follow_up_team")) or r["outcome"] == "handed_to_human"
        m.handed_to_team += handed
        m.automated += r["outcome"] == "replied" and not r["needs_human"] and not handed
        _count_sla(m, r)
        m.kb_answered += bool(r["kb_hits"])
        m.kb_gaps += bool(r["kb_gap"])
        m.citations.update(r["citations"])
        _count_agreement(m, r)
        m.feature_requests += any(
            "Feature request logged" in f for f in r["findings"].get("success", [])
        )
        m.actions_pending += len(r["actions"]) if r["outcome"] == "waiting_for_review" else 0
        m.waiting += r["outcome"] == "waiting_for_review"
        m.technical += "technical" in r["specialists"]
        m.success += "success" in r["specialists"]
    m.mean_confidence = confidence_sum / confidences if confidences else None
    return m


def _count_sla(m: Metrics, r: Record) -> None:
    sla = r["sla"]
    if sla is None:
        return
    bucket = m.sla_by_priority[sla["priority"]]
    if sla["first_response_breached"]:
        m.first_response_breached.append(r["ticket_id"])
        bucket["breached"] += 1
    elif sla["first_response_at"]:
        bucket["met"] += 1
    else:
        bucket["open, on time"] += 1
    if sla["resolution_breached"]:
        m.resolution_breached.append(r["ticket_id"])
    if sla["first_response_at"]:
        minutes = _minutes_between(r["submitted_at"], sla["first_response_at"])
        m.first_response_minutes[sla["priority"]] += minutes
        m.first_responses[sla["priority"]] += 1


def _count_agreement(m: Metrics, r: Record) -> None:
    if r["declared_priority"] and r["priority"]:
        m.priority_checked += 1
        agreed = r["declared_priority"] == r["priority"]
        m.priority_agreed += agreed
        if not agreed:
            m.disagreements.append(
                f"{r['ticket_id']}: priority {r['priority']} vs declared {r['declared_priority']}"
            )
    if r["declared_category"] and r["category"]:
        m.category_checked += 1
        agreed = r["declared_category"].strip().lower() == r["category"]
        m.category_agreed += agreed
        if not agreed:
            m.disagreements.append(
                f"{r['ticket_id']}: category {r['category']} vs declared {r['declared_category']}"
            )


def sla_compliance(m: Metrics) -> str:
    """Share of tickets whose first response was not late (met, or still on time)."""
    with_sla = sum(sum(c.values()) for c in m.sla_by_priority.values())
    return share(with_sla - len(m.first_response_breached), with_sla)


ORDERED_CHANNELS = CHANNELS
