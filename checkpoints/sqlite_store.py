"""LangGraph's SQLite saver, storing each channel value once per version instead of per step."""

from __future__ import annotations

import json
import sqlite3
import threading
from collections import OrderedDict
from collections.abc import Collection, Iterator, Mapping, Sequence
from contextlib import closing, contextmanager
from typing import Any

from langchain_core.runnables import RunnableConfig
from langgraph.checkpoint.base import (
    BaseCheckpointSaver,
    ChannelVersions,
    Checkpoint,
    CheckpointMetadata,
    CheckpointTuple,
    DeltaChannelHistory,
    get_checkpoint_metadata,
)
from langgraph.checkpoint.serde.base import SerializerProtocol
from langgraph.checkpoint.sqlite import SqliteSaver

from supportgraph.checkpoints.versions import CompactVersions

BLOBS = "values_in_blobs"
"""Key marking a checkpoint whose non-scalar channel values live in ``checkpoint_blobs``.

Checkpoints without it (written before, or by LangGraph's own SqliteSaver) hold every
value inline and read back unchanged.
"""

_SCHEMA = """
CREATE TABLE IF NOT EXISTS checkpoint_blobs (
    thread_id TEXT NOT NULL,
    checkpoint_ns TEXT NOT NULL DEFAULT '',
    channel TEXT NOT NULL,
    version TEXT NOT NULL,
    type TEXT NOT NULL,
    blob BLOB,
    PRIMARY KEY (thread_id, checkpoint_ns, channel, version)
)
"""
# Interrupt writes, found without a scan by checkpoints/index.py (review list).
SQLITE_INTERRUPT_INDEX = (
    "CREATE INDEX IF NOT EXISTS writes_interrupts ON writes (thread_id, checkpoint_id) "
    "WHERE channel = '__interrupt__'"
)
_SCALARS = (str, int, float, bool)
_UNKNOWN = object()
_ABSENT = object()  # the channel has no value at that version


def _inline(value: object) -> bool:
    return value is None or isinstance(value, _SCALARS)


