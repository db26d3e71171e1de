"""Outward effects go through the outbox and are delivered once, by key."""

from __future__ import annotations

import json
import re
import socket
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from email.message import Message
from email.parser import BytesParser
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from supportgraph.graph.context import Context
from supportgraph.graph.models import OutboxMessage, Ticket
from supportgraph.runs.build import build_graph
from supportgraph.runs.runner import resume_review, run_ticket
from supportgraph.tools.delivery.relay import LEDGER, Relay, SmtpTransport, delivered_keys

from .conftest import NOW, ROOT


def _outbox(snapshot: Any) -> list[Any]:
    return list(snapshot.values.get("outbox", []))


def test_auto_reply_records_reply_and_status_change(
    saver: Any, samples: dict[str, Ticket], context: Context
) -> None:
    snapshot = run_ticket(build_graph(saver), samples["SUPPORT-002"], context).snapshot
    reply, status = [m.key for m in _outbox(snapshot)]
    # The reply's key carries its revision: a later, different reply gets a new one.
    assert re.fullmatch(r"SUPPORT-002/customer_reply/r1-[0-9a-f]{10}", reply)
    assert status == "SUPPORT-002/status_change/replied"


def test_nothing_leaves_before_the_reviewer_approves(
    saver: Any, samples: dict[str, Ticket], context: Context
) -> None:
    support = build_graph(saver)
    waiting = run_ticket(support, samples["SUPPORT-004"], context).snapshot
    assert _outbox(waiting) == []
    done = resume_review(support, "SUPPORT-004", {"action": "approve", "reviewer": "kim"}, context)
    actions = [m.action for m in _outbox(done)]
    assert actions == ["customer_reply", "status_change", "refund_request"]
    refund = _outbox(done)[2]
    assert refund.to == "billing-team" and "Approved by kim" in refund.body
    assert refund.reference is not None
    assert f"Refund 49.00 USD of charge {refund.reference}" in refund.body


def test_rejected_draft_hands_over_and_refunds_nothing(
    saver: Any, samples: dict[str, Ticket], context: Context
) -> None:
    support = build_graph(saver)
    run_ticket(support, samples["SUPPORT-004"], context)
    done = resume_review(
        support, "SUPPORT-004", {"action": "reject", "reason": "handled by phone"}, context
    )
    assert [m.action for m in _outbox(done)] == [
        "customer_reply",  # a person takes it over: the customer is told so
        "status_change",
        "internal_notification",  # … and that person's team is told what was promised
    ]
    assert _outbox(done)[2].to == "billing-team" and "handled by phone" not in _outbox(done)[0].body


def test_relay_delivers_each_key_once_across_restarts(
    saver: Any, samples: dict[str, Ticket], context: Context, tmp_path: Path
) -> None:
    messages = _outbox(run_ticket(build_graph(saver), samples["SUPPORT-002"], context).snapshot)
    assert Relay(tmp_path).deliver(messages) == 2
    assert Relay(tmp_path).deliver(messages) == 0  # a new process reads the ledger
    lines = [json.loads(line) for line in (tmp_path / LEDGER).read_text().splitlines()]
    assert [line["key"] for line in lines] == [m.key for m in messages]


def test_torn_ledger_line_from_a_crash_is_ignored(
    tmp_path: Path, saver: Any, samples: dict[str, Ticket], context: Context
) -> None:
    messages = _outbox(run_ticket(build_graph(saver), samples["SUPPORT-002"], context).snapshot)
    Relay(tmp_path).deliver(messages[:1])
    with (tmp_path / LEDGER).open("a") as ledger:
        ledger.write('{"key": "SUPPORT-002/status_ch')  # killed mid-write
    assert Relay(tmp_path).deliver(messages) == 1
    assert delivered_keys(tmp_path / LEDGER) == [m.key for m in messages]


class _Inbox:
    def __init__(self) -> None:
        self.messages: list[Message] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802 - aiosmtpd's hook name
        self.messages.append(BytesParser().parsebytes(envelope.content))
        return "250 OK"


