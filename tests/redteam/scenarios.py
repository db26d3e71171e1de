"""The red-team scenarios: how each kind of case in cases.jsonl is run and checked.

``batch`` and ``concurrency`` start real ``supportgraph`` processes (an empty ``$HOME``,
two processes at once); the others call the same Typer app in this process, which is
much faster and still goes through the real CLI, SQLite store, files and SMTP server.
All scenarios share one ``$SUPPORTGRAPH_HOME``, so the KB index is built once.
"""

from __future__ import annotations

import json
import re
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from email.message import Message
from email.parser import BytesParser
from pathlib import Path
from typing import Any

from .harness import (
    GOOD,
    Case,
    Result,
    Run,
    Workspace,
    approve_commands,
    broken_tables,
    cli,
    expand,
    good_ticket,
    has_traceback,
    injected_markdown,
    ledger,
    recorded,
    records,
    report_folder,
    start_cli,
)

_PREFIXES = "skipped|note|failed|busy|not delivered|error|warning"


def entries(stderr: str) -> list[str]:
    """The problem lines a run printed, each rejoined where Rich wrapped it."""
    parts = re.split(rf"\n(?=(?:{_PREFIXES}):)", "\n" + stderr)
    return [" ".join(p.split()) for p in parts if p.strip()]


def invoke(ws: Workspace, args: list[str], cwd: Path | None = None) -> Run:
    """Run the Typer app in this process with the workspace's environment."""
    import os

    from typer.testing import CliRunner

    from supportgraph.cli.app import app

    env = {k: v for k, v in ws.env().items() if k.startswith("SUPPORTGRAPH_")}
    previous = Path.cwd()
    os.chdir(cwd or ws.cwd)
    try:
        result = CliRunner().invoke(app, args, env=env)
    finally:
        os.chdir(previous)
    stderr = result.stderr
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        stderr += f"\nTraceback (most recent call last): {result.exception!r}"
    return Run(result.exit_code, result.stdout, stderr)


# ---------------------------------------------------------------------------------------
# batch: every ticket case in one JSON list, next to good tickets, in a real process


def _element(case: Case, ticket_id: str) -> tuple[bytes, str]:
    """A case's record as file bytes, and the id it carries when it is accepted."""
    if "raw" in case.data:
        return str(expand(case.data["raw"])).encode(), ticket_id
    if "raw_latin1" in case.data:
        return str(case.data["raw_latin1"]).encode("latin-1"), ticket_id
    fields = dict(expand(case.data["ticket"]))
    ticket = good_ticket(ticket_id, fields.pop("base", "pricing")) | fields
    return json.dumps(ticket).encode(), str(ticket.get("ticket_id"))


def _check_ticket(
    case: Case, label: str, ticket_id: str, run: Run, by_id: dict[str, Any]
) -> Result:
    """Check one ticket case against the run's ``skipped:``/``note:`` lines and tickets.jsonl.

    ``label`` is a regex for how intake names the record when its id is unusable.
    """
    results: list[Result] = []
    with recorded(results, case) as see:
        problems = entries(run.stderr)
        e = case.expect
        if e["status"] == "rejected":
            lines = [
                p
                for p in problems
                if p.startswith("skipped:")
                and (re.search(label, p) or p.startswith(f"skipped: ticket {ticket_id}:"))
            ]
            said = [p for p in lines if e["says"] in p]
            see(bool(said), (said or lines or ["no skipped line"])[0][:160])
            see(ticket_id not in by_id or ticket_id.startswith("GOOD"), "not in tickets.jsonl")
        else:
            record = by_id.get(ticket_id)
            see(record is not None, f"{ticket_id[:40]} in tickets.jsonl")
            if record is not None:
                _check_record(e, record, problems, ticket_id, see)
    return results[0]


