"""Content-addressed blob store: big email bodies stay out of checkpoints, kept by sha256."""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

from supportgraph.graph.context import home_dir
from supportgraph.graph.errors import ConfigurationError
from supportgraph.graph.models import Ticket

# A message longer than this (UTF-8 bytes) is stored as a blob; state keeps an excerpt.
INLINE_LIMIT = 4096
# What of an offloaded message stays in state: enough for triage and retrieval.
EXCERPT_CHARS = 2000


class BlobStore:
    """Files named by the sha256 of their bytes, under ``root/ab/abcdef...``."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def path(self, digest: str) -> Path:
        """Where the blob with this sha256 lives (whether or not it exists)."""
        return self.root / digest[:2] / digest

    def put(self, data: bytes) -> str:
        """Store ``data`` once (writing atomically) and return its sha256."""
        digest = hashlib.sha256(data).hexdigest()
        target = self.path(digest)
        if target.exists():
            return digest
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            with tempfile.NamedTemporaryFile(dir=target.parent, delete=False) as tmp:
                tmp.write(data)
            os.replace(tmp.name, target)
        except OSError as exc:
            raise ConfigurationError(
                f"cannot write blob {digest} under {self.root}: {exc}; "
                "make $SUPPORTGRAPH_HOME writable or point it elsewhere"
            ) from None
        return digest

    def get(self, digest: str) -> bytes:
        """Read a blob back, checking that its bytes still hash to ``digest``.

        Raises:
            ConfigurationError: the blob is missing or its content changed.
        """
        target = self.path(digest)
        try:
            data = target.read_bytes()
        except OSError as exc:
            raise ConfigurationError(
                f"blob {digest} is missing from {self.root} ({exc.strerror}); "
                "the ticket's full message was stored there"
            ) from None
        if hashlib.sha256(data).hexdigest() != digest:
            raise ConfigurationError(
                f"blob {target} does not match its sha256; the file was changed"
            )
        return data


def default_store() -> BlobStore:
    """The blob store under ``$SUPPORTGRAPH_HOME/blobs``."""
    return BlobStore(home_dir() / "blobs")


def offload_body(ticket: Ticket, store: BlobStore | None = None) -> Ticket:
    """Move a big message out of the ticket: store it by hash, keep the hash and an excerpt."""
    raw = ticket.message.encode("utf-8")
    if len(raw) <= INLINE_LIMIT or ticket.body_sha256:
        return ticket
    digest = (store or default_store()).put(raw)
    return ticket.model_copy(
        update={
            "message": ticket.message[:EXCERPT_CHARS],
            "body_sha256": digest,
            "body_bytes": len(raw),
        }
    )


def full_message(ticket: Ticket, store: BlobStore | None = None) -> str:
    """The customer's whole message, read back from the blob store when it was offloaded."""
    if not ticket.body_sha256:
        return ticket.message
    return (store or default_store()).get(ticket.body_sha256).decode("utf-8")
