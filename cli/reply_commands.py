"""``supportgraph macros`` (the reply templates) and ``supportgraph eval replies`` (the reply audit)."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from supportgraph.cli.console import console
from supportgraph.cli.options import (
    CheckpointOption,
    OutOption,
    TemplatesOption,
    check_out,
    fail,
)
from supportgraph.graph.context import Context
from supportgraph.graph.errors import SupportGraphError
from supportgraph.tools.safety import escape

macros_app = typer.Typer(
    help="The reply templates, per situation and language.", no_args_is_help=True
)


def _context(templates: Path | None) -> Context:
    context = Context()
    return replace(context, templates_path=templates or context.templates_path)


@macros_app.command("list")
def macros_list(templates: TemplatesOption = None) -> None:
    """List every macro, the languages it exists in, and where each comes from."""
    from supportgraph.tools.reply.macros import load_macros, shipped_folder

    try:
        macros = load_macros(_context(templates).templates_path)
    except SupportGraphError as exc:
        raise fail(str(exc)) from None
    languages = macros.languages
    table = Table(title=f"Reply macros ({', '.join(languages)})")
    table.add_column("Macro")
    for language in languages:
        table.add_column(language)
    shipped = shipped_folder()
    for name, found in macros.catalog().items():
        cells = []
        for language in languages:
            macro = found.get(language)
            cells.append(
                "—" if macro is None else "✓" if macro.path.is_relative_to(shipped) else "✓ (yours)"
            )
        table.add_row(escape.console(name), *cells)
    console.print(table)
    console.print("Show one with `supportgraph macros show NAME --lang de`.")


@macros_app.command("show")
def macros_show(
    name: Annotated[str, typer.Argument(help="Macro name, e.g. refund_approved.")],
    lang: Annotated[str, typer.Option("--lang", help="Language code: en, de, es, fr…")] = "en",
    templates: TemplatesOption = None,
) -> None:
    """Print the template of macro NAME in one language, and the file it comes from."""
    from supportgraph.tools.reply.macros import load_macros

    try:
        macros = load_macros(_context(templates).templates_path)
    except SupportGraphError as exc:
        raise fail(str(exc)) from None
    macro = macros.find(name, lang)
    if macro is None or name.startswith("_") and name not in ("_layout", "_team"):
        known = macros.catalog().get(name)
        if known:
            raise fail(f"macro {name} has no {lang!r} version; it exists in {', '.join(known)}")
        raise fail(f"unknown macro {name!r}; macros: {', '.join(macros.catalog())}")
    console.print(
        f"[bold]{escape.console(name)}[/] ({lang}) from {escape.console(macro.path, 300)}"
    )
    typer.echo(macro.path.read_text(encoding="utf-8"))


def eval_replies(
    out: OutOption = Path("out"),
    checkpoint: CheckpointOption = None,
    tickets: Annotated[
        Path | None,
        typer.Option(help="Run these tickets first (in memory unless --checkpoint is given)."),
    ] = None,
    decide: Annotated[
        str,
        typer.Option(
            help="With --tickets: decide every pending review: approve, reject, edit or none."
        ),
    ] = "approve",
    templates: TemplatesOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
) -> None:
    """Audit every delivered customer message of the run in OUT (sent.jsonl and the store).

    Writes OUT/reply_audit.json and OUT/reply_audit.md; exits 1 when a message breaks a rule.
    """
    from supportgraph.tools.reply.reply_audit import render

    if decide not in ("approve", "reject", "edit", "none"):
        raise fail(f"--decide {decide!r}: use approve, reject, edit or none")
    check_out(out)
    context = _context(templates)
    url = checkpoint or ("memory://" if tickets is not None else None)
    try:
        result = _audit(out, url, tickets, decide, context)
    except SupportGraphError as exc:
        raise fail(str(exc)) from None
    data = result.as_dict()
    out.mkdir(parents=True, exist_ok=True)
    (out / "reply_audit.json").write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
    (out / "reply_audit.md").write_text(f"```\n{render(result)}\n```\n", encoding="utf-8")
    if as_json:
        typer.echo(json.dumps(data, indent=2, ensure_ascii=False))
    else:
        console.print(render(result), markup=False, highlight=False)
    if result.violations:
        raise typer.Exit(code=1)


def _audit(out: Path, url: str | None, tickets: Path | None, decide: str, context: Context) -> Any:
    from supportgraph.checkpoints import open_checkpointer
    from supportgraph.runs.build import build_graph
    from supportgraph.runs.runner import latest_states
    from supportgraph.tools.delivery.relay import LEDGER, Relay
    from supportgraph.tools.desk.teams import load_teams
    from supportgraph.tools.knowledge.kb import read_articles
    from supportgraph.tools.reply.macros import load_macros
    from supportgraph.tools.reply.reply_audit import Context as AuditContext
    from supportgraph.tools.reply.reply_audit import audit, ticket_view

    macros = load_macros(context.templates_path)
    with open_checkpointer(url, create=tickets is not None) as saver:
        graph = build_graph(saver)
        if tickets is not None:
            _run_and_decide(graph, tickets, decide, context, Relay(out))
        states = [snapshot.values for snapshot in latest_states(graph)]
    views = {
        view.ticket.ticket_id: view
        for values in states
        if (view := ticket_view(dict(values), macros.language_for)) is not None
    }
    ledger = out / LEDGER
    lines = (
        [json.loads(line) for line in ledger.read_text("utf-8").splitlines() if line.strip()]
        if ledger.exists()
        else []
    )
    ctx = AuditContext(
        teams=load_teams(context.teams_path),
        articles={a.id: a for a in read_articles(context.kb_path)},
        ticket_ids=frozenset(views),
    )
    return audit(lines, views, ctx)


def _run_and_decide(graph: Any, tickets: Path, decide: str, context: Context, relay: Any) -> None:
    """Run the tickets, deliver their outboxes, decide each pending review, deliver again."""
    from supportgraph.runs.runner import resume_review, run_batch
    from supportgraph.tools.tickets.intake import read_tickets

    intake = read_tickets(tickets, context.now())
    runs = run_batch(graph, intake.tickets, context)
    relay.deliver(m for run in runs for m in run.snapshot.values.get("outbox", []))
    if decide == "none":
        return
    for run in runs:
        if not run.snapshot.interrupts:
            continue
        answer: dict[str, Any] = {"action": decide, "reviewer": "reply-audit"}
        if decide == "reject":
            answer["reason"] = "rejected by the reply audit to check the hand-over"
        if decide == "edit":
            answer["reply"] = run.snapshot.values["reply"].text
        ticket = run.snapshot.values["ticket"]
        done = resume_review(graph, ticket.ticket_id, answer, context, ticket.tenant)
        relay.deliver(done.values.get("outbox", []))
