"""A ticket's trips to the SQLite store under the runner, and what they leave on disk.

On the embedded engine a run's checkpoints and task writes are saved together in one
transaction, and the final state is read back from what the saver has just written.
"""

from __future__ import annotations

import operator
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, TypedDict

from langgraph.graph import START, StateGraph

from supportgraph.checkpoints import open_checkpointer
from supportgraph.checkpoints.fence import FencedSaver, fenced, holding_lease
from supportgraph.graph.context import Context
from supportgraph.graph.models import Ticket
from supportgraph.runs.build import build_graph
from supportgraph.runs.runner import config_for, run_ticket, step_config, step_threads

from .conftest import make_ticket

ROOT = Path(__file__).resolve().parents[1]
ERROR_500 = "The dashboard shows an error 500 when I open it"


@contextmanager
def traced(saver: object) -> Iterator[list[str]]:
    """Every SQL statement the store's connection runs inside the block."""
    assert isinstance(saver, FencedSaver)
    conn: sqlite3.Connection = saver.inner.conn
    statements: list[str] = []
    conn.set_trace_callback(statements.append)
    try:
        yield statements
    finally:
        conn.set_trace_callback(None)


def stored(database: Path, thread: str) -> tuple[int, int]:
    """How many checkpoints and task writes the thread has on disk."""
    with sqlite3.connect(database) as db:
        (checkpoints,) = db.execute(
            "SELECT count(*) FROM checkpoints WHERE thread_id = ?", (thread,)
        ).fetchone()
        (writes,) = db.execute(
            "SELECT count(*) FROM writes WHERE thread_id = ?", (thread,)
        ).fetchone()
    return checkpoints, writes


def test_a_ticket_writes_its_whole_run_in_one_transaction_plus_its_lease(
    context: Context, samples: dict[str, Ticket], tmp_path: Path
) -> None:
    database = tmp_path / "store.sqlite"
    with open_checkpointer(f"sqlite:///{database}") as saver:
        graph = build_graph(saver)
        with traced(graph.checkpointer) as statements:
            run = run_ticket(graph, samples["SUPPORT-002"], context)
    assert run.status == "processed" and run.snapshot.values["outcome"] == "replied"
    checkpoints, writes = stored(database, "SUPPORT-002")
    assert checkpoints >= 8 and writes >= checkpoints  # every step's writes are on disk
    # one write transaction to take the lease, then one with every checkpoint and write
    assert statements.count("BEGIN IMMEDIATE") == 2
    assert statements.count("COMMIT") == 3  # and the lease's release


def test_the_final_state_is_joined_from_what_was_just_written(
    context: Context, samples: dict[str, Ticket], tmp_path: Path
) -> None:
    url = f"sqlite:///{tmp_path / 'store.sqlite'}"
    with open_checkpointer(url) as saver:
        graph = build_graph(saver)
        run_ticket(graph, samples["SUPPORT-002"], context)
        with traced(graph.checkpointer) as statements:
            state = graph.get_state(config_for("SUPPORT-002"))
        assert not [s for s in statements if "FROM checkpoint_blobs" in s]
        # what another process reads from disk is the same state, value for value
        with open_checkpointer(url) as other:
            reader = build_graph(other)
            with traced(reader.checkpointer) as statements:
                on_disk = reader.get_state(config_for("SUPPORT-002"))
        assert [s for s in statements if "FROM checkpoint_blobs" in s]
        assert on_disk.values == state.values and on_disk.next == state.next == ()
        assert {k: type(v) for k, v in on_disk.values.items()} == {
            k: type(v) for k, v in state.values.items()
        }
        # a list handed out is a copy: emptying it changes nothing kept
        state.values["decisions"].clear()
        again = graph.get_state(config_for("SUPPORT-002"))
        assert again.values["decisions"] == on_disk.values["decisions"] != []


def test_grouped_writes_store_what_one_transaction_per_task_stores(
    context: Context, tmp_path: Path
) -> None:
    ticket = make_ticket(ticket_id="T-500", message=ERROR_500)
    saved = {}
    for group in (False, True):
        database = tmp_path / f"grouped-{group}.sqlite"
        with open_checkpointer(f"sqlite:///{database}") as saver:
            graph = build_graph(saver)
            config = config_for("T-500")
            with traced(graph.checkpointer) as statements:
                with holding_lease(graph.checkpointer, "T-500", group_writes=group):
                    with step_threads(context):
                        graph.invoke(
                            {"ticket": ticket},
                            step_config(config, context),
                            context=context,
                            durability="sync",
                        )
            state = graph.get_state(config)
        saved[group] = (stored(database, "T-500"), state.values.get("outcome"), state.next)
        transactions = statements.count("BEGIN IMMEDIATE")
        checkpoints = saved[group][0][0]
        if group:  # the lease, then the whole run when the lease goes
            assert transactions == 2
        else:  # each checkpoint and each finished task's writes commit on their own
            assert transactions > 1 + checkpoints + 5
    assert saved[True] == saved[False]


