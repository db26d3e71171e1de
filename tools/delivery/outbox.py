"""Outward effects as outbox messages, each with a stable idempotency key."""

from __future__ import annotations

import hashlib
from datetime import datetime

from supportgraph.graph.models import OutboxMessage, ProposedAction, Ticket
from supportgraph.tools.desk.teams import Team

BILLING_ADDRESS = "billing-team"
TICKETING_ADDRESS = "ticket-system"
CALLBACK_ADDRESS = "phone-callbacks"  # the agents' queue of calls to return


def _key(ticket: Ticket, action: str, detail: str = "") -> str:
    parts = [ticket.tenant or "", ticket.ticket_id, action, detail]
    return "/".join(p for p in parts if p)


def revision(text: str, earlier: int) -> str:
    """The revision part of a customer reply's key: its number and a digest of its text.

    Every reply produced after a replay or a review edit differs from the ones sent
    before (a higher number, or another text), so its key is new and the relay delivers
    it; a retry of the same step renders the same text and is recognised by its key.
    """
    return f"r{earlier + 1}-{hashlib.sha256(text.encode()).hexdigest()[:10]}"


def customer_reply(
    ticket: Ticket, text: str, now: datetime, part: str = "", html: str | None = None
) -> OutboxMessage:
    """A reply to the customer; ``part`` tells apart an acknowledgement ("ack") and revisions.

    A phone ticket's reply is a call-back note for the agents' queue, not an email to
    the customer.
    """
    phone = ticket.channel == "Phone"
    return OutboxMessage(
        key=_key(ticket, "customer_reply", part),
        ticket_id=ticket.ticket_id,
        action="customer_reply",
        to=CALLBACK_ADDRESS if phone else ticket.customer,
        subject=f"{'Call back: ' if phone else 'Re: '}{ticket.subject} [{ticket.ticket_id}]",
        body=text,
        created_at=now,
        html=html,
    )


def internal_notification(
    ticket: Ticket, team: Team, purpose: str, body: str, now: datetime
) -> OutboxMessage:
    """Tell ``team`` (at its ``notify`` address) what the customer was told it will do.

    One per team and purpose: a replay that relies on the same team again does not
    notify it twice.
    """
    return OutboxMessage(
        key=_key(ticket, "internal_notification", f"{team.name}/{purpose}"),
        ticket_id=ticket.ticket_id,
        action="internal_notification",
        to=team.notify,
        subject=f"[{team.name}] {ticket.ticket_id}: {purpose.replace('_', ' ')} for {ticket.customer}",
        body=body,
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
    make one refund request (the relay also claims the charge in tools/accounts/refunds.py).
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
