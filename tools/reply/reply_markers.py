"""What the reply audit looks for in a customer message, in English, German, Spanish and French.

Promises (a team will act, a person will answer), the roles a promise names, words that
say something was approved, and the markers of internal notes. The audit
(tools/reply/reply_audit.py) reads a message with these, independently of the templates that
wrote it: a reviewer's own text is held to the same rules.
"""

from __future__ import annotations

import re

from supportgraph.graph.routing import ESCALATION_RULES
from supportgraph.tools.desk.teams import Role

# A team or person will do something for the customer, or already has (passed on, logged).
PROMISES = re.compile(
    "|".join(
        [
            # English
            r"\b(?:will|'ll)\s+(?:reply|answer|respond|contact|call|get back|keep you|follow up|be in touch|confirm|reach out)",
            r"\bis on it\b",
            r"\b(?:is|are) (?:looking (?:at|into)|investigating|handling|checking|working on)\b",
            r"\bhas your request\b",
            r"\bha(?:s|ve) been (?:informed|told|notified|flagged|escalated)\b",
            r"\bknows about this\b",
            r"\bI(?:'ve| have) (?:logged|passed|forwarded|flagged|escalated)\b",
            r"\bwe(?:'ve| have) (?:flagged|escalated|forwarded|notified)\b",
            # German
            r"\bmeldet sich\b",
            r"\bmelden uns\b",
            r"\bkümmert sich\b",
            r"\b(?:untersucht|prüft|bearbeitet|übernimmt)\b",
            r"\bhält Sie auf dem Laufenden\b",
            r"\bist (?:ebenfalls )?informiert\b",
            r"\bweitergegeben\b",
            r"\bbestätigt (?:Ihnen|sie)\b",
            r"\bhat Ihre Anfrage\b",
            r"\berhalten [^.]*\bAntwort\b",
            # Spanish
            r"\bse pondrá en contacto\b",
            r"\ble responderá\b",
            r"\ble mantendrá\b",
            r"\b(?:está|están) (?:trabajando|investigando|revisando|comprobando)\b",
            r"\blo está investigando\b",
            r"\b(?:está|están) (?:informado|al tanto)\b",
            r"\bse está ocupando\b",
            r"\b(?:la|lo)? ?he (?:pasado|trasladado|registrado)\b",
            r"\b(?:le|se lo) confirmará\b",
            r"\bya tiene su solicitud\b",
            r"\brecibirá una respuesta\b",
            # French
            r"\bvous répondra\b",
            r"\bvous contactera\b",
            r"\breviendra vers vous\b",
            r"\bvous tiendra au courant\b",
            r"\bs'en occupe\b",
            r"\bmène l'enquête\b",
            r"\b(?:examine|vérifie) (?:personnellement|le|la|les|votre)\b",
            r"\b(?:avons|a) (?:également )?prévenu\b",
            r"\b(?:l'ai|les ai) transmise?s?\b",
            r"\bvous (?:le )?confirmera\b",
            r"\ba bien reçu votre demande\b",
            r"\bprend en charge\b",
            r"\bvous recevrez une réponse\b",
        ]
    ),
    re.IGNORECASE,
)

# Words that name the team of each role in a promise, in the four languages.
ROLE_WORDS: dict[Role, re.Pattern[str]] = {
    "engineering": re.compile(r"engineering|technik|técnico|technique", re.I),
    "security": re.compile(r"security|sicherheit|seguridad|sécurité", re.I),
    "billing": re.compile(r"billing|abrechnung|facturación|facturation", re.I),
    "legal": re.compile(
        r"data protection|legal team|datenschutz|protección de datos|protection des données", re.I
    ),
    "product": re.compile(r"product team|produktteam|equipo de producto|équipe produit", re.I),
    "sales": re.compile(r"sales|vertrieb|comercial|commerciale", re.I),
    "success": re.compile(
        r"customer success|success manager|gestor de cuenta|responsable de compte", re.I
    ),
}

# The text says something was approved or confirmed: only true after a person decided so.
APPROVALS = re.compile(
    r"\b(?:we have approved|is approved|is confirmed|freigegeben|ist bestätigt|hemos aprobado|"
    r"está aprobad[oa]|está confirmad[oa]|avons validé|est validée?|est confirmée?)\b",
    re.IGNORECASE,
)

# What only internal notes say: priority lines, ledger and verification wording, rule
# names, classifier words, plan-catalog findings, markdown tables.
INTERNAL = re.compile(
    "|".join(
        [
            r"\b(?:priority|priorität|prioridad|priorité)\s*:",
            r"\b(?:priority|priorität|prioridad|priorité) (?:critical|high|medium|low)\b",
            r"\bledger\b",
            r"\bnot verified\b",
            r"\baccount data withheld\b",
            r"\bnot consulted\b",
            r"\bconfidence\b",
            r"\bp=0\.\d",
            r"\bneeds_human\b",
            r"\bhandback\b",
            r"\bplan comparison \(",
            r"\bfrom the plan catalog\b",
            r"\bfeature request logged for\b",
            r"\bescalated to our\b",
            r"\bflagged your ticket\b",
            r"^\s*\|.*\|\s*$",
            r"\b(?:" + "|".join(rule.__name__ for rule in ESCALATION_RULES) + r")\b",
        ]
    ),
    re.IGNORECASE | re.MULTILINE,
)

# Outbox keys and revisions: internal identifiers that must not show.
INTERNAL_IDS = re.compile(
    r"/(?:customer_reply|status_change|internal_notification)/|\br\d+-[0-9a-f]{10}\b"
)
