"""One writer per ticket: a second process gets a clear error instead of forking history."""

from __future__ import annotations

import asyncio
import socket
import subprocess
import sys
import threading
from collections import Counter
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from langchain_core.runnables import RunnableConfig
from langgraph.types import Command

from supportgraph.checkpoints import open_checkpointer
from supportgraph.checkpoints.fence import FencedSaver
from supportgraph.graph.context import Context
from supportgraph.graph.errors import TicketBusyError
from supportgraph.graph.models import Ticket
from supportgraph.runs.build import build_graph
from supportgraph.runs.maintenance import history, replay
from supportgraph.runs.runner import config_for, resume_review, run_ticket

from .pg_server import PostgresServer


def test_ticket_held_by_another_process_is_refused(
    saver: Any, samples: dict[str, Ticket], context: Context
) -> None:
    support = build_graph(saver)
    fenced: FencedSaver = support.checkpointer  # type: ignore[assignment]
    with fenced.lease("SUPPORT-002", owner="other-host:4242"):
        with pytest.raises(
            TicketBusyError, match="SUPPORT-002 is being processed by other-host:4242"
        ):
            run_ticket(support, samples["SUPPORT-002"], context)
    assert run_ticket(support, samples["SUPPORT-002"], context).status == "processed"


def test_lease_of_a_dead_process_is_taken_over(
    saver: Any, samples: dict[str, Ticket], context: Context
) -> None:
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    support = build_graph(saver)
    fenced: FencedSaver = support.checkpointer  # type: ignore[assignment]
    fenced.leases.acquire("SUPPORT-002", f"{socket.gethostname()}:{dead.pid}")
    assert run_ticket(support, samples["SUPPORT-002"], context).status == "processed"


def test_stale_writer_cannot_write_after_a_takeover(
    saver: Any, samples: dict[str, Ticket], context: Context
) -> None:
    support = build_graph(saver)
    fenced: FencedSaver = support.checkpointer  # type: ignore[assignment]
    run_ticket(support, samples["SUPPORT-004"], context)  # now waiting for review
    history = len(list(support.get_state_history(config_for("SUPPORT-004"))))
    with fenced.lease("SUPPORT-004", owner="slow-host:1", ttl=timedelta(0)):  # runs out at once
        fenced.leases.acquire("SUPPORT-004", "fast-host:3")  # another process takes over
        with pytest.raises(TicketBusyError, match="taken over by fast-host:3"):
            support.invoke(None, config_for("SUPPORT-004"), context=context)
    assert len(list(support.get_state_history(config_for("SUPPORT-004")))) == history


def test_second_process_resuming_the_same_ticket_gets_a_clear_error(
    tmp_path: Path, samples: dict[str, Ticket]
) -> None:
    url = f"sqlite:///{tmp_path / 'cp.sqlite'}"
    with open_checkpointer(url) as saver:
        support = build_graph(saver)
        run_ticket(support, samples["SUPPORT-004"], Context())
        fenced: FencedSaver = support.checkpointer  # type: ignore[assignment]
        with fenced.lease("SUPPORT-004"):  # this process is "busy" with the ticket
            other = subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "supportgraph.cli",
                    "review",
                    "approve",
                    "SUPPORT-004",
                    "--checkpoint",
                    url,
                    "--out",
                    str(tmp_path),
                ],
                capture_output=True,
                text=True,
                timeout=120,
            )
        assert other.returncode == 2
        assert "SUPPORT-004 is being processed by" in other.stderr
        assert (
            resume_review(support, "SUPPORT-004", {"action": "approve"}, Context()).values[
                "outcome"
            ]
            == "replied"
        )


