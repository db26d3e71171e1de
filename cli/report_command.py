"""Reports that follow the store: refreshed after a review decision, or rebuilt on demand.

After each review decision the report folders under ``--out`` that list the ticket
(the folder of the run that processed it, and of any later run that reported it as
already done) are rewritten with the ticket's new record. ``supportgraph report``
rebuilds a folder from every ticket in the store, for reports lost, written elsewhere
or older than this version.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from supportgraph.cli.console import console, errors
from supportgraph.cli.options import CheckpointOption, check_out, fail
from supportgraph.graph.context import Context
from supportgraph.graph.errors import SupportGraphError
from supportgraph.graph.incidents import one_line, record_incident
from supportgraph.tools.safety import escape

if TYPE_CHECKING:
    from supportgraph.tools.desk.sla import SlaPolicy

# A record rebuilt from the store was not produced by a run: its run_status says so.
FROM_STORE = "from_store"


def _kb_health(context: Context) -> Any:
    """KB-wide health for the reports, or None (said once) when the KB cannot be read."""
    from supportgraph.tools.knowledge.kb import read_articles
    from supportgraph.tools.knowledge.kb_health import kb_health
    from supportgraph.tools.knowledge.kb_store import kb_key

    try:
        return kb_health(
            read_articles(context.kb_path), kb_key(context.kb_path), context.now().date()
        )
    except (OSError, SupportGraphError) as exc:
        errors.print(
            f"[yellow]warning:[/] reports without KB health: {escape.console(one_line(exc))}"
        )
        return None


def _policy(context: Context) -> SlaPolicy | None:
    from supportgraph.tools.desk.sla import load_policy

    try:
        return load_policy(context.sla_policy)
    except SupportGraphError as exc:
        errors.print(
            f"[yellow]warning:[/] playbook with the default SLA policy: {escape.console(exc)}"
        )
        return None


def refresh_after_decision(record: dict[str, Any], out: Path, context: Context) -> None:
    """Rewrite the report folders under ``out`` that list the decided ticket.

    The decision is already recorded: a folder that cannot be rewritten is a warning
    saying how to rebuild it, never an error that would invite deciding again.
    """
    from supportgraph.reports.refresh import folders_holding, refresh_folder

    folders = folders_holding(out, record) if out.is_dir() else []
    if not folders:
        console.print(
            f"No report under {escape.console(out, 300)} lists {escape.console(record['ticket_id'], 80)}; "
            "`supportgraph report --out DIR` rebuilds reports from the store"
        )
        return
    policy, health = _policy(context), _kb_health(context)
    for folder in folders:
        try:
            refresh_folder(folder, record, context.now(), policy, health)
        except SupportGraphError as exc:
            errors.print(
                f"[yellow]warning:[/] reports in {escape.console(folder, 300)} not refreshed: "
                f"{escape.console(exc, 500)}; the decision is recorded, "
                f"`supportgraph report --out {escape.console(out, 300)}` rebuilds them from the store"
            )
        else:
            console.print(f"Reports refreshed in {escape.console(folder, 300)}")


def _write(records: Iterable[dict[str, Any]], out: Path, context: Context) -> Path:
    from supportgraph.reports.writer import write_reports

    try:
        return write_reports(
            records, out, context.now(), policy=_policy(context), kb_health=_kb_health(context)
        )
    except (OSError, SupportGraphError) as exc:
        raise fail(f"cannot write the reports under {out}: {one_line(exc)}") from None


def _record(snapshot: Any) -> dict[str, Any] | None:
    """A thread's record, or None (printed, traceback logged) when it cannot be built."""
    from supportgraph.reports.records import ticket_record

    try:
        return ticket_record(snapshot, FROM_STORE)
    except Exception as exc:  # one ticket, one failure: the others are still reported
        thread = snapshot.config["configurable"]["thread_id"]
        log = record_incident(f"reporting thread {thread}", exc)
        errors.print(
            f"[yellow]skipped:[/] thread {escape.console(thread, 200)}: "
            f"{type(exc).__name__}: {escape.console(one_line(exc), 300)}; traceback in {log}"
        )
        return None


def report(
    out: Annotated[
        Path, typer.Option("--out", "-o", help="Folder to write the dated report folder in.")
    ] = Path("out"),
    checkpoint: CheckpointOption = None,
) -> None:
    """Rebuild the reports from every ticket in the store (all runs, decisions included)."""
    from supportgraph.checkpoints import open_checkpointer
    from supportgraph.reports.spool import RecordSpool
    from supportgraph.runs.build import build_graph
    from supportgraph.runs.runner import iter_latest_states

    context = Context()
    check_out(out)
    try:
        # One ticket's state at a time: its record goes to the spool, the reports read it.
        with open_checkpointer(checkpoint, create=False) as saver, RecordSpool(out) as records:
            for snapshot in iter_latest_states(build_graph(saver)):
                if snapshot.values and (record := _record(snapshot)) is not None:
                    records.add(record)
            folder = _write(records, out, context)
    except SupportGraphError as exc:
        raise fail(str(exc)) from None
    console.print(
        f"Reports for {records.count} ticket(s) from the store written to "
        f"[bold]{escape.console(folder, 300)}[/]"
    )
