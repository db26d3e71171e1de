"""SIGKILL at random moments, rerun: no ticket lost, no reply delivered twice (small `make crash-test`)."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from supportgraph.checkpoints import open_checkpointer
from supportgraph.graph.context import Context
from supportgraph.graph.models import Ticket
from supportgraph.runs.build import build_graph
from supportgraph.runs.runner import config_for, run_ticket

from .conftest import ROOT


@pytest.mark.slow
def test_killed_runs_resume_without_loss_or_duplicates(tmp_path: Path) -> None:
    result = subprocess.run(
        [
            sys.executable,
            str(ROOT / "scripts" / "crash_test.py"),
            "--tickets",
            "25",
            "--kills",
            "2",
            "--workdir",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "tickets: 25" in result.stdout
    assert "duplicate keys: 0" in result.stdout
    assert "tickets with two delivered replies: 0" in result.stdout


def test_a_kill_between_a_nodes_writes_and_the_next_checkpoint_is_resumed(
    tmp_path: Path, samples: dict[str, Ticket], context: Context
) -> None:
    """The crash window `make crash-test` found: writes saved, next checkpoint not.

    LangGraph then reports ``next == ()`` although the graph has a step left; the
    runner must resume the ticket, not count it as finished.
    """
    ticket = samples["SUPPORT-002"]  # replied without review
    url = f"sqlite:///{tmp_path / 'cp.sqlite'}"
    with open_checkpointer(url) as saver:
        graph = build_graph(saver)
        finished = run_ticket(graph, ticket, context).snapshot
        after_knowledge = next(
            s
            for s in graph.get_state_history(config_for(ticket.ticket_id, None))
            if s.next == ("supervisor",) and "knowledge" in s.values and "reply" not in s.values
        )
    # Cut the thread back to that checkpoint, keeping the supervisor's saved writes.
    keep = after_knowledge.config["configurable"]["checkpoint_id"]
    with sqlite3.connect(tmp_path / "cp.sqlite") as db:
        for table in ("checkpoints", "writes"):
            db.execute(f"DELETE FROM {table} WHERE checkpoint_id > ?", (keep,))

    with open_checkpointer(url) as saver:
        graph = build_graph(saver)
        cut = graph.get_state(config_for(ticket.ticket_id, None))
        assert cut.next == () and [t.name for t in cut.tasks] == ["supervisor"]
        assert "reply" not in cut.values

        run = run_ticket(graph, ticket, context)
    assert run.status == "resumed"
    assert not run.snapshot.tasks and run.snapshot.values["outcome"] == "replied"
    assert run.snapshot.values["reply"].text == finished.values["reply"].text
