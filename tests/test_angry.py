"""A very angry Enterprise customer reaches the Success team at High, even when told calmly."""

from __future__ import annotations

from pathlib import Path

from supportgraph.checkpoints import open_checkpointer
from supportgraph.graph.context import Context
from supportgraph.runs.build import build_graph
from supportgraph.runs.runner import run_ticket

from .conftest import make_ticket

# No shouting and hardly a negative word, yet a third failure, a COO to answer to and a
# vendor review: the rubric's "very angry high-value customer".
CALM_FURY = (
    "Hi Tom,\n\nThe Monday digest to our 200 branch leads was late again, by about two hours,"
    " for the third week. I was told last time it had been sorted.\n\nI'm tired of"
    " apologising to our COO for this. Please have your support lead call me; we are"
    " reviewing vendors next quarter.\n\nAlan Reyes\nVP Operations"
)


def test_calm_fury_from_an_enterprise_customer_is_high_and_goes_to_success(
    context: Context, tmp_path: Path
) -> None:
    enterprise = make_ticket(
        ticket_id="T-ent",
        customer_tier="Enterprise",
        subject="Scheduled digests again",
        message=CALM_FURY,
    )
    growth = enterprise.model_copy(update={"ticket_id": "T-growth", "customer_tier": "Growth"})
    with open_checkpointer(f"sqlite:///{tmp_path / 's.sqlite'}") as saver:
        graph = build_graph(saver)
        angry = run_ticket(graph, enterprise, context).snapshot.values
        same_words = run_ticket(graph, growth, context).snapshot.values
    assert angry["triage"].sentiment_score > -0.6  # the words alone would not have told
    assert angry["triage"].priority == "High"
    assert "Enterprise customer read as very angry" in angry["triage"].priority_reasons[-1]
    rules = {t.rule: t for t in angry["escalation"].triggers}
    assert rules["angry_enterprise_customer"].team == "Success"
    assert angry["escalation"].needs_human and angry["escalation"].severity
    assert same_words["triage"].priority == "Medium"
    escalation = same_words.get("escalation")
    assert escalation is None or "angry_enterprise_customer" not in {
        t.rule for t in escalation.triggers
    }
