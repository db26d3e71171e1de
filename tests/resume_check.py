"""Pause SUPPORT-004 for review and resume it from what the store read back; print outcomes.

Run in a process of its own, as ``python -m tests.resume_check URL...``: LangGraph reads
``LANGGRAPH_STRICT_MSGPACK`` once, at import, so tests/test_strict_serde.py starts this
with the variable set and reads the JSON printed on stdout and the warnings on stderr.
Each URL is one store (sqlite:///..., postgresql://...); the store is closed and opened
again between pausing and resuming, so the resume reads every value from the database.
Then the graph runs as a subgraph of a parent compiled with LangGraph's own in-memory
saver, and with one of ours.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from langgraph.checkpoint.base import BaseCheckpointSaver
from langgraph.checkpoint.memory import InMemorySaver
from langgraph.graph import START, StateGraph
from langgraph.types import Command
from typing_extensions import TypedDict

from supportgraph.checkpoints import open_checkpointer
from supportgraph.graph.context import Context
from supportgraph.graph.models import SpecialistReport, Ticket
from supportgraph.runs.build import build_graph
from supportgraph.runs.runner import resume_review, run_ticket
from supportgraph.tools.tickets.intake import validate_records

from .conftest import SAMPLES

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
CONTEXT = Context(clock=lambda: NOW)


class Parent(TypedDict, total=False):
    """A caller's graph that embeds the support graph as one node."""

    ticket: Ticket
    outcome: str


def _ticket() -> Ticket:
    intake = validate_records(json.loads(SAMPLES.read_text()), NOW)
    return next(t for t in intake.tickets if t.ticket_id == "SUPPORT-004")


def resume_in_store(url: str) -> dict[str, Any]:
    """Pause in one connection, resume in a fresh one; what the reviewer's run ended with."""
    with open_checkpointer(url) as saver:
        paused = run_ticket(build_graph(saver), _ticket(), CONTEXT).snapshot
    with open_checkpointer(url) as saver:
        done = resume_review(build_graph(saver), "SUPPORT-004", {"action": "approve"}, CONTEXT)
    return {
        "paused_at": list(paused.next),
        "outcome": done.values["outcome"],
        "success_is_a_model": isinstance(done.values["success"], SpecialistReport),
    }


@contextmanager
def _parent_saver(url: str | None) -> Iterator[BaseCheckpointSaver[Any]]:
    if url is None:
        yield InMemorySaver()  # the caller's own saver, with LangGraph's serializer
    else:
        with open_checkpointer(url) as saver:
            yield saver


def resume_as_subgraph(url: str | None) -> str:
    """Run the graph inside a parent graph, pause for review and resume through the parent."""
    with _parent_saver(url) as saver:
        parent = StateGraph(Parent, context_schema=Context)
        parent.add_node("support", build_graph())
        parent.add_edge(START, "support")
        app = parent.compile(checkpointer=saver)
        config: Any = {"configurable": {"thread_id": "parent-1"}}
        app.invoke({"ticket": _ticket()}, config, context=CONTEXT)
        result = app.invoke(Command(resume={"action": "approve"}), config, context=CONTEXT)
        return str(result.get("outcome"))


def main(urls: list[str]) -> None:
    """Print one JSON object: results per store URL and per subgraph parent saver."""
    report: dict[str, Any] = {url: resume_in_store(url) for url in urls}
    report["subgraph, LangGraph's InMemorySaver"] = resume_as_subgraph(None)
    report["subgraph, our memory saver"] = resume_as_subgraph("memory://")
    print(json.dumps(report))


if __name__ == "__main__":
    main(sys.argv[1:])