@pytest.fixture
def smtp_server() -> Iterator[tuple[str, _Inbox]]:
    inbox = _Inbox()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield f"smtp://127.0.0.1:{port}", inbox
    finally:
        controller.stop()


def test_smtp_delivery_carries_the_idempotency_key(
    smtp_server: tuple[str, _Inbox],
    saver: Any,
    samples: dict[str, Ticket],
    context: Context,
    tmp_path: Path,
) -> None:
    url, inbox = smtp_server
    messages = _outbox(run_ticket(build_graph(saver), samples["SUPPORT-002"], context).snapshot)
    assert Relay(tmp_path, SmtpTransport(url)).deliver(messages) == 2
    assert Relay(tmp_path, SmtpTransport(url)).deliver(messages) == 0
    assert [m["X-Idempotency-Key"] for m in inbox.messages] == [m.key for m in messages]
    reply = inbox.messages[0]
    assert reply["Subject"] == "Re: Question about pricing plans and features [SUPPORT-002]"
    assert "Here is how Growth and Enterprise compare" in reply.get_payload()
    assert not reply.is_multipart()  # a chat reply has no HTML part


def _message(key: str, subject: str = "Re: plans", to: str = "Acme Ltd") -> OutboxMessage:
    return OutboxMessage(
        key=key,
        ticket_id=key.split("/")[0],
        action="customer_reply",
        to=to,
        subject=subject,
        body="Thanks for asking.",
        created_at=datetime(2026, 11, 25, 12, 0, tzinfo=UTC),
    )


def test_crlf_subject_from_an_old_store_is_sent_as_one_header_line(
    smtp_server: tuple[str, _Inbox], tmp_path: Path
) -> None:
    url, inbox = smtp_server
    message = _message("OLD-1/customer_reply", subject="Re: Plans\r\nBcc: victim@example.com")
    relay = Relay(tmp_path, SmtpTransport(url))
    assert relay.deliver([message]) == 1 and relay.failures == []
    [email] = inbox.messages
    assert email["Subject"] == "Re: Plans Bcc: victim@example.com"
    assert email["Bcc"] is None


def test_non_ascii_customer_name_gets_an_ascii_address(
    smtp_server: tuple[str, _Inbox], tmp_path: Path
) -> None:
    url, inbox = smtp_server
    relay = Relay(tmp_path, SmtpTransport(url))
    assert relay.deliver([_message("T-1/customer_reply", to="Müller GmbH – Zürich")]) == 1
    assert inbox.messages[0]["To"] == "muller-gmbh-zurich@customers.invalid"


def test_smtp_outage_is_reported_per_message_and_relay_retries_later(tmp_path: Path) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # nothing listens here
    messages = [_message(f"T-{n}/customer_reply") for n in range(3)]
    relay = Relay(tmp_path, SmtpTransport(f"smtp://127.0.0.1:{port}"))
    assert relay.deliver(messages) == 0
    assert [f.key for f in relay.failures] == [m.key for m in messages]
    assert "ConnectionRefusedError" in relay.failures[0].reason
    assert relay.failures[1].reason.startswith("not attempted:")  # one refusal stops the rest
    assert delivered_keys(tmp_path / LEDGER) == []  # still in the outbox
    inbox = _Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        later = Relay(tmp_path, SmtpTransport(f"smtp://127.0.0.1:{port}"))
        assert later.deliver(messages) == 3 and later.failures == []
    finally:
        controller.stop()
    assert len(inbox.messages) == 3


class _SlowTransport:
    name = "slow"

    def __init__(self) -> None:
        self.sent: list[str] = []

    def send(self, message: OutboxMessage) -> None:
        time.sleep(0.002)  # long enough for the two relays to overlap
        self.sent.append(message.key)


