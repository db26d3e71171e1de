"""Respond node: draft the reply, or send it once no human needs to see it first."""

from __future__ import annotations

from typing import Any

from langgraph.runtime import Runtime

from supportgraph.graph.context import Context, context_of
from supportgraph.graph.models import Reply
from supportgraph.graph.state import SupportState
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
    if review is not None and review.action == "reject":
        return {
            "reply": draft.model_copy(update={"status": "withheld"}),
            "outcome": "handed_to_human",
        }
    text = (
        review.reply
        if review is not None and review.action == "edit" and review.reply
        else draft.text
    )
    sent = draft.model_copy(update={"text": text, "status": "sent", "sent_at": now})
    return {"reply": sent, "outcome": "replied"}
