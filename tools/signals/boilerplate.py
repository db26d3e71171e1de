"""Cut e-mail boilerplate (confidentiality notices, company registration lines) off a ticket.

A law firm's footer that warns "unauthorised use may result in legal action", a privacy
notice that names the GDPR, or "if you have received this in error, delete it" is no
request from the customer. Such a paragraph is recognised by its stock phrases in
English, German, Spanish and French: a paragraph after the first with at least two of
them is boilerplate, and its sentences that carry one are dropped. The customer's own
sentences in the same paragraph (a signature block directly under the last line of the
message) stay, so a request written just above a footer is still read.
"""

from __future__ import annotations

import re

from supportgraph.tools.signals.normalize import fold

_STOCK = tuple(
    re.compile(p)
    for p in (
        # English
        r"\bconfidential",
        r"\bintended (?:recipient|solely|only|for the)",
        r"\bprivileged\b",
        r"\bdisclaimer\b",
        r"\breceived (?:this|it) (?:e-?mail |message |communication )?(?:in error|by mistake)",
        r"\bunauthori[sz]ed (?:use|disclosure|copying|review|distribution)",
        r"\bstrictly prohibited\b",
        r"\bunauthori[sz]ed\b[^.]{0,60}\bprohibited\b",
        r"\bnotify the sender\b",
        r"\bregistered (?:office|in (?:england|scotland|wales|ireland))",
        r"\bcompany (?:no|number|registration)\b",
        r"\bprivacy (?:notice|policy|statement)\b",
        r"\bunsubscribe\b",
        # German
        r"\bvertraulich",
        r"\b(?:richtige|beabsichtigte)n? (?:adressat|empfanger)",
        r"\birrtumlich",
        r"\bunbefugt\w* (?:\w+ ){0,4}(?:untersagt|unzulassig|verboten)",
        r"\b(?:informieren|benachrichtigen) sie (?:bitte )?(?:umgehend |sofort )?den absender",
        r"\bsitz der gesellschaft\b",
        r"\bamtsgericht\b",
        r"\bhrb\b",
        r"\bgeschaftsfuhr",
        r"\bdatenschutz(?:hinweis|erklarung|informationen)",
        # Spanish
        r"\bconfidencial",
        r"\bdestinatario",
        r"\bpor error\b",
        r"\bprohibid[ao]s?\b",
        r"\baviso legal\b",
        r"\b(?:aviso|politica) de privacidad\b",
        # French
        r"\bconfidentiel",
        r"\bdestinataire",
        r"\bpar erreur\b",
        r"\bstrictement interdit",
        r"\bnon autorise\w* (?:\w+ ){0,2}interdit",
        r"\bne saurait etre engagee",
        r"\brcs\b",
        r"\bsiege social\b",
        r"\b(?:politique|avis) de confidentialite\b",
    )
)
_PARAGRAPH = re.compile(r"\n\s*\n")
_SENTENCE = re.compile(r"(?<=[.!?])\s+|\n")
BOILERPLATE_AT = 2  # distinct stock phrases that make a paragraph boilerplate


def _stock_phrases(text: str) -> int:
    folded = fold(text)
    return sum(1 for phrase in _STOCK if phrase.search(folded))


def without_boilerplate(text: str) -> str:
    """``text`` without the stock sentences of its footers and notices.

    The first paragraph is never boilerplate: a footer follows something.
    """
    paragraphs = _PARAGRAPH.split(text)
    kept = paragraphs[:1]
    for paragraph in paragraphs[1:]:
        if _stock_phrases(paragraph) < BOILERPLATE_AT:
            kept.append(paragraph)
            continue
        own = [s for s in _SENTENCE.split(paragraph) if s.strip() and not _stock_phrases(s)]
        if own:
            kept.append("\n".join(own))
    return "\n\n".join(kept)
