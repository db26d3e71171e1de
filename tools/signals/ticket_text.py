"""The words of a ticket that the judgement and the nodes read: new text, no steering.

Kept apart from tools/triage/judgement.py (numpy and the model) so that the nodes, the routing
policy and the command line can read a ticket's text without loading the model stack.
"""

from __future__ import annotations

from functools import lru_cache

from supportgraph.graph.models import Ticket
from supportgraph.tools.signals.quoting import new_text
from supportgraph.tools.signals.steering import Judged, text_to_judge


def judged_text(ticket: Ticket) -> Judged:
    """Subject and new message text, without quoted history, steering or shouting."""
    return _judged(ticket.subject, ticket.message)


@lru_cache(maxsize=256)
def _judged(subject: str, message: str) -> Judged:
    return text_to_judge(f"{subject}\n{new_text(message)}")


def content_text(ticket: Ticket) -> str:
    """What the ticket says, as written, without quoted history or steering clauses.

    Every node that reads the ticket's words (knowledge search, entities, the success
    node's cues) reads this, so a "do not escalate" line changes nothing anywhere.
    """
    return judged_text(ticket).kept
