"""Typed run settings (the graph's context schema), with environment defaults."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from supportgraph.graph.errors import ConfigurationError


def _env(name: str, default: str) -> str:
    return os.environ.get(f"SUPPORTGRAPH_{name}", default)


def _env_path(name: str) -> Path | None:
    value = os.environ.get(f"SUPPORTGRAPH_{name}")
    return Path(value) if value else None


def _env_float(name: str, default: float) -> float:
    return float(_env(name, str(default)))


def home_dir() -> Path:
    """Folder holding all local state (checkpoints, logs): ``$SUPPORTGRAPH_HOME``."""
    return Path(_env("HOME", ".supportgraph"))


def model_cache_dir() -> Path:
    """Model files derived from the installed packages at first use, kept for later runs.

    The int8 copies of MiniLM and of USE's token stage, and USE's weights unpacked:
    about 90 MB, the same for every home on a machine. ``$SUPPORTGRAPH_CACHE`` lets homes
    share them (the test suite does); by default they live in ``$SUPPORTGRAPH_HOME/cache``.
    """
    return Path(_env("CACHE", str(home_dir() / "cache")))


def keep_caches_under_home() -> None:
    """Point library caches at ``$SUPPORTGRAPH_HOME/cache`` instead of ``~/.cache``.

    onnxruntime writes a device id and a small database under ``$XDG_CACHE_HOME`` (else
    ``~/.cache``) the moment it is imported, and Hugging Face libraries default there
    too. The command line calls this before importing them, so a run writes nothing
    outside ``--out`` and ``$SUPPORTGRAPH_HOME``. Embedding applications decide for
    themselves (set ``XDG_CACHE_HOME``).
    """
    os.environ["XDG_CACHE_HOME"] = str((home_dir() / "cache").absolute())


def _utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class Context:
    """Settings for one run; values passed in win over ``SUPPORTGRAPH_*`` variables.

    Attributes:
        engine: ``embedded`` (offline, default) or ``llm`` (OpenAI-compatible endpoint).
        model: Chat model for the LLM engine, as ``provider/model``.
        base_url: OpenAI-compatible endpoint for the LLM engine.
        low_confidence: Triage confidence under which a human reviews the ticket.
        kb_min_score: Hybrid retrieval score (0..1) under which a KB hit does not count
            (a content gap): the floor of the relevance gate (tools/knowledge/gate.py);
            see docs/retrieval_eval.md for how it was chosen.
        max_hops: Supervisor steps after which the run stops with an error.
        sla_policy: Path to an SLA policy JSON file; None uses the shipped default.
        kb_path: KB folder of markdown articles or a JSONL file (``SUPPORTGRAPH_KB``);
            None uses the shipped KB.
        plans_path: Plan catalog JSON (``plans``, and ``terms``: the words customers use
            for a feature or integration, in any language); None uses the shipped catalog.
        ledger_path: Billing ledger JSON; None uses the shipped demo ledger.
        teams_path: Teams JSON (``SUPPORTGRAPH_TEAMS``): names, roles and notification
            addresses of the teams tickets are handed to; None uses the shipped teams.
        customers_path: Customer directory JSON (``SUPPORTGRAPH_CUSTOMERS``) that
            verifies who a ticket comes from; None uses the shipped demo directory.
        triage_model: Folder of a model written by ``supportgraph train triage``;
            None uses the shipped model for the default taxonomy.
        label_map: JSON file mapping the triage model's labels to graph routes
            (tools/triage/label_map.py); None uses the map saved with the model.
        templates_path: Folder of reply templates (``SUPPORTGRAPH_TEMPLATES``) that
            overrides ``$SUPPORTGRAPH_HOME/templates`` and the shipped ones, file by
            file (tools/reply/macros.py).
        brand: The product name the replies speak for (``SUPPORTGRAPH_BRAND``).
        signature: How replies are signed (``SUPPORTGRAPH_SIGNATURE``); None signs as
            the brand's support team, in the reply's language.
        clock: Returns "now"; tests and replays pin it.
    """

    engine: Literal["embedded", "llm"] = field(
        default_factory=lambda: _env("ENGINE", "embedded")  # type: ignore[arg-type,return-value]
    )
    model: str = field(default_factory=lambda: _env("MODEL", "openai/gpt-4o-mini"))
    base_url: str | None = field(default_factory=lambda: os.environ.get("SUPPORTGRAPH_BASE_URL"))
    low_confidence: float = field(default_factory=lambda: _env_float("LOW_CONFIDENCE", 0.40))
    kb_min_score: float = field(default_factory=lambda: _env_float("KB_MIN_SCORE", 0.34))
    max_hops: int = 12
    sla_policy: Path | None = field(default_factory=lambda: _env_path("SLA_POLICY"))
    kb_path: Path | None = field(default_factory=lambda: _env_path("KB"))
    plans_path: Path | None = None
    ledger_path: Path | None = None
    customers_path: Path | None = field(default_factory=lambda: _env_path("CUSTOMERS"))
    teams_path: Path | None = field(default_factory=lambda: _env_path("TEAMS"))
    triage_model: Path | None = field(default_factory=lambda: _env_path("TRIAGE_MODEL"))
    label_map: Path | None = field(default_factory=lambda: _env_path("LABEL_MAP"))
    templates_path: Path | None = field(default_factory=lambda: _env_path("TEMPLATES"))
    brand: str = field(default_factory=lambda: _env("BRAND", "Acme Insights"))
    signature: str | None = field(default_factory=lambda: os.environ.get("SUPPORTGRAPH_SIGNATURE"))
    clock: Callable[[], datetime] = _utc_now

    def __post_init__(self) -> None:
        if self.engine not in ("embedded", "llm"):
            raise ConfigurationError(f"unknown engine {self.engine!r}; use 'embedded' or 'llm'")
        if not 0.0 <= self.low_confidence <= 1.0:
            raise ConfigurationError(
                f"low_confidence must be within 0..1, got {self.low_confidence}"
            )
        if not self.brand.strip():
            raise ConfigurationError(
                "brand is empty; set SUPPORTGRAPH_BRAND to your product's name"
            )
        if self.max_hops < 4:
            raise ConfigurationError(f"max_hops must be at least 4, got {self.max_hops}")

    def now(self) -> datetime:
        """Return the current time from the context clock (timezone-aware)."""
        return self.clock()


def context_of(runtime: Any) -> Context:
    """The run's Context, or defaults when the caller (e.g. Studio) passed none."""
    context = getattr(runtime, "context", None)
    if isinstance(context, Context):
        return context
    if isinstance(context, dict):
        return Context(**context)
    return Context()
