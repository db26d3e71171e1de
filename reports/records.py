"""Flatten a ticket's final state into one JSON-ready record (a line of tickets.jsonl).

Every report is computed from these records, so this is where what a customer wrote
is masked for them: card numbers, IBANs, SSNs, national ids, keys and e-mail addresses
become placeholders (``REPORTED`` in tools/safety/redaction.py) in every text field.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from supportgraph.tools.desk.durations import format_duration
from supportgraph.tools.safety.redaction import REPORTED, redact

if TYPE_CHECKING:
    from langgraph.types import StateSnapshot

SPECIALIST_STEPS = ("triage", "technical", "success", "knowledge", "human_review", "respond")


# Fields that name rather than describe: masking would break lookups (a nine-digit
# ticket id is not an SSN, and ``show``/``review`` need the id as it was given).
_IDENTIFIERS = frozenset({"ticket_id", "tenant", "outbox"})


def masked(value: Any) -> Any:
    """``value`` with every text in it (lists and dicts walked) masked for reports."""
    if isinstance(value, str):
        return redact(value, kinds=REPORTED)
    if isinstance(value, list):
        return [masked(item) for item in value]
    if isinstance(value, dict):
        return {k: v if k in _IDENTIFIERS else masked(v) for k, v in value.items()}
    return value


def _iso(value: datetime | None) -> str | None:
    return value.isoformat(timespec="seconds") if value else None


def route_of(decisions: list[Any]) -> list[str]:
    """The steps the supervisor sent the ticket to, in order (parallel ones joined by +)."""
    return [d.target for d in decisions if d.target != "__end__"]


def ticket_record(
    snapshot: StateSnapshot,
    run_status: str = "processed",
    error: str | None = None,
    ticket: Any = None,
) -> dict[str, Any]:
    """One ticket's outcome as a flat record; the reports are computed from these.

    Args:
        snapshot: The ticket thread's latest state.
        run_status: What this run did (processed, resumed, already_done, failed).
        error: Why the run failed, when it did.
        ticket: The ticket, for a run that failed before its first checkpoint.
    """
    state = dict(snapshot.values)
    if "ticket" not in state:
        state["ticket"] = ticket
    ticket = state["ticket"]
    triage = state.get("triage")
    escalation = state.get("escalation")
    reply = state.get("reply")
    sla = state.get("sla")
    knowledge = state.get("knowledge")
    decisions = state.get("decisions", [])
    waiting = bool(snapshot.interrupts)
    error = error or state.get("error")
    error = error or state.get("error")
    outcome = (
        "waiting_for_review"
        if waiting
        else state.get("outcome") or ("failed" if error else "in_progress")
    )
    reports = {name: state.get(name) for name in ("technical", "success")}
    record: dict[str, Any] = {
        "ticket_id": ticket.ticket_id,
        "tenant": ticket.tenant,
        "customer": ticket.customer,
        "customer_tier": ticket.customer_tier,
        "channel": ticket.channel,
        "subject": ticket.subject,
        "submitted_at": _iso(ticket.submitted_at),
        "declared_priority": ticket.declared_priority,
        "declared_category": ticket.declared_category,
        "priority": triage.priority if triage else None,
        "priority_reasons": list(triage.priority_reasons) if triage else [],
        "category": triage.category if triage else None,
        "confidence": triage.confidence if triage else None,
        "queue": triage.queue if triage else None,
        "queue_route": triage.route if triage else None,
        "sentiment": triage.sentiment if triage else None,
        "sentiment_score": triage.sentiment_score if triage else None,
        "language": triage.language if triage else None,
        "engine": triage.engine if triage else None,
        "route": route_of(decisions),
        "specialists": [name for name, report in reports.items() if report is not None],
        "escalated": escalation is not None,
        "escalation_team": escalation.team if escalation else None,
        "escalation_rules": [t.rule for t in escalation.triggers] if escalation else [],
        "escalation_reasons": [t.reason for t in escalation.triggers] if escalation else [],
        "escalation_details": [t.detail for t in escalation.triggers] if escalation else [],
        "needs_human": bool(escalation and escalation.needs_human),
        "outcome": outcome,
        "reply": reply.text if reply else None,
        "reply_status": reply.status if reply else None,
        "reply_macro": reply.macro if reply else None,
        "reply_language": reply.language if reply else None,
        "reply_notes": reply.notes("internal") if reply else [],
        "follow_up_team": reply.follow_up if reply else None,
        "citations": list(reply.citations) if reply else [],
        "kb_hits": [
            {"article_id": h.article_id, "title": h.title, "score": h.score, "passage": h.passage}
            for h in knowledge.hits
        ]
        if knowledge
        else [],
        "kb_gap": bool(knowledge and knowledge.gap),
        "kb_query": knowledge.query if knowledge else None,
        "findings": {name: list(r.findings) for name, r in reports.items() if r is not None},
        "steps": {name: list(r.steps) for name, r in reports.items() if r is not None},
        "entities": {
            name: r.entities for name, r in reports.items() if r is not None and r.entities
        },
        "actions": [
            a.model_dump(mode="json") for r in reports.values() if r is not None for a in r.actions
        ],
        "review": state["review"].model_dump(mode="json") if state.get("review") else None,
        "audit": [d.model_dump(mode="json") for d in state.get("audit", [])],
        "outbox": [m.key for m in state.get("outbox", [])],
        "sla": _sla_record(sla),
        "decisions": [
            {"from": d.source, "to": d.target, "reason": d.reason, "at": _iso(d.at)}
            for d in decisions
        ],
        "hops": state.get("hops", 0),
        "error": error,
        "run_status": run_status,
    }
    return masked(record)


def _sla_record(sla: Any) -> dict[str, Any] | None:
    if sla is None:
        return None
    left = sla.first_response_due - sla.checked_at
    return {
        "priority": sla.priority,
        "first_response_due": _iso(sla.first_response_due),
        "resolution_due": _iso(sla.resolution_due),
        "first_response_at": _iso(sla.first_response_at),
        "resolved_at": _iso(sla.resolved_at),
        "checked_at": _iso(sla.checked_at),
        "first_response_breached": sla.first_response_breached,
        "resolution_breached": sla.resolution_breached,
        "first_response_time_left": format_duration(left),
    }
