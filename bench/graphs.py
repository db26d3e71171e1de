"""The graph on the same tickets: no checkpointer, memory, SQLite (sync, async), PostgreSQL.

With a store, tickets go through ``run_batch`` as ``supportgraph run`` does (read the
thread, take the lease, invoke with ``durability="sync"`` with the steps on the calling
thread, read it again). The async variant does the same steps with
``durability="async"`` and LangGraph's thread pool, which is what lets its writes
overlap the next step: the runner pins sync, so the bench spells them out here. Without
a checkpointer the graph is invoked directly, its steps placed as the runner places them.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

from supportgraph.checkpoints import open_checkpointer, thread_id
from supportgraph.checkpoints.fence import holding_lease
from supportgraph.graph.context import Context
from supportgraph.graph.models import Ticket
from supportgraph.runs.build import build_graph
from supportgraph.runs.retention import prune, thread_bytes
from supportgraph.runs.runner import config_for, run_batch, step_config, step_threads
from supportgraph.tools.knowledge.kb_store import load_index
from supportgraph.tools.signals.ticket_text import _judged
from supportgraph.tools.tickets.blobs import offload_body
from supportgraph.tools.triage import triage_features


def fresh_caches(context: Context) -> None:
    """Forget per-text caches so no variant reuses the work of the one before."""
    _judged.cache_clear()
    load_index(context.kb_path).forget_queries()
    # Triage's sentence vectors, memoised by text: without this every variant after the
    # floor skipped the triage encoding of each ticket (the graph ran 1.17x the floor).
    triage_features._memo.clear()


def run_without_store(tickets: list[Ticket], context: Context) -> list[float]:
    """``graph.invoke`` per ticket, no checkpointer: LangGraph's own cost, nothing saved."""
    graph = build_graph(None)
    latencies = []
    for ticket in tickets:
        started = time.perf_counter()
        with step_threads(context):
            graph.invoke(
                {"ticket": offload_body(ticket)}, step_config({}, context), context=context
            )
        latencies.append(time.perf_counter() - started)
    return latencies


def run_with_store(
    tickets: list[Ticket],
    context: Context,
    url: str,
    durability: Literal["sync", "async"] = "sync",
) -> list[float]:
    """Every ticket through the graph on the store at ``url``; per-ticket seconds."""
    with open_checkpointer(url) as saver:
        graph = build_graph(saver)
        if durability == "async":
            latencies = []
            for ticket in tickets:
                started = time.perf_counter()
                _invoke_async(graph, ticket, context)
                latencies.append(time.perf_counter() - started)
            return latencies
        # run_batch reports each ticket as it finishes: the gaps are the latencies.
        stamps = [time.perf_counter()]
        runs = run_batch(
            graph, tickets, context, on_done=lambda _: stamps.append(time.perf_counter())
        )
        failed = [r for r in runs if r.status != "processed"]
        if failed:
            raise RuntimeError(f"{len(failed)} ticket(s) not processed, first: {failed[0]}")
        return [end - start for start, end in zip(stamps, stamps[1:], strict=False)]


@dataclass(frozen=True)
class StoreSize:
    """Checkpoints and bytes per ticket in a store, bytes once pruned, and the outcomes."""

    checkpoints: list[int]
    bytes: list[int]
    bytes_after_prune: list[int]
    outcomes: dict[str, str]


def store_size(url: str, tickets: list[Ticket]) -> StoreSize:
    """Count each ticket's checkpoints and bytes, then ``prune --keep-last 2`` and measure again.

    Pruning changes the store: measure it after every run that writes to it.
    """
    with open_checkpointer(url, create=False) as saver:
        threads = [thread_id(t.ticket_id, t.tenant) for t in tickets]
        counts = [len(list(saver.list({"configurable": {"thread_id": t}}))) for t in threads]
        sizes = [thread_bytes(saver, t) or 0 for t in threads]
        graph = build_graph(saver)
        outcomes = {}
        for ticket, thread in zip(tickets, threads, strict=True):
            values = graph.get_state({"configurable": {"thread_id": thread}}).values
            outcomes[ticket.ticket_id] = values.get("outcome") or "waiting_for_review"
        later = datetime.now(UTC) + timedelta(days=31)
        prune(graph, saver, keep_last=2, older_than=timedelta(days=30), now=later)
        pruned = [thread_bytes(saver, t) or 0 for t in threads]
    return StoreSize(counts, sizes, pruned, outcomes)


def _invoke_async(graph: Any, ticket: Ticket, context: Context) -> None:
    """``run_ticket``'s steps with asynchronous checkpoint writes."""
    config = config_for(ticket.ticket_id, ticket.tenant)
    graph.get_state(config)
    with holding_lease(graph.checkpointer, config["configurable"]["thread_id"]):
        graph.get_state(config)
        graph.invoke(
            {"ticket": offload_body(ticket)},
            step_config(config, context),
            context=context,
            durability="async",
        )
        graph.get_state(config)


@contextmanager
def postgres_url(enabled: bool) -> Iterator[tuple[str | None, str]]:
    """A database on a throwaway PostgreSQL server, or None and why there is none."""
    if not enabled:
        yield None, "skipped (--no-postgres)"
        return
    from tests import pg_server

    try:
        server = pg_server.start()
    except pg_server.PostgresUnavailable as exc:
        yield None, f"skipped: {exc}"
        return
    try:
        yield server.create_database("bench"), ""
    finally:
        server.stop()
