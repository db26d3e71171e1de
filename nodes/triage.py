"""Triage node: category, priority, sentiment and language of a new ticket."""

from __future__ import annotations

from typing import Any

from langgraph.runtime import Runtime

from supportgraph.graph.context import Context, context_of
from supportgraph.graph.state import SupportState
from supportgraph.tools.engines import engine_for


def triage_ticket(state: SupportState, runtime: Runtime[Context]) -> dict[str, Any]:
    """Classify the ticket with the context's engine."""
    return {"triage": engine_for(context_of(runtime)).triage(state["ticket"])}
