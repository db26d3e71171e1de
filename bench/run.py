"""Run every variant side by side on the same tickets; print the table, write results.json.

The tickets (realistic long emails, chats, calls and web forms in four languages from
tests/data/judgement/tuning) are split into rounds; each round runs the floor and every
graph variant on its slice in turn, so a change in the machine's load during the run
reaches every variant alike. Options: ``--tickets N`` (default 150), ``--rounds R`` (3),
``--quick`` (24 tickets, 2 rounds), ``--no-postgres``, ``--out PATH``.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bench import graphs, report, startup
from bench.floor import run_floor
from supportgraph.graph.context import Context, keep_caches_under_home
from supportgraph.graph.models import Ticket

ROOT = Path(__file__).resolve().parents[1]
TICKETS = ROOT / "tests" / "data" / "judgement" / "tuning"
NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
VARIANTS = ("floor", "graph_none", "graph_memory", "graph_sqlite", "graph_sqlite_async")


def _tickets(count: int) -> tuple[list[Ticket], list[Ticket]]:
    """``count`` tickets spread over the tuning set, and three others to warm up with.

    Each arrives five minutes before the pinned clock, as a live inbox would see it.
    """
    from supportgraph.tools.triage.judgement_data import read_labelled

    every = read_labelled(TICKETS).tickets
    step = max(1, len(every) // count)
    fresh = NOW - timedelta(minutes=5)
    chosen = [t.model_copy(update={"submitted_at": fresh}) for t in every[::step][:count]]
    warm = [t.model_copy(update={"submitted_at": fresh}) for t in every[1::step][:3]]
    return chosen, warm


def rss_mb() -> float:
    """This process's resident memory now, in MB (from /proc)."""
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def _rounds(tickets: list[Ticket], rounds: int) -> list[list[Ticket]]:
    size = -(-len(tickets) // rounds)
    return [tickets[i : i + size] for i in range(0, len(tickets), size)]


def measure(count: int, rounds: int, with_postgres: bool, folder: Path) -> dict[str, Any]:
    """Every figure of the bench, in one process, on ``count`` tickets."""
    from supportgraph.tools.triage.engines import engine_for

    loads = [os.getloadavg()]
    rss_start = rss_mb()
    tickets, warm = _tickets(count)
    context = Context(clock=lambda: NOW)
    urls = {
        "graph_memory": "memory://",
        "graph_sqlite": f"sqlite:///{folder / 'sync.sqlite'}",
        "graph_sqlite_async": f"sqlite:///{folder / 'async.sqlite'}",
    }
    started = time.perf_counter()
    # First-time work (each language's reply templates compiled, models loaded) is paid
    # here, not by whichever variant runs first: the floor sees every ticket once.
    run_floor(tickets, context, folder / "warm-floor.sqlite")
    graphs.run_with_store(warm, context, f"sqlite:///{folder / 'warm.sqlite'}")
    warm_up_s = time.perf_counter() - started
    rss_before = rss_mb()
    with graphs.postgres_url(with_postgres) as (pg_url, pg_note):
        if pg_url:
            urls["graph_postgres"] = pg_url
        latencies: dict[str, list[float]] = {v: [] for v in (*VARIANTS, *urls)}
        nodes: dict[str, float] = {}
        floor_outcomes: dict[str, str] = {}
        wall: dict[str, float] = dict.fromkeys(latencies, 0.0)
        for part in _rounds(tickets, rounds):
            for variant in latencies:
                graphs.fresh_caches(context)
                started = time.perf_counter()
                if variant == "floor":
                    floor = run_floor(part, context, folder / "floor.sqlite")
                    seconds = floor.latencies
                    floor_outcomes |= floor.outcomes
                    for node, spent in floor.node_seconds.items():
                        nodes[node] = nodes.get(node, 0.0) + spent
                elif variant == "graph_none":
                    seconds = graphs.run_without_store(part, context)
                else:
                    durability = "async" if variant.endswith("async") else "sync"
                    seconds = graphs.run_with_store(part, context, urls[variant], durability)
                wall[variant] += time.perf_counter() - started
                latencies[variant].extend(seconds)
        sizes = graphs.store_size(urls["graph_sqlite"], tickets)
        pg_sizes = (
            graphs.store_size(urls["graph_postgres"], tickets) if "graph_postgres" in urls else None
        )
    rss_after = rss_mb()
    engine = engine_for(context)
    triage = []
    for ticket in tickets:
        started = time.perf_counter()
        engine.triage(ticket)
        triage.append(time.perf_counter() - started)
    store = urls["graph_sqlite"]
    review_list_s = startup.command_seconds(["review", "list", "--json", "-c", store], 3)
    help_s = startup.command_seconds(["--help"], 5)
    cold = startup.cold_start(tickets[0], folder)
    loads.append(os.getloadavg())
    return report.results(
        tickets=tickets,
        rounds=rounds,
        latencies=latencies,
        wall=wall,
        nodes=nodes,
        floor_outcomes=floor_outcomes,
        sizes=sizes,
        pg_sizes=pg_sizes,
        pg_note=pg_note,
        triage=triage,
        startup={**cold, "help_s": help_s, "review_list_s": review_list_s},
        memory={"rss_start_mb": rss_start, "rss_before_mb": rss_before, "rss_after_mb": rss_after},
        warm_up_s=warm_up_s,
        loads=loads,
    )


def main(argv: list[str] | None = None) -> None:
    """Parse the options, measure, print the table and write the results file."""
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--tickets", type=int, default=150, help="tickets per variant")
    parser.add_argument("--rounds", type=int, default=3, help="slices the variants alternate on")
    parser.add_argument("--quick", action="store_true", help="24 tickets in 2 rounds")
    parser.add_argument("--no-postgres", action="store_true", help="skip the PostgreSQL variant")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results.json")
    args = parser.parse_args(argv)
    count, rounds = (24, 2) if args.quick else (args.tickets, args.rounds)
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="sg-bench-") as tmp:
        # The bench's own home: its KB index, leases and logs never touch the user's.
        os.environ["SUPPORTGRAPH_HOME"] = str(Path(tmp) / "home")
        keep_caches_under_home()
        results = measure(count, max(1, min(rounds, count)), not args.no_postgres, Path(tmp))
    results["bench_s"] = round(time.perf_counter() - started, 1)
    report.print_table(results)
    report.write(results, args.out)
    print(f"\nwritten to {args.out}")
