"""The ``supportgraph`` command line: run tickets, review escalations, inspect threads."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from langchain_core.runnables import RunnableConfig
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from supportgraph.checkpoints import open_checkpointer
from supportgraph.cli.kb_commands import eval_app, kb_app
from supportgraph.graph.context import Context
from supportgraph.graph.errors import SupportGraphError
from supportgraph.graph.runner import TicketRun, config_for, resume_review, run_batch
from supportgraph.reports.records import ticket_record
from supportgraph.reports.writer import write_reports
from supportgraph.tools.intake import read_tickets

app = typer.Typer(
    help="Customer-support automation on a LangGraph state machine.", no_args_is_help=True
)
review_app = typer.Typer(help="Tickets waiting for a human reviewer.", no_args_is_help=True)
app.add_typer(review_app, name="review")
app.add_typer(kb_app, name="kb")
app.add_typer(eval_app, name="eval")
console = Console()
errors = Console(stderr=True)

CheckpointOption = Annotated[
    str | None,
    typer.Option(
        "--checkpoint",
        "-c",
        help="memory://, sqlite:///PATH or postgresql://...; default under $SUPPORTGRAPH_HOME",
    ),
]


def _fail(message: str) -> typer.Exit:
    errors.print(f"[bold red]error:[/] {message}")
    return typer.Exit(code=2)


@app.command()
def run(
    file: Annotated[Path, typer.Argument(help="Tickets as a JSON list or JSONL.")],
    out: Annotated[Path, typer.Option("--out", "-o", help="Folder for the report folder.")] = Path(
        "out"
    ),
    checkpoint: CheckpointOption = None,
) -> None:
    """Run every ticket in FILE through the support graph and write the reports."""
    from supportgraph.graph.builder import build_graph

    context = Context()
    started = context.now()
    try:
        intake = read_tickets(file, started)
    except SupportGraphError as exc:
        raise _fail(str(exc)) from None
    for problem in intake.errors:
        errors.print(f"[yellow]skipped:[/] {problem}")
    try:
        with open_checkpointer(checkpoint) as saver:
            graph = build_graph(saver)
            with Progress(
                TextColumn("[bold]Processing tickets"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                console=console,
                transient=not sys.stdout.isatty(),
            ) as progress:
                task = progress.add_task("tickets", total=len(intake.tickets))

                def advance(_: TicketRun) -> None:
                    progress.advance(task)

                runs = run_batch(graph, intake.tickets, context, on_done=advance)
    except SupportGraphError as exc:
        raise _fail(str(exc)) from None
    records = [ticket_record(r.snapshot, r.status) for r in runs]
    health = _maintain_kb(records, context)
    folder = write_reports(
        records, out, context.now(), rejected=[str(e) for e in intake.errors], kb_health=health
    )
    _print_table(records)
    console.print(f"Reports written to [bold]{folder}[/]")
    if intake.errors:
        errors.print(
            f"[yellow]{len(intake.errors)} ticket(s) rejected; the others were processed.[/]"
        )
        raise typer.Exit(code=1)


def _maintain_kb(records: list[dict[str, Any]], context: Context) -> Any:
    """Log the run's KB searches and gaps, propose drafts; return KB health for the reports."""
    from supportgraph.tools.embeddings import default_encoder
    from supportgraph.tools.kb import read_articles
    from supportgraph.tools.kb_drafts import propose_drafts
    from supportgraph.tools.kb_health import kb_health, record_run
    from supportgraph.tools.kb_store import kb_key, load_index

    key = kb_key(context.kb_path)
    record_run(records, key, context.now(), context.kb_min_score)
    drafts = propose_drafts(
        records, load_index(context.kb_path), default_encoder(), context.now().date()
    )
    if drafts:
        console.print(f"{len(drafts)} KB draft(s) proposed; see `supportgraph kb drafts`")
    return kb_health(read_articles(context.kb_path), key, context.now().date())


def _print_table(records: list[dict[str, Any]]) -> None:
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
        table.add_row(
            r["ticket_id"],
            r["priority"] or "-",
            r["category"] or "-",
            " → ".join(r["route"]),
            outcome,
            sla_text,
        )
    console.print(table)


def _snapshot(ticket_id: str, checkpoint: str | None, tenant: str | None) -> Any:
    from supportgraph.graph.builder import build_graph

    with open_checkpointer(checkpoint) as saver:
        snapshot = build_graph(saver).get_state(config_for(ticket_id, tenant))
    if not snapshot.values:
        raise _fail(f"unknown ticket {ticket_id}: no checkpoint thread in this store")
    return snapshot


