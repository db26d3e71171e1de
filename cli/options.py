"""Command-line options shared by the command modules."""

from __future__ import annotations

from typing import Annotated

import typer

CheckpointOption = Annotated[
    str | None,
    typer.Option(
        "--checkpoint",
        "-c",
        help="memory://, sqlite:///PATH or postgresql://...; default under $SUPPORTGRAPH_HOME",
    ),
]
TenantOption = Annotated[str | None, typer.Option(help="Tenant the ticket belongs to.")]
