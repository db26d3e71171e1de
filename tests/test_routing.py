"""The escalation policy, one rule at a time, and the supervisor's routing order."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from supportgraph.graph.models import (
    KBHit,
    KnowledgeReport,
    ProposedAction,
    Reply,
    ReviewDecision,
    Signals,
    SpecialistReport,
    TriageResult,
)
from supportgraph.graph.routing import (
    Policy,
    angry_enterprise_customer,
    closes_silently,
    closes_without_answer,
    critical_priority,
    customer_asks_for_human,
    decide_escalation,
    knowledge_missing,
    low_triage_confidence,
    money_or_account_action,
    person_first_request,
    person_needed,
    possible_exposure,
    route_ticket,
    sla_breached,
    specialist_tool_failure,
    specialists_for,
    very_angry_enterprise,
)
from supportgraph.graph.state import SupportState
from supportgraph.tools.desk.sla import load_policy, sla_status
from supportgraph.tools.desk.teams import load_teams

from .conftest import NOW, make_ticket

THRESHOLD = Policy(0.4, load_teams())


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


def test_low_confidence_hands_the_ticket_to_a_person_without_holding_the_acknowledgement() -> None:
    trigger = low_triage_confidence(
        state(triage=triage(confidence=0.2, category="billing")), THRESHOLD
    )
    assert trigger is not None
    assert (trigger.reason, trigger.team, trigger.needs_human, trigger.kind) == (
        "low_confidence",
        "Billing",
        False,
        "handoff",
    )
    assert low_triage_confidence(state(triage=triage(confidence=0.41)), THRESHOLD) is None


@pytest.mark.parametrize(
    ("category", "team"),
    [("technical", "Engineering"), ("billing", "Billing"), ("account", "Success")],
)
def test_a_handoff_goes_to_the_team_that_handles_its_category(category: str, team: str) -> None:
    """Users, roles and ownership are Success's ("accounts and onboarding" in the shipped
    teams): a shop owner asking how to give a new employee a login is not told that the
    billing team will answer."""
    trigger = low_triage_confidence(
        state(triage=triage(confidence=0.2, category=category)), THRESHOLD
    )
    assert trigger is not None and trigger.team == team


def test_unhappy_enterprise_customer_escalates_to_executive() -> None:
    unhappy = triage(sentiment="negative", sentiment_score=-0.7)
    trigger = angry_enterprise_customer(state(tier="Enterprise", triage=unhappy), THRESHOLD)
    assert trigger is not None and trigger.team == "Success"
    assert angry_enterprise_customer(state(tier="Starter", triage=unhappy), THRESHOLD) is None


def test_fury_told_calmly_by_an_enterprise_customer_escalates_as_angry() -> None:
    # "Fourth time in three weeks … our renewal is in six weeks and I'm not recommending
    # it": the words score mildly, the learned judgement reads an angry high-value customer.
    calm_words = {"sentiment": "negative", "sentiment_score": -0.3}
    furious = triage(**calm_words, signals=signals(reason="angry_high_value", reason_p=0.64))
    trigger = angry_enterprise_customer(state(tier="Enterprise", triage=furious), THRESHOLD)
    assert trigger is not None and trigger.team == "Success"
    assert "read as very angry (p=0.64)" in trigger.detail
    assert angry_enterprise_customer(state(tier="Growth", triage=furious), THRESHOLD) is None
    unsure = triage(**calm_words, signals=signals(reason="angry_high_value", reason_p=0.2))
    assert angry_enterprise_customer(state(tier="Enterprise", triage=unsure), THRESHOLD) is None
    over = triage(**calm_words, signals=furious.signals, settled="all good now")
    assert angry_enterprise_customer(state(tier="Enterprise", triage=over), THRESHOLD) is None


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


def test_missing_knowledge_is_a_handoff_not_an_escalation() -> None:
    gap = KnowledgeReport(query="quantum teleport", hits=(), gap=True)
    trigger = knowledge_missing(state(knowledge=gap), THRESHOLD)
    assert trigger is not None and trigger.reason == "missing_knowledge"
    escalation = decide_escalation(state(knowledge=gap), THRESHOLD)
    assert escalation is not None
    assert (escalation.severity, escalation.needs_human, escalation.handoff) == (False, False, True)


def test_a_logged_feature_idea_is_acknowledged_not_handed_over_for_a_missing_article() -> None:
    """The rubric answers a feature idea without a person: acknowledge and log it.

    Only a product ticket that asks for nothing else: a billing wish worded as an idea,
    or an idea with a request in it, still goes to a person when no article answers.
    """
    gap = KnowledgeReport(query="dark mode in the iOS app", hits=(), gap=True)
    logged = SpecialistReport(specialist="success", summary="", offers=("feature_logged",))
    idea = triage(category="product", priority="Low", routine="feature_idea")
    assert knowledge_missing(state(triage=idea, knowledge=gap, success=logged), THRESHOLD) is None
    assert decide_escalation(state(triage=idea, knowledge=gap, success=logged), THRESHOLD) is None

    billing_wish = triage(category="billing", priority="Medium", routine="feature_idea")
    with_request = triage(
        category="product", priority="Low", routine="feature_idea", requests=("deletion",)
    )
    not_logged = SpecialistReport(specialist="success", summary="")
    for handed_over in (
        state(triage=billing_wish, knowledge=gap, success=logged),
        state(triage=with_request, knowledge=gap, success=logged),
        state(triage=idea, knowledge=gap, success=not_logged),
    ):
        assert knowledge_missing(handed_over, THRESHOLD) is not None


def test_the_gap_names_the_question_on_one_line_in_whole_words() -> None:
    query = (
        "Löschung importierter Daten (CSV-Uploads März–Mai)\nSehr geehrte Damen und Herren,"
        " wir möchten bitte alle importierten Daten entfernen lassen"
    )
    gap = KnowledgeReport(query=query, hits=(), gap=True)
    trigger = knowledge_missing(state(knowledge=gap), THRESHOLD)
    assert trigger is not None
    assert trigger.detail == (
        "no KB article matched 'Löschung importierter Daten (CSV-Uploads März–Mai) Sehr geehrte"
        " Damen und …'"
    )


def test_tool_failure_hands_the_ticket_over() -> None:
    broken = SpecialistReport(
        specialist="success", summary="", handback="tool_failure", handback_note="ledger unreadable"
    )
    trigger = specialist_tool_failure(state(success=broken), THRESHOLD)
    assert trigger is not None and trigger.detail == "ledger unreadable"
    assert trigger.kind == "handoff"


def signals(**fields: Any) -> Signals:
    base: dict[str, Any] = {
        "impact": "extensive",
        "impact_p": 0.9,
        "who": "company",
        "who_p": 0.9,
        "effect": "unavailable",
        "effect_p": 0.9,
        "urgency": "none",
        "urgency_p": 0.9,
        "critical": 0.9,
        "person": 0.9,
    }
    return Signals.model_validate(base | fields)


def test_a_critical_exposure_goes_to_security() -> None:
    leak = triage(priority="Critical", signals=signals(effect="exposure"))
    trigger = critical_priority(state(triage=leak), THRESHOLD)
    assert trigger is not None and (trigger.team, trigger.kind) == ("Security", "severity")


def test_a_person_checks_what_the_judgement_says_a_person_must_handle() -> None:
    worried = triage(priority="Medium", signals=signals(effect="money", person=0.7))
    trigger = person_needed(state(triage=worried), THRESHOLD)
    assert trigger is not None and (trigger.needs_human, trigger.kind) == (True, "review")
    calm = triage(priority="Medium", signals=signals(effect="none", person=0.2))
    assert person_needed(state(triage=calm), THRESHOLD) is None


@pytest.mark.parametrize(
    ("rule", "reading", "unsure", "sure"),
    [
        # "what's your refund policy before we commit?" reads 0.6 "a person must act"
        (person_needed, "person", 0.7, 0.95),
        # "how quickly does revoking a share link take effect?" reads 0.3 exposed
        (possible_exposure, "exposure", 0.3, 0.5),
    ],
)
def test_a_how_to_or_a_thank_you_goes_to_a_person_only_on_a_surer_reading(
    rule: Any, reading: str, unsure: float, sure: float
) -> None:
    # The rubric answers how-to questions, thanks, praise and feature ideas without a person.
    for routine in ("howto", "thanks", "praise", "feature_idea"):
        read = triage(priority="Medium", routine=routine, signals=signals(**{reading: unsure}))
        assert rule(state(triage=read), THRESHOLD) is None, routine
        surer = triage(priority="Medium", routine=routine, signals=signals(**{reading: sure}))
        assert rule(state(triage=surer), THRESHOLD) is not None, routine
        asked = triage(priority="Medium", signals=signals(**{reading: unsure}))
        assert rule(state(triage=asked), THRESHOLD) is not None  # not read as routine


def test_a_thank_you_read_unsure_closes_without_an_answer() -> None:
    assert closes_without_answer(
        state(triage=triage(priority="Low", routine="thanks", signals=signals(person=0.7)))
    )


def test_a_matter_for_security_or_legal_goes_to_a_person_though_the_person_head_reads_less() -> (
    None
):
    # "Could you share FuelStack's conversion rate? They use you too": the reason head reads
    # another customer's data (0.86) while "a person must act" reads only 0.46.
    competitor = triage(
        priority="Low",
        signals=signals(person=0.46, reason="other_customer_data", reason_p=0.86, guarded=0.86),
    )
    trigger = person_needed(state(triage=competitor), THRESHOLD)
    assert trigger is not None
    assert (trigger.team, trigger.needs_human, trigger.kind) == ("Security", True, "severity")
    assert "a matter for Security or Legal p=0.86" in trigger.detail
    # A how-to counts too: the reading is of the reason itself, not of "a person must act".
    howto = triage(priority="Low", routine="howto", signals=signals(person=0.4, guarded=0.7))
    assert person_needed(state(triage=howto), THRESHOLD) is not None
    # Less sure, or a reason that is not Security's or Legal's (a refund): nothing here.
    unsure = triage(priority="Low", signals=signals(person=0.3, guarded=0.6))
    assert person_needed(state(triage=unsure), THRESHOLD) is None


def test_a_plausible_exposure_goes_to_security_even_below_critical() -> None:
    unsure = triage(priority="Medium", signals=signals(exposure=0.3, person=0.2))
    trigger = possible_exposure(state(triage=unsure), THRESHOLD)
    assert trigger is not None
    assert (trigger.team, trigger.needs_human, trigger.kind) == ("Security", True, "severity")
    assert "possible security or privacy incident" in trigger.detail
    calm = triage(priority="Medium", signals=signals(exposure=0.05, person=0.2))
    assert possible_exposure(state(triage=calm), THRESHOLD) is None


def test_money_the_customer_declines_sends_no_learned_money_reason_to_a_person() -> None:
    read = signals(person=0.9, reason="refund_or_credit")
    declined = triage(priority="Medium", signals=read, money_declined="no refund needed")
    assert person_needed(state(triage=declined), THRESHOLD) is None
    assert person_needed(state(triage=triage(priority="Medium", signals=read)), THRESHOLD)
    # a reason that is not money still counts: "no refund needed, but our data was exposed"
    privacy = signals(person=0.9, reason="privacy_incident")
    worried = triage(priority="Medium", signals=privacy, money_declined="no refund needed")
    assert person_needed(state(triage=worried), THRESHOLD) is not None


def test_the_learned_reason_picks_the_team_and_the_kind() -> None:
    refund = triage(priority="Medium", signals=signals(person=0.8, reason="refund_or_credit"))
    trigger = person_needed(state(triage=refund), THRESHOLD)
    assert trigger is not None and (trigger.team, trigger.kind) == ("Billing", "severity")
    gdpr = triage(priority="Low", signals=signals(person=0.8, reason="gdpr_request"))
    trigger = person_needed(state(triage=gdpr), THRESHOLD)
    assert trigger is not None and (trigger.team, trigger.kind) == ("Legal", "severity")
    secrets = triage(priority="Low", signals=signals(person=0.8, reason="secrets_request"))
    trigger = person_needed(state(triage=secrets), THRESHOLD)
    assert trigger is not None and (trigger.team, trigger.kind) == ("Security", "review")


def test_legal_and_security_take_requests_over_and_security_checks_secrets() -> None:
    gdpr = triage(priority="Medium", requests=("gdpr",), request_evidence=("art. 15 gdpr",))
    trigger = person_first_request(state(triage=gdpr), THRESHOLD)
    assert trigger is not None and (trigger.team, trigger.kind) == ("Legal", "severity")
    secrets = triage(priority="Medium", requests=("secrets_request",), request_evidence=("key",))
    trigger = person_first_request(state(triage=secrets), THRESHOLD)
    assert trigger is not None and (trigger.team, trigger.kind) == ("Security", "review")
    assert trigger.needs_human
    others = triage(
        priority="Medium", requests=("other_customer_data",), request_evidence=("their data",)
    )
    trigger = person_first_request(state(triage=others), THRESHOLD)
    assert trigger is not None and (trigger.team, trigger.kind) == ("Security", "severity")


def test_activity_nobody_owns_up_to_goes_to_security_before_any_other_team() -> None:
    disowned = triage(priority="Critical", disowned="none of us are in singapore")
    escalation = decide_escalation(state(triage=disowned), THRESHOLD)
    assert escalation is not None and escalation.needs_human
    assert escalation.team == "Security" and escalation.severity
    assert [t.rule for t in escalation.triggers][:2] == ["disowned_activity", "critical_priority"]


def test_another_customers_data_shown_goes_to_security_before_any_other_team() -> None:
    shown = triage(priority="Critical", foreign_data="the pdf you sent isn't ours")
    escalation = decide_escalation(state(triage=shown), THRESHOLD)
    assert escalation is not None and escalation.needs_human
    assert escalation.team == "Security" and escalation.severity
    assert [t.rule for t in escalation.triggers][:2] == ["foreign_data_shown", "critical_priority"]


def test_a_problem_the_customer_calls_over_sends_no_learned_alarm_to_a_person() -> None:
    scare = signals(person=0.95, reason="privacy_incident")
    settled = triage(priority="Low", signals=scare, settled="false alarm, it was our admin")
    assert person_needed(state(triage=settled), THRESHOLD) is None
    assert person_needed(state(triage=triage(priority="Low", signals=scare)), THRESHOLD)
    # nor is the customer who was angry before it was over a very angry one
    furious = triage(priority="Low", signals=scare, sentiment_score=-0.9)
    assert very_angry_enterprise("Enterprise", furious)
    calmed = furious.model_copy(update={"settled": "sorry for the panic"})
    assert very_angry_enterprise("Enterprise", calmed) == ""


def test_thanks_and_spam_close_without_specialists_or_knowledge() -> None:
    thanks = state(triage=triage(priority="Low", routine="thanks", signals=signals(person=0.1)))
    assert specialists_for(thanks) == ()
    assert closes_without_answer(thanks) and not closes_silently(thanks)
    assert route_ticket(thanks).steps == ("respond",)
    spam = state(triage=triage(priority="Low", routine="spam", signals=signals(person=0.1)))
    assert closes_silently(spam)


def test_machine_mail_closes_whatever_the_learned_person_reading_says() -> None:
    # A loan offer's "confirm your bank details" reads as money a person must handle;
    # spam has no customer behind it. A thank-you with the same reading stays open.
    loan_spam = triage(priority="Low", routine="spam", signals=signals(person=0.9))
    assert closes_silently(state(triage=loan_spam))
    worried_thanks = triage(priority="Low", routine="thanks", signals=signals(person=0.95))
    assert not closes_without_answer(state(triage=worried_thanks))
    # A request found in spam still keeps it open.
    asking = triage(
        priority="Low", routine="spam", requests=("refund",), signals=signals(person=0.9)
    )
    assert not closes_without_answer(state(triage=asking))


def test_a_thank_you_that_mentions_a_request_is_not_routine() -> None:
    mixed = triage(priority="Low", routine="thanks", requests=("other_customer_data",))
    assert not closes_without_answer(state(triage=mixed))


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
    # the KB search reads only the ticket: it runs beside the specialist
    assert route_ticket(s).steps == ("success", "knowledge")  # type: ignore[arg-type]
    s["success"] = SpecialistReport(specialist="success", summary="")
    assert route_ticket(s).steps == ("knowledge",)  # type: ignore[arg-type]  # had it not run
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
    assert route_ticket(s).steps == ("technical", "success", "knowledge")


def test_handback_reroutes_to_the_other_specialist() -> None:
    back = SpecialistReport(
        specialist="technical", summary="", handback="out_of_scope", handback_note="billing matter"
    )
    route = route_ticket(state(technical=back))
    assert route.steps == ("success",)
    assert "billing matter" in route.reason
