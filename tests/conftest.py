"""Shared fixtures: a pinned clock, sample tickets and real checkpointers."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from supportgraph.checkpoints import open_checkpointer
from supportgraph.graph.context import Context
from supportgraph.graph.models import Ticket
from supportgraph.tools.tickets.intake import validate_records

from . import pg_server
from .pg_server import PostgresServer

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "examples" / "sample_inquiries.json"
NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


@pytest.fixture(scope="session")
def _shared_model_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("model-cache")


@pytest.fixture(autouse=True)
def _isolated_home(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, _shared_model_cache: Path
) -> None:
    """Keep every test's local state in its own folder.

    The model files derived at first use (int8 copies, USE's token table: 70 MB)
    are the same for every home, so the tests share one cache of them; a test about
    that cache asks for ``own_model_cache``.
    """
    monkeypatch.setenv("SUPPORTGRAPH_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("SUPPORTGRAPH_CACHE", str(_shared_model_cache))


@pytest.fixture
def own_model_cache(monkeypatch: pytest.MonkeyPatch) -> None:
    """The default model cache, ``$SUPPORTGRAPH_HOME/cache``: empty when the test starts."""
    monkeypatch.delenv("SUPPORTGRAPH_CACHE")


@pytest.fixture
def context() -> Context:
    return Context(clock=lambda: NOW)


@pytest.fixture
def samples() -> dict[str, Ticket]:
    intake = validate_records(json.loads(SAMPLES.read_text()), NOW)
    assert not intake.errors
    return {t.ticket_id: t for t in intake.tickets}


# A whole production outage: every request fails and no one can work. (The demo's own
# SUPPORT-001 reports 15 % of API calls failing, which the rubric lets a lead rate High or
# Critical; tests that need an incident beyond doubt use this instead.)
FULL_OUTAGE = (
    "Since 09:10 every call to your API returns a 500 error. Our production system is down "
    "and none of our customers can complete a transaction. Need urgent resolution."
)


@pytest.fixture
def outage(samples: dict[str, Ticket]) -> Ticket:
    """The demo's SUPPORT-001 as a whole outage (FULL_OUTAGE): Critical beyond doubt."""
    return samples["SUPPORT-001"].model_copy(update={"message": FULL_OUTAGE})


def make_ticket(**fields: Any) -> Ticket:
    """A valid ticket with overridable fields."""
    base: dict[str, Any] = {
        "ticket_id": "T-1",
        "customer": "Acme Ltd",
        "customer_tier": "Growth",
        "channel": "Email",
        "subject": "Question",
        "message": "Hello, a question.",
        "submitted_at": NOW,
    }
    return Ticket.model_validate(base | fields)


def _postgres_required() -> bool:
    return os.environ.get("SUPPORTGRAPH_REQUIRE_POSTGRES") == "1"


def _start_postgres() -> PostgresServer:
    """Start a throwaway server, or skip (fail when required) saying why it cannot start.

    The reason shows in pytest's summary (``-ra``); SUPPORTGRAPH_REQUIRE_POSTGRES=1
    (set by CI and ``make test-postgres``) turns the skip into a failure.
    """
    try:
        return pg_server.start()
    except pg_server.PostgresUnavailable as exc:
        if _postgres_required():
            pytest.fail(f"SUPPORTGRAPH_REQUIRE_POSTGRES=1 but PostgreSQL cannot start: {exc}")
        pytest.skip(f"PostgreSQL cannot start: {exc}")


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """One throwaway PostgreSQL for the whole session, started on first use."""
    server = _start_postgres()
    yield server
    server.stop()


@pytest.fixture
def own_postgres() -> Iterator[PostgresServer]:
    """A PostgreSQL server for one test only, which the test may stop and restart."""
    server = _start_postgres()
    yield server
    server.stop()


@pytest.fixture(params=["memory", "sqlite", "postgres"], ids=["memory", "sqlite", "postgres"])
def checkpoint_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A URL for an empty store: each postgres case gets a database of its own.

    A fresh database per test (not unique thread ids) keeps the tests' ticket ids
    meaningful and lets them count checkpoints and threads without seeing others'.
    """
    if request.param == "memory":
        return "memory://"
    if request.param == "postgres":
        server: PostgresServer = request.getfixturevalue("postgres_server")
        return server.create_database()
    return f"sqlite:///{tmp_path / 'checkpoints.sqlite'}"


@pytest.fixture
def saver(checkpoint_url: str) -> Iterator[Any]:
    with open_checkpointer(checkpoint_url) as checkpointer:
        yield checkpointer
