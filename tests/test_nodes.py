"""Each node alone: what it reads from the state and the partial update it returns."""

from __future__ import annotations

import shutil
import threading
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from supportgraph.graph.context import Context
from supportgraph.graph.errors import ReviewError
from supportgraph.graph.models import Ticket
from supportgraph.nodes.knowledge import ground_answer
from supportgraph.nodes.respond import respond
from supportgraph.nodes.review import parse_answer, review_request
from supportgraph.nodes.success import advise_customer
from supportgraph.nodes.supervisor import coordinate
from supportgraph.nodes.technical import troubleshoot
from supportgraph.nodes.triage import triage_ticket
from supportgraph.tools.knowledge import kb_store
from supportgraph.tools.knowledge.kb import shipped_kb_folder
from supportgraph.tools.signals.ticket_text import content_text

from .conftest import NOW, make_ticket


def runtime(context: Context) -> Any:
    return SimpleNamespace(context=context)


def triaged(ticket: Ticket, context: Context) -> dict[str, Any]:
    state: dict[str, Any] = {"ticket": ticket}
    state |= triage_ticket(state, runtime(context))  # type: ignore[arg-type]
    return state


def test_triage_returns_only_the_triage_result(
    samples: dict[str, Ticket], context: Context
) -> None:
    update = triage_ticket({"ticket": samples["SUPPORT-003"]}, runtime(context))
    assert set(update) == {"triage"}
    result = update["triage"]
    assert (result.category, result.priority, result.language) == ("technical", "High", "en")
    assert result.priority_reasons and "broken" in result.priority_reasons[0]


def test_triage_never_reads_the_declared_labels(
    samples: dict[str, Ticket], context: Context
) -> None:
    ticket = samples["SUPPORT-005"]
    relabelled = ticket.model_copy(
        update={"declared_priority": "Critical", "declared_category": "billing"}
    )
    assert triage_ticket({"ticket": relabelled}, runtime(context)) == triage_ticket(
        {"ticket": ticket}, runtime(context)
    )


@pytest.mark.parametrize(
    ("subject", "message", "priority"),
    [
        (
            "Security breach",
            "We think our account was hacked, unknown logins from abroad.",
            "Critical",
        ),
        ("Data gone", "All our dashboards are empty, we lost all our data overnight.", "Critical"),
        (
            "Typo on the settings page",
            "Small cosmetic issue: a typo in the settings page label.",
            "Medium",
        ),
        ("Where are the docs?", "Where can I find the documentation for the webhooks API?", "Low"),
    ],
    ids=["security", "data-loss", "minor-bug", "documentation"],
)
def test_priority_follows_the_triage_criteria(
    subject: str, message: str, priority: str, context: Context
) -> None:
    state = triaged(make_ticket(subject=subject, message=message), context)
    assert state["triage"].priority == priority


def test_technical_extracts_entities_and_cites_the_playbook(
    samples: dict[str, Ticket], context: Context
) -> None:
    state = triaged(samples["SUPPORT-001"], context)
    report = troubleshoot(state, runtime(context))["technical"]  # type: ignore[arg-type]
    assert report.entities["http_status"] == ["500"]
    assert report.entities["error_rate"] == ["15%"]
    assert report.citations[0] == "KB-001"
    assert all(step.endswith("[KB-001]") for step in report.steps)
    assert "Server-side errors" in report.findings[0]


@pytest.mark.parametrize(
    ("line", "codes"),
    [
        ("every zap fails with 401 Unauthorized", ["401"]),
        ("502 Bad Gateway on one call in twenty", ["502"]),
        ("HTTP 503 since 09:00", ["503"]),
        ("we moved 500 rows", []),
    ],
)
def test_an_http_status_is_read_with_its_reason_phrase(line: str, codes: list[str]) -> None:
    from supportgraph.tools.signals.entities import extract_entities

    assert extract_entities(line).get("http_status", []) == codes


def test_technical_hands_a_billing_question_back(context: Context) -> None:
    ticket = make_ticket(
        subject="Invoice copy",
        message="Please send me a copy of last month's invoice for our billing records.",
    )
    state = triaged(ticket, context)
    report = troubleshoot(state, runtime(context))["technical"]  # type: ignore[arg-type]
    assert report.handback == "out_of_scope"


