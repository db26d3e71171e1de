"""Open a checkpointer from a URL: ``memory://``, ``sqlite:///PATH`` or ``postgresql://``."""

from __future__ import annotations

import os
import re
import sqlite3
import threading
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit, urlunsplit
from weakref import WeakKeyDictionary

from langgraph.checkpoint.base import BaseCheckpointSaver
from langgraph.checkpoint.serde.jsonplus import JsonPlusSerializer
from pydantic import BaseModel

from supportgraph.checkpoints.sqlite_setup import set_up_shared
from supportgraph.checkpoints.zdict import ZDICT_V1
from supportgraph.graph.context import home_dir
from supportgraph.graph.errors import ConfigurationError, StoreError
from supportgraph.graph.state import checkpoint_types

if TYPE_CHECKING:
    from supportgraph.checkpoints.sqlite_store import BlobSqliteSaver

# Which URL each open saver came from, so errors can name the store (passwords removed).
_LABELS: WeakKeyDictionary[BaseCheckpointSaver[Any], str] = WeakKeyDictionary()
# PostgreSQL URLs whose tables this process already created or migrated (setup() once).
_POSTGRES_READY: set[str] = set()


def default_url() -> str:
    """SQLite file under ``$SUPPORTGRAPH_HOME`` (default ``.supportgraph/``)."""
    return f"sqlite:///{home_dir() / 'checkpoints.sqlite'}"


def _quote(part: str) -> str:
    return part.replace("%", "%25").replace(":", "%3A")


def _unquote(part: str) -> str:
    return part.replace("%3A", ":").replace("%25", "%")


def thread_id(ticket_id: str, tenant: str | None = None) -> str:
    """The checkpoint thread of a ticket: its id, namespaced by tenant when given.

    Each part has ``%`` and ``:`` percent-encoded and the tenant is joined to the id
    with one ``:``, so no two (tenant, id) pairs share a thread: tenant ``a`` with
    ticket ``b:c`` is ``a:b%3Ac``, tenant ``a:b`` with ticket ``c`` is ``a%3Ab:c``,
    and ticket ``acme:T1`` without a tenant is ``acme%3AT1``. Ids and tenants without
    those two characters keep the thread ids stores had before (``acme:T1``, ``T1``).
    """
    return f"{_quote(tenant)}:{_quote(ticket_id)}" if tenant else _quote(ticket_id)


def parse_thread_id(thread: str) -> tuple[str | None, str]:
    """Split a thread id made by :func:`thread_id` back into (tenant, ticket id)."""
    tenant, sep, ticket = thread.partition(":")
    return (_unquote(tenant), _unquote(ticket)) if sep else (None, _unquote(thread))


class CompressingSerializer(JsonPlusSerializer):
    """LangGraph's serializer, with values zlib-compressed against a preset dictionary.

    Ticket state is mostly small values (a routing decision, an SLA status) whose bytes
    are largely structure: model and field names. zlib primed with that structure
    (``checkpoints/zdict.py``) shrinks even a 200-byte value by half. Values written
    uncompressed or with plain zlib (older stores) still read back.
    """

    SUFFIX = "+zlib"  # plain zlib, as written before the dictionary; read only
    DICT_SUFFIX = "+zdict1"
    MIN_BYTES = 32
    RECENT = 256  # frozen models whose bytes are kept, newest last
    # A compressor already primed with the dictionary; each value compresses on a copy of
    # it, which skips hashing the dictionary again. Level 6 with an 8 KB window (the
    # dictionary is 4.4 KB) and small hash tables: the checkpoints' values 41 → 27 µs
    # each, 0.03 % more bytes (docs/benchmarks.md). Any zlib reader reads them, so
    # values written with the earlier level 9 and 32 KB window read the same way.
    _PRIMED = zlib.compressobj(6, zlib.DEFLATED, 13, 5, zlib.Z_DEFAULT_STRATEGY, ZDICT_V1)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # A node's result is serialised as a pending write, then again as the channel's
        # value in the next checkpoint: the same frozen object, so its bytes are reused.
        self._recent: dict[int, tuple[BaseModel, tuple[str, bytes]]] = {}
        self._recent_lock = threading.Lock()

    def dumps_typed(self, obj: Any) -> tuple[str, bytes]:
        """Serialize, then compress when it pays (a frozen model seen lately: its bytes)."""
        if not (isinstance(obj, BaseModel) and obj.model_config.get("frozen")):
            return self._dumps(obj)
        with self._recent_lock:
            seen = self._recent.get(id(obj))
        if seen is not None and seen[0] is obj:
            return seen[1]
        dumped = self._dumps(obj)
        with self._recent_lock:
            if len(self._recent) >= self.RECENT:
                del self._recent[next(iter(self._recent))]
            self._recent[id(obj)] = (obj, dumped)
        return dumped

    def _dumps(self, obj: Any) -> tuple[str, bytes]:
        kind, data = super().dumps_typed(obj)
        if isinstance(data, bytes) and len(data) >= self.MIN_BYTES:
            packer = self._PRIMED.copy()
            packed = packer.compress(data) + packer.flush()
            if len(packed) < len(data):
                return kind + self.DICT_SUFFIX, packed
        return kind, data

    def loads_typed(self, data: tuple[str, bytes]) -> Any:
        """Decompress values written compressed, then deserialize."""
        kind, payload = data
        if kind.endswith(self.DICT_SUFFIX):
            unpacker = zlib.decompressobj(zdict=ZDICT_V1)
            raw = unpacker.decompress(payload) + unpacker.flush()
            return super().loads_typed((kind.removesuffix(self.DICT_SUFFIX), raw))
        if kind.endswith(self.SUFFIX):
            return super().loads_typed((kind.removesuffix(self.SUFFIX), zlib.decompress(payload)))
        return super().loads_typed(data)


