"""The relevance gate: a reply quotes an article only where the article answers the question."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from supportgraph.cli.app import app
from supportgraph.graph.models import KBHit, Ticket, TriageResult
from supportgraph.tools.knowledge.gate import (
    MIN_LEAD,
    SURE_MARGIN,
    answers,
    asked_for,
    names_matter,
    speaks_of,
)
from supportgraph.tools.knowledge.passages import supporting_sentence

runner = CliRunner()

# TUC-015 of the tuning tickets: no help-centre article covers dashboard colours, yet the
# slow-dashboards article (KB-013) scores 0.32 on it, over the old 0.30 floor.
COLOUR_THEME = {
    "ticket_id": "GATE-1",
    "customer": "Meadowlark Apps",
    "customer_tier": "Starter",
    "channel": "Web",
    "subject": "Change dashboard colours?",
    "message": "Topic: Dashboards\nDetails: hi, is there any way to change the colour theme of"
    " our dashboards? Our brand is navy/orange and the default teal clashes pretty badly"
    " when we screenshot charts for our investor updates. I found where to upload a logo"
    " but nothing for colours. thanks!",
    "submitted_at": "-40m",
}
ROTATE_KEY = {
    "ticket_id": "GATE-2",
    "customer": "Tamarind Labs",
    "customer_tier": "Growth",
    "channel": "Email",
    "subject": "Rotating our API key",
    "message": "How do I rotate our API key? Our old IT admin created it and we want a fresh"
    " one without breaking the nightly sync.",
    "submitted_at": "-20m",
}
RESTORE_DASHBOARD = {
    "ticket_id": "GATE-3",
    "customer": "Quarry Lane Digital",
    "customer_tier": "Growth",
    "channel": "Email",
    "subject": "Deleted a dashboard by mistake",
    "message": "I deleted our 'Q3 Funnel' dashboard by accident an hour ago. Is there a way"
    " to get it back myself?",
    "submitted_at": "-15m",
}
# A routine compliance question on the topic of the security-incident playbook (KB-011),
# which answered it with "Revoke every API key that may have been exposed" and "Report
# the incident to security@…" before the playbook was marked ``responds_to: [exposure]``.
AUDIT_EVIDENCE = {
    "ticket_id": "GATE-4",
    "customer": "Fenwick Dental",
    "customer_tier": "Professional",
    "channel": "Email",
    "subject": "Audit log events for our SOC 2 evidence",
    "message": "Hello,\n\nOur SOC 2 auditors want evidence of who exported data and who changed"
    " settings last quarter. Does the audit log record exports and settings changes, and can"
    " we pull it through the API? Nothing has happened, this is routine evidence"
    " collection.\n\nThanks,\nPriya",
    "submitted_at": "-30m",
}
LEAKED_KEY = {
    "ticket_id": "GATE-5",
    "customer": "Fenwick Dental",
    "customer_tier": "Professional",
    "channel": "Email",
    "subject": "Our API key is on GitHub",
    "message": "Hi, one of our developers pushed our production API key to a public GitHub"
    " repository last night and we only noticed this morning. The audit log shows calls"
    " from an IP address we don't recognise. What do we do?",
    "submitted_at": "-10m",
}


def _run(tmp_path: Path, *tickets: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Run ``tickets`` through the graph as ``supportgraph run`` does; records by id."""
    path = tmp_path / "tickets.json"
    path.write_text(json.dumps(list(tickets)))
    out = tmp_path / "out"
    result = runner.invoke(app, ["run", str(path), "--out", str(out), "--checkpoint", "memory://"])
    assert result.exit_code == 0, result.output
    lines = next(out.glob("*/tickets.jsonl")).read_text().splitlines()
    return {r["ticket_id"]: r for r in map(json.loads, lines)}


def test_a_question_no_article_answers_is_handed_off_not_answered_with_a_lookalike(
    tmp_path: Path,
) -> None:
    record = _run(tmp_path, COLOUR_THEME)["GATE-1"]
    assert record["kb_gap"] and record["kb_hits"] == []
    assert "missing_knowledge" in record["escalation_reasons"]
    # Neither the knowledge node nor a specialist quotes the slow-dashboards playbook.
    assert "KB-013" not in record["citations"] and "[KB-" not in record["reply"]
    assert "Here is how to do it" not in record["reply"]
    assert "performance panel" not in record["reply"]


@pytest.mark.parametrize(
    ("ticket", "article"),
    [(ROTATE_KEY, "KB-003"), (RESTORE_DASHBOARD, "KB-012")],
    ids=["rotate-api-key", "restore-deleted-dashboard"],
)
def test_a_question_the_kb_answers_still_gets_its_article(
    tmp_path: Path, ticket: dict[str, Any], article: str
) -> None:
    record = _run(tmp_path, ticket)[ticket["ticket_id"]]
    assert not record["kb_gap"]
    assert record["kb_hits"][0]["article_id"] == article
    assert f"[{article}]" in record["reply"]


