"""The plan catalog: plan limits, integrations and features, compared side by side."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from supportgraph.graph.errors import ConfigurationError
from supportgraph.tools import data_text


@dataclass(frozen=True)
class Plan:
    """One plan from the catalog."""

    name: str
    price_per_month: float | None
    price_note: str
    seats: int | str | None
    api_requests_per_minute: int
    integrations: tuple[str, ...]
    support: str
    features: tuple[str, ...]

    @property
    def price(self) -> str:
        """Price as shown to a customer."""
        if self.price_per_month is None:
            return self.price_note or "custom pricing"
        return f"${self.price_per_month:,.0f}/month"


@lru_cache(maxsize=4)
def load_catalog(path: Path | None = None) -> dict[str, Plan]:
    """Plans by name from ``path`` (the shipped catalog when None)."""
    source = str(path or "plans.json")
    try:
        text = data_text(path, "plans.json")
        raw: list[dict[str, Any]] = json.loads(text)["plans"]
        return {p["name"]: _plan(p) for p in raw}
    except FileNotFoundError:
        raise ConfigurationError(f"plan catalog {source} does not exist") from None
    except (json.JSONDecodeError, KeyError, TypeError) as exc:
        raise ConfigurationError(f"plan catalog {source} is malformed: {exc}") from None


def _plan(raw: dict[str, Any]) -> Plan:
    return Plan(
        name=raw["name"],
        price_per_month=raw.get("price_per_month"),
        price_note=raw.get("price_note", ""),
        seats=raw.get("seats"),
        api_requests_per_minute=int(raw["api_requests_per_minute"]),
        integrations=tuple(raw.get("integrations", ())),
        support=str(raw.get("support", "")),
        features=tuple(raw.get("features", ())),
    )


def mentioned_plans(text: str, catalog: dict[str, Plan]) -> list[str]:
    """Plan names mentioned in ``text``, in catalog order."""
    return [name for name in catalog if re.search(rf"\b{re.escape(name)}\b", text, re.IGNORECASE)]


_PLAN_WORDS = (
    r"(?:plans?|tiers?|tarifs?|tarifa|abonnements?|abos?|offres?|paket|pakete|suscripci[oó]n)"
)


def named_plans(text: str, catalog: dict[str, Plan]) -> list[str]:
    """Plans ``text`` names as plans, in catalog order.

    Plan names are everyday words ("a sourdough starter", "growth"), so a name counts
    when it is written as the catalog writes it (Starter) or next to a word for a plan
    ("the starter plan", "le plan growth", "Tarif Professional").
    """
    found = []
    for name in catalog:
        word = re.escape(name)
        if re.search(rf"\b{word}\b", text) or re.search(
            rf"\b{word}\s+{_PLAN_WORDS}\b|\b{_PLAN_WORDS}\s+(?:\w+\s+)?{word}\b", text, re.I
        ):
            found.append(name)
    return found


def compare(names: Sequence[str], catalog: dict[str, Plan]) -> str:
    """A markdown table comparing the named plans on price, API limit, integrations and support."""
    plans = [catalog[n] for n in names]
    rows = [
        ("Price", [p.price for p in plans]),
        ("API requests per minute", [f"{p.api_requests_per_minute:,}" for p in plans]),
        ("Seats", [str(p.seats) if p.seats is not None else "unlimited" for p in plans]),
        ("Integrations", [", ".join(p.integrations) for p in plans]),
        ("Support", [p.support for p in plans]),
        ("Highlights", [", ".join(p.features) for p in plans]),
    ]
    header = "| | " + " | ".join(p.name for p in plans) + " |"
    divider = "|---" * (len(plans) + 1) + "|"
    body = ["| " + label + " | " + " | ".join(values) + " |" for label, values in rows]
    return "\n".join([header, divider, *body])
