"""One ticket, one failure: whatever goes wrong with a ticket is its own recorded outcome.

An unexpected exception while running one ticket, another process holding it, or a
delivery that cannot be made never stops the batch, never prints a traceback, and
never costs the other tickets their reports or deliveries.
"""

from __future__ import annotations

import json
import threading
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from supportgraph.checkpoints import open_checkpointer
from supportgraph.checkpoints.fence import FencedSaver
from supportgraph.cli.app import app
from supportgraph.graph.context import Context
from supportgraph.graph.models import Ticket
from supportgraph.runs.build import build_graph
from supportgraph.runs.runner import run_batch
from supportgraph.tools.triage import engines
from supportgraph.tools.triage.engines import engine_for

from .conftest import NOW, SAMPLES

runner = CliRunner()


@pytest.fixture
def boom_on_003(monkeypatch: pytest.MonkeyPatch) -> None:
    """Triage raises an unexpected error for SUPPORT-003 only (a bug, not bad input)."""

    class Exploding:
        def __init__(self, engine: Any) -> None:
            self.engine = engine

        def triage(self, ticket: Ticket) -> Any:
            if ticket.ticket_id == "SUPPORT-003":
                raise ZeroDivisionError("division by zero in a classifier")
            return self.engine.triage(ticket)

        def load_ahead(self) -> None:
            self.engine.load_ahead()

    # The triage node looks the engine up when it runs (tools/triage/engines.py is heavy to import).
    monkeypatch.setattr(engines, "engine_for", lambda context: Exploding(engine_for(context)))


@pytest.mark.usefixtures("boom_on_003")
def test_unexpected_error_fails_only_that_ticket_and_logs_the_traceback(
    samples: dict[str, Ticket], context: Context, tmp_path: Path
) -> None:
    tickets = [samples[t] for t in ("SUPPORT-002", "SUPPORT-003", "SUPPORT-005")]
    with open_checkpointer("memory://") as saver:
        runs = run_batch(build_graph(saver), tickets, context)
    assert [r.status for r in runs] == ["processed", "failed", "processed"]
    failed = runs[1]
    assert failed.error is not None
    assert failed.error.startswith("unexpected ZeroDivisionError: division by zero in a classifier")
    log = Path(failed.error.rsplit("traceback in ", 1)[1])
    assert log.parent == tmp_path / "home" / "logs"
    assert "Traceback (most recent call last)" in log.read_text()
    assert "running ticket SUPPORT-003" in log.read_text()


@pytest.mark.usefixtures("boom_on_003")
def test_cli_reports_the_failed_ticket_and_still_writes_every_report(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = runner.invoke(
        app, ["run", str(SAMPLES), "--out", str(out), "-c", f"sqlite:///{tmp_path / 'cp.sqlite'}"]
    )
    assert result.exit_code == 1
    assert result.exception is None or isinstance(result.exception, SystemExit)
    said = " ".join(result.stderr.split())
    assert "failed: SUPPORT-003: unexpected ZeroDivisionError" in said
    assert "Traceback" not in result.output
    [folder] = out.glob("customer_support_*")
    lines = [json.loads(line) for line in (folder / "tickets.jsonl").read_text().splitlines()]
    outcomes = {r["ticket_id"]: r["outcome"] for r in lines}
    assert outcomes["SUPPORT-003"] == "failed"
    assert outcomes["SUPPORT-002"] == outcomes["SUPPORT-005"] == "replied"
    sent = (out / "sent.jsonl").read_text()
    assert "SUPPORT-002/customer_reply" in sent and "SUPPORT-003" not in sent


def test_ticket_held_by_another_process_is_waited_for_not_failed(
    tmp_path: Path, samples: dict[str, Ticket], context: Context
) -> None:
    url = f"sqlite:///{tmp_path / 'cp.sqlite'}"
    with open_checkpointer(url) as saver:
        support = build_graph(saver)
        fenced: FencedSaver = support.checkpointer  # type: ignore[assignment]
        held = threading.Event()

        def other_process() -> None:
            with fenced.lease("SUPPORT-002", owner="other-host:4242"):
                held.set()
                time.sleep(1.0)

        other = threading.Thread(target=other_process)
        other.start()
        held.wait()
        runs = run_batch(
            support,
            [samples["SUPPORT-002"], samples["SUPPORT-005"]],
            context,
            busy_wait=timedelta(seconds=20),
        )
        other.join()
    assert [r.ticket_id for r in runs] == ["SUPPORT-002", "SUPPORT-005"]  # input order kept
    assert [r.status for r in runs] == ["processed", "processed"]


def test_a_lease_held_past_the_wait_is_busy_not_failed(
    saver: Any, samples: dict[str, Ticket], context: Context
) -> None:
    support = build_graph(saver)
    fenced: FencedSaver = support.checkpointer  # type: ignore[assignment]
    with fenced.lease("SUPPORT-002", owner="other-host:4242"):
        [run] = run_batch(support, [samples["SUPPORT-002"]], context, busy_wait=timedelta(0))
    assert run.status == "busy" and run.error is None
    assert run.note is not None and "being processed by other-host:4242" in run.note


def test_reassign_sends_nothing_and_writes_no_ledger(
    tmp_path: Path, samples: dict[str, Ticket], monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"sqlite:///{tmp_path / 'cp.sqlite'}"
    with open_checkpointer(url) as saver:
        run_batch(build_graph(saver), [samples["SUPPORT-004"]], Context(clock=lambda: NOW))
    monkeypatch.chdir(tmp_path)
    moved = runner.invoke(
        app,
        ["review", "reassign", "SUPPORT-004", "--team", "Legal", "--reviewer", "ana", "-c", url],
    )
    assert moved.exit_code == 0, moved.output
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("name", ["", "   ", "\t"], ids=["empty", "spaces", "tab"])
def test_blank_reviewer_is_refused_with_one_line(tmp_path: Path, name: str) -> None:
    url = f"sqlite:///{tmp_path / 'cp.sqlite'}"
    result = runner.invoke(
        app,
        ["review", "approve", "SUPPORT-004", "--reviewer", name, "-c", url, "--out", str(tmp_path)],
    )
    assert result.exit_code == 2
    assert (
        result.stderr.strip() == "error: --reviewer is empty; say who decided, e.g. --reviewer dana"
    )


def test_out_that_is_a_file_is_refused_before_any_ticket(tmp_path: Path) -> None:
    taken = tmp_path / "report.txt"
    taken.write_text("not a folder")
    result = runner.invoke(app, ["run", str(SAMPLES), "--out", str(taken)])
    assert result.exit_code == 2
    assert "is a file; pass a folder for the reports and sent.jsonl" in " ".join(
        result.stderr.split()
    )
    assert taken.read_text() == "not a folder"
