"""Domain objects carried in the ticket state: validated Pydantic models."""

from __future__ import annotations

import re
import unicodedata
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from supportgraph.tools.safety.redaction import mask_sensitive
from supportgraph.tools.signals.credentials import pasted_credential

Tier = Literal["Starter", "Growth", "Professional", "Enterprise"]
Channel = Literal["Email", "Chat", "Phone", "Web"]
Priority = Literal["Critical", "High", "Medium", "Low"]
Category = Literal["technical", "billing", "account", "sales", "product", "feedback"]
Sentiment = Literal["negative", "neutral", "positive"]
TriageRoute = Literal["technical", "success", "knowledge", "escalation"]
Team = Annotated[str, Field(min_length=1, max_length=100)]  # a name from tools/desk/teams.py
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


# Limits at the edge (tools/tickets/intake.py cuts subjects and cleans text before these apply).
ID_MAX_CHARS = 128
ID_PUNCTUATION = "-_.:#@+"
CUSTOMER_MAX_CHARS = 200
SUBJECT_MAX_CHARS = 300
DECLARED_MAX_CHARS = 40


def _describe(char: str) -> str:
    name = "a control character" if unicodedata.category(char) in ("Cc", "Cs") else ascii(char)
    return f"{name} (U+{ord(char):04X})"


def check_identifier(value: str, what: str = "ticket id") -> str:
    """Return ``value`` if it is a safe identifier (ticket id, tenant), else raise ValueError.

    Identifiers end up in file names, thread ids, shell commands and report tables, so
    they are short and plain: letters, digits and ``- _ . : # @ +``, starting with a
    letter or digit, at most 128 characters. The error names the offending character.
    """
    if not value.strip():
        raise ValueError(f"{what} is blank")
    if len(value) > ID_MAX_CHARS:
        raise ValueError(
            f"{what} is {len(value):,} characters long; at most {ID_MAX_CHARS} are allowed"
        )
    allowed = f"letters, digits and {' '.join(ID_PUNCTUATION)}"
    for position, char in enumerate(value, start=1):
        if not (char.isalnum() or char in ID_PUNCTUATION):
            raise ValueError(
                f"{what} has {_describe(char)} at position {position}; use {allowed} only"
            )
    if not value[0].isalnum():
        raise ValueError(f"{what} must start with a letter or digit, not {value[0]!r}")
    return value


# Control characters and unpaired surrogates (which no UTF-8 file, database or email can
# hold); a message may keep its line breaks and tabs.
_NOT_IN_LINE = re.compile(r"[\x00-\x1f\x7f-\x9f\ud800-\udfff]")
_NOT_IN_TEXT = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")


