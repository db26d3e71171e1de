"""A ticket's checkpoint history, and replays that fork it from an earlier checkpoint."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from langchain_core.runnables import RunnableConfig
from langgraph.types import StateSnapshot

from supportgraph.checkpoints.fence import holding_lease
from supportgraph.graph.builder import SupportGraph
from supportgraph.graph.context import Context
from supportgraph.graph.errors import HistoryError
from supportgraph.runs.runner import config_for


@dataclass(frozen=True)
class HistoryEntry:
    """One checkpoint of a ticket's thread, as ``supportgraph history`` lists it.

    Attributes:
        checkpoint_id: The id to pass to ``replay --from``.
        parent_id: The checkpoint this one continued from (None for the first).
        step: LangGraph's step counter (-1 for the input checkpoint).
        source: ``input`` (the ticket arrived), ``loop`` (a step ran), ``update`` or ``fork``.
        wrote: The nodes whose results this checkpoint saved (empty for the input).
        created_at: When it was saved.
        next: The nodes due to run from here (empty: the ticket finished here).
        current: Whether it lies on the branch ``show`` reads (False: an older branch a replay forked away from).
    """

    checkpoint_id: str
    parent_id: str | None
    step: int
    source: str
    wrote: tuple[str, ...]
    created_at: datetime
    next: tuple[str, ...]
    current: bool


def _id(snapshot: StateSnapshot) -> str:
    return str(snapshot.config["configurable"]["checkpoint_id"])


def _parent_id(snapshot: StateSnapshot) -> str | None:
    if not snapshot.parent_config:
        return None
    return str(snapshot.parent_config["configurable"]["checkpoint_id"])


def history(graph: SupportGraph, ticket_id: str, tenant: str | None = None) -> list[HistoryEntry]:
    """List every checkpoint of a ticket's thread, oldest first, every branch included.

    Raises:
        HistoryError: the store holds no thread for the ticket.
    """
    snapshots = list(graph.get_state_history(config_for(ticket_id, tenant)))
    if not snapshots:
        raise HistoryError(f"unknown ticket {ticket_id}: no checkpoint thread in this store")
    by_id = {_id(s): s for s in snapshots}
    current: set[str] = set()
    cursor: str | None = _id(snapshots[0])  # the newest checkpoint is the thread's head
    while cursor in by_id:
        current.add(cursor)
        cursor = _parent_id(by_id[cursor])
    entries = []
    for snapshot in reversed(snapshots):
        metadata = snapshot.metadata or {}
        parent = by_id.get(_parent_id(snapshot) or "")
        # A fork checkpoint copies its root's state: no node ran to write it.
        wrote = tuple(parent.next) if parent and metadata.get("source") != "fork" else ()
        entries.append(
            HistoryEntry(
                checkpoint_id=_id(snapshot),
                parent_id=_parent_id(snapshot),
                step=int(metadata.get("step", -1)),
                source=str(metadata.get("source", "")),
                wrote=wrote,
                created_at=datetime.fromisoformat(
                    snapshot.created_at or "1970-01-01T00:00:00+00:00"
                ),
                next=tuple(snapshot.next),
                current=_id(snapshot) in current,
            )
        )
    return entries


def replay(
    graph: SupportGraph,
    ticket_id: str,
    checkpoint_id: str,
    context: Context,
    tenant: str | None = None,
) -> StateSnapshot:
    """Run a ticket again from an earlier checkpoint, forking a new branch of its thread.

    The checkpoints already saved are not changed: the new steps are saved as a
    branch whose root is ``checkpoint_id``, and that branch becomes the thread's
    head (what ``show`` and the reports read). Replaying from the checkpoint before
    triage with another SLA policy or confidence threshold re-triages the ticket.

    Raises:
        HistoryError: the checkpoint is not in the ticket's history, or the ticket
            finished at it, so there is nothing to run.
        TicketBusyError: another process is running or deciding the ticket right now.
    """
    config = config_for(ticket_id, tenant)
    known = {e.checkpoint_id: e for e in history(graph, ticket_id, tenant)}
    entry = known.get(checkpoint_id)
    if entry is None:
        raise HistoryError(
            f"ticket {ticket_id} has no checkpoint {checkpoint_id}; "
            f"`supportgraph history {ticket_id}` lists its checkpoints"
        )
    if not entry.next:
        raise HistoryError(
            f"ticket {ticket_id} finished at checkpoint {checkpoint_id}; nothing to replay "
            "from there: pick an earlier one (its `next` column names what would run)"
        )
    fork = RunnableConfig(configurable={**config["configurable"], "checkpoint_id": checkpoint_id})
    with holding_lease(graph.checkpointer, config["configurable"]["thread_id"]):
        graph.invoke(None, fork, context=context, durability="sync")
    return graph.get_state(config)
