"""Command-line options shared by the command modules, and the checks they need."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from supportgraph.cli.console import errors
from supportgraph.tools import escape

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
