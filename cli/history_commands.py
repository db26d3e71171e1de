"""The ``history``, ``replay`` and ``prune`` commands: look back, fork, and trim checkpoints."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer
from rich import box
from rich.table import Table

from supportgraph.cli.console import console
from supportgraph.cli.options import CheckpointOption, TenantOption, fail
from supportgraph.graph.context import Context
from supportgraph.graph.errors import SupportGraphError
from supportgraph.tools.desk.durations import parse_duration
from supportgraph.tools.safety import escape

history_app = typer.Typer()
# Checkpoint ids must print whole (they are typed back into `replay --from`), so piped
# output is not squeezed into 80 columns.


def _fail(message: str) -> typer.Exit:
    return fail(message)  # escapes the message: it may quote a ticket id or a path


def _kb(size: int) -> str:
    return f"{size:,} bytes ({size / 1024:.1f} KB)"


@history_app.command("history")
def show_history(
    ticket_id: Annotated[str, typer.Argument(help="Ticket id, e.g. SUPPORT-001.")],
    checkpoint: CheckpointOption = None,
    tenant: TenantOption = None,
) -> None:
    """List a ticket's checkpoints: id, step, the node that wrote it, time and what runs next."""
    from supportgraph.checkpoints import open_checkpointer, thread_id
    from supportgraph.runs.build import build_graph
    from supportgraph.runs.maintenance import history
    from supportgraph.runs.retention import thread_bytes

    try:
        with open_checkpointer(checkpoint, create=False) as saver:
            entries = history(build_graph(saver), ticket_id, tenant)
            size = thread_bytes(saver, thread_id(ticket_id, tenant))
    except SupportGraphError as exc:
        raise _fail(str(exc)) from None
    table = Table(
        title=f"History of {escape.console(ticket_id, 80)} (* = current branch)", box=box.SIMPLE
    )
    table.add_column("")
    table.add_column("Checkpoint", no_wrap=True)
    for column in ("Step", "Wrote", "Saved at (UTC)", "Next"):
        table.add_column(column, no_wrap=True)
    for e in entries:
        wrote = ", ".join(e.wrote) or f"({e.source})"
        table.add_row(
            "*" if e.current else "",
            e.checkpoint_id,
            str(e.step),
            wrote,
            e.created_at.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S"),
            ", ".join(e.next) or "(finished)",
        )
    console.print(table)
    summary = f"{len(entries)} checkpoints"
    if size is not None:
        summary += f", {_kb(size)} in the store"
    console.print(summary)


@history_app.command("replay")
def replay_ticket(
    ticket_id: Annotated[str, typer.Argument(help="Ticket id, e.g. SUPPORT-002.")],
    from_checkpoint: Annotated[
        str, typer.Option("--from", help="Checkpoint id to fork from (see `history`).")
    ],
    sla_policy: Annotated[
        Path | None, typer.Option(help="SLA policy JSON for the replay (default: as configured).")
    ] = None,
    low_confidence: Annotated[
        float | None, typer.Option(help="Triage confidence under which a human reviews.")
    ] = None,
    checkpoint: CheckpointOption = None,
    tenant: TenantOption = None,
) -> None:
    """Run a ticket again from an earlier checkpoint; the original history stays as it was."""
    from supportgraph.checkpoints import open_checkpointer
    from supportgraph.reports.records import ticket_record
    from supportgraph.runs.build import build_graph
    from supportgraph.runs.maintenance import replay
    from supportgraph.runs.runner import config_for

    overrides: dict[str, object] = {}
    if sla_policy is not None:
        overrides["sla_policy"] = sla_policy
    if low_confidence is not None:
        overrides["low_confidence"] = low_confidence
    try:
        context = Context(**overrides)  # type: ignore[arg-type]
        with open_checkpointer(checkpoint, create=False) as saver:
            support = build_graph(saver)
            current = support.get_state(config_for(ticket_id, tenant))
            if not current.values:
                raise _fail(f"unknown ticket {ticket_id[:80]}: no checkpoint thread in this store")
            before = ticket_record(current)
            after = ticket_record(replay(support, ticket_id, from_checkpoint, context, tenant))
    except SupportGraphError as exc:
        raise _fail(str(exc)) from None
    console.print(
        f"{escape.console(ticket_id, 80)}: replayed from {escape.console(from_checkpoint, 80)}: "
        f"outcome [bold]{before['outcome']}[/] → "
        f"[bold]{after['outcome']}[/] (priority {before['priority']} → {after['priority']}, "
        f"route {' → '.join(after['route'])})"
    )
    console.print("The earlier branch is kept: `supportgraph history` lists both.")


@history_app.command("prune")
def prune_checkpoints(
    keep_last: Annotated[int, typer.Option(help="Checkpoints to keep per finished ticket.")] = 2,
    older_than: Annotated[
        str, typer.Option(help="Only delete checkpoints older than this (30d, 12h).")
    ] = "30d",
    checkpoint: CheckpointOption = None,
) -> None:
    """Delete old checkpoints of finished tickets (never of tickets waiting for review)."""
    from supportgraph.checkpoints import open_checkpointer
    from supportgraph.runs.build import build_graph
    from supportgraph.runs.retention import prune

    try:
        age = parse_duration(older_than)
    except ValueError as exc:
        raise _fail(f"--older-than: {exc}") from None
    try:
        with open_checkpointer(checkpoint, create=False) as saver:
            report = prune(
                build_graph(saver),
                saver,
                keep_last=keep_last,
                older_than=age,
                now=datetime.now(UTC),
            )
    except SupportGraphError as exc:
        raise _fail(str(exc)) from None
    console.print(
        f"Deleted {report.checkpoints_deleted} checkpoints from {report.threads_pruned} finished "
        f"tickets; kept {len(report.kept_unfinished)} unfinished tickets whole"
        + (
            f" ({escape.console(', '.join(report.kept_unfinished), 500)})"
            if report.kept_unfinished
            else ""
        )
    )
    console.print(
        f"Store size {_kb(report.bytes_before)} → {_kb(report.bytes_after)}; "
        f"reclaimed {_kb(report.bytes_reclaimed)}"
    )
