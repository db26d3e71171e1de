"""Requests that a person must approve or handle first, recognised in any supported language.

Money back, credits, chargebacks, cancellations, downgrades, deletions, GDPR requests,
legal threats, and requests for another customer's data or for secrets: the rubric
(../shared/TRIAGE_RUBRIC.md, "A human before anything is sent or done") says none of
these is answered or executed without a person. So is a request to be made the account's
owner: only the owner can hand ownership over, so whoever asks support for it is checked
by a person first. Each intent is a set of patterns per
language (English, German, Spanish, French, and the commonest Chinese words), matched
on the inspection copy of the text (tools/signals/normalize.py), so accents, zero-width
characters, look-alike letters and base64 do not hide a request.

The patterns describe the request in general terms (``money back``, ``reverse the
charge``, ``Vertrag kündigen``), not the phrasing of any sample ticket; the learned
triage signals back them up, and the policy sends a ticket to a person when either
one sees such a request. What only looks like a request is left out: a money word that
names a policy, declines the money or asks "what if we cancel?", the GDPR's name without
a right exercised under it, a password's reset link or rules, and anonymised benchmarks.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from supportgraph.tools.signals.normalize import Inspection, inspect, quote

Intent = Literal[
    "refund",
    "credit",
    "chargeback",
    "cancellation",
    "downgrade",
    "plan_change",
    "deletion",
    "gdpr",
    "legal_threat",
    "other_customer_data",
    "secrets_request",
    "ownership_claim",
]
MONEY_INTENTS: frozenset[Intent] = frozenset({"refund", "credit", "chargeback"})
ACCOUNT_INTENTS: frozenset[Intent] = frozenset(
    {"cancellation", "downgrade", "plan_change", "deletion", "ownership_claim"}
)

_MY = r"(?:my|our|the|this|that|these|those|all|your|his|her|their)"
# Not "your": "… will result in permanent deletion of your account" is a phishing threat.
_MY_OWN = r"(?:my|our|the|this|that|these|those|all|his|her|their)"
_DET_DE = r"(?:mein\w*|unser\w*|de[rnms]|die|das|dies\w*|alle\w*|ihr\w*|sein\w*)"
_DET_ES = (
    r"(?:mi|mis|nuestr[oa]s?|el|la|los|las|este|esta|estos|estas|todo|toda|todos|todas|su|sus)"
)
_DET_FR = r"(?:mon|ma|mes|notre|nos|le|la|les|l'|ce|cette|ces|tout|toute|tous|toutes|son|sa|ses|leur|leurs|du|de la|des)"
_CHARGE = r"(?:charges?|payments?|transactions?|debits?|invoices?|bills?|fees?|amounts?)"
_ACCOUNT = (
    r"(?:accounts?|workspaces?|organi[sz]ations?|tenants?|profiles?|subscriptions?|data|everything)"
)

# A name in quotes, as customers write a workspace's or a report's name: "Sandbox – 2023".
_NAME = r"(?:[\"“„«‘'][^\"”“»’'\n]{1,40}[\"”“»’'])"

# A secret's value, in each language: what support never reads out, pastes or sends.
_SECRET_EN = (
    r"(?:passwords?|passcodes?|api[ -]?keys?|(?:access|api|auth|bearer|refresh|personal) tokens?"
    r"|tokens?|credentials|login details|(?:client|webhook|signing|shared|app) secrets?"
    r"|secret keys?|private keys?|ssh keys?|(?:2fa|mfa|otp|one-time|recovery|backup) codes?)"
)
_SECRET_DE = (
    r"(?:passw(?:o|oe)rt\w*|kennw(?:o|oe)rt\w*|zugangsdaten|anmeldedaten|login-?daten"
    r"|api-?(?:schlussel|key|token)\w*|schlussel|token|secret|geheimnis"
    r"|(?:wiederherstellungs|backup|2fa)-?codes?)"
)
_SECRET_ES = (
    r"(?:contrasenas?|claves?(?: api| de (?:la )?api| secretas?| de acceso)?|credenciales"
    r"|api ?keys?|tokens?|secretos?(?: de (?:firma|los webhooks?|webhook))?"
    r"|codigos? de (?:acceso|verificacion|recuperacion|respaldo))"
)
_SECRET_FR = (
    r"(?:mots? de passe|cles?(?: api| d'api| secretes?| d'acces)?|identifiants|jetons?"
    r"|api ?keys?|tokens?|secrets?(?: de signature| du webhook| des webhooks)?"
    r"|codes? (?:d'acces|de recuperation|de verification|de secours))"
)
# Not the secret itself: a reset link, the rules a password must follow, a settings page,
# a limit or the documentation; such a word next to the secret's name makes it a how-to.
_ABOUT_A_SECRET = (
    r"(?:reset\w*|recovery|zurucksetz\w*|restablec\w*|reinitialis\w*|recuper\w*|policy|richtlinie\w*"
    r"|politica|politique|link|enlace|lien|requirements?|anforderung\w*|requisitos?|exigences?"
    r"|rules?|regeln?|reglas?|regles?|manager|field|feld|campo|champ|strength|starke|expir\w*"
    r"|change|anderung\w*|cambio|changement|rotation|page|seite|pagina|settings?|einstellung\w*"
    r"|ajustes?|parametres?|documentation|documentacion|dokumentation|doku|docs?|limits?"
    r"|limites?|usage|uso|count|anzahl|format|formato|length|lange|longitud|longueur)\b"
)
_NOT_A_SECRET = rf"(?! ?{_ABOUT_A_SECRET})"


_CORRECTED = (
    r"(?:(?:corrected|revised|amended|adjusted) invoices?|re-?issue[sd]? (?:the |our |an? |all |both"
    r" |these |those |\w+ )?(?:\w+ )?invoices?|invoices? (?:\w+ )?re-?issued|facture (?:rectificative"
    r"|corrigee|modifiee|rectifiee)|factura (?:rectificativa|corregida)|rechnungskorrektur"
    r"|(?:korrigierte|berichtigte) rechnung|rechnung (?:\w+ ){0,3}(?:korrigieren|neu ausstellen"
    r"|berichtigen))"
)
_CONTESTED = (
    r"(?:contract\w*|contrat\w*|vertrag\w*|contrato\w*|plafond|cap|capped|deckel\w*|tope|agreed"
    r"|convenu|vereinbart\w*|acordad\w*|overcharg\w*|over-?billed|too much|zu ?viel|trop per\w*"
    r"|trop factur\w*|cobrado de mas|increase|hausse|augmentation|erhohung|aumento|quoted|devis"
    r"|angebot\w*|presupuesto|wrong (?:amount|price|plan|tier)|falsche[nr]? (?:betrag|preis|tarif)"
    r"|mauvais (?:montant|prix|tarif)|importe (?:incorrecto|erroneo))\b"
)
_SAME_AMOUNT = r"\b(?:same amount|meme montant|gleiche[nm]? betrag|mismo importe)\b"


def _gap(words: int) -> str:
    """Up to ``words`` words between a request and the secret, none of them a how-to word."""
    return rf"(?:(?!{_ABOUT_A_SECRET})\w+ ){{0,{words}}}?"


# Asking support to hand a secret over: send / give / tell / paste it to me or us.
_HAND_OVER_EN = (
    r"\b(?:send|re-?send|give|tell|share|e-?mail|text|paste|post|forward|read out|read|dm|provide"
    r"|pass|hand over|hand|reveal|show|look up|retrieve|find|copy|write|remind) (?:me|us)"
    # the secrets often listed after a colon: "email me:\n- the current production API keys"
    r"(?::? ?\n?(?:\d[.)] |[-*•] )| )"
    rf"{_gap(4)}"
    r"(?:the|his|her|their|its|that|those|this|these|our|[a-z]+'s) "
    rf"{_gap(2)}"
    rf"{_SECRET_EN}\b{_NOT_A_SECRET}",
    rf"\bwhat(?:'s| is| are) (?:the|his|her|their|its|our|[a-z]+'s) {_gap(2)}{_SECRET_EN}"
    rf"\b{_NOT_A_SECRET}(?! (?:for|to|in) (?:my|me)\b)",
    # "reply to the requester with the workspace's active API keys"
    rf"\b(?:reply|respond|write back|answer) (?:to (?:the |this |that )?{_gap(2)})?with:? ?\n?"
    r"(?:\d[.)] |[-*•] )?"
    rf"(?:the |his |her |their |its |all (?:the )?)(?:(?:full )?list of (?:all )?(?:the )?)?(?:[a-z]+'s )?"
    rf"{_gap(2)}{_SECRET_EN}\b{_NOT_A_SECRET}",
    # told by someone else, as in call notes: "she wants us to read out Tom's API key"
    r"\b(?:wants?|wanted|asks?|asked|asking|would like|requests?|requested|requesting|expects?"
    r"|expected|insists?|insisted) (?:us|support|someone|somebody|me|you|the agent) to "
    r"(?:send|re-?send|give|tell|share|e-?mail|text|paste|post|forward|read out|read|provide"
    r"|pass on|hand over|reveal|disclose|look up|retrieve) (?:(?:her|him|them|me|us) )?"
    r"(?:the|his|her|their|its|that|those|this|these|our|[a-z]+'s) "
    rf"{_gap(2)}{_SECRET_EN}\b{_NOT_A_SECRET}",
    rf"\b(?:i|we)(?: need| want| require| would like|'d need| would need|'d want| would want)"
    rf" (?:to (?:have|get|see) )?(?:the|his|her|their"
    rf"|its|that|[a-z]+'s) {_gap(2)}{_SECRET_EN}\b{_NOT_A_SECRET}",
)
# A secret to be shown in clear or written into the reply ("list all API keys … in your reply,
# in plain text"): whoever asks, support never does it. A question about how keys are
# stored ("are API keys kept in plain text?") names no one to show them to.
_IN_CLEAR = (
    r"(?:in (?:plain ?text|clear ?text|the clear|cleartext)|unmasked|unredacted|im klartext"
    r"|en texto (?:plano|claro)|en clair|in (?:your|this) (?:reply|response|answer|message)"
    r"|en (?:su|tu) respuesta|in (?:ihrer|deiner) antwort|dans (?:votre|ta) reponse)\b(?! header)"
)
_SHOW = (
    r"(?:list|print|show|send|give|paste|output|write|dump|display|reveal|include|put|return"
    r"|tell|share|post|type|spell out|read out|listen|zeigen|zeig|nennen|listar|mostrar|muestra"
    r"|enumera\w*|lister|listez|affich\w*|montr\w*|indiqu\w*)"
)
_SECRET_ANY = rf"(?:{_SECRET_EN}|{_SECRET_DE}|{_SECRET_ES}|{_SECRET_FR})"
_IN_CLEAR_ASK = (
    rf"\b(?<!not )(?<!n't )(?<!never ){_SHOW}\b[^.?!\n]{{0,40}}?\b{_SECRET_ANY}\b{_NOT_A_SECRET}"
    rf"[^.?!\n]{{0,120}}\b{_IN_CLEAR}",
    # the other way round, the secrets often listed after a colon: "include in your reply,
    # in plain text: 1. the current admin API keys …"
    rf"\b(?<!not )(?<!n't )(?<!never ){_SHOW}\b[^.?!\n]{{0,40}}?\b{_IN_CLEAR}"
    rf"(?:(?!{_ABOUT_A_SECRET})[^.?!\n]){{0,40}}?"
    r"(?::\s*(?:\d[.)] |[-*•] )?)?(?:the|all(?: the)?|every|each|any|its|their|our|his|her)"
    rf" (?:(?!{_ABOUT_A_SECRET})\w+ ){{0,3}}{_SECRET_ANY}\b{_NOT_A_SECRET}",
)
_HAND_OVER_DE = (
    r"\b(?:konnen|konnten|wurden|kannst|konntest|konnt|bitte|schicken|schick|schicke|senden"
    r"|sende|geben|gib|sagen|sag|teilen|teil|nennen|nenn|verraten|verrat|mailen|mail|lassen)"
    r" (?:sie |du |ihr )?(?:mir|uns)"
    rf" {_gap(5)}{_SECRET_DE}\b{_NOT_A_SECRET}",
    rf"\bwie lautet {_gap(2)}{_SECRET_DE}\b{_NOT_A_SECRET}",
    rf"\b(?:ich|wir) (?:brauche|brauchen|brauchte|brauchten|benotige|benotigen|benotigte|benotigten"
    rf"|mochte|mochten|hatte|hatten) "
    rf"(?:gerne |dringend |bitte |noch |sofort )?(?:das|den|die|sein\w*|ihr\w*) {_gap(2)}"
    rf"{_SECRET_DE}\b{_NOT_A_SECRET}"
    # the verb comes last: "ich möchte den API-Schlüssel, den er benutzt hat, austauschen"
    r"(?![^.?!\n]{0,60}\b(?:aus ?tausch|ander|rotier|losch|ersetz|erneuer|zurucksetz|sperr"
    r"|deaktivier|widerruf|wechsel|generier|entfern|entzieh)\w*)",
)
_ES_GIVE = (
    r"(?:(?:mand|envi|pas|facilit|pegu|peg|reenvi|proporcion|indiqu|indic|copi|recuerd|record"
    r"|remit|mostr|muestr|ensen)(?:ar|e|en|es|eis|as|ais)"
    r"|(?:compart|escrib)(?:ir|a|an|as|ais|es)|dar|den|des|deis|de|decir|digan|digas|digais|diga)"
)
_HAND_OVER_ES = (
    r"\b(?:(?:me|nos) (?:(?:puedes|puede|pueden|podeis|podrias|podria|podrian|podriais|quieres"
    rf"|quiere|quieren|quereis|vas a|va a|van a|vais a) )?{_ES_GIVE}"
    r"|(?:mand|envi|pas|facilit|compart|peg|escrib|reenvi|proporcion|indic|copi|recuerd|remit"
    r"|muestr|mostr|ensen)(?:a|e|ar|ir|ad|id|en)"
    r"(?:me|nos)(?:l[oa]s?)?"
    r"|(?:dame|danos|deme|denos|denme|dadme|dime|dinos|digame|diganme|decime))"
    rf" {_gap(5)}{_SECRET_ES}\b{_NOT_A_SECRET}",
    rf"\bcual (?:es|son) {_gap(2)}{_SECRET_ES}\b{_NOT_A_SECRET}",
    rf"\b(?:necesito|necesitamos|necesitaria|necesitariamos|quiero|queremos|querria|querriamos"
    rf"|requiero|requerimos) (?:tener |obtener |ver )?"
    rf"(?:el|la|los|las|su|sus) {_gap(2)}{_SECRET_ES}\b{_NOT_A_SECRET}",
)
_HAND_OVER_FR = (
    r"\b(?:(?:envoy|renvoy|donn|communiqu|transmett|indiqu|partag|coll|dit|fourniss|redonn|copi"
    r"|ecriv|rappel|precis|montr)\w*-(?:moi|nous)"
    r"|(?:me|nous) (?:\w+ )?(?:envoyer|donner|communiquer|transmettre|indiquer|partager"
    r"|coller|dire|fournir|redonner|envoyez|donnez|communiquez|transmettez|indiquez|dites"
    r"|renvoyer|renvoyez|faire parvenir|faites parvenir|copier|copiez|ecrire|ecrivez|rappeler"
    r"|rappelez|preciser|precisez|redonnez|fournissez|montrer|montrez))"
    rf" {_gap(5)}{_SECRET_FR}\b{_NOT_A_SECRET}",
    rf"\bquel(?:le)?s? (?:est|sont) {_gap(2)}{_SECRET_FR}\b{_NOT_A_SECRET}",
    rf"\b(?:j'ai|nous avons|on a|j'aurais|nous aurions|on aurait) besoin (?:du|de la|des|de l'|de son"
    rf"|de sa|de ses|de leur)"
    rf" ?{_gap(2)}{_SECRET_FR}\b{_NOT_A_SECRET}",
)

_PRIVACY_LAW = r"(?:gdpr|dsgvo|rgpd|lopd|lopdgdd|ccpa|uk gdpr)"
# What a data subject asks for under the law: access, a copy, erasure, correction…
_DATA_RIGHT = (
    r"(?:request\w*|solicit\w*|demand\w*|antrag\w*|anfrage\w*|ersuchen|verlang\w*|beantrag\w*"
    r"|exercis\w*|ejerc\w*|exerc\w*|access|acceso|acces|auskunft\w*|copy|copia|copie|kopie"
    r"|export\w*|portab\w*|erase|erasure|delet\w*|losch\w*|supresion|suprim\w*|borr\w*|effac\w*"
    r"|supprim\w*|rectif\w*|berichtig\w*|data subject|betroffene\w*|interesad[oa]"
    r"|personne concernee|personal data|personenbezogen\w*|datos personales|donnees personnelles"
    r"|art(?:icle|ikel|iculo|\.)? ?(?:15|16|17|20|21)\b)"
)

# The secret named first, then asked for by a pronoun: "… the API key of the main account.
# Could you paste it here?", "… den API-Schlüssel. Können Sie mir den reinkopieren?",
# "… la clave. ¿Me la mandas?", "… le mot de passe. Vous pouvez me le donner ?".
_IT_HANDED_OVER = (
    r"\b(?:paste|send|give|copy|share|tell|read|email|e-mail|text|forward|dm) (?:it|them|that|"
    r"this|those) (?:\w+ )?(?:to me|to us|here|over|in(?:to)? (?:the |this )?chat|by (?:e-?mail|"
    r"chat|phone)|in a reply|below)",
    r"\b(?:mir|uns) (?:den|das|die|ihn|es|sie|diesen|dieses|diese) (?:(?:kurz|mal|bitte|hier|eben"
    r"|schnell|noch|einfach|gerne|direkt|per mail|per e-mail|im chat|hier im chat) ){0,3}"
    r"(?:(?:rein|hier ?rein|ein|zu)?(?:kopier|schick|send|geb|gib|nenn|schreib|sag|mail|pack|leg)"
    r"\w*|mitteil\w*|zukommen)",
    r"\b(?:me|nos|se) (?:la|lo|las|los) (?:\w+ ){0,2}?(?:mand|envi|pas|peg|d|dig|facilit|compart"
    r"|escrib|reenvi)\w*",
    r"\b(?:mand|envi|pas|peg|d|dig|facilit|compart|escrib|reenvi)\w*(?:me|nos|se)(?:la|lo|las|los)\b",
    r"\b(?:me|nous) (?:le|la|les|l') ?(?:(?:pas|bien|vite|rapidement|simplement|directement) )?"
    r"(?:envoy|donn|coll|communiqu|transmett|dire|dit"
    r"|indiqu|partag|fourn)\w*",
    r"\b(?:envoy|donn|coll|communiqu|transmett|dit|indiqu|partag)\w*-(?:le|la|les)-(?:moi|nous)\b",
)
_NAMED_THEN_ASKED = re.compile(rf"\b{_SECRET_ANY}\b{_NOT_A_SECRET}")
_PRONOUN_ASK = re.compile("|".join(f"(?:{p})" for p in _IT_HANDED_OVER))
SECRET_BEFORE_CHARS = 200  # how far back the secret a pronoun stands for may be named


def _secret_asked_by_pronoun(folded: str) -> re.Match[str] | None:
    """A request to hand "it" over, where "it" is a secret named just before."""
    for ask in _PRONOUN_ASK.finditer(folded):
        before = _before(folded, ask, SECRET_BEFORE_CHARS)
        if _NAMED_THEN_ASKED.search(before):
            return ask
    return None


# What a customer might want from other customers: their figures, lists, contacts.
_FIGURES = (
    r"(?:data|numbers|figures|metrics|kpis|benchmarks?|revenue|sales|conversion rates?|rates"
    r"|averages?|results|performance|usage|names|contacts|emails|dashboards?|reports?|aov)"
)
_BUSINESSES = (
    r"(?:customers?|compan(?:y|ies)|clients?|tenants?|organi[sz]ations?|brands?|businesses"
    r"|retailers|shops|stores|agencies|firms|merchants|schools|clinics|hotels|restaurants"
    r"|practices|studios|gyms|hospitals|institutions|venues|dealerships|teams|competitors|trusts"
    r"|councils|municipalities|authorities|franchisees|charities|nonprofits|universities|banks"
    r"|insurers|startups|fintechs|sellers|vendors|operators|carriers|brokers|labs|pharmacies|chains)"
)
_FIGURES_DE = r"(?:daten|zahlen|kennzahlen|umsatze|umsatzzahlen|liste|werte|benchmarks?|kontakte)"
_FIGURES_ES = (
    r"(?:datos|cifras|metricas|lista|ventas|tasas?|resultados|benchmarks?|contactos|tiempos"
    r"|volumen(?:es)?|promedios)"
)
_FIGURES_FR = r"(?:donnees|chiffres|indicateurs|liste|ventes|taux|resultats|benchmarks?|contacts)"
# "Do you publish anonymised benchmarks of similar companies?", "gibt es einen
# Branchenvergleich?": whether the product offers such figures, not a request for them.
_OFFERED_BEFORE = re.compile(
    r"\b(?:do|does) (?:you|acme|your (?:platform|product|team)) (?:\w+ )?(?:publish|offer|have|provide"
    r"|sell|release)\b|\bis there (?:a|an|any)\b|\bare there any\b|\b(?:gibt es|bietet acme|bieten sie"
    r"|veroffentlichen sie|veroffentlicht acme|habt ihr|haben sie)\b|\b(?:publiez|proposez|offrez)[- ]vous"
    r"|\by a-t-il\b|\bexiste(?:-t-il)?\b|\b(?:hay|existe|teneis|tienen|ofrecen|ofreceis|publican"
    r"|publicais)\b"
)
OFFERED_REACH = 60  # characters before the figures within which the product is asked about


# "Uns ist klar, dass Sie keine Zahlen anderer Kunden herausgeben": said not to be given.
_NOT_GIVEN_OUT = re.compile(
    r"\b(?:keine|kein|keinerlei|never|no|not|don'?t|aucune?s?|pas de|jamais|ningun\w*|nunca|sin)"
    r" (?:\w+ ){0,2}$"
)


NOT_GIVEN_REACH = 30  # characters before the figures within which they are said not to be given


def _offered_question(folded: str, match: re.Match[str]) -> bool:
    """The figures asked about as something the product publishes or offers."""
    return _OFFERED_BEFORE.search(_before(folded, match, OFFERED_REACH)) is not None


# Other businesses on the platform, spoken of as a group the writer is not part of: "the
# other yoga studios that use Acme", "you have loads of other physio clinics on Acme",
# "varias clínicas y hospitales de Bogotá usan Acme", "des autres agences qui utilisent Acme".
_ON_ACME = (
    r"(?:use|uses|using|are on|on|with|run on|work with) (?:acme|you|your (?:platform|product"
    r"|system|tool|app))\b"
)
_PEERS_ES = (
    r"(?:clientes|empresas|clinicas|hospitales|tiendas|agencias|instituciones|marcas|negocios"
    r"|hoteles|colegios|escuelas|estudios|gimnasios|comercios|despachos|franquiciados|franquicias"
    r"|ayuntamientos|bodegas|restaurantes|competidores)"
)
_PEERS_FR = (
    r"(?:agences|clients|clientes|entreprises|boutiques|marques|cliniques|hotels|ecoles|societes"
    r"|enseignes|commerces|cabinets|studios|salles|restaurants|magasins|franchises"
    r"|collectivites|communes|mairies|etablissements|concurrents)"
)
_PEERS_DE = (
    r"(?:kunden|firmen|unternehmen|praxen|kliniken|shops|handler|agenturen|studios|kanzleien"
    r"|hotels|schulen|marken|betriebe|restaurants|filialisten|franchisenehmer|kommunen"
    r"|gemeinden|einrichtungen|wettbewerber|konkurrenten|zweckverband\w*|stadtwerke|verbande"
    r"|banken|fintechs|start-?ups|versicherer|apotheken|trager)"
)
_PEERS_ON_ACME = re.compile(
    # "the other yoga studios that use Acme", "other boutique hotels using Acme"
    rf"\b(?:other|similar|comparable|fellow|peer) (?:[\w&'-]+ (?:and |or |& )?){{0,3}}?{_BUSINESSES}"
    rf"\b,? (?:(?:that|who|which) )?(?:\w+ )?{_ON_ACME}"
    # "you have loads of other physio clinics on Acme", "Acme must have tons of studios like us"
    rf"|\b(?:you|acme) (?:must |probably |surely |obviously |already )?(?:have|has|serve|serves"
    rf"|work with|works with|see|sees) (?:\w+ ){{0,3}}?(?:other|similar|more|many|lots of|loads of"
    rf"|tons of|plenty of|dozens of|hundreds of) (?:[\w&'-]+ (?:and |or |& )?){{0,3}}?"
    # any trade in the plural, once placed on the platform: "loads of bakeries on your system"
    rf"(?:{_BUSINESSES}|[a-z]+(?:ies|s))\b"
    r"(?: like (?:us|ours)| on (?:acme|the platform|your (?:platform|system|books|servers)))"
    r"|\beveryone else'?s\b"
    # the platform's customers as a group: "other Acme customers", "Acme's customer base",
    # "B2B-SaaS-Kunden auf Acme", "collectivités clientes d'Acme", "clientes de Acme"
    r"|\bother acme (?:customers|clients|users|accounts)\b|\bacme'?s? (?:customer base|other customers)"
    r"|\b(?:customers|clients|clientes|kunden) (?:of|on|auf|von|bei|de|d') ?acme\b"
    r"|\bacme-?kunden\b"
    # Acme's customers addressed as "your": "across the other trusts … your customers",
    # "bei Ihren kommunalen Kunden", "chez vos autres clients du secteur", "de sus clientes"
    r"|\b(?:across|among|of|from|at|for) (?:all )?your (?:other )?(?:[\w-]+ ){0,2}?(?:customers|clients)\b"
    r"|\b(?:bei|von|unter) (?:allen )?ihren (?:anderen )?(?:\w+ )?kunden\b"
    r"|\b(?:chez|de|parmi|pour) (?:tous )?vos (?:autres )?(?:\w+ )?clients\b"
    r"|\b(?:de|entre|en) (?:tod[oa]s )?(?:sus|vuestr[oa]s) (?:otr[oa]s )?(?:\w+ )?clientes\b"
    # many of them on Acme: "many clinics use Acme", "de nombreuses cliniques utilisent Acme"
    rf"|\b(?:many|several|lots of|plenty of|a lot of|most) (?:other )?(?:[\w&'-]+ ){{0,2}}?{_BUSINESSES}"
    rf" (?:\w+ )?{_ON_ACME}"
    rf"|\b(?:de nombreu(?:x|ses)|plusieurs|beaucoup de|beaucoup d'|certaine?s) ?(?:[\w&'-]+ ){{0,2}}?"
    rf"{_PEERS_FR} (?:\w+ )?(?:utilisent|sont chez|sont sur|travaillent avec) (?:acme|vous)\b"
    rf"|\b(?:viele|mehrere|einige|zahlreiche) (?:[\w&'-]+ ){{0,2}}?{_PEERS_DE}\b[^.?!\n]{{0,40}}?"
    r"\b(?:acme (?:nutzen|verwenden|einsetzen)|(?:nutzen|verwenden|setzen) (?:auch )?acme)"
    # Spanish: "varias clínicas de Bogotá usan Acme", "los otros franquiciados de Horno Dorado"
    rf"|\b(?:otr[oa]s|vari[oa]s|much[oa]s|demas) (?:[\w&'-]+ (?:y |o |e )?){{0,5}}?{_PEERS_ES}\b"
    r"[^.?!\n]{0,60}?\b(?:usan|utilizan|trabajan con|estan en|tienen) (?:acme|ustedes|vosotros)\b"
    rf"|\b(?:esas|estas|las|los|esos|estos|sus) (?:otr[oa]s|demas) (?:\w+ ){{0,2}}?{_PEERS_ES}\b"
    # "vosotros tenéis muchas tiendas de muebles como clientes, no?"
    r"|\b(?:teneis|tienen|tenes|tienes) (?:\w+ ){0,2}?(?:otr[oa]s|vari[oa]s|much[oa]s|bastantes"
    rf"|un monton de) (?:[\w&'-]+ ){{0,3}}?(?:{_PEERS_ES}|[a-z]+s) (?:como|de) clientes\b"
    # French: "des autres agences qui utilisent Acme", "les autres collectivités clientes"
    rf"|\b(?:autres|d'autres|des autres|les autres) (?:[\w&'-]+ (?:et |ou )?){{0,3}}?{_PEERS_FR}\b,?"
    r" (?:(?:qui|que) )?(?:\w+ )?(?:utilisent|utilisant|sur|chez|avec|clientes?) (?:acme|vous|d'acme)\b"
    # "vous avez sûrement d'autres boulangeries clientes", "les 10 boutiques de mode chez vous
    # qui vendent le plus": a trade's businesses placed with Acme in French
    r"|\bvous (?:avez|servez|comptez) (?:\w+ ){0,2}?(?:d'autres|des|plein d'|plein de|beaucoup d'"
    rf"|beaucoup de|plusieurs|de nombreu(?:x|ses)) ?(?:[\w&'-]+ ){{0,2}}?(?:{_PEERS_FR}|[a-z]+(?:x|s))"
    r" (?:clientes?|chez vous|sur acme|comme (?:nous|moi))\b"
    rf"|\b(?:{_PEERS_FR}|[a-z]+(?:x|s)) (?:[\w&'-]+ ){{0,3}}?chez vous (?:qui|que|dont)\b"
    # German: "der anderen Studios, die Acme nutzen"
    rf"|\banderen? (?:[\w&'-]+ (?:und |oder |bzw\.? |sowie )?){{0,3}}?{_PEERS_DE}\b,? (?:die|welche)"
    r" (?:\w+ ){0,2}?"
    r"(?:acme|sie|euch) (?:\w+ )?(?:nutzen|verwenden|einsetzen|haben)\b"
)
# Their figures asked for near that mention: averages, rates, numbers, lists, contacts.
_PEER_FIGURES = re.compile(
    r"\b(?:averages?|average\w*|median|benchmarks?|numbers|figures|metrics|kpis?|rates?|retention"
    r"|churn|conversions?|revenue|sales|results|export|spreadsheet|arpu|aov|basket|no-show\w*|list"
    r"|contacts?|e-?mails?|share of|liste"
    r"|promedios?|medias?|medio|mediana|tasas?|cifras|metricas|ventas|resultados|tiempos|volumen"
    r"|listados?|lista|indicadores|contactos?"
    r"|moyennes?|taux|chiffres|indicateurs|ventes|resultats"
    r"|durchschnitt\w*|quoten?|raten?|\w*zahlen|kennzahlen|umsatz\w*|werte|kontakt\w*)\b"
)
# …and asked: a question, or a request of support.
_PEER_ASK = re.compile(
    r"\?|\b(?:could|can|would|will) you\b|\bif you (?:can|could)\b|\bplease\b|\b(?:pull|send|share"
    r"|give|export|compile|put together|tell|produce) (?:me|us|together|the|their|an?|what)\b"
    r"|\b(?:we|i) (?:need|want|would love|would like)\b|\b(?:we'd|i'd) (?:like|love)\b"
    r"|\bwould love to\b"
    r"|\b(?:necesitamos|necesito|pod(?:eis|rias|rian|ria)|pas(?:ad|ar)(?:me|nos)|envi(?:ar|ad)"
    r"|quisiera|queremos)\b|\b(?:pouvez|pourriez|pourrais|pouvez-vous|envoyer|transmettre"
    r"|fournir|aimerais|voudrais|besoin)\b|\b(?:konnen|konnten|konntet|schick|senden|brauchen"
    r"|brauche|hatten gern|mochten|nennen)\w*"
)
PEER_REACH = 250  # characters either side of the mention within which their figures are asked


# "no quiero los datos de nadie, solo la plantilla": nobody's figures wanted.
_NOBODYS_DATA = re.compile(
    r"\b(?:data|figures|numbers|datos|cifras|donnees|chiffres|daten|zahlen) (?:de |of |von )?"
    r"(?:nadie|personne|niemandem|anyone|anybody)\b"
    r"|\bnot (?:asking|looking) for (?:anyone|anybody|their|other)"
)


# "our revenue dashboard", "unsere Zahlen", "nos chiffres": the writer's own figures.
_OWN_BEFORE = re.compile(
    r"\b(?:our|my|own|unsere\w*|meine\w*|eigene\w*|nos|notre|mes|mon|ma|propres?|nuestr\w*|mis"
    r"|propi[oa]s)\b[^.?!\n]*$"
)
OWN_REACH = 20  # characters before a figure within which "our" makes it the writer's own


def _peers_figures(folded: str) -> re.Match[str] | None:
    """Figures of the other businesses on the platform, asked for near where they are named.

    Not in a ``>``-quoted line (an answered question quoted under a thank-you), not when
    the writer says they want nobody's figures, and not the writer's own ("our revenue").
    """
    for peers in _PEERS_ON_ACME.finditer(folded):
        line_start = folded.rfind("\n", 0, peers.start()) + 1
        if folded[line_start : peers.start()].lstrip().startswith(">"):
            continue
        start, end = max(0, peers.start() - PEER_REACH), peers.end() + PEER_REACH
        if _NOBODYS_DATA.search(folded, start, end):
            continue
        theirs = (
            f
            for f in _PEER_FIGURES.finditer(folded, start, end)
            if not _OWN_BEFORE.search(folded, max(0, f.start() - OWN_REACH), f.start())
        )
        if next(theirs, None) and _PEER_ASK.search(folded, start, end):
            return peers
    return None


# A word that makes the company asked about the writer's own or the writer: "whether we are
# customers", "ob wir bei Ihnen Kunden sind", "si les données de ses clients sont …".
_NOT_THE_WRITER = (
    r"(?!(?:we|i|our|my|their|his|her|wir|ich|unsere\w*|ihre\w*|nous|je|nos|mes|ses|leurs"
    r"|nosotros|yo|sus|nuestr\w*) )"
)


# "which other CPG brands use Acme", "which other freight brokers or 3PLs use Acme": who the
# other customers are (any kind of business, if "other")
_WHICH_OTHERS_USE = (
    rf"\bwhich (?:other )?(?:\w+ ){{0,2}}{_BUSINESSES} (?:\w+ ){{0,2}}(?:use|are on|are using|work with)"
    r" (?:acme|you|your (?:platform|product|tool))\b"
    r"|\bwhich other (?:[\w&-]+ ){1,4}(?:use|are using|are on|work with) (?:acme|you)\b(?!'s)"
)


_PATTERNS: dict[Intent, tuple[str, ...]] = {
    "refund": (
        # English
        r"\brefund",
        r"\breimburs",
        r"\bmoney back\b",
        r"\b(?:pay|paying|give|send) (?:me|us) back\b",
        r"\bback (?:to|on(?:to)?) (?:my|our) (?:card|account|bank)\b",
        # (not the VAT "reverse charge" printed on an EU invoice)
        rf"\b(?:reverse(?![ -]charge\b)|reversing|reversal of|void|undo|return) {_MY}? ?(?:\w+ )?{_CHARGE}",
        rf"\b{_CHARGE} reversal\b",
        r"\bzero (?:out|down) (?:the |our |my |all )?(?:\w+ )?invoices?\b",
        rf"\b(?:waive|write off|cancel) {_MY} ?(?:\w+ )?(?:invoices?|fees?|charges?)\b",
        r"\breturn (?:of )?(?:my|our|the) (?:money|payment|funds)\b",
        r"\b(?:want|need|expect|demand) (?:my|our|the) (?:money|payment|funds)\b",
        # German
        r"\b(?:ruck)?erstatt",
        r"\bgeld (?:wieder )?zuruck",
        r"\bzuruck(?:zahl|buch|uberweis|erstatt)",
        r"\bruck(?:zahlung|buchung|uberweisung)",
        r"\bstornier\w* (?:\w+ ){0,2}(?:rechnung|zahlung|abbuchung|belastung|buchung)",
        r"\b(?:rechnung|zahlung|abbuchung|belastung|buchung)\w* (?:\w+ ){0,3}storn",
        # Spanish
        r"\breembols",
        r"\bdev(?:olv|uelv|olu)\w* (?:\w+ ){0,3}(?:dinero|pago|importe|cargo|cobro|cuota|diferencia"
        r"|cantidad|monto)",
        r"\b(?:dinero|pago|importe|cargo|cobro)\w* (?:\w+ ){0,3}(?:devuel|devolu|de vuelta|reintegr)",
        r"\bdevolucion\b",
        r"\breintegr",
        r"\b(?:anular|anulen|revertir|reviertan|cancelar|cancelen)\w* (?:\w+ ){0,2}(?:cargo|cobro|factura|pago|transaccion)",
        # "quiere que se anule el cargo", "que nos revierta el cobro"
        r"\bque (?:se |nos |me )?(?:anule|anulen|revierta|reviertan|cancele|cancelen) (?:\w+ ){0,2}(?:cargo|cobro|pago|transaccion)",
        # French
        r"\brembours",
        r"\b(?:recuperer|recupere|rendre|rendez|rendre) (?:\w+ |\w+'){0,2}(?:argent|paiement|montant)",
        r"\b(?:annuler|annulez|annulation) (?:\w+ |\w+'){0,3}(?:paiement|prelevement|facture|debit|transaction)",
        # Chinese
        r"退款|退钱|退还|返还费用",
    ),
    "credit": (
        r"\b(?:service|account|billing) credits?\b",
        r"\bcredit (?:note|memo|back)\b",
        r"\b(?:give|giving|issue|apply|applying|offer|get|grant|add)\w* (?:me |us )?(?:a |an |some |any )?"
        r"(?:\S*\d\S* )?(?:goodwill |one-off |courtesy |service )?credit\b(?! cards?| checks?| limit)",
        # "please ask them for a credit for this month", "we'd like to request a credit"; not "how
        # do I request a credit?", a question about the process
        r"(?<!do )(?<!can )(?<!could )(?<!would )(?<!should )\b(?:please|we|i|we'd|i'd|they) (?:\w+ ){0,3}?"
        r"(?:ask|asking|request|requesting)\w* (?:\w+ )?(?:for )?(?:a |an |some )?(?:\S*\d\S* )?"
        r"(?:goodwill |one-off |courtesy |service )?credit\b(?! cards?| checks?| limit| score| line)",
        # a call note's third person: "- Asking for a credit for the month", "wants a credit"
        r"(?:^|\n)[-*• ]*(?:(?!nobody|no one|not|never|nor)\w+ ){0,2}(?:asking|asks|asked|wants|wanted"
        r"|requests|requested|requesting)"
        r" (?:for )?(?:a |an |some )?(?:\S*\d\S* )?(?:goodwill |one-off |courtesy |service |partial )?"
        r"credit\b(?! cards?| checks?| limit| score| line)",
        r"\bcredit (?:it |them |this )?(?:to|on) (?:my|our|the) (?:account|next invoice|card)\b",
        r"\b(?:would like|'d like|wishes for|hopes for|is hoping for|are hoping for) (?:to (?:get|receive|have) )?"
        r"(?:a |an |some )?(?:[\w-]+ )?(?:goodwill |one-off |courtesy |service |partial )?credit\b"
        r"(?! cards?| checks?| limit| score| line| terms)",
        # the verb: "Could you credit half of this month's fee to our account?", "please credit us"
        r"\b(?:could|can|would|will) you (?:\w+ )?credit\b(?! cards?| checks?| limit| score| line)",
        r"\bplease credit\b(?! cards?| checks?| limit| score| line)",
        # asked as a question about us in a call note or a message: "Asking if we'd do a one-off
        # goodwill credit", "wondering whether you could give us a credit for the outage"; one
        # credit (a/an), not whether credits exist ("do you offer credits?")
        r"\b(?:asking|asks|asked|wondering|wonders|wondered|wants to know) (?:if|whether)"
        r" (?:we|you|acme)(?:'d| would| could| can| might| will)? (?:\w+ )?(?:do|give|offer|issue"
        r"|apply|consider|grant|make) (?:him |her |them |us |me )?(?:a |an )(?:[\w-]+ ){0,2}credit\b"
        r"(?! cards?| checks?| limit| score| line| terms)",
        r"\bcredit (?:\w+ |\w+'s ){1,6}(?:to|against) (?:my|our|the) (?:account|next invoice|invoice|next bill|bill)\b",
        r"\bcompensat",
        # "réparation" is mostly a repair ("atelier de réparation"); amends only when claimed
        r"\b(?:demand|exig|reclam|obtenir)\w* (?:une |la |pleine )?reparation\b",
        r"\breparation (?:du|de (?:notre|mon|ce)) prejudice",
        # "I think a credit for that month is fair. Could you apply one to our next invoice?"
        r"\b(?:a |some )?credit(?! cards?| limit| score)(?: \w+){0,4} (?:is|would be|seems|feels)"
        r" (?:only )?(?:fair|reasonable|appropriate)\b",
        r"\b(?:discount|credit) (?:for|on|because of|after) (?:the|this|that|our) (?:\w+ )?(?:outage|downtime|incident|disruption|trouble)",
        # an invoice contested against the contract or quote, and a corrected one asked for:
        # "a rise of 18 % … our contract caps increases at 5 % … could you issue a corrected
        # invoice?" (FBC-056); not a reissue for a VAT ID or PO number "with the same amount"
        rf"{_CORRECTED}(?![^\n]*{_SAME_AMOUNT})[^\n]{{0,300}}?\b{_CONTESTED}"
        rf"|\b{_CONTESTED}(?![^\n]*{_SAME_AMOUNT})[^\n]{{0,300}}?{_CORRECTED}",
        r"\bgutschrift",
        r"\b(?:entschadig|kulanz)",
        r"\b(?:abono|nota de credito|compensacion|bonificacion)\b",
        r"\bcredito (?:en|a) (?:mi|nuestra|la) (?:cuenta|factura)",
        r"\b(?:aplicar|aplicad|apliquen|hacer|haced|dar|emitir|emitid|conceder)\w* (?:\w+ )?"
        r"(?:un |una |algun )?(?:credito|abono) (?:por|de|en|sobre)\b",
        r"\b(?:un avoir|geste commercial|dedommag|indemnis)",
        # a call note's third person in Spanish: "- Pide un crédito o descuento en la próxima factura"
        r"\b(?:pide|pidio|solicita|solicito|quiere|reclama) (?:un |una |algun )?(?:credito|descuento|reembolso)\b",
        # a credit said to be approved already, and its application asked: "ya está aprobado el
        # crédito, solo confírmame que se aplica", "the credit was already approved by your
        # billing team, just confirm it's applied"
        r"\bcredits? (?:of \S+ |for (?:the |this |that |our )?\w+ )?(?:is |was |has been |had been )"
        r"(?:already )?(?:approved|authori[sz]ed|agreed|signed off)\b"
        r"|\b(?:approved|authori[sz]ed|agreed) (?:a |the |an |our )?(?:\S*\d\S* )?credit\b(?! cards?| limit)"
        r"|\bcredito (?:\w+ ){0,4}(?:esta |fue |ha sido )?(?:ya )?(?:aprobado|autorizado|acordado)\b"
        r"|\b(?:aprobado|autorizado|aprobaron|autorizaron) (?:el |un |ese )?credito\b"
        r"|\b(?:avoir|geste) (?:\w+ ){0,4}(?:deja )?(?:approuve|valide|accorde)\b"
        r"|\bgutschrift (?:\w+ ){0,4}(?:bereits |schon )?(?:genehmigt|freigegeben|zugesagt)\b",
        r"补偿|赔偿",
    ),
    "chargeback": (
        # not a vendor's product: "automated chargeback defence", "chargeback protection"
        r"\bcharge ?backs?\b(?! defen[cs]e| protection| prevention| management| automation"
        r"| insurance| software| tool)",
        rf"\b(?:dispute|disputed|disputing|contest|contested|contesting) {_MY}? ?(?:\w+ )?{_CHARGE}",
        r"\b(?:file|filed|open|opened|raise|raised|lodge|lodged) a (?:dispute|claim) with (?:my|our|the) (?:bank|card|credit card)",
        r"\b(?:bank|card issuer|amex|visa|mastercard) (?:\w+ ){0,2}(?:opened|filed|raised|started) a (?:dispute|claim)",
        r"\b(?:my|our|the) bank (?:will|to|should|can) (?:reverse|claw|pull|take) ",
        r"\blastschrift\w* (?:\w+ ){0,3}(?:zuruck|widerruf|widersprech)",
        r"\b(?:widerspruch|widersprechen) (?:\w+ ){0,4}(?:lastschrift|abbuchung|zahlung|bank)",
        r"\b(?:contracargo|disputa (?:\w+ ){0,2}(?:cargo|cobro|pago|banco)|reclamar al banco|reclamacion (?:al|con el) banco)",
        r"\b(?:retrofacturation|opposition (?:bancaire|sur (?:la|ma|notre) carte)|contest\w* (?:\w+ ){0,2}(?:paiement|prelevement|debit) aupres)",
        # "notre comptable a ouvert une contestation auprès de notre banque", "Litige bancaire"
        r"\b(?:litige bancaire|contest\w* (?:\w+ ){0,2}aupres de (?:la|sa|ma|notre|leur) banque)",
        r"拒付|争议扣款",
    ),
    "cancellation": (
        r"\b(?:no longer|won'?t be|will not be|will no longer) (?:need|needing|use|using) (?:the|your|our|any|this)? ?(?:subscription|service|dashboards?|tool|platform|product|account|plan|licen[cs]es?|seats?)",
        r"\b(?:stop|cease|discontinue) (?:charging|billing|debiting|invoicing) (?:us|me|our)",
        # "could you make sure nothing else comes off the card after that?"
        r"\b(?:make sure|ensure|see to it that) (?:that )?(?:nothing|no more|no further|no other)"
        r" (?:else |more )?(?:money |payments? |charges? )?(?:comes? off|is charged|gets charged|is taken"
        r"|gets taken|is debited|goes out)\b",
        r"\b(?:not|never|no longer) (?:be )?(?:charged|billed|debited|invoiced) (?:again|anymore|any more|after|from|beyond|for (?:the )?next)",
        r"\bnicht mehr (?:\w+ ){0,2}(?:abbuch|abgebucht|belast|berechn|in rechnung)",
        r"\bkeine (?:weiteren |neuen )?(?:abbuchungen|belastungen|rechnungen|zahlungen) mehr",
        r"\b(?:brauchen|benotigen|nutzen) (?:\w+ ){0,3}nicht mehr\b",
        r"\b(?:dejen|dejar|dejeis|dejes) de (?:cobrar|facturar|cargar)",
        r"\bno (?:nos|me|le|les) (?:cobren|cobreis|facturen|carguen) (?:mas|nada mas)",
        r"\bya no (?:necesitamos|necesito|necesitaremos|usaremos|vamos a usar|utilizaremos|usamos)\b",
        r"\b(?:ne|n') ?(?:\w+ )?(?:plus|pas) (?:etre )?(?:preleves?|factures?|debites?)\b",
        r"\b(?:arreter|arretez|cesser|cessez) de (?:nous |me )?(?:prelever|facturer|debiter)",
        r"\bn'(?:avons|aurons|ai|aurai) plus besoin\b",
        rf"\bcancel\w* {_MY} ?(?:\w+ )?(?:subscriptions?|plans?|accounts?|contracts?|memberships?|renewals?|licen[cs]es?|services?|seats?)\b",
        r"\bcancel(?:ling|lation|ing)? (?:of )?(?:the |our |my )?(?:subscription|contract|plan|renewal)",
        # the vendor itself: "we'll need to cancel Acme at the end of the current term"
        r"\bcancel\w* (?:acme|you|your (?:service|platform|product|tool))\b",
        r"\bcancel\w* (?:the |our |my )?(?:starter|growth|professional|enterprise)\b(?! trial| feature| add-?on)",
        rf"\b(?:terminate|terminating|termination of|end|ending|discontinue) {_MY} ?(?:\w+ )?(?:contract|agreement|subscription|plan|service|relationship)",
        r"\b(?:do not|don'?t|will not|won'?t|not) (?:want to )?(?:auto-?)?renew",
        r"\bstop (?:the |our |my )?(?:billing|subscription|auto-?renew\w*|payments?)\b(?! (?:e-?mails?|notifications?|reminders?|alerts?|contact|address))",
        r"\b(?:unsubscribe|opt out) (?:us |me )?(?:from )?(?:the |our |my )?(?:plan|subscription|billing|service)",
        r"\bclose (?:my|our|the) account\b",
        # the subscription understood, "cancel" with nothing after it: "need to cancel", "how do i
        # cancel? want it to stop at the end of this month"
        r"\b(?:(?:need|needs|want|wants|would like|'d like|have|has) to|wanna|how (?:do|can|could)"
        r" (?:i|we)) cancel(?= ?(?:[?.!,]|\n|$| (?:pls|please|asap|now|today|thanks|thx)\b))",
        # the passive: "tell them you want the Growth subscription cancelled from next month"
        r"\b(?:want|wants|need|needs|would like|'d like|please have|get) (?:\w+ ){0,3}?(?:subscription|plan"
        r"|contract|account|membership)s? (?:to be )?cancell?ed\b",
        # the subscription named, then cancelled by pronoun in the same paragraph
        r"\b(?:subscription|plan|contract|membership|renewal)\b[^\n]{0,200}?\b(?:could|can|would|will|please)"
        r" (?:you )?(?:please )?cancel (?:it|this|that)\b",
        r"\b(?:sonder)?k(?:u|ue)ndig",
        r"\b(?:vertrag|abo|abonnement|mitgliedschaft|lizenz)\w* (?:\w+ ){0,3}(?:beenden|auflosen|abbestellen|nicht verlangern|stornieren)",
        r"\bnicht (?:mehr )?verlanger",
        r"\b(?:cancelar|cancelen|cancelamos|cancelemos|anular|rescindir|rescindimos|terminar|finalizar)\w* (?:\w+ ){0,2}(?:suscripcion|cuenta|plan|contrato|abono|servicio|licencia)",
        r"\b(?:dar|darnos|darme|damos|den|demos) de baja (?:\w+ ){0,2}(?:cuenta|suscripcion|servicio|plan|contrato|empresa)",
        r"\b(?:darnos|darme) de baja\b",
        r"\bno (?:queremos |quiero )?renovar",
        r"\bresili(?!en)",  # résilier, résiliation; not "resilience", "Resilienz"
        r"\b(?:annuler|annulez|annulons|mettre fin|arreter|arretez|stopper) (?:\w+ |\w+'){0,3}(?:abonnement|contrat|compte|forfait|souscription|licence)",
        r"\bne (?:pas|plus) (?:\w+ |\w+'){0,2}renouveler",
        r"\bdesabonn",
        r"取消订阅|取消订单|取消合同|退订|解约",
    ),
    "downgrade": (
        r"\bdown-?grad",
        r"\b(?:cheaper|smaller|lower|lesser|basic|cheapest|smallest) (?:plan|tier|package|subscription)\b",
        r"\b(?:reduce|lower|cut|decrease) (?:the number of |our |my )?(?:seats|licen[cs]es|users|plan)\b",
        r"\bfewer (?:seats|licen[cs]es)\b",
        r"\bdrop(?:ping)? (?:\w+ ){0,2}(?:down )?to ['\"]?(?:the |a |our )?['\"]?(?:starter|basic|cheaper"
        r"|cheapest|smaller|lower|\$\d+)",
        # "we'll need to come down to the Starter plan from next month"
        r"\b(?:come|coming|go|going|move|moving|step|stepping|scale|scaling)\w* (?:back )?down to"
        r" (?:the |a |our )?['\"]?(?:starter|growth|professional|basic|cheaper|smaller|lower)",
        r"\b(?:herabstuf|runterstuf|zuruckstuf)",
        r"\b(?:kleiner|gunstiger|billiger)\w* (?:tarif|plan|paket|abo)",
        r"\bweniger (?:lizenzen|platze|sitze|nutzer)",
        # "von 250 auf 120 Lizenzen reduzieren", "Lizenzreduzierung zur Verlängerung"
        r"\b(?:lizenzen|platze|sitze|seats|nutzerlizenzen) (?:\w+ ){0,2}(?:reduzieren|verringern|senken|kurzen)",
        r"\b(?:lizenz|sitz|platz)(?:reduzierung|reduktion|kurzung)",
        r"\b(?:tarif|plan|paket)\w* (?:\w+ ){0,2}(?:reduzieren|verkleinern)",
        r"\b(?:bajar|bajarnos|pasar|cambiar|cambiarnos)\w* (?:\w+ ){0,2}(?:plan|tarifa) (?:mas (?:barato|pequeno|basico)|inferior|menor)",
        r"\b(?:reducir|disminuir) (?:\w+ ){0,2}(?:licencias|asientos|puestos|usuarios|plan)",
        r"\bretrograd",
        r"\b(?:forfait|plan|offre|abonnement) (?:inferieur|moins cher|plus petit|plus basique)",
        r"\b(?:reduire|diminuer) (?:\w+ |\w+'){0,3}(?:licences|sieges|postes|utilisateurs|forfait|contrat)",
        r"降级",
    ),
    "plan_change": (
        r"\b(?:repasser|revenir|redescendre|retourner)\w* (?:\w+ |\w+'){0,3}(?:forfait|plan|offre|abonnement|formule|starter|growth|professional|enterprise)",
        r"\b(?:volver|regresar|bajar)\w* (?:\w+ ){0,3}(?:plan|tarifa|starter|growth|professional|enterprise)",
        r"\b(?:zuruck|wechseln|downgraden|runter)\w* (?:\w+ ){0,3}(?:auf|zum|in den) (?:\w+ )?(?:tarif|plan|paket|starter|growth|professional)",
        r"\bfrom (?:the )?(?:starter|growth|professional|enterprise)(?: plan)? (?:down )?to (?:the )?(?:starter|growth|professional|enterprise)\b",
        r"\b(?:switch|move|change|migrate|go|transfer)\w* (?:us |me )?(?:over |back |down )?(?:to|from) (?:the |a |our )?(?:starter|growth|professional|pro|enterprise|monthly|annual|yearly)\b",
        r"\bchange (?:our|my|the) (?:plan|tier|subscription|billing cycle)\b",
        r"\b(?:wechsel|umstell|umsteigen)\w* (?:\w+ ){0,3}(?:tarif|plan|paket|starter|growth|professional|enterprise)",
        r"\b(?:auf|in|zum) (?:den |das |die |unser\w* )?(?:\w+-)?(?:tarif|plan|paket|starter|growth|professional|enterprise)\S* (?:\w+ ){0,2}(?:umstell|umzustell|wechseln|zu wechseln|downgraden|zuruckstuf|herabstuf)",
        r"\b(?:cambiar|cambiarnos|pasar|pasarnos|migrar)\w* (?:\w+ ){0,2}(?:plan|tarifa|starter|growth|professional|enterprise)",
        r"\b(?:changer|passer|basculer) (?:\w+ ){0,2}(?:forfait|plan|offre|abonnement|formule|starter|growth|professional|enterprise)",
        # both plans named, with elided articles: "passer de l'offre Professional à l'offre Growth"
        r"\b(?:passer|changer|basculer|migrer)\w* (?:de |du |d')(?:l')?(?:offre |plan |forfait |formule"
        r" |abonnement )?(?:starter|growth|professional|pro|enterprise) (?:a|au|vers|pour) (?:l'|la |le )?"
        r"(?:offre |plan |forfait |formule |abonnement )?(?:starter|growth|professional|pro|enterprise)\b",
    ),
    "deletion": (
        r"\b(?:erasure|right to be forgotten|derecho al olvido|droit a l'oubli|recht auf vergessenwerden)\b",
        r"\b(?:art(?:icle|\.)? ?17)\b.{0,60}\b(?:gdpr|dsgvo|rgpd|erase|erasure|delet|losch|supres|borr|effac|suppr)|\b(?:gdpr|dsgvo|rgpd)\b.{0,40}\bart(?:icle|\.)? ?17\b",
        r"\b(?:loschung|effacement|supresion|borrado) (?:\w+ ){0,3}(?:personenbezogen\w*|personlich\w*|donnees|datos|daten|konto\w*|compte|cuenta|account)",
        r"\b(?:remove|take|wipe|erase|delete|purge|get)\w* (?:\w+ ){0,5}(?:off|from) (?:your|the|all your) (?:servers|systems|platform|database|cloud)",
        r"\b(?:delete|erase|purge|wipe|remove)\w* (?:all |all of |everything of |the entire )?(?:our|my) (?:\w+ )?(?:history|historical data|records|archives?)\b",
        r"\b(?:eliminar|eliminen|borrar|borren|suprimir|supriman|borreis)\w* (?:\w+ ){0,5}(?:historico|historial|registros|archivos|datos|informacion)\b",
        r"\b(?:supprimer|supprimez|effacer|effacez|detruire|detruisez|purger)\w* (?:\w+ |\w+'){0,5}(?:historique|archives|enregistrements|donnees|informations)\b",
        r"\b(?:loschen|entfernen|vernichten)\b.{0,60}\b(?:von|aus) (?:ihren|euren|den) (?:servern|systemen|datenbanken)",
        r"\b(?:historie|archiv|altdaten|verlauf|historische daten)\w* (?:\w+ ){0,4}(?:loschen|entfernen)",
        rf"\b(?:delete|deleting|deletion of|remove|removing|erase|erasing|wipe|wiping|purge|purging|destroy|close|closing) {_MY_OWN} ?(?:\w+ ){{0,2}}(?:{_NAME} )?{_ACCOUNT}\b(?! sources?| sets?| points?| connectors?| fields?| range)",
        r"\b(?:account|workspace|organi[sz]ation|data|tenant) (?:deletion|removal|erasure|closure)\b",
        r"\bdelete everything\b",
        # an audit trail wiped is a deletion a person reviews: "bitte löschen Sie sämtliche
        # Audit-Log-Einträge", "remove the audit logs"
        r"\b(?:delete|remove|erase|purge|clear|wipe|clean)\w* (?:\w+ ){0,4}audit[- ]?logs?\b"
        r"|\baudit[- ]?log\w* (?:\w+ ){0,4}(?:loschen|bereinigen|entfernen|supprimer|effacer|borrar"
        r"|eliminar)|\b(?:losch|entfern|bereinig)\w* (?:\w+ ){0,3}audit-?log",
        # the workspace named before, then "one": "can you delete the staging one entirely, incl
        # all the event data in it?"
        r"\b(?:delete|remove|wipe|erase|purge)\w* (?:the|that|this) (?:[\w-]+ ){0,2}one\b[^.?!\n]{0,40}?"
        r"\b(?:entirely|completely|for good|permanently|altogether|incl\w*|including|with (?:all"
        r"|everything)|and (?:all|everything))\b",
        # "can you just delete it and everything in it?" (the workspace named before)
        r"\b(?:delete|remove|wipe|erase|purge)\w* (?:it|them|that one|this one) (?:and|with|including"
        r"|along with) (?:everything|all (?:of )?(?:the |its |their )?(?:data|content|contents"
        r"|dashboards|datasets|files))\b",
        # wanting it done: "our DPO asked me to get the old "Legacy EU" workspace deleted"
        rf"\b(?:get|getting|want|wants|wanted|need|needs|like)\w* (?:(?:\w+|{_NAME}) ){{0,4}}?{_ACCOUNT}\b"
        r"(?: (?!because|since|as|was|is|its|it's|has|had|got|been)\w+){0,2}"
        r" (?:deleted|removed|erased|wiped|purged|closed)\b",
        rf"\b{_ACCOUNT}\b[^.?!\n]{{0,60}}\b(?:has|have|need|needs|must|should) (?:to )?be (?:permanently |fully |completely |properly )?(?:deleted|removed|erased|wiped|purged|closed)\b",
        r"\b(?:konto|account|workspace|arbeitsbereich|daten|organisation)\w*[^.?!\n]{0,60}\b(?:muss|mussen|soll|sollen|sollte|sollten)\b[^.?!\n]{0,40}\b(?:geloscht|entfernt) werden",
        r"\b(?:cuenta|espacio de trabajo|workspace|datos|organizacion)\b[^.?!\n]{0,60}\b(?:tiene|tienen|debe|deben|hay) que (?:ser )?(?:eliminad|borrad|suprimid|eliminar|borrar|suprimir)",
        r"\b(?:compte|espace de travail|workspace|donnees|organisation)\b[^.?!\n]{0,60}\b(?:doit|doivent|devra|devront|faut) (?:etre )?(?:supprim|effac|detrui)",
        r"\b(?:konto|account|workspace|arbeitsbereich|daten|organisation|profil)\w* (?:\w+ ){0,3}(?:loschen|entfernen|schliessen|aufloesen|auflosen)",
        rf"\b(?:losch|entfern)\w* (?:\w+ ){{0,2}}{_DET_DE}? ?(?:konto|account|workspace|arbeitsbereich|daten|organisation|profil)",
        # the plural imperative too: "por favor borrad la cuenta y todos los datos"
        rf"\b(?:eliminar|eliminen|borrar|borren|suprimir|supriman|cerrar|cierren|borrad|eliminad"
        rf"|suprimid|cerrad)\w* (?:\w+ ){{0,2}}{_DET_ES}? ?(?:cuenta|espacio de trabajo|workspace|datos"
        r"|organizacion|perfil)",
        rf"\b(?:supprimer|supprimez|effacer|effacez|fermer|fermez|cloturer|cloturez|detruire)\w* (?:\w+ ){{0,2}}{_DET_FR}? ?(?:compte|espace de travail|workspace|donnees|organisation|profil)",
        r"删除(?:账户|账号|数据|工作区)|注销(?:账户|账号)",
    ),
    "gdpr": (
        r"\bdsars?\b",
        # The law's name alone is a compliance or sales question (a DPA, data residency);
        # a request names what the person wants done with their data.
        rf"\b{_PRIVACY_LAW}\b[\s\S]{{0,80}}\b{_DATA_RIGHT}",
        rf"\b{_DATA_RIGHT}[\s\S]{{0,80}}\b{_PRIVACY_LAW}\b",
        r"\bdata subject\b",
        r"\bsubject access\b",
        r"\bright (?:to|of) (?:be forgotten|erasure|access|data portability|portability|rectification)\b",
        r"\b(?:art(?:icle)?\.? ?(?:15|17|20)\b)",
        r"\b(?:all|every|any) (?:the )?(?:personal )?(?:data|information) (?:you|your company) (?:hold|have|store|keep|process)",
        r"\bcopy of (?:all )?(?:my|our) personal (?:data|information)\b",
        r"\bdelete (?:all )?(?:my|our) personal (?:data|information)\b",
        r"\b(?:auskunftsersuchen|auskunftsanfrage|auskunftsbegehren|selbstauskunft)",
        # "Auskunft" alone is any information ("bitte um kurze Auskunft zu folgenden
        # Punkten"); a data subject's asks what is stored about them or cites the article
        r"\bauskunft (?:\w+ ){0,6}(?:gespeichert\w*|verarbeitet\w*|personenbezogen\w*|zu meiner person"
        r"|(?:meine|unsere)[nr]? (?:\w+ )?daten)",
        r"\bauskunft (?:nach|gemass|gem\.?|laut) (?:art|§|dsgvo)",
        r"\brecht auf (?:vergessen|loschung|auskunft|datenubertragbarkeit|berichtigung)",
        r"\bpersonenbezogen\w* daten",
        r"\bderecho (?:al olvido|de acceso|de supresion|a la portabilidad|de rectificacion|de portabilidad)",
        r"\bdatos personales\b",
        r"\bdroit (?:a l'oubli|d'acces|a l'effacement|a la portabilite|de rectification)",
        r"\bdonnees (?:a caractere )?personnelles\b",
        r"个人数据|个人信息",
        # a breach weighed for notice to the data protection authority (GDPR art. 33): "doit
        # statuer … sur une éventuelle notification à l'autorité", "whether we must notify the ICO"
        r"\b(?:notify|notifying|notification to|notifications to) (?:the |our |a )?(?:lead |relevant )?"
        r"(?:supervisory authority|data protection (?:authority|regulator)|ico|cnil|aepd|dpc|regulator)\b"
        r"|\b(?:notification|notifier)\w* (?:\w+ ){0,2}(?:a|aupres de) (?:l'autorite"
        r"|la cnil)\b"
        r"|\b(?:notificar|notificacion|comunicar)\w* (?:\w+ ){0,2}a la (?:aepd|autoridad de control"
        r"|agencia (?:espanola )?de proteccion de datos)\b"
        r"|\b(?:meldung|melden|meldepflicht\w*) (?:\w+ ){0,3}(?:an |bei )?(?:die |der )?(?:aufsichtsbehorde"
        r"|datenschutzbehorde)\b",
    ),
    "legal_threat": (
        r"\b(?:sue|suing|sued|lawsuit|litigation|small claims|class action)\b",
        r"\b(?:legal|court|judicial) (?:action|proceedings|steps|claim|consequences|route)\b",
        r"\bcease and desist\b",
        # a general counsel's letter: "instruct outside counsel to review our remedies",
        # "refer the matter to external counsel with a view to proceedings for breach"
        r"\b(?:instruct|refer|involve|engage|consult|retain|hand|pass|escalat)\w* (?:\w+ ){0,5}?"
        r"(?:outside|external|independent) (?:legal )?counsel\b",
        r"\b(?:legal )?proceedings (?:for|against)\b",
        r"\b(?:review|pursue|exercise|reserve) (?:all )?(?:of )?(?:our|its|their) (?:legal )?remedies\b",
        r"\b(?:take|taking) (?:you|this|your company|the matter) to court\b",
        r"\b(?:involve|involving|contact|consult|call|get|hand|forward|instruct|engage|pass)\w* (?:this |it |the matter )?(?:over )?(?:to |with )?(?:our|my|a|the) (?:lawyers?|attorneys?|solicitors?|legal (?:team|department|counsel))\b",
        r"\b(?:our|my) (?:lawyers?|attorneys?|solicitors?|legal (?:team|department|counsel)) (?:will|is|are|has|have|would|shall)\b",
        r"\b(?:take|taking|took) (?:it|this|the matter|this matter) (?:up )?(?:with|to) (?:our|my) (?:lawyers?|attorneys?|solicitors?|legal (?:team|department|counsel))\b",
        r"\breport (?:you|this|your company|the incident) to (?:the )?(?:ftc|ico|cnil|aepd|bafin|regulator|authorities|data protection|consumer)",
        r"\b(?:complaint|complain) (?:to|with) (?:the )?(?:ftc|ico|cnil|aepd|regulator|data protection|consumer protection)",
        r"\b(?:rechtlich\w*|gerichtlich\w*) (?:schritte|vorgehen|massnahmen|konsequenzen)",
        r"\b(?:rechtsweg|verklagen|klage\w* (?:einreichen|erheben)|vor gericht|abmahnung|mahnverfahren)\b",
        r"\b(?:anwalt|rechtsanwalt|rechtsabteilung|kanzlei|anwaltin)\w* (?:\w+ ){0,2}(?:einschalten|eingeschaltet|beauftragen|beauftragt|informieren|wird|werden)",
        r"\b(?:unser|mein)\w* (?:anwalt|rechtsanwalt|rechtsabteilung|anwaltin|anwalte)",
        r"\b(?:datenschutzbehorde|aufsichtsbehorde|verbraucherzentrale)\b",
        r"\b(?:acciones|medidas|via) (?:legales|judicial(?:es)?)\b",
        r"\b(?:demandar\w*|denunciar\w*|demanda judicial|ante (?:los )?tribunales|juzgado|nuestr[oa]s? abogad\w*|mis? abogad\w*|abogados)\b",
        r"\b(?:poursuites?|action en justice|voie judiciaire|mise en demeure|porter plainte|deposer (?:une )?plainte|devant (?:les )?tribunaux|tribunal)\b",
        r"\b(?:notre|mon|nos|mes) avocats?\b",
        r"律师|起诉|法律行动",
    ),
    "other_customer_data": (
        r"\b(?:export|daten|workspace|dashboards?|zugang)\w* (?:\w+ ){0,3}(?:der|von der) (?:firma|gesellschaft|spedition|kanzlei|praxis)\b",
        r"\b(?:export|data|workspace|dashboards?|numbers|figures|access) (?:\w+ ){0,3}(?:of|from|belonging to) (?:the )?(?:company|firm|agency|store|shop|clinic|practice) (?:called |named )?[a-z]",
        r"\bbenchmark\w* (?:\w+ ){0,3}(?:with|against) (?:another|other|a competitor|their)",
        r"\b(?:data|records|exports?|dashboards?|reports?|details|contacts?|emails?|lists?|information|invoices?|usage)\b (?:\w+ ){0,2}(?:of|from|for|about|belonging to|owned by) (?:your |the )?(?:an?other|other|a different|different|some other) (?:\w+ )?(?:customers?|compan(?:y|ies)|clients?|tenants?|workspaces?|accounts?|organi[sz]ations?)",
        r"\b(?:an?other|other|a different) (?:customer|company|client|tenant|organi[sz]ation)'?s (?:data|records|dashboards?|reports?|export|workspace|account|details)",
        r"\b(?:someone|somebody) else'?s (?:data|records|dashboards?|workspace|account|export|invoices?)",
        # asked of support for the writer, from a pronoun's account: "could you export it for us
        # from their account", "give us access to their workspace"
        r"\b(?:could|can|would|will) you (?:please )?(?:export|copy|send|pull|download|share|give"
        r"|transfer|move)\w*\b[^.?!\n]{0,40}\b(?:from|of|out of) (?:their|his|her) (?:own )?(?:acme )?"
        r"(?:account|workspace|tenant)\b",
        r"\bgive (?:us|me) (?:\w+ ){0,3}access (?:to|into) (?:their|his|her) (?:own )?(?:acme )?"
        r"(?:account|workspace|tenant|dashboards)\b",
        r"\bcompetitor'?s? (?:data|dashboards?|numbers|metrics|workspace|account)",
        # figures of other, similar or named kinds of businesses on the platform
        rf"\b{_FIGURES}\b (?:\w+ ){{0,3}}(?:of|from|for|about|on|belonging to) (?:the )?(?:an?other|other"
        rf"|some other|similar|comparable|competing|fellow|peer) (?:\w+ ){{0,2}}?{_BUSINESSES}\b",
        rf"\b(?:list|names|contacts|emails) of (?:the )?(?:an?other |other |similar |competing )?(?:\w+ )?"
        rf"{_BUSINESSES} (?:\w+ ){{0,2}}(?:on|using|that use|who use|in) (?:acme|your|the platform)",
        # the same in German, Spanish and French: "la liste des entreprises lyonnaises qui
        # utilisent Acme", "Liste der Firmen, die Acme nutzen", "lista de empresas que usan Acme"
        r"\b(?:liste|lista|noms|namen|nombres) (?:des|de vos|d'autres|der|aller|von|de las?|de los|de) "
        r"(?:\w+ ){0,2}(?:entreprises|clients|societes|agences|commerces|boutiques|firmen|kunden"
        r"|unternehmen|betriebe|empresas|clientes|agencias|tiendas|negocios)\b,? (?:\w+,? ){0,3}"
        r"(?:qui utilisent|utilisant|die acme|welche acme|que usan|que utilizan|que trabajan con"
        r"|qui s'en servent|qui l'utilisent|qui les utilisent|que lo usan|que la usan|die es nutzen"
        r"|who use it|that use it)\b",
        rf"\b{_FIGURES_DE}\b (?:\w+ ){{0,3}}(?:anderer|vergleichbarer|ahnlicher|fremder|konkurrierender)"
        r" (?:\w+ )?(?:kunden|firmen|unternehmen|marken|handler|shops|betriebe|kanzleien|praxen|hotels"
        r"|schulen|agenturen|mandanten)\b",
        rf"\b{_FIGURES_ES}\b (?:\w+ ){{0,3}}de otr[oa]s (?:\w+ )?(?:clientes|empresas|marcas|tiendas"
        r"|comercios|negocios|agencias|cuentas|hoteles|clinicas|colegios|organizaciones)\b",
        # "el volumen de avisos de otros servicios de emergencias clientes suyos"
        rf"\b{_FIGURES_ES}\b (?:\w+ ){{0,3}}de otr[oa]s (?:\w+ ){{0,3}}(?:clientes|usuarios)"
        r" (?:suyos|vuestros|de ustedes|de acme)\b",
        rf"\b{_FIGURES_FR}\b (?:\w+ ){{0,3}}(?:d'autres|des autres|de vos autres) (?:\w+ )?(?:clients"
        r"|entreprises|marques|boutiques|enseignes|societes|agences|commerces|hotels|cliniques|ecoles"
        r"|organisations)\b",
        r"\b(?:list|names|emails|contacts) of (?:all )?(?:your|the|other|acme'?s?) (?:other )?(?:\w+ )?"
        r"(?:customers|clients|users)\b(?!'? ?s? (?:success|case|testimonial|review|logo|stor))",
        _WHICH_OTHERS_USE,
        # "a full list of financial-services customers", "la liste complète de vos clients"
        r"\b(?:full|complete|entire) list of (?:all )?(?:your |acme'?s? )?(?:[\w-]+ ){0,2}"
        r"(?:customers|clients)\b",
        # "reply with a CSV of all Acme Insights customer company names, contact emails and plan
        # tiers": Acme's (or your) customers as a whole, not the writer's own users
        r"\b(?:csv|spreadsheet|export|dump|list|file) of (?:all )?(?:(?:the )?acme(?: insights)?'?s?|your)"
        r" (?:other )?(?:[\w-]+ )?(?:customer|client)s?\b(?! (?:success|support|service|portal|stor"
        r"|testimonial|review|logo|case|journey|feedback|satisfaction|segment))",
        # every workspace on a cluster or server is every customer's: "export the list of all
        # workspaces hosted on the EU cluster, with owner name and email"
        r"\b(?:list|export|csv|spreadsheet|names|overview|inventory) (?:of|with) (?:all|every)"
        r" (?:the )?(?:[\w-]+ )?(?:workspaces|customers|accounts|tenants|organi[sz]ations)"
        r" (?:hosted |running |located |stored )?(?:on|in) (?:the |your |acme'?s? )?(?:[\w-]+ )?"
        r"(?:cluster|servers?|instance|platform)\b",
        # "which of your other customers run the Snowflake sync", "quels clients utilisent …"
        r"\bwhich (?:of )?(?:your|acme'?s) (?:other )?(?:[\w-]+ )?(?:customers|clients)\b"
        r"(?! (?:success|case|stor|testimonial|review|logo))",
        r"\b(?:welche|lesquels de vos|quels|quelles|que|cuales de sus|cuales de vuestros)"
        r" (?:anderen |autres |otros )?(?:kunden|clients|clientes) (?:von acme |de acme |d'acme )?"
        r"(?:nutzen|verwenden|utilisent|usan|utilizan) (?:\w+ ){0,3}?(?:bei ihnen|chez vous"
        r"|con ustedes|con vosotros|acme)\b",
        # whether a company is a customer: "ob die Finlo Pay GmbH und die Kontora AG bei Ihnen
        # Kunden sind", "whether Northwind is a customer of yours", "si X est client chez vous"
        rf"\b(?:ob|if|whether|si|s'ils?) (?:{_NOT_THE_WRITER}[\w&.-]+ ){{1,8}}?(?:bei ihnen |chez vous "
        r"|con ustedes )?"
        r"(?:kunden|kundin|kunde|clientes?|clients?) (?:bei ihnen |von acme |de acme |d'acme "
        r"|chez vous |de ustedes |vuestr[oa]s? )?(?:sind|ist|sont|est|son|es)\b",
        rf"\b(?:whether|if|confirm(?: that)?) (?:{_NOT_THE_WRITER}[\w&.'-]+ ){{1,6}}?(?:is|are)"
        r" (?:a |an )?(?:customer|client)s? (?:of yours|of acme|with you|with acme)\b",
        rf"\b(?:si|ob) (?:{_NOT_THE_WRITER}[\w&.-]+ ){{1,6}}?(?:es|son|est|sont|ist|sind)"
        r" (?:un |una |une |ein |eine )?"
        r"(?:clientes?|clients?|kunden?|kundin) (?:de acme|d'acme|von acme|bei ihnen|chez vous"
        r"|de ustedes|vuestr[oa]s?|suy[oa]s?)\b",
        # "which of my competitors are on your Enterprise plan?"
        r"\bwhich (?:of )?(?:my|our) (?:\w+ )?(?:competitors|rivals|competition)\b (?:\w+ ){0,2}"
        r"(?:are|is|use|uses|pay|work) (?:on|with|you|acme|your)\b",
        # other businesses named before, then pointed at: "figures from those customers'
        # workspaces" (a writer's own customers have no workspace or account with Acme)
        rf"\b{_FIGURES}\b (?:\w+ ){{0,3}}(?:of|from|in|out of) (?:those|these|such|the other) (?:\w+ ){{0,2}}?"
        rf"{_BUSINESSES}'? ?s? (?:acme (?:workspaces?|accounts?)|workspaces?|tenants?)\b",
        # another company's people or plan, asked by pronoun: "give me the email of whoever is
        # their admin", "which plan are they on"
        r"\b(?:e-?mail|phone(?: number)?|contact(?: details)?|name) of (?:whoever is |the person who is )?"
        r"(?:their|his|her) (?:admin|administrator|owner|account owner|contact|manager)\b",
        r"\bdaten (?:\w+ ){0,2}(?:eines|einer|von|des|der) (?:anderen|fremden) (?:kunden|firma|firmen|unternehmen|mandanten|kundin)",
        r"\b(?:fremde|andere) (?:kunden|firmen)daten",
        r"\bdatos (?:\w+ ){0,2}de (?:otr[oa]s?|una? otr[oa]) (?:clientes?|empresas?|cuentas?|organizaciones?)",
        r"\bdonnees (?:\w+ ){0,2}(?:d'une? autre|d'autres|des autres|de vos autres) (?:clients?|entreprises?|societes?|comptes?|organisations?)",
        r"其他客户的数据|别人的数据",
    ),
    # The writer asks support to make them the account's owner: only the owner can hand
    # ownership over, so whoever asks this cannot, and a person must check who they are
    # ("the owner left, could you make me the owner?", "übertragen Sie mir die
    # Inhaberschaft", "que me pongáis como propietaria", "me désigner comme propriétaire").
    # The owner asking how to hand it to a colleague is a how-to, and is not matched.
    "ownership_claim": (
        r"\b(?:make|set|add|name|appoint|designate|register|list|put) (?:me|us|myself) (?:in )?(?:as )?"
        r"(?:the )?(?:new |sole |only |account |workspace |acme )*owners?\b",
        r"\b(?:transfer|move|pass|hand|switch|change|reassign|assign|give|put)s? (?:over )?(?:the )?"
        r"(?:\w+(?:'s)? ){0,3}ownership (?:\w+ ){0,5}?(?:over )?to (?:me|us|myself|ourselves"
        r"|(?:this|my|our) (?:new )?(?:e-?mail|address|account|user|login))\b",
        r"\b(?:transfer|pass|hand|give|assign)s? (?:me|us) (?:the )?(?:\w+ )?ownership\b",
        r"\bownership (?:\w+ ){0,4}(?:moved|transferred|passed|changed|switched|given|reassigned"
        r"|assigned|handed over) to (?:me|us|myself)\b",
        r"\bchange (?:the )?(?:account |workspace )?owner\b[^.?!\n]{0,60}\bto me\b",
        r"\b(?:can|could|may) (?:i|we) (?:please )?(?:be made|become|be set as|be named) (?:the )?"
        r"(?:new |sole |account )?owners?\b",
        # the owner gone and no way for the writer to act: "derek is the only admin, I'm an editor
        # … how do I become owner?" (the owner's own how-to names no one who left)
        r"\bhow (?:do|can|could) (?:i|we) (?:\w+ )?(?:become|be made|get made|take over as) (?:the )?"
        r"(?:new |sole |account |workspace )?owners?\b",
        # handed to a personal mail address on request: "Please transfer ownership of the Stratos
        # workspace to kevin.marsh.stratos@outlook.example"
        r"\b(?:please |kindly |could you |can you |would you |we need you to |i need you to )"
        r"(?:\w+ )?(?:transfer|move|hand over|reassign|change|switch)\w* (?:the )?(?:\w+(?:'s)? ){0,3}"
        r"ownership (?:\w+ ){0,6}?to [\w.+-]+@(?:gmail|googlemail|outlook|hotmail|live|yahoo|icloud"
        r"|me|aol|gmx|web|proton|protonmail|mail|yandex|free|orange|laposte|wanadoo|t-online)\.",
        r"\b(?:i|we) (?:\w+ )?(?:want|would like|need|wish|'d like) to (?:become|be made) (?:the )?"
        r"(?:new |sole |account )?owners?\b",
        r"\b(?:ubertragen|ubergeben|umschreiben|umstellen)\w* (?:sie |du )?(?:mir|uns) (?:\w+ ){0,3}"
        r"(?:inhaberschaft|inhaberrolle|eigentum\w*|besitzer\w*|inhaber\w*)",
        r"\b(?:inhaberschaft|inhaberrolle|inhaber-rolle|kontoinhaber\w*|eigentumer\w*|besitzer\w*)\b"
        r"[^.?!\n]{0,60}\bauf (?:mich|uns)\b[^.?!\n]{0,30}\b(?:ubertrag|umschreib|umstell|ubergeb|wechsel)",
        r"\b(?:mich|uns) (?:\w+ ){0,2}zu[mr]? (?:neuen |neue |alleinigen |alleinige )?(?:inhaber\w*"
        r"|kontoinhaber\w*|eigentumer\w*|besitzer\w*|owner)\b",
        r"\b(?:ich|wir) (?:\w+ ){0,2}(?:der |die |neue[rn]? )?(?:inhaber\w*|kontoinhaber\w*|owner) werden\b",
        r"\b(?:me|nos) (?:\w+ ){0,2}(?:pongais|pongan|ponga|pones|hagan|haga|hagais|nombren|nombre"
        r"|asignen|asigne|designen|designe|registren|dejen) (?:como )?(?:el |la |nuevo |nueva )?"
        r"(?:propietari[oa]s?|duen[oa]s?|titular(?:es)?)\b",
        r"\b(?:transferir|traspasar|pasar|ceder|transfieran|transfiera|traspasen|traspase|cedan|ceda)"
        r"(?:me|nos)? (?:\w+ ){0,3}(?:propiedad|titularidad)\b[^.?!\n]{0,60}\ba (?:mi(?= ?[,.;:!?)\n]|$)"
        r"|mi nombre|nosotros|este correo|esta direccion|mi correo|mi usuario|mi cuenta)\b",
        r"\b(?:transferir|traspasar|pasar|ceder)(?:me|nos) (?:\w+ ){0,2}(?:propiedad|titularidad)\b",
        r"\b(?:quiero|queremos|quisiera|quisieramos|necesito|necesitamos|puedo|podria|podemos)"
        r" (?:\w+ ){0,2}(?:ser|convertirme en|pasar a ser) (?:el |la )?(?:nuevo |nueva )?"
        r"(?:propietari[oa]|duen[oa]|titular)\b",
        r"\b(?:me|nous) (?:\w+ ){0,2}(?:designer|designez|nommer|nommez|mettre|mettez|definir"
        r"|definissez|inscrire|inscrivez) (?:comme |en tant que )?(?:le |la |nouveau |nouvelle )?"
        r"(?:proprietaire|titulaire)s?\b",
        r"\b(?:me|nous) (?:\w+ ){0,2}(?:transferer|transferez|ceder|cedez|passer|passez|attribuer"
        r"|attribuez|confier|confiez) (?:la )?(?:propriete|titularite)\b",
        r"\b(?:propriete|titularite)\b[^.?!\n]{0,60}\b(?:transfere|transferee|attribuee|cedee|passee)s?"
        r" (?:a|vers|sur) (?:moi|nous|moi-meme|mon (?:compte|adresse|e-?mail))\b",
        r"\b(?:je|nous) (?:\w+ ){0,2}(?:devenir|etre nomme\w*|etre designe\w*) (?:le |la )?"
        r"(?:nouveau |nouvelle )?(?:proprietaire|titulaire)s?\b",
    ),
    "secrets_request": (
        # a named workspace's key asked to be returned: "return the active API key for workspace
        # cedarpoint-ops together with the owner's email"
        r"\b(?:return|send|give|provide|share|reveal|disclose|forward|email)\w* (?:me |us )?(?:the |its )?"
        r"(?:active |current |live |admin |full |production )*(?:api[- ]?keys?|secret keys?|access tokens?"
        r"|passwords?|credentials) (?:for|of|from) (?:the )?(?:workspace|tenant)\b",
        r"\b(?:son|sa|ses|leur|leurs) (?:mot de passe|mots de passe|identifiants|cles?|codes? d'acces)\b",
        r"\b(?:su|sus) (?:contrasena|contrasenas|credenciales|claves?|codigos? de acceso)\b",
        # "sein Passwort" (his); not "ihr Passwort": folded, "Ihr" (yours, as in every German
        # notice: "Ihr API-Schlüssel läuft ab") reads the same as "ihr" (hers)
        r"\b(?:sein|seine|seinen) (?:passwort|kennwort|zugangsdaten|api-?schlussel|schlussel)\b",
        r"\b(?:credentials|api keys?|passwords?|tokens?) (?:that |which )?\w+ (?:set up|created|used|had|kept)\b",
        r"\b(?:his|her|their|someone else'?s|somebody else'?s|another (?:user|person|employee|customer|admin)'?s|(?:the |our )?(?:former|previous|old|ex-?) ?(?:\w+ ){0,2}\w+'s|the (?:admin|administrator|owner)(?:'s)?) (?:\w+ )?(?:passwords?|api[ -]?keys?|tokens?|credentials|2fa codes?|mfa codes?|recovery codes?|login details)\b"
        rf"{_NOT_A_SECRET}",
        r"\b(?:passwords?|api[ -]?keys?|tokens?|credentials|login details) (?:of|for|from|belonging to) (?:the |our |my )?(?:former|previous|old|ex-?|another|other|a different|someone|somebody|his|her|their)",
        r"\b(?:access|log ?in|get in) (?:to|into) (?:someone else'?s|another (?:user|person|employee|customer)'?s|(?:his|her|their) (?:\w+ )?(?:account|mailbox|inbox)|(?:my|our) (?:ex-?|former )(?:\w+ )?(?:colleague|coworker|boss|employee|admin)'?s (?:account|mailbox|inbox))",
        r"\b(?:passwort|kennwort|zugangsdaten|api-?key|api-?schlussel|schlussel|token)\w* (?:\w+ ){0,2}(?:von|des|der|vom) (?:\w+ ){0,2}(?:ehemalig|fruher|vorherig|andere|kolleg|mitarbeiter|admin|inhaber)",
        r"\b(?:ehemalig|fruher|vorherig)\w* (?:\w+ ){0,2}(?:passwort|kennwort|zugangsdaten|api-?key|api-?schlussel|token)",
        r"\b(?:contrasena|clave|credenciales|token)\w* (?:\w+ ){0,2}(?:de|del) (?:\w+ ){0,2}(?:anterior|antigu|ex-?|otro|otra|compan|emplead|administrador|dueno)",
        r"\b(?:mot de passe|cle|cles|identifiants|jeton)\w* (?:\w+ ){0,2}(?:de|du|d') ?(?:l')?(?:\w+ ){0,2}(?:ancien|precedent|autre|collegue|employe|administrateur|proprietaire)",
        r"(?:别人|其他人|前同事)的(?:密码|密钥)",
        # "can you reset his password and just tell me the new one here?"
        r"\b(?:reset|change|set)\w* (?:his|her|their|[a-z]+'s) (?:\w+ )?(?:password|passcode|pin)\b"
        r"[^.?!\n]{0,60}?\b(?:tell|send|give|text|e-?mail|share|dm|message|paste|post)\w* (?:it |that )?"
        r"(?:to )?(?:me|us)\b",
        *_HAND_OVER_EN,
        *_IN_CLEAR_ASK,
        *_HAND_OVER_DE,
        *_HAND_OVER_ES,
        *_HAND_OVER_FR,
    ),
}
_COMPILED = {
    intent: re.compile("|".join(f"(?:{p})" for p in pats)) for intent, pats in _PATTERNS.items()
}


EVIDENCE_REACH = 25  # characters of context either side of a request's words, in whole words


@dataclass(frozen=True)
class Request:
    """One request found in a ticket: which intent, and the words that showed it."""

    intent: Intent
    evidence: str


@dataclass(frozen=True)
class Requests:
    """Every person-first request found in a ticket, and the obfuscation undone to find them."""

    found: tuple[Request, ...]
    tricks: tuple[str, ...]

    @property
    def intents(self) -> tuple[Intent, ...]:
        """The intents found, in a stable order."""
        return tuple(r.intent for r in self.found)


def find_requests(text: str, tier: str | None = None) -> Requests:
    """Find every money, account, privacy, legal and secrets request in ``text``.

    With the customer's ``tier``, a plan change to a higher tier is an upgrade, a
    sales question the rubric leaves to the queue: it counts only when the ticket also
    names a change that is not an upgrade.
    """
    inspection: Inspection = inspect(text)
    folded = inspection.text
    found = []
    for intent, pattern in _COMPILED.items():
        matches = pattern.finditer(folded)
        if intent == "plan_change" and tier is not None:
            matches = (m for m in matches if not is_upgrade(m.group(0), tier, folded[m.end() :]))
            matches = (m for m in matches if not _moved_to_current(folded, m, tier))
        if intent in MONEY_INTENTS:
            matches = (m for m in matches if not _not_asked(folded, m))
        elif intent in ACCOUNT_INTENTS:
            # "If we moved to Growth, would …?", "Wenn wir kündigen, …?": asking what would happen
            matches = (m for m in matches if not _hypothetical(folded, m))
            matches = (m for m in matches if not _not_a_change(folded, m))
            if intent == "deletion":
                matches = (m for m in matches if not _deletion_policy_question(folded, m))
            if intent == "ownership_claim" and not _OWNER_GONE.search(folded):
                matches = (m for m in matches if not _owner_hands_over(folded, m))
        if intent == "secrets_request":
            matches = (m for m in matches if not _revoked(folded, m))
        if intent == "gdpr":
            matches = (m for m in matches if not _said_not_to_be(folded, m))
        if intent == "other_customer_data":
            matches = (m for m in matches if not _offered_question(folded, m))
            matches = (
                m for m in matches if not _NOT_GIVEN_OUT.search(_before(folded, m, NOT_GIVEN_REACH))
            )
        match = next(iter(matches), None)
        if match is None and intent == "secrets_request":
            match = _secret_asked_by_pronoun(folded)
        if match is None and intent == "other_customer_data":
            match = _fellow_customers_data(folded) or _peers_figures(folded)
        if match is None:
            continue
        found.append(
            Request(intent, quote(text, folded, match.start(), match.end(), EVIDENCE_REACH))
        )
    return Requests(tuple(found), inspection.tricks)


# Another company introduced as a fellow customer, then its data asked for: "the Weidemann
# company, also a customer of yours … we would need their installation figures".
_FELLOW_CUSTOMER = re.compile(
    r"\b(?:(?:who|which|that) (?:is|are) also (?:a |an )?(?:acme |your )?(?:customers?|clients?|users?)"
    r"|also (?:uses?|using|on|with) (?:acme|you)\b|(?:ebenfalls|auch) (?:kunde|kundin|kunden) (?:bei|von)"
    r"|tambien (?:es|son) (?:clientes?|usuari[oa]s?)|tambien (?:usa|usan|utiliza|utilizan|trabaja"
    r"|trabajan) con (?:acme|vosotros|ustedes)|(?:aussi|egalement) (?:clients?|utilisateurs?)"
    r"|(?:utilise|utilisent) (?:aussi|egalement) acme"
    # "Wickworks uses Acme too", "nutzt auch Acme", "usa Acme también", "utilise Acme aussi"
    r"|(?:uses?|using|is on|are on|runs? on) (?:acme|you|your (?:platform|product)) (?:too|as well)\b"
    r"|(?:nutzt|nutzen|verwendet|verwenden|arbeitet|arbeiten) (?:auch|ebenfalls) (?:mit )?acme"
    r"|(?:usa|usan|utiliza|utilizan|trabaja|trabajan) (?:con )?acme (?:tambien|igualmente)"
    r"|(?:tambien|igualmente) (?:usa|usan|utiliza|utilizan|trabaja|trabajan|esta|estan) (?:con |en )?acme"
    r"|(?:utilise|utilisent|travaille|travaillent) (?:avec )?acme (?:aussi|egalement)"
    # "if a competitor of ours were on Acme, … how many seats they have"
    r"|\bcompetitors? (?:of (?:ours|mine) )?(?:were|was|is|are|be) (?:on|using|with) (?:acme|you)\b"
    # asked whether they are customers: "sabéis si Aloe & Co y NaturaPiel usan Acme?"
    r"|\b(?:know|sabeis|sabes|saben|sabe|savez|sais|wisst|wissen|weisst|confirm|confirmar|confirmer"
    r"|confirmez|confirmarnos|confirmarme|bestatigen|tell (?:me|us)|decir(?:nos|me)|dire) (?:\w+ ){0,2}?"
    r"(?:(?:if|whether|si|ob) [^.?!\n]{3,60}?|s'ils?|s'elles?) (?:uses?|are on|is on|usan?|utilizan?"
    r"|utilise|utilisent|nutzt|nutzen"
    r"|verwendet|verwenden) (?:acme|you|vosotros|ustedes|vous|euch|sie)\b)"
)
_THEIR_DATA = re.compile(
    rf"\b(?:their|deren|dessen|su|sus|leur|leurs) (?:\w+ |{_NAME} )?(?:dashboards?|data|daten|datos|donnees"
    r"|\w*zahlen|figures|numbers|cifras|chiffres|exports?|reports?|berichte?|informes?|rapports?"
    r"|rates?|tasas?|taux|\w*quoten?|conversions?|conversiones|averages?|promedios?|moyennes?"
    r"|ticket medio|panier moyen|warenkorb\w*"
    r"|workspace|contacts?|kontakt\w*|e-?mails?|customers?|kunden\w*|clientes|clients|revenue"
    r"|umsatz\w*|ventas|ventes|chiffre(?: d'affaires)?|nombre (?:de |d')\w+|ca)\b"
    # their figures or plan asked by pronoun: "how many orders a month they're doing", "what
    # plan they're on", "cuántos pedidos tienen", "welchen Tarif sie haben", "quel forfait ils ont"
    r"|\bhow (?:many|much) (?:\w+ ){0,4}(?:they|they're|they are|he|she)\b"
    r"|\b(?:what|which) (?:plan|tier|package|pricing) (?:they|they're|they are|he|she|it)\b"
    r"|\bcuant[oa]s? (?:\w+ ){0,4}(?:tienen?|hacen?|venden?|facturan?|ganan?|pagan?)\b"
    r"|\bque (?:plan|tarifa) (?:tienen|usan|pagan|contrataron)\b"
    r"|\bwie viele? (?:\w+ ){0,4}(?:sie|die) (?:\w+ ){0,3}(?:haben|machen|verkaufen|zahlen|umsetzen)\b"
    r"|\bwelche[nms]? (?:tarif|plan|paket) (?:haben |nutzen |zahlen )?(?:sie|die)\b"
    r"|\bcombien (?:de |d')(?:\w+ ){0,4}(?:ils|elles|il|elle)\b"
    r"|\bquel(?:le)? (?:forfait|plan|offre|abonnement) (?:ils|elles|il|elle)\b"
)
FELLOW_REACH = 300  # characters after the introduction within which their data is asked for


def _fellow_customers_data(folded: str) -> re.Match[str] | None:
    for fellow in _FELLOW_CUSTOMER.finditer(folded):
        theirs = _THEIR_DATA.search(folded, fellow.end(), fellow.end() + FELLOW_REACH)
        if theirs:
            return theirs
    return _workspace_on_their_admins_word(folded)


# A workspace's export or access asked for on the word of "their" admin, another company's:
# "j'ai besoin d'un export complet du workspace "atelier-dubois" … j'ai l'accord de leur admin".
_THEIR_ADMINS_WORD = re.compile(
    r"\b(?:(?:approval|permission|consent|go-ahead|ok|blessing|agreement) (?:of|from) their"
    r"|(?:accord|autorisation|permission|feu vert) (?:de|d') ?(?:leur|leurs)"
    r"|(?:zustimmung|erlaubnis|freigabe|okay|ok) (?:ihres|ihrer|deren)"
    r"|(?:permiso|autorizacion|visto bueno|aprobacion|consentimiento) de (?:su|sus))"
    r" (?:\w+ )?(?:admin|administrat\w*|owner|proprietaire|inhaber\w*|dueno|responsable)"
    r"|\btheir (?:admin|administrator|owner)\w* (?:\w+ ){0,2}(?:approved|agreed|said (?:yes|ok)|signed off)"
)
_WORKSPACE_ASKED = re.compile(
    r"\b(?:export\w*|access|acces|zugang|zugriff|acceso|copy|copie|kopie|copia)\b[^.?!\n]{0,40}"
    r"\b(?:workspace|espace de travail|arbeitsbereich|espacio de trabajo|tenant|account|compte"
    r"|konto|cuenta)"
)


def _workspace_on_their_admins_word(folded: str) -> re.Match[str] | None:
    if _THEIR_ADMINS_WORD.search(folded) is None:
        return None
    return _WORKSPACE_ASKED.search(folded)


# "Your refund policy", "politique de remboursement": a question about the rules.
_POLICY_AFTER = re.compile(
    r"\w*[ -]?(?:polic(?:y|ies)|terms|rules|conditions|guidelines|eligibility|window|faq|work|works"
    r"|question|questions|query|enquiry|inquiry"
    r"|richtlinie\w*|bedingungen|regel\w*|politica|condiciones|politique|regles)\b"
)
# "refund if we cancel": what a later change would bring, asked before it is made
_IF_WE_AFTER = re.compile(
    r"s? (?:if|when|in case) (?:we|i|you|one|a customer) (?:\w+ ){0,2}?(?:cancel|downgrade|leave"
    r"|switch|quit|stop)\w*\b"
)
_POLICY_BEFORE = re.compile(
    r"\b(?:politica|condiciones|terminos|reglas|politique|conditions|regles) (?:de |del |du |des |d')$"
    r"|\b(?:do|does) (?:you|acme|your company) (?:\w+ )?$"  # "do you only refund within …?"
    # "Question about refunds", "Frage zur Erstattung": the topic of a question, not a demand
    r"|\b(?:questions?|asking|wondering|curious|consulta|pregunta|dudas?|frage|fragen)"
    r" (?:about|on|regarding|sobre|zu|zur|zum) (?:your |the |a |los |las |el |la |der |die )?$"
    r"|\bquestions? (?:sur|concernant) (?:les |la |le |vos |votre )?$"
)
# "We are not asking for a refund", "no need for a credit", "wir wollen keine Erstattung".
_DECLINED_BEFORE = re.compile(
    r"(?:\b(?:not|never) (?:asking|requesting|looking|after|expecting|seeking|wanting) (?:for )?"
    r"|\bno need (?:for|of) |\b(?:don'?t|do not|won'?t|will not) (?:need|want|expect|require) "
    r"|\b(?:wollen|will|brauchen|brauche|mochten|mochte|benotigen|erwarten|fordern) (?:\w+ )?keine?n? "
    r"|\bnot (?:a|an) "  # "(not a refund request!)"
    r"|\bno (?:queremos|necesitamos|pedimos|buscamos|quiero|necesito|pido|solicito|reclamo"
    r"|solicitamos|reclamamos|hace falta|es necesari[oa]) (?:\w+ )?"
    r"|\bno (?:estoy|estamos) (?:pidiendo|solicitando|reclamando|buscando|esperando) "
    # "nous ne demandons pas de remboursement", "je ne demande ni remboursement ni …"
    r"|\b(?:ne |n')(?:\w+ )?(?:avons|ai|demande|demandons|veux|voulons|cherche|cherchons|reclame"
    r"|reclamons|attends|attendons|souhaite|souhaitons|sollicite|sollicitons)"
    r" (?:pas|nullement|ni|aucun|aucune) (?:besoin )?(?:de |d'|du |d'un |d'une )?"
    r"|\bpas (?:besoin )?(?:de |d'|du )|\bnothing (?:\w+ )?to )"
    # the money word second in a list: "any change or refund", "aucun changement ni remboursement"
    r"(?:(?:a |an |any |the |un |una |unos |el |la |le |les |die |eine |einen )?\w+"
    r" (?:or|nor|ni|ou|o|oder|noch) )?"
    r"(?:a |an |any |the |un |una |unos |el |la |le |les |die |eine |einen )?$"
)
# "no refund needed", "no refund or dispute needed", "keine Erstattung nötig", "kein
# Erstattungswunsch": the money word after a "no", declined by what follows it (which the
# text before the word, all ``_DECLINED_BEFORE`` sees, cannot show).
_NO_BEFORE = re.compile(r"\b(?:no|keine?n?|ningun[oa]?|aucune?|pas de) $")
_DECLINED_AFTER = re.compile(
    r"\w*?(?:s?wunsch\b|(?: (?:or|and|nor|oder|noch|ni|o|ou|y|et|und) \w+)?"
    r" (?:needed|necessary|required|wanted|notig|notwendig|erforderlich|gewunscht|gewollt"
    r"|necesari[oa]s?|necessaire)\b)"
)
# "Refund received – thank you", "the credit note arrived": money already settled.
_SETTLED_AFTER = re.compile(
    r"\w*(?: \w+){0,6}? (?:arrived|came through|went through|has been (?:processed|issued|paid)"
    r"|was (?:processed|issued|paid)|(?:is |was |has been )?received|ist eingegangen|eingegangen"
    r"|(?:haben|habe) (?:\w+ )?erhalten|erhalten|llego|ha llegado|recibid[oa]|est arrive|a ete recu|recue?)\b"
)
_SETTLED_BEFORE = re.compile(
    r"\b(?:received|got|we've got|arrived) (?:the |your |our |a |that )?$"
    # "it was refunded", "a bien été remboursé", "wurde erstattet", "fue reembolsado" (not
    # "should have been refunded": "have been" is not among them)
    r"|\b(?:was|were|has been|(?:a|ont) (?:bien |deja )?ete|wurde|wurden|fue|fueron|ha sido|han sido)"
    r" (?:already |bien |ya |schon |bereits |deja |fully |comme prevu )?$"
    # "Thanks for the refund", "thanks re March refund" (not "thanks in advance for the
    # refund", "thanks for any refund you can give", "merci de nous rembourser")
    r"|\b(?:thanks?|thank you|danke|gracias|merci) (?:for|re|fur|por|pour) (?!any )(?:\w+ ){0,2}$"
)
_NOT_YET = re.compile(
    r"\b(?:not|never|n't|yet|still|noch nicht|nicht|kein\w*|no (?:hemos|he|ha)|todavia|aun no"
    r"|pas (?:encore )?(?:recu|arrive)|jamais|toujours pas)\b"
)
# "Guaranteed, or your money back!": a seller's promise, not a customer's request.
_GUARANTEE = re.compile(
    r"(?:\bor (?:your )?money back|money-back guarantee|money back guarantee|geld-zuruck-garantie"
    r"|satisfait ou rembourse|garantia de devolucion|\bo (?:le |te |les |os )?devolvemos (?:su |tu |el )?dinero"
    r"|\bou (?:nous )?(?:vous )?rembours|\boder (?:sie bekommen |sie erhalten )?(?:ihr )?geld zuruck)"
)
# A shop's refunds as data ("the orders, refunds and partial shipments came across").
_AS_DATA = re.compile(
    r"(?:\b(?:orders|shipments|returns|discounts|sales|transactions|line items|taxes),? (?:and |or |& )?"
    r"(?:the )?refunds\b|\brefunds? (?:and|or|&) (?:the )?(?:partial )?(?:shipments|orders|returns|discounts"
    r"|cancellations|taxes)\b|\brefunds? (?:rate|column|field|metric|data|totals?|line items|events|table"
    r"|widget|chart|tab)s?\b"
    # what a connector brings in: "does the Shopify connector bring in refunds and partial refunds?"
    r"|\brefunds (?:and|or|&) partial refunds\b|\b(?:connector|integration|sync|import)s? (?:\w+ ){0,3}"
    r"(?:bring|brings|pull|pulls|import|imports|sync|syncs|include|includes) (?:in )?(?:the )?refunds\b"
    r"|\b(?:connector|integration|sync|import)s?\s*[-–—:]\s*refunds\b"  # a subject: "connector – refunds?"
    # refunds as what explains a figure: "is the gap due to refunds?", "asked if it's refunds"
    r"|\b(?:due to|because of|caused by|explained by|net of|excluding|it'?s|is it|could it be"
    r"|might be|maybe) (?:the )?refunds\b(?! (?:me|us|for|of|on)\b)"
    # ... or one guess among others: "Is it time zone? Refunds?", "refunds/taxes or time zone",
    # "not subtracting refunds"
    r"|[?] refunds\?|\brefunds ?/ ?(?:tax|taxes|time ?zones?|currency|shipping|discounts)\b"
    r"|\b(?:tax|taxes|time ?zones?|currency|shipping|discounts) ?/ ?refunds\b"
    r"|\b(?:subtract|subtracting|deduct|deducting|include|including|exclude|count|counting)s? refunds\b)"
)


# Rotating or revoking the keys someone had is what a careful customer does, not a request
# to see them: "rotate the two API keys he had access to", "die Schlüssel sperren".
_REVOKE = re.compile(
    r"\b(?:rotat|revok|invalidat|deactivat|disabl|regenerat|reset|expir|renew|replac|roll|cycl"
    r"|rotier|widerruf|deaktivier|sperr|erneuer|zurucksetz|revoc|desactiv|regener|renov|restablec"
    r"|revoqu|renouvel|reinitialis|invalid)\w*"
)


# Changing the key someone used is rotating it: "I'd like to change the API key he used"
# (FAW-070, read after its run). Only for a key named by who used it: "change her password"
# is also said of a compromised account, and "change it and send me the new one" asks.
_CHANGE = re.compile(r"\b(?:chang|swap|switch)\w*")
_KEY_SOMEONE_USED = re.compile(
    r"(?:credentials|api keys?|passwords?|tokens?) (?:that |which )?(?!was |were |is |are |been )\w+"
    r" (?:set up|created|used|had|kept)\b"
)
# ... unless the new one is asked for: "change the password he used and send me the new one"
_SENT_TO_ME = re.compile(
    r"\b(?:send|tell|give|e-?mail|text|share|forward|paste|dm|message)\w* (?:it |that |them )?(?:to )?"
    r"(?:me|us)\b"
)


def _bounds(folded: str, match: re.Match[str], stops: str = ".?!\n;") -> tuple[int, int]:
    """Start and end of the sentence (or clause, with ";") around ``match``.

    The end is the position of the closing mark, or the text's length.
    """
    start = max(folded.rfind(stop, 0, match.start()) for stop in stops) + 1
    ends = [i for i in (folded.find(stop, match.end()) for stop in stops) if i >= 0]
    return start, min(ends, default=len(folded))


# Told after the secret, what became of it or what it now gets: "her two API keys
# revoked", "his old password from before the rotation", "ses clés API reçoivent 403".
_REVOKED_AFTER = re.compile(
    r"\W+(?:\w+ ){0,3}?(?:revoked|rotated|rotation|deactivated|disabled|expired|deleted"
    r"|widerrufen|gesperrt|deaktiviert|revocad[oa]s?|desactivad[oa]s?|revoquee?s?|desactivee?s?"
    r"|(?:get|gets|got|return|returns|receive|receives|bekommen|erhalten|reciben|recibe"
    r"|recoivent|recoit|renvoient) (?:\w+ )?(?:40[13]|an? (?:40[13]|error))\b)"
)
# ... unless the same clause asks for it first: "send me her password before it expires"
_ASKED_BEFORE = re.compile(
    rf"\b(?:{_SHOW}|need|want|give|get|access|provide|forward|email|brauch\w*|schick\w*|geb\w*"
    r"|necesit\w*|envi\w*|dar|pasar|donn\w*|envoy\w*|transmet\w*|communiqu\w*|besoin)\b"
)


def _revoked(folded: str, match: re.Match[str]) -> bool:
    """The secret named as revoked or rotated, before or after it, not asked for."""
    if re.match(_SHOW, match.group(0)):
        return False
    start, end = _bounds(folded, match)
    before = folded[max(start, match.start() - 40) : match.start()]
    if _REVOKE.search(before):
        return True
    if (
        _CHANGE.search(before)
        and _KEY_SOMEONE_USED.match(match.group(0))
        and not _SENT_TO_ME.search(folded, match.end(), end)
    ):
        return True
    return bool(
        _REVOKED_AFTER.match(folded[match.end() : end])
        and not _ASKED_BEFORE.search(folded, start, match.start())
    )


def _around(folded: str, match: re.Match[str], chars: int) -> str:
    return folded[max(0, match.start() - chars) : match.end() + chars]


def _before(folded: str, match: re.Match[str], chars: int) -> str:
    """The ``chars`` characters of ``folded`` before ``match``."""
    return folded[max(0, match.start() - chars) : match.start()]


# "If we cancel mid-term, do we get a pro-rated refund?": money asked about in a
# hypothetical question is the policy, not a request.
_HYPOTHETICAL = re.compile(r"\b(?:if|in case|should we|si|si jamais|en cas|wenn|falls|en caso)\b")


_LABEL_QUOTES = '"“”«»„'
LABEL_REACH = 30  # characters a quoted label ("Include refunds") may run either side
# What points at a label on screen: untick "Include refunds", the "Refunds" column.
_UI_BEFORE = re.compile(
    r"\b(?:untick|tick|uncheck|check|click|select|toggle|enable|disable|turn (?:on|off)|filter"
    r"|column|field|card|tab|button|option|checkbox|box|setting|label|called|named|metric"
    r"|chart|widget|report|menu)\W*$"
)
_UI_AFTER = re.compile(
    r"\W*(?:column|field|card|tab|button|option|checkbox|box|setting|filter|metric|chart|widget"
    r"|menu|toggle|kpi|tile)s?\b"
)


def _in_label(folded: str, match: re.Match[str]) -> bool:
    """The money word sits inside a short quoted label: untick "Include refunds"."""
    before = _before(folded, match, LABEL_REACH)
    after = folded[match.end() : match.end() + LABEL_REACH]
    opened = max(before.rfind(q) for q in _LABEL_QUOTES)
    closes = [i for i in (after.find(q) for q in _LABEL_QUOTES) if i >= 0]
    if opened < 0 or not closes:
        return False
    inside = before[opened + 1 :] + folded[match.start() : match.end()] + after[: min(closes)]
    if "\n" in inside or len(inside.split()) > 3:
        return False
    quote_at = match.start() - len(before) + opened  # the opening quote, in ``folded``
    lead = folded[max(0, quote_at - 25) : quote_at]
    tail = after[min(closes) + 1 : min(closes) + 25]
    return bool(_UI_BEFORE.search(lead) or _UI_AFTER.match(tail))


# "… Do not downgrade." (a fake system note), "please don't cancel it": told not to.
_TOLD_NOT = re.compile(r"\b(?:do not|don'?t|never|no need to) $")
# "what's the cheapest plan that has the Salesforce connector?": shopping, not a change.
_PLAN_QUESTION_BEFORE = re.compile(r"\b(?:what'?s|what is|which is|which) (?:the|your) $")
_PLAN_QUESTION_AFTER = re.compile(
    r" (?:that|which|with|to) (?:has|have|includes?|does|offers?|supports?|comes with|gets?|get)\b"
)


# Asked how, or the owner is the one to act: "how do we move ownership to me?", "should
# she add me as a user and transfer ownership to me?", "wie kann ich Inhaber werden?".
_HOW_OR_OWNER_ACTS = re.compile(
    r"\bhow (?:do|does|can|could|would|should|to|is)\b|\bwhat(?:'s| is) the (?:\w+ )?(?:way|process)\b"
    r"|\b(?:should|could|can|will|would|must) (?:she|he|they|the (?:current |previous )?owner)\b"
    r"|\b(?:she|he|they|the (?:current )?owner) (?:\w+ ){0,2}(?:should|could|can|will|would|must"
    r"|needs? to|has to)\b|\bwie (?:kann|konnen|konnte|geht|lauft)\b|\bcomo (?:puedo|podemos|se|hago"
    r"|hacemos)\b|\bcomment (?:puis|pouvons|peut|faire|fait)\b"
)


# The owner gone, so nobody can hand ownership over: "our account owner was our old manager
# Derek, he left 2 months ago and we can't reach him". Then even "how do I become owner?"
# asks support to make the writer the owner, and a person must check who they are.
_OWNER_GONE = re.compile(
    r"\b(?:account |workspace |current |only )?(?:owner|admin|administrator)\b[^.?!\n]{0,80}?"
    r"\b(?:(?:has |had )?left(?! (?:a |the |us a )?(?:comment|note|message|review|feedback))"
    r"|passed away|died|(?:is |was )?no longer (?:with us|with the company|works? here|employed)"
    r"|can'?t (?:be )?reach(?:ed)?|cannot (?:be )?reach(?:ed)?|unreachable|not reachable"
    r"|(?:is |was )?deactivated)\b"
)


def _owner_hands_over(folded: str, match: re.Match[str]) -> bool:
    """Ownership asked about (how is it done?) or handed over by the owner, not claimed."""
    start, _ = _bounds(folded, match, stops=".?!\n")
    # The match may itself begin with the question's verb ("how | can i become the owner?").
    return bool(_HOW_OR_OWNER_ACTS.search(folded, start, min(match.end(), match.start() + 12)))


def _not_a_change(folded: str, match: re.Match[str]) -> bool:
    """An account change the text forbids, or a plan asked about rather than asked for."""
    before = _before(folded, match, 20)
    if _TOLD_NOT.search(before):
        return True
    if "plan" not in match.group(0) and "tier" not in match.group(0):
        return False
    return bool(
        _PLAN_QUESTION_BEFORE.search(before) or _PLAN_QUESTION_AFTER.match(folded, match.end())
    )


def _not_asked(folded: str, match: re.Match[str]) -> bool:
    """A money word that names the rules, declines the money or asks "what if", not a request."""
    before = _before(folded, match, 60)
    near = _around(folded, match, 40)
    return bool(
        _in_label(folded, match)
        or folded.startswith("able", match.end())  # "is the annual plan refundable?"
        or _POLICY_AFTER.match(folded, match.end())
        or _IF_WE_AFTER.match(folded, match.end())
        or _POLICY_BEFORE.search(before)
        or _declined(folded, match)
        or _hypothetical(folded, match, after=True)
        or _GUARANTEE.search(near)
        or _AS_DATA.search(near)
        or _settled(folded, match)
    )


def money_settled(text: str) -> bool:
    """True when ``text`` names money back only as already come ("the refund arrived").

    A ticket about a duplicate charge asks for its money back even without the word;
    one that says the refund for it arrived does not.
    """
    folded = inspect(text).text
    found = [m for p in ("refund", "credit") for m in _COMPILED[p].finditer(folded)]
    return bool(found) and all(_settled(folded, m) for m in found)


# "Es handelt sich ausdrücklich nicht um eine Auskunftsanfrage nach Art. 15 DSGVO", "this
# is not a GDPR request", "no es una solicitud RGPD", "il ne s'agit pas d'une demande RGPD".
_NOT_ONE = re.compile(
    r"\b(?:nicht um (?:eine?n?|ein)|kein(?:e|en)?|(?:is|was|it'?s) not (?:a|an)|isn'?t (?:a|an)"
    r"|no es (?:una?)|no se trata de (?:una?)|ne s'agit pas d'une?|n'est pas une?) "
)
NOT_ONE_REACH = 60  # characters before the request, in its clause, where "not a" may stand


def _said_not_to_be(folded: str, match: re.Match[str]) -> bool:
    """The text says it is not such a request: "ausdrücklich nicht um eine Auskunftsanfrage"."""
    start, _ = _bounds(folded, match, ".?!\n;:")
    return bool(_NOT_ONE.search(folded, max(start, match.start() - NOT_ONE_REACH), match.start()))


def money_declined(text: str) -> str:
    """The words declining money back ("no refund or dispute needed"), "" when none.

    "Nous ne demandons pas de remboursement", "kein Erstattungswunsch", "not asking for a
    refund": the customer says in so many words that no money is wanted.
    """
    folded = inspect(text).text
    for intent in sorted(MONEY_INTENTS):
        for match in _COMPILED[intent].finditer(folded):
            if _declined(folded, match):
                return _around(folded, match, 30).strip()
    return ""


def _declined(folded: str, match: re.Match[str]) -> bool:
    """The money word declined: "not asking for a refund", "no refund or dispute needed"."""
    before = _before(folded, match, 60)
    return bool(
        _DECLINED_BEFORE.search(before)
        or (_NO_BEFORE.search(before) and _DECLINED_AFTER.match(folded, match.end()))
    )


def _settled(folded: str, match: re.Match[str]) -> bool:
    """The money already came: "refund received", "the credit note arrived", not "not yet"."""
    start, end = _bounds(folded, match)
    sentence = folded[start:end]
    done = _SETTLED_AFTER.match(folded, match.end()) or _SETTLED_BEFORE.search(
        folded, max(start, match.start() - 30), match.start()
    )
    return bool(done or _OURS_DONE.search(folded, max(0, match.start() - 40), match.start())) and (
        not _NOT_YET.search(sentence)
    )


# Our own reply quoted under the customer's: "> We've refunded $49.00 to your card".
_OURS_DONE = re.compile(
    r"(?:^|\n)[ \t]*>[ \t>]*(?:hi \w+,? )?(?:we'?ve|we have|we|i'?ve|i have) (?:now |just |already |fully )?$"
)


# "…, if possible?", "si es posible": politeness, not a condition.
_POLITE_IF = re.compile(
    r"\b(?:if|si|wenn|falls) (?:possible|you can|you could|that(?:'s| is) (?:ok|okay|fine|possible|alright)"
    r"|that works|it'?s possible"
    r"|es posible|puede|podeis|pueden|possible|vous pouvez|c'est possible|moglich|es geht)\b"
)


# Asking whether money would come back: "is there a refund if …", "hay reembolso si …".
_ELIGIBLE = re.compile(
    r"\b(?:is there|are there|would there be|do (?:we|i|you) (?:get|receive|give|offer)"
    r"|would (?:we|i) (?:get|receive|be)|can (?:we|i) (?:get|expect)|hay|habria|hay derecho"
    r"|recibiriamos|tendriamos|gibt es|bekommen wir|bekame|erhalten wir|y a-t-il|y aurait-il"
    r"|aurons-nous|aurions-nous|avons-nous droit|peut-on (?:avoir|obtenir))\b"
)


def _hypothetical(folded: str, match: re.Match[str], after: bool = False) -> bool:
    """A question that asks what would happen: "if we cancel, …?".

    With ``after``, a condition after the match counts too when the question asks
    whether there would be money back ("is there a refund if …?") or opens with the
    money word ("Refunds if we switch to annual?"), unless it is politeness ("…, if
    possible?").
    """
    start, end = _bounds(folded, match, stops=".?!\n")
    sentence_is_question = end < len(folded) and folded[end] == "?"
    if not sentence_is_question:
        return False
    if _HYPOTHETICAL.search(folded, start, match.start()):
        return True
    opens = not folded[start : match.start()].strip(" \t-–:*¿¡\"'")
    if not after or not (opens or _ELIGIBLE.search(folded, start, match.start())):
        return False
    condition = _HYPOTHETICAL.search(folded, match.end(), min(end, match.end() + 40))
    return condition is not None and not _POLITE_IF.match(folded, condition.start())


# When or how Acme deletes on its own: "¿vais a borrar nuestros datos cuando termine la
# prueba?", "how long are deleted reports kept?", "can Acme delete old data automatically?"
_WHEN_OR_HOW = re.compile(
    r"\b(?:when|how long|how soon|within what|after the (?:trial|contract)|automatic\w*|cuando"
    r"|cuanto tiempo|en que plazo|al terminar|wann|wie lange|innerhalb welcher"
    r"|nach (?:vertragsende|ablauf|ende)|automatisch\w*|quand|combien de temps|dans quel delai"
    r"|a la fin|automatique\w*)\b"
)
# "… as I asked last week", "wie beantragt": a deletion already asked for, being chased.
_ASKED_BEFORE = re.compile(
    r"\b(?:as (?:i|we) (?:asked|requested)|(?:i|we) (?:asked|requested|already asked)|requested"
    r" (?:it|this|that|on|last)|como (?:pedi|pedimos|solicite|solicitamos)|ya (?:pedi|pedimos|lo pedimos)"
    r"|wie (?:gewunscht|beantragt|angefragt|erbeten)|bereits (?:beantragt|angefragt|gebeten)"
    r"|comme demande|deja demande)"
)


def _deletion_policy_question(folded: str, match: re.Match[str]) -> bool:
    """A question about when or how Acme deletes, with no deletion asked for before it."""
    start, end = _bounds(folded, match, stops=".?!\n")
    if end >= len(folded) or folded[end] != "?":
        return False
    if not _WHEN_OR_HOW.search(folded, start, end):
        return False
    return not _ASKED_BEFORE.search(folded, max(0, start - 120), min(len(folded), end + 120))


_TO_ANNUAL = re.compile(
    r"\b(?:to|al|a|en|auf|zum) (?:the |an? |el |la |le |l'|den |die )?(?:plan |facturacion |tarif |forfait )?"
    r"(?:annual|yearly|anual|annuel|jahrlich|jahres)|\b(?:from|del|de|du|von) (?:the |el |la |le )?"
    r"(?:plan |facturacion |forfait )?(?:monthly|mensual|mensuel|monatlich)"
)
# A move to a plan named only as higher: "to a higher plan", "a un plan superior", "auf
# einen höheren Tarif", "vers une offre supérieure" (not "from a higher plan").
_HIGHER_PLAN = re.compile(
    r"\b(?:to|into|auf|zu|zum|in|vers|en|au|al|a(?= (?:un|una|otro|otra|el|la|une) ))"
    r" (?:(?:a|an|the|un|una|otro|otra|einen|eine|einem|den|une|le|la|el) )?"
    r"(?:(?:higher|bigger|larger|hoher\w*|grosser\w*|superior|superieur\w*)"
    r" (?:plan|tier|tarif|paket|forfait|formule|offre|subscription|abonnement)"
    r"|(?:plan|tier|tarif|tarifa|paket|forfait|formule|offre|abonnement)\w* (?:superior|superieur\w*"
    r"|mayor|mas alto|plus eleve\w*))"
)
_MONTHLY = re.compile(r"\b(?:monthly|mensual|mensuel|monatlich\w*|month to month)\b")
_TIER_NAMES = re.compile(r"\b(starter|growth|professional|pro|enterprise)\b")
_RANK = {"starter": 0, "growth": 1, "professional": 2, "pro": 2, "enterprise": 3}
_ONWARD_TIER = re.compile(
    r"(?: plan| tier)? (?:to|into|auf|zum|a|al|en|vers) (?:the |den |das |el |le )?(?:plan )?"
    r"(starter|growth|professional|pro|enterprise)\b"
)


# The plan named right after the phrase: "passer à la formule| Starter", "au forfait| « Pro »".
_NAMED_NEXT = re.compile(r"^\s*[\"'«“]?\s*(starter|growth|professional|pro|enterprise)\b")
_ENDS_WITH_PLAN = re.compile(r"\b(?:formule|forfait|offre|abonnement|plan|tarif|tarifa)\s*$")


def _tiers_named(phrase: str, after: str) -> list[str]:
    """The tiers a plan-change phrase names, or the one named right after its plan's word."""
    named: list[str] = _TIER_NAMES.findall(phrase)
    if not named and _ENDS_WITH_PLAN.search(phrase):
        named = _NAMED_NEXT.findall(after)[:1]
    return named


# A move already made, told as context: "we've recently switched to the Growth plan",
# "since we moved to Enterprise", "acabamos de pasar al plan Professional", "nous venons de
# passer en Professional". Only to the plan the customer is on now and from no plan named:
# "we moved from Professional to Growth" may still leave a bill or data to settle.
_MADE_BEFORE = re.compile(
    r"(?:\b(?:we|i|we'?ve|i'?ve|we have|i have|since we|after we|once we|now that we)"
    r"(?: just| recently| finally| already| now)? |\b(?:acabamos|acabo) de |\bhemos |"
    r"\b(?:venons|viens) (?:tout juste )?d(?:e |')|\bsommes )$"
)
_FROM_OR_BACK = re.compile(r"\b(?:back|down|from|de|desde|von)\b")
_MADE_VERB = re.compile(
    r"^(?:switched|moved|changed|migrated|went|gone|transferred|pasar|pasado|cambiar|cambiado"
    r"|migrar|migrado|passer|passes?)\b"
)


def _moved_to_current(folded: str, match: re.Match[str], tier: str) -> bool:
    """A plan change already made, to the customer's current plan: context, not a request."""
    phrase = match.group(0)
    if not _MADE_BEFORE.search(_before(folded, match, 30)) or not _MADE_VERB.match(phrase):
        return False
    if _FROM_OR_BACK.search(phrase):
        return False
    named = _tiers_named(phrase, folded[match.end() :])
    return len(named) == 1 and _RANK[named[0]] == _RANK.get(tier.lower())


def is_upgrade(phrase: str, tier: str, after: str = "") -> bool:
    """Whether a plan-change phrase moves to a tier above ``tier``.

    The target is the last tier the phrase names ("from Growth to Enterprise",
    "passer en enterprise"); a move from a named lower tier to a higher one is an
    upgrade even when ``tier`` is already the higher one (the customer asks about an
    upgrade made). A phrase naming none is an upgrade when it says the plan is higher
    ("pasar a un plan superior"), when it moves from monthly to annual billing (read on
    into ``after``, the text that follows the phrase), or when ``tier`` is the lowest,
    with no plan below it to move to, unless the move is to monthly billing; otherwise
    (change our billing cycle) it is not.
    """
    named = _tiers_named(phrase.lower(), after.lower())
    onward = _ONWARD_TIER.match(after.lower())
    if named and phrase.lower().rstrip().endswith(named[-1]) and onward:
        named.append(onward.group(1))  # "moved from Growth| to Starter": the phrase stopped early
    if not named:
        ahead = f"{phrase}{after[:25]}".lower()
        # Annual billing commits to more, like a higher tier; from Starter, the lowest,
        # every other plan is a higher one.
        starter = _RANK.get(tier.lower()) == 0 and not _MONTHLY.search(ahead)
        return bool(_TO_ANNUAL.search(ahead) or _HIGHER_PLAN.search(ahead) or starter)
    if len(named) >= 2 and _RANK[named[-1]] > _RANK[named[-2]]:
        return True  # "from Starter to Growth": up, even once the move is made
    current = _RANK.get(tier.lower())
    return current is not None and _RANK[named[-1]] > current