class BlobSqliteSaver(CompactVersions, SqliteSaver):
    """SqliteSaver that keeps each channel value once, like LangGraph's PostgreSQL saver.

    LangGraph's SqliteSaver serialises the whole state into every checkpoint, so a
    ticket's ten-odd steps store its ticket, reports and reply ten-odd times. Here a
    value is stored in ``checkpoint_blobs`` under its channel version, written once
    when that version first appears; scalars (counters, outcomes) stay inline. The
    checkpoint row keeps the versions, so reading it joins the blobs back in.
    """

    # The write transaction open on this saver, and the thread that opened it.
    _transaction: tuple[int, sqlite3.Cursor] | None = None
    # Blobs this saver committed, as (thread, namespace, channel, version): a checkpoint
    # that names one of them again does not serialise its value again. What a transaction
    # wrote joins only when it commits. Cleared when blobs are deleted, and when full.
    _stored: set[tuple[str, str, str, str]]
    _uncommitted: set[tuple[str, str, str, str]]
    STORED_LIMIT = 20_000
    # The values of the blobs this saver committed last, by the same keys, and the
    # channels it wrote without a value: reading a checkpoint it has just written (the
    # runner's final state) joins them without reading and deserialising them again.
    # Lists are copied out; the rest is frozen.
    _written: OrderedDict[tuple[str, str, str, str], Any]
    _unwritten: list[tuple[tuple[str, str, str, str], Any]]
    WRITTEN_LIMIT = 256

    def __init__(
        self, conn: sqlite3.Connection, *, serde: SerializerProtocol | None = None
    ) -> None:
        super().__init__(conn, serde=serde)
        self._stored = set()
        self._uncommitted = set()
        self._written = OrderedDict()
        self._unwritten = []
        self._written_lock = threading.Lock()  # self.lock is held around most callers

    def setup(self) -> None:
        """Create LangGraph's tables and the blob table (idempotent)."""
        if self.is_setup:
            return
        super().setup()
        self.conn.execute(_SCHEMA)
        self.conn.execute(SQLITE_INTERRUPT_INDEX)  # review list finds waiting threads by it
        self.conn.commit()

    @contextmanager
    def write_transaction(self) -> Iterator[sqlite3.Cursor]:
        """Run the block's reads and writes as one SQLite transaction, committed at its end.

        ``BEGIN IMMEDIATE`` takes the database's write lock before the block reads
        anything, so no other connection (another process) can write between what the
        block reads and what it writes. This saver's writes inside the block (``put``,
        ``put_writes``, ``delete_thread``) join the transaction instead of committing
        their own; an exception rolls all of it back. The lease fence
        (``checkpoints/leases.py``) reads the ticket's lease in it.
        """
        with self.lock:
            self.setup()
            cur = self.conn.cursor()
            cur.execute("BEGIN IMMEDIATE")
            self._transaction = (threading.get_ident(), cur)
            try:
                yield cur
            except BaseException:
                self.conn.rollback()
                raise
            else:
                self.conn.commit()
                self._remember(self._uncommitted, self._unwritten)
            finally:
                self._transaction = None
                self._uncommitted = set()
                self._unwritten = []
                cur.close()

    def _remember(
        self,
        keys: Collection[tuple[str, str, str, str]],
        values: list[tuple[tuple[str, str, str, str], Any]],
    ) -> None:
        if len(self._stored) + len(keys) > self.STORED_LIMIT:
            self._stored.clear()
        self._stored.update(keys)
        with self._written_lock:
            for key, value in values:
                self._written[key] = value
                self._written.move_to_end(key)
            while len(self._written) > self.WRITTEN_LIMIT:
                self._written.popitem(last=False)

    def _forget(self) -> None:
        self._stored.clear()
        with self._written_lock:
            self._written.clear()

    @contextmanager
    def cursor(self, transaction: bool = True) -> Iterator[sqlite3.Cursor]:
        """A cursor that commits when done; inside :meth:`write_transaction`, that one's."""
        joined = self._transaction
        if joined is not None and joined[0] == threading.get_ident():
            yield joined[1]
            return
        with super().cursor(transaction) as cur:
            yield cur

    def put(
        self,
        config: RunnableConfig,
        checkpoint: Checkpoint,
        metadata: CheckpointMetadata,
        new_versions: ChannelVersions,
    ) -> RunnableConfig:
        """Save the checkpoint, storing values whose version is new in the blob table."""
        thread_id = str(config["configurable"]["thread_id"])
        checkpoint_ns = str(config["configurable"]["checkpoint_ns"])
        values = checkpoint["channel_values"]
        versions = checkpoint["channel_versions"]
        keys = [
            key
            for channel, v in values.items()
            if not _inline(v)
            and (key := (thread_id, checkpoint_ns, channel, str(versions[channel])))
            not in self._stored
            and key not in self._uncommitted  # an earlier step of this transaction wrote it
        ]
        blobs = [(*key, *self.serde.dumps_typed(values[key[2]])) for key in keys]
        # What a read of this checkpoint joins: the values, and the channels without one.
        written = [
            ((thread_id, checkpoint_ns, channel, str(version)), values.get(channel, _ABSENT))
            for channel, version in versions.items()
            if channel not in values or not _inline(values[channel])
        ]
        row: dict[str, Any] = {
            **checkpoint,
            "channel_values": {c: v for c, v in values.items() if _inline(v)},
            BLOBS: True,
        }
        type_, serialized = self.serde.dumps_typed(row)
        meta = json.dumps(get_checkpoint_metadata(config, metadata), ensure_ascii=False).encode(
            "utf-8", "ignore"
        )
        with self.cursor() as cur:
            # Blobs first: a checkpoint row never names a value that is not stored yet.
            cur.executemany(
                "INSERT OR IGNORE INTO checkpoint_blobs "
                "(thread_id, checkpoint_ns, channel, version, type, blob) VALUES (?, ?, ?, ?, ?, ?)",
                blobs,
            )
            cur.execute(
                "INSERT OR REPLACE INTO checkpoints (thread_id, checkpoint_ns, checkpoint_id, "
                "parent_checkpoint_id, type, checkpoint, metadata) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    thread_id,
                    checkpoint_ns,
                    checkpoint["id"],
                    config["configurable"].get("checkpoint_id"),
                    type_,
                    serialized,
                    meta,
                ),
            )
            joined = self._transaction is not None and cur is self._transaction[1]
        if joined:
            self._uncommitted.update(keys)
            self._unwritten.extend(written)
        else:
            self._remember(keys, written)
        return {
            "configurable": {
                "thread_id": thread_id,
                "checkpoint_ns": checkpoint_ns,
                "checkpoint_id": checkpoint["id"],
            }
        }

    def get_tuple(self, config: RunnableConfig) -> CheckpointTuple | None:
        """Read a checkpoint, its values joined back from the blob table."""
        found = super().get_tuple(config)
        if found is None:
            return None
        with self.lock, closing(self.conn.cursor()) as cur:
            return self._joined(cur, found)

    def list(
        self,
        config: RunnableConfig | None,
        *,
        filter: dict[str, Any] | None = None,  # noqa: A002 - LangGraph's signature
        before: RunnableConfig | None = None,
        limit: int | None = None,
    ) -> Iterator[CheckpointTuple]:
        """List checkpoints, newest first, with their values joined back."""
        # SqliteSaver.list holds self.lock while it yields, so read on a cursor of our own.
        with closing(self.conn.cursor()) as cur:
            for found in super().list(config, filter=filter, before=before, limit=limit):
                yield self._joined(cur, found)

    def _joined(self, cur: Any, found: CheckpointTuple) -> CheckpointTuple:
        checkpoint: dict[str, Any] = dict(found.checkpoint)
        if not checkpoint.pop(BLOBS, False):
            return found
        values = dict(checkpoint["channel_values"])
        configurable = found.config["configurable"]
        for channel, version in checkpoint["channel_versions"].items():
            if channel in values:
                continue
            key = (
                str(configurable["thread_id"]),
                configurable.get("checkpoint_ns", ""),
                channel,
                str(version),
            )
            with self._written_lock:
                known = self._written.get(key, _UNKNOWN)
            if known is _ABSENT:
                continue
            if known is not _UNKNOWN:
                values[channel] = list(known) if isinstance(known, list) else known
                continue
            row = cur.execute(
                "SELECT type, blob FROM checkpoint_blobs WHERE thread_id = ? "
                "AND checkpoint_ns = ? AND channel = ? AND version = ?",
                (
                    str(configurable["thread_id"]),
                    configurable.get("checkpoint_ns", ""),
                    channel,
                    str(version),
                ),
            ).fetchone()
            if row is not None:  # no row: the channel had no value at this step
                values[channel] = self.serde.loads_typed((row[0], row[1]))
        checkpoint["channel_values"] = values
        return found._replace(checkpoint=checkpoint)  # type: ignore[arg-type]

    def delete_thread(self, thread_id: str) -> None:
        """Delete a thread's checkpoints, writes and blobs."""
        super().delete_thread(thread_id)
        self._forget()
        with self.cursor() as cur:
            cur.execute("DELETE FROM checkpoint_blobs WHERE thread_id = ?", (str(thread_id),))

    def drop_orphan_blobs(self, thread_id: str) -> int:
        """Delete the thread's blobs no remaining checkpoint names; return how many went."""
        self._forget()
        with self.cursor() as cur:
            rows = cur.execute(
                "SELECT checkpoint_ns, type, checkpoint FROM checkpoints WHERE thread_id = ?",
                (thread_id,),
            ).fetchall()
            named = {
                (ns, channel, str(version))
                for ns, type_, blob in rows
                for channel, version in self.serde.loads_typed((type_, blob))[
                    "channel_versions"
                ].items()
            }
            stored = cur.execute(
                "SELECT checkpoint_ns, channel, version FROM checkpoint_blobs WHERE thread_id = ?",
                (thread_id,),
            ).fetchall()
            orphans = [(thread_id, *key) for key in stored if tuple(key) not in named]
            cur.executemany(
                "DELETE FROM checkpoint_blobs WHERE thread_id = ? AND checkpoint_ns = ? "
                "AND channel = ? AND version = ?",
                orphans,
            )
        return len(orphans)

    def get_delta_channel_history(
        self, *, config: RunnableConfig, channels: Sequence[str]
    ) -> Mapping[str, DeltaChannelHistory]:
        """Walk the parents with the generic reader (SqliteSaver's reads values inline)."""
        return BaseCheckpointSaver.get_delta_channel_history(self, config=config, channels=channels)
