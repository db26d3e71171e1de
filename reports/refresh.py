"""Keep report folders true after a review decision: rewrite those holding the ticket.

A run writes ``OUT/customer_support_YYYYMMDD``; a reviewer decides hours later. Each
folder under ``OUT`` whose tickets.jsonl lists the decided ticket gets that ticket's
record replaced and every report rewritten from the folder's records, under a lock so
two reviewers deciding tickets of one run at once do not lose each other's update.
``supportgraph report`` rebuilds a folder from the whole store instead.
"""

from __future__ import annotations

import fcntl
import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from supportgraph.graph.errors import ReportError
from supportgraph.reports.writer import RUN_FILE, TICKETS_FILE, Record, write_reports
from supportgraph.tools.desk.sla import SlaPolicy
from supportgraph.tools.knowledge.kb_health import KBHealth

FOLDER_GLOB = "customer_support_*"


@dataclass(frozen=True)
class RunFolder:
    """A report folder's records and what its ``run.json`` kept."""

    path: Path
    records: list[Record]
    run_at: datetime | None
    rejected: list[str]
    notes: list[str]


def _same_ticket(record: Record, other: Record) -> bool:
    return (record.get("ticket_id"), record.get("tenant")) == (
        other.get("ticket_id"),
        other.get("tenant"),
    )


def read_folder(path: Path) -> RunFolder:
    """A report folder's records and run facts.

    Raises:
        ReportError: tickets.jsonl or run.json cannot be read or is not what a run writes.
    """
    tickets = path / TICKETS_FILE
    try:
        lines = tickets.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise ReportError(f"cannot read {tickets}: {exc}") from None
    records = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            raise ReportError(f"{tickets} line {number} is not JSON ({exc.msg})") from None
        if not isinstance(record, dict) or "ticket_id" not in record:
            raise ReportError(f"{tickets} line {number} is not a ticket record")
        records.append(record)
    run: dict[str, Any] = {}
    if (path / RUN_FILE).is_file():  # folders written before run.json existed have none
        try:
            run = json.loads((path / RUN_FILE).read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise ReportError(f"cannot read {path / RUN_FILE}: {exc}") from None
    run_at = run.get("run_at")
    return RunFolder(
        path,
        records,
        datetime.fromisoformat(run_at) if isinstance(run_at, str) else None,
        [str(x) for x in run.get("rejected") or []],
        [str(x) for x in run.get("notes") or []],
    )


def folders_holding(out: Path, record: Record) -> list[Path]:
    """Report folders under ``out`` whose tickets.jsonl lists the ticket of ``record``."""
    found = []
    for folder in sorted(out.glob(FOLDER_GLOB)):
        tickets = folder / TICKETS_FILE
        if not tickets.is_file():
            continue
        try:
            text = tickets.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            found.append(folder)  # let refresh_folder say what is wrong with it
            continue
        if record["ticket_id"] not in text:  # cheap test before parsing every line
            continue
        for line in text.splitlines():
            try:
                other = json.loads(line)
            except json.JSONDecodeError:
                continue
            if isinstance(other, dict) and _same_ticket(record, other):
                found.append(folder)
                break
    return found


@contextmanager
def _locked(folder: Path) -> Iterator[None]:
    """Hold an exclusive lock on the folder itself (its files are replaced, not edited)."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock


def refresh_folder(
    folder: Path,
    record: Record,
    now: datetime,
    policy: SlaPolicy | None = None,
    kb_health: KBHealth | None = None,
) -> RunFolder:
    """Replace the ticket's record in ``folder`` and rewrite every report there.

    Args:
        folder: A report folder holding the ticket (see :func:`folders_holding`).
        record: The ticket's new record (``reports.records.ticket_record``).
        now: When the decision was made: the reports' "updated" time.
        policy: SLA policy for the playbook (the default policy when None).
        kb_health: KB-wide health to show, if known.

    Raises:
        ReportError: the folder cannot be read, or it does not hold the ticket.
    """
    try:
        with _locked(folder):
            run = read_folder(folder)
            if not any(_same_ticket(record, r) for r in run.records):
                raise ReportError(f"{folder / TICKETS_FILE} does not list {record['ticket_id']}")
            records = [record if _same_ticket(record, r) else r for r in run.records]
            write_reports(
                records,
                folder.parent,
                run.run_at or now,
                rejected=run.rejected,
                policy=policy,
                kb_health=kb_health,
                notes=run.notes,
                folder=folder,
                updated=now,
            )
    except OSError as exc:
        raise ReportError(f"cannot rewrite the reports in {folder}: {exc}") from None
    return RunFolder(folder, records, run.run_at, run.rejected, run.notes)
