"""Write a run's report folder: tickets.jsonl, six reports, the playbook and the summary.

``run.json`` beside them keeps what the records alone cannot give back (when the run
was, the tickets rejected at intake, what intake changed), so a folder can be rewritten
later from its records (reports/refresh.py) without losing those lines.

The records are read once for the metrics and again by each report, which is streamed
to its file line by line: a run's records may be a spool on disk (reports/spool.py), so
a folder of any size is written in flat memory.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

from supportgraph.reports import markdown
from supportgraph.reports.metrics import compute
from supportgraph.reports.playbook import render_playbook
from supportgraph.reports.records import masked
from supportgraph.tools.desk.sla import SlaPolicy, load_policy
from supportgraph.tools.knowledge.kb_health import KBHealth

Record = dict[str, Any]
TICKETS_FILE = "tickets.jsonl"
RUN_FILE = "run.json"


def report_folder(out: Path, now: datetime) -> Path:
    """``OUT/customer_support_YYYYMMDD`` for the run's date."""
    return out / f"customer_support_{now:%Y%m%d}"


def write_reports(
    records: Iterable[Record],
    out: Path,
    now: datetime,
    rejected: list[str] | None = None,
    policy: SlaPolicy | None = None,
    kb_health: KBHealth | None = None,
    notes: list[str] | None = None,
    folder: Path | None = None,
    updated: datetime | None = None,
) -> Path:
    """Write every report for ``records`` and return the folder.

    Args:
        records: One record per ticket (see ``reports.records.ticket_record``), read
            several times: a list, or a :class:`~supportgraph.reports.spool.RecordSpool`.
        out: Parent folder; the dated report folder is created inside it.
        now: Time of the run, printed on every report.
        rejected: Intake errors for tickets that could not be accepted.
        policy: SLA policy the playbook shows (the default policy when None).
        kb_health: KB-wide health across runs (article counts, search log), if known.
        notes: What intake changed in accepted tickets (subjects cut, controls removed).
        folder: Write here instead of the dated folder under ``out`` (a refresh).
        updated: When records changed after the run (a review decision): shown as the
            dashboard's "last updated" and in the summary; the run time stays ``now``.
    """
    folder = folder or report_folder(out, now)
    folder.mkdir(parents=True, exist_ok=True)
    metrics = compute(records)
    rejected = rejected or []
    files: dict[str, Iterable[str]] = {
        "support_inquiry_triage_report.md": _lines(
            markdown.triage_report(records, metrics, now, rejected, notes or [])
        ),
        "technical_issue_resolution_report.md": _lines(
            markdown.technical_report(records, metrics, now)
        ),
        "customer_success_management_report.md": _lines(
            markdown.success_report(records, metrics, now)
        ),
        "knowledge_base_maintenance_report.md": _lines(
            markdown.knowledge_report(records, metrics, now, kb_health)
        ),
        "escalation_management_report.md": _lines(
            markdown.escalation_report(records, metrics, now)
        ),
        "support_dashboard.md": _lines(markdown.dashboard(metrics, updated or now, kb_health)),
        "support_playbook.md": [render_playbook(policy or load_policy(None), now)],
        "CUSTOMER_SUPPORT_SUMMARY.md": _lines(
            markdown.summary(records, metrics, now, rejected, updated)
        ),
    }
    run = {
        "run_at": now.isoformat(timespec="seconds"),
        "updated_at": updated.isoformat(timespec="seconds") if updated else None,
        "rejected": masked(rejected),
        "notes": masked(notes or []),
    }
    for name, chunks in files.items():
        _write_atomically(folder / name, chunks)
    _write_atomically(
        folder / TICKETS_FILE, (json.dumps(r, ensure_ascii=False) + "\n" for r in records)
    )
    _write_atomically(folder / RUN_FILE, [json.dumps(run, ensure_ascii=False, indent=2) + "\n"])
    return folder


def _lines(lines: Iterable[str]) -> Iterator[str]:
    """Each line ended by a line break (a report's lines become its file's text)."""
    for line in lines:
        yield line + "\n"


def _write_atomically(path: Path, chunks: Iterable[str]) -> None:
    """Write ``chunks`` to a temporary file of this process and rename it over ``path``.

    A crash never leaves half a file, and two runs writing the same report folder at
    once each replace whole files instead of interleaving. Characters no UTF-8 file can
    hold (unpaired surrogates from an old store) are replaced.
    """
    with tempfile.NamedTemporaryFile(
        "w",
        dir=path.parent,
        prefix=f".{path.name}.",
        suffix=".partial",
        delete=False,
        encoding="utf-8",
        errors="replace",
    ) as handle:
        try:
            handle.writelines(chunks)
        except BaseException:
            handle.close()
            os.unlink(handle.name)
            raise
    try:
        os.replace(handle.name, path)
    except OSError:
        os.unlink(handle.name)
        raise
