"""The review inbox: every ticket waiting for a human, across all threads of a store."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from langchain_core.runnables import RunnableConfig
from langgraph.checkpoint.base import BaseCheckpointSaver

from supportgraph.checkpoints.savers import parse_thread_id
from supportgraph.graph.builder import SupportGraph


@dataclass(frozen=True)
class PendingReview:
    """One open review request and how urgent it is."""

    thread_id: str
    ticket_id: str
    tenant: str | None
    interrupt_id: str
    team: str
    asks: list[str]
    reasons: list[str]
    waiting_since: datetime
    first_response_due: datetime
    time_left: timedelta


def thread_ids(saver: BaseCheckpointSaver[str]) -> list[str]:
    """Every thread in the store, sorted."""
    inner: Any = getattr(saver, "inner", saver)
    conn = getattr(inner, "conn", None)
    if isinstance(conn, sqlite3.Connection):
        with inner.lock:
            rows = conn.execute("SELECT DISTINCT thread_id FROM checkpoints").fetchall()
        return sorted(str(row[0]) for row in rows)
    return sorted({str(c.config["configurable"]["thread_id"]) for c in inner.list(None)})


def pending_reviews(
    graph: SupportGraph, now: datetime, team: str | None = None, older_than: timedelta | None = None
) -> list[PendingReview]:
    """Open review requests, oldest deadline first, optionally for one team or waiting long."""
    if graph.checkpointer is None or not isinstance(graph.checkpointer, BaseCheckpointSaver):
        return []
    found = []
    for thread in thread_ids(graph.checkpointer):
        snapshot = graph.get_state(RunnableConfig(configurable={"thread_id": thread}))
        for pending in snapshot.interrupts:
            request = pending.value
            asked = [
                d.at for d in snapshot.values.get("decisions", []) if d.target == "human_review"
            ]
            since = asked[-1] if asked else now
            due = datetime.fromisoformat(request["first_response_due"])
            review = PendingReview(
                thread_id=thread,
                ticket_id=request["ticket_id"],
                tenant=parse_thread_id(thread)[0],
                interrupt_id=pending.id,
                team=request["team"],
                asks=list(request["asks"]),
                reasons=list(request["reasons"]),
                waiting_since=since,
                first_response_due=due,
                time_left=due - now,
            )
            if team and review.team.casefold() != team.casefold():
                continue
            if older_than is not None and now - since < older_than:
                continue
            found.append(review)
    return sorted(found, key=lambda r: r.first_response_due)