def serializer() -> JsonPlusSerializer:
    """A compressing serializer that allows exactly our state models to be read back.

    Registering them (``allowed_msgpack_modules``) is what LangGraph asks of custom
    types: it reads them without a warning today, and still reads them when unlisted
    types are refused (``LANGGRAPH_STRICT_MSGPACK=true`` now, the default later). Every
    saver this project opens uses it, and so does ``langgraph dev`` (``studio.py``).
    """
    allowed = [(m.__module__, m.__name__) for m in checkpoint_types()]
    return CompressingSerializer(allowed_msgpack_modules=allowed)


def redact(url: str) -> str:
    """The URL without its password, fit for messages and logs."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
    return urlunsplit(parts._replace(netloc=netloc))


def redact_unparsed(url: str) -> str:
    """A URL that does not parse, with anything between ``:`` and ``@`` hidden."""
    return re.sub(r"(//[^/:@]*:)[^@/]*@", r"\1***@", url)


def store_label(saver: BaseCheckpointSaver[Any]) -> str:
    """The URL a saver was opened from (password removed), or its class name."""
    inner = getattr(saver, "inner", saver)  # a FencedSaver wraps the real one
    return _LABELS.get(inner, type(inner).__name__)


def _database_errors() -> tuple[type[Exception], ...]:
    try:
        import psycopg
    except ImportError:
        return (sqlite3.Error,)
    return (sqlite3.Error, psycopg.Error)


@contextmanager
def store_errors(saver: BaseCheckpointSaver[Any] | None) -> Iterator[None]:
    """Turn a database failure inside the block into a StoreError that names the store.

    Raises:
        StoreError: the database went away, is read-only or refused a write.
    """
    try:
        yield
    except _database_errors() as exc:
        label = store_label(saver) if saver is not None else "checkpoint store"
        detail = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise StoreError(
            f"checkpoint store {label} failed: {detail}. Steps saved before the failure are "
            "kept; bring the database back (or fix its permissions) and rerun to resume."
        ) from exc


def _sqlite_path(url: str) -> Path:
    # sqlite:///relative/path and sqlite:////absolute/path, as SQLAlchemy spells them.
    raw = url.removeprefix("sqlite://")
    if not raw.startswith("/") or raw == "/":
        raise ConfigurationError(f"{url!r}: write sqlite:///PATH (three slashes, then the file)")
    return Path(raw[1:])


def _writable(path: Path) -> bool:
    # Root passes os.access whatever the mode, so the write bits are checked too: a
    # file an operator made read-only (chmod a-w) is treated as read-only for everyone.
    return os.access(path, os.W_OK) and bool(path.stat().st_mode & 0o222)


def _check_sqlite_path(path: Path, create: bool) -> None:
    if path.is_dir():
        raise ConfigurationError(
            f"checkpoint database {path} is a folder; point sqlite:/// at a file inside it"
        )
    if not path.exists():
        if not create:
            raise ConfigurationError(
                f"no checkpoint database at {path}; run `supportgraph run` first, "
                "or pass --checkpoint sqlite:///PATH naming the file it wrote"
            )
        existing = next((p for p in path.absolute().parents if p.exists()), None)
        if existing is not None and existing.is_dir() and not _writable(existing):
            raise ConfigurationError(
                f"cannot create checkpoint database {path}: folder {existing} is read-only; "
                "make it writable or pass --checkpoint sqlite:///PATH in a writable folder"
            )
        return
    if not _writable(path):
        raise ConfigurationError(
            f"checkpoint database {path} is read-only (mode {path.stat().st_mode & 0o777:o}); "
            f"make it writable (chmod u+w {path}) or pass --checkpoint with another file"
        )
    if not _writable(path.parent):
        raise ConfigurationError(
            f"checkpoint database {path} is in a read-only folder; SQLite needs to create "
            f"{path.name}-wal next to it: make {path.parent} writable or move the file"
        )


def _set_up_sqlite(conn: sqlite3.Connection) -> BlobSqliteSaver:
    """Switch ``conn``'s file to WAL and create the saver's tables (see ``set_up_shared``)."""
    from supportgraph.checkpoints.sqlite_store import BlobSqliteSaver

    def step() -> BlobSqliteSaver:
        conn.execute("PRAGMA journal_mode=WAL")
        # A step's checkpoint is committed without waiting for the disk: it survives the
        # process being killed (it is in the OS's cache), and a power cut can only roll
        # back the last steps, never corrupt the file. The disk is waited for once per
        # ticket, when its lease is given back (checkpoints/leases.py): before anything
        # the ticket produced is delivered.
        conn.execute("PRAGMA synchronous=NORMAL")
        # A fresh saver each try: a setup() cut short must not be remembered as done.
        saver = BlobSqliteSaver(conn, serde=serializer())
        saver.setup()
        return saver

    return set_up_shared(conn, step)


@contextmanager
def _open_sqlite(url: str, create: bool) -> Iterator[BaseCheckpointSaver[str]]:
    path = _sqlite_path(url)
    _check_sqlite_path(path, create)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(path, check_same_thread=False, timeout=30)
    except (OSError, sqlite3.Error) as exc:
        raise ConfigurationError(f"cannot open checkpoint database {path}: {exc}") from None
    try:
        try:
            saver = _set_up_sqlite(conn)
        except sqlite3.Error as exc:
            raise ConfigurationError(
                f"cannot open checkpoint database {path}: {exc}; check that the file and "
                "its folder are writable and the file is a SQLite database"
            ) from None
        _LABELS[saver] = f"sqlite:///{path}"
        yield saver
    finally:
        conn.close()


@contextmanager
def _open_postgres(url: str) -> Iterator[BaseCheckpointSaver[str]]:
    try:
        import psycopg
        from psycopg.rows import dict_row

        from supportgraph.checkpoints.postgres_store import CompactPostgresSaver
    except ImportError:
        raise ConfigurationError(
            "postgresql:// needs langgraph-checkpoint-postgres and psycopg; "
            "reinstall supportgraph (pip install -e .)"
        ) from None
    label = redact(url)
    try:
        conn = psycopg.Connection.connect(
            url, autocommit=True, prepare_threshold=0, row_factory=dict_row, connect_timeout=10
        )
    except psycopg.Error as exc:
        detail = " ".join(str(exc).split()) or type(exc).__name__
        raise ConfigurationError(
            f"cannot connect to checkpoint database {label}: {detail}; check that PostgreSQL "
            "is running and the URL (host, port, database, user) is right"
        ) from None
    with conn:
        saver = CompactPostgresSaver(conn, serde=serializer())
        if url not in _POSTGRES_READY:
            try:
                saver.setup()
            except psycopg.Error as exc:
                raise ConfigurationError(
                    f"cannot create the checkpoint tables in {label}: {exc}; "
                    "the user needs CREATE rights on the database"
                ) from None
            _POSTGRES_READY.add(url)
        _LABELS[saver] = label
        yield saver


@contextmanager
def open_checkpointer(
    url: str | None = None, *, create: bool = True
) -> Iterator[BaseCheckpointSaver[str]]:
    """Yield a ready checkpointer for ``url`` and close it afterwards.

    Args:
        url: ``memory://``, ``sqlite:///PATH`` or ``postgresql://...``; None uses
            the SQLite file under ``$SUPPORTGRAPH_HOME``.
        create: Create a missing SQLite file; False (for commands that only read
            or maintain history) reports a missing file instead.

    Raises:
        ConfigurationError: unknown scheme, or the database cannot be opened
            (missing, read-only, server down); the message names it.
    """
    url = url or default_url()
    try:
        scheme = urlsplit(url).scheme
    except ValueError as exc:  # e.g. an unclosed "[" in the host
        raise ConfigurationError(
            f"{redact_unparsed(url)!r} is not a checkpoint URL ({exc}); "
            "use memory://, sqlite:///PATH or postgresql://..."
        ) from None
    match scheme:
        case "memory":
            from langgraph.checkpoint.memory import InMemorySaver

            memory = InMemorySaver(serde=serializer())
            _LABELS[memory] = "memory://"
            yield memory
        case "sqlite":
            with _open_sqlite(url, create) as saver:
                yield saver
        case "postgres" | "postgresql":
            with _open_postgres(url) as saver:
                yield saver
        case other:
            raise ConfigurationError(
                f"unknown checkpoint URL scheme {other!r}; use memory://, sqlite:///PATH or postgresql://..."
            )
