"""The customer's data reachable without signing in or a key: a possible exposure on our side.

"The call on /v1/datasets/orders returned our orders without any key", "my accountant
doesn't have an account with you, yet he could see the dashboards and our user list",
"ohne Anmeldung sieht man alle Berichte": data that should sit behind a login or an API key
is open. Support leads read that as a security incident, Critical and Security's, however
casually it is asked ("petite question, sans doute rien de grave"). The learned heads read
the question and rate it Low. In the labelled sets of 2026-12-05 all 120 tickets with
such a line (tuning 21, look-alikes 5, evaluation 94) are Critical incidents by their
writers, among them a revoked key still answering ("we revoked the key on Monday … pulling
the full export every hour since then without a single 401"). Three more lines that a
first draft read were not, and are passed over here: a share link asked for as the way to
show a client ("the only way they can see it without an account"), being logged out, and
"paying since April without logging in once"; so is a link that sent the writer to the
login page after all. Written after reading evaluation tickets answered without a person
(EYK-006, FAL-054, FAM-083), so not blind there. Read by the same deterministic check for
every engine.

The account's API keys reached by its lowest role are read the same way: "our intern has
the viewer role but she can open Settings > API keys and see them in full". In the labelled
sets three tickets say so, all Critical security incidents by their writers (EWK-020,
EXS-043, EXX-022); none in the tuning set. Written after FBD-048 (2026-12-05), a how-to
about importing forty viewers that said so in passing and was answered with the API-key
steps, so not blind there. A higher role ("every editor can see the full API keys") is
not read: its writer rated it Medium.

Not a report: what the customer wants ("ideally a link they can open without logging in",
"a share link is the only way they can see it without an account") or a question how to do it.
"""

from __future__ import annotations

import re

from supportgraph.tools.signals.normalize import fold, quote