def test_success_finds_the_duplicate_in_the_ledger(
    samples: dict[str, Ticket], context: Context
) -> None:
    state = triaged(samples["SUPPORT-004"], context)
    report = advise_customer(state, runtime(context))["success"]  # type: ignore[arg-type]
    assert len(report.actions) == 1
    refund = report.actions[0]
    assert (refund.kind, refund.amount) == ("refund", 49.0)
    assert refund.reference and refund.reference in report.findings[0]


def test_success_finds_no_duplicate_for_a_failed_retry(context: Context) -> None:
    ticket = make_ticket(
        customer="Northwind Labs",
        contact_email="ap@northwind-labs.example",
        subject="Charged twice?",
        message="I think I was charged twice in October.",
    )
    state = triaged(ticket, context)
    report = advise_customer(state, runtime(context))["success"]  # type: ignore[arg-type]
    assert any("No duplicate charge in the ledger" in f for f in report.findings)
    assert [a.kind for a in report.actions] == []


def test_a_thank_you_for_an_arrived_refund_asks_for_no_money(context: Context) -> None:
    """An unverified sender naming a double charge asks for a refund, unless it already came."""
    thanks = make_ticket(
        customer="Somebody Else Ltd",
        contact_email="nora@somebody-else.example",
        subject="Refund received – thanks",
        message="The refund for the double charge in October arrived this morning. Thank you!",
    )
    report = advise_customer(triaged(thanks, context), runtime(context))["success"]  # type: ignore[arg-type]
    assert [a.kind for a in report.actions] == []
    chased = thanks.model_copy(
        update={
            "subject": "Charged twice",
            "message": "We were charged twice in October and nothing came back yet.",
        }
    )
    report = advise_customer(triaged(chased, context), runtime(context))["success"]  # type: ignore[arg-type]
    assert [a.kind for a in report.actions] == ["refund"]


def test_a_request_for_other_customers_figures_gets_no_plan_comparison(context: Context) -> None:
    """Read as sales, a benchmark request is still not shopping for a plan: the reviewer
    who declines it is not shown Growth against Professional. A sales question is."""
    benchmark = make_ticket(
        subject="Churn benchmark for the board",
        message="Could you tell us the average monthly churn of the other SaaS companies that"
        " use Acme? Anonymised is fine, it is for our board pack.",
    )
    state = triaged(benchmark, context)
    assert "other_customer_data" in state["triage"].requests
    assert state["triage"].category == "sales"
    report = advise_customer(state, runtime(context))["success"]  # type: ignore[arg-type]
    assert not any(f.startswith("Plan comparison") for f in report.findings)
    assert report.plans == ()
    shopping = benchmark.model_copy(
        update={
            "subject": "Growth or Professional?",
            "message": "We are a team of 12 on Starter. Which plan should we move to for the"
            " Snowflake sync, and what would it cost?",
        }
    )
    state = triaged(shopping, context)
    report = advise_customer(state, runtime(context))["success"]  # type: ignore[arg-type]
    assert state["triage"].category == "sales"
    assert any(f.startswith("Plan comparison") for f in report.findings)


@pytest.mark.parametrize(
    ("subject", "message", "logged"),
    [
        (
            "Idea: calendar view",
            "Could you add a calendar view for due dates? We would love that.",
            True,
        ),
        (
            "Thanks for the QBR",
            "Thank you all for the quarterly review yesterday, the roadmap preview was great!",
            False,
        ),
        (
            "Strangers in our workspace",
            "Since this morning people from another company can open our dashboards and "
            "exports without logging in. Also, we would love a dark mode at some point.",
            False,
        ),
    ],
    ids=["idea", "thank-you-naming-the-roadmap", "incident-with-a-wish"],
)
def test_success_logs_a_feature_request_only_when_the_ticket_is_one(
    subject: str, message: str, logged: bool, context: Context
) -> None:
    state = triaged(make_ticket(subject=subject, message=message), context)
    report = advise_customer(state, runtime(context))["success"]  # type: ignore[arg-type]
    assert ("feature_logged" in report.offers) is logged
    assert any("Feature request logged" in f for f in report.findings) is logged


def test_an_unsure_product_category_logs_no_feature_request(context: Context) -> None:
    ticket = make_ticket(subject="Thanks for the demo", message="Merci pour la démo de mardi !")
    state = triaged(ticket, context)
    for confidence, logged in ((context.low_confidence - 0.1, False), (0.9, True)):
        state["triage"] = state["triage"].model_copy(
            update={"category": "product", "confidence": confidence, "routine": "none"}
        )
        report = advise_customer(state, runtime(context))["success"]  # type: ignore[arg-type]
        assert ("feature_logged" in report.offers) is logged


