"""Exceptions raised by supportgraph, each saying what arrived and what to do.

SupportGraphError
├── IntakeError            a ticket (or the file holding it) is not valid input
│   └── TicketFileError    the whole file cannot be read (not JSON, not a list)
├── ConfigurationError     a setting, policy file or URL is unusable
│   └── KBError            a KB article, folder or index is unusable (names the file)
├── ReviewError            a review decision does not fit the ticket's state
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


class ReviewError(SupportGraphError):
    """A review action does not fit the ticket (unknown, finished, not waiting)."""


class RoutingError(SupportGraphError):
    """The supervisor could not route the ticket (hop limit reached)."""


class KBError(ConfigurationError):
    """A knowledge-base file or index is unusable; the message names the file."""
