"""Command-line options shared by the command modules, and the checks they need."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from supportgraph.cli.console import errors
from supportgraph.graph.errors import SupportGraphError
from supportgraph.tools.desk.teams import load_teams
from supportgraph.tools.safety import escape

CheckpointOption = Annotated[
    str | None,
    typer.Option(
        "--checkpoint",
        "-c",
        help="memory://, sqlite:///PATH or postgresql://...; default under $SUPPORTGRAPH_HOME",
    ),
]
TenantOption = Annotated[str | None, typer.Option(help="Tenant the ticket belongs to.")]
OutOption = Annotated[
    Path, typer.Option("--out", "-o", help="Folder for reports and the outbox ledger sent.jsonl.")
]
SmtpOption = Annotated[
    str | None,
    typer.Option(
        "--smtp",
        envvar="SUPPORTGRAPH_SMTP_URL",
        help="Deliver outbox mail via smtp://HOST:PORT as well.",
    ),
]
TemplatesOption = Annotated[
    Path | None,
    typer.Option(
        "--templates",
        help="Folder of reply templates (one sub-folder per language) over "
        "$SUPPORTGRAPH_HOME/templates and the shipped ones; default $SUPPORTGRAPH_TEMPLATES.",
    ),
]
REVIEWER_MAX_CHARS = 100
# A reply file bigger than this is a wrong file, not a reply.
REPLY_FILE_MAX_BYTES = 1_000_000


def fail(message: str) -> typer.Exit:
    """Print ``error: MESSAGE`` (plain text, escaped here) and return exit code 2."""
    errors.print(f"[bold red]error:[/] {escape.console(message, 1000)}")
    return typer.Exit(code=2)


def check_out(out: Path) -> None:
    """Stop with a one-line error when ``--out`` names a file (or sits under one)."""
    for folder in (out, *out.parents):
        if folder.exists():
            if not folder.is_dir():
                raise fail(
                    f"--out {out}: {folder} is a file; pass a folder for the reports and sent.jsonl"
                )
            return


def check_reviewer(name: str) -> str:
    """The reviewer's name, trimmed; stop with an error when it is blank or unprintable."""
    trimmed = name.strip()
    if not trimmed:
        raise fail("--reviewer is empty; say who decided, e.g. --reviewer dana")
    if len(trimmed) > REVIEWER_MAX_CHARS or not trimmed.isprintable():
        raise fail(
            f"--reviewer must be a printable name of at most {REVIEWER_MAX_CHARS} characters"
        )
    return trimmed


def check_team(name: str, teams_path: Path | None) -> str:
    """The configured team called ``name`` (any case); a one-line error listing them if none."""
    try:
        return load_teams(teams_path).get(name).name
    except SupportGraphError as exc:
        raise fail(f"--team: {exc}") from None


def read_reply_file(path: Path) -> str:
    """The reply text in ``path`` (``-``: standard input): UTF-8, not empty.

    Stops with a one-line error when the file is missing, a folder, unreadable, too big,
    not UTF-8 or blank. A UTF-8 byte-order mark and surrounding blank lines are dropped.
    """
    where = "standard input" if str(path) == "-" else str(path)
    try:
        if str(path) == "-":
            data = sys.stdin.buffer.read(REPLY_FILE_MAX_BYTES + 1)
        elif path.is_dir():
            raise fail(f"--reply-file {where} is a folder; pass the file holding the reply")
        else:
            with path.open("rb") as handle:
                data = handle.read(REPLY_FILE_MAX_BYTES + 1)
    except FileNotFoundError:
        raise fail(f"--reply-file {where}: no such file") from None
    except OSError as exc:
        raise fail(f"--reply-file {where}: cannot read it ({exc.strerror})") from None
    if len(data) > REPLY_FILE_MAX_BYTES:
        raise fail(f"--reply-file {where} is over {REPLY_FILE_MAX_BYTES:,} bytes; is it the reply?")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        offset = exc.start + len(data) - len(exc.object)  # the codec reports past a BOM
        raise fail(
            f"--reply-file {where} is not UTF-8 text (byte 0x{data[offset]:02x} at offset "
            f"{offset}); save it as UTF-8"
        ) from None
    if not text.strip():
        raise fail(f"--reply-file {where} is empty; write the reply to send in it")
    return text.strip()
