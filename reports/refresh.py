"""Keep report folders true after a review decision: rewrite those holding the ticket.

A run writes ``OUT/customer_support_YYYYMMDD``; a reviewer decides hours later. Each
folder under ``OUT`` whose tickets.jsonl lists the decided ticket gets that ticket's
record replaced and every report rewritten from the folder's records, under a lock so
two reviewers deciding tickets of one run at once do not lose each other's update. The
records are read and copied one at a time, so a folder of 100,000 tickets is never held.
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
from supportgraph.reports.spool import RecordSpool
from supportgraph.reports.writer import RUN_FILE, TICKETS_FILE, Record, write_reports
from supportgraph.tools.desk.sla import SlaPolicy
from supportgraph.tools.knowledge.kb_health import KBHealth

FOLDER_GLOB = "customer_support_*"


@dataclass(frozen=True)
class RunFolder:
    """A report folder and what its ``run.json`` kept (its records: :func:`folder_records`)."""

    path: Path
    run_at: datetime | None
    rejected: list[str]
    notes: list[str]


def _same_ticket(record: Record, other: Record) -> bool:
    return (record.get("ticket_id"), record.get("tenant")) == (
        other.get("ticket_id"),
        other.get("tenant"),
    )


def read_folder(path: Path) -> RunFolder:
    """A report folder's run facts.

    Raises:
        ReportError: run.json cannot be read or is not what a run writes.
    """
    run: dict[str, Any] = {}
    if (path / RUN_FILE).is_file():  # folders written before run.json existed have none
        try:
            run = json.loads((path / RUN_FILE).read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise ReportError(f"cannot read {path / RUN_FILE}: {exc}") from None
    run_at = run.get("run_at")
    return RunFolder(
        path,
        datetime.fromisoformat(run_at) if isinstance(run_at, str) else None,
        [str(x) for x in run.get("rejected") or []],
        [str(x) for x in run.get("notes") or []],
    )


def folder_records(path: Path) -> Iterator[Record]:
    """A report folder's records, read from its tickets.jsonl one at a time.

    Raises:
        ReportError: tickets.jsonl cannot be read, or a line is not a ticket record.
    """
    tickets = path / TICKETS_FILE
    try:
        with tickets.open(encoding="utf-8") as handle:
            for number, line in enumerate(handle, start=1):
                if not line.strip():
                    continue
                try:
                    record = json.loads(line)
                except json.JSONDecodeError as exc:
                    raise ReportError(f"{tickets} line {number} is not JSON ({exc.msg})") from None
                if not isinstance(record, dict) or "ticket_id" not in record:
                    raise ReportError(f"{tickets} line {number} is not a ticket record")
                yield record
    except (OSError, UnicodeDecodeError) as exc:
        raise ReportError(f"cannot read {tickets}: {exc}") from None


def folders_holding(out: Path, record: Record) -> list[Path]:
    """Report folders under ``out`` whose tickets.jsonl lists the ticket of ``record``."""
    found = []
    for folder in sorted(out.glob(FOLDER_GLOB)):
        if (folder / TICKETS_FILE).is_file() and _holds(folder / TICKETS_FILE, record):
            found.append(folder)
    return found


def _holds(tickets: Path, record: Record) -> bool:
    """Whether the file lists the ticket; an unreadable file does (refresh says why)."""
    try:
        with tickets.open(encoding="utf-8") as handle:
            for line in handle:
                if record["ticket_id"] not in line:  # cheap test before parsing the line
                    continue
                try:
                    other = json.loads(line)
                except json.JSONDecodeError:
                    continue
                if isinstance(other, dict) and _same_ticket(record, other):
                    return True
    except (OSError, UnicodeDecodeError):
        return True  # let refresh_folder say what is wrong with it
    return False


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

    The records are copied one at a time to a spool in the folder, the ticket's own
    replaced, and the reports written from it, so a folder of a long run is never held.

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
        with _locked(folder), RecordSpool(folder) as records:
            run = read_folder(folder)
            held = False
            for old in folder_records(folder):
                mine = _same_ticket(record, old)
                held = held or mine
                records.add(record if mine else old)
            if not held:
                raise ReportError(f"{folder / TICKETS_FILE} does not list {record['ticket_id']}")
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
    return run
