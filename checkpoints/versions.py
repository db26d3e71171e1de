"""Channel version ids a third as long as LangGraph's, still ordered after older ones."""

from __future__ import annotations

import secrets

DIGITS = 6
"""Zero-padded width of the step counter: LangGraph's own ids pad to 32."""

RANDOM_BYTES = 8
"""Random bytes in each id's tail: 64 bits, written as 11 URL-safe base64 characters."""


def next_version(current: str | int | None) -> str:
    """The version after ``current``: ``000012.Xk3w_9aQb1E``.

    LangGraph's SQLite and PostgreSQL savers write ``{n:032}.{random float}``, 51
    characters that every checkpoint repeats for each channel and each node that saw
    it: most of a PostgreSQL checkpoint row. Six digits keep string order (a thread
    takes a few dozen steps). The random tail keeps versions unique across forks, as
    the blob tables keyed by version need (PostgreSQL's, and ours in SQLite): 64 bits,
    so two branches of one thread never draw the same id (ids of the first compact
    format carry 32 bits as 8 hex digits and still read). Only the counter orders
    versions; an id in LangGraph's format has at least 26 leading zeros, so every new
    id sorts after it and old threads resume correctly.
    """
    if current is None:
        number = 0
    elif isinstance(current, int):
        number = current
    else:
        number = int(current.split(".")[0])
    return f"{number + 1:0{DIGITS}d}.{secrets.token_urlsafe(RANDOM_BYTES)}"


class CompactVersions:
    """Mixin for a checkpoint saver: issue :func:`next_version` ids."""

    def get_next_version(self, current: str | None, channel: None) -> str:
        """The next version id for a channel (see :func:`next_version`)."""
        return next_version(current)
