"""Strip the greeting, the thanks-for-writing opener and the sign-off from a reply.

A reply a reviewer writes ("Hi Olga, … Best regards, Dana") answers one customer; the
substance in the middle is what a KB article can reuse. English, German, Spanish and
French openers and closers are known; anything else is kept (a draft with a greeting
left in is better than one missing a step).
"""

from __future__ import annotations

import re

_GREETINGS = (
    # English
    r"hello|hi|hey|dear|good (?:morning|afternoon|evening)|greetings",
    # German
    r"hallo|guten (?:tag|morgen|abend)|sehr geehrte[rs]?|liebe[rs]?|servus|moin",
    # Spanish
    r"hola|estimad[oa]s?|buen[oa]s (?:días|dias|tardes|noches)|querid[oa]s?",
    # French
    r"bonjour|bonsoir|salut|cher|chère|chers|chères|madame|monsieur",
)
# A greeting opens the text: the word, an optional addressee (no sentence punctuation,
# at most a few words), then a comma, colon or exclamation mark, or the end of the line.
_TITLE = r"\b(?:mr|mrs|ms|dr|sr|sra|srta|hr|fr|mme|m)\."
_GREETING = re.compile(
    r"\A\s*(?:" + "|".join(_GREETINGS) + r")\b(?:" + _TITLE + r"|[^\n,:!.?]){0,60}"
    r"(?:[,:!]|\n|\Z)\s*",
    re.IGNORECASE,
)
_OPENERS = (
    r"thank you for (?:contacting|reaching out|your (?:message|email|patience|request))",
    r"thanks for (?:contacting|reaching out|your (?:message|email|patience))",
    r"(?:vielen )?dank(?:e)? für ihre (?:nachricht|anfrage|e-mail|geduld)",
    r"(?:muchas )?gracias por (?:contactarnos|escribirnos|su (?:mensaje|consulta|paciencia))",
    r"merci (?:de nous avoir contactée?s?|pour votre (?:message|demande|patience))",
)
# The opener sentence, up to its full stop or exclamation mark (or the line's end).
_OPENER = re.compile(r"\A\s*(?:" + "|".join(_OPENERS) + r")[^\n.!]*[.!]?\s*", re.IGNORECASE)
_CLOSERS = (
    # English
    r"(?:best|kind|warm|warmest|many)?\s*regards|best(?: wishes)?|all the best|cheers|"
    r"thanks|thank you|many thanks|(?:yours )?sincerely|yours truly",
    # German
    r"mit freundlichen grüßen|(?:freundliche|viele|beste|liebe|herzliche|schöne) grüße|"
    r"grüße|gruß|mfg|lg|vg",
    # Spanish
    r"(?:un )?(?:cordial )?saludos?(?: cordiales)?|atentamente|cordialmente|"
    r"(?:muchas )?gracias",
    # French
    r"(?:bien )?cordialement|bien à vous|(?:sincères |meilleures )?salutations|"
    r"merci(?: beaucoup)?|bonne journée|veuillez agréer\b.*",
)
# A whole line that is a sign-off, optionally followed by a comma and a name.
_CLOSER_LINE = re.compile(
    r"^\s*(?:" + "|".join(_CLOSERS) + r")\s*[,.!]?(?:\s+[^\s,.!?]+){0,3}\s*$",
    re.IGNORECASE,
)
# The same sign-off closing the last sentence of a one-line reply: "… done. Best, Dana".
_CLOSER_TAIL = re.compile(
    r"(?<=[.!?])\s+(?:" + "|".join(_CLOSERS) + r")\s*[,.!]?(?:\s+[^\s,.!?]+){0,3}\s*\Z",
    re.IGNORECASE,
)
_SIGNATURE_DASHES = re.compile(r"^--\s*$")
# How far from the end a sign-off is looked for: it, a name, a title, a company, a phone.
_SIGNATURE_LINES = 8


def strip_salutations(text: str) -> str:
    """``text`` without its greeting, thanks-for-writing opener and sign-off.

    The sign-off is the last line that is only a closing formula ("Best regards,",
    "Mit freundlichen Grüßen", "Un saludo", "Cordialement") or a ``--`` line; it and
    every line after it (names, team, phone) are dropped.
    """
    body = _GREETING.sub("", text, count=1)
    body = _GREETING.sub("", body, count=1)  # "Madame, Monsieur," is two
    body = _OPENER.sub("", body, count=1)
    lines = body.rstrip().split("\n")
    for index in range(len(lines) - 1, max(len(lines) - 1 - _SIGNATURE_LINES, -1), -1):
        if _CLOSER_LINE.match(lines[index]) or _SIGNATURE_DASHES.match(lines[index]):
            if index > 0 and any(line.strip() for line in lines[:index]):
                lines = lines[:index]
            break
    body = "\n".join(lines).strip()
    return _CLOSER_TAIL.sub("", body).strip()
