"""Red-team scenarios ``smtp``, ``concurrency`` and ``legacy``.

They use what surrounds the CLI: a real SMTP server on loopback (and one that is down),
two processes at once, and a store written before intake had limits.
"""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from email.message import Message
from email.parser import BytesParser
from pathlib import Path
from typing import Any

from .harness import (
    Case,
    Result,
    Run,
    Workspace,
    coded,
    entries,
    good_ticket,
    has_traceback,
    invoke,
    ledger,
    records,
    start_cli,
)

# ---------------------------------------------------------------------------------------
# smtp: a real SMTP server on loopback, and one that is down


class _Inbox:
    def __init__(self) -> None:
        self.messages: list[Message] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802 - aiosmtpd's hook name
        self.messages.append(BytesParser().parsebytes(envelope.content))
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def smtp_server(port: int) -> Iterator[_Inbox]:
    """An SMTP server on 127.0.0.1:PORT collecting what it receives (no SMTPUTF8)."""
    from aiosmtpd.controller import Controller

    inbox = _Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox
    finally:
        controller.stop()


def _one_line_headers(messages: list[Message]) -> bool:
    return all(
        "\n" not in str(m["Subject"]) and "\r" not in str(m["Subject"]) and m["Bcc"] is None
        for m in messages
    )


def smtp(ws: Workspace, cases: list[Case]) -> list[Result]:
    """CR/LF subjects, non-ASCII names, an old store's bad subject, and a server that is down."""
    folder = ws.root / "smtp"
    folder.mkdir()
    tickets = [
        good_ticket("SM-1", subject="Plans\r\nBcc: victim@example.com"),
        good_ticket("SM-2", customer="Müller GmbH – Zürich"),
        good_ticket("SM-3", "product"),
    ]
    (folder / "t.json").write_text(json.dumps(tickets))
    store = f"sqlite:///{folder / 'cp.sqlite'}"
    port = _free_port()
    url = f"smtp://127.0.0.1:{port}"
    with smtp_server(port) as inbox:
        run = ["run", str(folder / "t.json"), "--out", str(folder / "out"), "-c", store]
        first = invoke(ws, [*run, "--smtp", url])
        after_first = list(inbox.messages)
        again = invoke(ws, [*run, "--smtp", url])  # the same run again: nothing re-sent
        legacy_store = _legacy_outbox_store(folder)
        legacy = invoke(
            ws, ["relay", "--out", str(folder / "legacy-out"), "-c", legacy_store, "--smtp", url]
        )
        legacy_messages = inbox.messages[len(after_first) :]
    down_port = _free_port()  # nothing listens here
    down_url = f"smtp://127.0.0.1:{down_port}"
    down_store = f"sqlite:///{folder / 'down.sqlite'}"
    down = invoke(
        ws,
        [
            "run",
            str(folder / "t.json"),
            "--out",
            str(folder / "down-out"),
            "-c",
            down_store,
            "--smtp",
            down_url,
        ],
    )
    undelivered = len([p for p in entries(down.stderr) if p.startswith("not delivered:")])
    held = ledger(folder / "down-out")
    with smtp_server(down_port) as late:
        retried = invoke(
            ws, ["relay", "--out", str(folder / "down-out"), "-c", down_store, "--smtp", down_url]
        )
        retried_again = invoke(
            ws, ["relay", "--out", str(folder / "down-out"), "-c", down_store, "--smtp", down_url]
        )
        late_count = len(late.messages)
    keys = [line["key"] for line in ledger(folder / "down-out")]
    # every outbox message of the three tickets: replies, status changes, notifications
    expected = len(ledger(folder / "out"))
    checks = {
        "crlf-delivered": lambda: (
            first.exit == 0
            and len(after_first) == expected > 3
            and _one_line_headers(after_first)
            and all(str(m["To"]).isascii() for m in after_first),
            f"exit {first.exit}, {len(after_first)} emails, subjects one line: {_one_line_headers(after_first)}",
        ),
        "rerun-none": lambda: (
            again.exit == 0 and len(inbox.messages) == len(after_first) + len(legacy_messages),
            f"exit {again.exit}, {len(inbox.messages) - len(after_first) - len(legacy_messages)} sent again",
        ),
        "legacy-relay": lambda: (
            legacy.exit == 0 and len(legacy_messages) >= 1 and _one_line_headers(legacy_messages),
            f"exit {legacy.exit}, {len(legacy_messages)} delivered; {legacy.output[:80]}",
        ),
        "down-per-message": lambda: (
            down.exit == 1 and not has_traceback(down) and undelivered == expected and held == [],
            f"exit {down.exit}, {undelivered} 'not delivered' lines, {len(held)} in ledger",
        ),
        "relay-retry": lambda: (
            retried.exit == 0
            and late_count == expected
            and len(keys) == len(set(keys)) == expected
            and "0 message(s) delivered" in retried_again.output,
            f"relay sent {late_count}, ledger {len(keys)} keys; rerun: {retried_again.output[:40]}",
        ),
    }
    return coded(cases, "smtp", checks)


