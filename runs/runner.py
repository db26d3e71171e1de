"""Run tickets through the graph with checkpoints: new, resumed, or already finished."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Literal

from langchain_core.runnables import RunnableConfig
from langgraph.checkpoint.base import BaseCheckpointSaver
from langgraph.types import Command, StateSnapshot

from supportgraph.checkpoints.fence import holding_lease
from supportgraph.checkpoints.savers import store_errors, thread_id
from supportgraph.graph.builder import SupportGraph
from supportgraph.graph.context import Context
from supportgraph.graph.errors import ReviewError, SupportGraphError, TicketBusyError
from supportgraph.graph.incidents import one_line, record_incident
from supportgraph.graph.models import Ticket
from supportgraph.runs.steps import on_calling_thread
from supportgraph.tools.safety.redaction import mask_sensitive
from supportgraph.tools.tickets.blobs import offload_body

RunStatus = Literal["processed", "resumed", "already_done", "busy", "failed"]
# How long a batch waits, at its end, for tickets that another process was running.
BUSY_WAIT = timedelta(seconds=30)


@dataclass(frozen=True)
class TicketRun:
    """What happened to one ticket in a batch, and its final snapshot.

    ``busy`` means another process held the ticket for the whole wait: not a failure
    (that process reports it); ``note`` then says who holds it. ``ticket`` is the ticket
    as given, for a report on a run that failed before its first checkpoint.
    """

    ticket_id: str
    status: RunStatus
    snapshot: StateSnapshot
    error: str | None = None
    note: str | None = None
    ticket: Ticket | None = None


def config_for(ticket_id: str, tenant: str | None = None) -> RunnableConfig:
    """The run config addressing a ticket's checkpoint thread."""
    return {"configurable": {"thread_id": thread_id(ticket_id, tenant)}}


def step_config(config: RunnableConfig, context: Context) -> RunnableConfig:
    """``config`` with how many nodes of one step may run at once.

    The embedded engine's nodes are CPU-bound (numpy, onnxruntime): two of them in
    threads at once only contend, so they run one after another within the step (about
    20 % more tickets a second on two cores, measured with the knowledge search beside a
    specialist). The LLM engine's nodes wait on the network and keep running together.
    """
    return {**config, "max_concurrency": 1} if context.engine == "embedded" else config


def step_threads(context: Context) -> AbstractContextManager[Any]:
    """Where a run's steps execute: on the calling thread for the embedded engine.

    Its nodes run one at a time anyway (``step_config``), so LangGraph's thread pool
    would add only hand-offs (``runs/steps.py``); the LLM engine keeps the pool.
    """
    return on_calling_thread() if context.engine == "embedded" else nullcontext()


def latest_states(graph: SupportGraph) -> list[StateSnapshot]:
    """The latest state of every ticket in the graph's store (relay, reply audit)."""
    return list(iter_latest_states(graph))


def iter_latest_states(graph: SupportGraph) -> Iterator[StateSnapshot]:
    """The latest state of every ticket in the store, read one at a time (``report``)."""
    from supportgraph.checkpoints.index import thread_ids

    if not isinstance(graph.checkpointer, BaseCheckpointSaver):
        return
    for thread in thread_ids(graph.checkpointer):
        yield graph.get_state(RunnableConfig(configurable={"thread_id": thread}))


def run_ticket(graph: SupportGraph, ticket: Ticket, context: Context) -> TicketRun:
    """Process one ticket, skipping it if its thread already finished or waits for review.

    A thread interrupted by a crash (steps left, no pending review) is resumed from
    its last checkpoint instead of starting again.

    Raises:
        StoreError: the checkpoint database failed (down, read-only); the steps
            saved before the failure stay, so a later run resumes the ticket.
    """
    with store_errors(
        graph.checkpointer if isinstance(graph.checkpointer, BaseCheckpointSaver) else None
    ):
        return _run_ticket(graph, ticket, context)


def _run_ticket(graph: SupportGraph, ticket: Ticket, context: Context) -> TicketRun:
    config = config_for(ticket.ticket_id, ticket.tenant)
    snapshot = graph.get_state(config)
    if _nothing_to_run(snapshot):
        return TicketRun(ticket.ticket_id, "already_done", snapshot, ticket=ticket)
    with _lease(graph, config, context):
        snapshot = graph.get_state(config)  # another process may have finished it meanwhile
        if _nothing_to_run(snapshot):
            return TicketRun(ticket.ticket_id, "already_done", snapshot, ticket=ticket)
        status: RunStatus = "resumed" if snapshot.values else "processed"
        # A big raw body would be copied into every checkpoint: keep it by hash instead.
        with step_threads(context):
            graph.invoke(
                None if snapshot.values else {"ticket": offload_body(ticket)},
                step_config(config, context),
                context=context,
                durability="sync",
            )
        return TicketRun(ticket.ticket_id, status, graph.get_state(config), ticket=ticket)


