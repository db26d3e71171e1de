"""LangGraph's checkpointer conformance suite against our SQLite and PostgreSQL set-up.

The suite (``langgraph-checkpoint-conformance``) drives the async API, so it runs
against the async twins of the savers ``open_checkpointer`` returns, opened the same
way: a SQLite file in WAL mode, a PostgreSQL database with ``setup()`` run, and our
allow-list serializer in both. Our own SQLite saver (values once per version) has no
async twin; it runs through a thin adapter that awaits its sync methods. A fresh store is made for every capability suite.
The report prints with ``pytest -s``; the base capabilities must all pass.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

from langgraph.checkpoint.conformance import checkpointer_test, validate
from langgraph.checkpoint.conformance.capabilities import BASE_CAPABILITIES
from langgraph.checkpoint.conformance.report import CapabilityReport

from supportgraph.checkpoints.savers import serializer

from .pg_server import PostgresServer


def _check(report: CapabilityReport) -> None:
    report.print_report()
    counts = {n: (r.tests_passed, r.tests_failed) for n, r in report.results.items() if r.detected}
    print("  tests (passed, failed):", counts)
    failures = {name: r.failures for name, r in report.results.items() if r.failures}
    assert report.passed_all_base(), failures
    for capability in BASE_CAPABILITIES:
        assert report.results[capability.value].tests_passed > 0, capability


def test_sqlite_store_passes_the_base_conformance_suite(tmp_path: Path) -> None:
    import aiosqlite
    from langgraph.checkpoint.sqlite.aio import AsyncSqliteSaver

    @checkpointer_test(name="supportgraph SQLite (WAL, allow-list serde)")
    async def sqlite_saver() -> AsyncIterator[AsyncSqliteSaver]:
        path = tmp_path / f"{uuid.uuid4().hex}.sqlite"  # a fresh store per capability suite
        async with aiosqlite.connect(path) as conn:
            await conn.execute("PRAGMA journal_mode=WAL")
            saver = AsyncSqliteSaver(conn, serde=serializer())
            await saver.setup()
            yield saver

    _check(asyncio.run(validate(sqlite_saver)))


def test_blob_sqlite_store_passes_the_base_conformance_suite(tmp_path: Path) -> None:
    """Our SQLite saver (values once per version) through a thin async adapter."""
    import sqlite3
    from collections.abc import Sequence
    from typing import Any

    from langchain_core.runnables import RunnableConfig
    from langgraph.checkpoint.base import CheckpointTuple

    from supportgraph.checkpoints.sqlite_store import BlobSqliteSaver

    class AsyncBlobSqliteSaver(BlobSqliteSaver):
        """The suite awaits the async API; these run the sync methods in place."""

        async def aget_tuple(self, config: RunnableConfig) -> CheckpointTuple | None:
            return self.get_tuple(config)

        async def alist(  # type: ignore[override]
            self, config: RunnableConfig | None, **kwargs: Any
        ) -> AsyncIterator[CheckpointTuple]:
            for found in list(self.list(config, **kwargs)):
                yield found

        async def aput(self, config: RunnableConfig, *args: Any) -> RunnableConfig:  # type: ignore[override]
            return self.put(config, *args)

        async def aput_writes(
            self,
            config: RunnableConfig,
            writes: Sequence[tuple[str, Any]],
            task_id: str,
            task_path: str = "",
        ) -> None:
            self.put_writes(config, writes, task_id, task_path)

        async def adelete_thread(self, thread_id: str) -> None:
            self.delete_thread(thread_id)

    @checkpointer_test(name="supportgraph SQLite, values once per version")
    async def blob_saver() -> AsyncIterator[BlobSqliteSaver]:
        path = tmp_path / f"{uuid.uuid4().hex}.sqlite"
        conn = sqlite3.connect(path, check_same_thread=False)
        conn.execute("PRAGMA journal_mode=WAL")
        saver = AsyncBlobSqliteSaver(conn, serde=serializer())
        saver.setup()
        try:
            yield saver
        finally:
            conn.close()

    _check(asyncio.run(validate(blob_saver)))


def test_postgres_store_passes_the_base_conformance_suite(postgres_server: PostgresServer) -> None:
    from langgraph.checkpoint.postgres.aio import AsyncPostgresSaver

    @checkpointer_test(name="supportgraph PostgreSQL (allow-list serde)")
    async def postgres_saver() -> AsyncIterator[AsyncPostgresSaver]:
        url = postgres_server.create_database("conformance")
        async with AsyncPostgresSaver.from_conn_string(url, serde=serializer()) as saver:
            await saver.setup()
            yield saver

    _check(asyncio.run(validate(postgres_saver)))
