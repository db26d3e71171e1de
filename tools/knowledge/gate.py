"""Whether a KB hit answers the question: the gate every node applies before quoting one.

A hit scoring ``min_score`` (``Context.kb_min_score``) is on the question's topic, but
on the shipped KB questions that no article answers reach 0.30–0.48 too (a dashboard
colour theme finds the slow-dashboards article, a CSV delimiter the export one). A hit
therefore answers when its fused score clears ``min_score`` by ``SURE_MARGIN``, or
when it clears ``min_score`` and the reranker puts it ``MIN_LEAD`` ahead of every
other candidate: a near miss that stands out is kept, one among look-alikes is a gap.
Both numbers were chosen on the tuning half of tests/data/judgement/kb_labels.json
(docs/retrieval_eval.md, "The relevance gate").

An article that answers a question's topic may still not fit the ticket: an incident
playbook (``Article.responds_to``) tells a customer to revoke every key and report the
incident, which is no answer to a routine question about audit logs (``fits``).

An article on the ticket's topic may also be about another part of the product: a
Salesforce sync stuck for two days finds the webhook article (0.39), a timeout in the SQL
editor the rate-limit one (0.45). A technical report whose opening names features or
integrations of the plan catalog is answered only by an article that speaks of each of
them, or of the HTTP status it reports (``names_matter``, ``speaks_of``).

And a step that changes the account for good (close it, hand its ownership over, remove a
user) answers only a ticket that names that change (``asked_for``): the sentence sharing
most words with "lost my phone, I'm the only owner, can't log in" is "Close the account
under Settings > Account …", which no support lead reads to a locked-out owner.
"""

from __future__ import annotations

import re
from pathlib import Path

from supportgraph.graph.models import KBHit, Signals, Ticket, TriageResult
from supportgraph.tools.accounts.catalog import named_offerings
from supportgraph.tools.knowledge.kb import Article
from supportgraph.tools.signals.entities import extract_entities
from supportgraph.tools.signals.normalize import fold
from supportgraph.tools.signals.ticket_text import content_text

SURE_MARGIN = 0.04  # a fused score this far above min_score answers on its own
MIN_LEAD = 1.5  # reranker score (z-score units) a hit in between must lead the others by
OPENING_CHARS = 160  # of the message after the subject line: where a ticket says what it is about


def answers(hit: KBHit, min_score: float) -> bool:
    """True when ``hit`` answers the question it was found for.

    Args:
        hit: A hybrid search hit (its fused score and reranker lead).
        min_score: The fused score under which no hit counts (``Context.kb_min_score``).
    """
    if hit.score >= min_score + SURE_MARGIN:
        return True
    return hit.score >= min_score and hit.lead is not None and hit.lead >= MIN_LEAD


def fits(article: Article, signals: Signals | None) -> bool:
    """False when ``article`` responds to an event the ticket does not report.

    The ticket reports it when triage reads its effect as one the article responds to.
    With no signals (an engine that reads none, such as the LLM engine) every article fits.
    """
    return not article.responds_to or signals is None or signals.effect in article.responds_to


def names_matter(triage: TriageResult) -> bool:
    """Whether ``speaks_of`` applies: a technical problem report whose answer the customer reads.

    Not a how-to, thanks, idea or machine mail (the how-to gate was measured on its own);
    not a sales question ("we'd move to Professional for the BigQuery sync", answered from
    the plans article); and not a Critical incident, whose draft goes to the person who
    takes it over: they judge a near article (the restore article for deal history lost in
    a HubSpot sync).
    """
    return (
        triage.routine in (None, "none")
        and triage.category == "technical"
        and triage.priority != "Critical"
    )


def speaks_of(article: Article, ticket: Ticket, plans_path: Path | None = None) -> bool:
    """False when the ticket's opening names a feature or integration ``article`` never mentions.

    The opening is the subject line and the start of the message. An article speaks of
    a feature or integration when it holds every word of one of the catalog's names for
    it (``named_offerings``: "Audit-Protokolle" is spoken of by "audit log"), and it must
    speak of each one named: the export article mentions a data warehouse, but not the
    BigQuery sync stuck for 36 hours (FBF-094). Or it speaks of the ticket's problem anyway
    when its tags name an HTTP status the ticket reports ("all Zapier zaps failing with
    401" is the API-key article's 401).

    Applied where ``names_matter``. Of the problem reports answered from the KB that
    annotators labelled, it turned away 12 of 19 wrong articles and none of 83 right ones
    on the tuning set it was written from, and 27 of 47 wrong and 11 of 141 right ones
    on an evaluation sample labelled afterwards (``python -m tests.eval_kb_faults``,
    docs/retrieval_eval.md).

    Args:
        article: The article a node would quote.
        ticket: The ticket it would answer.
        plans_path: The plan catalog whose features and integrations are read (None: the
            shipped one).
    """
    text = content_text(ticket)
    named = named_offerings(text[: len(ticket.subject) + 1 + OPENING_CHARS], plans_path)
    if not named:
        return True
    if set(extract_entities(text).get("http_status", [])) & set(article.tags):
        return True
    spoken = fold(" ".join((article.title, *article.tags, article.body)))

    def mentioned(name: str) -> bool:
        return all(re.search(rf"\b{re.escape(w)}", spoken) for w in re.findall(r"\w+", fold(name)))

    return all(any(mentioned(name) for name in names) for names in named.values())


# An instruction that changes the account for good, and the words of a ticket asking for it
# (English, German, Spanish, French, folded).
_ACCOUNT_CHANGES: tuple[tuple[re.Pattern[str], re.Pattern[str]], ...] = (
    (
        re.compile(r"^(?:close|closing) (?:the |an |your )?account\b"),
        re.compile(
            r"\b(?:clos(?:e|ing|ure)|cancel\w*|delet\w*|terminat\w*|schliess\w*|kundig\w*|losch\w*"
            r"|cerrar|cierre|baja|cancelar|eliminar|fermer|fermeture|clotur\w*|resili\w*"
            r"|supprim\w*)\b"
        ),
    ),
    (
        re.compile(r"^transfer ownership\b"),
        re.compile(
            r"\b(?:transfer\w*|hand(?:ing)? (?:it |this )?over|new owner|become (?:the )?owner"
            r"|owner (?:left|has left|is leaving|leaves)|ubertrag\w*|ubergeb\w*|inhaber\w*"
            r"|transferir|traspas\w*|propietari\w*|titular\w*|propriet\w*|titulaire)\b"
        ),
    ),
    (
        re.compile(r"^remove a departing user\b"),
        re.compile(
            r"\b(?:remov\w*|delet\w*|offboard\w*|deactivat\w*|left|leaving|leaves|depart\w*"
            r"|entfern\w*|losch\w*|ausgeschieden|verlasst|eliminar|quitar|dar de baja|se va|se fue"
            r"|supprim\w*|retir\w*|depart|quitte)\b"
        ),
    ),
)


def asked_for(sentence: str, text: str) -> bool:
    """False when ``sentence`` tells how to change the account for good and ``text`` asks no such change.

    Args:
        sentence: A sentence of an article, as the reply would quote it.
        text: What the ticket says (its content text).
    """
    folded = fold(sentence).lstrip()
    for instruction, asked in _ACCOUNT_CHANGES:
        if instruction.search(folded):
            return bool(asked.search(fold(text)))
    return True