def _check_record(
    e: dict[str, Any], record: dict[str, Any], problems: list[str], ticket_id: str, see: Any
) -> None:
    wanted = e.get("outcome", ["replied", "waiting_for_review", "handed_to_human"])
    wanted = [wanted] if isinstance(wanted, str) else wanted
    see(record["outcome"] in wanted, f"outcome {record['outcome']}")
    for name, value in e.get("record", {}).items():
        see(record[name] == value, f"{name} {record[name]!r}"[:80])
    for name, limit in e.get("max_len", {}).items():
        see(len(record[name]) <= limit, f"{name} {len(record[name]):,} chars")
    if "note" in e:
        notes = [p for p in problems if p.startswith("note:") and ticket_id in p]
        see(any(e["note"] in p for p in notes), f"note {notes[:1]}"[:160])


def batch(ws: Workspace, cases: list[Case]) -> list[Result]:
    """Run every ``batch`` case in one file with good tickets, then the ``batch-check`` checks."""
    ticket_cases = [c for c in cases if c.scenario == "batch"]
    half = len(ticket_cases) // 2
    order: list[Case | str] = ["GOOD-1", *ticket_cases[:half], "GOOD-2", *ticket_cases[half:]]
    order += ["GOOD-3", "GOOD-REFUND"]
    elements, placed = [], []
    for position, item in enumerate(order, start=1):
        if isinstance(item, str):
            elements.append(json.dumps(good_ticket(item, GOOD[item])).encode())
            continue
        data, ticket_id = _element(item, f"RT-{position:02d}")
        elements.append(data)
        placed.append((item, rf"^skipped: ticket #{position}\b", ticket_id))
    file = ws.cwd / "batch.json"
    file.write_bytes(b"[\n" + b",\n".join(elements) + b"\n]\n")
    ws.ids = {case.id: ticket_id for case, _, ticket_id in placed}
    out = ws.cwd / "out"
    run = cli(ws, ["run", str(file), "--out", str(out)])
    stray = sorted(p.name for p in ws.cwd.iterdir())
    by_id = {r["ticket_id"]: r for r in records(out)} if report_folder(out).exists() else {}
    results = [_check_ticket(case, label, tid, run, by_id) for case, label, tid in placed]
    checks = _batch_checks(ws, run, out, by_id, stray)
    for case in (c for c in cases if c.scenario == "batch-check"):
        with recorded(results, case) as see:
            see(*checks[case.expect["check"]]())
    return results


