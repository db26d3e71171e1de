"""Triage engines behind one interface: the embedded offline engine and the LLM engine."""

from __future__ import annotations

from functools import lru_cache
from typing import Protocol

from supportgraph.graph.context import Context
from supportgraph.graph.errors import ConfigurationError
from supportgraph.graph.models import Ticket, TriageResult
from supportgraph.tools.category import default_classifier
from supportgraph.tools.language import detect_language
from supportgraph.tools.priority import assess_priority
from supportgraph.tools.sentiment import sentiment


class Engine(Protocol):
    """Anything that can triage a ticket."""

    name: str

    def triage(self, ticket: Ticket) -> TriageResult:
        """Classify category, priority, sentiment and language of ``ticket``."""
        ...


class EmbeddedEngine:
    """Offline classical NLP: scikit-learn category, rule-based priority, VADER, lingua."""

    name = "embedded"

    def triage(self, ticket: Ticket) -> TriageResult:
        """Classify ``ticket`` without any network access."""
        category, confidence = default_classifier().predict(ticket.subject, ticket.message)
        mood, score = sentiment(ticket.message)
        priority, reasons = assess_priority(ticket.text, category, ticket.customer_tier, mood)
        return TriageResult(
            category=category,
            confidence=round(confidence, 4),
            priority=priority,
            priority_reasons=reasons,
            sentiment=mood,
            sentiment_score=round(score, 4),
            language=detect_language(ticket.text),
            engine=self.name,
        )


@lru_cache(maxsize=8)
def _engine_for(name: str, model: str, base_url: str | None) -> Engine:
    match name:
        case "embedded":
            return EmbeddedEngine()
        case "llm":
            from supportgraph.tools.llm import LLMEngine

            return LLMEngine(model=model, base_url=base_url, fallback=EmbeddedEngine())
        case other:
            raise ConfigurationError(f"unknown engine {other!r}; use 'embedded' or 'llm'")


def engine_for(context: Context) -> Engine:
    """The engine a run's context names, built once per process."""
    return _engine_for(context.engine, context.model, context.base_url)
