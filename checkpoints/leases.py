"""One writer per ticket: leases with fencing tokens, in the checkpoint database.

LangGraph lets two processes resume the same thread, and the later write silently
wins. Here a process takes the ticket's lease (owner, expiry, fencing token) before it
runs the ticket, and every checkpoint write checks that the token is still current
(``FencedSaver`` in ``fence.py``), so a stale writer fails with ``TicketBusyError``
instead of forking the history. The check and the write are one transaction with
the project's savers (SQLite ``BEGIN IMMEDIATE``; PostgreSQL a row lock on the lease),
so a takeover cannot land between them. A lease whose owner process is gone (same
host, dead pid) or whose time ran out can be taken over.
"""

from __future__ import annotations

import os
import socket
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from langgraph.checkpoint.base import BaseCheckpointSaver

from supportgraph.graph.errors import TicketBusyError

DEFAULT_TTL = timedelta(minutes=10)


def this_process() -> str:
    """Lease owner name for this process: ``host:pid``."""
    return f"{socket.gethostname()}:{os.getpid()}"


def _owner_alive(owner: str) -> bool:
    host, _, pid = owner.rpartition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return True  # another machine: trust the expiry time
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _refuse_if_held(current: Lease | None, owner: str, now: datetime) -> None:
    """Raise TicketBusyError when another, live owner holds an unexpired lease."""
    if (
        current is not None
        and current.owner  # '' marks a released lease (PostgreSQL keeps its token)
        and current.owner != owner
        and current.expires_at > now
        and _owner_alive(current.owner)
    ):
        raise TicketBusyError(
            f"ticket {current.thread_id} is being processed by {current.owner} "
            f"(lease until {current.expires_at:%H:%M:%S} UTC); try again when it is done"
        )


def _still_held(lease: Lease, current: Lease | None) -> None:
    """Raise TicketBusyError unless ``current`` is ``lease``: nobody took the ticket over."""
    if current is None or (current.token, current.owner) != (lease.token, lease.owner):
        taker = current.owner if current and current.owner else "nobody (released)"
        raise TicketBusyError(
            f"ticket {lease.thread_id} was taken over by {taker}; this process ({lease.owner}) "
            "stops writing so that the ticket's history does not fork"
        )


@dataclass(frozen=True)
class Lease:
    """Who holds a ticket, until when, under which fencing token."""

    thread_id: str
    owner: str
    token: int
    expires_at: datetime


class LeaseTable:
    """Leases in a table of the checkpoint database (SQLite), or in memory."""

    def __init__(self, conn: sqlite3.Connection | None = None, lock: Any = None) -> None:
        self._conn = conn
        self._lock = lock or threading.Lock()
        self._memory: dict[str, Lease] = {}
        if conn is not None:
            with self._lock:
                conn.execute(
                    "CREATE TABLE IF NOT EXISTS supportgraph_leases ("
                    "thread_id TEXT PRIMARY KEY, owner TEXT NOT NULL, token INTEGER NOT NULL, expires_at TEXT NOT NULL)"
                )
                conn.commit()

    def holder(self, thread_id: str) -> Lease | None:
        """The current lease on a thread, live or stale."""
        if self._conn is None:
            return self._memory.get(thread_id)
        with self._lock:
            return self._read(thread_id)

    def acquire(self, thread_id: str, owner: str, ttl: timedelta = DEFAULT_TTL) -> Lease:
        """Take the lease, or raise TicketBusyError naming the live holder."""
        now = datetime.now(UTC)
        with self._lock:
            if self._conn is not None:
                self._conn.execute("BEGIN IMMEDIATE")
            try:
                current = self._read(thread_id)
                _refuse_if_held(current, owner, now)
                lease = Lease(thread_id, owner, (current.token if current else 0) + 1, now + ttl)
                self._write(lease)
            except BaseException:
                if self._conn is not None:
                    self._conn.rollback()
                raise
            if self._conn is not None:
                self._conn.commit()
        return lease

    def release(self, lease: Lease) -> None:
        """Give the lease up, if it is still ours, once the ticket's writes are on disk.

        The store commits each step without waiting for the disk (``synchronous=NORMAL``,
        checkpoints/savers.py). This commit waits (``FULL``): in WAL mode that syncs the
        log up to it, so every checkpoint the ticket wrote is durable before the lease
        is free and before its outbox is delivered (the runner delivers after release).
        """
        with self._lock:
            if self._conn is None:
                if self._memory.get(lease.thread_id) == lease:
                    del self._memory[lease.thread_id]
                return
            (level,) = self._conn.execute("PRAGMA synchronous").fetchone()
            self._conn.execute("PRAGMA synchronous=FULL")
            try:
                self._conn.execute(
                    "DELETE FROM supportgraph_leases WHERE thread_id = ? AND token = ?",
                    (lease.thread_id, lease.token),
                )
                self._conn.commit()
            finally:
                self._conn.execute(f"PRAGMA synchronous={int(level)}")

    def check(self, lease: Lease) -> None:
        """Raise TicketBusyError if someone took the lease over since we got it."""
        _still_held(lease, self.holder(lease.thread_id))

    @contextmanager
    def fence(self, lease: Lease, saver: BaseCheckpointSaver[str]) -> Iterator[None]:
        """Check ``lease``, then run the block's writes so that no takeover lands in between.

        With a saver that has ``write_transaction`` (BlobSqliteSaver) the lease is read
        inside the write's ``BEGIN IMMEDIATE`` transaction: a taker's own ``BEGIN
        IMMEDIATE`` waits until the write is committed. In memory, the table's lock is
        held across both. Any other SQLite saver is checked just before it writes.

        Raises:
            TicketBusyError: the lease was taken over; nothing in the block ran.
        """
        if self._conn is None:
            with self._lock:
                _still_held(lease, self._memory.get(lease.thread_id))
                yield
            return
        begin = getattr(saver, "write_transaction", None)
        if begin is None:
            self.check(lease)
            yield
            return
        with begin() as cur:
            _still_held(lease, self._read(lease.thread_id, cur))
            yield

    def _read(self, thread_id: str, cursor: sqlite3.Cursor | None = None) -> Lease | None:
        if self._conn is None:
            return self._memory.get(thread_id)
        row = (
            (cursor or self._conn)
            .execute(
                "SELECT owner, token, expires_at FROM supportgraph_leases WHERE thread_id = ?",
                (thread_id,),
            )
            .fetchone()
        )
        return Lease(thread_id, row[0], row[1], datetime.fromisoformat(row[2])) if row else None

    def _write(self, lease: Lease) -> None:
        if self._conn is None:
            self._memory[lease.thread_id] = lease
            return
        self._conn.execute(
            "INSERT INTO supportgraph_leases (thread_id, owner, token, expires_at) VALUES (?, ?, ?, ?) "
            "ON CONFLICT(thread_id) DO UPDATE SET owner = excluded.owner, token = excluded.token, "
            "expires_at = excluded.expires_at",
            (lease.thread_id, lease.owner, lease.token, lease.expires_at.isoformat()),
        )