def test_an_incident_playbook_is_no_answer_to_a_routine_question_on_its_topic(
    tmp_path: Path,
) -> None:
    record = _run(tmp_path, AUDIT_EVIDENCE)["GATE-4"]
    assert "KB-011" not in record["citations"]
    assert "Revoke every API key" not in record["reply"]
    assert "Report the incident" not in record["reply"]


def test_a_reported_incident_still_gets_the_playbook_in_its_draft(tmp_path: Path) -> None:
    record = _run(tmp_path, LEAKED_KEY)["GATE-5"]
    assert record["priority"] == "Critical"
    assert record["citations"][0] == "KB-011"
    assert "Revoke every API key that may have been exposed" in record["reply"]


def _hit(score: float, lead: float | None) -> KBHit:
    return KBHit(article_id="KB-1", title="t", score=score, passage="p", lead=lead)


@pytest.mark.parametrize(
    ("score", "lead", "answered"),
    [
        (0.30 + SURE_MARGIN, None, True),
        (0.31, MIN_LEAD, True),
        (0.31, MIN_LEAD - 0.1, False),
        (0.31, None, False),
        (0.29, MIN_LEAD + 5, False),
    ],
    ids=["sure-score", "near-miss-that-stands-out", "near-miss-among-lookalikes",
         "near-miss-not-reranked", "under-the-floor"],
)  # fmt: skip
def test_a_near_miss_answers_only_when_the_reranker_sets_it_apart(
    score: float, lead: float | None, answered: bool
) -> None:
    assert answers(_hit(score, lead), min_score=0.30) is answered


def test_a_quote_is_a_whole_sentence_never_one_cut_off_by_the_passage_window() -> None:
    # Passages are 100-word windows; this one ends inside KB-009's step 3 (TUJ-035's
    # reply quoted "… comfortably above your peak: 60 requests per minute on").
    window = (
        "Comparing the plans. Every plan includes unlimited dashboards for its seats."
        " Estimate your API traffic and choose a plan whose limit is comfortably above"
        " your peak: 60 requests per minute on"
    )
    quote = supporting_sentence(window, "which plan gives us enough API requests per minute")
    assert quote == "Every plan includes unlimited dashboards for its seats."


CLOSE = "Close the account under Settings > Account > Close account, after which the owner receives a confirmation email."
TRANSFER = "Transfer ownership under Settings > Account > Owner, where the current owner selects an existing admin."


@pytest.mark.parametrize(
    ("sentence", "text", "fits"),
    [
        # a locked-out owner is not told how to close the account
        (
            CLOSE,
            "Lost his phone, no authenticator app. He's the only owner and can't log in.",
            False,
        ),
        (CLOSE, "We'd like to close our account at the end of the month.", True),
        (CLOSE, "Wir möchten unser Konto schließen.", True),
        # nor is an owner handing over before leaving told what closing deletes (FBE-047)
        (
            "Closing an account permanently deletes its data after a 30-day grace period.",
            "She's leaving next week and wants ownership to go to her colleague, an admin.",
            False,
        ),
        # read-only access for a new colleague is not a transfer of ownership
        (
            TRANSFER,
            "Give our new finance assistant read-only access to the visits dashboard.",
            False,
        ),
        (TRANSFER, "Our owner left the company; how do we transfer it to me?", True),
        (TRANSFER, "¿Cómo cambio el propietario de la cuenta?", True),
        # any other sentence fits as before
        ("Invite users under Settings > Members.", "How do I add a colleague?", True),
    ],
)
def test_a_step_that_changes_the_account_for_good_is_quoted_only_when_asked_for(
    sentence: str, text: str, fits: bool
) -> None:
    assert asked_for(sentence, text) is fits


