"""Customer success node: plans, billing, accounts and feature requests."""

from __future__ import annotations

import re
from typing import Any

from langgraph.runtime import Runtime

from supportgraph.graph.context import Context, context_of
from supportgraph.graph.errors import ConfigurationError
from supportgraph.graph.models import (
    TIERS,
    ActionKind,
    HandbackReason,
    Offer,
    ProposedAction,
    SpecialistReport,
    Ticket,
    Tier,
    TriageResult,
)
from supportgraph.graph.state import SupportState
from supportgraph.tools.accounts.catalog import (
    Plan,
    asked_offerings,
    compare,
    load_catalog,
    mentioned_plans,
    named_plans,
)
from supportgraph.tools.accounts.customers import Verification, load_directory, verify
from supportgraph.tools.accounts.ledger import Charge, charges_for, duplicate_charges, load_ledger
from supportgraph.tools.accounts.refunds import requested
from supportgraph.tools.knowledge.gate import answers, asked_for, fits
from supportgraph.tools.knowledge.passages import supporting_sentence
from supportgraph.tools.signals.entities import extract_entities
from supportgraph.tools.signals.intents import MONEY_INTENTS, money_settled
from supportgraph.tools.signals.ticket_text import content_text

SUCCESS_AREAS = {"billing", "plans", "account", "product"}
# A KB sentence about paying money back ("is refunded to the original payment method"),
# not one naming "a refunded charge" among charges that only look like duplicates.
_REFUND_TOLD = re.compile(r"\brefund(?!ed charge)", re.IGNORECASE)

_CUES = {
    "duplicate_charge": r"\b(charged|billed) (twice|two times|double)|\bdouble[- ]charged?\b|\bduplicate (charge|payment)",
    "feature_request": r"\bfeature (request|requirement)s?\b|\b(can|could) you (add|build|support)\b|\bwould love\b|\broadmap\b",
    "strategy_session": r"\b(strategy|planning) (session|call|meeting)\b|\bschedule (a|an) (call|meeting|session)\b",
}
_CHARGE_ID = re.compile(r"\bch_[A-Za-z0-9]{6,}\b")
_AMOUNT = re.compile(r"(?<![\w.])(\d{1,6}(?:[.,]\d{2})?)(?![\w.])")
_ACTION_KINDS: dict[str, ActionKind] = {
    "refund": "refund",
    "credit": "credit",
    "chargeback": "chargeback",
    "cancellation": "cancellation",
    "downgrade": "downgrade",
    "deletion": "account_deletion",
}
_TIER_RANK: dict[str, int] = {name: rank for rank, name in enumerate(TIERS)}
# Words of advice: try, buy, move to, need, only on… (what a plan-aware answer checks).
_ADVICE = re.compile(
    r"\b(trial|try|start|upgrade|move to|switch to|only (?:available|offered)|part of|agreement|"
    r"requires?|needs?|contact (?:our )?sales|quote)\b",
    re.IGNORECASE,
)


def _has(cue: str, text: str) -> bool:
    return re.search(_CUES[cue], text, re.IGNORECASE) is not None


def _charge_text(charge: Charge) -> str:
    return f"charge {charge.charge_id} of {charge.amount:.2f} {charge.currency} on {charge.charged_at:%Y-%m-%d}"


def _refund(kind: ActionKind, charge: Charge, why: str) -> ProposedAction:
    verb = {"refund": "refund", "credit": "credit back", "chargeback": "resolve the dispute on"}
    return ProposedAction(
        kind=kind,
        detail=f"{verb.get(kind, kind)} {_charge_text(charge)} ({why})",
        amount=charge.amount,
        currency=charge.currency,
        reference=charge.charge_id,
    )


