"""Triage engines behind one interface: the embedded offline engine and the LLM engine."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Protocol

from supportgraph.graph.context import Context
from supportgraph.graph.errors import ConfigurationError
from supportgraph.graph.models import PRIORITIES, Priority, Ticket, TriageResult
from supportgraph.tools.category import default_classifier
from supportgraph.tools.label_map import Destination, destinations_for, read_label_map
from supportgraph.tools.language import detect_language
from supportgraph.tools.priority import assess_priority
from supportgraph.tools.sentiment import sentiment
from supportgraph.tools.triage_model import TriageModel


class Engine(Protocol):
    """Anything that can triage a ticket."""

    name: str

    def triage(self, ticket: Ticket) -> TriageResult:
        """Classify category, priority, sentiment and language of ``ticket``."""
        ...


class TrainedTriage:
    """A model from ``supportgraph train triage`` with the routes for its labels."""

    def __init__(self, folder: Path, label_map: Path | None = None) -> None:
        self.model = TriageModel.load(folder)
        mapping = read_label_map(label_map) if label_map else self.model.label_map
        where = str(label_map) if label_map else f"the label map saved in {folder}"
        self.destinations: dict[str, Destination] = destinations_for(
            self.model.labels, mapping, where
        )
        self._single_field = len(self.model.metadata.get("text_columns") or ()) == 1

    def fields(self, ticket: Ticket) -> tuple[str, ...]:
        """The ticket's text laid out like the columns the model was trained on."""
        return (ticket.text,) if self._single_field else (ticket.subject, ticket.message)


def _model_priority(rules: Priority, label: str | None) -> Priority:
    """The trained priority head's answer, unless the rules found a Critical problem."""
    named = (label or "").capitalize()
    if rules == "Critical" or named not in PRIORITIES:
        return rules
    return named


class EmbeddedEngine:
    """Offline classical NLP: scikit-learn category, rule-based priority, VADER, lingua."""

    name = "embedded"

    def __init__(self, trained: TrainedTriage | None = None) -> None:
        self.trained = trained

    def triage(self, ticket: Ticket) -> TriageResult:
        """Classify ``ticket`` without any network access."""
        language = detect_language(ticket.text)
        mood, score = sentiment(ticket.message, language)
        if self.trained is None:
            category, confidence = default_classifier().predict(ticket.subject, ticket.message)
            priority, reasons = assess_priority(ticket.text, category, ticket.customer_tier, mood)
            queue, route = None, None
        else:
            prediction = self.trained.model.predict([self.trained.fields(ticket)])[0]
            destination = self.trained.destinations[prediction.label]
            category, confidence = destination.category, prediction.confidence
            queue, route = prediction.label, destination.route
            priority, reasons = assess_priority(ticket.text, category, ticket.customer_tier, mood)
            learned = _model_priority(priority, prediction.priority)
            if learned != priority:
                priority = learned
                reasons = (
                    f"model priority {prediction.priority} ({prediction.priority_confidence:.2f})",
                )
        return TriageResult(
            category=category,
            confidence=round(confidence, 4),
            priority=priority,
            priority_reasons=reasons,
            sentiment=mood,
            sentiment_score=round(score, 4),
            language=language,
            engine=self.name,
            queue=queue,
            route=route,
        )


@lru_cache(maxsize=8)
def _engine_for(
    name: str, model: str, base_url: str | None, triage_model: Path | None, label_map: Path | None
) -> Engine:
    trained = TrainedTriage(triage_model, label_map) if triage_model else None
    match name:
        case "embedded":
            return EmbeddedEngine(trained)
        case "llm":
            from supportgraph.tools.llm import LLMEngine

            return LLMEngine(model=model, base_url=base_url, fallback=EmbeddedEngine(trained))
        case other:
            raise ConfigurationError(f"unknown engine {other!r}; use 'embedded' or 'llm'")


def engine_for(context: Context) -> Engine:
    """The engine a run's context names, built once per process."""
    return _engine_for(
        context.engine, context.model, context.base_url, context.triage_model, context.label_map
    )
