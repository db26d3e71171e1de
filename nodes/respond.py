"""Respond node: draft the reply, or send it once no human needs to see it first."""

from __future__ import annotations

from typing import Any

from langgraph.runtime import Runtime

from supportgraph.graph.context import Context, context_of
from supportgraph.graph.models import Reply
from supportgraph.graph.state import SupportState
from supportgraph.tools.outbox import customer_reply, refund_request, status_change
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
    if review is not None and report is not None:
        approver = review.reviewer
        outbox += [
            refund_request(ticket, a, approver, now) for a in report.actions if a.kind == "refund"
        ]
    return {"reply": sent, "outcome": "replied", "outbox": outbox}
