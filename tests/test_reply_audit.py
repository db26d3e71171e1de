"""The reply audit: what it flags in a delivered message, and a clean run through the CLI."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from supportgraph.cli.app import app
from supportgraph.tools.desk.teams import load_teams
from supportgraph.tools.knowledge.kb import read_articles
from supportgraph.tools.reply.reply_audit import Context, TicketView, audit

from .conftest import SAMPLES, make_ticket

runner = CliRunner()
GOOD = (
    "Hi Jens,\n\nThank you for reporting this, and I'm sorry for the disruption. Our engineering "
    "team is on it now and will keep you updated until it is resolved.\n\nBest regards,\n"
    "The Acme Insights support team\n\nReference: T-1"
)
HTML = "<!DOCTYPE html><html><body><p>Hi Jens,</p></body></html>"


def _context() -> Context:
    articles = {a.id: a for a in read_articles()}
    return Context(teams=load_teams(), articles=articles, ticket_ids=frozenset({"T-1", "T-2"}))


def _view(**changes: Any) -> TicketView:
    fields: dict[str, Any] = {
        "ticket": make_ticket(
            ticket_id="T-1", customer="Blue Fern Studio", contact_name="Jens Sommerfeld"
        ),
        "language": "en",
        "decision": None,
        "edited_text": None,
        "internal_notes": ("No charges for Blue Fern Studio in the billing ledger.",),
    }
    return TicketView(**(fields | changes))


def _line(body: str, action: str = "customer_reply", **extra: Any) -> dict[str, Any]:
    key = f"T-1/{action}/{extra.pop('part', 'r1-0123456789')}"
    line = {"key": key, "ticket_id": "T-1", "action": action, "to": "x", "body": body}
    return line | ({"html": HTML} if action == "customer_reply" else {}) | extra


def _problems(lines: list[dict[str, Any]], view: TicketView | None = None) -> dict[str, str]:
    result = audit(lines, {"T-1": view or _view()}, _context())
    return {v.check: v.detail for v in result.violations}


NOTIFIED = _line(
    "Engineering: the customer was told you are on it.",
    "internal_notification",
    to="engineering-team",
    part="Engineering/incident",
)


def test_a_true_reply_passes_every_check() -> None:
    result = audit([_line(GOOD), NOTIFIED], {"T-1": _view()}, _context())
    assert result.violations == [] and result.messages == 1
    assert set(result.checked) == {
        "language",
        "internal",
        "promise",
        "citation",
        "greeting",
        "channel",
        "decision",
    }


def test_a_promise_without_its_notification_fails_the_audit() -> None:
    assert "promise" in _problems([_line(GOOD)])
    other_team = _line("x", "internal_notification", to="billing-team", part="Billing/refund")
    assert (
        "engineering team without its notification"
        in _problems([_line(GOOD), other_team])["promise"]
    )


@pytest.mark.parametrize(
    ("body", "check", "detail"),
    [
        (GOOD.replace("Hi Jens,", "Hello Blue Fern Studio team,"), "greeting", "greets a team"),
        (GOOD.replace("Hi Jens,", "Hello,"), "greeting", "does not greet"),
        (GOOD + "\n\nPriority: Medium. Reference: T-1.", "internal", "Priority:"),
        (GOOD + "\n\nNo charges for Blue Fern Studio in the billing ledger.", "internal", "ledger"),
        (GOOD + "\n\nSee also ticket T-2.", "internal", "another ticket's id 'T-2'"),
        (GOOD + "\n\n| | Growth |\n|---|---|", "internal", "internal wording"),
        (
            GOOD + "\n\n1. Retry requests forever. [KB-001]",
            "citation",
            "[KB-001] does not contain 'Retry requests forever.'",
        ),
        (GOOD + "\n\n1. Do this. [KB-999]", "citation", "[KB-999] is not in the knowledge base"),
        (GOOD + "\n\nWe have approved a refund of charge ch_abcdef12.", "decision", "ch_abcdef12"),
    ],
    ids=[
        "company-team",
        "no-name",
        "priority",
        "ledger",
        "other-ticket",
        "table",
        "step-not-in-article",
        "unknown-article",
        "refund-not-approved",
    ],
)
def test_what_a_support_lead_would_object_to_is_flagged(body: str, check: str, detail: str) -> None:
    assert detail in _problems([_line(body), NOTIFIED]).get(check, "")


def test_the_wrong_language_and_the_wrong_channel_shape_are_flagged() -> None:
    german = _view(language="de")
    assert _problems([_line(GOOD), NOTIFIED], german)["language"] == (
        "written in en, the ticket is in de"
    )
    chat = _view(
        ticket=make_ticket(ticket_id="T-1", channel="Chat", contact_name="Jens Sommerfeld")
    )
    steps = "\n".join(f"{n}. Step {n}." for n in range(1, 6))
    assert "5 list items" in _problems([_line(GOOD + "\n\n" + steps), NOTIFIED], chat)["channel"]
    no_html = _line(GOOD) | {"html": None}
    assert _problems([no_html, NOTIFIED])["channel"] == "email without its HTML alternative"


def test_the_final_reply_must_say_what_the_review_decided() -> None:
    refund = _line("refund", "refund_request", to="billing-team", reference="ch_abcdef12", part="x")
    approved = _problems([_line(GOOD), NOTIFIED, refund], _view(decision="approve"))
    assert "ch_abcdef12 was approved but the reply does not say so" in approved["decision"]
    stale = GOOD + "\n\nWe have approved a refund of 49.00 USD for charge ch_abcdef12."
    rejected = _problems([_line(stale), NOTIFIED], _view(decision="reject"))
    assert rejected["decision"] == "says something was approved after the review rejected it"
    edited = _problems([_line(GOOD), NOTIFIED], _view(decision="edit", edited_text="Other text."))
    assert edited["decision"] == "the reviewer's edit was not what was sent"


def test_the_sample_inquiries_pass_the_audit_after_every_review_is_approved(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = runner.invoke(
        app, ["eval", "replies", "--tickets", str(SAMPLES), "--out", str(out), "--json"]
    )
    assert result.exit_code == 0, result.output
    audit_file = json.loads((out / "reply_audit.json").read_text())
    assert audit_file["violations"] == 0 and audit_file["messages"] == 5
    assert audit_file["by_check"]["decision"] == {"checked": 5, "violations": 0}
    assert (out / "reply_audit.md").read_text().startswith("```\nReply audit: 5 delivered")
