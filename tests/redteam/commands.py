"""Red-team scenarios ``cli`` (one command per case) and ``tenants`` (thread ids that collided)."""

from __future__ import annotations

import json
from pathlib import Path

from .harness import (
    Case,
    Result,
    Workspace,
    approve_commands,
    coded,
    expand,
    good_ticket,
    has_traceback,
    invoke,
    ledger,
    recorded,
    records,
    report_folder,
)

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
            env = {k: v.replace("{tmp}", str(folder)) for k, v in case.data.get("env", {}).items()}
            run = invoke(ws, _args(ws, case, file, folder), cwd=folder, env=env)
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
    return coded(cases, "tenants", checks)
