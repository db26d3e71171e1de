"""The ``run`` command: every ticket of a file through the graph, one ticket one failure.

Each ticket is read, validated, run, reported and delivered on its own: a ticket that
fails at any of those steps is printed with its id and reason, and every other ticket
is still processed, written to the reports and delivered. Everything printed from a
ticket goes through tools/safety/escape.py.
"""

from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from supportgraph.cli.console import console, errors
from supportgraph.cli.options import (
    CheckpointOption,
    OutOption,
    SmtpOption,
    TemplatesOption,
    check_out,
    fail,
)
from supportgraph.graph.context import Context
from supportgraph.graph.errors import SupportGraphError
from supportgraph.graph.incidents import one_line, record_incident
from supportgraph.tools.safety import escape

if TYPE_CHECKING:
    from supportgraph.graph.models import Ticket
    from supportgraph.runs.runner import TicketRun
    from supportgraph.tools.delivery.relay import Relay

TriageModelOption = Annotated[
    Path | None,
    typer.Option(
        help="Model folder from `supportgraph train triage` (default: $SUPPORTGRAPH_TRIAGE_MODEL, else the shipped model)."
    ),
]
LabelMapOption = Annotated[
    Path | None,
    typer.Option(help="JSON map of the model's labels to routes (default: the model's own)."),
]


def run(
    file: Annotated[Path, typer.Argument(help="Tickets as a JSON list or JSONL.")],
    out: OutOption = Path("out"),
    checkpoint: CheckpointOption = None,
    smtp: SmtpOption = None,
    triage_model: TriageModelOption = None,
    label_map: LabelMapOption = None,
    templates: TemplatesOption = None,
) -> None:
    """Run every ticket in FILE through the support graph and write the reports."""
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    from supportgraph.checkpoints import open_checkpointer
    from supportgraph.runs.build import build_graph
    from supportgraph.runs.runner import run_batch
    from supportgraph.tools.delivery.relay import LEDGER, Relay, transport_for
    from supportgraph.tools.desk.sla import load_policy
    from supportgraph.tools.reply.macros import load_macros
    from supportgraph.tools.tickets.intake import read_tickets
    from supportgraph.tools.triage.engines import engine_for

    context = Context()
    context = replace(
        context,
        triage_model=triage_model or context.triage_model,
        label_map=label_map or context.label_map,
        templates_path=templates or context.templates_path,
    )
    started = context.now()
    check_out(out)
    try:
        intake = read_tickets(file, started)  # an unreadable file stops the run at once
        relay = Relay(out, transport_for(smtp))
        engine_for(context)  # a bad model or label map stops the run before any ticket
        load_policy(context.sla_policy)  # so does an unreadable SLA policy
        load_macros(context.templates_path)  # and a --templates that is not a folder
    except SupportGraphError as exc:
        raise fail(str(exc)) from None
    for problem in intake.errors:
        errors.print(f"[yellow]skipped:[/] {escape.console(problem, 400)}")
    for note in intake.notes:
        errors.print(f"[dim]note:[/] {escape.console(note, 400)}")
    undelivered: list[str] = []
    try:
        with open_checkpointer(checkpoint) as saver:
            graph = build_graph(saver)
            with Progress(
                TextColumn("[bold]Processing tickets"),
                BarColumn(),
                MofNCompleteColumn(),
                _rate_column(),
                TimeElapsedColumn(),
                TextColumn("ETA"),
                TimeRemainingColumn(),
                console=console,
                transient=not sys.stdout.isatty(),
            ) as progress:
                task = progress.add_task("tickets", total=len(intake.tickets))

                def finish(run: TicketRun) -> None:
                    # Deliver each ticket's outbox as soon as its checkpoint is durable.
                    undelivered.extend(_deliver(relay, run))
                    progress.advance(task)

                runs = run_batch(graph, intake.tickets, context, on_done=finish)
    except SupportGraphError as exc:
        raise fail(str(exc)) from None
    records = [_record(r, t) for r, t in zip(runs, intake.tickets, strict=True)]
    _print_problems(runs, relay, undelivered)
    folder = _write_reports(
        records,
        out,
        context,
        [str(e) for e in intake.errors],
        intake.notes,
        names_of(intake.tickets),
    )
    print_table(records)
    console.print(
        f"Reports written to [bold]{escape.console(folder, 300)}[/]; "
        f"{relay.sent} outbox message(s) delivered to {escape.console(out / LEDGER, 300)}"
    )
    failed = [r for r in runs if r.status == "failed"]
    if intake.errors:
        errors.print(
            f"[yellow]{len(intake.errors)} ticket(s) rejected; the others were processed.[/]"
        )
    if intake.errors or failed or relay.failures or undelivered:
        raise typer.Exit(code=1)


def _deliver(relay: Relay, run: TicketRun) -> list[str]:
    """Deliver one ticket's outbox; a ledger that cannot be written is that ticket's problem."""
    try:
        relay.deliver(run.snapshot.values.get("outbox", []))
    except OSError as exc:
        return [
            f"{escape.console(run.ticket_id)}: delivery failed ({escape.console(one_line(exc))}); "
            "its messages stay in the outbox, run `supportgraph relay`"
        ]
    return []


def _record(run: TicketRun, ticket: Ticket) -> dict[str, Any]:
    """The ticket's report record; if it cannot be built, a failed record saying why."""
    from langgraph.types import StateSnapshot

    from supportgraph.reports.records import ticket_record

    try:
        return ticket_record(run.snapshot, run.status, run.error, ticket)
    except Exception as exc:  # the per-ticket boundary for reporting
        log = record_incident(f"reporting ticket {ticket.ticket_id}", exc)
        reason = f"report failed: {type(exc).__name__}: {one_line(exc)}; traceback in {log}"
        empty = StateSnapshot({}, (), run.snapshot.config, None, None, None, (), ())
        return ticket_record(empty, "failed", reason, ticket)