def _named_charge(text: str, charges: list[Charge]) -> tuple[Charge, str] | None:
    """The charge the customer points at: by id, else by amount, else the latest one."""
    succeeded = [c for c in charges if c.status == "succeeded"]
    ids = set(_CHARGE_ID.findall(text))
    if by_id := [c for c in succeeded if c.charge_id in ids]:
        return by_id[-1], "the customer names this charge"
    amounts = {float(a.replace(",", ".")) for a in _AMOUNT.findall(text)}
    if by_amount := [c for c in succeeded if c.amount in amounts]:
        return by_amount[-1], "the amount the customer names"
    if succeeded:
        return succeeded[-1], "the customer named no charge: the latest one is assumed"
    return None


def _billing(
    ticket: Ticket, intents: set[str], context: Context, tenant: str | None
) -> tuple[list[str], list[ProposedAction]]:
    """Ledger findings and money actions for a verified customer."""
    charges = charges_for(ticket.customer, load_ledger(context.ledger_path))
    if not charges:
        return [f"No charges for {ticket.customer} in the billing ledger."], []
    findings: list[str] = []
    actions: list[ProposedAction] = []
    for group in duplicate_charges(charges):
        first, *extra = group
        ids = ", ".join(c.charge_id for c in group)
        findings.append(
            f"Duplicate charge found in the ledger: {len(group)} charges of "
            f"{first.amount:.2f} {first.currency} for the {first.plan} plan in "
            f"{first.charged_at:%B %Y} ({ids})."
        )
        actions += [_refund("refund", charge, "duplicate charge") for charge in extra]
    money = [kind for kind in ("refund", "credit", "chargeback") if kind in intents]
    if money and not actions and (named := _named_charge(content_text(ticket), charges)):
        charge, why = named
        actions.append(_refund(_ACTION_KINDS[money[0]], charge, why))
    elif not actions:
        latest = charges[-1]
        findings.append(f"No duplicate charge in the ledger; latest {_charge_text(latest)}.")
    kept = []
    for action in actions:
        earlier = requested(action.reference, tenant) if action.reference else None
        if earlier is not None:
            findings.append(
                f"A refund of {action.reference} was already requested on "
                f"{earlier.requested_at[:10]} (ticket {earlier.ticket_id}); not requested again."
            )
        else:
            kept.append(action)
    return findings, kept


def _account_actions(ticket: Ticket, intents: set[str], tier: str) -> list[ProposedAction]:
    """Cancellations, downgrades and deletions asked for; an upgrade needs no approval."""
    actions = []
    for intent in ("cancellation", "downgrade", "deletion"):
        if intent in intents:
            kind = _ACTION_KINDS[intent]
            actions.append(
                ProposedAction(kind=kind, detail=f"customer asks for {kind.replace('_', ' ')}")
            )
    if "plan_change" in intents and not actions:
        targets = [
            p for p in mentioned_plans(content_text(ticket), load_catalog(None)) if p != tier
        ]
        ranks = {_TIER_RANK.get(p, -1) for p in targets}
        if not targets or any(r < _TIER_RANK.get(tier, 0) for r in ranks):
            wanted = " or ".join(targets) or "another plan"
            actions.append(
                ProposedAction(
                    kind="plan_change", detail=f"customer asks to change from {tier} to {wanted}"
                )
            )
    return actions


def _money_and_account(
    ticket: Ticket, triage: TriageResult, context: Context, verification: Verification
) -> tuple[list[str], list[ProposedAction], str]:
    """Findings, proposed actions, and why account data was withheld (empty when verified).

    The ledger is read only for a verified sender. An unverified sender who claims a
    charge or asks for money back is a case for a person (the third value says why);
    one who asks a general billing question, or declines the money (triage's
    ``money_declined``), is answered without account data.
    """
    category, intents = triage.category, set(triage.requests)
    text = content_text(ticket)
    duplicate = _has("duplicate_charge", text)
    wants_ledger = category == "billing" or duplicate or bool(intents & MONEY_INTENTS)
    actions = _account_actions(ticket, intents, _current_plan(ticket, verification))
    if not wants_ledger:
        return [], actions, ""
    if not verification.verified:
        asked = [_ACTION_KINDS[k] for k in ("refund", "credit", "chargeback") if k in intents]
        if duplicate and not asked and not (money_settled(text) or triage.money_declined):
            asked = ["refund"]
        if not asked:
            # A general billing question is answered without the ledger; nothing to hold.
            return [f"Ledger not consulted: {verification.reason}."], actions, ""
        actions = [
            ProposedAction(
                kind=kind,
                detail=f"customer asks for a {kind}; no charge looked up (sender not verified)",
            )
            for kind in asked
        ] + actions
        return (
            [f"Account data withheld: {verification.reason}."],
            actions,
            verification.reason,
        )
    findings, money = _billing(ticket, intents, context, ticket.tenant)
    return findings, money + actions, ""


