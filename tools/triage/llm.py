"""LLM triage through any OpenAI-compatible endpoint, falling back to the embedded engine."""

from __future__ import annotations

import logging
import os

from pydantic import BaseModel, Field, ValidationError

from supportgraph.graph.models import Category, Priority, Ticket, TriageResult
from supportgraph.tools.signals.language import ticket_language
from supportgraph.tools.signals.sentiment import sentiment
from supportgraph.tools.triage.engines import Engine

log = logging.getLogger(__name__)

_PROMPT = """You triage customer-support tickets for a SaaS analytics product.
Categories: technical (something broken or erroring), billing (charges, invoices, refunds),
account (users, access, closing accounts), sales (pricing, plan comparisons, evaluations),
product (feature requests, roadmap), feedback (praise or complaints without a request).
Priorities: Critical = production down, security incident or data loss; High = a major
feature broken or a high-value customer hurt; Medium = feature questions, minor bugs,
billing; Low = general questions, documentation.
Customer tier: {tier}. Channel: {channel}.
Subject: {subject}
Message: {message}"""


class _LLMTriage(BaseModel):
    category: Category
    priority: Priority
    confidence: float = Field(ge=0.0, le=1.0, description="probability the category is right")
    reason: str = Field(description="one sentence: why this priority")


class LLMEngine:
    """Triage with a chat model; any failure of the model falls back to ``fallback``."""

    name = "llm"

    def __init__(self, model: str, base_url: str | None, fallback: Engine) -> None:
        from langchain_openai import ChatOpenAI

        provider, _, model_name = model.partition("/")
        self.model_name = model_name or provider
        self.fallback = fallback
        self._chat = ChatOpenAI(
            model=self.model_name,
            base_url=base_url,
            api_key=os.environ.get("SUPPORTGRAPH_API_KEY")
            or os.environ.get("OPENAI_API_KEY")
            or "none",  # type: ignore[arg-type]
            temperature=0,
            max_retries=1,
            timeout=30,
        ).with_structured_output(_LLMTriage, method="json_schema")

    def load_ahead(self) -> None:
        """Nothing to load: the fallback engine loads its models if it is ever used."""

    def triage(self, ticket: Ticket) -> TriageResult:
        """Ask the model; on a transport, API or schema error use the fallback engine."""
        from openai import OpenAIError

        prompt = _PROMPT.format(
            tier=ticket.customer_tier,
            channel=ticket.channel,
            subject=ticket.subject,
            message=ticket.message,
        )
        try:
            answer = self._chat.invoke(prompt)
        except (OpenAIError, ValidationError, ValueError) as exc:
            log.warning(
                "LLM triage failed for %s (%s); using %s", ticket.ticket_id, exc, self.fallback.name
            )
            return self.fallback.triage(ticket).model_copy(
                update={"engine": f"{self.fallback.name} (llm fallback)"}
            )
        if not isinstance(answer, _LLMTriage):
            answer = _LLMTriage.model_validate(answer)
        mood, score = sentiment(ticket.message)
        return TriageResult(
            category=answer.category,
            confidence=answer.confidence,
            priority=answer.priority,
            priority_reasons=(answer.reason,),
            sentiment=mood,
            sentiment_score=round(score, 4),
            language=ticket_language(ticket.text),
            engine=f"llm:{self.model_name}",
        )
