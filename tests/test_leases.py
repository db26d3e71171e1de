"""One writer per ticket: a second process gets a clear error instead of forking history."""

from __future__ import annotations

import socket
import subprocess
import sys
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from supportgraph.checkpoints import open_checkpointer
from supportgraph.checkpoints.fence import FencedSaver
from supportgraph.graph.builder import build_graph
from supportgraph.graph.context import Context
from supportgraph.graph.errors import TicketBusyError
from supportgraph.graph.models import Ticket
from supportgraph.graph.runner import config_for, resume_review, run_ticket


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
