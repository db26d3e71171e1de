"""The project's own hostile corpus, run end to end through the CLI (``make redteam``).

cases.jsonl holds the cases; harness.py loads them and runs the CLI; batch.py,
commands.py and services.py run each kind of scenario and check its cases. ``batch``
and ``concurrency`` start real processes; the others call the Typer app in-process
(much faster, still the real CLI, SQLite store, files and SMTP server). All share one
``$SUPPORTGRAPH_HOME``, so the KB index is built once.
"""

from __future__ import annotations

import time
from pathlib import Path

from .batch import batch, jsonl
from .commands import one_command, tenants
from .harness import Case, Result, Workspace, load_cases
from .services import concurrency, legacy, smtp

SCENARIOS = (batch, jsonl, one_command, tenants, smtp, concurrency, legacy)


def run_all(
    root: Path, cases: list[Case] | None = None, seconds: dict[str, float] | None = None
) -> list[Result]:
    """Run every scenario in a fresh workspace under ``root``; one result per case.

    Args:
        root: An empty folder for the workspace.
        cases: The corpus (default: cases.jsonl).
        seconds: Filled with each scenario's wall time, when given.
    """
    cases = cases if cases is not None else load_cases()
    ws = Workspace(root)
    results: list[Result] = []
    for scenario in SCENARIOS:
        started = time.monotonic()
        results += scenario(ws, cases)
        if seconds is not None:
            seconds[scenario.__name__] = time.monotonic() - started
    return results


__all__ = ["Case", "Result", "load_cases", "run_all"]
