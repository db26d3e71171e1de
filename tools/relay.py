"""Deliver outbox messages: at-least-once transport, made effectively-once by their keys.

``OUT/sent.jsonl`` is the delivery ledger: one line per delivered message with its
idempotency key. A message whose key is already there is never delivered again, so a
relay that crashed between delivering and writing the line resends at most that one
message (SMTP receivers can drop it by its Message-ID).
"""

from __future__ import annotations

import json
import os
import smtplib
from collections.abc import Iterable
from datetime import UTC, datetime
from email.message import EmailMessage
from pathlib import Path
from typing import Protocol
from urllib.parse import urlsplit

from supportgraph.graph.errors import ConfigurationError
from supportgraph.graph.models import OutboxMessage
from supportgraph.tools.refunds import RefundClaim, claim

LEDGER = "sent.jsonl"


class Transport(Protocol):
    """Sends one message somewhere outside (email, a webhook, …)."""

    name: str

    def send(self, message: OutboxMessage) -> None:
        """Deliver ``message``; raise on failure so that it is retried later."""
        ...


class LedgerOnly:
    """The default transport: the line in ``sent.jsonl`` is the delivery."""

    name = "file"

    def send(self, message: OutboxMessage) -> None:
        """Nothing to do beyond the ledger line."""


class SmtpTransport:
    """Send messages as email through an SMTP server (``smtp://host:port``)."""

    name = "smtp"

    def __init__(self, url: str, sender: str = "support@supportgraph.invalid") -> None:
        parts = urlsplit(url)
        if parts.scheme != "smtp" or not parts.hostname:
            raise ConfigurationError(f"{url!r} is not an SMTP URL; write smtp://HOST:PORT")
        self.host, self.port, self.sender = parts.hostname, parts.port or 25, sender

    def send(self, message: OutboxMessage) -> None:
        """Send one email whose Message-ID carries the idempotency key."""
        email = EmailMessage()
        email["From"] = self.sender
        email["To"] = message.to if "@" in message.to else f"{_slug(message.to)}@customers.invalid"
        email["Subject"] = message.subject
        email["Message-ID"] = f"<{_slug(message.key)}@supportgraph.invalid>"
        email["X-Idempotency-Key"] = message.key
        email.set_content(message.body)
        with smtplib.SMTP(self.host, self.port, timeout=30) as smtp:
            smtp.send_message(email)


def _slug(text: str) -> str:
    return "".join(c if c.isalnum() else "-" for c in text.lower()).strip("-")


def transport_for(url: str | None) -> Transport:
    """The transport a URL names; None means the ledger file alone."""
    return SmtpTransport(url) if url else LedgerOnly()


class Relay:
    """Delivers outbox messages once each, recording them in ``OUT/sent.jsonl``."""

    def __init__(self, out: Path, transport: Transport | None = None) -> None:
        self.path = out / LEDGER
        self.transport = transport or LedgerOnly()
        out.mkdir(parents=True, exist_ok=True)
        self.delivered = set(delivered_keys(self.path))
        if (
            self.path.exists()
            and not self.path.read_bytes().endswith(b"\n")
            and self.path.stat().st_size
        ):
            with self.path.open("a", encoding="utf-8") as ledger:
                ledger.write("\n")  # end a line torn by a crash, so the next one starts clean

    def deliver(self, messages: Iterable[OutboxMessage]) -> int:
        """Deliver every message not yet in the ledger; return how many were sent."""
        sent = 0
        with self.path.open("a", encoding="utf-8") as ledger:
            for message in messages:
                if message.key in self.delivered:
                    continue
                duplicate = _already_refunded(message)
                if duplicate is None:
                    self.transport.send(message)
                line = {
                    "key": message.key,
                    "ticket_id": message.ticket_id,
                    "action": message.action,
                    "to": message.to,
                    "subject": message.subject,
                    "transport": self.transport.name if duplicate is None else "none",
                    "delivered_at": datetime.now(UTC).isoformat(timespec="seconds"),
                }
                if duplicate is not None:
                    line["suppressed"] = (
                        f"charge {duplicate.charge_id} was already requested by ticket "
                        f"{duplicate.ticket_id} on {duplicate.requested_at[:10]}"
                    )
                ledger.write(json.dumps(line) + "\n")
                ledger.flush()
                os.fsync(ledger.fileno())
                self.delivered.add(message.key)
                sent += duplicate is None
        return sent


def _already_refunded(message: OutboxMessage) -> RefundClaim | None:
    """Claim the charge of a refund request; the earlier request when another ticket has it."""
    if message.action != "refund_request" or message.reference is None:
        return None
    return claim(
        message.reference, message.ticket_id, message.key, message.created_at, message.tenant
    )


def delivered_keys(path: Path) -> list[str]:
    """Keys in a ledger file, in order; a torn last line (a crash mid-write) is ignored."""
    if not path.exists():
        return []
    keys = []
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            keys.append(json.loads(line)["key"])
        except (json.JSONDecodeError, KeyError, TypeError):
            continue
    return keys