def _current_plan(ticket: Ticket, verification: Verification) -> Tier:
    """The plan the customer is on: the directory's for a verified sender, else the ticket's."""
    if verification.verified and verification.customer and verification.customer.tier in TIERS:
        return verification.customer.tier
    return ticket.customer_tier


def _recommends_what_they_have(sentence: str, current: str, catalog: dict[str, Plan]) -> bool:
    """Advice to try, buy or need a plan the customer already has (or one below it)."""
    named = mentioned_plans(sentence, catalog)
    if not named or not _ADVICE.search(sentence):
        return False
    rank = _TIER_RANK.get(current, 0)
    return current in named or all(_TIER_RANK.get(p, 99) <= rank for p in named)


def _kb_answer(
    ticket: Ticket,
    context: Context,
    current: str,
    catalog: dict[str, Plan],
    triage: TriageResult,
) -> tuple[str, str] | None:
    """The best account/billing/plan article's supporting sentence, or None.

    Only articles the relevance gate (``tools.knowledge.gate``) says answer the ticket
    and fit what triage read happened.

    Sentences that recommend what the customer already has (a Growth trial to a
    Growth customer, an Enterprise agreement to an Enterprise customer) are passed over, and
    so are how refunds are paid when the customer declined one (``money_declined``) and a
    step changing the account for good that the ticket does not ask for (``asked_for``).
    """
    from supportgraph.tools.knowledge.kb_store import (
        load_index,  # numpy, MiniLM: not at import
    )

    index = load_index(context.kb_path)
    text = content_text(ticket)
    hits = index.search(text, k=len(index), min_score=context.kb_min_score)
    for hit in hits:
        article = index.get(hit.article_id)
        if article.product_area not in SUCCESS_AREAS or not answers(hit, context.kb_min_score):
            continue
        if not fits(article, triage.signals):
            continue

        def unfit(sentence: str, body: str = article.body) -> bool:
            # A passage window may open mid-sentence: quote whole sentences only.
            whole = re.search(rf"(?:^|[.!?:]\s+|\n\s*(?:\d+\.\s+)?){re.escape(sentence)}", body)
            if triage.money_declined and _REFUND_TOLD.search(sentence):
                return True  # "no refund needed": how refunds are paid answers nothing
            return (
                whole is None
                or _recommends_what_they_have(sentence, current, catalog)
                or not asked_for(sentence, text)
            )

        sentence = supporting_sentence(hit.passage, text, skip=unfit)
        if sentence:
            return sentence, hit.article_id
    return None


def _plans_to_compare(
    text: str, shopping: bool, current: Tier, catalog: dict[str, Plan]
) -> list[Tier]:
    """The customer's plan first, then the plans they ask about.

    A customer ``shopping`` for a plan who names none gets the next one up.
    """
    asked = [p for p in named_plans(text, catalog) if p != current and p in TIERS]
    if not asked and shopping:
        above = [t for t in TIERS if _TIER_RANK[t] == _TIER_RANK[current] + 1 and t in catalog]
        asked = above
    return [current, *asked] if asked else []