def _batch_checks(
    ws: Workspace, run: Run, out: Path, by_id: dict[str, Any], stray: list[str]
) -> dict[str, Any]:
    folder = report_folder(out)
    reports = {p.name: p.read_text(encoding="utf-8") for p in folder.glob("*.md")}
    sent = ledger(out)
    keys = [line["key"] for line in sent]
    waiting = {i for i, r in by_id.items() if r["outcome"] == "waiting_for_review"}

    def exit_code() -> tuple[bool, str]:
        return run.exit == 1, f"exit {run.exit}"

    def no_traceback() -> tuple[bool, str]:
        return not has_traceback(run), "no traceback" if not has_traceback(run) else "traceback"

    def good_delivered() -> tuple[bool, str]:
        replied = [
            g
            for g in ("GOOD-1", "GOOD-2", "GOOD-3")
            if by_id.get(g, {}).get("outcome") == "replied"
        ]
        delivered = [g for g in replied if f"{g}/customer_reply" in keys]
        refund = by_id.get("GOOD-REFUND", {}).get("outcome")
        ok = len(delivered) == 3 and refund == "waiting_for_review"
        return ok, f"{len(delivered)}/3 replied and delivered; refund {refund}"

    def keys_unique() -> tuple[bool, str]:
        return len(keys) == len(set(keys)), f"{len(keys)} keys, {len(set(keys))} distinct"

    def no_ansi() -> tuple[bool, str]:
        texts = [run.stdout, run.stderr, *reports.values()]
        texts += [(folder / "tickets.jsonl").read_text(), (out / "sent.jsonl").read_text()]
        found = sum(t.count("\x1b") for t in texts)
        return found == 0, f"{found} ESC bytes"

    def no_injected() -> tuple[bool, str]:
        found = [f"{n}: {hit}" for n, text in reports.items() for hit in injected_markdown(text)]
        return not found, "; ".join(found)[:160] or "none"

    def tables() -> tuple[bool, str]:
        found = [f"{n}: {row}" for n, text in reports.items() for row in broken_tables(text)]
        return not found, "; ".join(found)[:160] or "all rows match their header"

    def commands() -> tuple[bool, str]:
        parsed, mentions = approve_commands(reports["CUSTOMER_SUPPORT_SUMMARY.md"])
        ids = {args[-1] for args in parsed if args[:3] == ["supportgraph", "review", "approve"]}
        ok = mentions == len(parsed) and ids == waiting and "ZD#12:a+b@c" in ids
        return ok, f"{len(parsed)} commands for {len(waiting)} waiting tickets; ids {sorted(ids)}"[
            :160
        ]

    def nothing_huge() -> tuple[bool, str]:
        longest = max(len(line) for line in (run.stdout + run.stderr).splitlines())
        subjects = max(len(line["subject"]) for line in sent)
        in_records = max(len(r["subject"]) for r in by_id.values())
        ok = longest < 2000 and subjects <= 300 and in_records <= 300
        return ok, f"longest line {longest}, ledger subject {subjects}, record subject {in_records}"

    def home_untouched() -> tuple[bool, str]:
        found = [str(p.relative_to(ws.user_home)) for p in ws.user_home.rglob("*")]
        return not found, ", ".join(found)[:160] or "$HOME empty"

    def no_stray() -> tuple[bool, str]:
        extra = set(stray) - {"batch.json", "out", ".supportgraph"}
        return not extra, ", ".join(sorted(extra)) or "only batch.json, out/, .supportgraph/"

    return {
        "exit-code": exit_code,
        "no-traceback": no_traceback,
        "good-tickets-delivered": good_delivered,
        "ledger-keys-unique": keys_unique,
        "no-ansi-anywhere": no_ansi,
        "no-injected-markdown": no_injected,
        "report-tables-intact": tables,
        "review-commands-quoted": commands,
        "nothing-printed-huge": nothing_huge,
        "home-untouched": home_untouched,
        "no-stray-files": no_stray,
    }


# ---------------------------------------------------------------------------------------
# jsonl: one line per case


def jsonl(ws: Workspace, cases: list[Case]) -> list[Result]:
    """Every ``jsonl`` case as a line of one JSONL file between good lines."""
    line_cases = [c for c in cases if c.scenario == "jsonl"]
    lines = [json.dumps(good_ticket("JL-GOOD-1")).encode()]
    placed = []
    for case in line_cases:
        ticket_id = f"JL-{len(lines) + 1:02d}"
        data, ticket_id = _element(case, ticket_id)
        lines.append(data + (b"\r" if case.data.get("crlf") else b""))
        placed.append((case, rf"^skipped: ticket line {len(lines)}:", ticket_id))
    lines.append(json.dumps(good_ticket("JL-GOOD-2", "product")).encode())
    folder = ws.cwd / "jsonl"
    folder.mkdir(exist_ok=True)
    (folder / "tickets.jsonl").write_bytes(b"\n".join(lines) + b"\n")
    out = folder / "out"
    store = f"sqlite:///{folder / 'cp.sqlite'}"
    run = invoke(ws, ["run", str(folder / "tickets.jsonl"), "--out", str(out), "-c", store])
    by_id = {r["ticket_id"]: r for r in records(out)} if report_folder(out).exists() else {}
    results = [_check_ticket(case, label, tid, run, by_id) for case, label, tid in placed]
    keys = {line["key"] for line in ledger(out)}
    for case in (c for c in cases if c.scenario == "jsonl-check"):
        with recorded(results, case) as see:
            good = [g for g in ("JL-GOOD-1", "JL-GOOD-2") if f"{g}/customer_reply" in keys]
            see(len(good) == 2, f"{len(good)}/2 good lines delivered")
            see(run.exit == 1 and not has_traceback(run), f"exit {run.exit}")
    return results


# ---------------------------------------------------------------------------------------
# cli: one command per case


