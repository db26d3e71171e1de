"""Big email bodies go to the content-addressed blob store; state keeps the hash and an excerpt."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from supportgraph.graph.context import Context
from supportgraph.graph.errors import ConfigurationError
from supportgraph.graph.models import Ticket
from supportgraph.runs.build import build_graph
from supportgraph.runs.retention import thread_bytes
from supportgraph.runs.runner import run_ticket
from supportgraph.tools.tickets.blobs import EXCERPT_CHARS, BlobStore, default_store, full_message

LOG_LINE = "2026-11-24T03:12:09Z export-worker ERROR job 8812 timed out after 300s (2.1 GB)\n"


def _long_ticket(samples: dict[str, Ticket]) -> Ticket:
    ticket = samples["SUPPORT-003"]
    body = ticket.message + "\n\nFull log below:\n" + LOG_LINE * 800  # about 70 KB
    return ticket.model_copy(update={"ticket_id": "SUPPORT-LOG", "message": body})


def test_long_email_body_is_kept_by_hash_out_of_the_checkpoints(
    saver: Any, samples: dict[str, Ticket], context: Context, checkpoint_url: str
) -> None:
    ticket = _long_ticket(samples)
    run = run_ticket(build_graph(saver), ticket, context)

    kept = run.snapshot.values["ticket"]
    assert kept.body_bytes == len(ticket.message.encode()) > 60_000
    assert len(kept.message) == EXCERPT_CHARS
    assert ticket.message.startswith(kept.message)
    assert full_message(kept) == ticket.message  # the whole text comes back from the store
    assert default_store().path(kept.body_sha256).is_file()
    assert run.snapshot.values["outcome"] == "replied"
    assert run.snapshot.values["triage"].category == "technical"
    if checkpoint_url != "memory://":
        # Inline, each of the thread's ~11 checkpoints would carry the 70 KB body.
        assert (thread_bytes(saver, "SUPPORT-LOG") or 0) < 2 * kept.body_bytes


def test_short_messages_stay_inline(
    saver: Any, samples: dict[str, Ticket], context: Context
) -> None:
    run = run_ticket(build_graph(saver), samples["SUPPORT-002"], context)
    assert run.snapshot.values["ticket"].body_sha256 is None


def test_same_body_is_stored_once(tmp_path: Path) -> None:
    store = BlobStore(tmp_path / "blobs")
    first, second = store.put(b"x" * 10_000), store.put(b"x" * 10_000)
    assert first == second
    assert [p.name for p in (tmp_path / "blobs").rglob("*") if p.is_file()] == [first]


def test_a_changed_blob_is_detected(tmp_path: Path) -> None:
    store = BlobStore(tmp_path / "blobs")
    digest = store.put(b"original body")
    store.path(digest).write_bytes(b"edited body")
    with pytest.raises(ConfigurationError, match="does not match its sha256"):
        store.get(digest)
    with pytest.raises(ConfigurationError, match="is missing"):
        store.get("0" * 64)