def finished(snapshot: StateSnapshot) -> bool:
    """True when the thread ran to its end: no task is left, not even one with saved writes.

    ``snapshot.next`` is not enough: a process killed after a node saved its writes
    but before the next checkpoint leaves that task listed with its writes and an
    empty ``next``, yet the graph still has to apply them and go on.
    """
    return bool(snapshot.values) and not snapshot.tasks


def _nothing_to_run(snapshot: StateSnapshot) -> bool:
    return finished(snapshot) or bool(snapshot.values and snapshot.interrupts)


def _lease(
    graph: SupportGraph, config: RunnableConfig, context: Context
) -> AbstractContextManager[None]:
    """Hold the ticket's lease while writing, when the graph has a checkpointer.

    On the embedded engine the run's checkpoints and task writes are saved in one
    transaction when the final state is read or the lease ends (``checkpoints/fence.py``):
    the whole run takes milliseconds and delivers nothing before the lease ends, so a
    crash mid-run costs little to redo. The LLM engine's tasks are slow and paid for:
    each is saved as it ends.
    """
    return holding_lease(
        graph.checkpointer,
        config["configurable"]["thread_id"],
        group_writes=context.engine == "embedded",
    )


def stream_batch(
    graph: SupportGraph,
    tickets: Iterable[Ticket],
    context: Context,
    busy_wait: timedelta = BUSY_WAIT,
) -> Iterator[TicketRun]:
    """Run every ticket in turn and yield each run as soon as it is done.

    Nothing of a ticket is kept once its run is yielded, so a batch of any size runs in
    flat memory when ``tickets`` is read lazily too (``supportgraph run``).

    Each ticket is its own failure boundary. A SupportGraphError (a broken policy file, a
    checkpoint database that went down) or an unexpected exception (its traceback goes
    to ``$SUPPORTGRAPH_HOME/logs/``) makes that ticket "failed" with the reason, its
    checkpoint kept so a later run resumes it; the other tickets still run. A ticket
    another process is running is retried at the end, for up to ``busy_wait``, so the
    run shows what that process did instead of a failure: such tickets come last.
    """
    for _, run in _numbered_runs(graph, tickets, context, busy_wait):
        yield run


def run_batch(
    graph: SupportGraph,
    tickets: Iterable[Ticket],
    context: Context,
    on_done: Callable[[TicketRun], None] | None = None,
    busy_wait: timedelta = BUSY_WAIT,
) -> list[TicketRun]:
    """Run every ticket (see :func:`stream_batch`) and keep every run, in ticket order.

    For a few tickets whose runs the caller wants together (a review, tests, the bench);
    a long batch uses :func:`stream_batch`, which keeps none.

    Args:
        graph: The support graph, compiled with its store.
        tickets: The tickets to run.
        context: Run settings (clock, engine, paths).
        on_done: Told after each ticket, as it finishes (progress, delivery).
        busy_wait: How long to wait, at the end, for tickets another process holds.

    Returns:
        One run per ticket, in the order of ``tickets``.
    """
    runs: dict[int, TicketRun] = {}
    for index, run in _numbered_runs(graph, tickets, context, busy_wait):
        runs[index] = run
        if on_done:
            on_done(run)
    return [runs[i] for i in sorted(runs)]


def _numbered_runs(
    graph: SupportGraph, tickets: Iterable[Ticket], context: Context, busy_wait: timedelta
) -> Iterator[tuple[int, TicketRun]]:
    """Each ticket's run with its position; busy tickets are retried, and yielded, last."""
    deferred: list[tuple[int, Ticket]] = []  # only the busy ones, which another process holds
    for index, ticket in enumerate(tickets):
        run = _run_guarded(graph, ticket, context)
        if run.status == "busy":
            deferred.append((index, ticket))
        else:
            yield index, run
    deadline = time.monotonic() + busy_wait.total_seconds()
    for index, ticket in deferred:
        yield index, _wait_for_other(graph, ticket, context, deadline)


