"""Keep the traceback of an unexpected failure in ``$SUPPORTGRAPH_HOME/logs/``, off the console.

The per-ticket boundaries (runs/runner.py, the CLI's delivery and reporting) turn an
unexpected exception into a one-line reason; the traceback a developer needs goes here.
"""

from __future__ import annotations

import os
import traceback
from datetime import UTC, datetime
from pathlib import Path

from supportgraph.graph.context import home_dir


def log_dir() -> Path:
    """Where incident logs go: ``$SUPPORTGRAPH_HOME/logs``."""
    return home_dir() / "logs"


def one_line(exc: BaseException, limit: int = 200) -> str:
    """The exception's message as one short line (it may quote ticket text)."""
    text = " ".join(str(exc).split()) or type(exc).__name__
    return ascii(text)[1:-1][:limit]


def record_incident(what: str, exc: BaseException) -> Path | None:
    """Append ``exc``'s traceback to today's log; return the file, or None if unwritable.

    Args:
        what: What was being done, e.g. ``running ticket T-1``.
        exc: The unexpected exception.
    """
    now = datetime.now(UTC)
    path = log_dir() / f"errors-{now:%Y%m%d}.log"
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a", encoding="utf-8", errors="backslashreplace") as log:
            log.write(f"--- {now.isoformat(timespec='seconds')} pid {os.getpid()}: {ascii(what)}\n")
            log.write("".join(traceback.format_exception(exc)))
    except OSError:
        return None
    return path
