"""Checkpoint size per ticket, and pruning of old checkpoints of finished tickets."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from langchain_core.runnables import RunnableConfig
from langgraph.checkpoint.base import BaseCheckpointSaver
from langgraph.checkpoint.postgres import PostgresSaver
from langgraph.checkpoint.sqlite import SqliteSaver

from supportgraph.checkpoints.index import thread_ids
from supportgraph.checkpoints.savers import store_errors, store_label
from supportgraph.checkpoints.sqlite_store import BlobSqliteSaver
from supportgraph.graph.builder import SupportGraph
from supportgraph.graph.errors import HistoryError

_SQLITE_SIZE = """
SELECT (SELECT COALESCE(SUM(LENGTH(checkpoint) + LENGTH(metadata)), 0)
          FROM checkpoints WHERE thread_id = :t)
     + (SELECT COALESCE(SUM(LENGTH(blob)), 0) FROM checkpoint_blobs WHERE thread_id = :t)
     + (SELECT COALESCE(SUM(LENGTH(value)), 0) FROM writes WHERE thread_id = :t)
"""
_POSTGRES_SIZE = """
SELECT (SELECT COALESCE(SUM(octet_length(checkpoint::text) + octet_length(metadata::text)), 0)
          FROM checkpoints WHERE thread_id = %(t)s)
     + (SELECT COALESCE(SUM(octet_length(blob)), 0) FROM checkpoint_blobs WHERE thread_id = %(t)s)
     + (SELECT COALESCE(SUM(octet_length(blob)), 0) FROM checkpoint_writes WHERE thread_id = %(t)s)
     AS size
"""
# Blobs hold channel values by version; a version no remaining checkpoint names is garbage.
_POSTGRES_ORPHAN_BLOBS = """
DELETE FROM checkpoint_blobs b WHERE b.thread_id = %(t)s AND NOT EXISTS (
    SELECT 1 FROM checkpoints c
     WHERE c.thread_id = b.thread_id AND c.checkpoint_ns = b.checkpoint_ns
       AND c.checkpoint -> 'channel_versions' ->> b.channel = b.version)
"""


@dataclass(frozen=True)
class PruneReport:
    """What ``prune`` deleted and what it left alone.

    Attributes:
        threads_pruned: Finished threads that lost at least one checkpoint.
        kept_unfinished: Threads left whole: waiting for review, or stopped mid-run.
        checkpoints_deleted: Checkpoints removed, with their pending writes.
        bytes_before: Store size before (SQLite: file bytes; PostgreSQL: checkpoint bytes).
        bytes_after: The same after pruning (and VACUUM on SQLite).
    """

    threads_pruned: int
    kept_unfinished: tuple[str, ...]
    checkpoints_deleted: int
    bytes_before: int
    bytes_after: int

    @property
    def bytes_reclaimed(self) -> int:
        """Bytes the store shrank by."""
        return self.bytes_before - self.bytes_after


def thread_bytes(saver: BaseCheckpointSaver[Any], thread_id: str) -> int | None:
    """Bytes a thread takes in the store (checkpoints, blobs, writes); None for memory://."""
    with store_errors(saver):
        if isinstance(saver, SqliteSaver):
            with saver.lock:
                row = saver.conn.execute(_SQLITE_SIZE, {"t": thread_id}).fetchone()
            return int(row[0])
        if isinstance(saver, PostgresSaver):
            with saver._cursor() as cur:
                found = cur.execute(_POSTGRES_SIZE, {"t": thread_id}).fetchone()
            return int(found["size"]) if found else 0
    return None


def _sqlite_file_bytes(saver: SqliteSaver) -> int:
    path = Path(saver.conn.execute("PRAGMA database_list").fetchone()[2])
    return sum(p.stat().st_size for p in (path, Path(f"{path}-wal")) if p.exists())


def _store_bytes(saver: BaseCheckpointSaver[Any], threads: list[str]) -> int:
    if isinstance(saver, SqliteSaver):
        with saver.lock:  # fold the write-ahead log in first, so only pruning counts
            saver.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        return _sqlite_file_bytes(saver)
    return sum(thread_bytes(saver, t) or 0 for t in threads)


def _delete(saver: BaseCheckpointSaver[Any], thread: str, ids: list[str]) -> None:
    if isinstance(saver, SqliteSaver):
        marks = ",".join("?" * len(ids))
        with saver.lock, saver.conn:  # one transaction: both tables or neither
            for table in ("writes", "checkpoints"):
                saver.conn.execute(
                    f"DELETE FROM {table} WHERE thread_id = ? AND checkpoint_ns = '' "
                    f"AND checkpoint_id IN ({marks})",
                    (thread, *ids),
                )
        if isinstance(saver, BlobSqliteSaver):
            saver.drop_orphan_blobs(thread)
        return
    assert isinstance(saver, PostgresSaver)
    with saver._cursor() as cur, cur.connection.transaction():
        for table in ("checkpoint_writes", "checkpoints"):
            cur.execute(
                f"DELETE FROM {table} WHERE thread_id = %(t)s AND checkpoint_ns = '' "
                "AND checkpoint_id = ANY(%(ids)s)",
                {"t": thread, "ids": ids},
            )
        cur.execute(_POSTGRES_ORPHAN_BLOBS, {"t": thread})


def _vacuum(saver: SqliteSaver) -> None:
    with saver.lock:
        saver.conn.execute("VACUUM")


def prune(
    graph: SupportGraph,
    saver: BaseCheckpointSaver[Any],
    *,
    keep_last: int,
    older_than: timedelta,
    now: datetime,
) -> PruneReport:
    """Delete old checkpoints of finished tickets, keeping each thread's newest ones.

    A checkpoint goes when it is not among its thread's ``keep_last`` newest and was
    saved more than ``older_than`` before ``now``. Threads waiting for review or
    stopped mid-run keep every checkpoint (they resume from them). SQLite is
    VACUUMed afterwards so the file shrinks.

    Raises:
        HistoryError: ``keep_last`` below 1, or a memory:// store (nothing persists).
        StoreError: the database failed.
    """
    if keep_last < 1:
        raise HistoryError(
            f"--keep-last must be at least 1 (the ticket's final state), got {keep_last}"
        )
    if not isinstance(saver, SqliteSaver | PostgresSaver):
        raise HistoryError(f"{store_label(saver)} keeps nothing between runs; nothing to prune")
    threads = thread_ids(saver)
    before = _store_bytes(saver, threads)
    cutoff = now - older_than
    pruned, deleted, unfinished = 0, 0, []
    with store_errors(saver):
        for thread in threads:
            config = RunnableConfig(configurable={"thread_id": thread})
            if graph.get_state(config).tasks:  # waiting for review, or to be resumed
                unfinished.append(thread)
                continue
            tuples = list(saver.list(config))  # newest first
            old = [
                t.config["configurable"]["checkpoint_id"]
                for t in tuples[keep_last:]
                if datetime.fromisoformat(t.checkpoint["ts"]) < cutoff
            ]
            if old:
                _delete(saver, thread, old)
                pruned, deleted = pruned + 1, deleted + len(old)
        if isinstance(saver, SqliteSaver):
            _vacuum(saver)
        after = _store_bytes(saver, threads)
    return PruneReport(pruned, tuple(unfinished), deleted, before, after)
