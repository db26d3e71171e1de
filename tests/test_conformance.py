"""LangGraph's checkpointer conformance suite against the savers the project ships.

The suite (``langgraph-checkpoint-conformance``) drives the async API. It runs on what
``open_checkpointer`` yields (BlobSqliteSaver in WAL mode, CompactPostgresSaver with its
tables set up, our allow-list serializer in both) wrapped by the lease fence as a ticket
run has it: this process holds the lease of every thread the suite writes, so every
write goes through the fence's transaction. It also runs on the saver ``langgraph dev``
uses (``checkpoints/studio.py``). A fresh store is made for every capability suite.
The report prints with ``pytest -s``; the base capabilities must all pass.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

import pytest
from langgraph.checkpoint.base import BaseCheckpointSaver
from langgraph.checkpoint.conformance import checkpointer_test, validate
from langgraph.checkpoint.conformance.capabilities import BASE_CAPABILITIES
from langgraph.checkpoint.conformance.report import CapabilityReport

from supportgraph.checkpoints import open_checkpointer
from supportgraph.checkpoints.fence import FencedSaver
from supportgraph.checkpoints.leases import Lease
from supportgraph.checkpoints.postgres_store import CompactPostgresSaver
from supportgraph.checkpoints.sqlite_store import BlobSqliteSaver

from .pg_server import PostgresServer


class EveryThreadLeased(FencedSaver):
    """The fence as a ticket run has it, for every thread: the lease is taken on first write."""

    def __init__(self, inner: BaseCheckpointSaver[str], stack: ExitStack) -> None:
        super().__init__(inner)
        self._stack = stack
        self.leased: list[str] = []  # threads whose writes went through the fence

    def held(self, thread_id: str) -> Lease | None:
        """This process's lease on the thread, taken now if it has none yet."""
        lease = super().held(thread_id)
        if lease is None:
            lease = self._stack.enter_context(self.lease(thread_id))
            self.leased.append(thread_id)
        return lease


@contextmanager
def _fenced_store(url: str) -> Iterator[EveryThreadLeased]:
    with open_checkpointer(url) as saver, ExitStack() as leases:
        yield EveryThreadLeased(saver, leases)


def _check(report: CapabilityReport) -> None:
    report.print_report()
    counts = {n: (r.tests_passed, r.tests_failed) for n, r in report.results.items() if r.detected}
    print("  tests (passed, failed):", counts)
    failures = {name: r.failures for name, r in report.results.items() if r.failures}
    assert report.passed_all_base(), failures
    for capability in BASE_CAPABILITIES:
        assert report.results[capability.value].tests_passed > 0, capability


def test_fenced_blob_sqlite_store_passes_the_base_conformance_suite(tmp_path: Path) -> None:
    seen: list[FencedSaver] = []

    @checkpointer_test(name="supportgraph SQLite (values once per version) behind the fence")
    async def fenced_sqlite() -> AsyncIterator[FencedSaver]:
        url = f"sqlite:///{tmp_path / uuid.uuid4().hex}.sqlite"  # a fresh store per suite
        with _fenced_store(url) as saver:
            seen.append(saver)
            yield saver

    _check(asyncio.run(validate(fenced_sqlite)))
    assert all(isinstance(s.inner, BlobSqliteSaver) for s in seen)
    print("  threads written under a lease:", sum(len(s.leased) for s in seen))
    assert sum(len(s.leased) for s in seen) > 20  # the suite's writes were fenced


def test_fenced_compact_postgres_store_passes_the_base_conformance_suite(
    postgres_server: PostgresServer,
) -> None:
    seen: list[FencedSaver] = []

    @checkpointer_test(name="supportgraph PostgreSQL (compact versions) behind the fence")
    async def fenced_postgres() -> AsyncIterator[FencedSaver]:
        with _fenced_store(postgres_server.create_database("conformance")) as saver:
            seen.append(saver)
            yield saver

    _check(asyncio.run(validate(fenced_postgres)))
    assert all(isinstance(s.inner, CompactPostgresSaver) for s in seen)
    print("  threads written under a lease:", sum(len(s.leased) for s in seen))
    assert sum(len(s.leased) for s in seen) > 20  # the suite's writes were fenced


def test_studio_saver_passes_the_base_conformance_suite(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from supportgraph.checkpoints.studio import studio_checkpointer

    @checkpointer_test(name="langgraph dev's saver (AsyncSqliteSaver, allow-list serde)")
    async def studio_saver() -> AsyncIterator[BaseCheckpointSaver[str]]:
        monkeypatch.setenv("SUPPORTGRAPH_HOME", str(tmp_path / uuid.uuid4().hex))
        async with studio_checkpointer() as saver:
            yield saver

    _check(asyncio.run(validate(studio_saver)))