@app.command()
def show(
    ticket_id: Annotated[str, typer.Argument(help="Ticket id, e.g. SUPPORT-001.")],
    checkpoint: CheckpointOption = None,
    tenant: Annotated[str | None, typer.Option(help="Tenant the ticket belongs to.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the record as JSON.")] = False,
) -> None:
    """Show a ticket's state and decision log."""
    record = ticket_record(_snapshot(ticket_id, checkpoint, tenant))
    if as_json:
        console.print_json(json.dumps(record))
        return
    console.print(
        f"[bold]{record['ticket_id']}[/] {record['customer']} ({record['customer_tier']}, {record['channel']})"
    )
    console.print(f"  {record['subject']}")
    console.print(
        f"  priority {record['priority']} · category {record['category']} ({record['confidence']}) · "
        f"sentiment {record['sentiment']} · language {record['language']}"
    )
    console.print(
        f"  outcome [bold]{record['outcome']}[/]"
        + (f" · escalated to {record['escalation_team']}" if record["escalated"] else "")
    )
    table = Table(title="Decision log")
    for column in ("At", "From", "To", "Reason"):
        table.add_column(column)
    for d in record["decisions"]:
        table.add_row(d["at"], d["from"], d["to"], d["reason"])
    console.print(table)
    if record["review"]:
        review = record["review"]
        console.print(
            f"Review: {review['action']} by {review['reviewer']} at {review['decided_at']}"
            + (f" — {review['reason']}" if review.get("reason") else "")
        )
    if record["reply"]:
        console.print(f"[bold]Reply ({record['reply_status']}):[/]\n{record['reply']}")


@review_app.command("list")
def review_list(checkpoint: CheckpointOption = None) -> None:
    """List every ticket waiting for a human reviewer."""
    from supportgraph.graph.builder import build_graph

    table = Table(title="Waiting for review")
    for column in ("Ticket", "Team", "Asks", "Reasons", "First response due"):
        table.add_column(column)
    with open_checkpointer(checkpoint) as saver:
        graph = build_graph(saver)
        threads = sorted({c.config["configurable"]["thread_id"] for c in saver.list(None)})
        for thread in threads:
            snapshot = graph.get_state(RunnableConfig(configurable={"thread_id": thread}))
            for pending in snapshot.interrupts:
                request = pending.value
                table.add_row(
                    thread,
                    request["team"],
                    ", ".join(request["asks"]),
                    "\n".join(request["reasons"]),
                    request["first_response_due"],
                )
    console.print(table)


def _decide(
    ticket_id: str, answer: dict[str, Any], checkpoint: str | None, tenant: str | None
) -> None:
    from supportgraph.graph.builder import build_graph

    context = Context()
    try:
        with open_checkpointer(checkpoint) as saver:
            snapshot = resume_review(build_graph(saver), ticket_id, answer, context, tenant)
    except SupportGraphError as exc:
        raise _fail(str(exc)) from None
    record = ticket_record(snapshot)
    console.print(
        f"{ticket_id}: {answer['action']} → outcome [bold]{record['outcome']}[/], reply {record['reply_status']}"
    )


ReviewerOption = Annotated[str, typer.Option(help="Who decided (kept in the audit log).")]
TenantOption = Annotated[str | None, typer.Option(help="Tenant the ticket belongs to.")]


@review_app.command("approve")
def review_approve(
    ticket_id: str,
    reviewer: ReviewerOption = "reviewer",
    checkpoint: CheckpointOption = None,
    tenant: TenantOption = None,
) -> None:
    """Approve the draft reply (and any refund or account action it proposes)."""
    _decide(ticket_id, {"action": "approve", "reviewer": reviewer}, checkpoint, tenant)


@review_app.command("reject")
def review_reject(
    ticket_id: str,
    reason: Annotated[str, typer.Option(help="Why; the ticket goes to a human.")],
    reviewer: ReviewerOption = "reviewer",
    checkpoint: CheckpointOption = None,
    tenant: TenantOption = None,
) -> None:
    """Reject the draft: nothing is sent and a human takes the ticket over."""
    _decide(
        ticket_id, {"action": "reject", "reviewer": reviewer, "reason": reason}, checkpoint, tenant
    )


@review_app.command("edit")
def review_edit(
    ticket_id: str,
    reply: Annotated[str, typer.Option(help="The reply text to send instead of the draft.")],
    reviewer: ReviewerOption = "reviewer",
    checkpoint: CheckpointOption = None,
    tenant: TenantOption = None,
) -> None:
    """Send an edited reply instead of the draft."""
    _decide(ticket_id, {"action": "edit", "reviewer": reviewer, "reply": reply}, checkpoint, tenant)


@app.command("graph")
def show_graph(
    mermaid: Annotated[bool, typer.Option("--mermaid", help="Print Mermaid source.")] = True,
) -> None:
    """Print the graph's structure as a Mermaid diagram."""
    from supportgraph.graph.builder import graph

    console.print(graph.get_graph().draw_mermaid(), markup=False, highlight=False)


def main() -> None:
    """Entry point of the ``supportgraph`` console script."""
    app()
