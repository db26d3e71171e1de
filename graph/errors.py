"""Exceptions raised by supportgraph, each saying what arrived and what to do.

SupportGraphError
├── IntakeError            a ticket (or the file holding it) is not valid input
│   └── TicketFileError    the whole file cannot be read (not JSON, not a list)
├── ConfigurationError     a setting, policy file or URL is unusable
│   ├── ModelFileError     a saved triage model cannot be loaded (missing, other sklearn)
│   └── KBError            a KB article, folder or index is unusable (names the file)
├── StoreError             the checkpoint store failed mid-run (database down, disk read-only)
├── TrainingDataError      a labelled file cannot train or evaluate a model
├── ReviewError            a review decision does not fit the ticket's state
├── TicketBusyError        another process holds the ticket's lease
├── HistoryError           a history, replay or prune request does not fit the store
├── ReportError            a report folder cannot be read or rewritten (names the file)
└── RoutingError           the graph exceeded its hop limit or reached a dead end
"""

from __future__ import annotations


class SupportGraphError(Exception):
    """Base class for every error supportgraph raises on purpose."""


class IntakeError(SupportGraphError):
    """A ticket failed validation; names the ticket and the field."""

    def __init__(self, ticket_id: str, field: str, problem: str) -> None:
        self.ticket_id = ticket_id
        self.field = field
        self.problem = problem
        super().__init__(f"ticket {ticket_id}: field {field!r}: {problem}")


class TicketFileError(IntakeError):
    """The input file as a whole is unreadable, so no ticket in it can be taken."""

    def __init__(self, path: str, problem: str) -> None:
        super().__init__(ticket_id="<file>", field="<file>", problem=problem)
        self.path = path
        self.args = (f"{path}: {problem}",)

    def __str__(self) -> str:
        return str(self.args[0])


class ConfigurationError(SupportGraphError):
    """A setting, URL or policy file is missing or malformed."""


class StoreError(SupportGraphError):
    """The checkpoint store could not be read or written; names the store and what to do."""


class ModelFileError(ConfigurationError):
    """A saved triage model folder is missing, incomplete or from another scikit-learn."""


class TrainingDataError(SupportGraphError):
    """A labelled ticket file is unreadable or unfit for training; names file, column, row."""

    def __init__(self, path: str, problem: str) -> None:
        self.path = path
        self.problem = problem
        super().__init__(f"{path}: {problem}")


class ReviewError(SupportGraphError):
    """A review action does not fit the ticket (unknown, finished, not waiting)."""


class HistoryError(SupportGraphError):
    """A history, replay or prune request names no known ticket or checkpoint."""


class ReportError(SupportGraphError):
    """A report folder's tickets.jsonl or run.json cannot be read, or the folder written."""


class RoutingError(SupportGraphError):
    """The supervisor could not route the ticket (hop limit reached)."""


class TicketBusyError(SupportGraphError):
    """Another process is processing the ticket; wait, or take over once it is gone."""


class KBError(ConfigurationError):
    """A knowledge-base file or index is unusable; the message names the file."""
