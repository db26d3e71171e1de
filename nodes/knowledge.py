"""Knowledge node: retrieve the articles that ground the reply, or record a gap."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from langgraph.runtime import Runtime

from supportgraph.graph.context import Context, context_of
from supportgraph.graph.models import KBHit, KnowledgeReport
from supportgraph.graph.state import SupportState
from supportgraph.tools.knowledge.gate import answers, fits, names_matter, speaks_of
from supportgraph.tools.signals.ticket_text import content_text

TOP_K = 3
RELATIVE_FLOOR = 0.75  # a hit must score at least 3/4 of the best one to be worth citing


def ground_answer(state: SupportState, runtime: Runtime[Context]) -> dict[str, Any]:
    """Search the KB with the ticket's own words; no hit means a content gap.

    An incident playbook found for a ticket that reports no such incident is no hit
    (``tools.knowledge.gate.fits``), nor is an article that never speaks of the feature or
    integration a problem report opens with (``speaks_of``). It reads nothing the
    specialists write, so the supervisor runs it beside them.
    """
    context = context_of(runtime)
    query = content_text(state["ticket"])
    triage = state.get("triage")
    language = triage.language if triage is not None else None
    hits = find_articles(query, language, context.kb_path, context.kb_min_score)
    if hits and triage is not None:
        from supportgraph.tools.knowledge.kb_store import load_index

        index = load_index(context.kb_path)
        named = names_matter(triage)
        hits = [
            hit
            for hit in hits
            if fits(index.get(hit.article_id), triage.signals)
            and (
                not named
                or speaks_of(index.get(hit.article_id), state["ticket"], context.plans_path)
            )
        ]
    return {"knowledge": KnowledgeReport(query=query, hits=tuple(hits), gap=not hits)}


def find_articles(
    query: str, language: str | None, kb_path: Path | None, min_score: float
) -> list[KBHit]:
    """The articles that answer ``query``, best first; none is a content gap.

    A hit counts only where the relevance gate (``tools.knowledge.gate``) says it answers.
    A question not in English that the English index leaves without a hit is searched
    again across languages (``tools.knowledge.crosslingual``).

    Args:
        query: The ticket's own words.
        language: Its ISO 639-1 code from triage; detected here when None.
        kb_path: The KB to search (None: the shipped one).
        min_score: The hybrid score under which a hit does not count (the gate's floor).
    """
    from supportgraph.tools.knowledge.kb_store import (
        load_index,  # numpy, MiniLM: not at import
    )

    hits = load_index(kb_path).search(query, k=TOP_K, min_score=min_score)
    hits = [hit for hit in hits if answers(hit, min_score)]
    hits = [hit for hit in hits if hit.score >= RELATIVE_FLOOR * hits[0].score]
    if hits or not query.strip():
        return hits
    if language is None:
        from supportgraph.tools.signals.language import detect_language

        language = detect_language(query)
    if language == "en":
        return hits
    from supportgraph.tools.knowledge.crosslingual import crosslingual_hits

    return crosslingual_hits(kb_path, query)
