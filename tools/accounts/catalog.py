"""The plan catalog: plan limits, integrations and features, compared side by side.

Besides ``plans``, the catalog file may give ``terms``: for a feature or integration a
plan lists, the words customers use for it ("Audit-Protokolle", "inicio de sesión
único"). A question that names one is answered with the plans that include it
(``asked_offerings``); terms for something no plan lists are refused when loading.
"""

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
    return _read(path)[0]


@lru_cache(maxsize=4)
def _read(path: Path | None) -> tuple[dict[str, Plan], dict[str, tuple[str, ...]]]:
    source = str(path or "plans.json")
    try:
        text = data_text(path, "plans.json")
        raw: dict[str, Any] = json.loads(text)
        plans = {p["name"]: _plan(p) for p in raw["plans"]}
        terms = {str(k): tuple(map(str, v)) for k, v in raw.get("terms", {}).items()}
    except FileNotFoundError:
        raise ConfigurationError(f"plan catalog {source} does not exist") from None
    except (json.JSONDecodeError, KeyError, TypeError, AttributeError) as exc:
        raise ConfigurationError(f"plan catalog {source} is malformed: {exc}") from None
    offered = {o for plan in plans.values() for o in (*plan.integrations, *plan.features)}
    unknown = sorted(set(terms) - offered)
    if unknown:
        raise ConfigurationError(
            f"plan catalog {source}: 'terms' names {', '.join(map(repr, unknown))}, which no "
            "plan lists among its features or integrations; fix the name or remove it"
        )
    return plans, terms


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


@dataclass(frozen=True)
class Offering:
    """A feature or integration a customer asked about, and the plans that include it."""

    name: str
    plans: tuple[str, ...]


_EVERYTHING_IN = re.compile(r"^Everything in (.+)$", re.IGNORECASE)


def features_of(name: str, catalog: dict[str, Plan]) -> tuple[str, ...]:
    """A plan's features, those it has "Everything in" another plan included."""
    found: list[str] = []
    for feature in catalog[name].features:
        inherited = _EVERYTHING_IN.match(feature)
        if inherited and inherited.group(1) in catalog and inherited.group(1) != name:
            found += [f for f in features_of(inherited.group(1), catalog) if f not in found]
        elif feature not in found:
            found.append(feature)
    return tuple(found)


def asked_offerings(text: str, path: Path | None = None) -> list[Offering]:
    """The features and integrations ``text`` names, each with the plans that include it.

    A feature or integration is named by its catalog name or by one of the words the
    catalog's ``terms`` gives for it (in the four languages: "Audit-Protokolle",
    "inicio de sesión único"); the longest name found wins, so "Slack alerts" names the
    alerts feature, not the Slack integration. Features a plan has "Everything in"
    another plan count for it too; integrations count only where a plan lists them.
    Something the plans above its first do not all have is left out: the catalog lists
    Slack for Starter to Professional but not Enterprise, and "available on Starter,
    Growth and Professional" would tell an Enterprise customer it is not theirs.
    Catalog order.
    """
    holders, words, pattern = _offerings(path)
    named = {_offering_of(m.group(0), words) for m in pattern.finditer(text)}
    return [Offering(name, plans) for name, plans in holders.items() if name in named]


def named_offerings(text: str, path: Path | None = None) -> dict[str, tuple[str, ...]]:
    """Every feature and integration ``text`` names, each with all the words for it.

    Unlike ``asked_offerings``, nothing is left out for the plans that hold it: this says
    what a ticket is about ("Salesforce sync stuck for two days"), not what to offer.
    The words are the catalog name and its ``terms``, in the four languages.
    """
    _, words, pattern = _offerings(path)
    named = {_offering_of(m.group(0), words) for m in pattern.finditer(text)}
    return {
        name: tuple(word for word, offering in words.items() if offering == name)
        for name in sorted(named)
    }


_INTEGRATION_WORDS = re.compile(
    r"\b(?:integrations?|connectors?|integrationen|konnektoren|schnittstellen|integraciones|"
    r"conectores|int[ée]grations|connecteurs)\b",
    re.IGNORECASE,
)


def asks_about_integrations(text: str) -> bool:
    """Whether ``text`` asks about integrations in general ("interested in integrations")."""
    return _INTEGRATION_WORDS.search(text) is not None


def _offering_of(found: str, words: dict[str, str]) -> str:
    """The offering a matched word stands for (matching ignores case as ``re`` does)."""
    if found.lower() in words:
        return words[found.lower()]
    return next(o for w, o in words.items() if re.fullmatch(re.escape(w), found, re.IGNORECASE))


@lru_cache(maxsize=4)
def _offerings(
    path: Path | None,
) -> tuple[dict[str, tuple[str, ...]], dict[str, str], re.Pattern[str]]:
    """What can be asked about (with its plans), each word for it, and one pattern for all."""
    catalog, terms = _read(path)
    holders: dict[str, list[str]] = {}
    for name in catalog:
        for offering in (*catalog[name].integrations, *features_of(name, catalog)):
            holders.setdefault(offering, []).append(name)
    order = list(catalog)
    stated = {
        offering: tuple(plans)
        for offering, plans in holders.items()
        if plans == order[order.index(plans[0]) :]
    }
    words = {
        word.lower(): offering
        for offering in holders
        for word in (offering, *terms.get(offering, ()))
    }
    # Longest first: where one name holds another, the longer one is what was named.
    alternatives = "|".join(map(re.escape, sorted(words, key=len, reverse=True)))
    pattern = re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)
    return stated, words, pattern
