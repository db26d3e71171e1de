"""The escalation policy, one rule at a time, and the supervisor's routing order."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from supportgraph.graph.models import (
    KBHit,
    KnowledgeReport,
    ProposedAction,
    Reply,
    ReviewDecision,
    SpecialistReport,
    TriageResult,
)
from supportgraph.graph.routing import (
    angry_enterprise_customer,
    critical_priority,
    customer_asks_for_human,
    decide_escalation,
    knowledge_missing,
    low_triage_confidence,
    money_or_account_action,
    route_ticket,
    sla_breached,
    specialist_tool_failure,
    specialists_for,
)
from supportgraph.graph.state import SupportState
from supportgraph.tools.sla import load_policy, sla_status

from .conftest import NOW, make_ticket

THRESHOLD = 0.4


def triage(**fields: Any) -> TriageResult:
    base: dict[str, Any] = {
        "category": "technical",
        "confidence": 0.9,
        "priority": "Medium",
        "sentiment": "neutral",
        "sentiment_score": 0.0,
        "language": "en",
    }
    return TriageResult.model_validate(base | fields)


def state(tier: str = "Growth", message: str = "Hello", **parts: Any) -> SupportState:
    result: dict[str, Any] = {
        "ticket": make_ticket(customer_tier=tier, message=message),
        "triage": triage(),
    }
    result.update(parts)
    return result  # type: ignore[return-value]


def test_critical_priority_escalates_to_engineering_for_review() -> None:
    trigger = critical_priority(state(triage=triage(priority="Critical")), THRESHOLD)
    assert trigger is not None
    assert (trigger.team, trigger.needs_human, trigger.reason) == (
        "Engineering",
        True,
        "policy_restriction",
    )
    assert critical_priority(state(triage=triage(priority="High")), THRESHOLD) is None


def test_refund_needs_billing_approval() -> None:
    refund = ProposedAction(kind="refund", detail="refund ch_2", amount=49.0)
    report = SpecialistReport(specialist="success", summary="", actions=(refund,))
    trigger = money_or_account_action(state(success=report), THRESHOLD)
    assert trigger is not None
    assert (trigger.team, trigger.needs_human) == ("Billing", True)


def test_account_deletion_goes_to_legal() -> None:
    deletion = ProposedAction(kind="account_deletion", detail="delete account")
    report = SpecialistReport(specialist="success", summary="", actions=(deletion,))
    trigger = money_or_account_action(state(success=report), THRESHOLD)
    assert trigger is not None and trigger.team == "Legal"


def test_low_confidence_sends_ticket_to_a_human() -> None:
    trigger = low_triage_confidence(
        state(triage=triage(confidence=0.2, category="billing")), THRESHOLD
    )
    assert trigger is not None
    assert (trigger.reason, trigger.team, trigger.needs_human) == (
        "low_confidence",
        "Billing",
        True,
    )
    assert low_triage_confidence(state(triage=triage(confidence=0.41)), THRESHOLD) is None


def test_unhappy_enterprise_customer_escalates_to_executive() -> None:
    unhappy = triage(sentiment="negative", sentiment_score=-0.7)
    trigger = angry_enterprise_customer(state(tier="Enterprise", triage=unhappy), THRESHOLD)
    assert trigger is not None and trigger.team == "Executive"
    assert angry_enterprise_customer(state(tier="Starter", triage=unhappy), THRESHOLD) is None


def test_unhappy_enterprise_customer_also_gets_customer_success() -> None:
    unhappy = triage(sentiment="negative", sentiment_score=-0.7)
    assert specialists_for(state(tier="Enterprise", triage=unhappy)) == ("technical", "success")
    assert specialists_for(state(tier="Growth", triage=unhappy)) == ("technical",)


def test_breached_sla_escalates_without_holding_the_reply() -> None:
    old = make_ticket(submitted_at=NOW - timedelta(hours=2))
    sla = sla_status(old, "High", NOW, load_policy(None))
    trigger = sla_breached(state(sla=sla), THRESHOLD)
    assert trigger is not None
    assert (trigger.reason, trigger.needs_human) == ("sla_breach", False)
    fresh = sla_status(
        make_ticket(submitted_at=NOW - timedelta(minutes=30)), "High", NOW, load_policy(None)
    )
    assert sla_breached(state(sla=fresh), THRESHOLD) is None


def test_customer_asking_for_a_person_is_handed_over() -> None:
    trigger = customer_asks_for_human(state(message="Please let me speak to a manager."), THRESHOLD)
    assert trigger is not None and trigger.reason == "customer_request"


def test_missing_knowledge_escalates() -> None:
    gap = KnowledgeReport(query="quantum teleport", hits=(), gap=True)
    trigger = knowledge_missing(state(knowledge=gap), THRESHOLD)
    assert trigger is not None and trigger.reason == "missing_knowledge"


def test_tool_failure_escalates() -> None:
    broken = SpecialistReport(
        specialist="success", summary="", handback="tool_failure", handback_note="ledger unreadable"
    )
    trigger = specialist_tool_failure(state(success=broken), THRESHOLD)
    assert trigger is not None and trigger.detail == "ledger unreadable"


def test_first_blocking_rule_picks_the_team() -> None:
    old = make_ticket(customer_tier="Enterprise", submitted_at=NOW - timedelta(hours=3))
    s = state(triage=triage(priority="Critical", sentiment="negative", sentiment_score=-0.6))
    s["ticket"] = old
    s["sla"] = sla_status(old, "Critical", NOW, load_policy(None))
    escalation = decide_escalation(s, THRESHOLD)
    assert escalation is not None
    assert escalation.team == "Engineering"
    assert [t.rule for t in escalation.triggers] == [
        "critical_priority",
        "angry_enterprise_customer",
        "sla_breached",
    ]


def test_no_rule_no_escalation() -> None:
    assert decide_escalation(state(), THRESHOLD) is None


def test_route_order_triage_specialist_knowledge_reply() -> None:
    s: dict[str, Any] = {"ticket": make_ticket()}
    assert route_ticket(s).steps == ("triage",)  # type: ignore[arg-type]
    s["triage"] = triage(category="billing")
    assert route_ticket(s).steps == ("success",)  # type: ignore[arg-type]
    s["success"] = SpecialistReport(specialist="success", summary="")
    assert route_ticket(s).steps == ("knowledge",)  # type: ignore[arg-type]
    s["knowledge"] = KnowledgeReport(
        query="q", hits=(KBHit(article_id="KB-1", title="t", score=3, passage="p"),)
    )
    assert route_ticket(s).steps == ("respond",)  # type: ignore[arg-type]
    s["reply"] = Reply(text="hi")
    assert route_ticket(s).steps == ("human_review",)  # type: ignore[arg-type]
    s["review"] = ReviewDecision(action="approve", decided_at=NOW)
    assert route_ticket(s).steps == ("respond",)  # type: ignore[arg-type]
    s["reply"] = Reply(text="hi", status="sent", sent_at=NOW)
    assert route_ticket(s).steps == ("__end__",)  # type: ignore[arg-type]


def test_enterprise_outage_goes_to_both_specialists_in_parallel() -> None:
    s = state(tier="Enterprise", triage=triage(priority="Critical"))
    assert route_ticket(s).steps == ("technical", "success")


def test_handback_reroutes_to_the_other_specialist() -> None:
    back = SpecialistReport(
        specialist="technical", summary="", handback="out_of_scope", handback_note="billing matter"
    )
    route = route_ticket(state(technical=back))
    assert route.steps == ("success",)
    assert "billing matter" in route.reason
