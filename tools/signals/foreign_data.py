"""Another customer's data shown to this one: a privacy incident on our side.

"The PDF attached to your last email isn't ours", "I can see another company's
dashboards in my switcher", "aparece el panel de otra empresa", "ce rapport n'est pas le
nôtre", "fremde Kundendaten in unserem Export": the writer sees, receives or opens data
that belongs to someone else. Support leads read that as a cross-customer exposure,
Critical and Security's, however calmly or politely it is told (a P.S. in a PO-number
thread, "kinda funny"). The learned heads read such a line as the thread's topic
(billing, a how-to) when it sits in a long friendly message, so it is read here, by the
same deterministic check for every engine, as ``disowned.py`` reads a possible takeover.

Measured on the labelled sets of 2026-12-03 (each ticket's ``content_text``): in the
tuning set all 33 tickets with such a line are Critical incidents that need a person, in
the look-alikes 9 of 10 (the tenth says it was a misunderstanding, which ``settled.py``
reads first), in the evaluation set 193 of 193. Asking *for* another customer's data is a
request instead (``intents.py``, ``other_customer_data``): a person decides, but nothing
was exposed, so only words of seeing or receiving it count here ("a workspace belonging
to a different customer" in an agent's question is not one).
"""

from __future__ import annotations

import re

from supportgraph.tools.signals.normalize import fold, quote

_NAME = r"(?:[\"“„«‘'][^\"”“»’'\n]{1,40}[\"”“»’'])"  # a name in quotes, as intents.py reads it

