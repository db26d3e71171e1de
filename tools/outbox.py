"""Outward effects as outbox messages, each with a stable idempotency key."""

from __future__ import annotations

from datetime import datetime

from supportgraph.graph.models import OutboxMessage, ProposedAction, Ticket

BILLING_ADDRESS = "billing-team"
TICKETING_ADDRESS = "ticket-system"


def _key(ticket: Ticket, action: str, detail: str = "") -> str:
    parts = [ticket.tenant or "", ticket.ticket_id, action, detail]
    return "/".join(p for p in parts if p)


def customer_reply(ticket: Ticket, text: str, now: datetime, part: str = "") -> OutboxMessage:
    """A reply to the customer; ``part`` tells apart an acknowledgement ("ack") from the answer."""
    return OutboxMessage(
        key=_key(ticket, "customer_reply", part),
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
    """An approved refund of one charge, sent to Billing to execute.

    The key names the charge, not the ticket: five tickets about one duplicate charge
    make one refund request (the relay also claims the charge in tools/refunds.py).
    """
    if action.reference is None or action.amount is None:
        raise ValueError("a refund request needs the charge id and amount it refunds")
    amount = f"{action.amount:.2f} {action.currency or ''}".strip()
    return OutboxMessage(
        key="/".join(p for p in (ticket.tenant or "", "refund_request", action.reference) if p),
        ticket_id=ticket.ticket_id,
        action="refund_request",
        to=BILLING_ADDRESS,
        subject=f"Refund {amount} of charge {action.reference} for {ticket.customer}",
        body=(
            f"Refund {amount} of charge {action.reference} to {ticket.customer}"
            f"{f' ({ticket.customer_id})' if ticket.customer_id else ''}.\n"
            f"Why: {action.detail}.\nTicket: {ticket.ticket_id}. Approved by {approver}."
        ),
        created_at=now,
        reference=action.reference,
        tenant=ticket.tenant,
    )


def action_request(
    ticket: Ticket, action: ProposedAction, team: str, approver: str, now: datetime
) -> OutboxMessage:
    """An approved account or money action (cancellation, credit…) for its team to carry out."""
    charge = (
        f" Charge {action.reference}, {action.amount:.2f} {action.currency or ''}.".rstrip()
        if action.reference and action.amount is not None
        else ""
    )
    return OutboxMessage(
        key=_key(ticket, "action_request", action.kind),
        ticket_id=ticket.ticket_id,
        action="action_request",
        to=f"{team.lower()}-team",
        subject=f"Approved {action.kind.replace('_', ' ')} for {ticket.customer} ({ticket.ticket_id})",
        body=f"{action.detail[0].upper()}{action.detail[1:]}.{charge}\nApproved by {approver}.",
        created_at=now,
        reference=action.reference,
    )