def _print_problems(runs: list[TicketRun], relay: Relay, undelivered: list[str]) -> None:
    for run in runs:
        if run.status == "failed":
            errors.print(
                f"[red]failed:[/] {escape.console(run.ticket_id)}: "
                f"{escape.console(run.error, 500)} (its checkpoint is kept; rerun to resume)"
            )
        elif run.status == "busy":
            errors.print(
                f"[yellow]busy:[/] {escape.console(run.note, 300)}; that process delivers and "
                "reports it (rerun later to see its outcome here)"
            )
    for failure in relay.failures:
        errors.print(
            f"[red]not delivered:[/] {escape.console(failure.key)}: "
            f"{escape.console(failure.reason, 300)}; it stays in the outbox, "
            "run `supportgraph relay` to retry"
        )
    for line in undelivered:
        errors.print(f"[red]not delivered:[/] {line}")


def _write_reports(
    records: list[dict[str, Any]],
    out: Path,
    context: Context,
    rejected: list[str],
    notes: list[str],
    names: dict[str, list[str]],
) -> Path:
    from supportgraph.reports.writer import write_reports
    from supportgraph.tools.desk.sla import load_policy

    health = maintain_kb(records, context, names)
    try:
        return write_reports(
            records,
            out,
            context.now(),
            rejected=rejected,
            policy=load_policy(context.sla_policy),
            kb_health=health,
            notes=notes,
        )
    except (OSError, SupportGraphError) as exc:
        raise fail(
            f"cannot write the reports under {out}: {one_line(exc)}; the tickets are processed "
            "and checkpointed, rerun with a writable --out to get the reports"
        ) from None


def maintain_kb(
    records: list[dict[str, Any]], context: Context, names: dict[str, list[str]] | None = None
) -> Any:
    """Log the run's KB searches and gaps, propose drafts; return KB health for the reports.

    A failure here is reported and leaves the reports without KB health; it never costs
    the run its reports.
    """
    from supportgraph.tools.knowledge.kb import read_articles
    from supportgraph.tools.knowledge.kb_health import kb_health, record_run
    from supportgraph.tools.knowledge.kb_store import kb_key

    try:
        key = kb_key(context.kb_path)
        record_run(records, key, context.now(), context.kb_min_score)
        propose_drafts(records, context, names)
        return kb_health(read_articles(context.kb_path), key, context.now().date())
    except (OSError, SupportGraphError) as exc:
        errors.print(f"[yellow]warning:[/] KB maintenance skipped: {escape.console(one_line(exc))}")
        return None


def names_of(tickets: list[Ticket]) -> dict[str, list[str]]:
    """The people each ticket names (its contact), for redacting them from KB drafts."""
    return {t.ticket_id: [t.contact_name] for t in tickets if t.contact_name}


def propose_drafts(
    records: list[dict[str, Any]], context: Context, names: dict[str, list[str]] | None = None
) -> None:
    """Turn gap tickets just answered (by the reply or a reviewer's edit) into KB drafts.

    Args:
        records: The tickets' records.
        context: Run settings (KB path, clock).
        names: People each ticket names, by ticket id (see :func:`names_of`).
    """
    from supportgraph.tools.knowledge.embeddings import default_encoder
    from supportgraph.tools.knowledge.kb_drafts import propose_drafts as propose
    from supportgraph.tools.knowledge.kb_drafts import worth_a_draft
    from supportgraph.tools.knowledge.kb_store import load_index

    if not any(worth_a_draft(r) for r in records):
        return
    drafts = propose(
        records, load_index(context.kb_path), default_encoder(), context.now().date(), names
    )
    if drafts:
        console.print(f"{len(drafts)} KB draft(s) proposed; see `supportgraph kb drafts`")


def print_table(records: list[dict[str, Any]]) -> None:
    """The run table: ticket, priority, category, route, outcome, SLA."""
    from rich.table import Table

    table = Table(title="Support run")
    for column in ("Ticket", "Priority", "Category", "Route", "Outcome", "SLA"):
        table.add_column(column)
    for r in records:
        sla = r["sla"] or {}
        sla_text = (
            "breached"
            if sla.get("first_response_breached")
            else f"ok ({sla.get('first_response_time_left', '-')} left)"
        )
        if sla.get("first_response_at") and not sla.get("first_response_breached"):
            sla_text = "met"
        outcome = r["outcome"] + (f" ({r['escalation_team']})" if r["escalated"] else "")
        ticket = r["ticket_id"] + (f" ({r['tenant']})" if r.get("tenant") else "")
        table.add_row(
            escape.console(ticket, 60),
            escape.console(r["priority"] or "-"),
            escape.console(r["category"] or "-"),
            escape.console(
                " → ".join(
                    step.replace("human_review", "review")
                    for step in r["route"]
                    if step not in ("triage", "respond")
                )
            ),
            escape.console(outcome),
            escape.console(sla_text),
        )
    console.print(table)


def _rate_column() -> Any:
    """A progress column with the tickets per second so far ("–" until there is a rate)."""
    from rich.progress import ProgressColumn, Task
    from rich.text import Text

    class TicketRate(ProgressColumn):
        def render(self, task: Task) -> Text:
            speed = task.finished_speed or task.speed
            return Text(f"{speed:.1f} tickets/s" if speed else "– tickets/s", style="cyan")

    return TicketRate()
