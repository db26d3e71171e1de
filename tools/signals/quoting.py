"""Cut the quoted history off an email reply, so a ticket is judged on what it says now.

An auto-reply that quotes last week's incident report is not an incident; a "thanks,
fixed!" above a quoted outage is praise. Reply headers in English, German, Spanish and
French ("On … wrote:", "Am … schrieb …:", "El … escribió:", "Le … a écrit :", Outlook's
"From: … Sent:" block, "-----Original Message-----") and ``>``-quoted lines end the new
part. A forward keeps everything, its quote marks removed: the forwarded message is the
content. A forward is next to nothing above the header, or a cover note that says it
passes the thread on ("see below", "FYI", "escalating the below", "les reenvío el hilo", "siehe unten", "je vous
transfère l'échange ci-dessous") however long its signature and footer are, or a message
whose subject says it is one ("Fwd:", "FW:", German "WG:", French "TR:", Spanish "RV:"):
"anbei die Meldung unseres Werksleiters" above a forwarded outage report passes the report
on without saying "forward".
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
_QUOTE_MARK = re.compile(r"^[ \t]*(?:>[ \t]?)+", re.MULTILINE)
MIN_NEW_TEXT = 40  # shorter than this above the header: a forward, keep the history
# A cover note that hands the thread below on, in the four languages.
_PASSED_ON = re.compile(
    r"\b(?:fwd?|wg|tr|rv)\s*:|(?<!look )(?<!looks )(?<!looking )\bforward(?:ing|ed)?\b"
    r"|\bsee (?:the )?(?:[\w'’]+ ){0,2}(?:thread|e-?mails?|messages?|mails?|notes?|conversation|chain"
    r"|exchange|request)\b[^.\n]{0,20}\bbelow\b"
    r"|\bsee below\b|\bbelow (?:is|are|you'll find|you will find)\b|\bfyi\b|\bpassing (?:this|it) on\b"
    # "Escalating the below from our service desk", "flagging the report below"
    r"|\b(?:escalat|flag|rais|shar|pass|send)\w* (?:you |on )?(?:the|this) (?:[\w'’]+ ){0,2}?below\b"
    r"|\breenv[ií]\w*|\bver (?:el )?(?:\w+ )?(?:abajo|debajo)\b|\b(?:a )?continuaci[oó]n (?:el|os|les|te)\b"
    r"|\bweitergeleitet|\bleite\w* (?:ich )?(?:ihnen |euch |dir )?(?:\w+ ){0,3}weiter\b|\bsiehe unten\b"
    r"|\b(?:nachricht|mail|e-mail|verlauf|thread) (?:von \w+ )?unten\b"
    r"|\btransf[eèé]r(?:e|es|ons|ez|er|é|ée|és)\b|\bci-dessous\b|\bfais suivre\b|\bfaire suivre\b",
    re.IGNORECASE,
)
# A subject that starts (after an "[External]"-style tag) with a forward prefix; a reply
# to a forward ("Re: Fwd: …", "AW: WG: …") is a reply, judged on its new text.
_FORWARD_SUBJECT = re.compile(
    r"^\s*(?:\[[^\]\n]{1,30}\]\s*)?(?:fwd?|wg|tr|rv|enc)\s*:", re.IGNORECASE
)


def new_text(message: str, subject: str = "") -> str:
    """The part of ``message`` the sender wrote now, without the quoted history.

    A forward (little above the header, a note passing the thread on, or a subject that
    says so) is returned whole, quote marks removed.
    """
    match = _HEADER.search(message)
    head = message[: match.start()] if match else message
    head = _QUOTED_LINE.sub("", head).strip()
    if head == message.strip():
        return head  # nothing quoted
    if len(head) < MIN_NEW_TEXT or _PASSED_ON.search(head) or _FORWARD_SUBJECT.search(subject):
        return _QUOTE_MARK.sub("", message)
    return head