def test_two_relays_on_one_ledger_deliver_each_key_once(tmp_path: Path) -> None:
    messages = [_message(f"T-{n}/customer_reply") for n in range(60)]
    transport = _SlowTransport()
    relays = [Relay(tmp_path, transport), Relay(tmp_path, transport)]
    threads = [
        threading.Thread(target=lambda r=r: [r.deliver([m]) for m in messages]) for r in relays
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    keys = delivered_keys(tmp_path / LEDGER)
    assert sorted(keys) == sorted(m.key for m in messages)
    assert sorted(transport.sent) == sorted(keys)


def test_nothing_to_send_creates_no_folder(tmp_path: Path) -> None:
    assert Relay(tmp_path / "out").deliver([]) == 0
    assert not (tmp_path / "out").exists()


def test_email_replies_carry_an_html_alternative(
    smtp_server: tuple[str, _Inbox],
    saver: Any,
    samples: dict[str, Ticket],
    context: Context,
    tmp_path: Path,
) -> None:
    url, inbox = smtp_server
    support = build_graph(saver)
    run_ticket(support, samples["SUPPORT-004"], context)
    done = resume_review(support, "SUPPORT-004", {"action": "approve"}, context)
    Relay(tmp_path, SmtpTransport(url)).deliver(_outbox(done))
    reply = next(m for m in inbox.messages if m["Subject"].startswith("Re: "))
    assert reply.get_content_type() == "multipart/alternative"
    text, html = reply.get_payload()
    assert (text.get_content_type(), html.get_content_type()) == ("text/plain", "text/html")
    assert "refund of 49.00 USD" in text.get_payload(decode=True).decode()
    assert "<p>Hi Sam,</p>" in html.get_payload(decode=True).decode()


class _Hook(BaseHTTPRequestHandler):
    received: list[tuple[str, dict[str, Any]]] = []

    def do_POST(self) -> None:  # noqa: N802 - http.server's hook name
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.received.append((self.path, json.loads(body)))
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def webhook_server() -> Iterator[tuple[str, list[tuple[str, dict[str, Any]]]]]:
    received: list[tuple[str, dict[str, Any]]] = []
    handler = type("Hook", (_Hook,), {"received": received})
    server = HTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", received
    finally:
        server.shutdown()
        server.server_close()


def test_a_team_with_a_webhook_is_notified_by_a_real_http_post(
    webhook_server: tuple[str, list[tuple[str, dict[str, Any]]]],
    saver: Any,
    outage: Ticket,
    tmp_path: Path,
) -> None:
    url, received = webhook_server
    teams = json.loads((ROOT / "tools" / "data" / "teams.json").read_text())
    for team in teams["teams"]:
        if team["name"] == "Engineering":
            team["notify"] = f"{url}/services/T000/B000/secret-token"
    teams_file = tmp_path / "teams.json"
    teams_file.write_text(json.dumps(teams))
    context = Context(clock=lambda: NOW, teams_path=teams_file)
    support = build_graph(saver)
    run_ticket(support, outage, context)
    done = resume_review(support, "SUPPORT-001", {"action": "approve"}, context)
    relay = Relay(tmp_path / "out")
    relay.deliver(_outbox(done))
    assert relay.failures == []
    [(path, payload)] = received
    assert path == "/services/T000/B000/secret-token"
    assert payload["text"].startswith(
        "*[Engineering] SUPPORT-001: incident for TechCorp Solutions*"
    )
    assert "Our engineering team is on it" in payload["text"]  # what the customer was promised
    lines = [json.loads(line) for line in (tmp_path / "out" / LEDGER).read_text().splitlines()]
    hook = next(line for line in lines if line["transport"] == "webhook")
    assert hook["to"] == f"{url}/…"  # the secret path stays out of the ledger


def test_a_webhook_that_refuses_is_retried_by_the_next_relay(tmp_path: Path) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # nothing listens here
    message = _message(
        "T-1/internal_notification/Engineering/incident", to=f"http://127.0.0.1:{port}/hook"
    )
    message = message.model_copy(update={"action": "internal_notification"})
    relay = Relay(tmp_path)
    assert relay.deliver([message]) == 0
    assert "unreachable" in relay.failures[0].reason and delivered_keys(tmp_path / LEDGER) == []