def _prepare_file(ws: Workspace, case: Case, folder: Path) -> Path:
    spec = case.data.get("file", {"kind": "samples"})
    path = folder / "input.json"
    match spec["kind"]:
        case "dir":
            path.mkdir()
        case "text":
            path.write_text(expand(spec["text"]), encoding="utf-8")
        case "latin1":
            path.write_bytes(expand(spec["text"]).encode("latin-1"))
        case "samples":
            path.write_text(json.dumps([good_ticket("CLI-1")]))
        case "path":
            return Path(spec["path"])
        case "missing":
            pass
    return path


def _args(ws: Workspace, case: Case, file: Path, folder: Path) -> list[str]:
    summary = report_folder(ws.cwd / "out") / "CUSTOMER_SUPPORT_SUMMARY.md"
    out: list[str] = []
    for arg in case.data["args"]:
        if arg.startswith("{summary-command:"):
            wanted = arg.removeprefix("{summary-command:").removesuffix("}")
            parsed, _ = approve_commands(summary.read_text(encoding="utf-8"))
            out += next(a for a in parsed if a[-1] == wanted)[1:]  # without the program name
            continue
        for name, ticket_id in ws.ids.items():
            arg = arg.replace(f"{{id:{name}}}", ticket_id)
        out.append(
            arg.replace("{file}", str(file))
            .replace("{out}", str(folder / "out"))
            .replace("{tmp}", str(folder))
            .replace("{store}", f"sqlite:///{ws.home / 'checkpoints.sqlite'}")
            .replace("{cwd}", str(folder))
        )
    return out


def one_command(ws: Workspace, cases: list[Case]) -> list[Result]:
    """Each ``cli`` case: one command, checked for exit code, words and files left behind."""
    results: list[Result] = []
    for number, case in enumerate((c for c in cases if c.scenario == "cli"), start=1):
        folder = ws.root / "cli" / f"{number:02d}"
        folder.mkdir(parents=True)
        with recorded(results, case) as see:
            file = _prepare_file(ws, case, folder)
            run = invoke(ws, _args(ws, case, file, folder), cwd=folder)
            e = case.expect
            see(run.exit == e["exit"], f"exit {run.exit}")
            see(not has_traceback(run), "no traceback" if not has_traceback(run) else "traceback")
            if "says" in e:
                said = e["says"] in run.output
                see(said, (e["says"] if said else run.output[:160]))
            if "lines" in e:
                count = len(run.stderr.strip().splitlines())
                see(count == e["lines"], f"{count} line(s)")
            for path in e.get("absent", []):
                gone = not Path(path.replace("{cwd}", str(folder))).exists()
                see(gone, f"{Path(path).name} not created" if gone else f"{path} exists")
    return results


# ---------------------------------------------------------------------------------------
# tenants: ids and tenants that used to share a checkpoint thread


def tenants(ws: Workspace, cases: list[Case]) -> list[Result]:
    """Four tickets whose thread ids collided before; all must be processed apart."""
    folder = ws.root / "tenants"
    folder.mkdir()
    pairs = [
        ("a", "b:c", "Alpha"),
        ("a:b", "c", "Beta"),
        (None, "acme:T1", "Gamma"),
        ("acme", "T1", "Delta"),
    ]
    tickets = [
        good_ticket(ticket_id, customer=customer) | ({"tenant": tenant} if tenant else {})
        for tenant, ticket_id, customer in pairs
    ]
    (folder / "t.json").write_text(json.dumps(tickets))
    store = f"sqlite:///{folder / 'cp.sqlite'}"
    out = folder / "out"
    run = invoke(ws, ["run", str(folder / "t.json"), "--out", str(out), "-c", store])
    got = {(r["tenant"], r["ticket_id"]): r for r in records(out)}
    keys = [line["key"] for line in ledger(out) if line["action"] == "customer_reply"]
    shown = invoke(ws, ["show", "b:c", "--tenant", "a", "-c", store])
    checks = {
        "both-processed": lambda: (
            got.get(("a", "b:c"), {}).get("customer") == "Alpha"
            and got.get(("a:b", "c"), {}).get("customer") == "Beta",
            f"{len(got)} records; exit {run.exit}",
        ),
        "both-processed-2": lambda: (
            got.get((None, "acme:T1"), {}).get("customer") == "Gamma"
            and got.get(("acme", "T1"), {}).get("customer") == "Delta",
            ", ".join(f"{t}/{i}: {r['outcome']}" for (t, i), r in got.items()),
        ),
        "four-replies": lambda: (len(set(keys)) == 4, f"{len(set(keys))} customer replies"),
        "show-right": lambda: (
            "Alpha" in shown.output and "Beta" not in shown.output,
            shown.output[:100],
        ),
    }
    return _coded(cases, "tenants", checks)


