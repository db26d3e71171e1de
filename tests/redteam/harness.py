"""Run the hostile corpus (cases.jsonl) end to end through the real CLI and check each case.

Every case is a line of ``cases.jsonl``: ``id``, ``scenario``, ``why``, ``expect`` and
the input. Scenarios:

- ``batch``: one JSON list file holding every case next to good tickets, run by a real
  ``supportgraph run`` process with an empty ``$HOME``; ``batch-check`` lines name the
  checks made on that run as a whole (reports, ledger, output, stray files).
- ``jsonl``: one JSONL file, a case per line, next to good lines.
- ``cli``: one command each (``args`` with ``{file}``, ``{out}``, ``{store}`` …).
- ``tenants``, ``smtp``, ``concurrency``, ``legacy``: scenarios coded in
  commands.py and services.py, each line naming one of their checks.

A ticket case is ``{"ticket": {...}}`` (fields over a good ticket; ``"base"`` picks
``pricing``, ``refund`` or ``technical``), or ``{"raw": ...}`` / ``{"raw_latin1": ...}``
for a record's exact text. ``{"$repeat": s, "times": n}`` and ``{"$concat": [...]}``
build big values. ``expect`` for a ticket: ``status`` (accepted/rejected), ``says`` (in
its ``skipped:`` line), ``note``, ``record`` (exact fields), ``max_len``, ``outcome``.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
CASES = Path(__file__).with_name("cases.jsonl")
SAMPLES = json.loads((ROOT / "examples" / "sample_inquiries.json").read_text())
BASES = {
    "pricing": SAMPLES[1],
    "technical": SAMPLES[2],
    "refund": SAMPLES[3],
    "product": SAMPLES[4],
}
GOOD = {"GOOD-1": "pricing", "GOOD-2": "product", "GOOD-3": "technical", "GOOD-REFUND": "refund"}


@dataclass(frozen=True)
class Case:
    """One line of cases.jsonl."""

    id: str
    scenario: str
    why: str
    expect: dict[str, Any]
    data: dict[str, Any]

    def expectation(self) -> str:
        """The expectation in words, for the table."""
        e = self.expect
        if "check" in e:
            return self.why
        if "status" in e:
            words = e["status"]
            words += f": {e['says']!r}" if "says" in e else ""
            words += f"; note {e['note']!r}" if "note" in e else ""
            return words
        return f"exit {e['exit']}" + (f": {e['says']!r}" if "says" in e else "")


@dataclass
class Result:
    """A case's outcome: what was seen and whether it met the expectation."""

    case: Case
    seen: str
    ok: bool


@dataclass
class Run:
    """One CLI invocation: exit code and output."""

    exit: int
    stdout: str
    stderr: str

    @property
    def output(self) -> str:
        """Everything printed, with Rich's wrapping undone."""
        return " ".join((self.stdout + "\n" + self.stderr).split())


def load_cases(path: Path = CASES) -> list[Case]:
    """Every case of the corpus, in file order."""
    cases = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            raw = json.loads(line)
            data = {k: v for k, v in raw.items() if k not in ("id", "scenario", "why", "expect")}
            cases.append(Case(raw["id"], raw["scenario"], raw["why"], raw["expect"], data))
    return cases


def expand(value: Any) -> Any:
    """Expand ``$repeat`` and ``$concat`` templates (big inputs stay small in the corpus)."""
    if isinstance(value, dict):
        if "$repeat" in value:
            return value["$repeat"] * value["times"]
        if "$concat" in value:
            return "".join(expand(v) for v in value["$concat"])
        return {k: expand(v) for k, v in value.items()}
    if isinstance(value, list):
        return [expand(v) for v in value]
    return value


def good_ticket(ticket_id: str, base: str = "pricing", **fields: Any) -> dict[str, Any]:
    """A valid ticket built on a sample inquiry."""
    return BASES[base] | {"ticket_id": ticket_id} | fields


@dataclass
class Workspace:
    """Folders for one harness run: the working directory, $HOME, $SUPPORTGRAPH_HOME, out."""

    root: Path
    ids: dict[str, str] = field(default_factory=dict)  # case id -> ticket id in the batch
    cwd: Path = field(init=False)
    home: Path = field(init=False)
    user_home: Path = field(init=False)

    def __post_init__(self) -> None:
        self.cwd = self.root / "work"
        self.home = self.cwd / ".supportgraph"
        self.user_home = self.root / "user-home"
        for folder in (self.cwd, self.user_home):
            folder.mkdir(parents=True, exist_ok=True)

    def env(self) -> dict[str, str]:
        """The environment of a CLI process: an empty $HOME, our own $SUPPORTGRAPH_HOME."""
        env = {k: v for k, v in os.environ.items() if not k.startswith("SUPPORTGRAPH_")}
        env.pop("XDG_CACHE_HOME", None)
        return env | {
            "HOME": str(self.user_home),
            "SUPPORTGRAPH_HOME": str(self.home),
            "PYTHONPATH": str(ROOT),
            "COLUMNS": "140",
        }


