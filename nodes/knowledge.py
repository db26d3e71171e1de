"""Knowledge node: retrieve the articles that ground the reply, or record a gap."""

from __future__ import annotations

from typing import Any

from langgraph.runtime import Runtime

from supportgraph.graph.context import Context, context_of
from supportgraph.graph.models import KnowledgeReport
from supportgraph.graph.state import SupportState
from supportgraph.tools.signals.ticket_text import content_text

TOP_K = 3
RELATIVE_FLOOR = 0.75  # a hit must score at least 3/4 of the best one to be worth citing


def ground_answer(state: SupportState, runtime: Runtime[Context]) -> dict[str, Any]:
    """Search the KB with the ticket's own words; no hit means a content gap.

    It reads nothing the specialists write, so the supervisor runs it beside them.
    """
    from supportgraph.tools.knowledge.kb_store import (
        load_index,  # numpy, bm25s, MiniLM: not at import
    )

    context = context_of(runtime)
    ticket = state["ticket"]
    query = content_text(ticket)
    hits = load_index(context.kb_path).search(query, k=TOP_K, min_score=context.kb_min_score)
    hits = [hit for hit in hits if hit.score >= RELATIVE_FLOOR * hits[0].score]
    return {"knowledge": KnowledgeReport(query=query, hits=tuple(hits), gap=not hits)}
