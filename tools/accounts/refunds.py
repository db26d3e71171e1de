"""Refund requests already sent, per charge: what keeps one charge from being refunded twice.

Five tickets about the same duplicate charge may each be approved; only the first
refund request for that charge reaches Billing. The relay claims the charge here (one
row per tenant and charge id, in ``$SUPPORTGRAPH_HOME/effects.sqlite``) before it
delivers a refund request, and the success node reads the claims so that a charge
already requested is reported to the reviewer instead of proposed again.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime

from supportgraph.checkpoints.sqlite_setup import set_up_shared
from supportgraph.graph.context import home_dir

_SCHEMA = """
CREATE TABLE IF NOT EXISTS refund_requests (
    tenant TEXT NOT NULL,
    charge_id TEXT NOT NULL,
    ticket_id TEXT NOT NULL,
    message_key TEXT NOT NULL,
    requested_at TEXT NOT NULL,
    PRIMARY KEY (tenant, charge_id)
)
"""


@dataclass(frozen=True)
class RefundClaim:
    """The refund request that first asked Billing to refund a charge."""

    charge_id: str
    ticket_id: str
    message_key: str
    requested_at: str


@contextmanager
def _connect() -> Iterator[sqlite3.Connection]:
    path = home_dir() / "effects.sqlite"
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(path, timeout=30, isolation_level=None)

    def step() -> None:
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute(_SCHEMA)

    try:
        set_up_shared(conn, step)
        yield conn
    finally:
        conn.close()


def requested(charge_id: str, tenant: str | None = None) -> RefundClaim | None:
    """The earlier refund request for ``charge_id``, or None when none was sent."""
    with _connect() as conn:
        row = conn.execute(
            "SELECT charge_id, ticket_id, message_key, requested_at FROM refund_requests "
            "WHERE tenant = ? AND charge_id = ?",
            (tenant or "", charge_id),
        ).fetchone()
    return RefundClaim(*row) if row else None


def claim(
    charge_id: str, ticket_id: str, message_key: str, at: datetime, tenant: str | None = None
) -> RefundClaim | None:
    """Claim ``charge_id`` for one refund request; return the earlier claim if there is one.

    The same ticket's message claiming again (a relay retried after a crash, another
    ``--out`` folder) is not a conflict; another ticket's request for the charge is.
    """
    with _connect() as conn:
        conn.execute("BEGIN IMMEDIATE")
        try:
            row = conn.execute(
                "SELECT charge_id, ticket_id, message_key, requested_at FROM refund_requests "
                "WHERE tenant = ? AND charge_id = ?",
                (tenant or "", charge_id),
            ).fetchone()
            if row is None:
                conn.execute(
                    "INSERT INTO refund_requests VALUES (?, ?, ?, ?, ?)",
                    (tenant or "", charge_id, ticket_id, message_key, at.isoformat()),
                )
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
    if row is None or (row[1], row[2]) == (ticket_id, message_key):
        return None
    return RefundClaim(*row)
