"""Triage engines behind one interface: the embedded offline engine and the LLM engine."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Protocol

from supportgraph.graph.context import Context
from supportgraph.graph.errors import ConfigurationError
from supportgraph.graph.models import (
    GUARDED_REASONS,
    PRIORITIES,
    ROUTINE_AT,
    UNATTENDED_ROUTINE,
    Category,
    Priority,
    Signals,
    Ticket,
    TriageResult,
    TriageRoute,
)
from supportgraph.tools.signals.language import ticket_language
from supportgraph.tools.signals.sentiment import sentiment
from supportgraph.tools.triage.judgement import Judgement, load_judgement
from supportgraph.tools.triage.label_map import Destination, destinations_for, read_label_map
from supportgraph.tools.triage.severity import Alarm, Severity, assess, passage_alarm


class Engine(Protocol):
    """Anything that can triage a ticket."""

    name: str

    def triage(self, ticket: Ticket) -> TriageResult:
        """Classify category, priority, sentiment and language of ``ticket``."""
        ...

    def load_ahead(self) -> None:
        """Start loading what ``triage`` needs on another thread, and return at once."""
        ...


class TrainedTriage:
    """A model from ``supportgraph train triage`` with the routes for its labels."""

    def __init__(self, folder: Path, label_map: Path | None = None) -> None:
        # scikit-learn loads only for a trained model: the default engine never waits for it.
        from supportgraph.tools.triage.triage_model import TriageModel

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


def _model_priority(matrix: Priority, label: str | None) -> Priority:
    """A trained priority head's answer, unless the matrix found a Critical incident."""
    named = (label or "").capitalize()
    if matrix == "Critical" or named not in PRIORITIES:
        return matrix
    return named


LANGUAGE_WORDS = 4  # words of judged text from which its language is the ticket's


class EmbeddedEngine:
    """Offline: learned judgement heads, the priority matrix, VADER and lingua."""

    name = "embedded"

    def __init__(self, trained: TrainedTriage | None = None, judgement: Path | None = None) -> None:
        self.trained = trained
        self.judgement = judgement

    def load_ahead(self) -> None:
        """Start loading the multilingual encoder (the first ticket's longest wait)."""
        from supportgraph.tools.triage.multilingual import load_ahead

        load_ahead()

    def triage(self, ticket: Ticket) -> TriageResult:
        """Classify ``ticket`` without any network access."""
        judgement = load_judgement(self.judgement).judge(ticket)
        # A word or two left after cutting steering and quotes ("URGENT") says too little
        # about its language: the whole ticket, in the customer's own words, says more.
        kept = judgement.text if len(judgement.text.split()) >= LANGUAGE_WORDS else ""
        language = ticket_language(kept or ticket.text)
        mood, score = sentiment(judgement.text or ticket.message, language)
        queue: str | None = None
        route: TriageRoute | None = None
        if self.trained is None:
            label, confidence = judgement.top("category")
            category: Category = label  # type: ignore[assignment]
        else:
            prediction = self.trained.model.predict([self.trained.fields(ticket)])[0]
            destination = self.trained.destinations[prediction.label]
            category, confidence = destination.category, prediction.confidence
            queue, route = prediction.label, destination.route
        severity = assess(judgement, ticket.customer_tier, category)
        reading = judgement
        routine, routine_p = judgement.top("routine")
        # Machine-written mail: no passage of it raises the ticket. In the tuning set's
        # cross-validation, none of the 92 tickets read as spam or auto-reply needed a person.
        unattended = routine in UNATTENDED_ROUTINE and routine_p >= ROUTINE_AT
        alarm = (
            None
            if unattended
            else passage_alarm(judgement, ticket.customer_tier, category, severity)
        )
        if alarm is not None:  # one passage reads more serious than the whole ticket
            severity = Severity(
                alarm.severity.priority, severity.distribution, alarm.severity.reasons
            )
            reading = alarm.passage
        priority, reasons = severity.priority, severity.reasons
        if self.trained is not None:
            learned = _model_priority(priority, prediction.priority)
            if learned != priority:
                priority = learned
                reasons = (
                    f"model priority {prediction.priority} ({prediction.priority_confidence:.2f})",
                    *reasons,
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
            signals=signals_of(
                reading,
                max(severity.distribution["Critical"], reading_critical(alarm)),
                passage=alarm.written if alarm else "",
            ),
            routine=routine if routine != "none" and routine_p >= ROUTINE_AT else None,
            steering=judgement.steering,
        )


def reading_critical(alarm: Alarm | None) -> float:
    """The probability of Critical that the alarming passage reads, or 0."""
    return 0.0 if alarm is None else alarm.severity.distribution["Critical"]


def signals_of(judgement: Judgement, critical: float, passage: str = "") -> Signals:
    """The matrix inputs of a judgement (a ticket's, or its alarming passage's), rounded."""
    (impact, ip), (who, wp), (effect, ep), (urgency, up) = (
        judgement.top("impact"),
        judgement.top("who"),
        judgement.top("effect"),
        judgement.top("urgency"),
    )
    reason, reason_p = judgement.top_reason()
    return Signals(
        impact=impact,
        impact_p=round(ip, 3),
        who=who,
        who_p=round(wp, 3),
        effect=effect,
        effect_p=round(ep, 3),
        urgency=urgency,
        urgency_p=round(up, 3),
        critical=round(critical, 3),
        person=round(judgement.p("person", "yes"), 3),
        reason=reason,
        reason_p=round(reason_p, 3),
        exposure=round(judgement.p("effect", "exposure"), 3),
        guarded=round(judgement.p("reason", *GUARDED_REASONS), 3),
        passage=passage,
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
            from supportgraph.tools.triage.llm import LLMEngine

            return LLMEngine(model=model, base_url=base_url, fallback=EmbeddedEngine(trained))
        case other:
            raise ConfigurationError(f"unknown engine {other!r}; use 'embedded' or 'llm'")


def engine_for(context: Context) -> Engine:
    """The engine a run's context names, built once per process."""
    return _engine_for(
        context.engine, context.model, context.base_url, context.triage_model, context.label_map
    )