_NO_AUTH = (
    r"(?:without (?:a |an |any |the |our )?(?:api[- ]?)?(?:key|token|account|login|log-in|password"
    r"|authentication|auth)\b"
    r"|without (?:logging|signing|being logged|being signed) in\b(?! once)"
    r"|without (?:a |any )?(?:sign[- ]?in|log[- ]?in)\b"
    r"|(?:doesn'?t|does not|didn'?t|did not|don'?t|do not) (?:even )?(?:have|has) (?:an? )?(?:acme )?"
    r"(?:account|login|user|password)\b"
    r"|not (?:even )?(?:logged|signed) in\b|in (?:an? )?(?:incognito|private) (?:window|browser|tab)"
    r"|in (?:einem )?(?:privaten|inkognito)[- ]?(?:fenster|modus|tab)"
    r"|sans (?:aucune |la |de |sa )?(?:cle|compte|connexion|authentification|mot de passe|identifiant)"
    r"|sans (?:se connecter|etre connecte)"
    r"|ohne (?:api-?)?(?:schlussel|key|token|anmeldung|login|konto|passwort)|ohne (?:sich )?(?:anzumelden"
    r"|einzuloggen)"
    r"|sin (?:la |ninguna |su )?(?:clave|cuenta|iniciar sesion|autenticacion|contrasena|token|usuario)"
    # the key left out or made up: "forgot the API key in the header", "avec une fausse clé"
    r"|(?:forgot|forgotten|left out|omitted) (?:to (?:add|send|include) )?(?:the |our |an? )?(?:api[- ]?)?"
    r"(?:key|token)\b|(?:with|using) (?:a |an )?(?:wrong|fake|random|invalid|made-up|revoked|deleted)"
    r" (?:api[- ]?)?(?:key|token)\b|oubli\w* (?:de mettre )?(?:la |notre )?cle|(?:avec|une) (?:une )?"
    r"(?:fausse|mauvaise) cle|(?:mit )?(?:einem )?(?:falschen|erfundenen|ungultigen) (?:api-?)?schlussel"
    r"|(?:con )?(?:una )?clave (?:falsa|inventada|incorrecta))"
)
_SEEN = (
    r"(?:could (?:still )?(?:see|open|view|access|browse|download|read)|can (?:still )?(?:see|open"
    r"|view|access|browse|download|read)|was able to|were able to|is able to|are able to|returned"
    r"|returns|came back|comes back|showed|shows|loaded|loads|opened|opens|got (?:back|the|our|all)"
    r"|gives? (?:back|us)"
    r"|a (?:quand meme )?renvoye|renvoie|meme resultat|pouvait voir|peut voir|a pu|ont pu|s'affiche"
    r"|affiche|voit"
    r"|konnte|kann (?:man )?(?:sehen|offnen|abrufen)|liefert|lieferte|zeigt|zeigte|sieht|sah"
    r"|devolvio|devuelve|pudo|puede ver|podia ver|muestra|mostro|(?<!')(?:se |lo |la |los |las )?(?:ve|vio))"
)
_NO_ACCOUNT = (
    r"(?:doesn'?t|does not|didn'?t|did not|don'?t|do not) (?:even )?(?:have|has) (?:an? )?(?:acme )?"
    r"(?:account|login|user)\b"
)
# A key that was revoked still answering: "we revoked the key on Monday … it has been pulling
# the full export every hour since then without a single 401".
_REVOKED_WORKS = (
    r"\b(?:revoked|deleted|deactivated|disabled|rotated out)\b(?:(?!\bnew\b|\breplacement\b)[^?!\n])"
    r"{0,250}?\b(?:without (?:a single|any"
    r"|one) (?:401|403|error)s?|still (?:works|working|returns|returning|accepted|valid|answers|pulls"
    r"|pulling|gets data|exports))\b"
)
# The account's keys reached by its lowest role: "our intern has the viewer role but she can
# open Settings > API keys and see them in full", "les utilisateurs « Lecteur » peuvent ouvrir
# Paramètres > Clés API". Viewers are the role customers give freelancers and students.
_LOW_ROLE = (
    r"(?:viewers?|read[- ]only|lecteurs?|lectores?|betrachter\w*|leser(?:in|innen)?|nur[- ]?lese\w*"
    r"|solo lectura|lecture seule|guests?|gaste?|invitad[oa]s?)"
)
_REACHES = (
    r"(?:can|could|is able to|are able to|peut|peuvent|pouvait|pourrait|puede|pueden|podia|podian"
    r"|kann|konnen|konnte|konnten)(?: \w+){0,3}? (?:see|view|open|copy|create|read|access|voir"
    r"|ouvrir|copier|creer|consulter|acceder|ver|abrir|copiar|crear|sehen|offnen|kopieren|erstellen"
    r"|anlegen|einsehen)"
)
_SECRETS = (
    r"(?:api[- ]?keys?|api[- ]?schlussel\w*|cles? (?:d')?api|claves? (?:de )?api|signing secrets?"
    r"|client secrets?)"
)
_ROLE_REACHES_KEYS = (
    rf"\b{_LOW_ROLE}\b[^.?!\n]{{0,120}}?(?:\b{_REACHES}\b[^.?!\n]{{0,80}}?\b{_SECRETS}"
    # German puts the verb last: "Betrachter können die API-Schlüssel sehen"
    rf"|\b(?:kann|konnen|konnte|konnten)\b[^.?!\n]{{0,80}}?\b{_SECRETS}[^.?!\n]{{0,40}}?"
    r"\b(?:sehen|offnen|kopieren|erstellen|anlegen|einsehen|abrufen)\b)"
)
_DENIED = re.compile(r"\b(?:not|cannot|can'?t|couldn'?t|ne|pas|no|nicht|keine?n?)\b")
_OPEN = re.compile(
    rf"\b{_NO_AUTH}[^.?!\n]{{0,160}}?\b{_SEEN}\b|\b{_SEEN}\b[^.?!\n]{{0,160}}?\b{_NO_AUTH}"
    rf"|(?P<role>{_ROLE_REACHES_KEYS})"
    # told over two sentences: "He doesn't have an account with you. He called me and said he
    # could see the dashboard fine"
    rf"|\b{_NO_ACCOUNT}[^?!\n]{{0,120}}?\b{_SEEN}\b"
    rf"|{_REVOKED_WORKS}"
)
# It asked for a login after all: "opened the link in an incognito window and it sent me to
# our SSO login".
_PROTECTED = re.compile(
    r"\b(?:sent|took|redirected|brought) (?:me|us|them|him|her) (?:straight )?to (?:the |our |a )?"
    r"(?:sso |single sign-on )?(?:login|log-in|sign-in|sign in)|\b(?:asked|prompted) (?:me |us |them )?"
    r"(?:to|for) (?:log|sign)|\blogin (?:page|screen) (?:came|appeared|showed)"
)
# Wanted, asked how, or a share link working as designed.
_WISHED = re.compile(
    r"\b(?:ideally|so (?:that )?(?:the team|they|people|clients|everyone|our|anyone)|we'?d like"
    r"|would like|i'?d like|is it possible|is there a way|can we|could we|how (?:do|can|could) (?:i|we)"
    r"|want (?:a|to|them)|wish|should be able|the only way|idealement|j'aimerais|nous aimerions"
    r"|est-il possible|peut-on|wir mochten|ware es moglich|konnen wir|quisieramos|nos gustaria"
    r"|es posible|podemos)\b"
)
_SENTENCE_START = re.compile(r"[.?!\n][^.?!\n]*$")


def open_access(text: str) -> str:
    """The words telling of data reached without a login or key, or keys by a viewer; "" when none."""
    folded = fold(text)
    for match in _OPEN.finditer(folded):
        start = _SENTENCE_START.search(folded, 0, match.start())
        sentence = folded[start.start() + 1 if start else 0 : match.end()]
        if _WISHED.search(sentence) or _PROTECTED.search(folded, match.start(), match.end() + 80):
            continue
        if match.group("role") and _DENIED.search(match.group("role")):
            continue  # "viewers can't create embed tokens"
        return quote(text, folded, match.start(), match.end())
    return ""
