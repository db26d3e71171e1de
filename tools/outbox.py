"""Outward effects as outbox messages, each with a stable idempotency key."""

from __future__ import annotations

from datetime import datetime

from supportgraph.graph.models import OutboxMessage, ProposedAction, Ticket

BILLING_ADDRESS = "billing-team"
TICKETING_ADDRESS = "ticket-system"


def _key(ticket: Ticket, action: str, detail: str = "") -> str:
    parts = [ticket.tenant or "", ticket.ticket_id, action, detail]
    return "/".join(p for p in parts if p)


def customer_reply(ticket: Ticket, text: str, now: datetime) -> OutboxMessage:
    """The reply email to the customer; one per ticket."""
    return OutboxMessage(
        key=_key(ticket, "customer_reply"),
        ticket_id=ticket.ticket_id,
        action="customer_reply",
        to=ticket.customer,
        subject=f"Re: {ticket.subject} [{ticket.ticket_id}]",
        body=text,
        created_at=now,
    )


def status_change(ticket: Ticket, status: str, note: str, now: datetime) -> OutboxMessage:
    """The ticket's new status, for the ticketing system."""
    return OutboxMessage(
        key=_key(ticket, "status_change", status),
        ticket_id=ticket.ticket_id,
        action="status_change",
        to=TICKETING_ADDRESS,
        subject=f"{ticket.ticket_id} is now {status}",
        body=note,
        created_at=now,
    )


def refund_request(
    ticket: Ticket, action: ProposedAction, approver: str, now: datetime
) -> OutboxMessage:
    """An approved refund, sent to billing to execute."""
    return OutboxMessage(
        key=_key(ticket, "refund_request", action.reference or "refund"),
        ticket_id=ticket.ticket_id,
        action="refund_request",
        to=BILLING_ADDRESS,
        subject=f"Refund approved for {ticket.customer} ({ticket.ticket_id})",
        body=f"{action.detail}; approved by {approver}",
        created_at=now,
    )
