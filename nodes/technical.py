"""Technical support node: troubleshooting grounded in the knowledge base."""

from __future__ import annotations

from typing import Any

from langgraph.runtime import Runtime

from supportgraph.graph.context import Context, context_of
from supportgraph.graph.models import SpecialistReport
from supportgraph.graph.state import SupportState
from supportgraph.tools.knowledge.gate import answers, fits, names_matter, speaks_of
from supportgraph.tools.signals.entities import extract_entities, size_in_gb
from supportgraph.tools.signals.ticket_text import content_text

NON_TECHNICAL_AREAS = {"billing", "plans", "account", "product"}
MAX_STEPS = 5


def _findings(entities: dict[str, list[str]]) -> list[str]:
    findings = []
    codes = entities.get("http_status", [])
    if any(code.startswith("5") for code in codes):
        rate = entities.get("error_rate", [])
        share = f" on about {rate[0]} of calls" if rate else ""
        findings.append(
            f"Server-side errors (HTTP {', '.join(codes)}){share}: the failure is on our side, not the client's request."
        )
    elif any(code.startswith("4") for code in codes):
        findings.append(
            f"Client errors (HTTP {', '.join(codes)}): check the request, credentials and rate limits."
        )
    sizes = [size for size in entities.get("data_size", []) if size_in_gb(size) >= 1]
    if sizes:
        findings.append(
            f"Large data volume ({', '.join(sizes)}): above what a browser download handles reliably."
        )
    return findings


def troubleshoot(state: SupportState, runtime: Runtime[Context]) -> dict[str, Any]:
    """Extract entities, find the playbook articles that answer and return their steps.

    A playbook is quoted only where the relevance gate (``tools.knowledge.gate``) says it
    answers the ticket and fits what triage read happened, and, for a problem report,
    speaks of the features and integrations the ticket opens with (``speaks_of``), as the
    knowledge node decides for its own hits.
    """
    context = context_of(runtime)
    ticket = state["ticket"]
    text = content_text(ticket)
    entities = extract_entities(text)
    technical_products = set(entities.get("products", [])) - {"billing"}
    signals = state["triage"].signals
    fault = signals is not None and signals.effect not in ("none", "money")
    if not (technical_products or "http_status" in entities or fault):
        return {
            "technical": SpecialistReport(
                specialist="technical",
                summary="No technical symptom in this ticket.",
                entities=entities,
                handback="out_of_scope",
                handback_note="no product fault described; looks like an account or billing matter",
            )
        }
    from supportgraph.tools.knowledge.kb_store import (
        load_index,  # numpy, MiniLM: not at import
    )

    families = [f"{code[0]}xx" for code in entities.get("http_status", [])]
    query = " ".join([text, *entities.get("products", []), *families])
    kb = load_index(context.kb_path)
    named = names_matter(state["triage"])
    hits = [
        hit
        for hit in kb.search(
            query, k=len(kb.articles), min_score=context.kb_min_score, meaning=text
        )
        if kb.get(hit.article_id).product_area not in NON_TECHNICAL_AREAS
        and answers(hit, context.kb_min_score)
        and fits(kb.get(hit.article_id), signals)
        and (not named or speaks_of(kb.get(hit.article_id), ticket, context.plans_path))
    ][:3]
    if not hits:
        return {
            "technical": SpecialistReport(
                specialist="technical",
                summary="No troubleshooting playbook matches this ticket.",
                entities=entities,
                findings=tuple(_findings(entities)),
            )
        }
    lead = kb.get(hits[0].article_id)
    steps = tuple(f"{step} [{lead.id}]" for step in lead.steps[:MAX_STEPS])
    return {
        "technical": SpecialistReport(
            specialist="technical",
            summary=f"Matches playbook {lead.id} ({lead.title}).",
            steps=steps,
            citations=tuple(dict.fromkeys(hit.article_id for hit in hits[:2])),
            entities=entities,
            findings=tuple(_findings(entities)),
        )
    }
