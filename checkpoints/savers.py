"""Open a checkpointer from a URL: ``memory://``, ``sqlite:///PATH`` or ``postgresql://``."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

from langgraph.checkpoint.base import BaseCheckpointSaver
from langgraph.checkpoint.serde.jsonplus import JsonPlusSerializer

from supportgraph.graph.context import home_dir
from supportgraph.graph.errors import ConfigurationError
from supportgraph.graph.models import EscalationTrigger, ProposedAction
from supportgraph.graph.state import STATE_MODELS


def default_url() -> str:
    """SQLite file under ``$SUPPORTGRAPH_HOME`` (default ``.supportgraph/``)."""
    return f"sqlite:///{home_dir() / 'checkpoints.sqlite'}"


def thread_id(ticket_id: str, tenant: str | None = None) -> str:
    """The checkpoint thread of a ticket: its id, namespaced by tenant when given."""
    return f"{tenant}:{ticket_id}" if tenant else ticket_id


def serializer() -> JsonPlusSerializer:
    """A serializer that allows exactly our state models to be read back."""
    allowed = [
        (m.__module__, m.__name__) for m in (*STATE_MODELS, EscalationTrigger, ProposedAction)
    ]
    return JsonPlusSerializer(allowed_msgpack_modules=allowed)


def _sqlite_path(url: str) -> Path:
    # sqlite:///relative/path and sqlite:////absolute/path, as SQLAlchemy spells them.
    raw = url.removeprefix("sqlite://")
    if not raw.startswith("/") or raw == "/":
        raise ConfigurationError(f"{url!r}: write sqlite:///PATH (three slashes, then the file)")
    return Path(raw[1:])


@contextmanager
def open_checkpointer(url: str | None = None) -> Iterator[BaseCheckpointSaver[str]]:
    """Yield a ready checkpointer for ``url`` and close it afterwards.

    Raises:
        ConfigurationError: unknown scheme, or the database cannot be opened.
    """
    url = url or default_url()
    match urlsplit(url).scheme:
        case "memory":
            from langgraph.checkpoint.memory import InMemorySaver

            yield InMemorySaver(serde=serializer())
        case "sqlite":
            from langgraph.checkpoint.sqlite import SqliteSaver

            path = _sqlite_path(url)
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
                conn = sqlite3.connect(path, check_same_thread=False, timeout=30)
                conn.execute("PRAGMA journal_mode=WAL")
            except (OSError, sqlite3.Error) as exc:
                raise ConfigurationError(f"cannot open checkpoint database {path}: {exc}") from None
            try:
                saver = SqliteSaver(conn, serde=serializer())
                saver.setup()
                yield saver
            finally:
                conn.close()
        case "postgres" | "postgresql":
            try:
                from langgraph.checkpoint.postgres import PostgresSaver
            except ImportError:
                raise ConfigurationError(
                    "postgresql:// needs langgraph-checkpoint-postgres; pip install 'supportgraph[postgres]'"
                ) from None
            with PostgresSaver.from_conn_string(url) as saver:
                saver.serde = serializer()
                saver.setup()
                yield saver
        case other:
            raise ConfigurationError(
                f"unknown checkpoint URL scheme {other!r}; use memory://, sqlite:///PATH or postgresql://..."
            )
