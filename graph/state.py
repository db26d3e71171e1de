"""The shared ticket state every node reads and partially updates."""

from __future__ import annotations

import operator
from typing import Annotated, Literal, TypedDict, get_args, get_type_hints

from pydantic import BaseModel

from supportgraph.graph.models import (
    Decision,
    Escalation,
    KnowledgeReport,
    OutboxMessage,
    Reply,
    ReviewDecision,
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


def checkpoint_types() -> tuple[type[BaseModel], ...]:
    """Every Pydantic model a checkpoint of the state can hold, nested ones included.

    The checkpoint serializer allows exactly these to be read back (``checkpoints/
    savers.py``). They are found from the annotations, as LangGraph's strict mode does,
    so a model added to the state or to another model is registered with it.
    """
    found: dict[type[BaseModel], None] = {}
    for annotation in get_type_hints(SupportState, include_extras=True).values():
        _collect_models(annotation, found)
    return tuple(found)


def _collect_models(annotation: object, found: dict[type[BaseModel], None]) -> None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        if annotation not in found:
            found[annotation] = None
            for field in annotation.model_fields.values():
                _collect_models(field.annotation, found)
        return
    for arg in get_args(annotation):  # unions, containers, Annotated[...]
        _collect_models(arg, found)