# A problem report that opens with an integration no article covers. The webhook article
# scores on "events", "delivered" and "endpoint" (0.38 and up), so the customer was sent
# webhook delivery checks for a Segment source.
SEGMENT_SOURCE = {
    "ticket_id": "GATE-6",
    "customer": "Brightwater Logistics",
    "customer_tier": "Professional",
    "channel": "Email",
    "subject": "Segment events not arriving",
    "message": "Hello, our Segment source has shown 0 events ingested since Friday although"
    " Segment says the events were delivered to the Acme destination. The endpoint is set up"
    " as before. Can you look?\n\nLena",
    "submitted_at": "-25m",
}
WEBHOOK_FAILING = {
    "ticket_id": "GATE-7",
    "customer": "Brightwater Logistics",
    "customer_tier": "Professional",
    "channel": "Email",
    "subject": "Webhook deliveries failing since this morning",
    "message": "Hi,\n\nour webhook endpoint stopped receiving events this morning. The"
    " deliveries page shows timeouts for every attempt since 07:10. Nothing changed on our"
    " side as far as we know.\n\nThanks,\nLena",
    "submitted_at": "-25m",
}
# The integration is the client, the HTTP status is the problem: the API-key article speaks
# of a 401 whichever tool sent the call.
ZAPIER_401 = {
    "ticket_id": "GATE-8",
    "customer": "Orchard Row Bakery",
    "customer_tier": "Growth",
    "channel": "Chat",
    "subject": "Zapier zaps failing",
    "message": "[10:02] Sam Ortiz: hi, all our Zapier zaps fail with 401 Unauthorized since we"
    " rotated the API key this morning. I pasted the new key into Zapier, still 401.",
    "submitted_at": "-5m",
}


def test_a_fault_in_a_feature_no_article_covers_gets_no_lookalike_article(
    tmp_path: Path,
) -> None:
    record = _run(tmp_path, SEGMENT_SOURCE)["GATE-6"]
    assert "KB-005" not in record["citations"] and "[KB-" not in record["reply"]
    assert "Webhooks" not in record["reply"]
    assert "engineering team" in record["reply"]


@pytest.mark.parametrize(
    ("ticket", "article"),
    [(WEBHOOK_FAILING, "KB-005"), (ZAPIER_401, "KB-003")],
    ids=["webhook-fault", "integration-with-a-401"],
)
def test_a_fault_the_article_speaks_of_still_gets_its_steps(
    tmp_path: Path, ticket: dict[str, Any], article: str
) -> None:
    record = _run(tmp_path, ticket)[ticket["ticket_id"]]
    assert f"[{article}]" in record["reply"]


def _ticket(subject: str, message: str) -> Ticket:
    return Ticket.model_validate(
        {
            "ticket_id": "GATE-9",
            "customer": "Kestrel Works",
            "customer_tier": "Enterprise",
            "channel": "Email",
            "subject": subject,
            "message": message,
            "submitted_at": datetime(2026, 12, 1, tzinfo=UTC),
        }
    )


@pytest.mark.parametrize(
    ("subject", "article", "spoken_of"),
    [
        # the catalog's German word for audit logs; the export article never mentions them
        ("Audit-Protokoll-Export bricht ab", "KB-004", False),
        ("Salesforce sync stuck for two days", "KB-005", False),
        ("SQL-Editor: Abfragen brechen nach 60 s ab", "KB-002", False),
        # every one named: the export article mentions a data warehouse, not BigQuery
        ("BigQuery warehouse sync stuck for 36 hours", "KB-004", False),
        # Parquet exports are the export article's own subject
        ("Parquet export fails every night", "KB-004", True),
        ("Exportation Parquet en échec", "KB-004", True),
        # naming nothing of the catalog leaves the article to the other checks
        ("Dashboards are very slow", "KB-013", True),
    ],
)
def test_an_article_speaks_of_what_the_report_opens_with(
    subject: str, article: str, spoken_of: bool
) -> None:
    from supportgraph.tools.knowledge.kb_store import load_index

    ticket = _ticket(subject, "It has failed since Monday. Can you look into it?")
    assert speaks_of(load_index(None).get(article), ticket) is spoken_of


def test_most_wrong_articles_for_problem_reports_are_turned_away_few_right_ones() -> None:
    # Annotators' labels (tests/data/judgement/kb_fault_labels.json); the evaluation
    # sample was labelled after the check was written (docs/retrieval_eval.md).
    from tests.eval_kb_faults import turned_away

    tuning, evaluation = turned_away("tuning"), turned_away("evaluation")
    assert tuning[("no", True)] >= 12 and tuning[("yes", True)] == 0
    assert evaluation[("no", True)] >= 27 and evaluation[("yes", True)] <= 11


@pytest.mark.parametrize(
    ("category", "routine", "priority", "applies"),
    [
        ("technical", None, "High", True),
        ("technical", "howto", "Low", False),  # the how-to gate was measured on its own
        ("sales", None, "Low", False),  # "we'd move up for the BigQuery sync": the plans article
        ("technical", None, "Critical", False),  # an incident's draft is read by a person first
    ],
)
def test_the_named_feature_check_is_for_technical_reports_a_customer_reads(
    category: str, routine: str | None, priority: str, applies: bool
) -> None:
    triage = TriageResult(
        category=category,
        confidence=0.9,
        priority=priority,
        sentiment="neutral",
        sentiment_score=0.0,
        language="en",
        routine=routine,
    )
    assert names_matter(triage) is applies