class PostgresLeaseTable(LeaseTable):
    """Leases in a table of the PostgreSQL checkpoint database, locked row by row."""

    def __init__(self, conn: Any, lock: Any = None) -> None:
        self._pg = conn
        self._lock = lock or threading.Lock()
        self._memory = {}
        self._conn = None
        with self._lock, self._pg.transaction():
            self._pg.execute(
                "CREATE TABLE IF NOT EXISTS supportgraph_leases (thread_id TEXT PRIMARY KEY, "
                "owner TEXT NOT NULL, token BIGINT NOT NULL, expires_at TIMESTAMPTZ NOT NULL)"
            )

    def holder(self, thread_id: str) -> Lease | None:
        """The current lease on a thread, live or stale."""
        with self._lock:
            return self._pg_read(thread_id, lock=False)

    def acquire(self, thread_id: str, owner: str, ttl: timedelta = DEFAULT_TTL) -> Lease:
        """Take the lease, or raise TicketBusyError naming the live holder."""
        now = datetime.now(UTC)
        with self._lock, self._pg.transaction():
            # Make sure a row exists, then lock it: concurrent takers queue up here.
            self._pg.execute(
                "INSERT INTO supportgraph_leases VALUES (%s, '', 0, %s) ON CONFLICT (thread_id) DO NOTHING",
                (thread_id, now),
            )
            current = self._pg_read(thread_id, lock=True)
            _refuse_if_held(current, owner, now)
            lease = Lease(thread_id, owner, (current.token if current else 0) + 1, now + ttl)
            self._pg.execute(
                "UPDATE supportgraph_leases SET owner = %s, token = %s, expires_at = %s WHERE thread_id = %s",
                (lease.owner, lease.token, lease.expires_at, thread_id),
            )
        return lease

    def release(self, lease: Lease) -> None:
        """Give the lease up, if it is still ours (the token is kept for fencing)."""
        with self._lock, self._pg.transaction():
            self._pg.execute(
                "UPDATE supportgraph_leases SET owner = '', expires_at = now() WHERE thread_id = %s AND token = %s",
                (lease.thread_id, lease.token),
            )

    @contextmanager
    def fence(self, lease: Lease, saver: BaseCheckpointSaver[str]) -> Iterator[None]:
        """Check ``lease``, then run the block's writes so that no takeover lands in between.

        With a saver that has ``write_transaction`` (CompactPostgresSaver) the lease
        row is locked (``SELECT ... FOR UPDATE``) in the write's transaction: a taker's
        ``acquire`` waits on that row until the write is committed, then sees it.
        Any other PostgreSQL saver is checked just before it writes.

        Raises:
            TicketBusyError: the lease was taken over; nothing in the block ran.
        """
        begin = getattr(saver, "write_transaction", None)
        if begin is None:
            self.check(lease)
            yield
            return
        with begin() as cur:
            _still_held(lease, self._pg_read(lease.thread_id, lock=True, cursor=cur))
            yield

    def _pg_read(self, thread_id: str, lock: bool, cursor: Any = None) -> Lease | None:
        row = (
            (cursor or self._pg)
            .execute(
                "SELECT owner, token, expires_at FROM supportgraph_leases WHERE thread_id = %s"
                + (" FOR UPDATE" if lock else ""),
                (thread_id,),
            )
            .fetchone()
        )
        if row is None:
            return None
        values = list(row.values()) if isinstance(row, dict) else list(row)
        return Lease(thread_id, values[0], int(values[1]), values[2])


def lease_table(inner: BaseCheckpointSaver[str]) -> LeaseTable:
    """The lease table in the saver's own database (same connection and lock), or in memory."""
    conn = getattr(inner, "conn", None)
    lock = getattr(inner, "lock", None)
    if isinstance(conn, sqlite3.Connection):
        return LeaseTable(conn, lock)
    if type(conn).__module__.startswith("psycopg"):
        return PostgresLeaseTable(conn, lock)
    return LeaseTable()  # in memory: one process
