"""History, replay (fork) and prune over real stores: memory, a SQLite file, PostgreSQL."""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from supportgraph.checkpoints import open_checkpointer
from supportgraph.cli.app import app
from supportgraph.graph.context import Context
from supportgraph.graph.errors import HistoryError
from supportgraph.graph.models import Ticket
from supportgraph.runs.build import build_graph
from supportgraph.runs.maintenance import history, replay
from supportgraph.runs.retention import prune, thread_bytes
from supportgraph.runs.runner import config_for, resume_review, run_batch, run_ticket
from supportgraph.tools.delivery.relay import LEDGER, Relay, delivered_keys

from .conftest import NOW, SAMPLES

runner = CliRunner()


def _before_triage(entries: list[Any]) -> str:
    return next(e.checkpoint_id for e in entries if e.next == ("triage",))


def test_history_names_the_node_behind_each_checkpoint(
    saver: Any, samples: dict[str, Ticket], context: Context
) -> None:
    support = build_graph(saver)
    run_ticket(support, samples["SUPPORT-002"], context)
    entries = history(support, "SUPPORT-002")
    assert entries[0].source == "input" and entries[0].step == -1
    assert [e.step for e in entries] == list(range(-1, len(entries) - 1))
    workers = [w for e in entries for w in e.wrote if w not in ("supervisor", "__start__")]
    assert workers == ["triage", "success", "knowledge", "respond"]
    assert entries[-1].next == () and all(e.current for e in entries)
    assert entries[0].created_at <= entries[-1].created_at


def test_history_of_an_unknown_ticket_says_so(saver: Any) -> None:
    with pytest.raises(HistoryError, match="unknown ticket NOPE"):
        history(build_graph(saver), "NOPE")


def test_replay_before_triage_with_a_stricter_threshold_forks_to_a_handoff(
    saver: Any, samples: dict[str, Ticket], context: Context
) -> None:
    support = build_graph(saver)
    original = run_ticket(support, samples["SUPPORT-002"], context).snapshot
    assert original.values["outcome"] == "replied"
    before = history(support, "SUPPORT-002")

    strict = Context(clock=lambda: NOW, low_confidence=1.0)
    forked = replay(support, "SUPPORT-002", _before_triage(before), strict)

    # Unsure now: the customer is told a person answers, and the person gets the ticket.
    assert forked.values["outcome"] == "handed_to_human" and forked.interrupts
    assert [m.key for m in forked.values["outbox"]][-3:] == [
        "SUPPORT-002/customer_reply/ack",
        "SUPPORT-002/internal_notification/Sales/handoff",  # the team the ack promises
        "SUPPORT-002/status_change/handed_to_human",
    ]
    handoff = forked.values["escalation"]
    assert [t.rule for t in handoff.triggers if t.kind == "handoff"] == ["low_triage_confidence"]
    after = history(support, "SUPPORT-002")
    kept = {e.checkpoint_id: e for e in after}
    assert all(e.checkpoint_id in kept for e in before)  # nothing of the original is lost
    old_final = support.get_state(original.config)  # the old head, read by its checkpoint id
    assert old_final.values["outcome"] == "replied"
    assert old_final.values["reply"].status == "sent"
    assert not kept[before[-1].checkpoint_id].current  # ... but it is no longer the head
    assert [e.source for e in after if e.current].count("fork") == 1


def test_replay_under_a_tighter_sla_policy_breaches_the_first_response(
    saver: Any, samples: dict[str, Ticket], context: Context, tmp_path: Path
) -> None:
    support = build_graph(saver)
    original = run_ticket(support, samples["SUPPORT-002"], context).snapshot
    assert not original.values["sla"].first_response_breached  # 4h allowed, 45m old
    targets = {
        p: {"first_response": "30m", "resolution": "4h"}
        for p in ("Critical", "High", "Medium", "Low")
    }
    policy = tmp_path / "tight.json"
    policy.write_text(json.dumps({"targets": targets}))

    start = _before_triage(history(support, "SUPPORT-002"))
    forked = replay(support, "SUPPORT-002", start, Context(clock=lambda: NOW, sla_policy=policy))

    sla = forked.values["sla"]
    assert sla.first_response_breached
    assert sla.first_response_due == samples["SUPPORT-002"].submitted_at + timedelta(minutes=30)


def test_replay_refuses_unknown_and_final_checkpoints(
    saver: Any, samples: dict[str, Ticket], context: Context
) -> None:
    support = build_graph(saver)
    run_ticket(support, samples["SUPPORT-002"], context)
    final = history(support, "SUPPORT-002")[-1].checkpoint_id
    with pytest.raises(HistoryError, match="has no checkpoint nope"):
        replay(support, "SUPPORT-002", "nope", context)
    with pytest.raises(HistoryError, match="finished at checkpoint"):
        replay(support, "SUPPORT-002", final, context)


