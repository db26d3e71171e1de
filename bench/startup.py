"""What a fresh process costs: cold start (import + first ticket), ``--help``, ``review list``.

Each figure is the wall time of a new interpreter, as a user starting the command
sees it, on the bench's own ``$SUPPORTGRAPH_HOME`` (its KB index already built by the
warm-up, so the first ticket does not pay for indexing the KB).
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from supportgraph.graph.models import Ticket

_COLD_START = """
import json, sys, time
started = time.perf_counter()
from supportgraph.checkpoints import open_checkpointer
from supportgraph.runs.build import build_graph
from supportgraph.graph.context import Context
from supportgraph.graph.models import Ticket
from supportgraph.runs.runner import run_batch
imported = time.perf_counter()
ticket = Ticket.model_validate_json(open(sys.argv[1], encoding="utf-8").read())
with open_checkpointer("memory://") as saver:
    (run,) = run_batch(build_graph(saver), [ticket], Context())
done = time.perf_counter()
print(json.dumps({"import_s": imported - started, "first_ticket_s": done - imported,
                  "status": run.status}))
"""


def _wall(command: list[str], env: dict[str, str]) -> tuple[float, str]:
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(command[:4])} failed: {done.stderr[-500:]}")
    return seconds, done.stdout


def cold_start(ticket: Ticket, folder: Path, repeats: int = 3) -> dict[str, float]:
    """A new interpreter imports the graph and runs one ticket (memory store).

    The median run of ``repeats`` (by wall time): one process alone varied by a quarter
    of a second on the two-core machine.
    """
    path = folder / "cold_ticket.json"
    path.write_text(ticket.model_dump_json(), encoding="utf-8")
    runs = []
    for _ in range(repeats):
        seconds, printed = _wall([sys.executable, "-c", _COLD_START, str(path)], dict(os.environ))
        inside = json.loads(printed.strip().splitlines()[-1])
        if inside["status"] != "processed":
            raise RuntimeError(f"cold-start ticket {inside['status']}")
        runs.append((seconds, inside))
    seconds, inside = sorted(runs, key=lambda run: run[0])[len(runs) // 2]
    return {
        "cold_start_s": seconds,
        "cold_import_s": inside["import_s"],
        "cold_first_ticket_s": inside["first_ticket_s"],
    }


def command_seconds(args: list[str], repeats: int) -> float:
    """Median wall time of ``supportgraph ARGS`` in a new interpreter."""
    command = [sys.executable, "-m", "supportgraph.cli", *args]
    return statistics.median(_wall(command, dict(os.environ))[0] for _ in range(repeats))
