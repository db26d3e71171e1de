"""Cut the quoted history off an email reply, so a ticket is judged on what it says now.

An auto-reply that quotes last week's incident report is not an incident; a "thanks,
fixed!" above a quoted outage is praise. Reply headers in English, German, Spanish and
French ("On … wrote:", "Am … schrieb …:", "El … escribió:", "Le … a écrit :", Outlook's
"From: … Sent:" block, "-----Original Message-----") and ``>``-quoted lines end the new
part. A forward with next to nothing above its header keeps everything: the forwarded
message is the content.
"""

from __future__ import annotations

import re

_HEADER = re.compile(
    r"^\s*(?:"
    r"on .{3,120}(?:wrote|writes)\s*:"
    r"|am .{3,120}schrieb.{0,80}:"
    r"|el .{3,120}escribi[oó]\s*:"
    r"|le .{3,120}a [ée]crit\s*:"
    r"|-{2,}\s*(?:original message|urspr[üu]ngliche nachricht|mensaje original|message d'origine)\s*-{2,}"
    r"|(?:from|von|de)\s*:.{1,200}\n\s*(?:sent|gesendet|enviado|envoy[ée])\s*:"
    r")",
    re.IGNORECASE | re.MULTILINE,
)
_QUOTED_LINE = re.compile(r"^\s*>.*$\n?", re.MULTILINE)
MIN_NEW_TEXT = 40  # shorter than this above the header: a forward, keep the history


def new_text(message: str) -> str:
    """The part of ``message`` the sender wrote now, without the quoted history."""
    match = _HEADER.search(message)
    head = message[: match.start()] if match else message
    head = _QUOTED_LINE.sub("", head).strip()
    if len(head) < MIN_NEW_TEXT:
        return message
    return head
