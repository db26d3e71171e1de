"""The words of a ticket that the judgement and the nodes read: new text, no steering.

Kept apart from tools/triage/judgement.py (numpy and the model) so that the nodes, the routing
policy and the command line can read a ticket's text without loading the model stack.
"""

from __future__ import annotations

import re
from functools import lru_cache

from supportgraph.graph.models import Ticket
from supportgraph.tools.signals.chat_log import without_bot_lines
from supportgraph.tools.signals.quoting import new_text
from supportgraph.tools.signals.steering import Judged, text_to_judge


def judged_text(ticket: Ticket) -> Judged:
    """Subject and new message text: no quoted history, no chat bot lines, no steering."""
    return _judged(ticket.subject, ticket.message)


@lru_cache(maxsize=256)
def _judged(subject: str, message: str) -> Judged:
    return text_to_judge(f"{subject}\n{without_bot_lines(new_text(message, subject))}")


def content_text(ticket: Ticket) -> str:
    """What the ticket says, as written, without quoted history or steering clauses.

    Every node that reads the ticket's words (knowledge search, entities, the success
    node's cues) reads this, so a "do not escalate" line changes nothing anywhere.
    """
    return judged_text(ticket).kept


PASSAGE_CHARS = 160  # a passage is a sentence or two: enough context, small enough to stand out


def passages(text: str, limit: int = PASSAGE_CHARS) -> tuple[str, ...]:
    """``text`` cut into consecutive passages of whole sentences, each under ``limit``.

    A serious line buried in a friendly message (a P.S. about another company's data,
    one line of a chat log) is diluted in the whole ticket's vector; judged on its own
    passage it reads as what it is. Lines and sentences are kept whole; a single
    sentence longer than ``limit`` is a passage of its own.
    """
    pieces: list[str] = []
    carried = ""  # "P.S.", "Re:", a greeting: too short to stand alone, joins what follows
    for piece in (p.strip() for p in _SENTENCE_END.split(text)):
        if not piece:
            continue
        piece = f"{carried} {piece}" if carried else piece
        carried = piece if len(piece) < _SHORTEST else ""
        if not carried:
            pieces.append(piece)
    if carried:
        pieces.append(carried)
    found: list[str] = []
    current = ""
    for piece in pieces:
        if current and len(current) + 1 + len(piece) > limit:
            found.append(current)
            current = piece
        else:
            current = f"{current} {piece}" if current else piece
    if current:
        found.append(current)
    return tuple(found)


_SHORTEST = 12
_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+|\n+")
