"""Volume: many realistic tickets through one process, watching rate, memory and store size.

``python -m bench.volume --tickets N`` generates N tickets (``generate``), runs them with
``run_batch`` on a fresh SQLite store in this process, as ``supportgraph run`` does, and
prints tickets/s, RSS every 10 % of the way, and the store's bytes per ticket before and
after ``prune --keep-last 2``. ``--write FILE`` only writes the tickets as a JSON file
for ``supportgraph run``.

The generator is deterministic (a seed): it walks the 1,040 tuning tickets (emails,
chats, calls and web forms in English, German, Spanish and French, every tier and
priority, short and long) in a shuffled order, and gives each copy its own id, its own
customer name and an arrival time spread over the last day, so no two tickets share a
thread and the SLA clock sees a realistic queue.
"""

from __future__ import annotations

import argparse
import json
import random
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / "tests" / "data" / "judgement" / "tuning" / "tickets.json"
NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
_COMPANIES = ("Northwind", "Blue Fern", "Harbourline", "Lindenau", "Orchard", "Vega", "Kestrel")
_KINDS = ("Analytics", "Logistics", "Studio", "GmbH", "S.L.", "SAS", "Ltd")


def generate(count: int, seed: int = 0) -> list[dict[str, Any]]:
    """``count`` ticket records (the intake format), the same for the same seed."""
    source = json.loads(SOURCE.read_text(encoding="utf-8"))
    rng = random.Random(seed)
    order = list(range(len(source)))
    records = []
    for n in range(count):
        if n % len(source) == 0:
            rng.shuffle(order)
        base = source[order[n % len(source)]]
        arrived = NOW - timedelta(minutes=rng.randint(1, 24 * 60))
        records.append(
            {
                key: value
                for key, value in base.items()
                if key in ("subject", "message", "customer_tier", "channel", "contact_name")
            }
            | {
                "ticket_id": f"VOL-{n + 1:06d}",
                "customer": f"{rng.choice(_COMPANIES)} {rng.choice(_KINDS)} {n % 997}",
                "submitted_at": arrived.isoformat(),
            }
        )
    return records


def run(count: int, folder: Path) -> dict[str, Any]:
    """Run ``count`` generated tickets through the graph on SQLite; the figures as a dict."""
    from bench.run import rss_mb
    from supportgraph.checkpoints import open_checkpointer
    from supportgraph.graph.context import Context
    from supportgraph.runs.build import build_graph
    from supportgraph.runs.retention import prune, thread_bytes
    from supportgraph.runs.runner import TicketRun, run_batch
    from supportgraph.tools.tickets.intake import validate_records

    intake = validate_records(generate(count), NOW)
    assert not intake.errors, intake.errors[:3]
    context = Context(clock=lambda: NOW)
    url = f"sqlite:///{folder / 'volume.sqlite'}"
    samples: list[tuple[int, float, float]] = []
    done = 0
    with open_checkpointer(url) as saver:
        graph = build_graph(saver)
        started = time.perf_counter()
        every = max(1, count // 10)

        def tick(run: TicketRun) -> None:
            nonlocal done
            done += 1
            if done == 1 or done % every == 0:
                samples.append((done, time.perf_counter() - started, rss_mb()))

        run_batch(graph, intake.tickets, context, on_done=tick)
        seconds = time.perf_counter() - started
        sizes = [thread_bytes(saver, t.ticket_id) or 0 for t in intake.tickets]
        pruned = prune(graph, saver, keep_last=2, older_than=timedelta(0), now=datetime.now(UTC))
        after = [thread_bytes(saver, t.ticket_id) or 0 for t in intake.tickets]
    first_rss = samples[0][2]
    return {
        "tickets": count,
        "seconds": round(seconds, 1),
        "tickets_per_s": round(count / seconds, 2),
        "rss_mb": [(n, round(s, 1), round(r)) for n, s, r in samples],
        "rss_growth_mb": round(samples[-1][2] - first_rss),
        "bytes_per_ticket": round(sum(sizes) / count),
        "bytes_per_ticket_after_prune": round(sum(after) / count),
        "max_bytes_after_prune": max(after),
        "threads_pruned": pruned.threads_pruned,
    }


def main(argv: list[str] | None = None) -> None:
    """``python -m bench.volume``: see the module docstring."""
    parser = argparse.ArgumentParser(prog="python -m bench.volume")
    parser.add_argument("--tickets", type=int, default=1000)
    parser.add_argument("--write", type=Path, help="only write the tickets to this JSON file")
    args = parser.parse_args(argv)
    if args.write:
        args.write.write_text(json.dumps(generate(args.tickets), ensure_ascii=False, indent=1))
        print(f"{args.tickets} tickets written to {args.write}")
        return
    with tempfile.TemporaryDirectory() as folder:
        result = run(args.tickets, Path(folder))
    for done, seconds, rss in result.pop("rss_mb"):
        print(f"{done:>8} tickets  {seconds:>8.1f} s  RSS {rss:>6} MB")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
