"""A run of any size holds one ticket at a time: nothing per ticket piles up in memory.

``supportgraph run`` on 100,000 tickets must stay within a flat memory budget, so each
stage that sees every ticket is checked here for what it keeps: the runner yields each
run and keeps none; the ticket file is read one record at a time; the reports are
written from the run's spool on disk. The memory checks compare tracemalloc peaks for
N and 2N tickets (no timing), so a stage that starts keeping a list fails them.
"""

from __future__ import annotations

import gc
import json
import os
import subprocess
import sys
import tracemalloc
import weakref
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from supportgraph.checkpoints import open_checkpointer
from supportgraph.cli.run_command import print_table
from supportgraph.graph.context import Context
from supportgraph.graph.models import Ticket
from supportgraph.reports.records import ticket_record
from supportgraph.reports.spool import RecordSpool
from supportgraph.reports.writer import write_reports
from supportgraph.runs.build import build_graph
from supportgraph.runs.runner import TicketRun, run_batch, stream_batch
from supportgraph.tools.tickets.intake import open_tickets

from .conftest import NOW, SAMPLES


def _copies(samples: dict[str, Ticket], count: int) -> list[Ticket]:
    """``count`` tickets cycling through the samples, each with its own id."""
    base = list(samples.values())
    return [
        base[n % len(base)].model_copy(update={"ticket_id": f"VOL-{n:04d}"}) for n in range(count)
    ]


def test_stream_batch_reads_one_ticket_ahead_of_none_and_keeps_no_run(
    samples: dict[str, Ticket], context: Context, tmp_path: Path
) -> None:
    tickets = _copies(samples, 4)
    pulled = 0

    def lazily() -> Iterator[Ticket]:
        nonlocal pulled
        for ticket in tickets:
            pulled += 1
            yield ticket

    alive: list[weakref.ref[TicketRun]] = []
    seen: list[tuple[str, str, int]] = []
    with open_checkpointer(f"sqlite:///{tmp_path / 'cp.sqlite'}") as saver:
        for run in stream_batch(build_graph(saver), lazily(), context):
            seen.append((run.ticket_id, run.status, pulled))
            alive.append(weakref.ref(run))
            del run
            gc.collect()
            # Every earlier run is gone: the runner keeps none of them.
            assert [r() is None for r in alive[:-1]] == [True] * (len(alive) - 1)
    assert seen == [(t.ticket_id, "processed", n) for n, t in enumerate(tickets, start=1)]


def test_run_batch_still_gives_every_run_in_ticket_order(
    samples: dict[str, Ticket], context: Context, tmp_path: Path
) -> None:
    tickets = _copies(samples, 2)
    with open_checkpointer(f"sqlite:///{tmp_path / 'cp.sqlite'}") as saver:
        graph = build_graph(saver)
        first = run_batch(graph, tickets, context, busy_wait=timedelta(0))
        again = run_batch(graph, list(reversed(tickets)), context)
    assert [(r.ticket_id, r.status) for r in first] == [
        ("VOL-0000", "processed"),
        ("VOL-0001", "processed"),
    ]
    assert [(r.ticket_id, r.status) for r in again] == [
        ("VOL-0001", "already_done"),
        ("VOL-0000", "already_done"),
    ]
    assert all(r.ticket in tickets for r in first)


def _peak(work: Callable[[], object]) -> int:
    """The most memory ``work`` held at once beyond what was in use when it started."""
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        tracemalloc.reset_peak()
        work()
        return tracemalloc.get_traced_memory()[1] - before
    finally:
        tracemalloc.stop()


def _ticket_lines(count: int) -> Iterator[str]:
    base = json.loads(SAMPLES.read_text())
    for n in range(count):
        yield json.dumps(base[n % len(base)] | {"ticket_id": f"VOL-{n:05d}"})