def test_a_ticket_paused_for_review_saves_its_question_before_the_lease_goes(
    context: Context, tmp_path: Path
) -> None:
    database = tmp_path / "store.sqlite"
    message = "Please refund the duplicate charge of $450 on invoice INV-2291."
    with open_checkpointer(f"sqlite:///{database}") as saver:
        graph = build_graph(saver)
        run = run_ticket(graph, make_ticket(ticket_id="T-refund", message=message), context)
        assert run.snapshot.interrupts  # read inside the lease: it sees the kept writes
    with sqlite3.connect(database) as db:
        (waiting,) = db.execute(
            "SELECT count(*) FROM writes WHERE thread_id = 'T-refund' AND channel = '__interrupt__'"
        ).fetchone()
    assert waiting == 1  # on disk, where `review list` finds it


class Halves(TypedDict, total=False):
    done: Annotated[list[str], operator.add]


def test_a_step_failing_halfway_keeps_its_finished_tasks_writes(
    context: Context, tmp_path: Path
) -> None:
    # One step of two tasks: "steady" finishes, "flaky" fails. The lease's end saves what
    # was kept (the checkpoints, steady's writes, flaky's error), so the rerun runs only
    # the failed task.
    runs: list[str] = []
    failing = [True]

    def steady(state: Halves) -> Halves:
        runs.append("steady")
        return {"done": ["steady"]}

    def flaky(state: Halves) -> Halves:
        runs.append("flaky")
        if failing[0]:
            raise RuntimeError("the flaky task failed")
        return {"done": ["flaky"]}

    builder = StateGraph(Halves)
    builder.add_node("steady", steady)
    builder.add_node("flaky", flaky)
    builder.add_edge(START, "steady")
    builder.add_edge(START, "flaky")
    database = tmp_path / "store.sqlite"
    config = config_for("T-halves")
    with open_checkpointer(f"sqlite:///{database}") as saver:
        graph = builder.compile(checkpointer=fenced(saver))
        for attempt in (1, 2):
            try:
                with holding_lease(graph.checkpointer, "T-halves", group_writes=True):
                    with step_threads(context):
                        graph.invoke(
                            {} if attempt == 1 else None,
                            step_config(config, context),
                            durability="sync",
                        )
            except RuntimeError as error:
                assert attempt == 1 and "flaky task failed" in str(error)
                with sqlite3.connect(database) as db:
                    kept = {row[0] for row in db.execute("SELECT channel FROM writes")}
                assert {"done", "__error__"} <= kept
                failing[0] = False
        assert sorted(graph.get_state(config).values["done"]) == ["flaky", "steady"]
    assert sorted(runs) == ["flaky", "flaky", "steady"]  # steady ran once


KILLED_MIDWAY = """
import os, sys
from langgraph.graph import START, StateGraph
from supportgraph.checkpoints import open_checkpointer
from supportgraph.checkpoints.fence import fenced, holding_lease
from tests.test_store_trips import Halves

def first(state):
    return {"done": ["first"]}

def second(state):
    os._exit(9)  # the process is killed in the middle of the run

builder = StateGraph(Halves)
builder.add_node("first", first)
builder.add_node("second", second)
builder.add_edge(START, "first")
builder.add_edge("first", "second")
with open_checkpointer(sys.argv[1]) as saver:
    graph = builder.compile(checkpointer=fenced(saver))
    with holding_lease(graph.checkpointer, "T-killed", group_writes=True):
        graph.invoke({}, {"configurable": {"thread_id": "T-killed"}}, durability="sync")
"""


def test_a_run_killed_midway_leaves_nothing_half_saved_and_runs_again_whole(
    tmp_path: Path,
) -> None:
    # The price of one transaction per run: a kill loses the run's steps so far (tens of
    # milliseconds on the embedded engine), never part of them, and the rerun redoes them.
    url = f"sqlite:///{tmp_path / 'store.sqlite'}"
    killed = subprocess.run(
        [sys.executable, "-c", KILLED_MIDWAY, url], cwd=ROOT, capture_output=True, text=True
    )
    assert killed.returncode == 9, killed.stderr
    assert stored(tmp_path / "store.sqlite", "T-killed") == (0, 0)
    runs: list[str] = []

    def first(state: Halves) -> Halves:
        runs.append("first")
        return {"done": ["first"]}

    def second(state: Halves) -> Halves:
        runs.append("second")
        return {"done": ["second"]}

    builder = StateGraph(Halves)
    builder.add_node("first", first)
    builder.add_node("second", second)
    builder.add_edge(START, "first")
    builder.add_edge("first", "second")
    with open_checkpointer(url) as saver:  # the dead process's lease does not block it
        graph = builder.compile(checkpointer=fenced(saver))
        config = config_for("T-killed")
        with holding_lease(graph.checkpointer, "T-killed", group_writes=True):
            graph.invoke({}, config, durability="sync")
        assert graph.get_state(config).values["done"] == ["first", "second"]
    assert runs == ["first", "second"]
