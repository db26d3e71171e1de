"""The ``supportgraph`` command line: run tickets, review escalations, inspect threads."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from supportgraph.cli import (
    judgement_commands,
    reply_commands,
    report_command,
    run_command,
    triage_commands,
)
from supportgraph.cli.console import console
from supportgraph.cli.history_commands import history_app
from supportgraph.cli.kb_commands import eval_app, kb_app
from supportgraph.cli.options import CheckpointOption, OutOption, SmtpOption, fail
from supportgraph.cli.review_commands import review_app, show
from supportgraph.graph.errors import SupportGraphError
from supportgraph.tools.safety import escape

# Plain help and usage errors: Rich-formatted help imports Markdown and traceback renderers
# that alone take most of the 0.5 s `supportgraph --help` may cost. For the same reason
# every command module imports LangGraph, the models and the stores inside its commands
# (tests/test_startup.py checks what `--help` loads).
app = typer.Typer(
    help="Customer-support automation on a LangGraph state machine.",
    no_args_is_help=True,
    rich_markup_mode=None,
)
app.add_typer(review_app, name="review")  # list, approve, edit, reject, reassign
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
app.command()(show)
app.command()(report_command.report)


@app.command()
def relay(
    out: OutOption = Path("out"),
    checkpoint: CheckpointOption = None,
    smtp: SmtpOption = None,
) -> None:
    """Deliver every outbox message in the store that OUT/sent.jsonl does not list yet."""
    from supportgraph.checkpoints import open_checkpointer
    from supportgraph.cli.delivery import deliver, relay_for
    from supportgraph.runs.build import build_graph
    from supportgraph.runs.runner import iter_latest_states
    from supportgraph.tools.delivery.relay import LEDGER

    relay = relay_for(out, smtp)
    try:
        with open_checkpointer(checkpoint, create=False) as saver:
            # One thread's state at a time: only the outbox messages are kept, so a store
            # of any size relays in flat memory.
            sent = deliver(iter_latest_states(build_graph(saver)), relay)
    except SupportGraphError as exc:
        raise fail(str(exc)) from None
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
