"""LangGraph's checkpointer conformance suite against our SQLite and PostgreSQL set-up.

The suite (``langgraph-checkpoint-conformance``) drives the async API, so it runs
against the async twins of the savers ``open_checkpointer`` returns, opened the same
way: a SQLite file in WAL mode, a PostgreSQL database with ``setup()`` run, and our
allow-list serializer in both. A fresh store is made for every capability suite.
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


def test_postgres_store_passes_the_base_conformance_suite(postgres_server: PostgresServer) -> None:
    from langgraph.checkpoint.postgres.aio import AsyncPostgresSaver

    @checkpointer_test(name="supportgraph PostgreSQL (allow-list serde)")
    async def postgres_saver() -> AsyncIterator[AsyncPostgresSaver]:
        url = postgres_server.create_database("conformance")
        async with AsyncPostgresSaver.from_conn_string(url, serde=serializer()) as saver:
            await saver.setup()
            yield saver

    _check(asyncio.run(validate(postgres_saver)))
