"""Triage node: category, priority, sentiment and language of a new ticket."""

from __future__ import annotations

from typing import Any

from langgraph.runtime import Runtime

from supportgraph.graph.context import Context, context_of
from supportgraph.graph.state import SupportState
from supportgraph.tools.signals.boilerplate import without_boilerplate
from supportgraph.tools.signals.intents import find_requests


def triage_ticket(state: SupportState, runtime: Runtime[Context]) -> dict[str, Any]:
    """Classify the ticket with the context's engine and find person-first requests.

    The requests (refunds, cancellations, GDPR, legal threats…) come from the same
    deterministic check whichever engine classified the ticket, so the safety policy
    never depends on a model's mood.
    """
    from supportgraph.tools.triage.engines import engine_for  # scikit-learn, ONNX: not at import

    ticket = state["ticket"]
    result = engine_for(context_of(runtime)).triage(ticket)
    # A confidentiality footer's "legal action" or a privacy notice's "GDPR" asks for nothing.
    requests = find_requests(without_boilerplate(ticket.text), ticket.customer_tier)
    return {
        "triage": result.model_copy(
            update={
                "requests": requests.intents,
                "request_evidence": tuple(r.evidence for r in requests.found),
                "obfuscation": requests.tricks,
            }
        )
    }
