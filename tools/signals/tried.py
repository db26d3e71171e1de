"""The help article already tried: "I've followed the bulk export article", "no, I followed it".

A customer who writes that they went through the article's steps and the problem is still
there has been sent (or found) what the knowledge base says. Sending the same steps again
is the reply a support lead would never send: the ticket goes to the team that owns it,
and the acknowledgement says why (graph/routing.py, ``article_tried``). Read here, by the
same deterministic check for every engine, in English, German, Spanish and French.

"I followed the article and it worked, thanks" tried it too, and is settled: a line that
goes on to say it worked is not read.
"""

from __future__ import annotations

import re

from supportgraph.tools.signals.normalize import fold, quote

# What the knowledge base gives, as customers name it.
_HELP_EN = (
    r"(?:(?:help|kb|support|knowledge ?base|troubleshooting|setup|set-up) )?(?:articles?|guides?"
    r"|steps|instructions|docs|documentation|troubleshooting|checklist|walkthrough)"
)
_TRIED = re.compile(
    # English: "I've followed the bulk export article", "we went through your SSO guide",
    # "no, I followed it" (after the bot linked the article)
    r"\b(?:i|we|i'?ve|we'?ve|i have|we have|i had|we had)(?: already| also| even| both)?"
    r" (?:followed|tried|gone through|went through|worked through|done|did|applied|used)"
    rf" (?:all |every |each )?(?:of )?(?:the |your |this |that |those |these )?(?:[\w'-]+ ){{0,3}}?{_HELP_EN}\b"
    r"|\bno,? (?:i|we) (?:already )?(?:followed|tried|did) (?:it|that|them|those|this)\b"
    rf"|\b(?:the |that |this |your )?(?:[\w'-]+ ){{0,3}}?{_HELP_EN} (?:didn'?t|did not|doesn'?t|does not"
    r"|won'?t|hasn'?t|has not|haven'?t|have not) (?:\w+ )?(?:help|work|fix|solve|change)\w*"
    # German: "die Anleitung habe ich schon befolgt", "der Hilfeartikel hat nichts gebracht"
    r"|\b(?:habe|haben|hab)(?: ich| wir)? (?:\w+ ){0,3}?(?:anleitung|artikel|hilfeartikel|schritte"
    r"|dokumentation|doku)\w* (?:\w+ ){0,3}?(?:befolgt|durchgearbeitet|durchgegangen|ausprobiert"
    r"|abgearbeitet|umgesetzt)"
    r"|\b(?:anleitung|artikel|hilfeartikel|schritte|dokumentation|doku)\w* (?:\w+ ){0,3}?(?:habe|haben"
    r"|hab)(?: ich| wir)? (?:\w+ ){0,2}?(?:befolgt|durchgearbeitet|durchgegangen|ausprobiert"
    r"|abgearbeitet|umgesetzt)"
    r"|\b(?:anleitung|artikel|hilfeartikel|schritte|dokumentation)\w* (?:\w+ ){0,3}?(?:hat|haben)"
    r" (?:\w+ ){0,2}?(?:nicht geholfen|nichts gebracht|nichts geandert)"
    # Spanish: "ya seguí los pasos del artículo", "el artículo no ha servido"
    r"|\b(?:segui|seguimos|he seguido|hemos seguido|probe|probamos|he probado|hemos probado"
    r"|hice|hicimos|he hecho|hemos hecho)(?: ya)? (?:\w+ ){0,4}?(?:articulo|guia|pasos|instrucciones"
    r"|documentacion)\b"
    r"|\b(?:articulo|guia|pasos|instrucciones)\b[^.?!\n]{0,40}?\bno (?:nos |me )?(?:ha |han )?"
    r"(?:servido|ayudado|funcionado|resuelto|solucionado)"
    # French: "j'ai suivi l'article", "l'article sur les tableaux lents n'a rien donné"
    r"|\b(?:j'ai|nous avons|on a)(?: deja| bien)? (?:suivi|essaye|applique|fait|teste)"
    r" (?:\w+ |\w+'){0,3}?(?:article|guide|etapes|instructions|procedure|documentation)\b"
    r"|\b(?:article|guide|etapes|instructions|procedure)\b[^.?!\n]{0,60}?\b(?:n'a|n'ont)"
    r" (?:rien donne|pas aide|pas marche|pas fonctionne|rien change|pas suffi)"
)
# "… and it worked", "… which fixed it": tried, and settled.
_WORKED = re.compile(
    r"^[^.?!\n]{0,40}?\b(?:and|which|that|it|und|y|et)\b[^.?!\n]{0,20}?\b(?:worked|works|fixed|solved"
    r"|sorted|helped|did the trick|hat geklappt|hat funktioniert|funciono|funciona|a marche"
    r"|a fonctionne|fonctionne)\b"
)


def article_tried(text: str) -> str:
    """The words saying the help article was tried without success, in context; "" when none."""
    folded = fold(text)
    for match in _TRIED.finditer(folded):
        if _WORKED.search(folded[match.end() :]):
            continue
        return quote(text, folded, match.start(), match.end())
    return ""
