"""The ``supportgraph`` command line: run tickets, review escalations, inspect threads."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

import typer
from langchain_core.runnables import RunnableConfig
from rich.table import Table

from supportgraph.checkpoints import open_checkpointer
from supportgraph.cli import judgement_commands, reply_commands, run_command, triage_commands
from supportgraph.cli.console import console, errors
from supportgraph.cli.history_commands import history_app
from supportgraph.cli.kb_commands import eval_app, kb_app
from supportgraph.cli.options import (
    CheckpointOption,
    OutOption,
    SmtpOption,
    TenantOption,
    check_out,
    check_reviewer,
    fail,
)
from supportgraph.cli.run_command import propose_drafts
from supportgraph.graph.context import Context
from supportgraph.graph.errors import SupportGraphError
from supportgraph.graph.incidents import one_line
from supportgraph.graph.runner import config_for, resume_review
from supportgraph.reports.records import ticket_record
from supportgraph.tools import escape
from supportgraph.tools.durations import format_duration, parse_duration
from supportgraph.tools.relay import LEDGER, Relay, transport_for

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
eval_app.command("replies")(reply_commands.eval_replies)
app.add_typer(reply_commands.macros_app, name="macros")


app.command()(run_command.run)


def _relay(out: Path, smtp: str | None) -> Relay:
    """A relay for ``--out`` and ``--smtp``, checked before anything is decided or sent."""
    check_out(out)
    try:
        return Relay(out, transport_for(smtp))
    except SupportGraphError as exc:
        raise _fail(str(exc)) from None


def _deliver(snapshots: list[Any], relay: Relay) -> int:
    """Relay every outbox message of these threads not yet in OUT/sent.jsonl.

    A message that cannot be sent is printed and stays in the outbox (``relay`` retries).
    """
    try:
        sent = relay.deliver(m for snapshot in snapshots for m in snapshot.values.get("outbox", []))
    except OSError as exc:
        raise _fail(
            f"cannot write the ledger {relay.path} ({one_line(exc)}); "
            "undelivered messages stay in the outbox"
        ) from None
    for failure in relay.failures:
        errors.print(
            f"[red]not delivered:[/] {escape.console(failure.key)}: "
            f"{escape.console(failure.reason, 300)}; it stays in the outbox, run relay again"
        )
    return sent


def _fail(message: str) -> typer.Exit:
    return fail(message)


def _snapshot(ticket_id: str, checkpoint: str | None, tenant: str | None) -> Any:
    from supportgraph.graph.builder import build_graph

    try:
        with open_checkpointer(checkpoint, create=False) as saver:
            snapshot = build_graph(saver).get_state(config_for(ticket_id, tenant))
    except SupportGraphError as exc:
        raise _fail(str(exc)) from None
    if not snapshot.values:
        raise _fail(f"unknown ticket {ticket_id[:80]}: no checkpoint thread in this store")
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
    e = escape.console
    console.print(
        f"[bold]{e(record['ticket_id'])}[/]"
        + (f" (tenant {e(record['tenant'])})" if record.get("tenant") else "")
        + f" {e(record['customer'])} ({e(record['customer_tier'])}, {e(record['channel'])})"
    )
    console.print(f"  {e(record['subject'], 300)}")
    console.print(  # an old store may hold anything, even where today's models allow a few words
        f"  priority {e(record['priority'])} · category {e(record['category'])} "
        f"({e(record['confidence'])}) · sentiment {e(record['sentiment'])} · "
        f"language {e(record['language'])}"
    )
    console.print(
        f"  outcome [bold]{e(record['outcome'])}[/]"
        + (f" · escalated to {e(record['escalation_team'])}" if record["escalated"] else "")
    )
    table = Table(title="Decision log")
    for column in ("At", "From", "To", "Reason"):
        table.add_column(column)
    for d in record["decisions"]:
        table.add_row(e(d["at"]), e(d["from"]), e(d["to"]), e(d["reason"], 500))
    console.print(table)
    for review in record["audit"]:
        detail = review.get("reason") or (f"to {review['team']}" if review.get("team") else "")
        console.print(
            f"Review: {e(review['action'])} by {e(review['reviewer'])} at {e(review['decided_at'])} "
            f"{e(detail, 500)}".rstrip()
        )
    if record["reply"]:
        reply = e(record["reply"], 20_000, keep_newlines=True)
        console.print(f"[bold]Reply ({e(record['reply_status'])}):[/]\n{reply}")


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
    tenants = any(r.tenant for r in reviews)
    for column in ("Ticket", *(("Tenant",) if tenants else ()), "Team", "Asks", "Reasons"):
        table.add_column(column)
    for column in ("Waiting", "First response"):
        table.add_column(column)
    for r in reviews:
        left = format_duration(r.time_left)
        due = (
            f"{left} left"
            if r.time_left.total_seconds() >= 0
            else f"[red]late by {left.lstrip('-')}[/]"
        )
        waiting = format_duration(context.now() - r.waiting_since)
        e = escape.console
        table.add_row(
            e(r.ticket_id, 60),
            *((e(r.tenant or "", 60),) if tenants else ()),
            e(r.team),
            e(", ".join(r.asks), 300),
            "\n".join(e(reason, 300) for reason in r.reasons),
            waiting,
            due,
        )
    console.print(table)


def _decide(ticket_id: str, answer: dict[str, Any], options: DecisionOptions) -> None:
    from supportgraph.graph.builder import build_graph

    answer = answer | {"reviewer": check_reviewer(str(answer.get("reviewer", "")))}
    relay = _relay(options.out, options.smtp) if options.out is not None else None
    context = Context()
    try:
        with open_checkpointer(options.checkpoint, create=False) as saver:
            graph = build_graph(saver)
            snapshot = resume_review(
                graph, ticket_id, answer, context, options.tenant, options.interrupt
            )
    except SupportGraphError as exc:
        raise _fail(str(exc)) from None
    if relay is not None:  # reassign sends nothing, so it touches no ledger
        _deliver([snapshot], relay)
    record = ticket_record(snapshot)
    console.print(
        f"{escape.console(ticket_id, 80)}: {answer['action']} → outcome "
        f"[bold]{record['outcome']}[/], reply {record['reply_status']}"
    )
    propose_drafts([record], context)


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
    out: Path | None  # None: the decision sends nothing (reassign), so no ledger is touched
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
    _decide(ticket_id, answer, DecisionOptions(checkpoint, tenant, interrupt, None, None))


@app.command()
def relay(
    out: OutOption = Path("out"),
    checkpoint: CheckpointOption = None,
    smtp: SmtpOption = None,
) -> None:
    """Deliver every outbox message in the store that OUT/sent.jsonl does not list yet."""
    from supportgraph.graph.builder import build_graph
    from supportgraph.graph.inbox import thread_ids

    relay = _relay(out, smtp)
    try:
        with open_checkpointer(checkpoint, create=False) as saver:
            graph = build_graph(saver)
            snapshots = [
                graph.get_state(RunnableConfig(configurable={"thread_id": t}))
                for t in thread_ids(saver)
            ]
    except SupportGraphError as exc:
        raise _fail(str(exc)) from None
    sent = _deliver(snapshots, relay)
    console.print(f"{sent} message(s) delivered; ledger {escape.console(out / LEDGER, 300)}")
    if relay.failures:
        raise typer.Exit(code=1)


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