@pytest.mark.parametrize(
    ("category", "logged"),
    [("product", True), ("feedback", True), ("billing", False), ("sales", False)],
)
def test_a_wish_is_a_feature_idea_only_for_the_product(
    category: str, logged: bool, context: Context
) -> None:
    # FBC-017 asked for nonprofit pricing and was thanked for the idea and told it was
    # logged with the product team; "please add our VAT ID to our invoices" was too.
    ticket = make_ticket(
        subject="Nonprofit pricing?",
        message="We would love to move to Growth, but do you have special pricing for"
        " registered nonprofits?",
    )
    state = triaged(ticket, context)
    state["triage"] = state["triage"].model_copy(
        update={"category": category, "confidence": 0.9, "routine": "feature_idea"}
    )
    report = advise_customer(state, runtime(context))["success"]  # type: ignore[arg-type]
    assert ("feature_logged" in report.offers) is logged


def test_success_reports_a_broken_ledger_as_tool_failure(
    samples: dict[str, Ticket], tmp_path: Any
) -> None:
    broken = tmp_path / "ledger.json"
    broken.write_text("{not json")
    context = Context(clock=lambda: NOW, ledger_path=broken)
    state = triaged(samples["SUPPORT-004"], context)
    report = advise_customer(state, runtime(context))["success"]  # type: ignore[arg-type]
    assert report.handback == "tool_failure"
    assert "billing ledger" in report.handback_note


def test_knowledge_records_a_gap_when_nothing_matches(context: Context) -> None:
    ticket = make_ticket(subject="Zebra", message="Quixotic zeppelin marmalade?")
    update = ground_answer({"ticket": ticket}, runtime(context))  # type: ignore[typeddict-item]
    assert update["knowledge"].gap
    assert update["knowledge"].hits == ()


@pytest.mark.parametrize(
    "message",
    [
        "Hi, how do I give our bookkeeper read-only access to the dashboards? Thanks, Maria",
        "Hallo, wie kann ich unserer Buchhalterin Lesezugriff auf die Dashboards geben?",
        "Hola, ¿cómo le doy a nuestra contable acceso de solo lectura a los paneles?",
    ],
)
def test_a_how_to_question_is_low(message: str, context: Context) -> None:
    ticket = make_ticket(
        customer_tier="Growth", subject="Access for our bookkeeper", message=message
    )
    result = triaged(ticket, context)["triage"]
    assert (result.routine, result.priority) == ("howto", "Low")
    assert "how-to" in result.priority_reasons[-1]


def test_a_question_about_an_invoice_stays_medium(context: Context) -> None:
    # the rubric's Medium: "billing questions and disputes … a question about an invoice line"
    ticket = make_ticket(
        subject="Invoice question",
        message="Could you explain the second line on our October invoice?",
    )
    result = triaged(ticket, context)["triage"]
    assert (result.category, result.priority) == ("billing", "Medium")


def test_a_how_to_question_with_a_request_keeps_its_priority(context: Context) -> None:
    ticket = make_ticket(
        customer_tier="Growth",
        subject="Access for our bookkeeper",
        message="Hi, how do I give our bookkeeper read-only access to the dashboards? Also, the"
        " old 'Pilot' workspace: can you delete it and everything in it? Thanks, Maria",
    )
    result = triaged(ticket, context)["triage"]
    assert result.requests == ("deletion",)
    assert result.priority != "Low"


def test_triage_starts_the_kb_query_of_the_ticket_on_the_second_core(
    context: Context, tmp_path: Path
) -> None:
    from .test_kb_index import CountingEncoder

    kb = tmp_path / "kb"
    shutil.copytree(shipped_kb_folder(), kb)
    context = replace(context, kb_path=kb)
    ticket = make_ticket(subject="Custom domain", message="Our custom domain shows an SSL error.")
    # a KB whose index is not loaded yet is left alone: a routine ticket builds none
    triaged(ticket, context)
    assert kb not in kb_store._LOADED

    index = kb_store.load_index(kb)
    index._encoder = queries = CountingEncoder()
    state = triaged(ticket, context)
    state |= ground_answer(state, runtime(context))  # type: ignore[arg-type]
    assert queries.texts == [content_text(ticket)]  # encoded once, before the search asked
    assert queries.threads[0].startswith("kb-query-ahead")
    # the same report as a search that encodes the text itself
    index.forget_queries()
    assert ground_answer(state, runtime(context)) == {"knowledge": state["knowledge"]}
    assert queries.threads[1] == threading.current_thread().name


