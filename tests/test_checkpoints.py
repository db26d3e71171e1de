"""Checkpointed runs: pause for review, resume, survive a crash, never run twice."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from langgraph.graph import START, StateGraph
from typing_extensions import TypedDict

from supportgraph.checkpoints import open_checkpointer, thread_id
from supportgraph.graph.builder import build_graph, graph
from supportgraph.graph.context import Context
from supportgraph.graph.errors import ConfigurationError, IntakeError, ReviewError
from supportgraph.graph.models import Ticket
from supportgraph.graph.runner import config_for, resume_review, run_batch, run_ticket

from .conftest import NOW, SAMPLES


def test_review_pauses_and_resumes_with_the_decision(
    saver: Any, samples: dict[str, Ticket], context: Context
) -> None:
    support = build_graph(saver)
    paused = run_ticket(support, samples["SUPPORT-004"], context).snapshot
    assert paused.next == ("human_review",)
    request = paused.interrupts[0].value
    assert request["asks"] == ["approve_refund", "approve_reply"]
    done = resume_review(support, "SUPPORT-004", {"action": "approve", "reviewer": "kim"}, context)
    assert done.next == ()
    assert done.values["reply"].status == "sent"
    assert done.values["review"].reviewer == "kim"


def test_finished_ticket_is_not_processed_twice(
    saver: Any, samples: dict[str, Ticket], context: Context
) -> None:
    support = build_graph(saver)
    first = run_ticket(support, samples["SUPPORT-002"], context)
    second = run_ticket(support, samples["SUPPORT-002"], context)
    assert (first.status, second.status) == ("processed", "already_done")
    history = list(support.get_state_history(config_for("SUPPORT-002")))
    assert second.snapshot.config == first.snapshot.config
    assert len(history) == len(list(support.get_state_history(config_for("SUPPORT-002"))))


def test_crashed_run_resumes_where_it_stopped(
    saver: Any, samples: dict[str, Ticket], tmp_path: Path
) -> None:
    support = build_graph(saver)
    broken = Context(clock=lambda: NOW, kb_path=tmp_path / "no-such-kb")
    [failed] = run_batch(support, [samples["SUPPORT-002"]], broken)
    assert failed.status == "failed" and "no-such-kb does not exist" in (failed.error or "")
    assert "triage" in failed.snapshot.values and failed.snapshot.next  # triage is kept
    resumed = run_ticket(support, samples["SUPPORT-002"], Context(clock=lambda: NOW))
    assert resumed.status == "resumed"
    assert resumed.snapshot.values["outcome"] == "replied"
    targets = [d.target for d in resumed.snapshot.values["decisions"]]
    assert targets.count("triage") == 1 and targets.count("success") == 1


def test_one_failing_ticket_does_not_stop_the_batch(
    saver: Any, samples: dict[str, Ticket], tmp_path: Path
) -> None:
    bad_policy = tmp_path / "sla.json"
    bad_policy.write_text("{}")
    context = Context(clock=lambda: NOW, sla_policy=bad_policy)
    runs = run_batch(build_graph(saver), list(samples.values())[:2], context)
    assert [r.status for r in runs] == ["failed", "failed"]
    assert all("sla.json" in (r.error or "") for r in runs)


def test_hop_limit_stops_with_a_recorded_error(saver: Any, samples: dict[str, Ticket]) -> None:
    context = Context(clock=lambda: NOW, max_hops=4)
    snapshot = run_ticket(build_graph(saver), samples["SUPPORT-002"], context).snapshot
    assert snapshot.values["outcome"] == "failed"
    assert "hop limit 4" in snapshot.values["error"]
    assert snapshot.next == ()


def test_tenants_get_separate_threads(
    saver: Any, samples: dict[str, Ticket], context: Context
) -> None:
    support = build_graph(saver)
    ticket = samples["SUPPORT-002"]
    run_ticket(support, ticket.model_copy(update={"tenant": "acme"}), context)
    other = run_ticket(support, ticket.model_copy(update={"tenant": "globex"}), context)
    assert other.status == "processed"
    assert thread_id("SUPPORT-002", "acme") == "acme:SUPPORT-002"


def test_review_errors_name_the_problem(
    saver: Any, samples: dict[str, Ticket], context: Context
) -> None:
    support = build_graph(saver)
    with pytest.raises(ReviewError, match="unknown ticket NOPE"):
        resume_review(support, "NOPE", {"action": "approve"}, context)
    run_ticket(support, samples["SUPPORT-002"], context)
    with pytest.raises(ReviewError, match="SUPPORT-002 is finished"):
        resume_review(support, "SUPPORT-002", {"action": "approve"}, context)
    run_ticket(support, samples["SUPPORT-004"], context)
    with pytest.raises(ReviewError, match="needs a reason"):
        resume_review(support, "SUPPORT-004", {"action": "reject"}, context)
    assert support.get_state(config_for("SUPPORT-004")).interrupts  # still waiting


def test_unknown_checkpoint_scheme_is_explained() -> None:
    with pytest.raises(ConfigurationError, match="use memory://, sqlite:///PATH or postgresql://"):
        with open_checkpointer("redis://localhost"):
            pass


def test_sqlite_url_needs_a_path() -> None:
    with pytest.raises(ConfigurationError, match="three slashes"):
        with open_checkpointer("sqlite://"):
            pass


def test_studio_graph_brings_no_checkpointer() -> None:
    assert graph.checkpointer is None


class Parent(TypedDict, total=False):
    ticket: Ticket
    outcome: str


def test_support_graph_embeds_as_a_subgraph(samples: dict[str, Ticket]) -> None:
    parent = StateGraph(Parent, context_schema=Context)
    parent.add_node("support", build_graph())
    parent.add_edge(START, "support")
    result = parent.compile().invoke(
        {"ticket": samples["SUPPORT-005"]}, context=Context(clock=lambda: NOW)
    )
    assert result["outcome"] == "replied"


def test_ticket_sent_as_json_is_validated_at_the_edge() -> None:
    raw = json.loads(SAMPLES.read_text())[1]
    result = build_graph().invoke({"ticket": raw}, context=Context(clock=lambda: NOW))  # type: ignore[typeddict-item]
    assert isinstance(result["ticket"], Ticket) and result["outcome"] == "replied"
    raw["channel"] = "Pigeon"
    with pytest.raises(IntakeError, match="field 'channel'"):
        build_graph().invoke({"ticket": raw}, context=Context(clock=lambda: NOW))  # type: ignore[typeddict-item]


def test_large_values_are_stored_compressed_and_old_ones_still_read() -> None:
    from langgraph.checkpoint.serde.jsonplus import JsonPlusSerializer

    from supportgraph.checkpoints.savers import serializer

    serde = serializer()
    text = "The export keeps timing out. " * 100
    kind, data = serde.dumps_typed({"reply": text})
    assert kind.endswith("+zlib") and len(data) < len(text) / 5
    assert serde.loads_typed((kind, data)) == {"reply": text}
    plain = JsonPlusSerializer().dumps_typed({"reply": text})  # written before compression
    assert serde.loads_typed(plain) == {"reply": text}
    assert serde.dumps_typed({"hops": 3})[0] == "msgpack"  # small values stay as they are
