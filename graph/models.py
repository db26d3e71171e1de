"""Domain objects carried in the ticket state: validated Pydantic models."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from supportgraph.tools.redaction import mask_sensitive

Tier = Literal["Starter", "Growth", "Professional", "Enterprise"]
Channel = Literal["Email", "Chat", "Phone", "Web"]
Priority = Literal["Critical", "High", "Medium", "Low"]
Category = Literal["technical", "billing", "account", "sales", "product", "feedback"]
Sentiment = Literal["negative", "neutral", "positive"]
TriageRoute = Literal["technical", "success", "knowledge", "escalation"]
Team = Literal["Engineering", "Billing", "Product", "Legal", "Executive"]
HandoffReason = Literal[
    "policy_restriction",
    "low_confidence",
    "sla_breach",
    "customer_request",
    "missing_knowledge",
    "tool_failure",
]
HandbackReason = Literal["out_of_scope", "tool_failure"]
Node = Literal[
    "supervisor", "triage", "technical", "success", "knowledge", "human_review", "respond"
]

PRIORITIES: tuple[Priority, ...] = ("Critical", "High", "Medium", "Low")
TIERS: tuple[Tier, ...] = ("Starter", "Growth", "Professional", "Enterprise")
CHANNELS: tuple[Channel, ...] = ("Email", "Chat", "Phone", "Web")
CATEGORIES: tuple[Category, ...] = (
    "technical",
    "billing",
    "account",
    "sales",
    "product",
    "feedback",
)


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Ticket(_Model):
    """A customer inquiry as it arrives from any channel."""

    ticket_id: str = Field(min_length=1, max_length=200)
    customer: str = Field(min_length=1)
    customer_tier: Tier
    channel: Channel
    subject: str
    message: str
    submitted_at: datetime
    tenant: str | None = None
    declared_priority: Priority | None = None
    declared_category: str | None = None
    # Set when the message was too big for state: ``message`` then holds an excerpt and
    # the whole text sits in the blob store under this sha256 (tools/blobs.py).
    body_sha256: str | None = Field(default=None, pattern=r"^[0-9a-f]{64}$")
    body_bytes: int | None = Field(default=None, ge=0)

    @field_validator("customer", "subject", "message")
    @classmethod
    def _mask_sensitive(cls, value: str) -> str:
        """Card numbers, IBANs, SSNs, national ids and keys never enter the graph.

        Masked on arrival, they cannot reach a checkpoint, the blob store, an LLM
        prompt, a reply, the outbox or a report; nothing downstream needs them.
        """
        return mask_sensitive(value)

    @field_validator("message")
    @classmethod
    def _message_not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("message is empty; a ticket needs the customer's words")
        return value

    @field_validator("submitted_at")
    @classmethod
    def _aware(cls, value: datetime) -> datetime:
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(
                "timestamp has no timezone; write it as ISO-8601 with an offset "
                "(2026-11-25T09:30:00+00:00) or relative (-30m)"
            )
        return value

    @property
    def text(self) -> str:
        """Subject and message as one text for the classifiers."""
        return f"{self.subject}\n{self.message}".strip()


class TriageResult(_Model):
    """What triage concluded about a ticket, with its evidence.

    ``queue`` is a trained model's own label and ``route`` where its label map sends
    it; both stay None with the shipped default model, which routes by category.
    """

    category: Category
    confidence: float = Field(ge=0.0, le=1.0)
    priority: Priority
    priority_reasons: tuple[str, ...] = ()
    sentiment: Sentiment
    sentiment_score: float
    language: str
    engine: str = "embedded"
    queue: str | None = None
    route: TriageRoute | None = None


class KBHit(_Model):
    """A knowledge-base article that matched a query."""

    article_id: str
    title: str
    score: float
    passage: str


class SpecialistReport(_Model):
    """What a specialist (technical or success) found and proposes."""

    specialist: Literal["technical", "success"]
    summary: str
    steps: tuple[str, ...] = ()
    citations: tuple[str, ...] = ()
    entities: dict[str, list[str]] = Field(default_factory=dict)
    actions: tuple[ProposedAction, ...] = ()
    findings: tuple[str, ...] = ()
    handback: HandbackReason | None = None
    handback_note: str = ""


class ProposedAction(_Model):
    """An outward action (refund, plan change) that waits for human approval."""

    kind: Literal["refund", "plan_change", "cancellation", "account_deletion"]
    detail: str
    amount: float | None = None
    reference: str | None = None


class KnowledgeReport(_Model):
    """Retrieval results used to ground the reply, and any gap found."""

    query: str
    hits: tuple[KBHit, ...] = ()
    gap: bool = False


class EscalationTrigger(_Model):
    """One escalation rule that fired, with its team and typed reason."""

    rule: str
    team: Team
    reason: HandoffReason
    needs_human: bool
    detail: str


class Escalation(_Model):
    """The escalation decided for a ticket: target team and every rule that fired."""

    team: Team
    needs_human: bool
    triggers: tuple[EscalationTrigger, ...]


class ReviewDecision(_Model):
    """A human reviewer's answer to a review request (kept in the ticket's audit log)."""

    action: Literal["approve", "edit", "reject", "reassign"]
    reviewer: str = "reviewer"
    reply: str | None = None
    reason: str | None = None
    team: Team | None = None
    decided_at: datetime

    @field_validator("reply", "reason")
    @classmethod
    def _mask_sensitive(cls, value: str | None) -> str | None:
        """A reviewer's text is sent and stored like a ticket's: masked the same way."""
        return None if value is None else mask_sensitive(value)


class OutboxMessage(_Model):
    """An outward effect recorded in the checkpoint, delivered later by the relay.

    The key is stable for the ticket and action, so a redelivery after a crash is
    recognised and skipped: delivery is at-least-once, the key makes it effectively once.
    """

    key: str
    ticket_id: str
    action: Literal["customer_reply", "status_change", "refund_request"]
    to: str
    subject: str
    body: str
    created_at: datetime

    @field_validator("to", "subject", "body")
    @classmethod
    def _mask_sensitive(cls, value: str) -> str:
        """Nothing leaves with a card number, IBAN, SSN, national id or key in it."""
        return mask_sensitive(value)


class Reply(_Model):
    """The reply for the customer, with the KB articles it cites."""

    text: str
    citations: tuple[str, ...] = ()
    status: Literal["draft", "sent", "withheld"] = "draft"
    sent_at: datetime | None = None


class SlaStatus(_Model):
    """SLA deadlines for the ticket and whether each is already missed."""

    priority: Priority
    first_response_due: datetime
    resolution_due: datetime
    checked_at: datetime
    first_response_at: datetime | None = None
    resolved_at: datetime | None = None
    first_response_breached: bool = False
    resolution_breached: bool = False


class Decision(_Model):
    """One routing step in the decision log: from where, to where, and why."""

    source: str
    target: str
    reason: str
    at: datetime


SpecialistReport.model_rebuild()