def _run_guarded(graph: SupportGraph, ticket: Ticket, context: Context) -> TicketRun:
    """One ticket's run, with every failure turned into a recorded outcome."""
    try:
        return run_ticket(graph, ticket, context)
    except TicketBusyError as exc:
        return TicketRun(
            ticket.ticket_id, "busy", _last_state(graph, ticket), note=str(exc), ticket=ticket
        )
    except SupportGraphError as exc:
        return TicketRun(
            ticket.ticket_id, "failed", _last_state(graph, ticket), error=str(exc), ticket=ticket
        )
    except Exception as exc:  # the per-ticket boundary: one ticket, one failure
        log = record_incident(f"running ticket {ticket.ticket_id}", exc)
        reason = f"unexpected {type(exc).__name__}: {one_line(exc)}"
        where = f"; traceback in {log}" if log else ""
        return TicketRun(
            ticket.ticket_id,
            "failed",
            _last_state(graph, ticket),
            error=reason + where,
            ticket=ticket,
        )


def _wait_for_other(
    graph: SupportGraph, ticket: Ticket, context: Context, deadline: float
) -> TicketRun:
    """Retry a ticket another process holds until it is free or the deadline passes."""
    pause = 0.05
    while True:
        run = _run_guarded(graph, ticket, context)
        if run.status != "busy" or time.monotonic() >= deadline:
            return run
        time.sleep(min(pause, max(deadline - time.monotonic(), 0)))
        pause = min(pause * 2, 1.0)


def _last_state(graph: SupportGraph, ticket: Ticket) -> StateSnapshot:
    """The ticket's latest saved state, or an empty one when the store cannot be read."""
    config = config_for(ticket.ticket_id, ticket.tenant)
    try:
        with store_errors(None):
            return graph.get_state(config)
    except Exception:  # part of the per-ticket boundary: report the ticket without its state
        return StateSnapshot({}, (), config, None, None, None, (), ())


def resume_review(
    graph: SupportGraph,
    ticket_id: str,
    answer: dict[str, Any],
    context: Context,
    tenant: str | None = None,
    interrupt_id: str | None = None,
) -> StateSnapshot:
    """Resume a ticket paused for review with a reviewer's answer.

    Args:
        graph: The support graph, compiled with the store holding the ticket.
        ticket_id: The ticket to decide.
        answer: ``{"action": "approve"|"edit"|"reject"|"reassign", ...}``.
        context: Run settings (clock, engine, paths).
        tenant: The ticket's tenant, when it has one.
        interrupt_id: Which pending review to answer, when there are several.

    Raises:
        ReviewError: the ticket is unknown, finished, or not waiting for review.
        TicketBusyError: another process is processing the ticket right now.
    """
    config = config_for(ticket_id, tenant)
    snapshot = graph.get_state(config)
    if not snapshot.values:
        raise ReviewError(f"unknown ticket {ticket_id}: no checkpoint thread in this store")
    if not snapshot.interrupts:
        state = "finished" if finished(snapshot) else "not waiting for review"
        raise ReviewError(f"ticket {ticket_id} is {state}; nothing to approve")
    from supportgraph.nodes.review import parse_answer

    parse_answer(answer, context.now(), context.teams_path)  # refuse a bad answer up front
    # The answer is kept in the checkpoint as given: mask what a reviewer may have pasted.
    answer = {k: mask_sensitive(v) if isinstance(v, str) else v for k, v in answer.items()}
    pending = {i.id: i for i in snapshot.interrupts}
    if interrupt_id is None:
        if len(pending) > 1:
            raise ReviewError(
                f"ticket {ticket_id} has {len(pending)} pending reviews; name one: {', '.join(pending)}"
            )
        interrupt_id = next(iter(pending))
    elif interrupt_id not in pending:
        raise ReviewError(
            f"ticket {ticket_id} has no pending review {interrupt_id}; pending: {', '.join(pending)}"
        )
    saver = graph.checkpointer if isinstance(graph.checkpointer, BaseCheckpointSaver) else None
    with store_errors(saver), _lease(graph, config, context):
        if not graph.get_state(config).interrupts:
            raise ReviewError(f"ticket {ticket_id} was decided by someone else meanwhile")
        with step_threads(context):
            graph.invoke(
                Command(resume={interrupt_id: answer}),
                step_config(config, context),
                context=context,
                durability="sync",
            )
    return graph.get_state(config)
