"""A ticket's steps and checkpoint writes run on the calling thread under the runner."""

from __future__ import annotations

import dataclasses
import threading
from pathlib import Path
from typing import Any

from langgraph.checkpoint.memory import InMemorySaver

from supportgraph.checkpoints.savers import serializer
from supportgraph.graph.context import Context
from supportgraph.runs import steps
from supportgraph.runs.build import build_graph
from supportgraph.runs.runner import config_for, run_batch, run_ticket, step_config

from .conftest import make_ticket


class ThreadRecordingSaver(InMemorySaver):
    """The memory saver, noting which thread made each write."""

    def __init__(self) -> None:
        super().__init__(serde=serializer())
        self.threads: list[int] = []

    def put(self, *args: Any, **kwargs: Any) -> Any:
        self.threads.append(threading.get_ident())
        return super().put(*args, **kwargs)

    def put_writes(self, *args: Any, **kwargs: Any) -> None:
        self.threads.append(threading.get_ident())
        super().put_writes(*args, **kwargs)


def test_the_pinned_langgraph_can_run_steps_on_the_calling_thread() -> None:
    # If a LangGraph upgrade moves its sync loop's executor, this fails first: the steps
    # would then run in LangGraph's pool again (correct, only slower).
    assert steps.INSTALLED


def test_the_runner_writes_every_checkpoint_from_the_calling_thread(context: Context) -> None:
    saver = ThreadRecordingSaver()
    graph = build_graph(saver)
    run = run_ticket(graph, make_ticket(message="How do I add a teammate?"), context)
    assert run.status == "processed" and run.snapshot.values["outcome"]
    assert len(saver.threads) >= 8  # a checkpoint and the writes of every step
    assert set(saver.threads) == {threading.get_ident()}


def test_outside_the_runner_langgraph_keeps_its_thread_pool(context: Context) -> None:
    saver = ThreadRecordingSaver()
    graph = build_graph(saver)
    config = step_config(config_for("T-plain"), context)
    graph.invoke({"ticket": make_ticket(ticket_id="T-plain")}, config, context=context)
    assert saver.threads and threading.get_ident() not in set(saver.threads)


def test_a_node_failing_inline_fails_the_ticket_and_a_rerun_resumes_it(
    context: Context, tmp_path: Path
) -> None:
    # The knowledge search fails beside the technical specialist (one step, two nodes,
    # both run inline): the ticket fails with the search's message, the steps before it
    # stay saved, and a run with the KB back resumes there.
    saver = ThreadRecordingSaver()
    graph = build_graph(saver)
    ticket = make_ticket(message="The dashboard shows an error 500 when I open it")
    broken = dataclasses.replace(context, kb_path=tmp_path / "missing-kb")
    [failed] = run_batch(graph, [ticket], broken)
    assert failed.status == "failed" and "missing-kb does not exist" in (failed.error or "")
    assert "triage" in failed.snapshot.values and "knowledge" in failed.snapshot.next
    [resumed] = run_batch(graph, [ticket], context)
    assert resumed.status == "resumed" and resumed.snapshot.values["outcome"]
    assert set(saver.threads) == {threading.get_ident()}