def _legacy_outbox_store(folder: Path) -> str:
    """A store written before intake cleaning: an outbox message whose subject has CR/LF."""
    from supportgraph.checkpoints import open_checkpointer
    from supportgraph.graph.context import Context
    from supportgraph.runs.build import build_graph
    from supportgraph.runs.runner import run_ticket

    url = f"sqlite:///{folder / 'legacy.sqlite'}"
    ticket = _constructed(
        "OLD-1", subject="Plans\r\nBcc: victim@example.com", customer="Old Customer"
    )
    with open_checkpointer(url) as saver:
        run_ticket(build_graph(saver), ticket, Context())
    return url


def _constructed(ticket_id: str, **fields: Any) -> Any:
    """A Ticket built without validation, as an old store may hold it."""
    from supportgraph.graph.models import Ticket

    base = good_ticket(ticket_id) | {
        "submitted_at": datetime.now(UTC) - timedelta(minutes=5),
        "tenant": None,
        "declared_priority": None,
        "declared_category": None,
        "body_sha256": None,
        "body_bytes": None,
    }
    base.pop("priority")
    base.pop("category")
    return Ticket.model_construct(**(base | fields))


# ---------------------------------------------------------------------------------------
# concurrency: two real processes on one file, one store, one --out


def concurrency(ws: Workspace, cases: list[Case]) -> list[Result]:
    """Two ``supportgraph run`` of the same file at once: each delivery once, no false failures."""
    folder = ws.root / "concurrency"
    folder.mkdir()
    bases = ["pricing", "product", "technical", "refund"]
    tickets = [good_ticket(f"CC-{n:02d}", bases[n % 4]) for n in range(8)]
    (folder / "t.json").write_text(json.dumps(tickets))
    args = [
        "run",
        str(folder / "t.json"),
        "--out",
        str(folder / "out"),
        "-c",
        f"sqlite:///{folder / 'cp.sqlite'}",
    ]
    first, second = start_cli(ws, args), start_cli(ws, args)
    runs = []
    for process in (first, second):
        stdout, stderr = process.communicate(timeout=600)  # reads both pipes, then waits
        runs.append(Run(process.returncode, stdout, stderr))
    replied = sum(1 for n in range(len(tickets)) if bases[n % 4] != "refund")
    keys = [line["key"] for line in ledger(folder / "out")]
    final = records(folder / "out")
    failed = [
        r["ticket_id"] for r in final if r["outcome"] == "failed" or r["run_status"] == "failed"
    ]
    done = [r for r in final if r["outcome"] in ("replied", "waiting_for_review")]
    checks = {
        "keys-once": lambda: (
            len(keys) == len(set(keys))
            and len({k.rsplit("/", 1)[0] for k in keys if "/customer_reply/" in k}) == replied,
            f"{len(keys)} ledger lines, {len(set(keys))} keys",
        ),
        "no-failed": lambda: (
            not failed
            and all(
                r.exit == 0 and "failed:" not in r.stderr and not has_traceback(r) for r in runs
            ),
            f"exits {[r.exit for r in runs]}; failed {failed}"
            + "".join(f"; {line[:200]}" for r in runs if r.exit for line in entries(r.stderr)[-3:]),
        ),
        "final-report": lambda: (
            len(done) == len(tickets),
            f"{len(done)} of {len(tickets)} finished or waiting in the last report",
        ),
    }
    return coded(cases, "concurrency", checks)


# ---------------------------------------------------------------------------------------
# legacy: a store written before the limits, read by today's commands


def legacy(ws: Workspace, cases: list[Case]) -> list[Result]:
    """A 100,000-character id, a 20,000-character subject and an ANSI name in an old store.

    Such a store was written before intake had limits; every command that prints from it
    cuts what it shows (the subject stays short here only because triage reads it all).
    """
    from supportgraph.checkpoints import open_checkpointer
    from supportgraph.graph.context import Context
    from supportgraph.runs.build import build_graph
    from supportgraph.runs.runner import run_ticket

    folder = ws.root / "legacy"
    folder.mkdir()
    url = f"sqlite:///{folder / 'cp.sqlite'}"
    waiting_id, replied_id = "L" * 100_000, "M" * 100_000
    name = "\x1b[31mEVIL\x1b[0m [link=http://evil.example]x[/link]"
    refund = "I was charged twice this month; please refund the duplicate charge."
    tickets = [
        _constructed(waiting_id, subject="S" * 20_000, customer=name, message=refund),
        _constructed(replied_id, subject="S" * 20_000, customer=name),
    ]
    with open_checkpointer(url) as saver:
        for ticket in tickets:
            run_ticket(build_graph(saver), ticket, Context())
    runs = [
        invoke(ws, ["review", "list", "-c", url]),
        invoke(ws, ["show", waiting_id, "-c", url]),
        invoke(ws, ["show", replied_id, "-c", url]),
        invoke(ws, ["relay", "--out", str(folder / "out"), "-c", url]),
    ]
    subjects = [len(line["subject"]) for line in ledger(folder / "out")]
    longest = max(len(line) for r in runs for line in (r.stdout + r.stderr).splitlines() or [""])
    checks = {
        "cut-on-display": lambda: (
            longest < 2000
            and all(r.exit == 0 and not has_traceback(r) for r in runs)
            and bool(subjects)
            and max(subjects) <= 300,
            f"exits {[r.exit for r in runs]}, longest line {longest}, ledger subjects {subjects}",
        ),
        "no-ansi": lambda: (
            all("\x1b" not in r.stdout + r.stderr for r in runs),
            "no ESC in review list, show, relay",
        ),
    }
    return coded(cases, "legacy", checks)
