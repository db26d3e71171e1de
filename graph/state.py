"""The shared ticket state every node reads and partially updates."""

from __future__ import annotations

import operator
from typing import Annotated, Literal, TypedDict

from supportgraph.graph.models import (
    Decision,
    Escalation,
    KnowledgeReport,
    OutboxMessage,
    Reply,
    ReplyPart,
    ReviewDecision,
    Signals,
    SlaStatus,
    SpecialistReport,
    Ticket,
    TriageResult,
)

Outcome = Literal["replied", "waiting_for_review", "handed_to_human", "closed", "failed"]


class InputState(TypedDict):
    """What a caller passes in: one validated ticket."""

    ticket: Ticket


class SupportState(InputState, total=False):
    """One ticket's journey through the graph."""

    triage: TriageResult  # category, priority, sentiment, language, confidence
    technical: SpecialistReport  # troubleshooting from the technical specialist
    success: SpecialistReport  # plans, billing, accounts, feature requests
    knowledge: KnowledgeReport  # KB hits grounding the reply, or a content gap
    escalation: Escalation | None  # team and rules that fired; None when none did
    review: ReviewDecision  # the reviewer's final decision (approve, edit or reject)
    audit: Annotated[list[ReviewDecision], operator.add]  # every review decision, reassigns too
    outbox: Annotated[list[OutboxMessage], operator.add]  # outward effects for the relay
    reply: Reply  # draft, then sent or withheld
    sla: SlaStatus  # deadlines and breach flags, refreshed at every supervisor step
    decisions: Annotated[list[Decision], operator.add]  # routing log, append-only
    hops: int  # supervisor steps taken; bounded by Context.max_hops
    outcome: Outcome  # where the ticket ended up
    error: str  # why the run stopped early, when it did


STATE_MODELS: tuple[type, ...] = (
    Decision,
    Escalation,
    KnowledgeReport,
    OutboxMessage,
    Reply,
    ReplyPart,
    ReviewDecision,
    Signals,
    SlaStatus,
    SpecialistReport,
    Ticket,
    TriageResult,
)
