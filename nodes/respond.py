"""Respond node: draft the reply, or send it once no human needs to see it first."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from langgraph.runtime import Runtime

from supportgraph.graph.context import Context, context_of
from supportgraph.graph.models import OutboxMessage, ProposedAction, Reply, Ticket
from supportgraph.graph.routing import ACTION_ROLE, closes_silently
from supportgraph.graph.state import SupportState
from supportgraph.tools.outbox import action_request, customer_reply, refund_request, status_change
from supportgraph.tools.replies import acknowledgement, compose_reply
from supportgraph.tools.teams import load_teams


def respond(state: SupportState, runtime: Runtime[Context]) -> dict[str, Any]:
    """Draft when a human must review, otherwise send (applying any review decision)."""
    context = context_of(runtime)
    now = context.now()
    escalation = state.get("escalation")
    review = state.get("review")
    draft = state.get("reply")
    if draft is None and closes_silently(state):
        triage = state["triage"]
        note = (
            f"closed without a reply: {triage.routine.replace('_', ' ') if triage.routine else ''}"
        )
        return {
            "reply": Reply(text="", status="withheld"),
            "outcome": "closed",
            "outbox": [status_change(state["ticket"], "closed", note, now)],
        }
    if draft is None:
        reports = [r for r in (state.get("technical"), state.get("success")) if r is not None]
        text, citations = compose_reply(
            state["ticket"], state["triage"], reports, state.get("knowledge"), escalation
        )
        draft = Reply(text=text, citations=citations)
        if escalation is not None and escalation.needs_human:
            return {"reply": draft, "outcome": "waiting_for_review"}
        if escalation is not None and escalation.handoff:
            # The customer hears at once that a person is on it; the person answers later.
            ticket = state["ticket"]
            note = f"acknowledged; {escalation.team} answers"
            return {
                "reply": draft.model_copy(update={"acknowledged_at": now}),
                "outcome": "handed_to_human",
                "outbox": [
                    customer_reply(ticket, acknowledgement(ticket, escalation), now, "ack"),
                    status_change(ticket, "handed_to_human", note, now),
                ],
            }
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
        teams = load_teams(context.teams_path)
        outbox += [
            _effect(ticket, a, teams.for_role(ACTION_ROLE[a.kind]), review.reviewer, now)
            for a in report.actions
        ]
    return {"reply": sent, "outcome": "replied", "outbox": outbox}


def _effect(
    ticket: Ticket, action: ProposedAction, team: str, approver: str, now: datetime
) -> OutboxMessage:
    """What an approved action sends: a refund request for a known charge, else a team request."""
    if action.kind == "refund" and action.reference and action.amount is not None:
        return refund_request(ticket, action, approver, now)
    return action_request(ticket, action, team, approver, now)
