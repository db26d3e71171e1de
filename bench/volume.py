"""Volume: many realistic tickets through one process, watching rate, memory and store size.

``python -m bench.volume --tickets N`` generates N tickets (``generate``) into a JSONL
file and runs it in this process the way ``supportgraph run`` does, on a fresh SQLite
store: the file read ticket by ticket, each ticket run, delivered and recorded to the
spool, then the KB upkeep and the reports. It prints tickets/s, RSS every 10 % of the
way and after the reports, the time the reports took, and the store's bytes per ticket
before and after ``prune --keep-last 2``. ``--write FILE`` only writes the tickets (a
JSON list, or JSONL when FILE ends in .jsonl) for ``supportgraph run``. The KB search log
and drafts go to a throwaway ``$SUPPORTGRAPH_HOME``.

The generator is deterministic (a seed): it walks the tuning tickets (emails,
chats, calls and web forms in English, German, Spanish and French, every tier and
priority, short and long) in a shuffled order, and gives each copy its own id, its own
customer name, its own reference line at the end of the message and an arrival time
spread over the last day, so no two tickets share a thread or a text (caches keyed by
text get no hits a real queue would not give) and the SLA clock sees a realistic queue.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import tempfile
import time
from collections.abc import Iterator
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
    return list(tickets(count, seed))


def tickets(count: int, seed: int = 0) -> Iterator[dict[str, Any]]:
    """The records of :func:`generate`, one at a time (100,000 of them fit in no list)."""
    source = json.loads(SOURCE.read_text(encoding="utf-8"))
    rng = random.Random(seed)
    order = list(range(len(source)))
    for n in range(count):
        if n % len(source) == 0:
            rng.shuffle(order)
        base = source[order[n % len(source)]]
        arrived = NOW - timedelta(minutes=rng.randint(1, 24 * 60))
        ticket_id = f"VOL-{n + 1:06d}"
        yield {
            key: value
            for key, value in base.items()
            if key in ("subject", "customer_tier", "channel", "contact_name")
        } | {
            "ticket_id": ticket_id,
            "customer": f"{rng.choice(_COMPANIES)} {rng.choice(_KINDS)} {n % 997}",
            # Every copy's text differs, as real tickets' do: no per-text cache is spared.
            "message": f"{base['message']}\n\nReference: {ticket_id}",
            "submitted_at": arrived.isoformat(),
        }


def write(count: int, path: Path, seed: int = 0) -> None:
    """Write the tickets to ``path``: JSONL when it ends in .jsonl, else a JSON list."""
    lines = (json.dumps(t, ensure_ascii=False) for t in tickets(count, seed))
    with path.open("w", encoding="utf-8") as handle:
        if path.suffix == ".jsonl":
            handle.writelines(line + "\n" for line in lines)
        else:
            handle.write("[\n")
            for n, line in enumerate(lines):
                handle.write((",\n" if n else "") + line)
            handle.write("\n]\n")


def run(count: int, folder: Path) -> dict[str, Any]:
    """Run ``count`` generated tickets as ``supportgraph run`` does; the figures as a dict."""
    os.environ["SUPPORTGRAPH_HOME"] = str(folder / "home")
    from bench.run import rss_mb
    from supportgraph.checkpoints import open_checkpointer
    from supportgraph.cli.run_command import run_tickets, write_run_reports
    from supportgraph.graph.context import Context
    from supportgraph.reports.spool import RecordSpool
    from supportgraph.runs.build import build_graph
    from supportgraph.runs.retention import prune, thread_bytes
    from supportgraph.tools.delivery.relay import Relay
    from supportgraph.tools.tickets.intake import open_tickets

    file = folder / "tickets.jsonl"
    write(count, file)
    intake = open_tickets(file, NOW)
    assert not intake.errors, intake.errors[:3]
    context = Context(clock=lambda: NOW)
    url = f"sqlite:///{folder / 'volume.sqlite'}"
    out = folder / "out"
    samples: list[tuple[int, float, float]] = []
    done = 0
    started = time.perf_counter()
    every = max(1, count // 10)

    def tick() -> None:
        nonlocal done
        done += 1
        if done == 1 or done % every == 0:
            samples.append((done, time.perf_counter() - started, rss_mb()))
            print(
                f"{done:>8} tickets {samples[-1][1]:>8.1f} s  RSS {samples[-1][2]:>6.0f} MB",
                flush=True,
            )

    with RecordSpool(out) as spool:
        batch = run_tickets(intake, spool, url, Relay(out), context, tick)
        seconds = time.perf_counter() - started
        write_run_reports(spool, out, context, [], intake.notes, batch.names)
    reports_s = time.perf_counter() - started - seconds
    after_reports = rss_mb()
    with open_checkpointer(url) as saver:
        ids = [f"VOL-{n + 1:06d}" for n in range(count)]
        sizes = [thread_bytes(saver, t) or 0 for t in ids]
        pruned = prune(
            build_graph(saver), saver, keep_last=2, older_than=timedelta(0), now=datetime.now(UTC)
        )
        after = [thread_bytes(saver, t) or 0 for t in ids]
    first_rss = samples[0][2]
    run_end = samples[-1]
    return {
        "tickets": count,
        "failed": batch.failed,
        "seconds": round(seconds, 1),
        "tickets_per_s": round(count / seconds, 2),
        "reports_s": round(reports_s, 1),
        "rss_mb": [(n, round(s, 1), round(r)) for n, s, r in samples],
        "rss_growth_mb": round(run_end[2] - first_rss),
        # After the first 10 % (models loaded, caches warm): the slope a long run keeps.
        "rss_slope_kb_per_ticket": round(_slope(samples[1:]) * 1024, 2),
        "rss_after_reports_mb": round(after_reports),
        "peak_rss_mb": round(_peak_rss_mb()),
        "bytes_per_ticket": round(sum(sizes) / count),
        "bytes_per_ticket_after_prune": round(sum(after) / count),
        "max_bytes_after_prune": max(after),
        "threads_pruned": pruned.threads_pruned,
        "load_average": os.getloadavg(),
    }


def _slope(samples: list[tuple[int, float, float]]) -> float:
    """Least-squares MB per ticket through (tickets done, RSS) samples."""
    if len(samples) < 2:
        return float("nan")
    xs = [n for n, _, _ in samples]
    ys = [r for _, _, r in samples]
    mean_x, mean_y = sum(xs) / len(xs), sum(ys) / len(ys)
    spread = sum((x - mean_x) ** 2 for x in xs)
    return sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True)) / spread


def _peak_rss_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def main(argv: list[str] | None = None) -> None:
    """``python -m bench.volume``: see the module docstring."""
    parser = argparse.ArgumentParser(prog="python -m bench.volume")
    parser.add_argument("--tickets", type=int, default=1000)
    parser.add_argument(
        "--write", type=Path, help="only write the tickets to this JSON (or .jsonl) file"
    )
    args = parser.parse_args(argv)
    if args.write:
        write(args.tickets, args.write)
        print(f"{args.tickets} tickets written to {args.write}")
        return
    print(f"load average at start: {os.getloadavg()}", flush=True)
    with tempfile.TemporaryDirectory() as folder:
        result = run(args.tickets, Path(folder))
    result.pop("rss_mb")  # printed along the way
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