def _escalated_state(samples: dict[str, Ticket], context: Context) -> dict[str, Any]:
    """The refund ticket as the supervisor hands it to respond: SLA clock set, escalated."""
    state = triaged(samples["SUPPORT-004"], context)
    state |= advise_customer(state, runtime(context))  # type: ignore[arg-type]
    state |= ground_answer(state, runtime(context))  # type: ignore[arg-type]
    to_respond = coordinate(state, runtime(context))  # type: ignore[arg-type]
    assert to_respond.goto == "respond"
    state |= to_respond.update
    assert state["escalation"].team == "Billing" and state["escalation"].needs_human
    return state


def test_respond_drafts_when_a_human_must_review(
    samples: dict[str, Ticket], context: Context
) -> None:
    update = respond(_escalated_state(samples, context), runtime(context))  # type: ignore[arg-type]
    assert update["outcome"] == "waiting_for_review"
    assert update["reply"].status == "draft"
    assert "approve" in update["reply"].text


def test_review_request_says_what_is_asked(samples: dict[str, Ticket], context: Context) -> None:
    state = _escalated_state(samples, context)
    state |= respond(state, runtime(context))  # type: ignore[arg-type]
    request = review_request(state)  # type: ignore[arg-type]
    assert request["asks"] == ["approve_refund", "approve_reply"]
    assert request["team"] == "Billing"
    assert request["draft_reply"] == state["reply"].text


@pytest.mark.parametrize(
    ("answer", "outcome", "status"),
    [
        ({"action": "approve"}, "replied", "sent"),
        ({"action": "edit", "reply": "Refund issued."}, "replied", "sent"),
        (
            {"action": "reject", "reason": "customer already refunded by phone"},
            "handed_to_human",
            "sent",  # the hand-over: a person takes the ticket, and the customer is told
        ),
    ],
    ids=["approve", "edit", "reject"],
)
def test_respond_applies_the_review(
    answer: dict[str, str], outcome: str, status: str, samples: dict[str, Ticket], context: Context
) -> None:
    state = _escalated_state(samples, context)
    state |= respond(state, runtime(context))  # type: ignore[arg-type]
    state["review"] = parse_answer(answer, NOW)
    update = respond(state, runtime(context))  # type: ignore[arg-type]
    assert (update["outcome"], update["reply"].status) == (outcome, status)
    if answer["action"] == "edit":
        assert update["reply"].text == "Refund issued."
    if answer["action"] == "reject":
        assert update["reply"].macro == "handover" and "approved" not in update["reply"].text
    if status == "sent":
        assert update["reply"].sent_at == NOW


@pytest.mark.parametrize(
    ("answer", "problem"),
    [
        ("yes", "must be an object"),
        ({"action": "maybe"}, "invalid review answer"),
        ({"action": "edit"}, "needs the new reply text"),
        ({"action": "reject"}, "needs a reason"),
    ],
    ids=["not-an-object", "unknown-action", "edit-without-text", "reject-without-reason"],
)
def test_bad_review_answers_are_refused(answer: object, problem: str) -> None:
    with pytest.raises(ReviewError, match=problem):
        parse_answer(answer, NOW)


def test_sent_reply_freezes_the_sla(samples: dict[str, Ticket], context: Context) -> None:
    # Three days after the refund ticket came in, far past both of its deadlines, the
    # supervisor checks the clock again: first while the reply waits for review, then
    # after the reviewer approved it and it went out at NOW.
    three_days_later = runtime(Context(clock=lambda: NOW + timedelta(days=3)))
    state = _escalated_state(samples, context)
    state |= respond(state, runtime(context))  # type: ignore[arg-type]
    unanswered = coordinate(state, three_days_later).update["sla"]  # type: ignore[arg-type]
    assert unanswered.first_response_breached and unanswered.resolution_breached
    state["review"] = parse_answer({"action": "approve"}, NOW)
    state |= respond(state, runtime(context))  # type: ignore[arg-type]
    sla = coordinate(state, three_days_later).update["sla"]  # type: ignore[arg-type]
    assert (sla.first_response_at, sla.resolved_at) == (NOW, NOW)  # the send time, kept
    assert not sla.first_response_breached and not sla.resolution_breached