# "another company", "a different client", "other customers" (not "our other clients")
_OTHER = (
    r"(?:another|a different|some other|(?<!our )(?<!my )other|someone else'?s?|somebody else'?s?)"
)
_ORG = (
    r"(?:compan(?:y|ies)|customers?|clients?|business(?:es)?|firms?|organi[sz]ations?|tenants?"
    r"|accounts?|schools?|practices?|agenc(?:y|ies)|stores?|shops?|brands?)"
)
_THING = (
    r"(?:data|invoices?|records?|dashboards?|workspaces?|reports?|files?|details|information"
    r"|info|orders?|customers?|users?|contacts?|names?|emails?|patients?|students?|employees?"
    r"|payroll|figures|numbers|charts?|pdf|exports?)"
)
# seeing, receiving or opening it: not asking for it
_SHOWN = (
    r"(?:see|seeing|saw|seen|sees|shows?|showing|showed|shown|displays?|displaying|displayed"
    r"|received|receive|receiving|got|getting|ended up (?:in|on|with)|appears?|appearing"
    r"|appeared|visible|pops? up|popped up|listed|lists|came|comes|sent us|sent me|attached"
    r"|contains?|contained|includes?|included|opened|downloaded|pulled)"
)
_FOREIGN = re.compile(
    # English
    r"\b(?:is|are|was|were)(?:n'?t| not) ours\b"
    rf"|\b(?:is|are|was|were)(?:n'?t| not) (?:our|my) (?:own )?{_THING}\b"
    rf"|\b{_SHOWN} (?:\w+ ){{0,8}}?(?:belong(?:s|ing)? to|from|of|for) (?:an? )?{_OTHER} {_ORG}\b"
    rf"|\b{_SHOWN} (?:\w+ ){{0,8}}?{_OTHER} {_ORG}'?s? {_THING}\b"
    # a workspace of someone else's, by its name: "she landed in a workspace called 'Peachtree
    # Dental'", "logged me into a workspace called …" (not "the workspace": one's own)
    rf"|\b(?:landed|landing|ended up|end up|found (?:myself|herself|himself|themselves|ourselves)"
    rf"|dropped|logged|taken|put) (?:\w+ ){{0,3}}?in(?:to|side)? (?:a |another |somebody else's"
    rf" |someone else's )(?:workspace|account|tenant|org|organi[sz]ation|dashboard)"
    rf" (?:called|named|for|of) {_NAME}"
    r"|\bin (?:einem|einen) (?:fremden )?(?:workspace|arbeitsbereich|konto) (?:namens|mit dem namen)"
    rf" {_NAME}"
    rf"|\ben un (?:espacio de trabajo|workspace|panel|cuenta) (?:llamad[oa]|que se llama) {_NAME}"
    rf"|\bdans un (?:espace de travail|workspace|compte) (?:appele|nomme|qui s'appelle) {_NAME}"
    # German
    r"|\b(?:gehort|gehoren) (?:\w+ ){0,2}(?:nicht (?:uns|zu uns)|(?:zu )?(?:einer|einem|einen)"
    r" (?:anderen|fremden))"
    r"|\bnicht unsere? (?:eigene[n]? )?(?:rechnung|daten|dashboards?|kunden|datei|bericht|workspace)"
    r"|\b(?:daten|rechnung\w*|dashboards?|workspace|kunden\w*|bericht\w*|dateien?|namen)"
    r" (?:\w+ ){0,2}(?:einer|eines|von einer|von einem) (?:anderen|fremden)"
    r" (?:firma|kunden|unternehmens?|mandanten|praxis|schule)"
    r"|\bfremde[nrs]? (?:kunden)?(?:daten|rechnung|dashboards?|workspace|kunden)"
    # Spanish
    # "no son nuestras.", "no es nuestra factura"; not "no es nuestro proxy" (a cause ruled out)
    r"|\bno (?:es|son|era|eran) (?:nuestr[oa]s?|mi[oa]s?)(?=[^\w ]|$| (?:datos|facturas?|informes?"
    r"|panel|paneles|pedidos|clientes|archivos?|registros?|dashboards?)\b)"
    r"|\b(?:veo|vemos|aparece\w*|recib\w*|sale|salen|muestra\w*|vimos|vi) (?:\w+ ){0,8}?"
    r"(?:de|a) (?:otra|otro|otras|otros) (?:empresa|cliente|compania|negocio|clinica|escuela"
    r"|tienda)s?\b"
    # French
    # "ce rapport n'est pas le nôtre", "ce ne sont pas nos clients"; not "ce n'est pas notre faute"
    r"|\b(?:n'est|ne sont|n'etait|n'etaient) pas (?:a nous|la notre|le notre|les notres|a moi"
    r"|(?:notre|nos) (?:factures?|rapports?|donnees|tableaux?|clients|fichiers?|exports?|espaces?))\b"
    r"|\b(?:je vois|nous voyons|on voit|apparai\w*|affich\w*|recu|recue|recus|voit)"
    r" (?:\w+ |\w+'){0,8}?(?:d'une autre|d'un autre|d'autres) (?:entreprise|societe|client"
    r"|boite|cabinet|ecole|magasin)s?\b"
)


# A workspace by its name in the customer's own list, which they disown: "why do I have a
# workspace called 'Northwind Pharma' in my switcher?" … "never heard of them".
_NAMED_THERE = re.compile(
    r"\b(?:have|has|see|seeing|saw|got|there'?s|there is|shows?|showing|appeared|appears)"
    rf" (?:\w+ ){{0,2}}?(?:a|an|another|this) (?:new )?(?:workspace|account|tenant|org|organi[sz]ation)"
    rf" (?:called|named) {_NAME}"
)
_DISOWNED_NAME = re.compile(
    r"\b(?:never heard of (?:them|it|this|that|the company|this company|that company)"
    r"|(?:don'?t|do not|doesn'?t) know (?:them|who (?:they|that) (?:are|is))|no idea who (?:they|that) (?:are|is)"
    r"|not (?:a )?(?:partner|client|customer|sponsor) of ours)\b"
)


def foreign_data(text: str) -> str:
    """The words telling of another customer's data shown here, in context; "" when none."""
    folded = fold(text)
    match = _FOREIGN.search(folded)
    if match is None:
        match = _NAMED_THERE.search(folded)
        if match is None or not _DISOWNED_NAME.search(folded, match.end()):
            return ""
    return quote(text, folded, match.start(), match.end())
