"""Delivering outbox messages from the commands that resume tickets (review, relay)."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from supportgraph.cli.console import errors
from supportgraph.cli.options import check_out, fail
from supportgraph.graph.errors import SupportGraphError
from supportgraph.graph.incidents import one_line
from supportgraph.tools.safety import escape

if TYPE_CHECKING:
    from supportgraph.tools.delivery.relay import Relay


def relay_for(out: Path, smtp: str | None) -> Relay:
    """A relay for ``--out`` and ``--smtp``, checked before anything is decided or sent."""
    from supportgraph.tools.delivery.relay import Relay, transport_for

    check_out(out)
    try:
        return Relay(out, transport_for(smtp))
    except SupportGraphError as exc:
        raise fail(str(exc)) from None


def deliver(snapshots: Iterable[Any], relay: Relay) -> int:
    """Relay every outbox message of these threads not yet in OUT/sent.jsonl.

    A message that cannot be sent is printed and stays in the outbox (``relay`` retries).
    """
    try:
        sent = relay.deliver(m for snapshot in snapshots for m in snapshot.values.get("outbox", []))
    except OSError as exc:
        raise fail(
            f"cannot write the ledger {relay.path} ({one_line(exc)}); "
            "undelivered messages stay in the outbox"
        ) from None
    for failure in relay.failures:
        errors.print(
            f"[red]not delivered:[/] {escape.console(failure.key)}: "
            f"{escape.console(failure.reason, 300)}; it stays in the outbox, run relay again"
        )
    return sent