@pytest.fixture(params=["sqlite", "postgres"], ids=["sqlite", "postgres"])
def shared_store(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A store two connections (two would-be writers) open at once."""
    if request.param == "postgres":
        server: PostgresServer = request.getfixturevalue("postgres_server")
        return server.create_database()
    return f"sqlite:///{tmp_path / 'shared.sqlite'}"


def _forks(saver: Any, config: RunnableConfig) -> list[str]:
    """Checkpoints that two later checkpoints continue from: where the history forked."""
    parents = Counter(
        t.parent_config["configurable"]["checkpoint_id"]
        for t in saver.list(config)
        if t.parent_config
    )
    return [checkpoint for checkpoint, children in parents.items() if children > 1]


def test_takeover_cannot_land_between_the_fence_check_and_the_write(
    shared_store: str, samples: dict[str, Ticket], context: Context, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = config_for("SUPPORT-004")
    with open_checkpointer(shared_store) as slow_saver, open_checkpointer(shared_store) as saver:
        slow, fast = build_graph(slow_saver), build_graph(saver)
        slow_fence: FencedSaver = slow.checkpointer  # type: ignore[assignment]
        fast_fence: FencedSaver = fast.checkpointer  # type: ignore[assignment]
        took_over, fast_done, slow_done = threading.Event(), threading.Event(), threading.Event()
        failures: list[BaseException] = []

        def take_over_and_continue() -> None:  # a second process, on its own connection
            try:
                with fast_fence.lease("SUPPORT-004", owner="fast-host:3"):
                    took_over.set()
                    fast.invoke(None, config, context=context, durability="sync")
                    # Hold the lease until the slow process has tried its next write: had it
                    # been released first, the refusal would name nobody instead of the taker.
                    slow_done.wait(timeout=60)
            except BaseException as exc:  # handed to the test thread below
                failures.append(exc)
            finally:
                fast_done.set()

        taker = threading.Thread(target=take_over_and_continue)
        in_window: list[bool] = []
        writes = 0
        write = slow_fence.inner.put

        def write_after_a_takeover_attempt(*args: Any) -> Any:
            # Runs after the fence found the lease current, before the checkpoint is written.
            nonlocal writes
            writes += 1
            if writes == 3:
                taker.start()
                in_window.append(took_over.wait(timeout=1.0))
                if in_window[-1]:
                    fast_done.wait(timeout=60)  # the taker wrote its own continuation meanwhile
            return write(*args)

        fenced_put = slow_fence.put

        def put_then_let_the_taker_in(*args: Any) -> Any:
            saved = fenced_put(*args)  # checked and written: the taker may come in now
            if taker.is_alive():
                took_over.wait(timeout=60)
            return saved

        monkeypatch.setattr(slow_fence.inner, "put", write_after_a_takeover_attempt)
        monkeypatch.setattr(slow_fence, "put", put_then_let_the_taker_in)
        with slow_fence.lease("SUPPORT-004", owner="slow-host:1", ttl=timedelta(0)):
            try:
                with pytest.raises(TicketBusyError) as refused:
                    slow.invoke(
                        {"ticket": samples["SUPPORT-004"]},
                        config,
                        context=context,
                        durability="sync",
                    )
            finally:
                slow_done.set()
        taker.join(timeout=60)
        assert not failures, failures
        assert not _forks(saver, config)  # the taker went on from the last write, nobody else
        assert in_window == [False]  # the takeover waited for the write in flight
        assert "taken over by fast-host:3" in str(refused.value)  # the next write was refused
        assert fast.get_state(config).next == ("human_review",)


def test_ainvoke_and_astream_run_on_a_fenced_saver(
    saver: Any, samples: dict[str, Ticket], context: Context
) -> None:
    support = build_graph(saver)
    fence: FencedSaver = support.checkpointer  # type: ignore[assignment]
    config = config_for("SUPPORT-004")

    async def review_round_trip() -> tuple[Any, list[str]]:
        with fence.lease("SUPPORT-004"):
            paused = await support.ainvoke(
                {"ticket": samples["SUPPORT-004"]}, config, context=context, durability="sync"
            )
        with fence.lease("SUPPORT-004"):
            steps = [
                next(iter(chunk))
                async for chunk in support.astream(
                    Command(resume={"action": "approve"}), config, context=context
                )
            ]
        return paused, steps

    paused, steps = asyncio.run(review_round_trip())
    assert "__interrupt__" in paused
    assert steps[:2] == ["human_review", "supervisor"] and "respond" in steps
    assert support.get_state(config).values["outcome"] == "replied"
    history = len(list(support.get_state_history(config)))

    async def stale_resume() -> None:
        with fence.lease("SUPPORT-004", owner="slow-host:1", ttl=timedelta(0)):
            fence.leases.acquire("SUPPORT-004", "fast-host:3")
            await support.ainvoke({"ticket": samples["SUPPORT-004"]}, config, context=context)

    with pytest.raises(TicketBusyError, match="taken over by fast-host:3"):
        asyncio.run(stale_resume())
    assert len(list(support.get_state_history(config))) == history


def test_replay_waits_for_the_process_holding_the_ticket(
    saver: Any, samples: dict[str, Ticket], context: Context
) -> None:
    support = build_graph(saver)
    fence: FencedSaver = support.checkpointer  # type: ignore[assignment]
    run_ticket(support, samples["SUPPORT-002"], context)
    before = history(support, "SUPPORT-002")
    start = next(e.checkpoint_id for e in before if e.next == ("triage",))
    with fence.lease("SUPPORT-002", owner="other-host:4242"):
        with pytest.raises(TicketBusyError, match="SUPPORT-002 is being processed by other-host"):
            replay(support, "SUPPORT-002", start, context)
    assert history(support, "SUPPORT-002") == before
    assert replay(support, "SUPPORT-002", start, context).values["outcome"] == "replied"


def test_a_tickets_steps_reach_the_disk_before_its_lease_is_given_back(
    samples: dict[str, Ticket], context: Context, tmp_path: Path
) -> None:
    """Steps are committed without waiting for the disk; releasing the lease waits for it.

    So a run killed mid-ticket loses nothing (the OS holds the commits), and a power
    cut can only roll back a ticket that has not been delivered yet: the runner
    delivers after the release, whose FULL commit syncs the log up to it.
    """
    with open_checkpointer(f"sqlite:///{tmp_path / 'cp.sqlite'}") as saver:
        conn = saver.conn  # type: ignore[attr-defined]
        statements: list[str] = []
        conn.set_trace_callback(statements.append)
        run = run_ticket(build_graph(saver), samples["SUPPORT-002"], context)
        conn.set_trace_callback(None)
        level = conn.execute("PRAGMA synchronous").fetchone()[0]
    assert run.status == "processed"
    assert level == 1  # NORMAL for the steps
    fulls = [n for n, s in enumerate(statements) if s == "PRAGMA synchronous=FULL"]
    writes = [n for n, s in enumerate(statements) if s.startswith("INSERT")]
    assert len(fulls) == 1 and writes and max(writes) < fulls[0]
    released = statements[fulls[0] + 1 : statements.index("PRAGMA synchronous=1", fulls[0])]
    assert [s.split(" WHERE")[0] for s in released] == [
        "BEGIN ",
        "DELETE FROM supportgraph_leases",
        "COMMIT",
    ]
