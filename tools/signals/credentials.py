"""A live credential written out in the ticket: a key, a token or a password, in full.

"Here's the key we're using so you can check it: ak_live_7f3c9e21…", "entra tú
directamente: usuario integracion@…, contraseña Cordillera#2024!": the customer pastes a
secret into a chat or an email so support can look. Support leads read that as a leaked
credential (the rubric's security incident): it now sits in the support desk's logs and
mail, whoever else can read them, and a person must tell the customer to rotate it
before any automatic answer about the 401 goes out. The learned heads read such a ticket
as the how-to it began with, so it is read here, by the same deterministic check for
every engine, as ``foreign_data.py`` reads a cross-customer exposure.

A secret counts only when it is written out: a shortened one ("ak_live_3f9e…c21", "the
key starting sk_live") names a key without giving it away, and a placeholder
("password: ********", "sk_live_xxxxxxxxxxxxxxxx") gives nothing. Found with the
redaction finders (``tools/safety/redaction.py``), so what is masked before storing and
what is escalated are the same secrets. The evidence kept is the words before the secret,
never the secret.

Measured on the labelled sets of 2026-12-04: the four tickets of the tuning batches TUX
and TUY (written that day, never trained on) with a key or password written out all need
a person, and two of them were answered automatically before this check; none of the
2,210 tuning tickets, the 382 look-alikes or the reply set has such a line.
"""

from __future__ import annotations

import re

from supportgraph.tools.safety.redaction import find_pii

SECRET_KINDS = ("PRIVATE_KEY", "API_KEY")
BEFORE = 30  # characters before the secret kept as evidence
_SHORTENED = ("…", "...", "xxx", "XXX", "***")
# Keys that open nothing: "Idempotency-Key: 3f1c…", "partition key: customer_id_…". A UUID is
# read as an identifier (a request, a job, a row), though masked all the same.
_NOT_A_CREDENTIAL = re.compile(
    r"(?i)\b(?:idempotency|partition|sort|primary|foreign|cache|dedup\w*|unique|composite|join"
    r"|row|routing)[ _-]?key\W*$"
)
_UUID = re.compile(r"[0-9a-fA-F]{8}(?:-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}")


def pasted_credential(text: str) -> str:
    """Where the first secret written out in ``text`` is: the words before it and its length.

    "" when there is none.
    """
    for found in find_pii(text, kinds=SECRET_KINDS):
        value = found.text
        after = text[found.end : found.end + 3]
        if (
            any(mark in value for mark in _SHORTENED)
            or after.startswith(("…", "..."))
            or not any(c.isdigit() for c in value)
            or len(set(value)) <= 4
            or _NOT_A_CREDENTIAL.search(text[max(0, found.start - 40) : found.start])
            or _UUID.fullmatch(value)
        ):
            continue
        start = max(0, found.start - BEFORE)
        words = text[start : found.start].split()
        lead = " ".join(words[1:] if start > 0 and len(words) > 1 else words)  # whole words
        return f"{'…' if start > 0 else ''}{lead} [a secret, {len(value)} characters]"
    return ""
