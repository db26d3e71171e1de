"""The ``supportgraph`` command line: run tickets, review escalations, inspect threads."""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Annotated, Any

import typer
from langchain_core.runnables import RunnableConfig
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from supportgraph.checkpoints import open_checkpointer
from supportgraph.cli import judgement_commands, triage_commands
from supportgraph.cli.console import console, errors
from supportgraph.cli.history_commands import history_app
from supportgraph.cli.kb_commands import eval_app, kb_app
from supportgraph.cli.options import CheckpointOption, TenantOption
from supportgraph.graph.context import Context
from supportgraph.graph.errors import SupportGraphError
from supportgraph.graph.runner import TicketRun, config_for, resume_review, run_batch
from supportgraph.reports.records import ticket_record
from supportgraph.reports.writer import write_reports
from supportgraph.tools.durations import format_duration, parse_duration
from supportgraph.tools.intake import read_tickets
from supportgraph.tools.relay import LEDGER, Relay, transport_for
from supportgraph.tools.sla import load_policy

app = typer.Typer(
    help="Customer-support automation on a LangGraph state machine.", no_args_is_help=True
)
review_app = typer.Typer(help="Tickets waiting for a human reviewer.", no_args_is_help=True)
app.add_typer(review_app, name="review")
app.add_typer(history_app)  # history, replay, prune
train_app = typer.Typer(help="Train models on your own tickets.", no_args_is_help=True)
app.add_typer(train_app, name="train")
train_app.command("triage")(triage_commands.train_triage)
train_app.command("judgement")(judgement_commands.train_judgement)
app.add_typer(kb_app, name="kb")
app.add_typer(eval_app, name="eval")  # eval retrieval (kb_commands) and eval triage
eval_app.command("triage")(triage_commands.eval_triage)
eval_app.command("outcomes")(judgement_commands.eval_outcomes)


OutOption = Annotated[
    Path, typer.Option("--out", "-o", help="Folder for reports and the outbox ledger sent.jsonl.")
]
SmtpOption = Annotated[
    str | None,
    typer.Option(
        "--smtp",
        envvar="SUPPORTGRAPH_SMTP_URL",
        help="Deliver outbox mail via smtp://HOST:PORT as well.",
    ),
]


def _deliver(snapshots: list[Any], out: Path, smtp: str | None) -> int:
    """Relay every outbox message of these threads not yet in OUT/sent.jsonl."""
    relay = Relay(out, transport_for(smtp))
    return relay.deliver(m for snapshot in snapshots for m in snapshot.values.get("outbox", []))


def _fail(message: str) -> typer.Exit:
    errors.print(f"[bold red]error:[/] {message}")
    return typer.Exit(code=2)


@app.command()
def run(
    file: Annotated[Path, typer.Argument(help="Tickets as a JSON list or JSONL.")],
    out: OutOption = Path("out"),
    checkpoint: CheckpointOption = None,
    smtp: SmtpOption = None,
    triage_model: Annotated[
        Path | None,
        typer.Option(
            help="Model folder from `supportgraph train triage` (default: $SUPPORTGRAPH_TRIAGE_MODEL, else the shipped model)."
        ),
    ] = None,
    label_map: Annotated[
        Path | None,
        typer.Option(help="JSON map of the model's labels to routes (default: the model's own)."),
    ] = None,
) -> None:
    """Run every ticket in FILE through the support graph and write the reports."""
    from supportgraph.graph.builder import build_graph
    from supportgraph.tools.engines import engine_for

    context = Context()
    context = replace(
        context,
        triage_model=triage_model or context.triage_model,
        label_map=label_map or context.label_map,
    )
    started = context.now()
    try:
        engine_for(context)  # a bad model or label map stops the run before any ticket
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
                relay = Relay(out, transport_for(smtp))
                delivered = 0

                def finish(run: TicketRun) -> None:
                    # Deliver each ticket's outbox as soon as its checkpoint is durable.
                    nonlocal delivered
                    delivered += relay.deliver(run.snapshot.values.get("outbox", []))
                    progress.advance(task)

                runs = run_batch(graph, intake.tickets, context, on_done=finish)
    except SupportGraphError as exc:
        raise _fail(str(exc)) from None
    by_id = {t.ticket_id: t for t in intake.tickets}
    records = [ticket_record(r.snapshot, r.status, r.error, by_id[r.ticket_id]) for r in runs]
    for failed in (r for r in runs if r.error):
        errors.print(
            f"[red]failed:[/] {failed.ticket_id}: {failed.error} (its checkpoint is kept; rerun to resume)"
        )
    health = _maintain_kb(records, context)
    folder = write_reports(
        records,
        out,
        context.now(),
        rejected=[str(e) for e in intake.errors],
        policy=load_policy(context.sla_policy),
        kb_health=health,
    )
    _print_table(records)
    console.print(
        f"Reports written to [bold]{folder}[/]; {delivered} outbox message(s) delivered to {out / LEDGER}"
    )
    if intake.errors:
        errors.print(
            f"[yellow]{len(intake.errors)} ticket(s) rejected; the others were processed.[/]"
        )
        raise typer.Exit(code=1)


