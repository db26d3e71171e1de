"""Measure checkpoint bytes per sample ticket in SQLite and PostgreSQL, before and after prune.

Columns: the outcome, bytes with every checkpoint kept, bytes once a reviewer approved
the tickets that wait for review (every ticket finished), bytes after ``prune --keep-last 2``.

Run with ``make bench-checkpoints`` (``python -m tests.bench_checkpoints``). The PostgreSQL
column needs the throwaway server (tests/pg_server.py); without it only SQLite is shown.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

from supportgraph.checkpoints import open_checkpointer
from supportgraph.checkpoints.retention import prune, thread_bytes
from supportgraph.graph.builder import build_graph
from supportgraph.graph.context import Context
from supportgraph.graph.runner import resume_review, run_batch
from supportgraph.tools.intake import validate_records

from . import pg_server

ROOT = Path(__file__).resolve().parents[1]
NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


def measure(url: str) -> dict[str, tuple[str, int, int, int]]:
    """Run the samples into ``url``; per ticket: outcome, bytes, after approval, after prune."""
    tickets = validate_records(
        json.loads((ROOT / "examples/sample_inquiries.json").read_text()), NOW
    )
    context = Context(clock=lambda: NOW)
    with open_checkpointer(url) as saver:
        support = build_graph(saver)
        runs = run_batch(support, tickets.tickets, context)
        full = {r.ticket_id: thread_bytes(saver, r.ticket_id) or 0 for r in runs}
        for run in runs:
            if run.snapshot.interrupts:
                resume_review(support, run.ticket_id, {"action": "approve"}, context)
        finished = {r.ticket_id: thread_bytes(saver, r.ticket_id) or 0 for r in runs}
        later = datetime.now(UTC) + timedelta(days=31)
        prune(support, saver, keep_last=2, older_than=timedelta(days=30), now=later)
        return {
            r.ticket_id: (
                str(
                    r.snapshot.values.get("outcome")
                    or ("waiting" if r.snapshot.interrupts else "?")
                ),
                full[r.ticket_id],
                finished[r.ticket_id],
                thread_bytes(saver, r.ticket_id) or 0,
            )
            for r in runs
        }


@contextmanager
def _postgres_url() -> Iterator[str | None]:
    try:
        server = pg_server.start()
    except pg_server.PostgresUnavailable as exc:
        print(f"PostgreSQL skipped: {exc}")
        yield None
        return
    try:
        yield server.create_database("bench")
    finally:
        server.stop()


def main() -> None:
    """Print a table of bytes per ticket for each store."""
    with tempfile.TemporaryDirectory() as folder, _postgres_url() as pg_url:
        stores = {"sqlite": f"sqlite:///{Path(folder) / 'bench.sqlite'}"}
        if pg_url:
            stores["postgres"] = pg_url
        for name, url in stores.items():
            print(
                f"\n{name}: bytes per ticket (all checkpoints; once reviews are approved; "
                "after prune --keep-last 2)"
            )
            for ticket_id, (outcome, full, finished, pruned) in measure(url).items():
                print(f"  {ticket_id}  {outcome:20s} {full:7,d}  {finished:7,d}  {pruned:7,d}")


if __name__ == "__main__":
    main()
