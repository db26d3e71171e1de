"""LangGraph's PostgreSQL saver with compact channel versions and fenceable write transactions."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from langgraph.checkpoint.postgres import PostgresSaver
from psycopg import Connection, Cursor
from psycopg.rows import DictRow, dict_row

from supportgraph.checkpoints.versions import CompactVersions

# Interrupt writes, found without a scan by checkpoints/index.py (review list).
POSTGRES_INTERRUPT_INDEX = (
    "CREATE INDEX IF NOT EXISTS checkpoint_writes_interrupts "
    "ON checkpoint_writes (thread_id, checkpoint_id) WHERE channel = '__interrupt__'"
)


class CompactPostgresSaver(CompactVersions, PostgresSaver):
    """PostgresSaver whose version ids are 18 characters instead of 51.

    Checkpoint rows are JSONB that repeat a version id per channel and per node;
    the shorter ids cut a sample ticket's rows by about half.
    """

    # The write transaction open on this saver, and the thread that opened it.
    _transaction: tuple[int, Cursor[DictRow]] | None = None

    def setup(self) -> None:
        """LangGraph's tables and migrations, then the index of interrupt writes."""
        super().setup()
        with self._cursor() as cur:  # review list finds waiting threads by it
            cur.execute(POSTGRES_INTERRUPT_INDEX)

    @contextmanager
    def write_transaction(self) -> Iterator[Cursor[DictRow]]:
        """Run the block's reads and writes as one PostgreSQL transaction.

        The saver's writes inside the block (``put``, ``put_writes``, ``delete_thread``)
        join it instead of running on their own, so a row the block locked first
        (``SELECT ... FOR UPDATE``, as the lease fence in ``checkpoints/leases.py``
        does) stays locked until they are committed; an exception rolls all of it back.
        """
        if not isinstance(self.conn, Connection):
            raise TypeError(
                f"write_transaction needs one psycopg Connection, got {type(self.conn).__name__}"
            )
        conn: Connection[DictRow] = self.conn
        with (
            self.lock,
            conn.transaction(),
            conn.cursor(binary=True, row_factory=dict_row) as cur,
        ):
            self._transaction = (threading.get_ident(), cur)
            try:
                yield cur
            finally:
                self._transaction = None

    @contextmanager
    def _cursor(self, *, pipeline: bool = False) -> Iterator[Cursor[DictRow]]:
        joined = self._transaction
        if joined is not None and joined[0] == threading.get_ident():
            if pipeline and self.supports_pipeline:  # batch the writes, as upstream does
                with joined[1].connection.pipeline():
                    yield joined[1]
            else:
                yield joined[1]
            return
        with super()._cursor(pipeline=pipeline) as cur:
            yield cur
