"""Respond node: draft the reply, or send it once no human needs to see it first."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from langgraph.runtime import Runtime

from supportgraph.graph.context import Context, context_of
from supportgraph.graph.models import OutboxMessage, ProposedAction, Reply, Ticket
from supportgraph.graph.routing import ACTION_TEAM
from supportgraph.graph.state import SupportState
from supportgraph.tools.outbox import action_request, customer_reply, refund_request, status_change
from supportgraph.tools.replies import compose_reply


def respond(state: SupportState, runtime: Runtime[Context]) -> dict[str, Any]:
    """Draft when a human must review, otherwise send (applying any review decision)."""
    now = context_of(runtime).now()
    escalation = state.get("escalation")
    review = state.get("review")
    draft = state.get("reply")
    if draft is None:
        reports = [r for r in (state.get("technical"), state.get("success")) if r is not None]
        text, citations = compose_reply(
            state["ticket"], state["triage"], reports, state.get("knowledge"), escalation
        )
        draft = Reply(text=text, citations=citations)
        if escalation is not None and escalation.needs_human:
            return {"reply": draft, "outcome": "waiting_for_review"}
    ticket = state["ticket"]
    if review is not None and review.action == "reject":
        note = f"rejected by {review.reviewer}: {review.reason}"
        return {
            "reply": draft.model_copy(update={"status": "withheld"}),
            "outcome": "handed_to_human",
            "outbox": [status_change(ticket, "handed_to_human", note, now)],
        }
    edited = review is not None and review.action == "edit" and review.reply
    text = review.reply if edited and review is not None and review.reply else draft.text
    sent = draft.model_copy(update={"text": text, "status": "sent", "sent_at": now})
    outbox = [
        customer_reply(ticket, text, now),
        status_change(ticket, "replied", "reply sent", now),
    ]
    report = state.get("success")
    if review is not None and review.executes_actions and report is not None:
        outbox += [_effect(ticket, action, review.reviewer, now) for action in report.actions]
    return {"reply": sent, "outcome": "replied", "outbox": outbox}


def _effect(ticket: Ticket, action: ProposedAction, approver: str, now: datetime) -> OutboxMessage:
    """What an approved action sends: a refund request for a known charge, else a team request."""
    if action.kind == "refund" and action.reference and action.amount is not None:
        return refund_request(ticket, action, approver, now)
    return action_request(ticket, action, ACTION_TEAM[action.kind], approver, now)
