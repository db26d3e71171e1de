"""Set up a SQLite file that several processes may be opening at the same moment."""

from __future__ import annotations

import random
import sqlite3
import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def set_up_shared(conn: sqlite3.Connection, step: Callable[[], T], patience_s: float = 30.0) -> T:
    """Run ``step`` (journal mode, tables) on ``conn``, again while another process does it.

    Processes that open a new file together can each hold a read lock while asking for
    the write lock, to switch the file to WAL or create its tables. SQLite refuses one of
    them at once ("database is locked") rather than wait out the connection's timeout,
    since waiting could deadlock. ``step`` must be idempotent (``CREATE ... IF NOT
    EXISTS``, pragmas) and build anything it remembers afresh on each call; it is
    retried, with a growing pause, until it succeeds or ``patience_s`` has passed.
    """
    deadline = time.monotonic() + patience_s
    pause = 0.005
    while True:
        try:
            return step()
        except sqlite3.OperationalError as exc:
            busy = "locked" in str(exc) or "busy" in str(exc)
            if not busy or time.monotonic() + pause > deadline:
                raise
            if conn.in_transaction:
                conn.rollback()
            time.sleep(pause * (1 + random.random()))
            pause = min(pause * 2, 0.25)