def _coded(cases: list[Case], scenario: str, checks: dict[str, Any]) -> list[Result]:
    results: list[Result] = []
    for case in (c for c in cases if c.scenario == scenario):
        with recorded(results, case) as see:
            see(*checks[case.expect["check"]]())
    return results


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
        first = invoke(
            ws,
            [
                "run",
                str(folder / "t.json"),
                "--out",
                str(folder / "out"),
                "-c",
                store,
                "--smtp",
                url,
            ],
        )
        after_first = list(inbox.messages)
        again = invoke(
            ws,
            [
                "run",
                str(folder / "t.json"),
                "--out",
                str(folder / "out"),
                "-c",
                store,
                "--smtp",
                url,
            ],
        )
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
    checks = {
        "crlf-delivered": lambda: (
            first.exit == 0
            and len(after_first) == 6
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
            down.exit == 1 and not has_traceback(down) and undelivered == 6 and held == [],
            f"exit {down.exit}, {undelivered} 'not delivered' lines, {len(held)} in ledger",
        ),
        "relay-retry": lambda: (
            retried.exit == 0
            and late_count == 6
            and len(keys) == len(set(keys)) == 6
            and "0 message(s) delivered" in retried_again.output,
            f"relay sent {late_count}, ledger {len(keys)} keys; rerun: {retried_again.output[:40]}",
        ),
    }
    return _coded(cases, "smtp", checks)


def _legacy_outbox_store(folder: Path) -> str:
    """A store written before intake cleaning: an outbox message whose subject has CR/LF."""
    from supportgraph.checkpoints import open_checkpointer
    from supportgraph.graph.builder import build_graph
    from supportgraph.graph.context import Context
    from supportgraph.graph.runner import run_ticket

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
    runs = [Run(p.wait(timeout=600), *p.communicate()) for p in (first, second)]
    keys = [line["key"] for line in ledger(folder / "out")]
    final = records(folder / "out")
    failed = [
        r["ticket_id"] for r in final if r["outcome"] == "failed" or r["run_status"] == "failed"
    ]
    done = [r for r in final if r["outcome"] in ("replied", "waiting_for_review")]
    checks = {
        "keys-once": lambda: (
            len(keys) == len(set(keys))
            and len({k for k in keys if k.endswith("/customer_reply")}) == 9,
            f"{len(keys)} ledger lines, {len(set(keys))} keys",
        ),
        "no-failed": lambda: (
            not failed
            and all(
                r.exit == 0 and "failed:" not in r.stderr and not has_traceback(r) for r in runs
            ),
            f"exits {[r.exit for r in runs]}; failed {failed}",
        ),
        "final-report": lambda: (
            len(done) == 12,
            f"{len(done)} of 12 finished or waiting in the last report",
        ),
    }
    return _coded(cases, "concurrency", checks)


# ---------------------------------------------------------------------------------------
# legacy: a store written before the limits, read by today's commands


def legacy(ws: Workspace, cases: list[Case]) -> list[Result]:
    """A 100,000-character id, a 20,000-character subject and an ANSI name in an old store.

    Such a store was written before intake had limits; every command that prints from it
    cuts what it shows (the subject stays short here only because triage reads it all).
    """
    from supportgraph.checkpoints import open_checkpointer
    from supportgraph.graph.builder import build_graph
    from supportgraph.graph.context import Context
    from supportgraph.graph.runner import run_ticket

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
    return _coded(cases, "legacy", checks)
