"""The customer directory, and whether a ticket is verified to come from the customer it names.

Account data (charges, invoices, the plan on file) is shown only to a verified
customer. A ticket is verified when the directory has the customer it names, under the
ticket's tenant, with the tier the ticket states, and the ticket carries proof: the
customer id on file, or a contact email at one of the customer's domains. Anyone can
type another company's name into a web form; a mismatch is a reason for a person to
look, never for an automatic answer with that company's data.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from supportgraph.graph.errors import ConfigurationError
from supportgraph.graph.models import Ticket
from supportgraph.tools import data_text


@dataclass(frozen=True)
class Customer:
    """One customer on file."""

    customer_id: str
    name: str
    tier: str
    tenant: str | None
    email_domains: tuple[str, ...]
    contacts: tuple[str, ...]


@dataclass(frozen=True)
class Verification:
    """Whether the ticket comes from the customer it names, and why (not)."""

    verified: bool
    reason: str
    customer: Customer | None = None


@lru_cache(maxsize=4)
def load_directory(path: Path | None = None) -> tuple[Customer, ...]:
    """Customers from ``path`` (the shipped demo directory when None)."""
    source = str(path or "customers.json")
    try:
        text = data_text(path, "customers.json")
        return tuple(
            Customer(
                customer_id=str(c["customer_id"]),
                name=str(c["name"]),
                tier=str(c["tier"]),
                tenant=c.get("tenant"),
                email_domains=tuple(d.casefold() for d in c.get("email_domains", ())),
                contacts=tuple(e.casefold() for e in c.get("contacts", ())),
            )
            for c in json.loads(text)["customers"]
        )
    except FileNotFoundError:
        raise ConfigurationError(f"customer directory {source} does not exist") from None
    except (json.JSONDecodeError, KeyError, TypeError, AttributeError) as exc:
        raise ConfigurationError(f"customer directory {source} is malformed: {exc}") from None


def _on_file(ticket: Ticket, directory: tuple[Customer, ...]) -> Customer | None:
    if ticket.customer_id is not None:
        return next((c for c in directory if c.customer_id == ticket.customer_id), None)
    wanted = ticket.customer.casefold().strip()
    return next((c for c in directory if c.name.casefold() == wanted), None)


def verify(ticket: Ticket, directory: tuple[Customer, ...]) -> Verification:
    """Check that ``ticket`` comes from the customer it names; say why when it does not."""
    entry = _on_file(ticket, directory)
    if entry is None:
        named = f"customer id {ticket.customer_id}" if ticket.customer_id else ticket.customer
        return Verification(False, f"{named} is not in the customer directory")
    if entry.name.casefold() != ticket.customer.casefold().strip():
        return Verification(
            False, f"customer id {entry.customer_id} belongs to {entry.name}, not {ticket.customer}"
        )
    if (entry.tenant or None) != (ticket.tenant or None):
        return Verification(False, f"{entry.name} is on file under another tenant")
    if entry.tier != ticket.customer_tier:
        return Verification(
            False,
            f"the ticket says tier {ticket.customer_tier}; {entry.name} is {entry.tier} on file",
        )
    if ticket.customer_id == entry.customer_id:
        return Verification(True, f"customer id {entry.customer_id} on file", entry)
    email = (ticket.contact_email or "").casefold().strip()
    domain = email.rpartition("@")[2]
    if email and (email in entry.contacts or domain in entry.email_domains):
        return Verification(True, f"contact email domain {domain} on file for {entry.name}", entry)
    if email:
        return Verification(False, f"contact email domain {domain} is not on file for {entry.name}")
    return Verification(
        False, "the ticket has no customer id or contact email to confirm the sender"
    )
