"""The review inbox: every ticket waiting for a human, across all threads of a store."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, Protocol

from langgraph.checkpoint.base import BaseCheckpointSaver

from supportgraph.checkpoints.index import waiting_thread_ids
from supportgraph.checkpoints.savers import parse_thread_id

if TYPE_CHECKING:
    from langgraph.types import Interrupt

    from supportgraph.graph.builder import SupportGraph


class ThreadState(Protocol):
    """What the inbox reads of a thread: a graph's ``StateSnapshot`` or a ``StoredState``."""

    @property
    def values(self) -> Any: ...  # noqa: D102 - the state's channel values

    @property
    def interrupts(self) -> tuple[Interrupt, ...]: ...  # noqa: D102 - open interrupts


@dataclass(frozen=True)
class StoredState:
    """A thread's latest values and open interrupts, read from the store directly.

    ``review list`` needs no more than this, and reading it costs no compiled graph
    (importing LangGraph's graph package alone takes over a second).
    """

    values: dict[str, Any]
    interrupts: tuple[Interrupt, ...]


def stored_state(saver: BaseCheckpointSaver[Any], thread: str) -> StoredState | None:
    """The latest checkpoint of ``thread`` as state values and open interrupts; None if none."""
    found = saver.get_tuple({"configurable": {"thread_id": thread, "checkpoint_ns": ""}})
    if found is None:
        return None
    values = {
        name: value
        for name, value in found.checkpoint["channel_values"].items()
        if not name.startswith(("__", "branch:"))
    }
    interrupts = tuple(
        interrupt
        for _task, channel, value in found.pending_writes or ()
        if channel == "__interrupt__"
        for interrupt in (value if isinstance(value, list | tuple) else (value,))
    )
    return StoredState(values, interrupts)


@dataclass(frozen=True)
class PendingReview:
    """One open review request, how old the ticket is and how urgent the review.

    ``submitted_at`` is when the customer wrote (the ticket's age counts from it);
    ``waiting_since`` is when the ticket entered the review queue. ``snapshot`` is the
    thread's state, for a view of the message, findings and draft.
    """

    thread_id: str
    ticket_id: str
    tenant: str | None
    interrupt_id: str
    team: str
    asks: list[str]
    reasons: list[str]
    submitted_at: datetime
    waiting_since: datetime
    first_response_due: datetime
    time_left: timedelta
    snapshot: ThreadState = field(compare=False, repr=False)


def pending_reviews(
    source: SupportGraph | BaseCheckpointSaver[Any],
    now: datetime,
    team: str | None = None,
    older_than: timedelta | None = None,
    waiting_longer_than: timedelta | None = None,
) -> list[PendingReview]:
    """Open review requests, earliest first-response deadline first.

    Args:
        source: The store to scan, or a support graph compiled with it.
        now: The time ages and deadlines are measured at.
        team: Only this team's reviews (case-insensitive).
        older_than: Only tickets submitted at least this long ago (the ticket's age).
        waiting_longer_than: Only tickets in the review queue for at least this long.
    """
    saver = source if isinstance(source, BaseCheckpointSaver) else source.checkpointer
    if not isinstance(saver, BaseCheckpointSaver):
        return []
    found = []
    for thread in waiting_thread_ids(saver):  # not every thread ever run
        state = stored_state(saver, thread)
        if state is None:
            continue
        for review in reviews_in(thread, state, now):
            if team and review.team.casefold() != team.casefold():
                continue
            if older_than is not None and now - review.submitted_at < older_than:
                continue
            if waiting_longer_than is not None and now - review.waiting_since < waiting_longer_than:
                continue
            found.append(review)
    return sorted(found, key=lambda r: r.first_response_due)


def reviews_in(thread: str, snapshot: ThreadState, now: datetime) -> list[PendingReview]:
    """The open review requests of one thread (none when it does not wait for a person)."""
    asked = [d.at for d in snapshot.values.get("decisions", []) if d.target == "human_review"]
    reviews = []
    for pending in snapshot.interrupts:
        request: Any = pending.value
        due = datetime.fromisoformat(request["first_response_due"])
        reviews.append(
            PendingReview(
                thread_id=thread,
                ticket_id=request["ticket_id"],
                tenant=parse_thread_id(thread)[0],
                interrupt_id=pending.id,
                team=request["team"],
                asks=list(request["asks"]),
                reasons=list(request["reasons"]),
                submitted_at=snapshot.values["ticket"].submitted_at,
                waiting_since=asked[-1] if asked else now,
                first_response_due=due,
                time_left=due - now,
                snapshot=snapshot,
            )
        )
    return reviews
