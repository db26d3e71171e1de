"""The floor: the graph's own node functions in a plain loop, one SQLite insert per ticket.

This is what a user could write instead of the graph: call the supervisor, run the
steps it names (the parallel ones on the same state, as the graph does), merge their
updates (appending where the state appends), stop at the end or where a reviewer must
decide, and save the final result with one SQLite insert and commit. The nodes are the
same functions the graph runs, so the gap between the floor and the graph is what
LangGraph and the checkpoints cost. Each node's time is summed for the per-node shares.
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace
from typing import Annotated, Any, get_origin, get_type_hints

from pydantic import BaseModel

from supportgraph.graph.builder import WORKERS
from supportgraph.graph.context import Context
from supportgraph.graph.models import Ticket
from supportgraph.graph.state import SupportState
from supportgraph.nodes.supervisor import coordinate
from supportgraph.tools.tickets.blobs import offload_body

# State keys with a reducer (decisions, outbox, audit): updates append instead of replacing.
_APPENDED = {
    name
    for name, hint in get_type_hints(SupportState, include_extras=True).items()
    if get_origin(hint) is Annotated
}


@dataclass
class FloorRun:
    """Per-ticket seconds and outcomes, and the seconds each node (and the insert) took."""

    latencies: list[float] = field(default_factory=list)
    node_seconds: dict[str, float] = field(default_factory=lambda: defaultdict(float))
    outcomes: dict[str, str] = field(default_factory=dict)


def _merge(state: dict[str, Any], update: dict[str, Any]) -> None:
    for key, value in update.items():
        state[key] = [*state.get(key, []), *value] if key in _APPENDED else value


def _plain(value: object) -> object:
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    raise TypeError(f"cannot store {type(value).__name__}")


def _one_ticket(ticket: Ticket, runtime: Any, timing: dict[str, float]) -> dict[str, Any]:
    state: dict[str, Any] = {"ticket": offload_body(ticket)}
    while True:
        started = time.perf_counter()
        command = coordinate(state, runtime)  # type: ignore[arg-type]
        timing["supervisor"] += time.perf_counter() - started
        _merge(state, dict(command.update or {}))
        steps = [command.goto] if isinstance(command.goto, str) else list(command.goto)
        if steps == ["__end__"]:
            return state
        if "human_review" in steps:  # the graph pauses here until a reviewer decides
            return state
        updates = []
        for step in steps:  # parallel steps read the same state, as in the graph
            started = time.perf_counter()
            updates.append(WORKERS[step](state, runtime))  # type: ignore[operator]
            timing[step] += time.perf_counter() - started
        for update in updates:
            _merge(state, update)


def run_floor(tickets: list[Ticket], context: Context, database: Path) -> FloorRun:
    """Run every ticket through the node functions; save each result with one insert."""
    runtime = SimpleNamespace(context=context)
    result = FloorRun()
    with sqlite3.connect(database) as db:
        db.execute(
            "CREATE TABLE IF NOT EXISTS results (ticket_id TEXT PRIMARY KEY, outcome TEXT, state TEXT)"
        )
        for ticket in tickets:
            started = time.perf_counter()
            state = _one_ticket(ticket, runtime, result.node_seconds)
            saving = time.perf_counter()
            outcome = state.get("outcome") or "waiting_for_review"
            db.execute(
                "INSERT OR REPLACE INTO results VALUES (?, ?, ?)",
                (ticket.ticket_id, outcome, json.dumps(state, default=_plain)),
            )
            db.commit()
            done = time.perf_counter()
            result.node_seconds["save (1 insert)"] += done - saving
            result.latencies.append(done - started)
            result.outcomes[ticket.ticket_id] = outcome
    return result
