"""``supportgraph show`` and ``supportgraph review …``: see a ticket whole, then decide.

``show`` and ``review list`` print review cards (reports/review_card.py): the customer's
message, the internal findings and the draft. A decision (approve, edit, reject,
reassign) resumes the ticket, delivers what it produced, refreshes the report folders
that list the ticket (cli/report_command.py) and proposes a KB draft when a gap was
answered.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

import typer

from supportgraph.cli.console import console
from supportgraph.cli.delivery import deliver, relay_for
from supportgraph.cli.options import (
    CheckpointOption,
    OutOption,
    SmtpOption,
    TenantOption,
    check_reviewer,
    check_team,
    fail,
    read_reply_file,
)
from supportgraph.cli.report_command import refresh_after_decision
from supportgraph.cli.review_view import print_card, print_list
from supportgraph.cli.run_command import propose_drafts
from supportgraph.graph.context import Context
from supportgraph.graph.errors import SupportGraphError
from supportgraph.tools.desk.durations import parse_duration
from supportgraph.tools.safety import escape

review_app = typer.Typer(help="Tickets waiting for a human reviewer.", no_args_is_help=True)


def _snapshot(ticket_id: str, checkpoint: str | None, tenant: str | None) -> Any:
    from supportgraph.checkpoints import open_checkpointer
    from supportgraph.runs.build import build_graph
    from supportgraph.runs.runner import config_for

    try:
        with open_checkpointer(checkpoint, create=False) as saver:
            snapshot = build_graph(saver).get_state(config_for(ticket_id, tenant))
    except SupportGraphError as exc:
        raise fail(str(exc)) from None
    if not snapshot.values:
        raise fail(f"unknown ticket {ticket_id[:80]}: no checkpoint thread in this store")
    return snapshot


def show(
    ticket_id: Annotated[str, typer.Argument(help="Ticket id, e.g. SUPPORT-001.")],
    checkpoint: CheckpointOption = None,
    tenant: Annotated[str | None, typer.Option(help="Tenant the ticket belongs to.")] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the record and its review card as JSON.")
    ] = False,
) -> None:
    """Show a ticket: the customer's message, the internal findings, the reply, the log."""
    from rich.table import Table

    from supportgraph.reports.records import ticket_record
    from supportgraph.reports.review_card import review_card
    from supportgraph.runs.inbox import reviews_in

    snapshot = _snapshot(ticket_id, checkpoint, tenant)
    now = Context().now()
    thread = snapshot.config["configurable"]["thread_id"]
    pending = reviews_in(thread, snapshot, now)
    card = review_card(snapshot, now, pending[0] if pending else None)
    record = ticket_record(snapshot)
    if as_json:
        console.print_json(json.dumps(record | {"card": card}))
        return
    e = escape.console
    print_card(card)
    console.print(
        f"\n  outcome [bold]{e(record['outcome'])}[/]"
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


def _duration(option: str, value: str | None) -> Any:
    try:
        return parse_duration(value) if value else None
    except ValueError as exc:
        raise fail(f"{option}: {exc}") from None


@review_app.command("list")
def review_list(
    checkpoint: CheckpointOption = None,
    team: Annotated[str | None, typer.Option(help="Only this team's reviews.")] = None,
    older_than: Annotated[
        str | None,
        typer.Option(help="Only tickets submitted at least this long ago, e.g. 2h, 3d."),
    ] = None,
    waiting_longer_than: Annotated[
        str | None,
        typer.Option(help="Only tickets in the review queue at least this long, e.g. 30m."),
    ] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the review cards as JSON (keys in README).")
    ] = False,
) -> None:
    """List every ticket waiting for a human reviewer, most urgent first."""
    from supportgraph.checkpoints import open_checkpointer
    from supportgraph.reports.review_card import review_card
    from supportgraph.runs.inbox import pending_reviews

    age = _duration("--older-than", older_than)
    waited = _duration("--waiting-longer-than", waiting_longer_than)
    context = Context()
    team = check_team(team, context.teams_path) if team is not None else None
    now = context.now()
    try:
        with open_checkpointer(checkpoint, create=False) as saver:
            reviews = pending_reviews(  # read from the store: no graph to compile
                saver, now, team=team, older_than=age, waiting_longer_than=waited
            )
    except SupportGraphError as exc:
        raise fail(str(exc)) from None
    cards = [review_card(r.snapshot, now, r) for r in reviews]
    if as_json:
        listing = {"generated_at": now.isoformat(timespec="seconds"), "count": len(cards)}
        typer.echo(json.dumps(listing | {"reviews": cards}, ensure_ascii=False, indent=2))
        return
    print_list(cards)


@dataclass(frozen=True)
class DecisionOptions:
    """Where the ticket lives, where its outbox goes and which reports to refresh."""

    checkpoint: str | None
    tenant: str | None
    interrupt: str | None
    out: Path
    smtp: str | None
    sends: bool = True  # False for reassign: it sends nothing, so no ledger is touched


def _decide(ticket_id: str, answer: dict[str, Any], options: DecisionOptions) -> None:
    from supportgraph.checkpoints import open_checkpointer
    from supportgraph.reports.records import ticket_record
    from supportgraph.runs.build import build_graph
    from supportgraph.runs.runner import resume_review

    answer = answer | {"reviewer": check_reviewer(str(answer.get("reviewer", "")))}
    relay = relay_for(options.out, options.smtp) if options.sends else None
    context = Context()
    try:
        with open_checkpointer(options.checkpoint, create=False) as saver:
            graph = build_graph(saver)
            snapshot = resume_review(
                graph, ticket_id, answer, context, options.tenant, options.interrupt
            )
    except SupportGraphError as exc:
        raise fail(str(exc)) from None
    if relay is not None:
        deliver([snapshot], relay)
    record = ticket_record(snapshot)
    console.print(
        f"{escape.console(ticket_id, 80)}: {answer['action']} → outcome "
        f"[bold]{record['outcome']}[/], reply {record['reply_status']}"
    )
    refresh_after_decision(record, options.out, context)
    ticket = snapshot.values["ticket"]
    propose_drafts(
        [record], context, {ticket.ticket_id: [ticket.contact_name]} if ticket.contact_name else {}
    )


ReviewerOption = Annotated[str, typer.Option(help="Who decided (kept in the audit log).")]
InterruptOption = Annotated[
    str | None, typer.Option("--interrupt", help="Which pending review, if several.")
]


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
    reply: Annotated[
        str | None, typer.Option(help="The reply text to send instead of the draft.")
    ] = None,
    reply_file: Annotated[
        Path | None,
        typer.Option(
            "--reply-file",
            help="Read the reply from this UTF-8 file (- for standard input) instead of --reply.",
        ),
    ] = None,
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
    if reply is not None and reply_file is not None:
        raise fail("give the new reply once: --reply TEXT or --reply-file FILE, not both")
    if reply_file is not None:
        reply = read_reply_file(reply_file)
    elif reply is None:
        raise fail("review edit needs the new reply: --reply TEXT or --reply-file FILE")
    elif not reply.strip():
        raise fail("--reply is empty; write the reply to send (or use --reply-file FILE)")
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
    out: Annotated[
        Path, typer.Option("--out", "-o", help="Folder whose reports list the ticket.")
    ] = Path("out"),
) -> None:
    """Hand the review to another team; the ticket keeps waiting, in their queue."""
    answer = {
        "action": "reassign",
        "reviewer": reviewer,
        "team": check_team(team, Context().teams_path),
        "reason": reason,
    }
    options = DecisionOptions(checkpoint, tenant, interrupt, out, None, sends=False)
    _decide(ticket_id, answer, options)
