"""The ``run`` command: every ticket of a file through the graph, one ticket one failure.

Each ticket is read, validated, run, reported and delivered on its own: a ticket that
fails at any of those steps is printed with its id and reason, and every other ticket
is still processed, written to the reports and delivered. Everything printed from a
ticket goes through tools/safety/escape.py.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
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
    from supportgraph.reports.spool import RecordSpool
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

    from supportgraph.reports.spool import RecordSpool
    from supportgraph.tools.delivery.relay import LEDGER, Relay, transport_for
    from supportgraph.tools.desk.sla import load_policy
    from supportgraph.tools.reply.macros import load_macros
    from supportgraph.tools.tickets.intake import open_tickets
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
        intake = open_tickets(file, started)  # an unreadable file stops the run at once
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
    try:
        with RecordSpool(out) as spool:
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
                task = progress.add_task("tickets", total=intake.count)
                batch = run_tickets(
                    intake, spool, checkpoint, relay, context, lambda: progress.advance(task)
                )
            _print_problems(batch, relay)
            rejected = [str(e) for e in intake.errors]
            folder = write_run_reports(spool, out, context, rejected, intake.notes, batch.names)
    except SupportGraphError as exc:
        raise fail(str(exc)) from None
    print_table(batch.first_records, batch.tickets)
    console.print(
        f"Reports written to [bold]{escape.console(folder, 300)}[/]; "
        f"{relay.sent} outbox message(s) delivered to {escape.console(out / LEDGER, 300)}"
    )
    if intake.errors:
        errors.print(
            f"[yellow]{len(intake.errors)} ticket(s) rejected; the others were processed.[/]"
        )
    if intake.errors or batch.failed or relay.failures or batch.undelivered:
        raise typer.Exit(code=1)


# The run table shows this many tickets; the reports and tickets.jsonl list every one.
TABLE_ROWS = 100


@dataclass
class Batch:
    """What a run did, in small figures: no ticket's state or record is kept here."""

    tickets: int = 0  # tickets run (each has a record in the spool)
    failed: int = 0
    problems: list[str] = field(default_factory=list)  # failed and busy tickets, to print
    undelivered: list[str] = field(default_factory=list)  # tickets whose ledger failed
    first_records: list[dict[str, Any]] = field(default_factory=list)  # the table's rows
    # Contacts of the tickets that may become KB drafts, redacted from them.
    names: dict[str, list[str]] = field(default_factory=dict)


def run_tickets(
    tickets: Iterable[Ticket],
    spool: RecordSpool,
    checkpoint: str | None,
    relay: Relay,
    context: Context,
    on_done: Callable[[], None] | None = None,
) -> Batch:
    """Run, deliver and record each ticket as it comes, keeping none of them.

    Each ticket's outbox is delivered as soon as its checkpoint is durable and its
    record goes to ``spool``, on disk, before the next ticket runs; the reports are
    written from the spool afterwards. ``supportgraph run`` and the volume bench
    (bench/volume.py) run tickets through here.

    Args:
        tickets: The accepted tickets, read lazily (``tools.tickets.intake.open_tickets``).
        spool: Where each ticket's record goes.
        checkpoint: The store's URL (None: the default SQLite file).
        relay: Delivers each ticket's outbox.
        context: Run settings.
        on_done: Told after each ticket (progress).

    Raises:
        SupportGraphError: the store cannot be opened, the spool cannot be written, or
            the ticket file changed since it was checked.
    """
    from supportgraph.checkpoints import open_checkpointer
    from supportgraph.runs.build import build_graph
    from supportgraph.runs.runner import stream_batch
    from supportgraph.tools.knowledge.kb_drafts import worth_a_draft

    batch = Batch()
    with open_checkpointer(checkpoint) as saver:
        graph = build_graph(saver)
        for ticket_run in stream_batch(graph, tickets, context):
            # Deliver each ticket's outbox as soon as its checkpoint is durable.
            batch.undelivered.extend(_deliver(relay, ticket_run))
            record = _record(ticket_run)
            spool.add(record)
            _note(batch, ticket_run, record)
            ticket = ticket_run.ticket
            if ticket and ticket.contact_name and worth_a_draft(record):
                batch.names[ticket.ticket_id] = [ticket.contact_name]
            if on_done:
                on_done()
    return batch


