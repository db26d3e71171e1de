"""Label map: which graph route (and category) each label of a trained model takes.

A JSON object from model label to route, where a route is ``technical`` (technical
support), ``success`` (customer success), ``knowledge`` (answer from the knowledge base
only) or ``escalation`` (straight to a human). A value may also be an object naming the
graph category too, which picks the owning team and base priority::

    {"Technical Support": "technical",
     "Billing and Payments": {"route": "success", "category": "billing"},
     "General Inquiry": "knowledge",
     "Service Outages and Maintenance": "escalation"}
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast, get_args

from supportgraph.graph.errors import ConfigurationError
from supportgraph.graph.models import CATEGORIES, Category, TriageRoute

ROUTES: tuple[TriageRoute, ...] = get_args(TriageRoute)
# The category a label takes when the map names none and the label is not a category.
_ROUTE_CATEGORY: dict[TriageRoute, Category] = {
    "technical": "technical",
    "success": "product",
    "knowledge": "product",
    "escalation": "technical",
}


@dataclass(frozen=True)
class Destination:
    """Where one model label goes in the graph."""

    route: TriageRoute
    category: Category


def _destination(where: str, label: str, value: Any) -> Destination:
    route, category = (
        (value.get("route"), value.get("category")) if isinstance(value, dict) else (value, None)
    )
    if route not in ROUTES:
        raise ConfigurationError(
            f"{where}: label {label!r} maps to {route!r}; use one of {', '.join(ROUTES)}"
        )
    if category is None:
        lowered = label.lower()
        category = lowered if lowered in CATEGORIES else _ROUTE_CATEGORY[route]
    if category not in CATEGORIES:
        raise ConfigurationError(
            f"{where}: label {label!r} names category {category!r}; use one of {', '.join(CATEGORIES)}"
        )
    return Destination(route=cast(TriageRoute, route), category=cast(Category, category))


def parse_label_map(mapping: Mapping[str, Any], where: str = "label map") -> dict[str, Destination]:
    """Validate a ``label → route`` mapping (values as in the module docstring)."""
    return {str(label): _destination(where, str(label), value) for label, value in mapping.items()}


def read_label_map(path: Path) -> dict[str, Any]:
    """Read a label-map JSON file as its raw mapping, validated.

    Raises:
        ConfigurationError: The file is missing, not a JSON object, or names an unknown
            route or category.
    """
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigurationError(f"label map {path} does not exist") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ConfigurationError(f"label map {path} is not valid JSON: {exc}") from None
    if not isinstance(raw, dict):
        raise ConfigurationError(
            f"label map {path} holds a {type(raw).__name__}; expected an object of label → route"
        )
    parse_label_map(raw, str(path))
    return raw


def default_destinations(labels: Iterable[str]) -> dict[str, Destination]:
    """Destinations for labels that are graph categories: technical → technical, rest → success."""
    out = {}
    for label in labels:
        lowered = label.lower()
        if lowered not in CATEGORIES:
            continue
        route: TriageRoute = "technical" if lowered == "technical" else "success"
        out[label] = Destination(route=route, category=cast(Category, lowered))
    return out


def destinations_for(
    labels: Iterable[str], mapping: Mapping[str, Any], where: str = "label map"
) -> dict[str, Destination]:
    """Destinations for every model label, or an error naming the labels left unmapped."""
    labels = list(labels)
    found = default_destinations(labels) | parse_label_map(mapping, where)
    missing = [label for label in labels if label not in found]
    if missing:
        raise ConfigurationError(
            f"{where} gives no route for model label(s) {', '.join(map(repr, missing))}; "
            f"map each to one of {', '.join(ROUTES)} (--label-map FILE or SUPPORTGRAPH_LABEL_MAP)"
        )
    return found
