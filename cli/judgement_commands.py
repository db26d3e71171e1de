"""``supportgraph train judgement`` and ``supportgraph eval outcomes``: the triage judgement."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Annotated

import typer

from supportgraph.cli.console import console, errors
from supportgraph.graph.errors import SupportGraphError

DEFAULT_TUNING = Path("tests/data/judgement/tuning")


def _fail(message: str) -> typer.Exit:
    errors.print(f"[bold red]error:[/] {message}")
    return typer.Exit(code=2)


def train_judgement(
    data: Annotated[
        Path, typer.Option(help="Folder with tickets.json and expected.json (with signals).")
    ] = DEFAULT_TUNING,
    out: Annotated[
        Path | None,
        typer.Option(help="Model file (.npz); default: the shipped model in this checkout."),
    ] = None,
) -> None:
    """Fit the judgement heads (impact, effect, urgency, routine, person, category)."""
    from supportgraph.tools.triage.judgement import JudgementModel, shipped_model_path
    from supportgraph.tools.triage.judgement_data import read_labelled, training_rows

    started = time.time()
    try:
        rows = training_rows(read_labelled(data))
    except SupportGraphError as exc:
        raise _fail(str(exc)) from None
    console.print(f"Training on {len(rows.texts)} texts from {data} …")
    model = JudgementModel.fit(rows.texts, rows.tiers, rows.channels, rows.labels)
    model.metadata.update(
        {"data_hash": rows.data_hash, "rows": len(rows.texts), "source": str(data)}
    )
    path = model.save(out or shipped_model_path())
    console.print(f"Judgement model written to {path} in {time.time() - started:.0f} s")


def eval_outcomes(
    tickets: Annotated[Path, typer.Option(help="Tickets as a JSON list or JSONL.")],
    expected: Annotated[Path, typer.Option(help="Expected outcomes, JSON keyed by ticket id.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
) -> None:
    """Run tickets through the graph and compare outcomes with expectations."""
    from supportgraph.runs.outcome_eval import evaluate_files, render

    try:
        result = evaluate_files(tickets, expected)
    except SupportGraphError as exc:
        raise _fail(str(exc)) from None
    if as_json:
        typer.echo(json.dumps(result, indent=2, ensure_ascii=False))
        return
    console.print(render(result), markup=False, highlight=False)