def test_prune_keeps_the_newest_checkpoints_and_every_ticket_waiting_for_review(
    saver: Any, samples: dict[str, Ticket], context: Context, checkpoint_url: str
) -> None:
    support = build_graph(saver)
    run_batch(support, samples.values(), context)
    if checkpoint_url == "memory://":
        with pytest.raises(HistoryError, match="keeps nothing between runs"):
            prune(support, saver, keep_last=2, older_than=timedelta(days=30), now=NOW)
        return
    now = datetime.now(UTC)
    fresh = prune(support, saver, keep_last=2, older_than=timedelta(days=30), now=now)
    assert fresh.checkpoints_deleted == 0  # nothing is 30 days old yet

    sizes = {t: thread_bytes(saver, t) or 0 for t in samples}
    report = prune(
        support, saver, keep_last=2, older_than=timedelta(days=30), now=now + timedelta(days=31)
    )

    assert report.kept_unfinished == ("SUPPORT-001", "SUPPORT-004")
    assert report.threads_pruned == 3 and report.checkpoints_deleted > 0
    for ticket_id in samples:
        left = len(list(saver.list(config_for(ticket_id))))
        state = support.get_state(config_for(ticket_id))
        if ticket_id in report.kept_unfinished:
            assert state.interrupts and left > 2  # still waiting, history whole
            assert thread_bytes(saver, ticket_id) == sizes[ticket_id]
        else:
            assert left == 2 and state.values["outcome"] == "replied"
            assert (thread_bytes(saver, ticket_id) or 0) < sizes[ticket_id]
            assert (thread_bytes(saver, ticket_id) or 0) <= 20 * 1024  # the size goal
    # a pruned ticket is still finished: running it again does nothing
    assert run_ticket(support, samples["SUPPORT-002"], context).status == "already_done"


def test_prune_refuses_to_drop_a_ticket_final_state(saver: Any) -> None:
    with pytest.raises(HistoryError, match="at least 1"):
        prune(build_graph(saver), saver, keep_last=0, older_than=timedelta(0), now=NOW)


def _cli(*args: str) -> Any:
    return runner.invoke(app, list(args))


def test_cli_history_replay_and_prune_on_a_sqlite_file(tmp_path: Path) -> None:
    db = tmp_path / "cp.sqlite"
    url = f"sqlite:///{db}"
    assert _cli("run", str(SAMPLES), "--out", str(tmp_path / "out"), "-c", url).exit_code == 0

    listed = _cli("history", "SUPPORT-002", "-c", url)
    assert listed.exit_code == 0, listed.output
    assert "triage" in listed.output and "(finished)" in listed.output
    assert "9 checkpoints" in listed.output and "bytes" in listed.output
    with sqlite3.connect(db) as conn:
        before_triage = conn.execute(
            "SELECT checkpoint_id FROM checkpoints WHERE thread_id = 'SUPPORT-002' ORDER BY checkpoint_id"
        ).fetchall()[2][0]
    assert before_triage in listed.output  # ids print whole, ready for --from

    replayed = _cli(
        "replay", "SUPPORT-002", "--from", before_triage, "--low-confidence", "1.0", "-c", url
    )
    assert replayed.exit_code == 0, replayed.output
    assert "replied → waiting_for_review" in replayed.output  # unsure now: a person answers

    kept = _cli("prune", "--keep-last", "2", "--older-than", "30d", "-c", url)
    assert kept.exit_code == 0 and "Deleted 0 checkpoints" in kept.output
    size = db.stat().st_size
    pruned = _cli("prune", "--keep-last", "2", "--older-than", "0s", "-c", url)
    assert pruned.exit_code == 0, pruned.output
    assert "from 2 finished tickets" in pruned.output  # 002 now waits for a person's answer
    assert "(SUPPORT-001, SUPPORT-002, SUPPORT-004)" in pruned.output
    assert db.stat().st_size < size  # VACUUM gave the space back to the file system


def test_cli_history_on_a_missing_database_says_what_to_do(tmp_path: Path) -> None:
    result = _cli("history", "SUPPORT-001", "-c", f"sqlite:///{tmp_path / 'nope.sqlite'}")
    assert result.exit_code == 2
    assert "no checkpoint database at" in result.output and "supportgraph run" in result.output
    assert not (tmp_path / "nope.sqlite").exists()  # looking does not create it


def test_cli_replay_of_an_unknown_ticket_says_so(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'cp.sqlite'}"
    assert _cli("prune", "-c", url).exit_code == 2  # no database yet: nothing is created
    with open_checkpointer(url):
        pass
    result = _cli("replay", "NOPE", "--from", "x", "-c", url)
    assert result.exit_code == 2 and "unknown ticket NOPE" in result.output


def test_cli_prune_rejects_a_bad_age(tmp_path: Path) -> None:
    result = _cli("prune", "--older-than", "a month", "-c", f"sqlite:///{tmp_path / 'x.sqlite'}")
    assert result.exit_code == 2 and "--older-than" in result.output


def test_replay_then_edit_delivers_exactly_one_new_reply(
    saver: Any, samples: dict[str, Ticket], context: Context, tmp_path: Path
) -> None:
    support = build_graph(saver)
    out = tmp_path / "out"
    original = run_ticket(support, samples["SUPPORT-002"], context).snapshot
    Relay(out).deliver(original.values["outbox"])
    strict = Context(clock=lambda: NOW, low_confidence=1.0)
    forked = replay(support, "SUPPORT-002", _before_triage(history(support, "SUPPORT-002")), strict)
    Relay(out).deliver(forked.values["outbox"])  # the hand-over acknowledgement
    before = delivered_keys(out / LEDGER)

    answer = {"action": "edit", "reviewer": "dana", "reply": "Hi Leo, Growth has 600 requests/min."}
    edited = resume_review(support, "SUPPORT-002", answer, strict)
    assert Relay(out).deliver(edited.values["outbox"]) >= 1
    assert Relay(out).deliver(edited.values["outbox"]) == 0  # delivered once, not again

    lines = [json.loads(line) for line in (out / LEDGER).read_text().splitlines()]
    new = [
        line for line in lines if line["key"] not in before and line["action"] == "customer_reply"
    ]
    assert [line["body"] for line in new] == [answer["reply"]]
    replies = [line["key"] for line in lines if line["action"] == "customer_reply"]
    assert len(replies) == len(set(replies)) == 3  # the first answer, the ack, the edit