def _maintain_kb(records: list[dict[str, Any]], context: Context) -> Any:
    """Log the run's KB searches and gaps, propose drafts; return KB health for the reports."""
    from supportgraph.tools.kb import read_articles
    from supportgraph.tools.kb_health import kb_health, record_run
    from supportgraph.tools.kb_store import kb_key

    key = kb_key(context.kb_path)
    record_run(records, key, context.now(), context.kb_min_score)
    _propose_drafts(records, context)
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
            " → ".join(
                step.replace("human_review", "review")
                for step in r["route"]
                if step not in ("triage", "respond")
            ),
            outcome,
            sla_text,
        )
    console.print(table)


def _snapshot(ticket_id: str, checkpoint: str | None, tenant: str | None) -> Any:
    from supportgraph.graph.builder import build_graph

    try:
        with open_checkpointer(checkpoint, create=False) as saver:
            snapshot = build_graph(saver).get_state(config_for(ticket_id, tenant))
    except SupportGraphError as exc:
        raise _fail(str(exc)) from None
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
    for review in record["audit"]:
        detail = review.get("reason") or (f"to {review['team']}" if review.get("team") else "")
        console.print(
            f"Review: {review['action']} by {review['reviewer']} at {review['decided_at']} {detail}".rstrip()
        )
    if record["reply"]:
        console.print(f"[bold]Reply ({record['reply_status']}):[/]\n{record['reply']}")


@review_app.command("list")
def review_list(
    checkpoint: CheckpointOption = None,
    team: Annotated[str | None, typer.Option(help="Only this team's reviews.")] = None,
    older_than: Annotated[
        str | None, typer.Option(help="Only reviews waiting longer than this, e.g. 30m.")
    ] = None,
) -> None:
    """List every ticket waiting for a human reviewer, most urgent first."""
    from supportgraph.graph.builder import build_graph
    from supportgraph.graph.inbox import pending_reviews

    try:
        age = parse_duration(older_than) if older_than else None
    except ValueError as exc:
        raise _fail(f"--older-than: {exc}") from None
    context = Context()
    try:
        with open_checkpointer(checkpoint, create=False) as saver:
            reviews = pending_reviews(build_graph(saver), context.now(), team=team, older_than=age)
    except SupportGraphError as exc:
        raise _fail(str(exc)) from None
    table = Table(title=f"Waiting for review ({len(reviews)})")
    for column in ("Ticket", "Team", "Asks", "Reasons", "Waiting", "First response"):
        table.add_column(column)
    for r in reviews:
        left = format_duration(r.time_left)
        due = (
            f"{left} left"
            if r.time_left.total_seconds() >= 0
            else f"[red]late by {left.lstrip('-')}[/]"
        )
        waiting = format_duration(context.now() - r.waiting_since)
        table.add_row(r.thread_id, r.team, ", ".join(r.asks), "\n".join(r.reasons), waiting, due)
    console.print(table)


def _decide(ticket_id: str, answer: dict[str, Any], options: DecisionOptions) -> None:
    from supportgraph.graph.builder import build_graph

    context = Context()
    try:
        with open_checkpointer(options.checkpoint, create=False) as saver:
            graph = build_graph(saver)
            snapshot = resume_review(
                graph, ticket_id, answer, context, options.tenant, options.interrupt
            )
    except SupportGraphError as exc:
        raise _fail(str(exc)) from None
    _deliver([snapshot], options.out, options.smtp)
    record = ticket_record(snapshot)
    console.print(
        f"{ticket_id}: {answer['action']} → outcome [bold]{record['outcome']}[/], reply {record['reply_status']}"
    )
    _propose_drafts([record], context)


def _propose_drafts(records: list[dict[str, Any]], context: Context) -> None:
    """Turn tickets just resolved without the KB (gap or reviewer's answer) into drafts."""
    from supportgraph.tools.embeddings import default_encoder
    from supportgraph.tools.kb_drafts import propose_drafts, worth_a_draft
    from supportgraph.tools.kb_store import load_index

    if not any(worth_a_draft(r) for r in records):
        return
    drafts = propose_drafts(
        records, load_index(context.kb_path), default_encoder(), context.now().date()
    )
    if drafts:
        console.print(f"{len(drafts)} KB draft(s) proposed; see `supportgraph kb drafts`")


