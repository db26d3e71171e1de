"""Red-team scenarios ``batch`` and ``jsonl``: every ticket case in one file, next to good tickets."""

from __future__ import annotations

import json
import re
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
    entries,
    expand,
    good_ticket,
    has_traceback,
    injected_markdown,
    invoke,
    ledger,
    recorded,
    records,
    report_folder,
)

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
        delivered = [g for g in replied if _replied_to(g, keys)]
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
            good = [g for g in ("JL-GOOD-1", "JL-GOOD-2") if _replied_to(g, keys)]
            see(len(good) == 2, f"{len(good)}/2 good lines delivered")
            see(run.exit == 1 and not has_traceback(run), f"exit {run.exit}")
    return results


def _replied_to(ticket_id: str, keys: list[str]) -> bool:
    """Whether the ledger holds a customer reply of ``ticket_id`` (any revision)."""
    return any(k.startswith(f"{ticket_id}/customer_reply/") for k in keys)