def _note(batch: Batch, run: TicketRun, record: dict[str, Any]) -> None:
    """Count the ticket, keep its row if the table has room, and say what went wrong."""
    batch.tickets += 1
    if len(batch.first_records) < TABLE_ROWS:
        batch.first_records.append(record)
    if run.status == "failed":
        batch.failed += 1
        batch.problems.append(
            f"[red]failed:[/] {escape.console(run.ticket_id)}: "
            f"{escape.console(run.error, 500)} (its checkpoint is kept; rerun to resume)"
        )
    elif run.status == "busy":
        batch.problems.append(
            f"[yellow]busy:[/] {escape.console(run.note, 300)}; that process delivers and "
            "reports it (rerun later to see its outcome here)"
        )


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


def _record(run: TicketRun) -> dict[str, Any]:
    """The ticket's report record; if it cannot be built, a failed record saying why."""
    from langgraph.types import StateSnapshot

    from supportgraph.reports.records import ticket_record

    try:
        return ticket_record(run.snapshot, run.status, run.error, run.ticket)
    except Exception as exc:  # the per-ticket boundary for reporting
        log = record_incident(f"reporting ticket {run.ticket_id}", exc)
        reason = f"report failed: {type(exc).__name__}: {one_line(exc)}; traceback in {log}"
        empty = StateSnapshot({}, (), run.snapshot.config, None, None, None, (), ())
        return ticket_record(empty, "failed", reason, run.ticket)


def _print_problems(batch: Batch, relay: Relay) -> None:
    for line in batch.problems:
        errors.print(line)
    for failure in relay.failures:
        errors.print(
            f"[red]not delivered:[/] {escape.console(failure.key)}: "
            f"{escape.console(failure.reason, 300)}; it stays in the outbox, "
            "run `supportgraph relay` to retry"
        )
    for line in batch.undelivered:
        errors.print(f"[red]not delivered:[/] {line}")


def write_run_reports(
    records: Iterable[dict[str, Any]],
    out: Path,
    context: Context,
    rejected: list[str],
    notes: list[str],
    names: dict[str, list[str]],
) -> Path:
    """Upkeep of the KB from the run's records, then the report folder; return the folder.

    Args:
        records: The run's records, read several times (a list or a RecordSpool).
        out: The folder the dated report folder goes in.
        context: Run settings.
        rejected: The tickets refused at intake, with why.
        notes: What intake changed in accepted tickets.
        names: Contacts of tickets that may become KB drafts, redacted from them.
    """
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
    records: Iterable[dict[str, Any]], context: Context, names: dict[str, list[str]] | None = None
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


def propose_drafts(
    records: Iterable[dict[str, Any]], context: Context, names: dict[str, list[str]] | None = None
) -> None:
    """Turn gap tickets just answered (by the reply or a reviewer's edit) into KB drafts.

    Args:
        records: The tickets' records (read twice: a list or a run's spool).
        context: Run settings (KB path, clock).
        names: People each ticket names (its contact), by ticket id, redacted from drafts.
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


def print_table(records: list[dict[str, Any]], total: int | None = None) -> None:
    """The run table: ticket, priority, category, route, outcome, SLA.

    Args:
        records: The rows to show.
        total: How many tickets the run had, when the rows are only its first ones.
    """
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
    if total is not None and total > len(records):
        console.print(
            f"(the first {len(records):,} of {total:,} tickets; the summary and "
            "tickets.jsonl list every one)"
        )


def _rate_column() -> Any:
    """A progress column with the tickets per second so far ("–" until there is a rate)."""
    from rich.progress import ProgressColumn, Task
    from rich.text import Text

    class TicketRate(ProgressColumn):
        def render(self, task: Task) -> Text:
            speed = task.finished_speed or task.speed
            return Text(f"{speed:.1f} tickets/s" if speed else "– tickets/s", style="cyan")

    return TicketRate()
