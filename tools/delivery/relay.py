"""Deliver outbox messages: at-least-once transport, made effectively-once by their keys.

``OUT/sent.jsonl`` is the delivery ledger: one line per delivered message with its
idempotency key and the text that went out (with the file transport, the line is the
delivery). A message addressed to a URL (a team's Slack-compatible webhook,
tools/delivery/webhooks.py) is posted there whatever the main transport is.

A message whose key is already in the ledger is never delivered again, so a relay that
crashed between delivering and writing the line resends at most that one message (SMTP
receivers can drop it by its Message-ID).

Several processes may deliver into one ledger at once (two ``supportgraph run`` of the
same file, a ``relay`` next to a ``run``): each delivery holds an exclusive lock on the
ledger file and re-reads it under the lock, so a key is sent by one process only.

A message that cannot be sent (the SMTP server refuses it or is down) is reported in
``Relay.failures`` and stays out of the ledger, so the next ``relay`` retries it; the
other messages still go. Nothing is created under OUT until there is something to send.
"""

from __future__ import annotations

import fcntl
import json
import os
import re
import smtplib
import unicodedata
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import EmailMessage
from pathlib import Path
from typing import IO, Protocol
from urllib.parse import urlsplit

from supportgraph.graph.errors import ConfigurationError
from supportgraph.graph.models import OutboxMessage
from supportgraph.tools.accounts.refunds import RefundClaim, claim
from supportgraph.tools.delivery.webhooks import WebhookTransport, is_webhook, shown_address
from supportgraph.tools.safety.escape import header

LEDGER = "sent.jsonl"
# What of a subject the ledger keeps: enough to recognise the message.
LEDGER_SUBJECT_CHARS = 300
_ADDRESS = re.compile(r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}@[A-Za-z0-9.-]{1,253}")


class Transport(Protocol):
    """Sends one message somewhere outside (email, a webhook, …)."""

    name: str

    def send(self, message: OutboxMessage) -> None:
        """Deliver ``message``; raise OSError on failure so that it is retried later."""
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
        try:
            parts = urlsplit(url)
            port = parts.port or 25
        except ValueError as exc:  # "[::1" or a port that is not a number
            raise ConfigurationError(
                f"{url!r} is not an SMTP URL ({exc}); write smtp://HOST:PORT"
            ) from None
        if parts.scheme != "smtp" or not parts.hostname:
            raise ConfigurationError(f"{url!r} is not an SMTP URL; write smtp://HOST:PORT")
        self.host, self.port, self.sender = parts.hostname, port, sender

    def send(self, message: OutboxMessage) -> None:
        """Send one email whose Message-ID carries the idempotency key.

        Header values are made safe first (one line, no control characters, bounded),
        so a ticket's subject can never make the email fail or add headers.
        """
        email = EmailMessage()
        email["From"] = self.sender
        email["To"] = recipient(message.to)
        email["Subject"] = header(message.subject)
        email["Message-ID"] = f"<{_slug(message.key, 200)}@supportgraph.invalid>"
        email["X-Idempotency-Key"] = header(message.key)
        email.set_content(message.body)
        if message.html is not None:  # multipart/alternative: mail clients show the HTML
            email.add_alternative(message.html, subtype="html")
        with smtplib.SMTP(self.host, self.port, timeout=30) as smtp:
            smtp.send_message(email)


def recipient(to: str) -> str:
    """An ASCII address for ``to``: itself if it is a plain address, else a slug at .invalid."""
    if _ADDRESS.fullmatch(to):
        return to
    return f"{_slug(to, 64) or 'customer'}@customers.invalid"


def _slug(text: str, limit: int) -> str:
    # ASCII only: an SMTP server without SMTPUTF8 refuses other addresses.
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = "".join(c if c.isalnum() else "-" for c in ascii_text.lower())
    return re.sub(r"-{2,}", "-", slug).strip("-")[:limit].strip("-")


def transport_for(url: str | None) -> Transport:
    """The transport a URL names; None means the ledger file alone."""
    return SmtpTransport(url) if url else LedgerOnly()


@dataclass(frozen=True)
class DeliveryFailure:
    """A message that could not be delivered this time; it stays in the outbox."""

    key: str
    ticket_id: str
    reason: str


