"""The project's own hostile corpus, run end to end through the CLI (``make redteam``)."""

from __future__ import annotations

import time
from pathlib import Path

from .harness import Case, Result, Workspace, load_cases
from .scenarios import batch, concurrency, jsonl, legacy, one_command, smtp, tenants

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
