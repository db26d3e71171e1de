"""The review inbox: what waits, for whom, how urgent; reassign and the audit log."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from supportgraph.checkpoints import open_checkpointer
from supportgraph.graph.context import Context
from supportgraph.graph.errors import ReviewError
from supportgraph.graph.models import Ticket
from supportgraph.runs.build import build_graph
from supportgraph.runs.inbox import pending_reviews
from supportgraph.runs.runner import resume_review, run_batch

from .conftest import NOW, ROOT


@pytest.fixture
def waiting(saver: Any, samples: dict[str, Ticket], context: Context) -> Any:
    support = build_graph(saver)
    run_batch(support, list(samples.values()), context)
    return support


def test_inbox_lists_every_waiting_ticket_most_urgent_first(waiting: Any) -> None:
    reviews = pending_reviews(waiting, NOW)
    assert [(r.ticket_id, r.team) for r in reviews] == [
        ("SUPPORT-001", "Engineering"),
        ("SUPPORT-004", "Billing"),
    ]
    outage = reviews[0]  # High: 30 minutes old, a 1-hour first-response target
    assert outage.time_left == timedelta(minutes=30)
    assert "approve_reply" in outage.asks and outage.reasons[0].startswith("person_needed")


def test_the_store_names_the_waiting_threads_without_reading_the_finished_ones(
    waiting: Any, checkpoint_url: str, context: Context
) -> None:
    from supportgraph.checkpoints.index import thread_ids, waiting_thread_ids

    everything = ["SUPPORT-001", "SUPPORT-002", "SUPPORT-003", "SUPPORT-004", "SUPPORT-005"]
    assert thread_ids(waiting.checkpointer) == everything
    if checkpoint_url == "memory://":  # no SQL to ask: every thread is a candidate
        assert waiting_thread_ids(waiting.checkpointer) == everything
        return
    # SQLite and PostgreSQL answer from their tables: the paused threads only
    assert waiting_thread_ids(waiting.checkpointer) == ["SUPPORT-001", "SUPPORT-004"]
    resume_review(waiting, "SUPPORT-004", {"action": "approve", "reviewer": "kim"}, context)
    assert waiting_thread_ids(waiting.checkpointer) == ["SUPPORT-001"]
    assert [r.ticket_id for r in pending_reviews(waiting, NOW)] == ["SUPPORT-001"]


def test_the_store_gives_the_same_state_and_interrupts_as_the_graph(waiting: Any) -> None:
    from supportgraph.checkpoints.index import thread_ids
    from supportgraph.runs.inbox import stored_state

    for thread in thread_ids(waiting.checkpointer):
        snapshot = waiting.get_state({"configurable": {"thread_id": thread}})
        stored = stored_state(waiting.checkpointer, thread)
        # the graph also shows list channels no step has written yet, as []
        written = {k: v for k, v in snapshot.values.items() if v != []}
        assert stored is not None and stored.values == written, thread
        assert [(i.id, i.value) for i in stored.interrupts] == [
            (i.id, i.value) for i in snapshot.interrupts
        ], thread
    assert stored_state(waiting.checkpointer, "NO-SUCH-TICKET") is None


def test_inbox_filters_by_team_ticket_age_and_time_in_queue(waiting: Any) -> None:
    assert [r.ticket_id for r in pending_reviews(waiting, NOW, team="billing")] == ["SUPPORT-004"]
    # SUPPORT-004 was written an hour before NOW, SUPPORT-001 half an hour; both reached
    # the queue at NOW, when they were run.
    older = pending_reviews(waiting, NOW, older_than=timedelta(minutes=45))
    assert [(r.ticket_id, NOW - r.submitted_at) for r in older] == [
        ("SUPPORT-004", timedelta(hours=1))
    ]
    assert pending_reviews(waiting, NOW, waiting_longer_than=timedelta(minutes=45)) == []
    later = NOW + timedelta(hours=1)
    waited = pending_reviews(waiting, later, waiting_longer_than=timedelta(minutes=45))
    assert [r.ticket_id for r in waited] == ["SUPPORT-001", "SUPPORT-004"]
    assert [
        r.ticket_id for r in pending_reviews(waiting, later, older_than=timedelta(hours=2))
    ] == ["SUPPORT-004"]


def test_reassign_keeps_the_ticket_waiting_for_the_new_team(waiting: Any, context: Context) -> None:
    answer = {"action": "reassign", "team": "Success", "reviewer": "lee", "reason": "key account"}
    snapshot = resume_review(waiting, "SUPPORT-004", answer, context)
    assert snapshot.interrupts and snapshot.interrupts[0].value["team"] == "Success"
    assert [r.team for r in pending_reviews(waiting, NOW, team="Success")] == ["Success"]
    done = resume_review(waiting, "SUPPORT-004", {"action": "approve", "reviewer": "max"}, context)
    audit = [(d.action, d.reviewer) for d in done.values["audit"]]
    assert audit == [("reassign", "lee"), ("approve", "max")]


def test_double_approve_and_unknown_interrupt_are_refused(waiting: Any, context: Context) -> None:
    with pytest.raises(ReviewError, match="no pending review nope"):
        resume_review(waiting, "SUPPORT-004", {"action": "approve"}, context, interrupt_id="nope")
    resume_review(waiting, "SUPPORT-004", {"action": "approve"}, context)
    with pytest.raises(ReviewError, match="is finished"):
        resume_review(waiting, "SUPPORT-004", {"action": "approve"}, context)


def test_ticket_that_never_asked_cannot_be_approved(waiting: Any, context: Context) -> None:
    with pytest.raises(ReviewError, match="SUPPORT-002 is finished; nothing to approve"):
        resume_review(waiting, "SUPPORT-002", {"action": "approve"}, context)


def test_cli_inbox_and_audit_trail(tmp_path: Path, samples: dict[str, Ticket]) -> None:
    url = f"sqlite:///{tmp_path / 'cp.sqlite'}"
    with open_checkpointer(url) as saver:
        run_batch(build_graph(saver), list(samples.values()), Context())
    env = os.environ | {"SUPPORTGRAPH_HOME": str(tmp_path)}

    def cli(*args: str) -> subprocess.CompletedProcess[str]:
        command = [sys.executable, "-m", "supportgraph.cli", *args, "--checkpoint", url]
        return subprocess.run(
            command, capture_output=True, text=True, env=env, cwd=ROOT, timeout=120
        )

    listed = cli("review", "list", "--team", "Billing")
    assert "SUPPORT-004" in listed.stdout and "SUPPORT-001" not in listed.stdout
    moved = cli("review", "reassign", "SUPPORT-004", "--team", "Legal", "--reviewer", "ana")
    assert moved.returncode == 0, moved.stderr
    assert "Legal" in cli("review", "list").stdout
    rejected = cli(
        "review",
        "reject",
        "SUPPORT-004",
        "--reason",
        "refund issued by phone",
        "--out",
        str(tmp_path / "out"),
    )
    assert rejected.returncode == 0, rejected.stderr
    record = json.loads(cli("show", "SUPPORT-004", "--json").stdout)
    assert [(a["action"], a["reviewer"]) for a in record["audit"]] == [
        ("reassign", "ana"),
        ("reject", "reviewer"),
    ]
    assert record["outcome"] == "handed_to_human"
    unknown = cli("review", "approve", "NOPE-1")
    assert unknown.returncode == 2 and "unknown ticket NOPE-1" in unknown.stderr


def test_review_commands_refuse_a_store_that_does_not_exist(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'typo.sqlite'}"
    for args in (["review", "list"], ["review", "approve", "SUPPORT-004"], ["show", "SUPPORT-004"]):
        done = subprocess.run(
            [sys.executable, "-m", "supportgraph.cli", *args, "--checkpoint", url],
            capture_output=True,
            text=True,
            cwd=ROOT,
            timeout=120,
        )
        assert done.returncode == 2, args
        assert "no checkpoint database at" in done.stderr
    assert not (tmp_path / "typo.sqlite").exists()