class Relay:
    """Delivers outbox messages once each, recording them in ``OUT/sent.jsonl``."""

    def __init__(
        self, out: Path, transport: Transport | None = None, webhooks: Transport | None = None
    ) -> None:
        self.out = out
        self.path = out / LEDGER
        self.transport = transport or LedgerOnly()
        # Messages addressed to a URL (a team's Slack-compatible hook) go through this one.
        self.webhooks = webhooks or WebhookTransport()
        self.failures: list[DeliveryFailure] = []
        self.sent = 0  # messages this relay delivered
        # Transports found unreachable, with why: the rest of the run stops trying them.
        self._down: dict[str, str] = {}
        # Keys seen in the ledger and how far it was read, so each delivery reads only
        # the lines other processes appended since.
        self._delivered: set[str] = set()
        self._read_to = 0

    def deliver(self, messages: Iterable[OutboxMessage]) -> int:
        """Deliver every message not yet in the ledger; return how many were sent.

        Raises:
            OSError: the ledger cannot be created or written (a failed *send* is not
                raised but recorded in ``failures``).
        """
        pending = list(messages)
        if not pending:
            return 0
        sent = 0
        with self._locked_ledger() as ledger:
            for message in pending:
                if message.key in self._delivered:
                    continue
                duplicate = _already_refunded(message)
                if duplicate is None and not self._send(message):
                    continue
                line = self._line(message)
                if duplicate is not None:
                    line["transport"] = "none"
                    line["suppressed"] = (
                        f"charge {duplicate.charge_id} was already requested by ticket "
                        f"{duplicate.ticket_id} on {duplicate.requested_at[:10]}"
                    )
                ledger.write(json.dumps(line).encode() + b"\n")
                ledger.flush()
                os.fsync(ledger.fileno())
                self._delivered.add(message.key)
                sent += duplicate is None
            self._read_to = ledger.tell()
        self.sent += sent
        return sent

    def _transport_for(self, message: OutboxMessage) -> Transport:
        return self.webhooks if is_webhook(message.to) else self.transport

    def _send(self, message: OutboxMessage) -> bool:
        transport = self._transport_for(message)
        if transport.name in self._down:
            down = self._down[transport.name]
            self.failures.append(DeliveryFailure(message.key, message.ticket_id, down))
            return False
        try:
            transport.send(message)
        except (OSError, ValueError) as exc:
            reason = f"{transport.name} delivery failed: {type(exc).__name__}: {exc}"
            if isinstance(exc, ConnectionError | TimeoutError | smtplib.SMTPConnectError):
                self._down[transport.name] = f"not attempted: {reason}"
            self.failures.append(DeliveryFailure(message.key, message.ticket_id, reason))
            return False
        return True

    def _line(self, message: OutboxMessage) -> dict[str, str]:
        """The ledger line: what was delivered, to whom, how; the text as it was sent."""
        line = {
            "key": message.key,
            "ticket_id": message.ticket_id,
            "action": message.action,
            "to": shown_address(message.to),
            "subject": header(message.subject, LEDGER_SUBJECT_CHARS),
            "transport": self._transport_for(message).name,
            "delivered_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "body": message.body,
        }
        if message.reference is not None:
            line["reference"] = message.reference
        if message.html is not None:
            line["html"] = message.html
        return line

    @contextmanager
    def _locked_ledger(self) -> Iterator[IO[bytes]]:
        """The ledger open for appending under an exclusive lock, its new lines read."""
        self.out.mkdir(parents=True, exist_ok=True)
        with self.path.open("a+b") as ledger:
            fcntl.flock(ledger.fileno(), fcntl.LOCK_EX)
            try:
                if os.fstat(ledger.fileno()).st_size < self._read_to:  # replaced meanwhile
                    self._delivered.clear()
                    self._read_to = 0
                ledger.seek(self._read_to)
                new = ledger.read()
                self._delivered.update(_keys(new.decode("utf-8", "replace").splitlines()))
                if new and not new.endswith(b"\n"):
                    ledger.write(b"\n")  # end a line torn by a crash, so the next starts clean
                yield ledger
            finally:
                fcntl.flock(ledger.fileno(), fcntl.LOCK_UN)


def _keys(lines: Iterable[str]) -> list[str]:
    keys = []
    for line in lines:
        try:
            keys.append(json.loads(line)["key"])
        except (json.JSONDecodeError, KeyError, TypeError):
            continue
    return keys


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
    return _keys(path.read_text(encoding="utf-8", errors="replace").splitlines())