def _check_text(value: str, what: str, single_line: bool) -> str:
    found = (_NOT_IN_LINE if single_line else _NOT_IN_TEXT).search(value)
    if found:
        raise ValueError(
            f"{what} has {_describe(found.group())} at position {found.start() + 1}; "
            "remove it (tools/tickets/intake.py cleans text this way)"
        )
    return value


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Ticket(_Model):
    """A customer inquiry as it arrives from any channel."""

    ticket_id: str
    customer: str
    customer_tier: Tier
    channel: Channel
    subject: str
    message: str
    submitted_at: datetime
    tenant: str | None = None
    customer_id: str | None = Field(default=None, min_length=1, max_length=100)
    contact_name: str | None = Field(default=None, min_length=1, max_length=200)
    contact_email: str | None = Field(default=None, max_length=254, pattern=r"^[^@\s]+@[^@\s]+$")
    declared_priority: Priority | None = None
    declared_category: str | None = None
    # Set when the message was too big for state: ``message`` then holds an excerpt and
    # the whole text sits in the blob store under this sha256 (tools/tickets/blobs.py).
    body_sha256: str | None = Field(default=None, pattern=r"^[0-9a-f]{64}$")
    body_bytes: int | None = Field(default=None, ge=0)
    # Where a key, token or password was written out in the words as they arrived, never
    # the secret (masked on arrival, see ``_mask_sensitive``): a leaked credential
    # (tools/signals/credentials.py); empty when there was none.
    secret_written: str = Field(default="", max_length=200)

    @model_validator(mode="before")
    @classmethod
    def _note_written_secret(cls, data: Any) -> Any:
        """Note a secret written out in the raw words, before masking removes it."""
        if isinstance(data, dict):
            words = [data.get(key) for key in ("subject", "message")]
            found = pasted_credential("\n".join(w for w in words if isinstance(w, str)))
            if found:
                data = {**data, "secret_written": mask_sensitive(found)}
        return data

    @field_validator("ticket_id")
    @classmethod
    def _ticket_id_plain(cls, value: str) -> str:
        return check_identifier(value, "ticket id")

    @field_validator("tenant")
    @classmethod
    def _tenant_plain(cls, value: str | None) -> str | None:
        return None if value is None else check_identifier(value, "tenant")

    @field_validator("customer")
    @classmethod
    def _customer_name(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("customer name is blank")
        if len(value) > CUSTOMER_MAX_CHARS:
            raise ValueError(
                f"customer name is {len(value):,} characters long; "
                f"at most {CUSTOMER_MAX_CHARS} are allowed"
            )
        return _check_text(value, "customer name", single_line=True)

    @field_validator("subject")
    @classmethod
    def _subject_line(cls, value: str) -> str:
        if len(value) > SUBJECT_MAX_CHARS:
            raise ValueError(
                f"subject is {len(value):,} characters long; at most {SUBJECT_MAX_CHARS} "
                "(tools/tickets/intake.py cuts longer ones)"
            )
        return _check_text(value, "subject", single_line=True)

    @field_validator("contact_name")
    @classmethod
    def _contact_name(cls, value: str | None) -> str | None:
        return None if value is None else _check_text(value, "contact name", single_line=True)

    @field_validator("declared_category")
    @classmethod
    def _declared_label(cls, value: str | None) -> str | None:
        if value is not None and len(value) > DECLARED_MAX_CHARS:
            raise ValueError(f"category is longer than {DECLARED_MAX_CHARS} characters")
        return None if value is None else _check_text(value, "category", single_line=True)

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
        return _check_text(value, "message", single_line=False)

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


# What happened, as the ``effect`` head reads it (tools/triage/judgement.py HEADS).
EFFECTS = (
    "none",
    "cosmetic",
    "degraded",
    "broken_feature",
    "unavailable",
    "data_wrong_or_lost",
    "exposure",
    "money",
)

# Reasons the rubric hands to Security or Legal whatever else the ticket reads as.
GUARDED_REASONS = (
    "security_incident",
    "privacy_incident",
    "other_customer_data",
    "secrets_request",
    "gdpr_request",
    "legal_threat",
)


class Signals(_Model):
    """What happened, to whom and how pressing: the inputs of the priority matrix.

    Each value is the most likely class of its learned head (tools/triage/judgement.py), with
    its probability: ``impact`` is the rubric's impact level, which follows from what
    happened (``effect``) and ``who`` is affected. ``critical`` and ``person`` are the
    probabilities that the ticket is a Critical incident and that a person must act
    before anything is sent.
    """

    impact: str
    impact_p: float
    who: str
    who_p: float
    effect: str
    effect_p: float
    urgency: str
    urgency_p: float
    critical: float
    person: float
    reason: str = "none"  # the most likely reason a person must act (tools/triage/judgement.py)
    reason_p: float = 0.0  # its probability
    exposure: float = 0.0  # probability that data or credentials were exposed
    # Probability that the reason a person must act is one the rubric gives Security or
    # Legal: a security or privacy incident, another customer's data or secrets asked
    # for, a GDPR request, a legal threat (GUARDED_REASONS).
    guarded: float = 0.0
    # The passage these signals were read from, when one passage of the ticket reads
    # more serious than the whole (tools/triage/severity.py passage_alarm); empty otherwise.
    passage: str = ""


# Routine kinds written by machines, not customers: closed without an answer, and no
# passage of them (a loan offer's "confirm your bank details") asks a person to act.
UNATTENDED_ROUTINE = frozenset({"spam", "auto_reply"})
# Routine kinds the rubric answers without a person: how-to questions, thanks, praise and
# feature ideas. A ticket read as one of them needs stronger evidence before a passage
# raises it or the learned "a person must act" reading sends it to one.
SELF_SERVE_ROUTINE = frozenset({"howto", "thanks", "praise", "feature_idea"})
# Probability from which the routine head's reading counts (thanks, spam, a how-to…).
ROUTINE_AT = 0.5


def self_serve(routine: str | None, probability: float = 1.0) -> bool:
    """Whether a routine reading is one of SELF_SERVE_ROUTINE, read with enough confidence.

    ``TriageResult.routine`` is already read at ``ROUTINE_AT``: pass it alone.
    """
    return routine in SELF_SERVE_ROUTINE and probability >= ROUTINE_AT


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
    signals: Signals | None = None  # impact, effect, urgency (None from engines without them)
    routine: str | None = None  # thanks, praise, auto_reply, spam, howto, feature_idea
    steering: tuple[str, ...] = ()  # text that tried to steer the system, judged as content
    requests: tuple[str, ...] = ()  # person-first intents found (tools/signals/intents.py)
    request_evidence: tuple[str, ...] = ()  # the words that showed each request
    obfuscation: tuple[str, ...] = ()  # ways the text hid its words (tools/signals/normalize.py)
    # Words disowning activity on the account ("none of us are in Singapore"): a possible
    # takeover (tools/signals/disowned.py); empty when there are none.
    disowned: str = ""
    # Words telling of another customer's data shown to this one ("the PDF you sent isn't
    # ours"): a cross-customer exposure (tools/signals/foreign_data.py); empty when none.
    foreign_data: str = ""
    # Words telling of this customer's data reached without a login or key ("the API
    # returned our orders without any key"): a possible exposure (tools/signals/open_access.py).
    open_access: str = ""
    # The line saying the problem is over ("panic over", "ya funciona"): what is left is
    # routine (tools/signals/settled.py); empty when there is none.
    settled: str = ""
    # The words saying the help article was already tried ("I've followed the bulk export
    # article"): its steps are not sent again (tools/signals/tried.py); empty when none.
    tried: str = ""
    # The words saying the problem started with a change on our side ("since your update on
    # Tuesday"): a regression for the owning team, not an article's general steps
    # (tools/signals/our_change.py); empty when none.
    our_change: str = ""
    # The words declining money back ("no refund or dispute needed") when nothing else in
    # the ticket asks for money (tools/signals/intents.py); empty when there are none.
    money_declined: str = ""


class KBHit(_Model):
    """A knowledge-base article that matched a query."""

    article_id: str
    title: str
    score: float
    passage: str
    lead: float | None = None  # reranker score over the best other candidate; None: not reranked


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
    unverified: str = ""  # why account data was withheld: the sender is not verified
    current_plan: Tier | None = (
        None  # the customer's plan: on file when verified, else the ticket's
    )
    plans: tuple[Tier, ...] = ()  # plans to compare for the customer, current plan first
    # features and integrations the customer asked about, each with the plans that include it
    offerings: dict[str, tuple[str, ...]] = Field(default_factory=dict)
    offers: tuple[Offer, ...] = ()  # what the reply offers the customer (see Offer)


# What the success node offers the customer; each one the reply states is backed by an
# internal notification (feature idea to Product, strategy session to the CSM's team).
Offer = Literal["feature_logged", "strategy_session"]

ActionKind = Literal[
    "refund", "credit", "chargeback", "plan_change", "downgrade", "cancellation", "account_deletion"
]


class ProposedAction(_Model):
    """An outward action (refund, plan change) that waits for human approval.

    A refund names the charge it reverses (``reference``), its amount and currency; a
    refund the ledger cannot tie to a charge has none, and approving it asks Billing
    to identify the charge instead of requesting money back.
    """

    kind: ActionKind
    detail: str
    amount: float | None = None
    currency: str | None = None
    reference: str | None = None


class KnowledgeReport(_Model):
    """Retrieval results used to ground the reply, and any gap found."""

    query: str
    hits: tuple[KBHit, ...] = ()
    gap: bool = False


TriggerKind = Literal["severity", "review", "handoff", "expedite"]


class EscalationTrigger(_Model):
    """One escalation rule that fired, with its team, typed reason and kind.

    ``kind`` says what it means for the ticket: ``severity`` (a team must take it over:
    the rubric's severity escalation), ``review`` (a person checks before anything is
    sent), ``handoff`` (the customer is told a person will answer, and a person does),
    ``expedite`` (the SLA is already missed; the reply is not held).
    """

    rule: str
    team: Team
    reason: HandoffReason
    needs_human: bool
    detail: str
    kind: TriggerKind = "severity"


class Escalation(_Model):
    """The escalation decided for a ticket: target team and every rule that fired."""

    team: Team
    needs_human: bool
    triggers: tuple[EscalationTrigger, ...]

    @property
    def severity(self) -> bool:
        """Whether a severity rule fired (not only a handoff, a check or an expedite)."""
        return any(t.kind == "severity" for t in self.triggers)

    @property
    def handoff(self) -> bool:
        """Whether a person takes the ticket over after an acknowledgement is sent."""
        return not self.needs_human and any(t.kind == "handoff" for t in self.triggers)


class ReviewDecision(_Model):
    """A human reviewer's answer to a review request (kept in the ticket's audit log)."""

    action: Literal["approve", "edit", "reject", "reassign"]
    reviewer: str = Field(default="reviewer", min_length=1, max_length=100)
    approve_actions: bool = False  # an edit executes the proposed actions only when set
    reply: str | None = None
    reason: str | None = None
    team: Team | None = None
    decided_at: datetime

    @field_validator("reviewer")
    @classmethod
    def _reviewer_named(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("reviewer is empty; give the name of the person who decided")
        return value.strip()

    @property
    def executes_actions(self) -> bool:
        """Whether this decision carries out the refunds and account changes proposed.

        ``approve`` does; ``edit`` only with ``approve_actions``; ``reject`` and
        ``reassign`` never do.
        """
        return self.action == "approve" or (self.action == "edit" and self.approve_actions)

    @field_validator("reply", "reason")
    @classmethod
    def _mask_sensitive(cls, value: str | None) -> str | None:
        """A reviewer's text is sent and stored like a ticket's: masked the same way."""
        return None if value is None else mask_sensitive(value)


OutboxAction = Literal[
    "customer_reply",
    "status_change",
    "refund_request",
    "action_request",
    "internal_notification",
]


class OutboxMessage(_Model):
    """An outward effect recorded in the checkpoint, delivered later by the relay.

    The key is stable for the ticket and action, so a redelivery after a crash is
    recognised and skipped: delivery is at-least-once, the key makes it effectively once.
    """

    key: str
    ticket_id: str
    action: OutboxAction
    to: str
    subject: str
    body: str
    created_at: datetime
    reference: str | None = None  # what the effect acts on, e.g. the charge id of a refund
    tenant: str | None = None  # whose charge ``reference`` is, for multi-tenant stores
    html: str | None = None  # the HTML alternative of an email reply (``body`` is its text)

    @field_validator("to", "subject", "body")
    @classmethod
    def _mask_sensitive(cls, value: str) -> str:
        """Nothing leaves with a card number, IBAN, SSN, national id or key in it."""
        return mask_sensitive(value)

    @field_validator("html")
    @classmethod
    def _mask_html(cls, value: str | None) -> str | None:
        return None if value is None else mask_sensitive(value)


Audience = Literal["customer", "internal"]


class ReplyPart(_Model):
    """One piece of a reply, and who may read it.

    ``customer`` parts are what the customer reads (the rendered macro); ``internal``
    parts (ledger checks, rules fired, priority, verification) are for the reviewer,
    the audit log and the reports, and never share a string with the customer text.
    """

    audience: Audience
    kind: str = Field(min_length=1, max_length=40)  # e.g. message, finding, priority, rule
    text: str


class Reply(_Model):
    """The reply for the customer, with the KB articles it cites.

    ``text`` is the customer text as last rendered: a preview of what an approval
    would send while it is a draft, and what was sent once it is sent. It is rendered
    from the state at send time (tools/reply/replies.py), never kept from the draft.
    """

    text: str
    citations: tuple[str, ...] = ()
    status: Literal["draft", "sent", "withheld"] = "draft"
    sent_at: datetime | None = None
    # When a handoff's acknowledgement went out: the first response, while a person
    # prepares the answer (the draft).
    acknowledged_at: datetime | None = None
    parts: tuple[ReplyPart, ...] = ()  # customer and internal parts (see ReplyPart)
    macro: str | None = None  # the template the customer text came from; None: a person wrote it
    language: str | None = None  # the language the customer text is written in
    # The team that still owes the customer something (an incident, a hand-over): the
    # ticket is not resolved by this reply.
    follow_up: str | None = None

    def notes(self, audience: Audience = "internal") -> list[str]:
        """The texts of the parts for ``audience``, in order."""
        return [p.text for p in self.parts if p.audience == audience]


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