def advise_customer(state: SupportState, runtime: Runtime[Context]) -> dict[str, Any]:
    """Answer plan, billing, account and product questions from the catalog and ledger.

    Findings (ledger checks, the plan comparison) are internal, for the reviewer and
    the reports; what the customer reads is rendered from ``plans``, ``offers`` and the
    cited ``steps`` by the reply templates.
    """
    context = context_of(runtime)
    ticket = state["ticket"]
    triage = state["triage"]
    category = triage.category
    text = content_text(ticket)
    findings: list[str] = []
    offers: list[Offer] = []
    try:
        catalog = load_catalog(context.plans_path)
        verification = verify(ticket, load_directory(context.customers_path))
        current = _current_plan(ticket, verification)
        # A sales question gets the plan above compared; a request for other customers'
        # figures read as sales is not shopping for a plan (a person declines it).
        shopping = category == "sales" and "other_customer_data" not in triage.requests
        plans = _plans_to_compare(text, shopping, current, catalog)
        offerings = {o.name: o.plans for o in asked_offerings(text, context.plans_path)}
        if offerings:
            findings.append(
                "Asked about: "
                + "; ".join(f"{name} (in {', '.join(held)})" for name, held in offerings.items())
            )
        if shopping or len(named_plans(text, catalog)) >= 2:
            shown = plans or [current]
            findings.append(
                f"Plan comparison ({' vs '.join(shown)}) from the plan catalog:\n\n{compare(shown, catalog)}"
            )
        account_findings, actions, unverified = _money_and_account(
            ticket, triage, context, verification
        )
        findings += account_findings
    except ConfigurationError as exc:
        return {
            "success": SpecialistReport(
                specialist="success",
                summary="A customer-success tool failed.",
                handback="tool_failure",
                handback_note=str(exc),
            )
        }
    # An idea the words show, unless the ticket is something else first: a thank-you that
    # mentions the roadmap, or an incident whose e-mail also asks for a feature (however
    # the routine reading leans: "strangers open our dashboards; also, a dark mode?").
    # And only an idea for the product: "could you add our VAT ID to our invoices", "we'd
    # love to move to Growth: is there nonprofit pricing?" and "15 more seats" are wishes
    # to billing and sales, answered as such, not thanked as ideas for the roadmap.
    mentioned = _has("feature_request", text) and triage.routine in (None, "none")
    wished = triage.routine == "feature_idea" or mentioned
    idea = wished and category in ("product", "feedback")
    sure_product = category == "product" and triage.confidence >= context.low_confidence
    product_idea = sure_product and triage.routine in (None, "none", "feature_idea")
    if triage.priority != "Critical" and (idea or product_idea):
        findings.append(f"Feature request logged for {ticket.customer}: {ticket.subject}.")
        offers.append("feature_logged")
    if current == "Enterprise" and (
        category in ("product", "sales") or _has("strategy_session", text)
    ):
        offers.append("strategy_session")
    steps: tuple[str, ...] = ()
    citations: tuple[str, ...] = ()
    if grounded := _kb_answer(ticket, context, current, catalog, triage):
        sentence, article_id = grounded
        steps, citations = (f"{sentence} [{article_id}]",), (article_id,)
    entities = extract_entities(text)
    technical_symptom = "http_status" in entities or re.search(
        r"\b(not working|error|crash|timing out)\b", text, re.I
    )
    handback: HandbackReason | None = None
    if technical_symptom and state.get("technical") is None:
        handback = "out_of_scope"
    summary_bits = [f"{len(findings)} finding(s)", f"{len(actions)} action(s) awaiting approval"]
    return {
        "success": SpecialistReport(
            specialist="success",
            summary=", ".join(summary_bits),
            steps=steps,
            citations=citations,
            entities=entities,
            actions=tuple(actions),
            findings=tuple(findings),
            handback=handback,
            handback_note="the ticket also describes a technical fault" if handback else "",
            unverified=unverified,
            current_plan=current,
            plans=tuple(plans),
            offerings=offerings,
            offers=tuple(offers),
        )
    }
