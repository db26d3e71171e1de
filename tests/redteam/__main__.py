"""``python -m tests.redteam``: run the hostile corpus and print case, expectation and result."""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from rich.console import Console
from rich.table import Table
from rich.text import Text

from . import run_all


def main() -> int:
    """Run every case; exit 1 when any case does not meet its expectation."""
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="redteam-") as root:
        seconds: dict[str, float] = {}
        results = run_all(Path(root), seconds=seconds)
    table = Table(title="Red team: hostile input through the CLI", show_lines=False)
    for column in ("Case", "Scenario", "Expectation", "Result", "OK"):
        table.add_column(column, overflow="fold")
    for r in results:
        table.add_row(  # Text, not markup: the cells quote hostile input
            Text(r.case.id),
            Text(r.case.scenario),
            Text(r.case.expectation()),
            Text(r.seen),
            Text("pass", style="green") if r.ok else Text("FAIL", style="bold red"),
        )
    console = Console(width=200, emoji=False, highlight=False)
    console.print(table)
    failed = [r for r in results if not r.ok]
    console.print(
        f"{len(results) - len(failed)} of {len(results)} cases pass "
        f"in {time.monotonic() - started:.0f} s ("
        + ", ".join(f"{name} {s:.0f} s" for name, s in seconds.items())
        + ")"
    )
    return 1 if failed else 0


sys.exit(main())
