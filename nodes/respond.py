"""Respond node: draft the reply, or send it once no human needs to see it first.

What the customer reads is rendered from the state at the moment it is sent
(tools/reply/replies.py): after a review it says what was decided (a refund approved with
its amount and charge, a hand-over), never what a draft said before. Each team the
text relies on gets an internal notification in the same outbox write, and each new
reply gets its own idempotency key (a revision), so a reply after a replay or an edit
is delivered once and the earlier one is never sent again.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from langgraph.runtime import Runtime

from supportgraph.graph.context import Context, context_of
from supportgraph.graph.models import (
    OutboxMessage,
    ProposedAction,
    Reply,
    ReplyPart,
    ReviewDecision,
    Ticket,
)
from supportgraph.graph.routing import ACTION_ROLE, closes_silently
from supportgraph.graph.state import SupportState
from supportgraph.tools.delivery.outbox import (
    action_request,
    customer_reply,
    internal_notification,
    refund_request,
    revision,
    status_change,
)
from supportgraph.tools.reply.replies import Rendered, ReplyWriter, reply_from
from supportgraph.tools.reply.reply_plan import ReplyPlan


def respond(state: SupportState, runtime: Runtime[Context]) -> dict[str, Any]:
    """Draft when a human must review, otherwise send (applying any review decision)."""
    context = context_of(runtime)
    now = context.now()
    escalation = state.get("escalation")
    review = state.get("review")
    ticket = state["ticket"]
    if state.get("reply") is None and closes_silently(state):
        triage = state["triage"]
        note = (
            f"closed without a reply: {triage.routine.replace('_', ' ') if triage.routine else ''}"
        )
        return {
            "reply": Reply(text="", status="withheld"),
            "outcome": "closed",
            "outbox": [status_change(ticket, "closed", note, now)],
        }
    writer = ReplyWriter(context)
    if review is None and escalation is not None and escalation.needs_human:
        # The reviewer sees what an approval would send, and the internal findings beside it.
        preview = ReviewDecision(action="approve", reviewer="preview", decided_at=now)
        plan, rendered = writer.compose(state, preview)
        return {"reply": reply_from(plan, rendered), "outcome": "waiting_for_review"}
    if review is None and escalation is not None and escalation.handoff:
        # The customer hears at once that a person is on it; the person answers later.
        ack_plan, ack = writer.acknowledge(state)
        plan, rendered = writer.compose(state, ReviewDecision(action="approve", decided_at=now))
        note = f"acknowledged; {escalation.team} answers"
        return {
            "reply": reply_from(plan, rendered, acknowledged_at=now),
            "outcome": "handed_to_human",
            "outbox": [
                customer_reply(ticket, ack.text, now, "ack", ack.html),
                *_notifications(state, ack_plan, ack, writer, now),
                status_change(ticket, "handed_to_human", note, now),
            ],
        }
    if review is not None and review.action == "edit" and review.reply:
        return _send_edit(state, review, writer, now)
    plan, rendered = writer.compose(state, review)
    draft = state.get("reply")
    acknowledged = draft.acknowledged_at if draft is not None else None
    reply = reply_from(plan, rendered, status="sent", sent_at=now, acknowledged_at=acknowledged)
    if review is not None and review.action == "reject":
        status = "handed_to_human"
        note = f"rejected by {review.reviewer}: {review.reason}"
    else:
        status, note = "replied", "reply sent"
        if plan.follow_up:
            note = f"reply sent; {plan.follow_up} follows up"
    outbox = [
        customer_reply(ticket, rendered.text, now, _revision(state, rendered.text), rendered.html),
        status_change(ticket, status, note, now),
        *_notifications(state, plan, rendered, writer, now),
        *_effects(state, review, writer, now),
    ]
    outcome = "handed_to_human" if status == "handed_to_human" else "replied"
    return {"reply": reply, "outcome": outcome, "outbox": outbox}


def _send_edit(
    state: SupportState, review: ReviewDecision, writer: ReplyWriter, now: datetime
) -> dict[str, Any]:
    """Send the reviewer's own text, as written; the internal parts stay for the record.

    What the text promises is backed like a macro's promise: each team it says will act
    is notified with it.
    """
    ticket = state["ticket"]
    text = review.reply or ""
    draft = state.get("reply")
    internal = [p for p in (draft.parts if draft else ()) if p.audience == "internal"]
    language = draft.language if draft and draft.language else state["triage"].language
    plan = ReplyPlan(macro="edit", internal=internal)
    for team in writer.promised_teams(text, state):
        plan.relies_on(team, "reviewer_promise", follow_up=False)
    reply = Reply(
        text=text,
        citations=draft.citations if draft else (),
        status="sent",
        sent_at=now,
        parts=(ReplyPart(audience="customer", kind="message", text=text), *internal),
        macro=None,
        language=language,
        acknowledged_at=draft.acknowledged_at if draft else None,
    )
    rendered = Rendered(
        text=text, html=writer.html(text, ticket, language), language=language, macro="edit"
    )
    outbox = [
        customer_reply(ticket, text, now, _revision(state, text), rendered.html),
        status_change(ticket, "replied", f"reply edited and sent by {review.reviewer}", now),
        *_notifications(state, plan, rendered, writer, now),
        *_effects(state, review, writer, now),
    ]
    return {"reply": reply, "outcome": "replied", "outbox": outbox}


def _revision(state: SupportState, text: str) -> str:
    earlier = [
        m
        for m in state.get("outbox") or []
        if m.action == "customer_reply" and not m.key.endswith("/ack")
    ]
    return revision(text, len(earlier))


def _notifications(
    state: SupportState, plan: ReplyPlan, rendered: Rendered, writer: ReplyWriter, now: datetime
) -> list[OutboxMessage]:
    """One internal notification per team the customer text relies on."""
    ticket = state["ticket"]
    teams = writer.sources.teams
    messages = []
    for notice in plan.notices:
        team = teams.get(notice.team)
        body = "\n".join(
            [
                f"{ticket.customer} ({ticket.customer_tier}, {ticket.channel}) was told "
                f"that {team.name} {_PROMISED.get(notice.purpose, 'follows up')}.",
                f"Ticket {ticket.ticket_id}: {ticket.subject}",
                f"Contact: {ticket.contact_name or '(none on the ticket)'}",
                "",
                *(f"- {part.text}" for part in plan.internal if part.kind != "notice"),
                "",
                f"Sent to the customer ({rendered.language}, {rendered.macro}):",
                rendered.text,
            ]
        )
        messages.append(internal_notification(ticket, team, notice.purpose, body, now))
    return messages


_PROMISED = {
    "handoff": "will reply personally",
    "handover": "is looking at the request and will get back to them",
    "incident": "is working on the incident and will keep them updated",
    "csm": "(their customer success manager) is informed and will contact them",
    "strategy_session": "(their customer success manager) will offer a strategy session",
    "feature_idea": "has their feature idea logged",
    "refund": "is checking the refund and will confirm it",
    "cancellation": "will contact the account owner to confirm the cancellation",
    "plan_change": "will contact them to confirm the new plan",
    "gdpr": "handles their data protection request within one month",
    "reviewer_promise": "will act on what the reviewer's reply promises",
}


def _effects(
    state: SupportState, review: ReviewDecision | None, writer: ReplyWriter, now: datetime
) -> list[OutboxMessage]:
    """The refunds and account actions a decision carries out."""
    report = state.get("success")
    if review is None or not review.executes_actions or report is None:
        return []
    teams = writer.sources.teams
    return [
        _effect(state["ticket"], a, teams.for_role(ACTION_ROLE[a.kind]), review.reviewer, now)
        for a in report.actions
    ]


def _effect(
    ticket: Ticket, action: ProposedAction, team: str, approver: str, now: datetime
) -> OutboxMessage:
    """What an approved action sends: a refund request for a known charge, else a team request."""
    if action.kind == "refund" and action.reference and action.amount is not None:
        return refund_request(ticket, action, approver, now)
    return action_request(ticket, action, team, approver, now)
