"""``review list`` on a store of 100,000 finished tickets and 50 waiting ones.

``python -m bench.review_scale [--finished N] [--waiting W]`` builds the store, then
times ``supportgraph review list --json`` the way a reviewer runs it: a new process,
wall time, median of three, and inside one process the part after the imports.

How the store is built (a few minutes; running 100,000 tickets would take hours):

1. ``--seed-tickets`` generated tickets (``bench.volume``) run through the real graph
   on SQLite; every ticket that waits for a reviewer beyond the first ``W`` is approved,
   so the store holds W waiting tickets and finished ones of every kind, including
   tickets that once waited and were decided (their old interrupt writes stay behind,
   as they do in a real store).
2. The finished threads' rows (checkpoints, writes, blobs) are copied under new thread
   ids until the store holds N finished threads. The copies are byte for byte real
   checkpoints; only the thread id differs.

Prints the counts, the store's size, and the seconds; exits non-zero when ``review
list`` does not find exactly the W waiting tickets.
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

_TABLES = {
    "checkpoints": "thread_id, checkpoint_ns, checkpoint_id, parent_checkpoint_id, type,"
    " checkpoint, metadata",
    "writes": "thread_id, checkpoint_ns, checkpoint_id, task_id, task_path, idx, channel,"
    " type, value",
    "checkpoint_blobs": "thread_id, checkpoint_ns, channel, version, type, blob",
}


def seed_store(url: str, count: int, waiting: int) -> tuple[int, int]:
    """Run ``count`` generated tickets; leave ``waiting`` of them waiting, decide the rest."""
    from bench.volume import NOW, tickets
    from supportgraph.checkpoints import open_checkpointer
    from supportgraph.graph.context import Context
    from supportgraph.graph.models import Ticket
    from supportgraph.runs.build import build_graph
    from supportgraph.runs.runner import config_for, resume_review, run_batch

    context = Context(clock=lambda: NOW)
    batch = [Ticket.model_validate(record) for record in tickets(count, seed=7)]
    with open_checkpointer(url) as saver:
        graph = build_graph(saver)
        runs = run_batch(graph, batch, context)
        paused = [run.ticket_id for run in runs if run.snapshot.interrupts]
        if len(paused) < waiting:
            raise SystemExit(f"only {len(paused)} of {count} tickets wait; raise --seed-tickets")
        for ticket_id in paused[waiting:]:
            while graph.get_state(config_for(ticket_id)).interrupts:
                resume_review(graph, ticket_id, {"action": "approve", "reviewer": "bench"}, context)
    return len(paused), count - waiting


def copy_finished(path: Path, finished: int, keep: set[str]) -> int:
    """Copy finished threads under new ids until the store holds ``finished`` of them."""
    conn = sqlite3.connect(path)
    threads = [r[0] for r in conn.execute("SELECT DISTINCT thread_id FROM checkpoints")]
    originals = [t for t in threads if t not in keep]
    total = len(originals)
    n = 0
    while total < finished:
        with conn:
            for thread in originals:
                if total >= finished:
                    break
                clone = f"{thread}~copy{n}"
                for table, columns in _TABLES.items():
                    rest = columns.split(", ", 1)[1]
                    conn.execute(
                        f"INSERT INTO {table} ({columns}) SELECT ?, {rest} FROM {table}"  # noqa: S608
                        " WHERE thread_id = ?",
                        (clone, thread),
                    )
                total += 1
        n += 1
    conn.close()
    return total


def list_seconds(url: str, repeats: int = 3) -> tuple[float, int]:
    """Median wall time of ``supportgraph review list --json`` in a new process."""
    times, count = [], -1
    for _ in range(repeats):
        started = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "-m", "supportgraph.cli", "review", "list", "--json", "-c", url],
            capture_output=True,
            text=True,
            check=True,
        )
        times.append(time.perf_counter() - started)
        count = json.loads(done.stdout)["count"]
    return statistics.median(times), count


def after_imports(url: str) -> float:
    """Seconds of ``review list``'s work in a process that has imported what it needs."""
    script = (
        "import time, langgraph.types\n"
        "from supportgraph.checkpoints import open_checkpointer\n"
        "from supportgraph.reports.review_card import review_card\n"
        "from supportgraph.runs.inbox import pending_reviews\n"
        "from supportgraph.graph.context import Context\n"
        "now = Context().now(); started = time.perf_counter()\n"
        f"with open_checkpointer({url!r}, create=False) as saver:\n"
        "    cards = [review_card(r.snapshot, now, r) for r in pending_reviews(saver, now)]\n"
        "print(time.perf_counter() - started)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    return float(done.stdout.strip().splitlines()[-1])


def main() -> None:
    """Build the store, time `review list`, fail unless it lists exactly the waiting tickets."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--finished", type=int, default=100_000)
    parser.add_argument("--waiting", type=int, default=50)
    parser.add_argument("--seed-tickets", type=int, default=150)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="sg-review-scale-") as tmp:
        os.environ["SUPPORTGRAPH_HOME"] = str(Path(tmp) / "home")
        path = Path(tmp) / "store.sqlite"
        url = f"sqlite:///{path}"
        started = time.perf_counter()
        paused, _ = seed_store(url, args.seed_tickets, args.waiting)
        from supportgraph.checkpoints import open_checkpointer
        from supportgraph.checkpoints.index import waiting_thread_ids

        with open_checkpointer(url, create=False) as saver:
            keep = set(waiting_thread_ids(saver))
        finished = copy_finished(path, args.finished, keep)
        built = time.perf_counter() - started
        size_mb = path.stat().st_size / 1e6
        print(
            f"store: {finished:,} finished + {len(keep)} waiting threads "
            f"({paused} of {args.seed_tickets} seed tickets waited), {size_mb:,.0f} MB, "
            f"built in {built:.0f} s"
        )
        wall, count = list_seconds(url)
        inside = after_imports(url)
        print(
            f"review list: {wall:.2f} s in a new process (median of 3), "
            f"{inside:.2f} s after imports; {count} waiting listed"
        )
        if count != args.waiting:
            raise SystemExit(f"review list found {count} waiting tickets, expected {args.waiting}")


if __name__ == "__main__":
    main()
