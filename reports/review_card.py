"""What a reviewer decides from: a ticket's message, the internal findings and the draft.

One JSON-ready card per ticket, the same for ``supportgraph show`` and ``review list``
(console and ``--json``). Its keys are stable and documented in README.md ("Review
cards"). Texts are masked like the reports (``reports.records.masked``: secrets and
e-mail addresses); the message is the customer's whole text, read back from the blob
store when it was too big for the checkpoint.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from supportgraph.graph.errors import ConfigurationError
from supportgraph.graph.models import SpecialistReport, Ticket
from supportgraph.reports.records import masked
from supportgraph.tools.tickets.blobs import full_message

if TYPE_CHECKING:  # a card only reads the fields
    from supportgraph.runs.inbox import PendingReview, ThreadState

Card = dict[str, Any]


def _iso(value: datetime | None) -> str | None:
    return value.isoformat(timespec="seconds") if value else None


def _seconds(value: Any) -> int:
    return int(value.total_seconds())


def message_of(ticket: Ticket) -> tuple[str, bool]:
    """The customer's whole message and whether it is whole.

    A message offloaded to the blob store is read back; if its blob is gone, the
    excerpt kept in state is returned, flagged incomplete, instead of failing the view.
    """
    try:
        return full_message(ticket), True
    except ConfigurationError:
        return ticket.message, False


def _specialist(report: SpecialistReport | None) -> dict[str, Any] | None:
    if report is None:
        return None
    return {
        "summary": report.summary,
        "findings": list(report.findings),
        "steps": list(report.steps),
        "handback": report.handback,
        "handback_note": report.handback_note or None,
        "unverified": report.unverified or None,
    }


def _findings(state: dict[str, Any]) -> dict[str, Any]:
    """Everything the graph concluded that is for the reviewer, never for the customer."""
    triage = state.get("triage")
    escalation = state.get("escalation")
    knowledge = state.get("knowledge")
    return {
        "priority": triage.priority if triage else None,
        "priority_reasons": list(triage.priority_reasons) if triage else [],
        "category": triage.category if triage else None,
        "confidence": triage.confidence if triage else None,
        "sentiment": triage.sentiment if triage else None,
        "rules": [
            {
                "rule": t.rule,
                "kind": t.kind,
                "reason": t.reason,
                "team": t.team,
                "needs_human": t.needs_human,
                "detail": t.detail,
            }
            for t in (escalation.triggers if escalation else ())
        ],
        "specialists": {
            name: view
            for name in ("technical", "success")
            if (view := _specialist(state.get(name))) is not None
        },
        "kb": {
            "query": knowledge.query if knowledge else None,
            "gap": bool(knowledge and knowledge.gap),
            "hits": [
                {"article_id": h.article_id, "title": h.title, "score": round(h.score, 3)}
                for h in (knowledge.hits if knowledge else ())
            ],
        },
        "steering_ignored": list(triage.steering) if triage else [],
        "requests": [
            {"request": request, "evidence": evidence}
            for request, evidence in zip(
                triage.requests if triage else (),
                triage.request_evidence if triage else (),
                strict=False,
            )
        ],
    }


def _draft(state: dict[str, Any]) -> dict[str, Any]:
    reply = state.get("reply")
    actions = [
        a.model_dump(mode="json")
        for name in ("technical", "success")
        if (report := state.get(name)) is not None
        for a in report.actions
    ]
    return {
        "text": reply.text if reply else None,
        "status": reply.status if reply else None,
        "citations": list(reply.citations) if reply else [],
        "actions": actions,
    }


def _queue(review: PendingReview | None, now: datetime) -> dict[str, Any]:
    return {
        "interrupt_id": review.interrupt_id if review else None,
        "team": review.team if review else None,
        "asks": list(review.asks) if review else [],
        "reasons": list(review.reasons) if review else [],
        "waiting_since": _iso(review.waiting_since) if review else None,
        "waiting_seconds": _seconds(now - review.waiting_since) if review else None,
        "first_response_due": _iso(review.first_response_due) if review else None,
        "time_left_seconds": _seconds(review.time_left) if review else None,
    }


def review_card(snapshot: ThreadState, now: datetime, review: PendingReview | None = None) -> Card:
    """One ticket as a reviewer sees it (keys documented in README.md, "Review cards").

    Args:
        snapshot: The ticket thread's latest state.
        now: The time ages and waiting times are measured at.
        review: The ticket's open review request, when it waits for one.
    """
    state = dict(snapshot.values)
    ticket: Ticket = state["ticket"]
    message, complete = message_of(ticket)
    triage = state.get("triage")
    card: Card = {
        "ticket_id": ticket.ticket_id,
        "tenant": ticket.tenant,
        "customer": ticket.customer,
        "customer_tier": ticket.customer_tier,
        "channel": ticket.channel,
        "contact_name": ticket.contact_name,
        "subject": ticket.subject,
        "language": triage.language if triage else None,
        "submitted_at": _iso(ticket.submitted_at),
        "age_seconds": _seconds(now - ticket.submitted_at),
        "message": message,
        "message_complete": complete,
        "waiting": review is not None,
        **_queue(review, now),
        "findings": _findings(state),
        "draft": _draft(state),
    }
    card = masked(card)
    card["interrupt_id"] = review.interrupt_id if review else None  # an id, not text to mask
    return card
