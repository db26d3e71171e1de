"""Keep a run's ticket records on disk as they finish, and read them back for the reports.

``supportgraph run`` writes each ticket's record here as soon as the ticket is done and
keeps nothing of it in memory; the reports then read the spool as often as they need
(``reports/writer.py``), so a run of any size holds one record at a time. The spool is a
hidden JSONL file beside the report folders (``.tickets-PID-*.jsonl.partial``), removed
when the run ends; one left by a killed run is removed by the next run in that folder.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from types import TracebackType
from typing import IO, Any

from supportgraph.graph.errors import ReportError
from supportgraph.graph.incidents import one_line

Record = dict[str, Any]
# Records from an old store may hold unpaired surrogates: kept as they are, so the reports
# read back exactly what was added (the report writer replaces them, as it always did).
_ERRORS = "surrogatepass"
_PREFIX, _SUFFIX = ".tickets-", ".jsonl.partial"  # .tickets-PID-RANDOM.jsonl.partial


def _remove_orphans(folder: Path) -> None:
    """Delete spools left by runs of this machine that were killed (their process is gone)."""
    for path in folder.glob(f"{_PREFIX}*{_SUFFIX}"):
        pid = path.name.removeprefix(_PREFIX).split("-", 1)[0]
        if pid.isdigit() and not _alive(int(pid)):
            path.unlink(missing_ok=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class RecordSpool:
    """Ticket records appended to a file, read back in order as often as needed.

    Use it as a context manager: the file, created with the first record, is removed on
    leaving. Nothing is written before then (a store that cannot open leaves no trace).
    """

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.count = 0
        self._path: Path | None = None
        self._handle: IO[str] | None = None

    def __enter__(self) -> RecordSpool:
        """Start an empty spool; its file is created with the first record."""
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        """Close and remove the spool file."""
        if self._handle is not None:
            self._handle.close()
        if self._path is not None:
            self._path.unlink(missing_ok=True)

    def add(self, record: Record) -> None:
        """Append one record, creating ``folder`` and the spool file for the first one.

        Raises:
            ReportError: the folder or the file cannot be written (a full disk).
        """
        try:
            if self._handle is None:
                self._handle = self._create()
            self._handle.write(json.dumps(record, ensure_ascii=False) + "\n")
        except OSError as exc:
            raise self._cannot_write(exc) from None
        self.count += 1

    def _create(self) -> IO[str]:
        self.folder.mkdir(parents=True, exist_ok=True)
        _remove_orphans(self.folder)
        descriptor, name = tempfile.mkstemp(
            prefix=f"{_PREFIX}{os.getpid()}-", suffix=_SUFFIX, dir=self.folder
        )
        self._path = Path(name)
        return os.fdopen(descriptor, "w", encoding="utf-8", errors=_ERRORS)

    def _cannot_write(self, exc: OSError) -> ReportError:
        return ReportError(
            f"cannot write the ticket records under {self.folder} ({one_line(exc)}); the "
            "tickets are checkpointed: rerun with a writable --out for the reports"
        )

    def __iter__(self) -> Iterator[Record]:
        """Every record added so far, in order, read from the file one at a time."""
        if self._handle is None or self._path is None:
            return
        self._handle.flush()
        with self._path.open(encoding="utf-8", errors=_ERRORS) as handle:
            for line in handle:
                yield json.loads(line)

    def __len__(self) -> int:
        """How many records were added."""
        return self.count
