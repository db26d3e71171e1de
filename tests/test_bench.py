"""``make bench`` writes the figures docs/benchmarks.md reports (their values are not asserted).

A tiny run (two tickets, no PostgreSQL) through the real ``python -m bench``: the
results file has every key the issue names, the floor did the graph's work (same
outcomes), and the figures are measured, not placeholders.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from .conftest import ROOT

REQUIRED = (
    "floor_tickets_per_s",
    "graph_none_tickets_per_s",
    "graph_memory_tickets_per_s",
    "graph_sqlite_tickets_per_s",
    "graph_sqlite_async_tickets_per_s",
    "ratio_sqlite_to_floor",
    "p50_ms",
    "p95_ms",
    "p99_ms",
    "checkpoint_bytes_per_ticket",
    "checkpoints_per_ticket",
    "cold_start_s",
    "help_s",
    "triage_p95_ms",
    "rss_before_mb",
    "rss_after_mb",
)


def test_bench_writes_every_figure_for_a_small_run(tmp_path: Path) -> None:
    out = tmp_path / "results.json"
    done = subprocess.run(
        [sys.executable, "-m", "bench", "--tickets", "2", "--rounds", "1", "--no-postgres"]
        + ["--out", str(out)],
        cwd=ROOT,
        env=os.environ | {"SUPPORTGRAPH_HOME": str(tmp_path / "home")},
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    results = json.loads(out.read_text())
    missing = [key for key in REQUIRED if not isinstance(results.get(key), int | float)]
    assert not missing, f"results.json lacks {missing}"
    assert results["tickets"]["count"] == 2
    assert results["floor_same_outcome_share"] == 1.0
    assert results["checkpoints_per_ticket"] >= 4  # supervisor, triage, a worker, respond…
    assert 0 < results["help_s"] < results["cold_start_s"]
    assert results["graph_postgres_tickets_per_s"] is None
    assert results["checkpoints"]["postgres_note"] == "skipped (--no-postgres)"
    assert "graph + SQLite (sync, as `run`)" in done.stdout


def test_the_volume_generator_gives_the_same_valid_mixed_tickets_for_a_seed() -> None:
    from bench.volume import NOW, SOURCE, generate
    from supportgraph.tools.tickets.intake import validate_records

    count = len(json.loads(SOURCE.read_text("utf-8"))) + 110  # copies get their own ids
    tickets = generate(count)
    assert tickets == generate(count) and tickets != generate(count, seed=1)
    assert len({t["ticket_id"] for t in tickets}) == count
    intake = validate_records(tickets, NOW)
    assert not intake.errors and len(intake.tickets) == count
    assert {t["channel"] for t in tickets} == {"Email", "Chat", "Phone", "Web"}
    assert {t["customer_tier"] for t in tickets} == {
        "Starter",
        "Growth",
        "Professional",
        "Enterprise",
    }
    lengths = sorted(len(t["message"]) for t in tickets)
    assert lengths[0] < 200 and lengths[-1] > 1000  # short chats and long e-mails
