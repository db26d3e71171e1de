"""A how-to answer leads with the step of the help article the question asks about."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from supportgraph.checkpoints import open_checkpointer
from supportgraph.graph.context import Context
from supportgraph.runs.build import build_graph
from supportgraph.runs.runner import run_ticket
from supportgraph.tools import shipped_data
from supportgraph.tools.knowledge.kb import Article, read_articles
from supportgraph.tools.knowledge.step_order import asked_step_first

from .conftest import make_ticket

# 90 how-to questions in four languages, written for the product by a session that saw only
# the help articles, each with the article and the steps that answer it. LEAD_MARGIN was
# chosen on the odd half; the even half is held out.
QUESTIONS = json.loads(
    (Path(__file__).parent / "data" / "kb_step_questions.json").read_text("utf-8")
)


@pytest.fixture(scope="module")
def articles() -> dict[str, Article]:
    return {a.id: a for a in read_articles(shipped_data("kb"))}


def test_held_out_questions_mostly_get_their_step_first(articles: dict[str, Article]) -> None:
    held_out = [q for q in QUESTIONS if q["steps"] and int(q["id"][2:]) % 2 == 0]
    first = [
        articles[q["article"]].steps.index(
            asked_step_first(q["question"], articles[q["article"]].steps)[0]
        )
        + 1
        for q in held_out
    ]
    answered = sum(f in q["steps"] for f, q in zip(first, held_out, strict=True))
    in_article_order = sum(1 in q["steps"] for q in held_out)
    # Measured 30-31 of 45 (the article's own order: 7); the floor leaves little room.
    assert (len(held_out), in_article_order) == (45, 7)
    assert answered >= 28
    # a question the first step answers keeps it first
    assert all(f == 1 for f, q in zip(first, held_out, strict=True) if q["steps"][0] == 1)


def test_a_question_about_a_later_step_gets_it_first(articles: dict[str, Article]) -> None:
    steps = articles["KB-005"].steps
    asked = (
        "How can we replay the webhook events we missed during our maintenance window last night?"
    )
    ordered = asked_step_first(asked, steps)
    assert ordered[0].startswith("Re-enable a disabled endpoint")
    assert ordered[1:] == [s for s in steps if s != ordered[0]], "the rest in the article's order"
    unclear = "Our webhooks look flaky, what should we check?"
    assert asked_step_first(unclear, steps)[0] == steps[0]


def test_a_how_to_reply_leads_with_the_step_it_asked_about(
    context: Context, tmp_path: Path
) -> None:
    ticket = make_ticket(
        customer_tier="Growth",
        channel="Email",
        subject="Replaying missed webhooks",
        message="Hi,\n\nOur shop was in a maintenance window last night from 1 to 3 am. How"
        " can we replay the webhook events we missed during that time?\n\nThanks,\nIlse",
    )
    with open_checkpointer(f"sqlite:///{tmp_path / 's.sqlite'}") as saver:
        values: dict[str, Any] = run_ticket(build_graph(saver), ticket, context).snapshot.values
    reply = values["reply"]
    assert values["triage"].routine == "howto" and reply.status == "sent"
    steps = re.findall(r"^\d+\. (.+?) \[KB-005\]$", reply.text, re.MULTILINE)
    assert steps and steps[0].startswith("Re-enable a disabled endpoint"), reply.text


def test_a_role_question_keeps_the_role_step_and_is_never_told_to_hand_ownership_over(
    context: Context, tmp_path: Path
) -> None:
    """FAY-033 (blind set, 2026-12-05): "do I have to be the owner to do that or can an admin
    do it?" The specialist picked the role step; reordering the whole article put "Transfer
    ownership under Settings > Account > Owner …" in its place, a step that changes the
    account for good and was not asked for."""
    ticket = make_ticket(
        customer_tier="Growth",
        channel="Chat",
        subject="Chat: how to give someone edit rights",
        message="[14:45] Derek Mills: hey how do I let my new assistant edit dashboards? she"
        " can only view right now\n[14:46] Derek Mills: do I have to be the owner to do that or"
        " can an admin do it? I'm an admin",
    )
    with open_checkpointer(f"sqlite:///{tmp_path / 's.sqlite'}") as saver:
        values: dict[str, Any] = run_ticket(build_graph(saver), ticket, context).snapshot.values
    text = values["reply"].text
    steps = re.findall(r"^\d+\. (.+?) \[KB-014\]$", text, re.MULTILINE)
    assert steps and steps[0].startswith("Change a user's role"), text
    assert "Transfer ownership" not in text and "proof of your authority" not in text
