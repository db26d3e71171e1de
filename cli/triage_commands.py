"""``supportgraph train triage`` and ``supportgraph eval triage``: retrain and measure triage."""

from __future__ import annotations

import json
import time
from enum import StrEnum
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table

from supportgraph.cli.console import console, errors
from supportgraph.cli.options import fail
from supportgraph.graph.context import Context, home_dir
from supportgraph.graph.errors import SupportGraphError
from supportgraph.tools.safety import escape
from supportgraph.tools.triage.training_data import parse_columns, read_labelled, require_trainable

if TYPE_CHECKING:
    from supportgraph.tools.triage.training_data import LabelledTickets
    from supportgraph.tools.triage.triage_model import TriageModel


class Embeddings(StrEnum):
    """Whether a trained model uses MiniLM sentence embeddings."""

    auto = "auto"
    on = "on"
    off = "off"


DataOption = Annotated[Path, typer.Option("--data", help="Labelled tickets, .csv or .jsonl.")]
PriorityOption = Annotated[
    str | None, typer.Option("--priority-label", help="Column holding a priority label.")
]


def _fail(message: str) -> typer.Exit:
    return fail(message)  # escapes the message: it may quote a ticket id or a path


class TrainingSteps:
    """Training progress on stderr: a live display on a terminal, one line per step otherwise.

    Implements :class:`~supportgraph.tools.triage.triage_model.TrainingProgress`. On a terminal
    each step is a row with a spinner, the folds done (k/n) and its elapsed time; piped
    (CI logs, files) each step is one line with the time since training started.
    """

    def __init__(self, console: Console) -> None:
        self._console = console
        self._started = time.perf_counter()
        self._live: Progress | None = None
        self._task: TaskID | None = None
        if console.is_terminal:
            self._live = Progress(
                SpinnerColumn(finished_text="[green]✓[/]"),
                TextColumn("{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                console=console,
            )

    def __enter__(self) -> TrainingSteps:
        if self._live is not None:
            self._live.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self._finish_step()
        if self._live is not None:
            self._live.stop()

    def step(self, name: str, total: int | None = None) -> None:
        """Start a step; ``total`` counts its parts (fold fits), shown as k/n on a terminal."""
        if self._live is None:
            elapsed = time.perf_counter() - self._started
            parts = f": {total} fits" if total else ""
            self._console.print(
                f"train triage [{elapsed:6.1f} s] {name}{parts}",
                markup=False,
                highlight=False,
                soft_wrap=True,
            )
            return
        self._finish_step()
        self._task = self._live.add_task(escape.console(name, 1000), total=total)

    def advance(self) -> None:
        """Count one part of the current step as done (thread-safe)."""
        if self._live is not None and self._task is not None:
            self._live.advance(self._task)

    def _finish_step(self) -> None:
        if self._live is not None and self._task is not None:
            task = next(t for t in self._live.tasks if t.id == self._task)
            self._live.update(self._task, total=task.total or 1, completed=task.total or 1)
            self._task = None


def _cv_scores(model: TriageModel, data: LabelledTickets) -> dict[str, Any]:
    from sklearn.metrics import accuracy_score, f1_score

    predicted = model.label_head.cv_predictions_
    scores: dict[str, Any] = {
        "folds": model.label_head.folds,
        "accuracy": round(float(accuracy_score(data.labels, predicted)), 4),
        "macro_f1": round(float(f1_score(data.labels, predicted, average="macro")), 4),
    }
    if model.priority_head is not None and data.priorities is not None:
        scores["priority_macro_f1"] = round(
            float(f1_score(data.priorities, model.priority_head.cv_predictions_, average="macro")),
            4,
        )
    return scores


def train_triage(
    data: DataOption,
    text: Annotated[str, typer.Option(help="Text columns, subject first: subject,body.")],
    label: Annotated[str, typer.Option(help="Column holding the label to learn, e.g. queue.")],
    priority_label: PriorityOption = None,
    out: Annotated[
        Path | None,
        typer.Option(help="Model folder; default $SUPPORTGRAPH_HOME/models/DATA-LABEL."),
    ] = None,
    label_map: Annotated[
        Path | None, typer.Option(help="JSON label → route map saved with the model.")
    ] = None,
    embeddings: Annotated[
        Embeddings,
        typer.Option(
            help="MiniLM sentence embeddings next to TF-IDF: auto keeps them for the label "
            "and for the priority only where they raise its cross-validated macro-F1 by "
            "more than the folds' noise; off trains fastest."
        ),
    ] = Embeddings.auto,
    folds: Annotated[
        int | None,
        typer.Option(min=2, help="Cross-validation folds (default: 5, or 3 from 5,000 tickets)."),
    ] = None,
) -> None:
    """Train a triage model on your own labelled tickets and print cross-validated scores."""
    from supportgraph.tools.triage.label_map import read_label_map
    from supportgraph.tools.triage.triage_features import default_folds
    from supportgraph.tools.triage.triage_model import MODEL_FILE, FeatureSettings, TriageModel

    started = time.perf_counter()
    folder = out or home_dir() / "models" / f"{data.stem}-{label}"
    with TrainingSteps(errors) as steps:
        try:
            columns = parse_columns(text)
            steps.step(f"reading {data}")
            tickets = read_labelled(data, columns, label, priority_label)
            folds = folds or default_folds(len(tickets))
            require_trainable(tickets, folds)
            mapping = read_label_map(label_map) if label_map else {}
            model = TriageModel.fit(
                tickets.fields,
                tickets.labels,
                tickets.priorities,
                FeatureSettings(
                    embeddings=embeddings != Embeddings.off,
                    choose_by_cv=embeddings == Embeddings.auto,
                    folds=folds,
                ),
                progress=steps,
            )
        except SupportGraphError as exc:
            raise _fail(str(exc)) from None
        seconds = time.perf_counter() - started
        scores = _cv_scores(model, tickets)
        model = model.with_metadata(
            text_columns=list(columns),
            label_column=label,
            priority_column=priority_label,
            label_map=mapping,
            cv=scores,
            train_seconds=round(seconds, 1),
            source=str(data),
        )
        steps.step(f"saving {folder}")
        model.save(folder)
    size = (folder / MODEL_FILE).stat().st_size
    console.print(f"{folds}-fold cross-validation on {len(tickets)} tickets", soft_wrap=True)
    console.print(_training_table(model, scores, label, priority_label))
    console.print(
        f"Model with {len(model.labels)} labels written to [bold]{escape.console(str(folder), 1000)}[/] "
        f"({size / 1e6:.1f} MB, trained in {seconds:.1f} s)"
    )


def _training_table(
    model: TriageModel, scores: dict[str, Any], label: str, priority_label: str | None
) -> Table:
    table = Table()
    table.add_column("score")
    table.add_column("value", justify="right")
    table.add_row(f"{escape.console(label, 1000)} accuracy", f"{scores['accuracy']:.4f}")
    table.add_row(f"{escape.console(label, 1000)} macro-F1", f"{scores['macro_f1']:.4f}")
    choice = model.metadata["features"]
    heads = [("", label)] + (
        [("priority_", priority_label)] if "priority_macro_f1" in scores else []
    )
    for prefix, name in heads:
        if prefix:
            table.add_row(
                f"{escape.console(str(name), 1000)} macro-F1", f"{scores['priority_macro_f1']:.4f}"
            )
        if f"{prefix}cv_macro_f1_tfidf_only" in choice:
            table.add_row(
                f"{escape.console(str(name), 1000)} macro-F1 TF-IDF only / with embeddings",
                f"{choice[f'{prefix}cv_macro_f1_tfidf_only']:.4f} / "
                f"{choice[f'{prefix}cv_macro_f1_with_embeddings']:.4f}",
            )
        table.add_row(
            f"{escape.console(str(name), 1000)} embeddings used",
            "yes" if choice.get(f"{prefix}embeddings_used") else "no",
        )
    return table


def _confusion_table(scores: dict[str, Any]) -> Table:
    confusion = scores["confusion"]
    table = Table(title="Confusion matrix (rows: true, columns: predicted)")
    table.add_column("true")
    for name in confusion["labels"]:  # labels come from the user's data file
        table.add_column(escape.console(name, 12), justify="right")
    for name, row in zip(confusion["labels"], confusion["matrix"], strict=True):
        table.add_row(escape.console(name, 60), *map(str, row))
    return table


def _class_table(per_class: dict[str, Any], title: str) -> Table:
    table = Table(title=title)
    for column in ("class", "precision", "recall", "F1", "support"):
        table.add_column(column, justify="left" if column == "class" else "right")
    for name, s in per_class.items():
        table.add_row(
            escape.console(name, 60),
            f"{s['precision']:.3f}",
            f"{s['recall']:.3f}",
            f"{s['f1']:.3f}",
            str(s["support"]),
        )
    return table


def eval_triage(
    model: Annotated[Path, typer.Option("--model", help="Folder written by train triage.")],
    data: DataOption,
    text: Annotated[
        str | None, typer.Option(help="Text columns; default those the model was trained on.")
    ] = None,
    label: Annotated[str | None, typer.Option(help="Label column; default the model's.")] = None,
    priority_label: PriorityOption = None,
    threshold: Annotated[
        float | None, typer.Option(help="Low-confidence threshold; default the run setting.")
    ] = None,
    report: Annotated[
        Path | None, typer.Option(help="Markdown report path; default MODEL/eval-DATA.md.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """Score a trained triage model on labelled tickets and write a markdown report."""
    from supportgraph.tools.triage.evaluation import (
        markdown_report,
        score_predictions,
        training_overlap,
    )
    from supportgraph.tools.triage.triage_model import TriageModel

    try:
        trained = TriageModel.load(model)
        meta = trained.metadata
        columns = parse_columns(text) if text else tuple(meta.get("text_columns") or ())
        label_column = label or meta.get("label_column")
        if not columns or not label_column:
            raise _fail("name the columns with --text and --label")
        tickets = read_labelled(data, columns, label_column, priority_label)
        label_p, priority_p = trained.probabilities(tickets.fields)
    except SupportGraphError as exc:
        raise _fail(str(exc)) from None
    scores = score_predictions(
        tickets.labels,
        label_p,
        trained.labels,
        Context().low_confidence if threshold is None else threshold,
        tickets.priorities,
        priority_p,
        meta.get("priorities"),
    )
    overlap = scores["training_overlap"] = training_overlap(
        tickets.fields, meta.get("training_texts")
    )
    if overlap["rows"]:
        errors.print(
            f"[bold yellow]warning:[/] {escape.console(overlap['note'], 1000)}", soft_wrap=True
        )
    elif not overlap["checked"]:
        errors.print(f"note: {escape.console(overlap['note'], 1000)}", soft_wrap=True)
    path = report or model / f"eval-{data.stem}.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(markdown_report(scores, str(model), str(data)), encoding="utf-8")
    if as_json:
        print(json.dumps(scores))
        return
    console.print(_class_table(scores["per_class"], f"{label_column} per class"))
    console.print(_confusion_table(scores))
    if scores.get("priority_per_class"):
        console.print(_class_table(scores["priority_per_class"], "priority per class"))
    low = scores["low_confidence"]
    console.print(
        f"accuracy [bold]{scores['accuracy']:.4f}[/] · macro-F1 [bold]{scores['macro_f1']:.4f}[/]"
        + (
            f" · priority macro-F1 [bold]{scores['priority_macro_f1']:.4f}[/]"
            if scores.get("priority_macro_f1") is not None
            else ""
        )
        + f" · expected calibration error {scores['ece']:.4f}"
    )
    console.print(
        f"below confidence {low['threshold']:.2f}: {low['to_review']} of {scores['rows']} "
        f"ticket(s) to human review; accuracy on the other {low['coverage']:.1%}: "
        f"{low['accuracy_on_rest']:.4f}"
    )
    console.print(f"Report written to [bold]{path}[/]")
