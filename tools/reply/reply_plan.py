"""Decide what a reply says from the ticket state: its macro, its facts, and what backs it.

A pure function of the state and the review decision (none, a preview of an approval,
approve, edit, reject): which situation the ticket is in (tools/data/templates lists
one macro per situation), the facts the macro needs, the internal parts a reviewer
reads, and the teams the text relies on. A reply that says a team will act ("our
engineering team is on it", "your customer success manager will contact you") names
that team in ``notices``; nodes/respond.py sends each of them an internal notification
together with the reply, so no promise goes out without its effect.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from supportgraph.graph.models import (
    GUARDED_REASONS,
    TIERS,
    EscalationTrigger,
    ProposedAction,
    ReplyPart,
    ReviewDecision,
    SpecialistReport,
    Tier,
    TriageResult,
)
from supportgraph.graph.routing import OWNER_ROLE, REQUEST_ROLE, closes_without_answer
from supportgraph.graph.state import SupportState
from supportgraph.tools.accounts.catalog import Plan, asks_about_integrations, named_plans
from supportgraph.tools.desk.teams import Role, Teams
from supportgraph.tools.knowledge.gate import asked_for
from supportgraph.tools.knowledge.kb import Article
from supportgraph.tools.knowledge.step_order import asked_step_first
from supportgraph.tools.reply.internal_notes import internal_parts
from supportgraph.tools.signals.normalize import fold
from supportgraph.tools.signals.ticket_text import content_text

_CITED = re.compile(r"^(?P<text>.+?)\s*\[(?P<source>[A-Za-z]+-[\w.-]+)\]$")
_ACCESS = re.compile(
    r"\b(access|copy|auskunft|kopie|acceso|copia|accès|copie)\b|art\w*\.?\s*15\b", re.I
)
_ERASURE = re.compile(
    r"\b(eras\w*|delet\w*|remov\w*|lösch\w*|supres\w*|borr\w*|elimin\w*|effac\w*|suppr\w*)|art\w*\.?\s*17\b",
    re.I,
)
_ALREADY = re.compile(r"already requested on (\d{4}-\d{2}-\d{2})")
_HANDOFF_REASON = {
    "customer_asks_for_human": "asked",
    "article_tried": "tried",
    "our_change": "our_change",
    "knowledge_missing": "no_answer",
    "low_triage_confidence": "unsure",
    "specialist_tool_failure": "tool_failure",
}
_MONEY = ("refund", "credit", "chargeback")
_TIER_RANK: dict[str, int] = {name: rank for rank, name in enumerate(TIERS)}


@dataclass(frozen=True)
class Notice:
    """A team the reply relies on, told by an internal notification sent with it."""

    team: str
    purpose: str  # handoff, incident, csm, refund, cancellation, plan_change, gdpr, …


@dataclass
class ReplyPlan:
    """What a reply says, before it is rendered in a language for a channel."""

    macro: str
    facts: dict[str, Any] = field(default_factory=dict)
    notices: list[Notice] = field(default_factory=list)
    follow_up: str | None = None  # the team that still owes the customer an answer
    internal: list[ReplyPart] = field(default_factory=list)
    citations: tuple[str, ...] = ()

    def relies_on(self, team: str, purpose: str, *, follow_up: bool = True) -> str:
        """Record that the text names ``team``; return the team for the facts."""
        if Notice(team, purpose) not in self.notices:
            self.notices.append(Notice(team, purpose))
        if follow_up and self.follow_up is None:
            self.follow_up = team
        return team


@dataclass(frozen=True)
class Sources:
    """What a plan reads besides the state: teams, KB articles and the plan catalog."""

    teams: Teams
    article: Callable[[str], Article | None]
    catalog: dict[str, Plan]
    currency: str = "USD"  # the plan catalog's currency


def split_cited(line: str) -> dict[str, str] | None:
    """``{"text", "source"}`` of a step that ends in its ``[KB-id]`` citation."""
    match = _CITED.match(line.strip())
    return match.groupdict() if match else None


def _steps(report: SpecialistReport | None) -> list[dict[str, str]]:
    return [s for s in (split_cited(line) for line in report.steps) if s] if report else []


def _role(teams: Teams, team: str) -> Role | None:
    return next((t.roles[0] for t in teams.teams if t.name == team), None)


def plan_reply(state: SupportState, decision: ReviewDecision | None, sources: Sources) -> ReplyPlan:
    """The reply for ``state`` under ``decision`` (None: sent without a review).

    Pass the reviewer's approval to preview what an approval would send. An ``edit``
    is the reviewer's own text and is not planned here.
    """
    plan = _situation(state, decision, sources)
    plan.internal = internal_parts(state) + [
        ReplyPart(audience="internal", kind="notice", text=f"notifies {n.team}: {n.purpose}")
        for n in plan.notices
    ]
    return plan


def plan_acknowledgement(state: SupportState, sources: Sources) -> ReplyPlan:
    """The first response of a handoff: a person has the ticket and will answer."""
    escalation = state["escalation"]
    assert escalation is not None  # only a handoff is acknowledged
    reasons = [_HANDOFF_REASON[t.rule] for t in escalation.triggers if t.rule in _HANDOFF_REASON]
    triage = state["triage"]
    # A fault reported is thanked as a report, not as a question (FAY-008: alerts stopped).
    fault = (
        triage.category == "technical"
        and triage.routine is None
        and (triage.signals is None or triage.signals.effect != "none")
    )
    plan = ReplyPlan("handoff", {"reason": reasons[0] if reasons else "unsure", "fault": fault})
    plan.facts["team"] = plan.relies_on(escalation.team, "handoff")
    plan.internal = internal_parts(state)
    return plan


def _situation(state: SupportState, decision: ReviewDecision | None, sources: Sources) -> ReplyPlan:
    triage = state["triage"]
    escalation = state.get("escalation")
    success = state.get("success")
    rules = {t.rule: t for t in escalation.triggers} if escalation else {}
    owner = escalation.team if escalation else sources.teams.for_role(OWNER_ROLE[triage.category])
    actions = list(success.actions) if success else []
    money_asked = [r for r in triage.requests if r in _MONEY]
    if decision is not None and decision.action == "reject":
        plan = ReplyPlan("handover", {"money": bool(actions or money_asked), "apology": False})
        plan.facts["team"] = plan.relies_on(owner, "handover")
        return plan
    if closes_without_answer(state):
        return ReplyPlan("thanks", {"kind": "praise" if triage.routine == "praise" else "thanks"})
    incident = (
        rules.get("disowned_activity")
        or rules.get("foreign_data_shown")
        or rules.get("open_access_shown")
        or rules.get("critical_priority")
    )
    if incident is not None:
        return _incident(state, incident.team, sources)
    if "gdpr" in triage.requests:
        plan = ReplyPlan("gdpr", {"kind": _gdpr_kind(state)})
        plan.facts["team"] = plan.relies_on(sources.teams.for_role("legal"), "gdpr")
        return plan
    secret = rules.get("secret_in_ticket")  # Security has the pasted key or password rotated
    handover_team = (
        secret.team if secret else _handover_team(triage, rules.get("person_needed"), sources)
    )
    if handover_team is not None:
        plan = ReplyPlan("handover", {"money": False, "apology": False})
        plan.facts["team"] = plan.relies_on(handover_team, "handover")
        return plan
    executes = decision is not None and decision.executes_actions
    if actions or money_asked:
        return _money_or_account(state, actions, executes, sources)
    if "angry_enterprise_customer" in rules:
        return _unhappy_enterprise(state, rules["angry_enterprise_customer"].team, sources)
    if success is not None and "feature_logged" in success.offers:
        return _feature_idea(state, success, sources)
    # A billing ticket names plans as what it was charged for ("the Growth renewal, then
    # the upgrade to Professional"): the billing answer explains the charge, not the plans.
    if (
        success is not None
        and triage.category != "billing"
        and (success.plans or triage.category == "sales")
    ):
        compared = _plans(state, success, sources)
        if compared is not None:
            return compared
    return _answer(state, owner, sources)


def _handover_team(
    triage: TriageResult, needed: EscalationTrigger | None, sources: Sources
) -> str | None:
    """The team that answers in person rather than with an article, if any.

    Another customer's data, secrets or a legal threat asked for, or a ticket read as such
    a matter (or a security one) without a request the patterns name.
    """
    person_first = [r for r in triage.requests if r in REQUEST_ROLE]
    if person_first:
        return sources.teams.for_role(REQUEST_ROLE[person_first[0]])
    if needed is not None and triage.signals and triage.signals.reason in GUARDED_REASONS:
        return needed.team
    return None


def _incident(state: SupportState, team: str, sources: Sources) -> ReplyPlan:
    security = _role(sources.teams, team) == "security"
    plan = ReplyPlan("incident", {"security": security, "csm": False, "steps": []})
    plan.facts["team"] = plan.relies_on(team, "incident")
    if state["ticket"].customer_tier == "Enterprise":
        plan.relies_on(sources.teams.for_role("success"), "csm", follow_up=False)
        plan.facts["csm"] = True
    steps = _steps(state.get("technical"))
    lead = sources.article(steps[0]["source"]) if steps else None
    # A security incident gets only security steps: restoring data is no answer to a leak.
    if lead is not None and (not security or lead.product_area == "security"):
        plan.facts["steps"] = steps
        plan.citations = (lead.id,)
    return plan


def _gdpr_kind(state: SupportState) -> str:
    """Access or erasure: from the words that showed the request, else the subject, else the text.

    The nearest evidence decides, so "delete it" in a legal footer does not turn an
    access request into an erasure.
    """
    triage = state["triage"]
    if "deletion" in triage.requests:
        return "erasure"
    ticket = state["ticket"]
    for text in (" ".join(triage.request_evidence), ticket.subject, ticket.message):
        access, erasure = bool(_ACCESS.search(text)), bool(_ERASURE.search(text))
        if access != erasure:
            return "access" if access else "erasure"
    return "other"


def _money_or_account(
    state: SupportState, actions: list[ProposedAction], executes: bool, sources: Sources
) -> ReplyPlan:
    success = state.get("success")
    billing = sources.teams.for_role("billing")
    unverified = bool(success and success.unverified)
    refunds = [
        a
        for a in actions
        if a.kind in ("refund", "credit") and a.reference and a.amount is not None
    ]
    if refunds and executes and not unverified:
        duplicate = any("duplicate" in a.detail for a in refunds)
        facts = {
            "duplicate": duplicate,
            "refunds": [
                {"kind": a.kind, "amount": a.amount, "currency": a.currency, "charge": a.reference}
                for a in refunds
            ],
        }
        return ReplyPlan("refund_approved", facts)
    kinds = {a.kind for a in actions} | set(state["triage"].requests)
    if kinds & set(_MONEY):
        plan = ReplyPlan("refund_pending", {"reason": "identify", "requested_on": None})
        findings = " ".join(success.findings) if success else ""
        if unverified:
            plan.facts["reason"] = "verify"
        elif "chargeback" in kinds:
            plan.facts["reason"] = "dispute"
        elif not actions and (earlier := _ALREADY.search(findings)):
            plan.facts |= {
                "reason": "already_requested",
                "requested_on": date.fromisoformat(earlier.group(1)),
            }
        plan.facts["team"] = plan.relies_on(billing, "refund")
        return plan
    if kinds & {"cancellation", "account_deletion", "deletion"}:
        if not kinds & {"account_deletion", "deletion"}:
            what = "subscription"
        elif "cancellation" in kinds:
            what = "account"  # leaving and deleting: the whole account closes
        else:
            what = _deleted(state["triage"])
        plan = ReplyPlan("cancellation", {"what": what, "confirmed": executes and not unverified})
        plan.facts["team"] = billing
        if not plan.facts["confirmed"]:
            plan.relies_on(billing, "cancellation")
        return plan
    current = _current_plan(state)
    target = _lower_plan(state, current, sources)
    plan = ReplyPlan("plan_change", {"current_plan": current, "target": target, "team": billing})
    if target is None:
        plan.relies_on(billing, "plan_change")
    return plan


_ACCOUNT_WORDS = re.compile(
    r"\b(?:accounts?|konto|kontos|cuenta|compte|profiles?|profil|organi[sz]ations?|organisation"
    r"|organizacion|tenant)\b"
)
_WORKSPACE_WORDS = re.compile(
    r"\b(?:workspaces?|arbeitsbereich\w*|espacios? de trabajo|espaces? de travail)\b"
)
_DATA_WORDS = re.compile(
    r"\b(?:data|daten|datos|donnees|history|historical|historique|historial|historico|historie"
    r"|archiv\w*|records|registros|enregistrements|informations?|informacion|exports?)\b"
)


def _deleted(triage: TriageResult) -> str:
    """What a deletion request names: the account, one workspace, or some data.

    "Delete the old "Sandbox – 2023" workspace" closes nothing else, and a reply that
    says the account is closing would be untrue. Read from the words that showed the
    request; the account when they name nothing narrower.
    """
    evidence = fold(
        " ".join(
            e
            for r, e in zip(triage.requests, triage.request_evidence, strict=False)
            if r == "deletion"
        )
    )
    if _ACCOUNT_WORDS.search(evidence):
        return "account"
    if _WORKSPACE_WORDS.search(evidence):
        return "workspace"
    if _DATA_WORDS.search(evidence):
        return "data"
    return "account"


def _current_plan(state: SupportState) -> Tier:
    success = state.get("success")
    if success is not None and success.current_plan:
        return success.current_plan
    return state["ticket"].customer_tier


def _lower_plan(state: SupportState, current: str, sources: Sources) -> str | None:
    named = named_plans(content_text(state["ticket"]), sources.catalog)
    lower = [p for p in named if _TIER_RANK.get(p, 99) < _TIER_RANK.get(current, 0)]
    return lower[-1] if lower else None


def _unhappy_enterprise(state: SupportState, team: str, sources: Sources) -> ReplyPlan:
    steps = _steps(state.get("technical")) or _steps(state.get("success"))
    if steps:
        plan = _kb_answer(state, steps, sources)
        plan.facts |= {"csm": True, "apology": True}
        plan.relies_on(team, "csm")
        return plan
    plan = ReplyPlan("handover", {"money": False, "apology": True})
    plan.facts["team"] = plan.relies_on(team, "csm")
    return plan


def _feature_idea(state: SupportState, success: SpecialistReport, sources: Sources) -> ReplyPlan:
    cited = [sources.article(c) for c in success.citations]
    board = [a for a in cited if a is not None and a.product_area == "product" and a.steps]
    steps = [{"text": board[0].steps[0], "source": board[0].id}] if board else []
    current = _current_plan(state)
    # what they named that their plan already has ("advanced reporting" on Enterprise) is
    # said first: logging as an idea what they can use today would not answer them
    included = [name for name, held in success.offerings.items() if current in held]
    plan = ReplyPlan(
        "feature_idea",
        {"csm": False, "steps": steps, "current_plan": current, "included": included},
    )
    plan.facts["team"] = plan.relies_on(
        sources.teams.for_role("product"), "feature_idea", follow_up=False
    )
    if "strategy_session" in success.offers:
        plan.relies_on(sources.teams.for_role("success"), "strategy_session")
        plan.facts["csm"] = True
    plan.citations = tuple(s["source"] for s in plan.facts["steps"])
    return plan


def _plans(state: SupportState, success: SpecialistReport, sources: Sources) -> ReplyPlan | None:
    current = _current_plan(state)
    shown = [p for p in success.plans if p in sources.catalog]
    owned = [p for p in shown if p != current and _TIER_RANK[p] < _TIER_RANK[current]]
    rows = [_plan_row(sources.catalog[p], sources.currency) for p in shown if p not in owned]
    steps = _steps(success)[:1]
    if len(rows) < 2 and not owned and not steps:  # what they named alone makes no answer
        return None
    facts = {
        "current_plan": current,
        "plans": rows if len(rows) > 1 else [],
        "owned": owned,
        # what they asked about by name ("SSO and audit logs", "the HubSpot connector")
        "asked": [{"name": name, "plans": list(held)} for name, held in success.offerings.items()],
        # each plan's integrations shown in every channel and language when asked about
        "integrations": asks_about_integrations(content_text(state["ticket"])),
    }
    plan = ReplyPlan("plans", facts | {"steps": steps})
    plan.citations = tuple(s["source"] for s in steps)
    return plan


def _plan_row(plan: Plan, currency: str) -> dict[str, Any]:
    """A plan as the templates show it.

    ``price``, ``integrations`` and ``support`` are the catalog's own (English) words;
    the rest are numbers a template writes in its own language.
    """
    return {
        "name": plan.name,
        "monthly": plan.price_per_month,
        "currency": currency,
        "price": plan.price,
        "api": plan.api_requests_per_minute,
        "seats": plan.seats if plan.seats is not None else "unlimited",
        "integrations": ", ".join(plan.integrations),
        "support": plan.support,
    }


def _answer(state: SupportState, owner: str, sources: Sources) -> ReplyPlan:
    """A how-to or troubleshooting answer from the KB, a billing answer, or a hand-over."""
    steps = _steps(state.get("technical")) or _steps(state.get("success"))
    knowledge = state.get("knowledge")
    shown = len(steps)
    if not steps and knowledge is not None and knowledge.hits:
        lead = sources.article(knowledge.hits[0].article_id)
        if lead is not None:
            steps, shown = [{"text": s, "source": lead.id} for s in lead.steps], 5
    if state["triage"].routine == "howto":
        steps = _asked_first(state, steps, sources)
    steps = steps[:shown]
    if state["triage"].category == "billing" and not state.get("technical") and steps:
        plan = ReplyPlan("billing_answer", {"steps": steps})
        plan.citations = tuple(dict.fromkeys(s["source"] for s in steps))
        return plan
    if steps:
        return _kb_answer(state, steps, sources)
    plan = ReplyPlan("handover", {"money": False, "apology": False})
    plan.facts["team"] = plan.relies_on(owner, "handover")
    return plan


def _asked_first(
    state: SupportState, steps: list[dict[str, str]], sources: Sources
) -> list[dict[str, str]]:
    """One article's steps, all of them, with the one the how-to question asks about first.

    A specialist passes on the article's first steps; the one asked about may come later
    ("how can we replay the webhooks we missed?" is the sixth of six). A step changing the
    account for good that the ticket does not ask for stays out, as the specialist left it
    out ("do I have to be the owner to change roles?" is not told how to hand ownership over),
    and the step the specialist put first is the one to beat: it may already be the answer
    ("Change a user's role from the role menu …").
    """
    article = sources.article(steps[0]["source"]) if steps else None
    if article is None or any(
        s["source"] != article.id or s["text"] not in article.steps for s in steps
    ):
        return steps
    text = content_text(state["ticket"])
    lead = steps[0]["text"]
    others = [s for s in article.steps if s != lead and asked_for(s, text)]
    ordered = asked_step_first(text, [lead, *others])
    return [{"text": step, "source": article.id} for step in ordered]


def _kb_answer(state: SupportState, steps: list[dict[str, str]], sources: Sources) -> ReplyPlan:
    """The article's steps; a High fault is also followed up by the team that owns it.

    A major feature broken or a deadline at risk (the rubric's High) is not settled by an
    article's general steps: they go out at once, and the ticket stays open with the team
    (FAY-018: the audit export failing the night before the auditors arrive).
    """
    triage = state["triage"]
    fault = triage.category == "technical" and triage.routine != "howto"
    plan = ReplyPlan(
        "kb_answer",
        {"steps": steps, "fault": fault, "csm": False, "apology": triage.sentiment == "negative"},
    )
    if fault and triage.priority == "High":
        owner = sources.teams.for_role(OWNER_ROLE["technical"])
        plan.facts["team"] = plan.relies_on(owner, "follow_up")
    plan.citations = tuple(dict.fromkeys(s["source"] for s in steps))
    return plan
