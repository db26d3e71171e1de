"""Post team notifications to a Slack-compatible incoming webhook (``{"text": …}``).

A team whose ``notify`` address in the teams file is an ``https://`` (or ``http://``)
URL is told through that webhook; the relay picks this transport for such addresses.
The URL is a secret in Slack's model, so only its scheme and host appear in the
delivery ledger (:func:`shown_address`).
"""

from __future__ import annotations

from urllib.parse import urlsplit

import httpx

from supportgraph.graph.models import OutboxMessage

TIMEOUT_SECONDS = 10.0
# Slack reads these three as markup in "text"; everything else is shown as written.
_SLACK_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})


def is_webhook(address: str) -> bool:
    """Whether ``address`` is a webhook URL rather than a mailbox or queue name."""
    return address.startswith(("https://", "http://"))


def shown_address(address: str) -> str:
    """``address`` as the ledger shows it: a webhook URL without its path and query."""
    if not is_webhook(address):
        return address
    parts = urlsplit(address)
    return f"{parts.scheme}://{parts.hostname or ''}{f':{parts.port}' if parts.port else ''}/…"


def slack_payload(message: OutboxMessage) -> dict[str, str]:
    """The JSON body Slack-compatible webhooks accept: one ``text`` with a bold subject."""
    subject = message.subject.translate(_SLACK_ESCAPES)
    return {"text": f"*{subject}*\n{message.body.translate(_SLACK_ESCAPES)}"}


class WebhookTransport:
    """Deliver messages addressed to a URL with an HTTP POST of :func:`slack_payload`."""

    name = "webhook"

    def __init__(self, timeout: float = TIMEOUT_SECONDS) -> None:
        self.timeout = timeout

    def send(self, message: OutboxMessage) -> None:
        """POST the message; raise OSError when the hook is unreachable or refuses it."""
        try:
            response = httpx.post(message.to, json=slack_payload(message), timeout=self.timeout)
        except httpx.TimeoutException as exc:
            raise TimeoutError(f"{shown_address(message.to)} timed out: {exc}") from None
        except httpx.TransportError as exc:
            raise ConnectionError(f"{shown_address(message.to)} unreachable: {exc}") from None
        if not response.is_success:
            raise OSError(
                f"{shown_address(message.to)} answered HTTP {response.status_code}: "
                f"{response.text[:200]}"
            )
