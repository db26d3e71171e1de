"""A question about what would happen, not a report of what happened.

"What is your process if you suspect one of our accounts is compromised?", "Do you
notify us if a key leaks?", "¿Qué pasa si se borra un panel?": a security questionnaire
or a policy question names the incident it asks about. Read alone, such a passage reads
like the incident itself. A question that asks about a process, a policy or a
consequence under a condition is recognised here so that it cannot raise a ticket on
its own. A condition that reports an observation ("if I open the link in a private
window I see all our revenue?") is not one of these: it names no process, policy or
consequence, and stays.
"""

from __future__ import annotations

import re

from supportgraph.tools.signals.normalize import fold

_ASKS_ABOUT = re.compile(
    r"\b(?:what(?:'s| is| are| would be)? (?:your|the) (?:process|procedure|policy|protocol|sla"
    r"|approach|plan)|what (?:happens|would happen|do you do|will you do|would you do)"
    r"|how (?:do|would|will) you (?:handle|respond|react|notify|inform|deal)"
    r"|(?:do|would|will) you (?:notify|inform|alert|tell|contact|warn) (?:us|me|the customer)"
    r"|is there (?:a|an) (?:process|procedure|policy|protocol)"
    r"|wie (?:ist|sieht) (?:ihr|euer|der) (?:prozess|ablauf|vorgehen)|was passiert"
    r"|wie (?:gehen|reagieren) sie|(?:informieren|benachrichtigen) sie uns"
    r"|(?:cual|como) es (?:vuestro|su|el) (?:proceso|procedimiento|protocolo)|que (?:pasa|ocurre|sucede)"
    r"|(?:nos )?(?:avisais|avisan|notificais|notifican|informais|informan)"
    r"|quel(?:le)? est (?:votre|la) (?:procedure|processus|politique|protocole)"
    r"|que se passe-t-il|(?:nous )?(?:previenez|prevenez|informez|notifiez)-vous)\b"
)
_CONDITION = re.compile(
    r"\b(?:if|in case|in the event|should (?:a|an|one|any|we|our)|wenn|falls|im fall"
    r"|si|en caso|au cas|en cas)\b"
)


def asks_what_if(text: str) -> bool:
    """True when ``text`` asks about a process, policy or consequence under a condition."""
    folded = fold(text)
    return "?" in folded and bool(_ASKS_ABOUT.search(folded)) and bool(_CONDITION.search(folded))