@pytest.mark.parametrize("kind", ["jsonl", "json"])
def test_a_ticket_file_is_read_in_flat_memory(tmp_path: Path, kind: str) -> None:
    def file_of(count: int) -> Path:
        path = tmp_path / f"tickets-{count}.{kind}"
        lines = list(_ticket_lines(count))
        text = "\n".join(lines) if kind == "jsonl" else "[\n" + ",\n".join(lines) + "\n]"
        path.write_text(text)
        return path

    def read(path: Path) -> None:
        stream = open_tickets(path, NOW)
        assert stream.count == sum(1 for _ in stream)

    # Files of several read chunks (64 KiB): the chunk in hand is not the file.
    small, large = file_of(1000), file_of(2000)
    read(small)  # imports and compiled patterns are not the file's
    grew = _peak(lambda: read(large)) - _peak(lambda: read(small))
    # 1,000 more Tickets kept take about 2 MB; the check keeps each id (about 120 bytes).
    assert grew < 1000 * 400, f"reading 1,000 more tickets held {grew:,} more bytes"


@pytest.fixture(scope="module")
def sample_records(tmp_path_factory: pytest.TempPathFactory) -> list[dict[str, Any]]:
    """The five samples' records, from a real run."""
    from supportgraph.tools.tickets.intake import read_tickets

    folder = tmp_path_factory.mktemp("records")
    context = Context(clock=lambda: NOW)
    tickets = read_tickets(SAMPLES, NOW).tickets
    with open_checkpointer(f"sqlite:///{folder / 'cp.sqlite'}") as saver:
        runs = run_batch(build_graph(saver), tickets, context)
    return [ticket_record(r.snapshot, r.status, r.error, r.ticket) for r in runs]


def test_reports_are_written_from_the_spool_in_flat_memory(
    sample_records: list[dict[str, Any]], tmp_path: Path
) -> None:
    def report(count: int) -> None:
        with RecordSpool(tmp_path / f"out-{count}") as spool:
            for n in range(count):
                record = sample_records[n % len(sample_records)]
                spool.add(record | {"ticket_id": f"VOL-{n:05d}"})
            write_reports(spool, tmp_path / f"out-{count}", NOW)

    report(10)  # the playbook, templates and imports are not the records'
    grew = _peak(lambda: report(600)) - _peak(lambda: report(300))
    # A record is several KB as JSON and more as Python objects; the metrics keep ids only.
    assert grew < 300 * 500, f"300 more records held {grew:,} more bytes"
    folder = next((tmp_path / "out-600").glob("customer_support_*"))
    lines = (folder / "tickets.jsonl").read_text().splitlines()
    assert len(lines) == 600 and json.loads(lines[-1])["ticket_id"] == "VOL-00599"
    assert "**Tickets in this run:** 600" in (folder / "support_dashboard.md").read_text()
    assert not list((tmp_path / "out-600").glob(".tickets-*"))  # the spool is removed


def test_reports_from_the_spool_match_reports_from_a_list(
    sample_records: list[dict[str, Any]], tmp_path: Path
) -> None:
    listed = write_reports(sample_records, tmp_path / "listed", NOW)
    with RecordSpool(tmp_path / "spooled") as spool:
        for record in sample_records:
            spool.add(record)
        spooled = write_reports(spool, tmp_path / "spooled", NOW)
    names = sorted(p.name for p in listed.iterdir())
    assert names == sorted(p.name for p in spooled.iterdir()) and len(names) == 10
    for name in names:
        assert (listed / name).read_text() == (spooled / name).read_text(), name


def test_the_run_table_says_when_it_shows_only_the_first_tickets(
    sample_records: list[dict[str, Any]], capsys: pytest.CaptureFixture[str]
) -> None:
    print_table(sample_records[:2], total=100_000)
    shown = capsys.readouterr().out
    assert "SUPPORT-001" in shown and "SUPPORT-003" not in shown
    assert "the first 2 of 100,000 tickets" in shown


def test_a_spool_left_by_a_killed_run_is_removed_by_the_next_run(tmp_path: Path) -> None:
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    orphan = tmp_path / f".tickets-{dead.pid}-abc.jsonl.partial"
    running = tmp_path / f".tickets-{os.getpid()}-def.jsonl.partial"  # a run still going
    orphan.write_text('{"ticket_id": "A"}\n')
    running.write_text('{"ticket_id": "B"}\n')
    with RecordSpool(tmp_path) as spool:
        spool.add({"ticket_id": "C"})
        assert [r["ticket_id"] for r in spool] == ["C"]
    assert not orphan.exists() and running.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == [running.name]
