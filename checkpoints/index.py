"""Which threads a store holds, and which of them wait for a person, asked of the store.

Listing threads through ``saver.list`` reads and deserialises every checkpoint ever
written; a store of 100,000 finished tickets answers ``review list`` in minutes that
way. The SQL stores answer both questions from their tables instead:

- every thread: ``SELECT DISTINCT thread_id`` on the checkpoints table;
- waiting threads: those whose latest root checkpoint carries an ``__interrupt__``
  pending write. A paused node leaves that write on the checkpoint it started from,
  which stays the latest until the thread is resumed. A partial index on interrupt
  writes (created by the savers' ``setup``) keeps it a lookup rather than a scan.

Callers still read each candidate's state (``get_state``) to build the review: the
query only narrows which threads to read. Stores without SQL (``memory://``) fall
back to reading every thread.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any, TypeGuard

from langgraph.checkpoint.base import BaseCheckpointSaver
from langgraph.checkpoint.sqlite import SqliteSaver

from supportgraph.checkpoints.savers import store_errors

if TYPE_CHECKING:
    from langgraph.checkpoint.postgres import PostgresSaver

_WAITING = """
SELECT DISTINCT w.thread_id AS thread_id FROM {writes} AS w
WHERE w.channel = '__interrupt__' AND w.checkpoint_ns = ''
  AND w.checkpoint_id = (
    SELECT MAX(c.checkpoint_id) FROM checkpoints AS c
    WHERE c.thread_id = w.thread_id AND c.checkpoint_ns = ''
  )
"""
_THREADS = "SELECT DISTINCT thread_id FROM checkpoints"


def _is_postgres(saver: BaseCheckpointSaver[Any]) -> TypeGuard[PostgresSaver]:
    # Only a store opened with a postgresql:// URL is one, and opening it loaded the
    # module: SQLite users never pay for importing psycopg here.
    module = sys.modules.get("langgraph.checkpoint.postgres")
    return module is not None and isinstance(saver, module.PostgresSaver)


def innermost(saver: BaseCheckpointSaver[Any]) -> BaseCheckpointSaver[Any]:
    """The saver under any wrappers (the lease fence keeps the one it wraps as ``inner``)."""
    while isinstance(getattr(saver, "inner", None), BaseCheckpointSaver):
        saver = saver.inner  # type: ignore[attr-defined]
    return saver


def thread_ids(saver: BaseCheckpointSaver[Any]) -> list[str]:
    """Every thread in the store, sorted."""
    store = innermost(saver)
    with store_errors(store):
        if isinstance(store, SqliteSaver):
            store.setup()
            with store.lock:
                rows = store.conn.execute(_THREADS).fetchall()
            return sorted(str(r[0]) for r in rows)
        if _is_postgres(store):
            with store._cursor() as cur:
                rows = cur.execute(_THREADS).fetchall()
            return sorted(str(r["thread_id"]) for r in rows)
        return sorted({str(c.config["configurable"]["thread_id"]) for c in store.list(None)})


def waiting_thread_ids(saver: BaseCheckpointSaver[Any]) -> list[str]:
    """Threads whose latest checkpoint is paused at an interrupt, sorted.

    A superset of the open reviews (read each one's state to know); every thread for a
    store without SQL.
    """
    store = innermost(saver)
    with store_errors(store):
        if isinstance(store, SqliteSaver):
            store.setup()
            with store.lock:
                rows = store.conn.execute(_WAITING.format(writes="writes")).fetchall()
            return sorted(str(r[0]) for r in rows)
        if _is_postgres(store):
            with store._cursor() as cur:
                rows = cur.execute(_WAITING.format(writes="checkpoint_writes")).fetchall()
            return sorted(str(r["thread_id"]) for r in rows)
    return thread_ids(store)