def cli(ws: Workspace, args: list[str], cwd: Path | None = None, timeout: int = 300) -> Run:
    """Run ``supportgraph ARGS`` as a real process in the workspace."""
    done = subprocess.run(
        [sys.executable, "-m", "supportgraph.cli", *args],
        capture_output=True,
        text=True,
        errors="backslashreplace",
        env=ws.env(),
        cwd=cwd or ws.cwd,
        timeout=timeout,
    )
    return Run(done.returncode, done.stdout, done.stderr)


def start_cli(ws: Workspace, args: list[str]) -> subprocess.Popen[str]:
    """Start ``supportgraph ARGS`` without waiting (two runs at once)."""
    return subprocess.Popen(
        [sys.executable, "-m", "supportgraph.cli", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        errors="backslashreplace",
        env=ws.env(),
        cwd=ws.cwd,
    )


def report_folder(out: Path) -> Path:
    """The newest dated report folder under ``out`` (a run may cross midnight)."""
    folders = sorted(out.glob("customer_support_*"))
    return folders[-1] if folders else out / f"customer_support_{datetime.now(UTC):%Y%m%d}"


def records(out: Path) -> list[dict[str, Any]]:
    """tickets.jsonl of the run under ``out``."""
    path = report_folder(out) / "tickets.jsonl"
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def ledger(out: Path) -> list[dict[str, Any]]:
    """sent.jsonl under ``out`` (empty when nothing was delivered)."""
    path = out / "sent.jsonl"
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


# ---------------------------------------------------------------------------------------
# Checks on rendered output, shared by the scenarios.

_HEADING_INJECTION = re.compile(r"^ {0,3}(?:#{1,6}|>|[-*+]) *\S*INJECTED", re.MULTILINE)
_LIVE_HTML_OR_LINK = re.compile(r"(?<!\\)<img|(?<!\\)\[click\]\(|(?<!\\)<b>INJECTED")
_UNESCAPED_PIPE = re.compile(r"(?<!\\)\|")


def injected_markdown(text: str) -> list[str]:
    """Lines where ticket text became markdown structure (a heading, a link, HTML)."""
    found = [m.group() for m in _HEADING_INJECTION.finditer(text)]
    return found + [m.group() for m in _LIVE_HTML_OR_LINK.finditer(text)]


def broken_tables(text: str) -> list[str]:
    """Table rows whose cell count differs from their header's."""
    bad: list[str] = []
    header: int | None = None
    for line in text.splitlines():
        if line.startswith("|"):
            cells = len(_UNESCAPED_PIPE.split(line.replace("\\\\", ""))) - 2
            if header is None:
                header = cells
            elif cells != header:
                bad.append(line[:120])
        else:
            header = None
    return bad


_CODE_SPAN = re.compile(r"(`+) ?(supportgraph review approve[^`]*?) ?\1(?!`)")


def approve_commands(summary: str) -> tuple[list[list[str]], int]:
    """The approve commands in the summary, split as a shell would, and how many lines name one."""
    commands = [shlex.split(m.group(2)) for m in _CODE_SPAN.finditer(summary)]
    mentions = summary.count("supportgraph review approve")
    return commands, mentions


def has_traceback(run: Run) -> bool:
    """True when a Python traceback was printed."""
    return "Traceback (most recent call last)" in run.stdout + run.stderr


Check = Callable[[], tuple[bool, str]]


@contextmanager
def recorded(results: list[Result], case: Case) -> Iterator[Callable[[bool, str], None]]:
    """Record a case's result; an exception in the check is a failed case, not a crash."""
    seen: list[tuple[bool, str]] = []
    try:
        yield lambda ok, what: seen.append((ok, what))
    except Exception as exc:  # a broken expectation is reported in the table
        seen.append((False, f"check raised {type(exc).__name__}: {exc}"[:300]))
    ok = bool(seen) and all(s[0] for s in seen)
    results.append(Result(case, "; ".join(s[1] for s in seen) or "not checked", ok))


_PREFIXES = "skipped|note|failed|busy|not delivered|error|warning"


def entries(stderr: str) -> list[str]:
    """The problem lines a run printed, each rejoined where Rich wrapped it."""
    parts = re.split(rf"\n(?=(?:{_PREFIXES}):)", "\n" + stderr)
    return [" ".join(p.split()) for p in parts if p.strip()]


def invoke(
    ws: Workspace, args: list[str], cwd: Path | None = None, env: dict[str, str] | None = None
) -> Run:
    """Run the Typer app in this process with the workspace's environment (and ``env``)."""
    import os

    from typer.testing import CliRunner

    from supportgraph.cli.app import app

    env = {k: v for k, v in ws.env().items() if k.startswith("SUPPORTGRAPH_")} | (env or {})
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


def coded(cases: list[Case], scenario: str, checks: dict[str, Any]) -> list[Result]:
    """Run the named checks of a coded scenario, one result per case line."""
    results: list[Result] = []
    for case in (c for c in cases if c.scenario == scenario):
        with recorded(results, case) as see:
            see(*checks[case.expect["check"]]())
    return results
