"""Customer success node: plans, billing, accounts and feature requests."""

from __future__ import annotations

import re
from typing import Any

from langgraph.runtime import Runtime

from supportgraph.graph.context import Context, context_of
from supportgraph.graph.errors import ConfigurationError
from supportgraph.graph.models import HandbackReason, ProposedAction, SpecialistReport, Ticket
from supportgraph.graph.state import SupportState
from supportgraph.tools.catalog import compare, load_catalog, mentioned_plans
from supportgraph.tools.entities import extract_entities
from supportgraph.tools.kb_store import load_index
from supportgraph.tools.ledger import charges_for, duplicate_charges, load_ledger
from supportgraph.tools.passages import supporting_sentence

SUCCESS_AREAS = {"billing", "plans", "account", "product"}

_CUES = {
    "duplicate_charge": r"\b(charged|billed) (twice|two times|double)|\bdouble[- ]charged?\b|\bduplicate (charge|payment)",
    "refund": r"\brefund",
    "cancellation": r"\bcancel(l?ing|l?ed|lation)? (my|our|the) (subscription|plan|account|contract)\b",
    "account_deletion": r"\b(delete|close|remove) (my|our|the) account\b|\baccount deletion\b",
    "plan_change": r"\b(upgrade|downgrade|switch|move|change) (to|our plan|my plan|plans?)\b",
    "feature_request": r"\bfeature (request|requirement)s?\b|\b(can|could) you (add|build|support)\b|\bwould love\b|\broadmap\b",
    "strategy_session": r"\b(strategy|planning) (session|call|meeting)\b|\bschedule (a|an) (call|meeting|session)\b",
}


def _has(cue: str, text: str) -> bool:
    return re.search(_CUES[cue], text, re.IGNORECASE) is not None


def _billing(ticket: Ticket, context: Context) -> tuple[list[str], list[ProposedAction]]:
    charges = charges_for(ticket.customer, load_ledger(context.ledger_path))
    if not charges:
        return [f"No charges for {ticket.customer} in the billing ledger."], []
    groups = duplicate_charges(charges)
    findings, actions = [], []
    for group in groups:
        first, *extra = group
        ids = ", ".join(c.charge_id for c in group)
        findings.append(
            f"Duplicate charge found in the ledger: {len(group)} charges of "
            f"{first.amount:.2f} {first.currency} for the {first.plan} plan in "
            f"{first.charged_at:%B %Y} ({ids})."
        )
        for charge in extra:
            actions.append(
                ProposedAction(
                    kind="refund",
                    detail=f"refund duplicate charge {charge.charge_id} of {charge.amount:.2f} {charge.currency}",
                    amount=charge.amount,
                    reference=charge.charge_id,
                )
            )
    if not groups:
        latest = charges[-1]
        findings.append(
            f"No duplicate charge in the ledger; latest charge {latest.charge_id} of "
            f"{latest.amount:.2f} {latest.currency} on {latest.charged_at:%Y-%m-%d}."
        )
    return findings, actions


def _requested_actions(text: str, already: list[ProposedAction]) -> list[ProposedAction]:
    actions = []
    if _has("refund", text) and not already:
        actions.append(
            ProposedAction(
                kind="refund",
                detail="customer asks for a refund; no matching duplicate in the ledger",
            )
        )
    for cue in ("cancellation", "account_deletion", "plan_change"):
        if _has(cue, text):
            actions.append(
                ProposedAction(kind=cue, detail=f"customer asks for {cue.replace('_', ' ')}")
            )
    return actions


def _kb_answer(ticket: Ticket, context: Context) -> tuple[str, str] | None:
    """The best account/billing/plan article's supporting sentence, or None below threshold."""
    index = load_index(context.kb_path)
    hits = index.search(ticket.text, k=len(index), min_score=context.kb_min_score)
    hit = next((h for h in hits if index.get(h.article_id).product_area in SUCCESS_AREAS), None)
    if hit is None:
        return None
    return supporting_sentence(hit.passage, ticket.text), hit.article_id


def advise_customer(state: SupportState, runtime: Runtime[Context]) -> dict[str, Any]:
    """Answer plan, billing, account and product questions from the catalog and ledger."""
    context = context_of(runtime)
    ticket = state["ticket"]
    category = state["triage"].category
    text = ticket.text
    findings: list[str] = []
    steps: list[str] = []
    actions: list[ProposedAction] = []
    try:
        catalog = load_catalog(context.plans_path)
        plans = mentioned_plans(text, catalog)
        if category == "sales" or len(plans) >= 2:
            shown = plans if len(plans) >= 2 else [ticket.customer_tier, "Enterprise"]
            shown = list(dict.fromkeys(p for p in shown if p in catalog))
            findings.append(
                f"Plan comparison ({' vs '.join(shown)}) from the plan catalog:\n\n{compare(shown, catalog)}"
            )
        if category == "billing" or _has("duplicate_charge", text) or _has("refund", text):
            billing_findings, actions = _billing(ticket, context)
            findings += billing_findings
    except ConfigurationError as exc:
        return {
            "success": SpecialistReport(
                specialist="success",
                summary="A customer-success tool failed.",
                handback="tool_failure",
                handback_note=str(exc),
            )
        }
    actions += _requested_actions(text, actions)
    if category == "product" or _has("feature_request", text):
        findings.append(f"Feature request logged for {ticket.customer}: {ticket.subject}.")
        steps.append(
            "Your request is logged with our product team, who review requests every quarter."
        )
    if ticket.customer_tier == "Enterprise" and (
        category in ("product", "sales") or _has("strategy_session", text)
    ):
        steps.append(
            "Your customer success manager will contact you to schedule a strategy session with our product team."
        )
    if ticket.customer_tier == "Enterprise" and state["triage"].priority == "Critical":
        steps.append(
            "Your customer success manager has been notified and will keep you updated until this is resolved."
        )
    citations: tuple[str, ...] = ()
    if grounded := _kb_answer(ticket, context):
        sentence, article_id = grounded
        steps.insert(0, f"{sentence} [{article_id}]")
        citations = (article_id,)
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
            steps=tuple(steps),
            citations=citations,
            entities=entities,
            actions=tuple(actions),
            findings=tuple(findings),
            handback=handback,
            handback_note="the ticket also describes a technical fault" if handback else "",
        )
    }