ReviewerOption = Annotated[str, typer.Option(help="Who decided (kept in the audit log).")]
InterruptOption = Annotated[
    str | None, typer.Option("--interrupt", help="Which pending review, if several.")
]


@dataclass(frozen=True)
class DecisionOptions:
    """Where the ticket lives and where its outbox goes."""

    checkpoint: str | None
    tenant: str | None
    interrupt: str | None
    out: Path
    smtp: str | None


@review_app.command("approve")
def review_approve(
    ticket_id: str,
    reviewer: ReviewerOption = "reviewer",
    checkpoint: CheckpointOption = None,
    tenant: TenantOption = None,
    interrupt: InterruptOption = None,
    out: OutOption = Path("out"),
    smtp: SmtpOption = None,
) -> None:
    """Approve the draft and carry out the refunds and account changes it proposes."""
    _decide(
        ticket_id,
        {"action": "approve", "reviewer": reviewer},
        DecisionOptions(checkpoint, tenant, interrupt, out, smtp),
    )


@review_app.command("reject")
def review_reject(
    ticket_id: str,
    reason: Annotated[str, typer.Option(help="Why; the ticket goes to a human.")],
    reviewer: ReviewerOption = "reviewer",
    checkpoint: CheckpointOption = None,
    tenant: TenantOption = None,
    interrupt: InterruptOption = None,
    out: OutOption = Path("out"),
    smtp: SmtpOption = None,
) -> None:
    """Reject the draft: nothing is sent or carried out, and a human takes the ticket over."""
    answer = {"action": "reject", "reviewer": reviewer, "reason": reason}
    _decide(ticket_id, answer, DecisionOptions(checkpoint, tenant, interrupt, out, smtp))


@review_app.command("edit")
def review_edit(
    ticket_id: str,
    reply: Annotated[str, typer.Option(help="The reply text to send instead of the draft.")],
    approve_actions: Annotated[
        bool,
        typer.Option(
            "--approve-actions",
            help="Also carry out the refunds and account changes the draft proposed.",
        ),
    ] = False,
    reviewer: ReviewerOption = "reviewer",
    checkpoint: CheckpointOption = None,
    tenant: TenantOption = None,
    interrupt: InterruptOption = None,
    out: OutOption = Path("out"),
    smtp: SmtpOption = None,
) -> None:
    """Send your text instead of the draft; proposed actions run only with --approve-actions."""
    answer = {
        "action": "edit",
        "reviewer": reviewer,
        "reply": reply,
        "approve_actions": approve_actions,
    }
    _decide(ticket_id, answer, DecisionOptions(checkpoint, tenant, interrupt, out, smtp))


@review_app.command("reassign")
def review_reassign(
    ticket_id: str,
    team: Annotated[
        str, typer.Option(help="A team from the teams file (default: Engineering, Security, …).")
    ],
    reason: Annotated[str | None, typer.Option(help="Why (kept in the audit log).")] = None,
    reviewer: ReviewerOption = "reviewer",
    checkpoint: CheckpointOption = None,
    tenant: TenantOption = None,
    interrupt: InterruptOption = None,
) -> None:
    """Hand the review to another team; the ticket keeps waiting, in their queue."""
    answer = {"action": "reassign", "reviewer": reviewer, "team": team, "reason": reason}
    _decide(ticket_id, answer, DecisionOptions(checkpoint, tenant, interrupt, Path("out"), None))


@app.command()
def relay(
    out: OutOption = Path("out"),
    checkpoint: CheckpointOption = None,
    smtp: SmtpOption = None,
) -> None:
    """Deliver every outbox message in the store that OUT/sent.jsonl does not list yet."""
    from supportgraph.graph.builder import build_graph
    from supportgraph.graph.inbox import thread_ids

    try:
        with open_checkpointer(checkpoint, create=False) as saver:
            graph = build_graph(saver)
            snapshots = [
                graph.get_state(RunnableConfig(configurable={"thread_id": t}))
                for t in thread_ids(saver)
            ]
    except SupportGraphError as exc:
        raise _fail(str(exc)) from None
    try:
        sent = _deliver(snapshots, out, smtp)
    except OSError as exc:
        raise _fail(
            f"delivery failed ({exc}); undelivered messages stay in the outbox, run relay again"
        ) from None
    console.print(f"{sent} message(s) delivered; ledger {out / LEDGER}")


@app.command("graph")
def show_graph(
    mermaid: Annotated[bool, typer.Option("--mermaid", help="Print Mermaid source.")] = True,
) -> None:
    """Print the graph's structure as a Mermaid diagram."""
    from supportgraph.graph.builder import graph

    typer.echo(graph.get_graph().draw_mermaid())


def main() -> None:
    """Entry point of the ``supportgraph`` console script."""
    app()
