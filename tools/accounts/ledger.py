"""The billing ledger: a customer's charges, and duplicates found in them."""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from pathlib import Path

from supportgraph.graph.errors import ConfigurationError
from supportgraph.tools import data_text


@dataclass(frozen=True)
class Charge:
    """One charge in the ledger."""

    charge_id: str
    customer: str
    plan: str
    amount: float
    currency: str
    charged_at: datetime
    description: str
    status: str


@lru_cache(maxsize=4)
def load_ledger(path: Path | None = None) -> tuple[Charge, ...]:
    """All charges from ``path`` (the shipped demo ledger when None)."""
    source = str(path or "billing_ledger.json")
    try:
        text = data_text(path, "billing_ledger.json")
        return tuple(
            Charge(
                charge_id=c["charge_id"],
                customer=c["customer"],
                plan=c["plan"],
                amount=float(c["amount"]),
                currency=c.get("currency", "USD"),
                charged_at=datetime.fromisoformat(c["charged_at"].replace("Z", "+00:00")),
                description=c.get("description", ""),
                status=c["status"],
            )
            for c in json.loads(text)["charges"]
        )
    except FileNotFoundError:
        raise ConfigurationError(f"billing ledger {source} does not exist") from None
    except (json.JSONDecodeError, KeyError, TypeError, ValueError) as exc:
        raise ConfigurationError(f"billing ledger {source} is malformed: {exc}") from None


def charges_for(customer: str, ledger: tuple[Charge, ...]) -> list[Charge]:
    """The customer's charges, oldest first (customer names compare case-insensitively)."""
    wanted = customer.casefold()
    return sorted(
        (c for c in ledger if c.customer.casefold() == wanted), key=lambda c: c.charged_at
    )


def duplicate_charges(charges: list[Charge]) -> list[list[Charge]]:
    """Groups of succeeded charges for the same plan and amount in one billing month.

    Failed or refunded charges never count, and a prorated charge (another amount in
    the same month, as after an upgrade) is not a duplicate.
    """
    groups: dict[tuple[str, float, int, int], list[Charge]] = defaultdict(list)
    for charge in charges:
        if charge.status == "succeeded":
            key = (charge.plan, charge.amount, charge.charged_at.year, charge.charged_at.month)
            groups[key].append(charge)
    return [group for group in groups.values() if len(group) > 1]
